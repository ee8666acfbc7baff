/*
 * What a rule is and what it sees.
 *
 * A rule is its metadata (the one place its id, severity and texts live)
 * and a check function. Checks read the parsed model - instructions,
 * stages, expanded values, the shell commands of every RUN - and report
 * findings through lint_report(); they never print, never touch raw text
 * with ad-hoc patterns, and never decide about suppressions or severities
 * (the engine does).
 */
#ifndef BOSUN_RULES_RULE_H
#define BOSUN_RULES_RULE_H

#include <stdarg.h>

#include "bosun/bosun.h"
#include "dockerfile/dockerfile.h"
#include "dockerfile/model.h"
#include "dockerfile/validate.h"
#include "shell/shell.h"

typedef struct lint_ctx lint_ctx;
typedef struct lint_suppressions lint_suppressions;

typedef struct rule_def {
    bosun_rule_info info;
    void (*check)(lint_ctx *ctx); /* NULL for rules checked elsewhere */
    /* Judges a Dockerfile as written (its FROMs, its last USER, its
     * syntax): not run on the instructions rebuilt from an image's
     * history, where image rules take its place. */
    bool dockerfile_only;
} rule_def;

/* The shell a stage runs shell-form RUNs with. */
typedef enum lint_shell {
    LINT_SHELL_POSIX, /* sh, bash, ash, dash, zsh ... */
    LINT_SHELL_OTHER, /* powershell, cmd: not analysed */
} lint_shell;

typedef struct lint_finding {
    const rule_def *rule;
    size_t inst;          /* instruction index */
    uint32_t off, end;    /* source span of the offending token */
    const char *message;
} lint_finding;

struct lint_ctx {
    arena *a;
    const bosun_config *cfg;
    const df_file *file;
    const df_model *model;
    const df_problem *problems;
    size_t nproblems;
    /* Per instruction: the parsed script of a RUN (or of an ONBUILD RUN
     * trigger), NULL otherwise or when its shell is not POSIX. */
    sh_script **scripts;
    lint_shell *shells;
    /* Per instruction: the absolute working directory it runs in
     * (exec_workdirs() computes it on first use); NULL until then. */
    const char **workdirs;

    lint_finding *findings;
    size_t nfindings, findings_cap;

    /* The package-manager command lines of the scripts, parsed once for
     * all the rules that read them (pkgmgr.c); NULL until first used. */
    struct pkg_memo *pkg_memo;

    /* `# bosun ignore=` comments (lint/suppress.h). */
    const lint_suppressions *suppressions;

    /* Analyses several rules share, computed by the first rule that needs
     * them (flow_of); NULL until then. */
    struct script_flow **flows;
    struct credential_matcher *credentials; /* lint_credentials() */
};

/* Report a finding of `rule_id` on instruction `inst`, at the source span
 * [off, end). printf-style message. */
void lint_report(lint_ctx *c, const char *rule_id, size_t inst, uint32_t off,
                 uint32_t end, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The instruction whose script is scripts[i]: the RUN, or the trigger of an
 * ONBUILD RUN. */
const df_instruction *lint_run_instruction(const lint_ctx *c, size_t i);

/* Shorthands over the shell model, shared by rules. */
const char *lint_word(const sh_word *w);           /* value, "" if NULL */
bool lint_word_is_option(const sh_word *w);        /* starts with '-' */
/* Is `name` one of the NULL-terminated `names`? */
bool lint_name_in(const char *name, const char *const *names);

/* The credential matcher of this lint (secrets/secrets.h), created on
 * first use and freed by the engine. */
struct credential_matcher *lint_credentials(lint_ctx *c);

/* df_expand() of an instruction's word, without the lexer when the word
 * has nothing to expand (no $, quote or escape character). */
df_value lint_expand(lint_ctx *c, size_t inst, const df_text *t);

/* Shown in messages: a word as written, shortened to a readable length. */
const char *lint_quote(lint_ctx *c, const char *s, size_t len);
/* The same for a word that may hold a URL: credentials in its user-info
 * part (https://user:token@host/...) are redacted. */
const char *lint_quote_url(lint_ctx *c, const char *s, size_t len);

/* Does `s` match `pattern`, where '*' matches any run of characters
 * (including '/')? Used for image and registry globs. */
bool lint_glob_match(const char *pattern, const char *s);

/* The registry (registry.c). */
size_t rules_count(void);
const rule_def *rules_at(size_t i);
const rule_def *rules_find(const char *id);

#endif
