/*
 * What runs what: interpreters and how they get their script (stdin, an
 * inline string, a file), verification commands, and paths. Shared by the
 * rules about executing and verifying downloaded content.
 */
#ifndef BOSUN_RULES_EXEC_H
#define BOSUN_RULES_EXEC_H

#include "rules/rule.h"

typedef enum script_source {
    SCRIPT_NONE,   /* not an interpreter, or nothing is run (-m module) */
    SCRIPT_STDIN,  /* reads the program from standard input */
    SCRIPT_INLINE, /* the program is an argument (sh -c, perl -e, eval) */
    SCRIPT_FILE,   /* the program is a file named by an argument */
} script_source;

bool exec_is_interpreter(const char *name);
/* `name` is `base` or `base` followed by a version: python3, python3.12,
 * pip3, perl5.36. */
bool exec_name_is_versioned(const char *name, const char *base);
/* How `c` gets its program; *word is the argv index of the inline program
 * or of the file (when SCRIPT_INLINE / SCRIPT_FILE). */
script_source exec_script_source(const sh_command *c, size_t *word);

/* `c` is an interpreter reading its program from stdin (| sh, | python -). */
bool exec_reads_stdin_script(const sh_command *c);
/* Word `w` of `c` (holding a substitution) is run as code: sh -c "$(..)",
 * eval "$(..)", bash <(..), source <(..). */
bool exec_runs_word_as_script(const sh_command *c, size_t w, bool procsubst);
/* `c` runs the file at absolute path `path` (directly or through an
 * interpreter or `source`). */
bool exec_runs_file(lint_ctx *ctx, const sh_command *c, const char *workdir,
                    const char *path);
/* `c` verifies a checksum or a signature (sha256sum -c, gpg --verify...). */
bool exec_is_verification(const sh_command *c);

/* `path` made absolute against `workdir`, with . and .. resolved. */
const char *exec_absolute(lint_ctx *ctx, const char *workdir, const char *path);

#endif
