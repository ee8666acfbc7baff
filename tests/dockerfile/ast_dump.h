/*
 * Test helper: prints a parsed Dockerfile the way BuildKit's Node.Dump()
 * does, so parser results can be compared with BuildKit's own expectations.
 */
#ifndef BOSUN_TESTS_AST_DUMP_H
#define BOSUN_TESTS_AST_DUMP_H

#include <ctype.h>
#include <string.h>

#include "dockerfile/dockerfile.h"
#include "util/strbuf.h"

/* Go's strconv.Quote for the characters Dockerfiles hold. */
static inline void dump_quote(strbuf *out, const char *s, size_t n)
{
    sb_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': sb_puts(out, "\\\""); continue;
        case '\\': sb_puts(out, "\\\\"); continue;
        case '\a': sb_puts(out, "\\a"); continue;
        case '\b': sb_puts(out, "\\b"); continue;
        case '\f': sb_puts(out, "\\f"); continue;
        case '\n': sb_puts(out, "\\n"); continue;
        case '\r': sb_puts(out, "\\r"); continue;
        case '\t': sb_puts(out, "\\t"); continue;
        case '\v': sb_puts(out, "\\v"); continue;
        }
        if (c < 0x20 || c == 0x7f)
            sb_printf(out, "\\x%02x", c);
        else
            sb_putc(out, (char)c);
    }
    sb_putc(out, '"');
}

static inline void dump_instruction(strbuf *out, const df_instruction *in)
{
    for (size_t i = 0; i < in->keyword.len; i++)
        sb_putc(out, (char)tolower((unsigned char)in->keyword.s[i]));
    if (in->nflags) {
        sb_puts(out, " [");
        for (size_t i = 0; i < in->nflags; i++) {
            if (i)
                sb_putc(out, ' ');
            dump_quote(out, in->flags[i].raw.s, in->flags[i].raw.len);
        }
        sb_putc(out, ']');
    }
    if (in->trigger) {
        sb_puts(out, " (");
        dump_instruction(out, in->trigger);
        sb_putc(out, ')');
        return;
    }
    bool kv = in->kind == DF_ENV || in->kind == DF_LABEL;
    for (size_t i = 0; i < in->nargs; i++) {
        sb_putc(out, ' ');
        dump_quote(out, in->args[i].s, in->args[i].len);
        if (kv && i % 2 == 1) {
            sb_putc(out, ' ');
            dump_quote(out, in->legacy_kv ? "" : "=", in->legacy_kv ? 0 : 1);
        }
    }
}

static inline void dump_file(strbuf *out, const df_file *f)
{
    for (size_t i = 0; i < f->ninsts; i++) {
        sb_putc(out, '(');
        dump_instruction(out, &f->insts[i]);
        sb_puts(out, ")\n");
    }
}

#endif
