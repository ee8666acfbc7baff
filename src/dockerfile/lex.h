/*
 * BuildKit's word processing: quote removal, escapes and variable
 * substitution as done for FROM, COPY, ENV, USER... (shell/lex.go), plus
 * the word splitting used to find heredocs.
 *
 * bosun adds one notion BuildKit does not need: a variable can be *unknown*
 * (an ARG with no default and no --build-arg, or a name that may come from
 * the base image). References to unknown variables are kept as written in
 * the result and recorded, so rules can tell "debian:${TAG}" (undecidable)
 * from "debian" (no tag).
 */
#ifndef BOSUN_DOCKERFILE_LEX_H
#define BOSUN_DOCKERFILE_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

typedef enum df_var_state {
    DF_VAR_UNSET,
    DF_VAR_SET,
    DF_VAR_UNKNOWN,
} df_var_state;

typedef df_var_state (*df_lookup_fn)(void *ctx, const char *name, size_t len,
                                     const char **value, size_t *value_len);

/*
 * What the expansions of one file may still cost, shared by every call on
 * that file: a value substituted a thousand times (`ARG B1=${BIG}`, ...),
 * or a pattern with a star matched at every position of a long value
 * (`${A//pattern/y}`), multiplies a small Dockerfile into gigabytes or minutes.
 * Past the budget a substitution's result is unknown, as if the variable
 * were: rules then neither trust nor report it.
 */
typedef struct df_lex_budget {
    size_t bytes;         /* bytes that substitutions may still produce */
    size_t steps;         /* steps that pattern matching may still take */
    bool spent;           /* some result was unknown for want of either */
} df_lex_budget;

#define DF_LEX_BUDGET_BYTES (16u << 20)
#define DF_LEX_BUDGET_STEPS (1u << 26)

void df_lex_budget_init(df_lex_budget *b);

typedef struct df_lex_opts {
    char escape;          /* '\\' or '`' */
    bool raw_quotes;      /* keep quote characters in the result */
    bool raw_escapes;     /* keep escape characters in the result */
    bool skip_unset;      /* leave references to unset variables as written */
    bool skip_quotes;     /* quotes are ordinary characters */
    df_lookup_fn lookup;  /* NULL: every variable is unset */
    void *lookup_ctx;
    df_lex_budget *budget; /* the file's; NULL: a fresh one for this call */
} df_lex_opts;

typedef struct df_span {
    size_t off, len;
} df_span;

typedef struct df_lex_result {
    const char *value;    /* ProcessWord: the whole text, spaces kept */
    size_t len;
    const char **words;   /* ProcessWords: split on unquoted white space */
    size_t nwords;
    bool unknown;         /* some reference was to an unknown variable */
    df_span *unknown_spans; /* where those references are in `value` */
    size_t nunknown;
    const char *error;    /* BuildKit's message, or NULL */
} df_lex_result;

/* Longest expansion result kept; longer ones are reported unknown. */
#define DF_LEX_MAX_VALUE (1u << 20)

/*
 * Process s[0..n). Always fills *out; returns false when BuildKit would fail
 * (out->error says why; value and words are then empty).
 */
bool df_lex_process(arena *a, const char *s, size_t n, const df_lex_opts *o,
                    df_lex_result *out);

/* Shell-style pattern match used by ${v#pat}, ${v%pat}, ${v/pat/r}:
 * `*`, `?`, `[...]` and backslash escapes. */
bool df_glob_match(const char *pat, size_t plen, const char *s, size_t slen);

/* Length of the Unicode white-space character at p (0 if none), as Go's
 * unicode.IsSpace sees it. */
size_t df_space_len_utf8(const char *p, const char *end);
static inline size_t df_space_len(const char *p, const char *end)
{
    if (p >= end)
        return 0;
    unsigned char c = (unsigned char)*p;
    if (c < 0x80)
        return c == ' ' || (c >= '\t' && c <= '\r');
    return df_space_len_utf8(p, end);
}

#endif
