/*
 * What runs what: interpreters and how they get their script (stdin, an
 * inline string, a file), verification commands and which files they
 * check, working directories and paths. Shared by the rules about
 * executing, verifying and deleting downloaded or added content.
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
/* Could `c` run some file (a command with a path, source, an interpreter
 * given a script)? A cheap test before exec_runs_file. */
bool exec_may_run_file(const sh_command *c);
/* `c` verifies a checksum or a signature (sha256sum -c, gpg --verify...). */
bool exec_is_verification(const sh_command *c);

/*
 * What a verification command checks. Names are compared by their last
 * path segment, so `cd` between a download and its check does not matter.
 * A command that checks files it does not name (a checksum list such as
 * SHA256SUMS, content read from a file) covers every file: a rule that
 * cannot tell must not claim the file went unchecked.
 */
typedef struct verification {
    const sh_command *cmd;
    bool covers_any;
    const char **names;   /* the files it checks, as written ("$F.tgz") */
    size_t nnames, cap;
    const char *code;     /* an inline program comparing a hash
                             (php -r "hash_file(...)"): covers the files
                             it mentions */
} verification;

/* Fills *v when `c` verifies a checksum or a signature. */
bool exec_verification(lint_ctx *ctx, const sh_command *c, verification *v);
/* Does `v` check the file `path`? */
bool exec_verification_covers(lint_ctx *ctx, const verification *v,
                              const char *path);

/* `path` made absolute against `workdir`, with . and .. resolved. */
const char *exec_absolute(lint_ctx *ctx, const char *workdir, const char *path);

/* The directory of a path that depends on something bosun cannot know
 * (a dynamic WORKDIR or `cd`): paths under it are compared as written. */
#define EXEC_DIR_UNKNOWN "/?"
/* Is `path` under EXEC_DIR_UNKNOWN? */
bool exec_path_unknown(const char *path);

/* The last segment of a path ("a/b.tgz" -> "b.tgz"; trailing '/' ignored). */
const char *exec_basename(lint_ctx *ctx, const char *path);

/*
 * The working directory of every instruction: WORKDIR resolved against
 * the previous one and inherited through FROM <stage>, "/" at the start
 * of a stage built on an image; EXEC_DIR_UNKNOWN after a WORKDIR that
 * depends on an unknown value. A WORKDIR instruction has its own value.
 */
const char **exec_workdirs(lint_ctx *ctx);

/*
 * The working directory of every command of `s`, which starts in
 * `workdir`: a `cd` at the top level of the script moves the commands
 * after it; after a `cd` bosun cannot follow (a dynamic directory, `cd`
 * in a subshell or a nested shell) the directory is EXEC_DIR_UNKNOWN.
 */
const char **exec_cwds(lint_ctx *ctx, const sh_script *s, const char *workdir);

#endif
