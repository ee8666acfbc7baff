#include "report/jsonw.h"

#include <string.h>

void jw_init(jsonw *w, FILE *out)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
}

static void indent(jsonw *w)
{
    fputc('\n', w->out);
    for (int i = 0; i < w->depth; i++)
        fputs("  ", w->out);
}

/* Separator and indentation before a value or a key. */
static void before_item(jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (w->has_items[w->depth])
        fputc(',', w->out);
    w->has_items[w->depth] = true;
    indent(w);
}

static void container_open(jsonw *w, char c)
{
    before_item(w);
    fputc(c, w->out);
    if (w->depth + 1 < JSONW_MAX_DEPTH)
        w->depth++;
    w->has_items[w->depth] = false;
}

static void container_close(jsonw *w, char c)
{
    bool had = w->has_items[w->depth];
    if (w->depth > 0)
        w->depth--;
    if (had)
        indent(w);
    fputc(c, w->out);
}

void jw_object_begin(jsonw *w) { container_open(w, '{'); }
void jw_object_end(jsonw *w) { container_close(w, '}'); }
void jw_array_begin(jsonw *w) { container_open(w, '['); }
void jw_array_end(jsonw *w) { container_close(w, ']'); }

/* Length of a valid UTF-8 sequence at p, 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    size_t n;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

static void write_escaped(FILE *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    fputc('"', out);
    while (p < end) {
        /* Copy the longest run that needs no escaping in one call. */
        const unsigned char *run = p;
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), out);
        if (p >= end)
            break;
        unsigned char c = *p;
        if (c >= 0x80) {
            size_t k = utf8_len(p, (size_t)(end - p));
            if (k) {
                fwrite(p, 1, k, out);
                p += k;
            } else {
                fputs("\xEF\xBF\xBD", out); /* U+FFFD for a bad byte */
                p++;
            }
            continue;
        }
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default: fprintf(out, "\\u%04x", c); break;
        }
        p++;
    }
    fputc('"', out);
}

void jw_key(jsonw *w, const char *key)
{
    before_item(w);
    write_escaped(w->out, key, strlen(key));
    fputs(": ", w->out);
    w->after_key = true;
}

void jw_string_n(jsonw *w, const char *s, size_t n)
{
    before_item(w);
    write_escaped(w->out, s, n);
}

void jw_string(jsonw *w, const char *s)
{
    jw_string_n(w, s ? s : "", s ? strlen(s) : 0);
}

void jw_int(jsonw *w, long long v)
{
    before_item(w);
    fprintf(w->out, "%lld", v);
}

void jw_bool(jsonw *w, bool v)
{
    before_item(w);
    fputs(v ? "true" : "false", w->out);
}

void jw_null(jsonw *w)
{
    before_item(w);
    fputs("null", w->out);
}

void jw_kv_string(jsonw *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_string(w, s);
}

void jw_kv_int(jsonw *w, const char *key, long long v)
{
    jw_key(w, key);
    jw_int(w, v);
}

bool jw_finish(jsonw *w)
{
    fputc('\n', w->out);
    return !ferror(w->out);
}
