/*
 * The exec form: `["a", "b"]`. BuildKit hands the text to Go's
 * encoding/json and falls back to the shell form when that fails, so this
 * reader accepts exactly what Go accepts (RFC 8259, invalid UTF-8 replaced
 * by U+FFFD, a nesting limit of 10000) and reports a valid array holding
 * anything but strings separately: that one is a syntax error.
 */
#include "dockerfile/json_args.h"

#include <string.h>

#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/text.h"

#define JSON_MAX_DEPTH 10000

typedef struct jreader {
    const char *s;
    size_t n, i;
} jreader;

static void skip_ws(jreader *r)
{
    while (r->i < r->n) {
        char c = r->s[r->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        r->i++;
    }
}


static bool read_hex4(jreader *r, unsigned *out)
{
    if (r->n - r->i < 4)
        return false;
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        int h = text_hex_value(r->s[r->i + (size_t)k]);
        if (h < 0)
            return false;
        v = v * 16 + (unsigned)h;
    }
    r->i += 4;
    *out = v;
    return true;
}

static void put_utf8(strbuf *sb, unsigned cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    sb_append(sb, b, n);
}

/* Reads a string at r->i (on the opening quote). With `out`, decodes it. */
static bool read_string(jreader *r, strbuf *out)
{
    r->i++;
    while (r->i < r->n) {
        unsigned char c = (unsigned char)r->s[r->i];
        if (c == '"') {
            r->i++;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            if (++r->i >= r->n)
                return false;
            char e = r->s[r->i++];
            unsigned cp;
            switch (e) {
            case '"': cp = '"'; break;
            case '\\': cp = '\\'; break;
            case '/': cp = '/'; break;
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'n': cp = '\n'; break;
            case 'r': cp = '\r'; break;
            case 't': cp = '\t'; break;
            case 'u':
                if (!read_hex4(r, &cp))
                    return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    /* A high surrogate pairs with a following low one. */
                    unsigned lo;
                    size_t save = r->i;
                    if (r->n - r->i >= 6 && r->s[r->i] == '\\' &&
                        r->s[r->i + 1] == 'u') {
                        r->i += 2;
                        if (read_hex4(r, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        } else {
                            r->i = save;
                            cp = 0xFFFD;
                        }
                    } else {
                        cp = 0xFFFD;
                    }
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    cp = 0xFFFD;
                }
                break;
            default:
                return false;
            }
            if (out)
                put_utf8(out, cp);
            continue;
        }
        size_t k = utf8_valid_len(r->s + r->i, r->n - r->i);
        if (k == 0) {
            if (out)
                put_utf8(out, 0xFFFD);
            r->i++;
            continue;
        }
        if (out)
            sb_append(out, r->s + r->i, k);
        r->i += k;
    }
    return false;
}

static bool read_number(jreader *r)
{
    size_t i = r->i;
    if (i < r->n && r->s[i] == '-')
        i++;
    if (i >= r->n)
        return false;
    if (r->s[i] == '0') {
        i++;
    } else if (r->s[i] >= '1' && r->s[i] <= '9') {
        while (i < r->n && r->s[i] >= '0' && r->s[i] <= '9')
            i++;
    } else {
        return false;
    }
    if (i < r->n && r->s[i] == '.') {
        i++;
        if (i >= r->n || r->s[i] < '0' || r->s[i] > '9')
            return false;
        while (i < r->n && r->s[i] >= '0' && r->s[i] <= '9')
            i++;
    }
    if (i < r->n && (r->s[i] == 'e' || r->s[i] == 'E')) {
        i++;
        if (i < r->n && (r->s[i] == '+' || r->s[i] == '-'))
            i++;
        if (i >= r->n || r->s[i] < '0' || r->s[i] > '9')
            return false;
        while (i < r->n && r->s[i] >= '0' && r->s[i] <= '9')
            i++;
    }
    r->i = i;
    return true;
}

static bool read_literal(jreader *r, const char *lit)
{
    size_t k = strlen(lit);
    if (r->n - r->i < k || memcmp(r->s + r->i, lit, k) != 0)
        return false;
    r->i += k;
    return true;
}

/*
 * Validates one JSON value without recursion: containers are tracked on an
 * explicit stack so a hostile `[[[[...` cannot exhaust the C stack.
 */
static bool skip_value(jreader *r, arena *a)
{
    char *stack = NULL;
    size_t depth = 0, cap = 0;
    bool expect_value = true;
    for (;;) {
        skip_ws(r);
        if (r->i >= r->n)
            return false;
        char c = r->s[r->i];
        if (expect_value) {
            if (c == '[' || c == '{') {
                if (depth >= JSON_MAX_DEPTH)
                    return false;
                *ARENA_PUSH(a, stack, depth, cap) = c;
                r->i++;
                skip_ws(r);
                if (r->i < r->n && r->s[r->i] == (c == '[' ? ']' : '}')) {
                    r->i++;
                    depth--;
                    expect_value = false;
                    if (depth == 0)
                        return true;
                } else if (c == '{') {
                    if (r->i >= r->n || r->s[r->i] != '"' ||
                        !read_string(r, NULL))
                        return false;
                    skip_ws(r);
                    if (r->i >= r->n || r->s[r->i] != ':')
                        return false;
                    r->i++;
                }
                if (expect_value)
                    continue;
            } else {
                bool ok = c == '"'   ? read_string(r, NULL)
                          : c == 't' ? read_literal(r, "true")
                          : c == 'f' ? read_literal(r, "false")
                          : c == 'n' ? read_literal(r, "null")
                                     : read_number(r);
                if (!ok)
                    return false;
                expect_value = false;
            }
        }
        /* After a value: close containers or move to the next element. */
        if (depth == 0)
            return true;
        skip_ws(r);
        if (r->i >= r->n)
            return false;
        c = r->s[r->i];
        char top = stack[depth - 1];
        if (c == ',') {
            r->i++;
            if (top == '{') {
                skip_ws(r);
                if (r->i >= r->n || r->s[r->i] != '"' || !read_string(r, NULL))
                    return false;
                skip_ws(r);
                if (r->i >= r->n || r->s[r->i] != ':')
                    return false;
                r->i++;
            }
            expect_value = true;
        } else if ((top == '[' && c == ']') || (top == '{' && c == '}')) {
            r->i++;
            depth--;
            if (depth == 0)
                return true;
        } else {
            return false;
        }
    }
}

df_json_status df_json_string_array(arena *a, const char *s, size_t n,
                                    df_json_item **items, size_t *count)
{
    *items = NULL;
    *count = 0;
    jreader r = {s, n, 0};
    skip_ws(&r);
    if (r.i >= n || s[r.i] != '[')
        return DF_JSON_INVALID;

    /* First pass: is it valid JSON at all? (Go validates before decoding.) */
    jreader v = r;
    if (!skip_value(&v, a))
        return DF_JSON_INVALID;
    skip_ws(&v);
    if (v.i != n)
        return DF_JSON_INVALID;

    /* Second pass: collect the elements, all of which must be strings. */
    df_json_item *list = NULL;
    size_t cnt = 0, cap = 0;
    bool all_strings = true;
    strbuf sb;
    sb_init(&sb);
    r.i++;
    skip_ws(&r);
    if (r.s[r.i] == ']')
        goto done;
    for (;;) {
        skip_ws(&r);
        if (r.s[r.i] == '"') {
            size_t start = r.i;
            sb_reset(&sb);
            read_string(&r, &sb);
            df_json_item *it = ARENA_PUSH(a, list, cnt, cap);
            it->s = sb_to_arena(&sb, a);
            it->len = sb.len;
            it->lo = start;
            it->hi = r.i;
        } else {
            all_strings = false;
            skip_value(&r, a);
        }
        skip_ws(&r);
        if (r.s[r.i] == ',') {
            r.i++;
            continue;
        }
        break; /* ']' (validated above) */
    }
done:
    sb_free(&sb);
    if (!all_strings)
        return DF_JSON_NOT_STRINGS;
    *items = list;
    *count = cnt;
    return DF_JSON_OK;
}
