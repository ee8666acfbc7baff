/* Growable byte string (malloc-backed), always NUL-terminated. */
#ifndef BOSUN_UTIL_STRBUF_H
#define BOSUN_UTIL_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

typedef struct strbuf {
    char *data; /* NUL-terminated; never NULL after sb_init */
    size_t len;
    size_t cap;
} strbuf;

void sb_init(strbuf *sb);
void sb_free(strbuf *sb);
void sb_reset(strbuf *sb);
void sb_reserve(strbuf *sb, size_t extra);
void sb_append(strbuf *sb, const char *s, size_t n);
void sb_puts(strbuf *sb, const char *s);
void sb_putc(strbuf *sb, char c);
void sb_printf(strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void sb_truncate(strbuf *sb, size_t len);
/* Copy the contents into the arena. */
char *sb_to_arena(const strbuf *sb, arena *a);

#endif
