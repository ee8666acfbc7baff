/* Helpers for the Dockerfile front-end tests. */
#ifndef BOSUN_TESTS_DF_TEST_H
#define BOSUN_TESTS_DF_TEST_H

#include <string.h>

#include "dockerfile/dockerfile.h"
#include "util/strbuf.h"
#include "ast_dump.h"

/* One arena per test: set up and torn down by cmocka. */
static inline int arena_setup(void **state)
{
    arena *a = malloc(sizeof(arena));
    arena_init(a);
    *state = a;
    return 0;
}

static inline int arena_teardown(void **state)
{
    arena_release(*state);
    free(*state);
    return 0;
}

static inline df_file *parse_ok(arena *a, const char *text)
{
    df_error err;
    df_file *f = df_parse(a, "Dockerfile", text, strlen(text), &err);
    if (!f)
        fail_msg("unexpected parse error at line %u: %s", err.line,
                 err.message);
    return f;
}

static inline df_error parse_err(arena *a, const char *text)
{
    df_error err;
    df_file *f = df_parse(a, "Dockerfile", text, strlen(text), &err);
    if (f)
        fail_msg("expected a parse error for: %s", text);
    return err;
}

/* The BuildKit-style dump of a file, in the arena. */
static inline const char *dump(arena *a, const char *text)
{
    df_file *f = parse_ok(a, text);
    strbuf sb;
    sb_init(&sb);
    dump_file(&sb, f);
    const char *r = sb_to_arena(&sb, a);
    sb_free(&sb);
    return r;
}

/* Source position of `off` as "line:col". */
static inline const char *pos(arena *a, const df_file *f, uint32_t off)
{
    src_pos p = source_position(&f->src, off);
    return arena_printf(a, "%u:%u", p.line, p.col);
}

#endif
