/*
 * Package managers and other dependency fetchers, as they read their own
 * command lines: apt-get/apt, apk, yum/dnf/microdnf/tdnf, zypper, pip
 * (also `python -m pip`), pipx, npm, yarn, pnpm, gem, go, cargo and git.
 *
 * pkg_parse() splits a command's arguments into options (with the value
 * the option takes, attached or in the next word) and operands, with each
 * tool's own rules: which options take a value, clustered short options,
 * `--name=value`, `--`, options before and after the sub-command, Go's
 * single-dash flags. Unquoted words whose value came from a known ARG/ENV
 * and holds several fields ("curl git") are split as the shell would.
 * Shared by the rules about upgrades and pinning; it knows nothing about
 * what a rule reports.
 */
#ifndef BOSUN_RULES_PKGMGR_H
#define BOSUN_RULES_PKGMGR_H

#include "rules/rule.h"

typedef enum pkg_tool {
    PKG_NONE = 0,
    PKG_APT,    /* apt-get, apt, aptitude */
    PKG_APK,
    PKG_YUM,    /* yum, dnf, dnf5, microdnf, tdnf */
    PKG_ZYPPER,
    PKG_PIP,    /* pip, pip3, pip3.12, python -m pip */
    PKG_PIPX,
    PKG_NPM,
    PKG_YARN,
    PKG_PNPM,
    PKG_GEM,
    PKG_GO,
    PKG_CARGO,
    PKG_GIT,
    PKG_NTOOLS
} pkg_tool;

#define PKG_MASK(tool) (1u << (tool))

/* One argument as the tool reads it. */
typedef struct pkg_arg {
    /* The operand, or the option as written (with its attached value). A
     * field of a word that held several is a word of its own. */
    const sh_word *word;
    /* Options: the name without its value ("-t", "--target-release");
     * NULL for operands. */
    const char *opt;
    /* The option's value (attached or the next word), NULL if it takes
     * none. An attached value is a word of its own, spanning the word. */
    const sh_word *value;
} pkg_arg;

typedef struct pkg_cmd {
    pkg_tool tool;
    const sh_command *cmd;
    const char *name;   /* the program: "apt-get", "pip3", "python3" */
    pkg_arg *args;      /* what follows the program (and `-m pip`) */
    size_t nargs;
    size_t sub;         /* index of the first operand (the sub-command), or
                           nargs when there is none */
    size_t dashdash;    /* index of the first argument after `--`, or nargs */
} pkg_cmd;

/* Which tool `cmd` runs (seeing through wrappers and busybox); cheap, no
 * allocation. PKG_NONE for any other command. */
pkg_tool pkg_tool_of(const sh_command *cmd);

/* Reads `cmd`'s arguments as its tool does. false when it is no tool this
 * module knows. */
bool pkg_parse(lint_ctx *c, const sh_command *cmd, pkg_cmd *out);

/* The sub-command ("install"), "" when there is none or it is dynamic. */
const char *pkg_subcommand(const pkg_cmd *p);
/* The first operand after args[from - 1], or NULL. */
const pkg_arg *pkg_next_operand(const pkg_cmd *p, size_t from);
/* The last option named one of `names` (NULL-terminated), or NULL. */
const pkg_arg *pkg_option(const pkg_cmd *p, const char *const *names);

/* Command k of instruction inst's script, parsed, when it runs a tool
 * this module knows; NULL otherwise. Worked out once per lint and shared
 * by all rules. */
const pkg_cmd *pkg_command(lint_ctx *c, size_t inst, size_t k);

/* Calls fn for every command of every RUN (heredocs, `sh -c` strings and
 * ONBUILD triggers included) that runs one of the tools in `mask`
 * (PKG_MASK bits), with its parsed command line (p->cmd->index is its
 * position in the script). */
typedef void (*pkg_visit_fn)(lint_ctx *c, size_t inst, const pkg_cmd *p,
                             void *data);
void pkg_for_each(lint_ctx *c, unsigned mask, pkg_visit_fn fn, void *data);

/* Shapes of words that package tools accept. */

/* A path on the local file system rather than a name: /x, ./x, ../x, ~/x,
 * `.`, file:... */
bool pkg_is_local_path(const char *v);
/* Has a scheme: "https://...", "git+ssh://...". */
bool pkg_is_url(const char *v);
/* Ends with `suffix`, case-insensitively. */
bool pkg_has_suffix(const char *v, const char *suffix);
/*
 * Does a git ref or version name a fixed revision? A commit (7 to 64 hex
 * digits), an explicit tag (tags/..., refs/tags/...), or a tag-looking name
 * (v1.2.3, 1.4, release-2.0, curl-8_5_0); not a branch (main, master,
 * develop, origin/x, refs/heads/x, 1.x, ...) nor a moving name (latest,
 * HEAD, stable, nightly...).
 */
bool pkg_ref_is_fixed(const char *ref, size_t len);


/*
 * Is the git checkout in directory `dir` fixed after command k of
 * instruction inst's script, by a later command of that RUN or of one of
 * the next RUNs of the stage: `git checkout <rev>`, `git reset --hard
 * <rev>` or `git switch --detach <rev>` where <rev> is a commit, a tag,
 * FETCH_HEAD or a variable? `dir` is a run of path components (a clone's
 * "tool", a Go package's "golang.org/x/net/context"), NULL when unknown.
 * Where the git command runs is known from `git -C DIR` (--git-dir,
 * --work-tree) or the last `cd DIR` / `pushd DIR` before it in its RUN;
 * from where DIR names dir's first component, one must continue the
 * other (/src/tool/sub, /go/src/golang.org/x/net). With no sign
 * of where it runs (a later RUN starts in the WORKDIR), or a DIR that is
 * not known, it counts. Only the next few dozen commands and instructions
 * are read.
 */
bool pkg_checkout_fixed_after(lint_ctx *c, size_t inst, size_t k,
                              const char *dir);

#endif
