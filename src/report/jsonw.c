#include "report/jsonw.h"

#include <stdint.h>
#include <string.h>

#include "util/utf8.h"

void jw_init(jsonw *w, FILE *out)
{
    w->out = out;
    w->len = 0;
    w->failed = false;
    w->depth = 0;
    w->has_items[0] = false;
    w->after_key = false;
}

static void flush(jsonw *w)
{
    if (w->len && fwrite(w->buf, 1, w->len, w->out) != w->len)
        w->failed = true;
    w->len = 0;
}

static void put(jsonw *w, const char *s, size_t n)
{
    if (w->len + n > sizeof(w->buf)) {
        flush(w);
        if (n > sizeof(w->buf)) {
            if (fwrite(s, 1, n, w->out) != n)
                w->failed = true;
            return;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

/* One byte, without a call to memcpy: separators and quotes are most of
 * the writes. */
static void putc_(jsonw *w, char c)
{
    if (w->len == sizeof(w->buf))
        flush(w);
    w->buf[w->len++] = c;
}

static void puts_(jsonw *w, const char *s)
{
    put(w, s, strlen(s));
}

static void indent(jsonw *w)
{
    static const char spaces[] = "\n                                                                ";
    size_t n = 1 + 2 * (size_t)w->depth;
    put(w, spaces, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1);
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
        putc_(w, ',');
    w->has_items[w->depth] = true;
    indent(w);
}

static void container_open(jsonw *w, char c)
{
    before_item(w);
    putc_(w, c);
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
    putc_(w, c);
}

void jw_object_begin(jsonw *w) { container_open(w, '{'); }
void jw_object_end(jsonw *w) { container_close(w, '}'); }
void jw_array_begin(jsonw *w) { container_open(w, '['); }
void jw_array_end(jsonw *w) { container_close(w, ']'); }

/* Bytes that can be copied as they are: printable ASCII but '"' and '\\'. */
static bool plain_byte(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Appends the escape sequence for a byte that is not plain ASCII text. */
static const unsigned char *escape_one(jsonw *w, const unsigned char *p,
                                       const unsigned char *end)
{
    unsigned char c = *p;
    if (c >= 0x80) {
        size_t k = utf8_valid_len((const char *)p, (size_t)(end - p));
        if (k) {
            put(w, (const char *)p, k);
            return p + k;
        }
        puts_(w, UTF8_REPLACEMENT); /* for a bad byte */
        return p + 1;
    }
    switch (c) {
    case '"': puts_(w, "\\\""); break;
    case '\\': puts_(w, "\\\\"); break;
    case '\n': puts_(w, "\\n"); break;
    case '\r': puts_(w, "\\r"); break;
    case '\t': puts_(w, "\\t"); break;
    case '\b': puts_(w, "\\b"); break;
    case '\f': puts_(w, "\\f"); break;
    default: {
        static const char hex[] = "0123456789abcdef";
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        put(w, esc, 6);
    }
    }
    return p + 1;
}

/* Word-at-a-time byte tests: some byte of v is zero / is below n. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
#define HAS_ZERO(v) (((v) - ONES) & ~(v) & HIGHS)
#define HAS_LESS(v, n) (((v) - ONES * (n)) & ~(v) & HIGHS)

/*
 * Length of the prefix of p[0..n) made of plain bytes, eight at a time: a
 * word without control characters, quotes, backslashes or high bits is
 * plain as a whole. Messages and paths are almost always plain, and this
 * scan is most of the writer's work. A word that fails the test is looked
 * at byte by byte.
 */
static size_t plain_run(const unsigned char *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        if (HAS_LESS(x, 0x20) | HAS_ZERO(x ^ (ONES * '"')) |
            HAS_ZERO(x ^ (ONES * '\\')) | (x & HIGHS))
            break;
    }
    while (i < n && plain_byte(p[i]))
        i++;
    return i;
}

static void write_escaped(jsonw *w, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    putc_(w, '"');
    while (p < end) {
        size_t run = plain_run(p, (size_t)(end - p));
        if (run)
            put(w, (const char *)p, run);
        p += run;
        if (p < end)
            p = escape_one(w, p, end);
    }
    putc_(w, '"');
}

void jw_key(jsonw *w, const char *key)
{
    before_item(w);
    size_t n = strlen(key);
    /* Keys are the program's own words: copied as they are when they need
     * no escaping, which is always in practice. */
    if (plain_run((const unsigned char *)key, n) == n) {
        putc_(w, '"');
        put(w, key, n);
        put(w, "\": ", 3);
    } else {
        write_escaped(w, key, n);
        put(w, ": ", 2);
    }
    w->after_key = true;
}

void jw_string_n(jsonw *w, const char *s, size_t n)
{
    before_item(w);
    write_escaped(w, s, n);
}

void jw_string(jsonw *w, const char *s)
{
    jw_string_n(w, s ? s : "", s ? strlen(s) : 0);
}

void jw_int(jsonw *w, long long v)
{
    before_item(w);
    char digits[24];
    size_t i = sizeof(digits);
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v
                                 : (unsigned long long)v;
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        digits[--i] = '-';
    put(w, digits + i, sizeof(digits) - i);
}

void jw_bool(jsonw *w, bool v)
{
    before_item(w);
    puts_(w, v ? "true" : "false");
}

void jw_null(jsonw *w)
{
    before_item(w);
    puts_(w, "null");
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
    putc_(w, '\n');
    flush(w);
    return !w->failed && !ferror(w->out);
}
