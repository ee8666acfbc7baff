/*
 * Dockerfile front end.
 *
 * Three layers, following BuildKit's own split:
 *   1. df_parse()      - lines, parser directives, continuations, comments,
 *                        heredocs and the per-instruction argument forms
 *                        (BuildKit's frontend/dockerfile/parser). Only what
 *                        this layer rejects is a syntax error (exit 2).
 *   2. df_validate()   - what BuildKit's instruction stage would reject
 *                        (unknown flags, bad --mount, FROM arity, ...);
 *                        reported as findings, not syntax errors, because
 *                        the file still parses.
 *   3. df_model_build()- stages, ARG/ENV scoping and BuildKit's variable
 *                        substitution (see dockerfile/model.h).
 *
 * Every position is a byte offset into the source file; source_position()
 * turns it into line:column.
 */
#ifndef BOSUN_DOCKERFILE_DOCKERFILE_H
#define BOSUN_DOCKERFILE_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/source.h"

typedef enum df_kind {
    DF_UNKNOWN = 0, /* not an instruction BuildKit knows (kept, as it does) */
    DF_ADD,
    DF_ARG,
    DF_CMD,
    DF_COPY,
    DF_ENTRYPOINT,
    DF_ENV,
    DF_EXPOSE,
    DF_FROM,
    DF_HEALTHCHECK,
    DF_LABEL,
    DF_MAINTAINER,
    DF_ONBUILD,
    DF_RUN,
    DF_SHELL,
    DF_STOPSIGNAL,
    DF_USER,
    DF_VOLUME,
    DF_WORKDIR,
} df_kind;

/* A piece of an instruction with where it was written. */
typedef struct df_text {
    const char *s;  /* NUL-terminated */
    size_t len;
    uint32_t off;   /* source offset of the first byte as written */
    uint32_t end;   /* source offset just past the last byte as written */
} df_text;

/* `--name=value` right after the keyword. */
typedef struct df_flag {
    df_text raw;        /* as written, e.g. --mount=type=cache,target=/x */
    const char *name;   /* "mount" */
    const char *value;  /* after '=', quotes removed; NULL when no '=' */
    uint32_t value_off; /* source offset of the value */
} df_flag;

typedef struct df_heredoc {
    const char *name;     /* the delimiter word, quotes removed */
    unsigned fd;          /* 0 unless written as 3<<EOF */
    bool expand;          /* delimiter unquoted: the body is expanded */
    bool chomp;           /* <<- : leading tabs are stripped */
    const char *content;  /* body lines with their line endings, as read */
    size_t len;
    uint32_t content_off; /* source offset of the body's first byte */
    uint32_t word_off;    /* source offset of the <<WORD on the instruction */
    uint32_t last_line;   /* line of the terminator */
} df_heredoc;

typedef struct df_instruction df_instruction;

struct df_instruction {
    df_kind kind;
    df_text keyword;      /* as written (any case) */
    uint32_t line;        /* first line (1-based) */
    uint32_t end_line;    /* last line, including continuations and heredocs */
    uint32_t off, end;    /* source span of the instruction's own text */

    df_flag *flags;
    size_t nflags;

    /*
     * The argument nodes of BuildKit's AST: for the exec (JSON) form the
     * decoded strings; for FROM/EXPOSE/ADD/COPY/VOLUME the whitespace
     * separated words; for ARG the words; for ENV/LABEL key,value pairs
     * (args[2i], args[2i+1]); for shell-form RUN/CMD/ENTRYPOINT and for
     * USER/WORKDIR/... a single node with the rest of the line. HEALTHCHECK:
     * args[0] is the type (CMD/NONE), the command follows.
     */
    df_text *args;
    size_t nargs;
    bool json;            /* exec form */
    bool legacy_kv;       /* ENV/LABEL written as `KEY value` */

    /* Everything after the flags, as one text (the shell command of a
     * shell-form RUN, CMD or ENTRYPOINT; HEALTHCHECK's command). */
    df_text rest;
    size_t rest_pos;      /* where `rest` starts in `text` */

    df_heredoc *heredocs;
    size_t nheredocs;

    df_instruction *trigger; /* ONBUILD: the instruction it wraps */

    /* The logical line (continuations joined, comment lines dropped; not
     * NUL-terminated) and the map from its offsets to source offsets. */
    const char *text;
    size_t text_len;
    const srcmap *map;
};

typedef enum df_comment_kind {
    DF_COMMENT_PLAIN,
    DF_COMMENT_DIRECTIVE,    /* a parser directive (# syntax=, # escape=) */
    DF_COMMENT_CONTINUATION, /* a comment line inside a continued instruction */
} df_comment_kind;

typedef struct df_comment {
    uint32_t line;
    uint32_t off;          /* source offset of the '#' */
    const char *text;      /* after '#', trimmed */
    df_comment_kind kind;
    int32_t instruction;   /* for CONTINUATION: index of the instruction */
} df_comment;

typedef struct df_directive {
    const char *name;      /* lower case: syntax, escape, check */
    const char *value;
    uint32_t line;
} df_directive;

typedef struct df_file {
    source src;
    char escape;           /* '\\' or '`' */
    df_instruction *insts;
    size_t ninsts;
    df_comment *comments;
    size_t ncomments;
    df_directive *directives;
    size_t ndirectives;
    bool empty_continuation; /* BuildKit warns: empty line in a continuation */
} df_file;

/* A syntax error: what BuildKit's parser rejects. */
typedef struct df_error {
    uint32_t line;         /* 1-based; 0 when it concerns the whole file */
    const char *message;   /* in the arena */
} df_error;

/* Largest physical line BuildKit's scanner accepts (bufio.MaxScanTokenSize-1). */
#define DF_MAX_LINE 65535

/*
 * Parse `data` (need not be NUL-terminated; must outlive the result).
 * Returns NULL and fills *err on a syntax error.
 */
df_file *df_parse(arena *a, const char *name, const char *data, size_t len,
                  df_error *err);

const char *df_kind_name(df_kind kind); /* "RUN", ... ; "" for unknown */
df_kind df_kind_from_keyword(const char *s, size_t n);

/* Source position of byte `i` of an instruction's logical line. */
static inline uint32_t df_text_source_offset(const df_instruction *in,
                                             size_t i)
{
    return (uint32_t)srcmap_lookup(in->map, i);
}

/* The flag named `name` (last one for repeatable flags), or NULL. */
const df_flag *df_find_flag(const df_instruction *in, const char *name);

#endif
