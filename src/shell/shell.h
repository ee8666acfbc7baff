/*
 * Shell front end: parses the script of a RUN instruction (shell form, heredoc
 * bodies, and the strings handed to `sh -c`, recursively) and flattens it
 * into the list of simple commands that would run, each with its argv, its
 * pipeline neighbours and its position in the Dockerfile.
 *
 * Parsing is separate from analysis: this module knows POSIX sh and the bash
 * that Dockerfiles use; it knows nothing about rules. Rules read the flat
 * command list and never look at raw text.
 *
 * Memory: everything returned lives in the arena passed in.
 * Positions: every offset in this API is a byte offset into the *source file*
 * (mapped through the srcmap given to sh_parse), so callers can turn it into
 * line:column with source_position().
 */
#ifndef BOSUN_SHELL_SHELL_H
#define BOSUN_SHELL_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/source.h"

/* ---------------------------------------------------------------- words */

enum sh_word_flags {
    SHW_QUOTED = 1u << 0,      /* some part was quoted: '', "", $'', or \x  */
    SHW_DYNAMIC = 1u << 1,     /* the value is not statically known        */
    SHW_PARAM = 1u << 2,       /* holds $name / ${...} (not resolved)       */
    SHW_CMDSUBST = 1u << 3,    /* holds $(...) or `...`                     */
    SHW_PROCSUBST = 1u << 4,   /* is or holds <(...) / >(...)              */
    SHW_ARITH = 1u << 5,       /* holds $((...))                            */
    SHW_GLOB = 1u << 6,        /* unquoted *, ? or [...]                    */
    SHW_BRACE = 1u << 7,       /* unquoted brace expansion {a,b} / {1..3}   */
    SHW_TILDE = 1u << 8,       /* leading unquoted ~                        */
};
/* Globs, braces and tildes are patterns expanded at run time; they do not
 * make a word dynamic: its value is the pattern as written. */

typedef struct sh_word {
    uint32_t off, end;   /* source offsets of the word as written [off,end) */
    const char *raw;     /* the word as written (NUL-terminated copy)        */
    /*
     * The value after quote removal and escape processing. Parts that are
     * not statically known keep their written form ("$HOME", "${V:-1}",
     * "$(uname -m)") and set SHW_DYNAMIC, so `pkg=$VERSION` still reads as
     * "pkg=$VERSION". Parameters that the caller's resolver knows are
     * substituted and do not make the word dynamic.
     */
    const char *value;
    size_t len;
    unsigned flags;      /* enum sh_word_flags */
} sh_word;

/* --------------------------------------------------------- redirections */

typedef enum sh_redir_op {
    SH_REDIR_IN,          /* <    */
    SH_REDIR_OUT,         /* >    */
    SH_REDIR_APPEND,      /* >>   */
    SH_REDIR_CLOBBER,     /* >|   */
    SH_REDIR_RDWR,        /* <>   */
    SH_REDIR_DUP_IN,      /* <&   */
    SH_REDIR_DUP_OUT,     /* >&   */
    SH_REDIR_OUT_ERR,     /* &>  (bash) */
    SH_REDIR_APPEND_ERR,  /* &>> (bash) */
    SH_REDIR_HEREDOC,     /* <<   */
    SH_REDIR_HEREDOC_TAB, /* <<-  */
    SH_REDIR_HERESTRING,  /* <<<  (bash) */
} sh_redir_op;

typedef struct sh_redir {
    int fd;              /* the explicit fd number, or -1 for the default  */
    sh_redir_op op;
    sh_word target;      /* file, fd, here-doc delimiter or here-string    */
    /* Here-documents: the body (tabs stripped for <<-), and whether it is
     * subject to expansion (unquoted delimiter). */
    const char *body;
    size_t body_len;
    uint32_t body_off;   /* source offset of the body's first byte */
    bool body_expands;
} sh_redir;

/* ------------------------------------------------------------- commands */

/* Where a command sits in the script's structure. */
enum sh_ctx_flags {
    SHC_SUBSHELL = 1u << 0,    /* inside ( ... )                              */
    SHC_GROUP = 1u << 1,       /* inside { ...; }                             */
    SHC_CMDSUBST = 1u << 2,    /* inside $( ... ) or ` ... `                  */
    SHC_PROCSUBST = 1u << 3,   /* inside <( ... ) or >( ... )                 */
    SHC_CONDITION = 1u << 4,   /* in the test list of if/elif/while/until     */
    SHC_LOOP = 1u << 5,        /* in the body of for/while/until/select       */
    SHC_BRANCH = 1u << 6,      /* in then/elif/else or a case arm             */
    SHC_FUNCTION = 1u << 7,    /* in a function body (runs only if called)    */
    SHC_BACKGROUND = 1u << 8,  /* its and-or list ends with &                 */
    SHC_NEGATED = 1u << 9,     /* its pipeline starts with !                  */
    SHC_NESTED = 1u << 10,     /* parsed from a string: sh -c, su -c, eval,
                                  env -S, a here-document or here-string fed
                                  to a shell; or the command of find -exec   */
    SHC_HEREDOC = 1u << 11,    /* from a command substitution inside an
                                  expanding here-document body               */
};

/* Wrappers the command was reached through (see sh_command.cmd_index). */
enum sh_wrapper_flags {
    SHWRAP_SUDO = 1u << 0,     /* sudo, doas                                  */
    SHWRAP_ENV = 1u << 1,      /* env                                         */
    SHWRAP_EXEC = 1u << 2,     /* exec                                        */
    SHWRAP_NICE = 1u << 3,     /* nice, ionice, chrt, stdbuf, setsid, nohup,
                                  time, timeout, command, builtin, unbuffer,
                                  tini, dumb-init                             */
    SHWRAP_XARGS = 1u << 4,    /* xargs: arguments are appended at run time   */
    SHWRAP_SU = 1u << 5,       /* su / runuser with a command: set on su
                                  itself for su -c STRING (STRING is parsed as
                                  a nested script), on the command for
                                  runuser -u USER cmd                         */
    SHWRAP_USER = 1u << 6,     /* gosu, su-exec, setpriv, chroot-like runners */
};

/* How an and-or list element is joined to what follows. */
typedef enum sh_sep {
    SH_SEP_END,   /* end of the list (end of script, ')' , '}', keyword)   */
    SH_SEP_SEQ,   /* ';' or newline                                        */
    SH_SEP_AND,   /* &&                                                    */
    SH_SEP_OR,    /* ||                                                    */
    SH_SEP_BG,    /* &                                                     */
} sh_sep;

typedef struct sh_command sh_command;

struct sh_command {
    uint32_t index;       /* position in sh_script.cmds                      */
    uint32_t off, end;    /* source span of the simple command               */

    sh_word *assigns;     /* NAME=value words before the command name        */
    size_t nassigns;
    sh_word *argv;        /* the words, assignments and redirections removed */
    size_t argc;          /* 0 for an assignment-only or redirect-only cmd   */
    sh_redir *redirs;
    size_t nredirs;

    /*
     * Wrappers are seen through: for `sudo -u app env X=1 nice -n5 curl ...`
     * cmd_index is the index of "curl" in argv and wrappers has SUDO|ENV|NICE.
     * name is the basename of argv[cmd_index]'s static value ("curl" for
     * "/usr/bin/curl"), or NULL when that word is dynamic or argc == 0.
     * args/nargs are the words after the effective command name.
     * A wrapper that runs nothing is itself the command (sudo -i, sudo -l,
     * env alone, command -v NAME, su without -c), except xargs: without a
     * command it runs echo, so name is "echo", cmd_index is xargs's index
     * and args is NULL. `busybox APPLET` is seen through with no flag.
     */
    size_t cmd_index;
    unsigned wrappers;    /* enum sh_wrapper_flags */
    const char *name;
    const sh_word *args;
    size_t nargs;

    /* Pipeline: `a | b | c` gives three commands with pipe_len 3. A
     * compound element (`{ ...; } | b`, `while ...; done | b`) counts in
     * pipe_len and pipe_pos but has no command to link to: its neighbours'
     * pipe_prev/pipe_next are NULL, and the commands inside it form their
     * own pipelines. Positions saturate at 65535 elements. */
    uint32_t pipeline;    /* id shared by the commands of one pipeline       */
    uint16_t pipe_pos;    /* 0-based                                         */
    uint16_t pipe_len;
    sh_command *pipe_prev, *pipe_next;
    /* The connector after this command's pipeline (same for all of it). */
    sh_sep sep;

    /* enum sh_ctx_flags. Nested commands inherit the structural flags of
     * where their holder sits (a command substitution in a loop body is
     * SHC_LOOP too); BACKGROUND and NEGATED describe a command's own list. */
    unsigned ctx;
    uint16_t depth;       /* nesting depth of substitutions / nested shells  */
    /*
     * For commands inside a command/process substitution, a nested shell
     * string or a here-document: the command that holds them, and which of
     * its argv words (-1 when the holder is an assignment, a redirection
     * target or a here-document body).
     */
    sh_command *parent;
    int parent_word;
};

typedef struct sh_error {
    uint32_t off;         /* source offset */
    const char *message;
} sh_error;

typedef struct sh_script {
    sh_command **cmds;    /* every simple command, in source order; nested
                             ones (substitutions, sh -c strings) follow the
                             command that holds them                        */
    size_t ncmds;
    const char **functions; /* names of functions the script defines        */
    size_t nfunctions;
    /* The first syntax error, if any. Parsing recovers and the commands
     * before and after the error are still listed. */
    const sh_error *error;
    bool truncated;       /* a size or nesting limit was hit: parser nesting
                             (about 200 levels, also an error), nested
                             shells deeper than max_depth, or more nested
                             script text than a few times the input       */
} sh_script;

typedef enum sh_dialect {
    SH_DIALECT_BASH,      /* POSIX sh plus bash syntax (the default)         */
    SH_DIALECT_POSIX,
} sh_dialect;

/*
 * Optional resolver for parameters known from the Dockerfile (ENV, ARG):
 * returns the value of `name` (not NUL-terminated: name_len) or NULL when
 * unknown. Only plain $name and ${name} are resolved.
 */
typedef const char *(*sh_resolve_fn)(void *ctx, const char *name,
                                     size_t name_len, size_t *value_len);

typedef struct sh_options {
    sh_dialect dialect;
    sh_resolve_fn resolve;
    void *resolve_ctx;
    unsigned max_depth;   /* 0: default (32) */
} sh_options;

/*
 * Parse `text` (len bytes, need not be NUL-terminated). `map` maps offsets of
 * text to source offsets (NULL: text starts at source offset 0). Never fails:
 * syntax errors are recorded in script->error.
 */
sh_script *sh_parse(arena *a, const char *text, size_t len, const srcmap *map,
                    const sh_options *opts);

/*
 * Build a script from an exec-form argv (RUN ["sh", "-c", "..."]): one
 * simple command whose words are the given strings, with wrappers and nested
 * shells handled as in sh_parse. `offs[i]` is the source offset of the first
 * character of argument i's value and `maps[i]` (may be NULL) maps offsets of
 * the value to source offsets, for nested parsing.
 */
sh_script *sh_from_argv(arena *a, const char *const *argv, const size_t *lens,
                        size_t argc, const uint32_t *offs,
                        const srcmap *const *maps, const sh_options *opts);

/* ------------------------------------------------------------- helpers */

/* True when `w` is statically known and its value is exactly `s`. */
bool sh_word_is(const sh_word *w, const char *s);

#endif
