#include "registry/jscan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

typedef struct scanner {
    const char *s;
    size_t n, i;
    char *scratch;      /* decoded strings, never more than the document */
    size_t used;
    jscan_path path;
    jscan_fn fn;
    void *ctx;
    const char *err;
} scanner;

static bool fail(scanner *sc, const char *why)
{
    if (!sc->err)
        sc->err = why;
    return false;
}

static void skip_ws(scanner *sc)
{
    while (sc->i < sc->n && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' ||
                             sc->s[sc->i] == '\n' || sc->s[sc->i] == '\r'))
        sc->i++;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* \uXXXX at p (after the backslash-u); a surrogate pair takes two. Lone
 * surrogates become U+FFFD, as Go decodes them. Returns the input consumed
 * after "\u", or 0 when malformed. */
static size_t unicode_escape(const char *p, size_t avail, uint32_t *cp)
{
    if (avail < 4)
        return 0;
    int hi = hex4(p);
    if (hi < 0)
        return 0;
    if (hi >= 0xd800 && hi < 0xdc00 && avail >= 10 && p[4] == '\\' && p[5] == 'u') {
        int lo = hex4(p + 6);
        if (lo >= 0xdc00 && lo < 0xe000) {
            *cp = 0x10000 + (((uint32_t)hi - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
            return 10;
        }
    }
    *cp = hi >= 0xd800 && hi < 0xe000 ? 0xfffd : (uint32_t)hi;
    return 4;
}

/* A string at sc->i (the opening quote), decoded into the scratch buffer. */
static bool string(scanner *sc, const char **out, size_t *out_len)
{
    char *o = sc->scratch + sc->used;
    size_t len = 0;
    sc->i++;
    while (sc->i < sc->n) {
        unsigned char c = (unsigned char)sc->s[sc->i];
        if (c == '"') {
            sc->i++;
            o[len] = '\0';
            sc->used += len + 1;
            *out = o;
            *out_len = len;
            return true;
        }
        if (c < 0x20)
            return fail(sc, "control character in a string");
        if (c != '\\') {
            o[len++] = (char)c;
            sc->i++;
            continue;
        }
        if (sc->i + 1 >= sc->n)
            break;
        char e = sc->s[sc->i + 1];
        sc->i += 2;
        switch (e) {
        case '"': o[len++] = '"'; break;
        case '\\': o[len++] = '\\'; break;
        case '/': o[len++] = '/'; break;
        case 'b': o[len++] = '\b'; break;
        case 'f': o[len++] = '\f'; break;
        case 'n': o[len++] = '\n'; break;
        case 'r': o[len++] = '\r'; break;
        case 't': o[len++] = '\t'; break;
        case 'u': {
            uint32_t cp;
            size_t used = unicode_escape(sc->s + sc->i, sc->n - sc->i, &cp);
            if (!used)
                return fail(sc, "malformed \\u escape");
            sc->i += used;
            len += put_utf8(o + len, cp);
            break;
        }
        default:
            return fail(sc, "malformed escape in a string");
        }
    }
    return fail(sc, "unterminated string");
}

static bool number(scanner *sc)
{
    size_t start = sc->i;
    const char *s = sc->s;
    size_t n = sc->n, i = sc->i;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0') {
        i++;
    } else if (i < n && s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        return fail(sc, "malformed number");
    }
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return fail(sc, "malformed number");
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return fail(sc, "malformed number");
    }
    sc->i = i;
    sc->fn(sc->ctx, &sc->path, JSCAN_NUMBER, s + start, i - start);
    return true;
}

static bool literal(scanner *sc, const char *word, jscan_kind k)
{
    size_t len = strlen(word);
    if (sc->n - sc->i < len || memcmp(sc->s + sc->i, word, len) != 0)
        return fail(sc, "unexpected character");
    sc->i += len;
    sc->fn(sc->ctx, &sc->path, k, NULL, 0);
    return true;
}

static bool value(scanner *sc);

/* Members or elements, the opening bracket consumed. */
static bool container(scanner *sc, bool object)
{
    char close = object ? '}' : ']';
    size_t level = sc->path.depth;
    if (level == JSCAN_MAX_DEPTH)
        return fail(sc, "nested too deeply");
    sc->fn(sc->ctx, &sc->path, object ? JSCAN_OBJECT : JSCAN_ARRAY, NULL, 0);
    sc->i++;
    skip_ws(sc);
    if (sc->i < sc->n && sc->s[sc->i] == close) {
        sc->i++;
        return true;
    }
    for (size_t index = 0;; index++) {
        sc->path.key[level] = NULL;
        sc->path.key_len[level] = 0;
        sc->path.index[level] = index;
        if (object) {
            skip_ws(sc);
            if (sc->i >= sc->n || sc->s[sc->i] != '"')
                return fail(sc, "expected a member name");
            if (!string(sc, &sc->path.key[level], &sc->path.key_len[level]))
                return false;
            skip_ws(sc);
            if (sc->i >= sc->n || sc->s[sc->i] != ':')
                return fail(sc, "expected ':'");
            sc->i++;
        }
        sc->path.depth = level + 1;
        bool ok = value(sc);
        sc->path.depth = level;
        if (!ok)
            return false;
        skip_ws(sc);
        if (sc->i < sc->n && sc->s[sc->i] == ',') {
            sc->i++;
            continue;
        }
        if (sc->i < sc->n && sc->s[sc->i] == close) {
            sc->i++;
            return true;
        }
        return fail(sc, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static bool value(scanner *sc)
{
    skip_ws(sc);
    if (sc->i >= sc->n)
        return fail(sc, "unexpected end");
    switch (sc->s[sc->i]) {
    case '{':
        return container(sc, true);
    case '[':
        return container(sc, false);
    case '"': {
        const char *v;
        size_t len;
        if (!string(sc, &v, &len))
            return false;
        sc->fn(sc->ctx, &sc->path, JSCAN_STRING, v, len);
        return true;
    }
    case 't':
        return literal(sc, "true", JSCAN_TRUE);
    case 'f':
        return literal(sc, "false", JSCAN_FALSE);
    case 'n':
        return literal(sc, "null", JSCAN_NULL);
    default:
        return number(sc);
    }
}

bool jscan(const char *doc, size_t len, jscan_fn fn, void *ctx, const char **err)
{
    scanner sc = {.s = doc, .n = len, .fn = fn, .ctx = ctx};
    sc.scratch = xmalloc(len + 1);
    bool ok = value(&sc);
    if (ok) {
        skip_ws(&sc);
        if (sc.i != sc.n)
            ok = fail(&sc, "text after the JSON value");
    }
    wipe_free(sc.scratch, len + 1);
    if (!ok)
        *err = sc.err;
    return ok;
}

bool jscan_field(const jscan_path *p, size_t i, const char *name)
{
    return i < p->depth && p->key[i] && p->key_len[i] == strlen(name) &&
           strncasecmp(p->key[i], name, p->key_len[i]) == 0;
}

bool jscan_key(const jscan_path *p, size_t i, const char *name)
{
    return i < p->depth && p->key[i] && p->key_len[i] == strlen(name) &&
           memcmp(p->key[i], name, p->key_len[i]) == 0;
}

void wipe_free(void *p, size_t n)
{
    if (!p)
        return;
    explicit_bzero(p, n);
    free(p);
}

void wipe_free_str(char *s)
{
    if (s)
        wipe_free(s, strlen(s));
}
