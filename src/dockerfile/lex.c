/*
 * BuildKit's word processing (frontend/dockerfile/shell/lex.go), rebuilt
 * over bytes. The structure follows the reference on purpose, one function
 * per construct, so that its behaviour on odd input (an escape at the end,
 * an empty quoted word, `${v:#x}`) can be checked against it line by line.
 */
#include "dockerfile/lex.h"

#include <stdint.h>
#include <string.h>

#include "util/strbuf.h"

#define LEX_EOF (-1)
#define LEX_MAX_DEPTH 64

void df_lex_budget_init(df_lex_budget *b)
{
    b->bytes = DF_LEX_BUDGET_BYTES;
    b->steps = DF_LEX_BUDGET_STEPS;
    b->spent = false;
}

size_t df_space_len_utf8(const char *p, const char *end)
{
    if (p >= end)
        return 0;
    unsigned char c = (unsigned char)p[0];
    if (c < 0x80)
        return c == ' ' || (c >= '\t' && c <= '\r');
    size_t avail = (size_t)(end - p);
    const unsigned char *u = (const unsigned char *)p;
    if (c == 0xC2 && avail >= 2 && (u[1] == 0x85 || u[1] == 0xA0))
        return 2;
    if (avail < 3)
        return 0;
    if (c == 0xE1 && u[1] == 0x9A && u[2] == 0x80)
        return 3;
    if (c == 0xE2 && u[1] == 0x80 &&
        (u[2] <= 0x8A || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF) &&
        u[2] >= 0x80)
        return 3;
    if (c == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
        return 3;
    if (c == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

/* Byte length of the (possibly invalid) UTF-8 character at p. */
static size_t char_len(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if ((size_t)(end - p) < n)
        return 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

/* ------------------------------------------------------------ words */

/* Splits the result into words the way lex.go's wordsStruct does. */
typedef struct words_builder {
    arena *a;
    strbuf word;
    bool in_word;
    const char **items;
    size_t n, cap;
} words_builder;

static void wb_flush(words_builder *wb)
{
    *ARENA_PUSH(wb->a, wb->items, wb->n, wb->cap) = sb_to_arena(&wb->word, wb->a);
    sb_reset(&wb->word);
}

static void wb_add_raw(words_builder *wb, const char *p, size_t n)
{
    if (!wb)
        return;
    sb_append(&wb->word, p, n);
    wb->in_word = true;
}

static void wb_add_char(words_builder *wb, const char *p, size_t n)
{
    if (!wb)
        return;
    if (df_space_len(p, p + n) == n) {
        if (wb->in_word && wb->word.len) {
            wb_flush(wb);
            wb->in_word = false;
        }
        return;
    }
    wb_add_raw(wb, p, n);
}

static void wb_add_string(words_builder *wb, const char *s, size_t n)
{
    if (!wb)
        return;
    const char *end = s + n;
    while (s < end) {
        size_t k = char_len(s, end);
        wb_add_char(wb, s, k);
        s += k;
    }
}

static void wb_finish(words_builder *wb)
{
    if (wb->word.len)
        wb_flush(wb);
}

/* ------------------------------------------------------------ lexer */

typedef struct lexer {
    const char *p, *end;
    const df_lex_opts *o;
    df_lex_budget *budget;
    arena *a;
    const char *error;
    bool unknown;
    bool too_big;
    int depth;
    int nested; /* > 0 while reading the word inside ${...} */
    /* Unknown references, as offsets in the *top-level* result. Nested
     * results (inside ${...}) do not record spans: the whole ${...} is
     * recorded by its caller. */
    df_span *spans;
    size_t nspans, spans_cap;
} lexer;

static int peek(const lexer *lx)
{
    return lx->p < lx->end ? (unsigned char)*lx->p : LEX_EOF;
}

static bool fail(lexer *lx, const char *msg)
{
    if (!lx->error)
        lx->error = msg;
    return false;
}

/* Records a formatted error (the first one wins); evaluates to false. */
#define failf(lx, ...)                                                        \
    ((lx)->error ? false                                                     \
                 : ((lx)->error = arena_printf((lx)->a, __VA_ARGS__), false))

static df_var_state lookup(lexer *lx, const char *name, size_t n,
                           const char **v, size_t *vn)
{
    *v = "";
    *vn = 0;
    if (!lx->o->lookup)
        return DF_VAR_UNSET;
    df_var_state st = lx->o->lookup(lx->o->lookup_ctx, name, n, v, vn);
    if (st != DF_VAR_SET) {
        *v = "";
        *vn = 0;
    }
    return st;
}

static bool is_name_char(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;
    if (c >= 0x80)
        return df_space_len(p, end) == 0; /* letters of other scripts */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

static bool is_special_param(int c)
{
    return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' ||
           c == '$' || c == '!' || c == '0';
}

/* Reads a variable name; returns its length (0: no name). */
static size_t process_name(lexer *lx, const char **name)
{
    *name = lx->p;
    const char *start = lx->p;
    if (peek(lx) >= '0' && peek(lx) <= '9') {
        while (peek(lx) >= '0' && peek(lx) <= '9')
            lx->p++;
        return (size_t)(lx->p - start);
    }
    if (is_special_param(peek(lx))) {
        lx->p++;
        return 1;
    }
    while (lx->p < lx->end && is_name_char(lx->p, lx->end))
        lx->p += char_len(lx->p, lx->end);
    return (size_t)(lx->p - start);
}

static bool process_stop_on(lexer *lx, const char *stops, bool raw_escapes,
                            strbuf *out, words_builder *wb, int *stopped);

static bool process_single_quote(lexer *lx, strbuf *out)
{
    lx->p++; /* the opening quote */
    if (lx->o->raw_quotes)
        sb_putc(out, '\'');
    for (;;) {
        if (lx->p >= lx->end)
            return fail(lx, "unexpected end of statement while looking for "
                            "matching single-quote");
        char c = *lx->p++;
        if (c == '\'') {
            if (lx->o->raw_quotes)
                sb_putc(out, '\'');
            return true;
        }
        sb_putc(out, c);
    }
}

static bool process_dollar(lexer *lx, strbuf *out);

static bool process_double_quote(lexer *lx, strbuf *out)
{
    lx->p++;
    if (lx->o->raw_quotes)
        sb_putc(out, '"');
    for (;;) {
        int c = peek(lx);
        if (c == LEX_EOF)
            return fail(lx, "unexpected end of statement while looking for "
                            "matching double-quote");
        if (c == '"') {
            lx->p++;
            if (lx->o->raw_quotes)
                sb_putc(out, '"');
            return true;
        }
        if (c == '$') {
            if (!process_dollar(lx, out))
                return false;
            continue;
        }
        lx->p++;
        if (c == lx->o->escape) {
            if (lx->o->raw_escapes)
                sb_putc(out, (char)c);
            int n = peek(lx);
            if (n == LEX_EOF)
                continue; /* an escape at the very end is dropped */
            if (n == '"' || n == '$' || n == lx->o->escape) {
                lx->p++;
                c = n;
            }
        }
        sb_putc(out, (char)c);
    }
}

static int glob_match(const char *pat, size_t plen, const char *s,
                      size_t slen, size_t *steps);

/* ${name%pattern} and friends: find the shortest/longest match. False
 * when the budget's steps ran out first. */
static bool trim_affix(df_lex_budget *b, const char *pat, size_t plen,
                       const char *v, size_t vn, bool greedy, bool suffix,
                       const char **r, size_t *rn)
{
    *r = v;
    *rn = vn;
    for (size_t k = 0; k <= vn; k++) {
        size_t cut = greedy ? vn - k : k;
        int hit = suffix ? glob_match(pat, plen, v + (vn - cut), cut, &b->steps)
                         : glob_match(pat, plen, v, cut, &b->steps);
        if (hit < 0)
            return false;
        if (hit) {
            if (suffix) {
                *rn = vn - cut;
            } else {
                *r = v + cut;
                *rn = vn - cut;
            }
            break;
        }
    }
    return true;
}

/* ${name/pattern/replacement}: the leftmost match, longest at that
 * position (greedy `*`), replaced once or everywhere. False when the
 * budget's steps ran out, or the result would pass `limit` bytes. */
static bool replace_pattern(df_lex_budget *b, strbuf *out, const char *pat,
                            size_t plen, const char *rep, size_t rlen,
                            const char *v, size_t vn, bool all, size_t limit)
{
    size_t start = out->len;
    bool replaced = false;
    size_t i = 0;
    while (i <= vn) {
        if (out->len - start > limit)
            return false;
        size_t match = (size_t)-1;
        if (all || !replaced) {
            for (size_t j = vn + 1; j-- > i;) {
                int hit = glob_match(pat, plen, v + i, j - i, &b->steps);
                if (hit < 0)
                    return false;
                if (hit) {
                    match = j;
                    break;
                }
            }
        }
        if (match != (size_t)-1) {
            sb_append(out, rep, rlen);
            replaced = true;
            if (match > i) {
                i = match;
                continue;
            }
        }
        if (i < vn)
            sb_putc(out, v[i]);
        i++;
    }
    return out->len - start <= limit;
}

/* Appends the written text of a reference to an unknown variable. */
static void keep_unknown(lexer *lx, strbuf *out, const char *from)
{
    lx->unknown = true;
    if (lx->nested == 0) {
        df_span *s = ARENA_PUSH(lx->a, lx->spans, lx->nspans, lx->spans_cap);
        s->off = out->len;
        s->len = (size_t)(lx->p - from);
    }
    sb_append(out, from, (size_t)(lx->p - from));
}

/* The file's budget cannot pay for a substitution: the reference is kept
 * as written, unknown. */
static void unaffordable(lexer *lx, strbuf *out, const char *dollar)
{
    lx->budget->spent = true;
    keep_unknown(lx, out, dollar);
}

/* A variable's value (or a part of it) goes into the result, paid for by
 * the file's budget. */
static void put_value(lexer *lx, strbuf *out, const char *dollar,
                      const char *v, size_t vn)
{
    if (vn > lx->budget->bytes) {
        unaffordable(lx, out, dollar);
        return;
    }
    sb_append(out, v, vn);
    lx->budget->bytes -= vn;
}

/* ${name/pattern/replacement} of a known value, paid for by the budget. */
static void replace_value(lexer *lx, strbuf *out, const char *dollar,
                          const strbuf *pat, const strbuf *rep, const char *v,
                          size_t vn, bool all)
{
    size_t before = out->len;
    size_t limit = lx->budget->bytes < DF_LEX_MAX_VALUE ? lx->budget->bytes
                                                        : DF_LEX_MAX_VALUE;
    if (!replace_pattern(lx->budget, out, pat->data, pat->len, rep->data,
                         rep->len, v, vn, all, limit)) {
        out->len = before;
        unaffordable(lx, out, dollar);
        return;
    }
    lx->budget->bytes -= out->len - before;
}

static bool process_braced(lexer *lx, strbuf *out, const char *dollar)
{
    lx->p++; /* '{' */
    int c = peek(lx);
    if (c == LEX_EOF)
        return fail(lx, "syntax error: missing '}'");
    if (c == '{' || c == '}' || c == ':')
        return fail(lx, "syntax error: bad substitution");

    const char *name;
    size_t nlen = process_name(lx, &name);
    const char *v;
    size_t vn;

    if (lx->p >= lx->end)
        return fail(lx, "syntax error: missing '}'");
    char op = *lx->p++;
    char mod[3] = {op, 0, 0};
    bool null_is_unset = false;

    if (op == '}') {
        df_var_state st = lookup(lx, name, nlen, &v, &vn);
        if (st == DF_VAR_UNKNOWN) {
            keep_unknown(lx, out, dollar);
        } else if (st == DF_VAR_UNSET && lx->o->skip_unset) {
            sb_append(out, dollar, (size_t)(lx->p - dollar));
        } else {
            put_value(lx, out, dollar, v, vn);
        }
        return true;
    }

    if (op == ':') {
        null_is_unset = true;
        if (lx->p >= lx->end)
            return fail(lx, "syntax error: missing '}'");
        op = *lx->p++;
        mod[1] = op;
    }

    if (op == '+' || op == '-' || op == '?' || op == '#' || op == '%') {
        bool affix = op == '#' || op == '%';
        if (null_is_unset && affix)
            return failf(lx, "unsupported modifier (%s) in substitution", mod);
        strbuf word;
        sb_init(&word);
        lx->nested++;
        bool read = process_stop_on(lx, "}", affix, &word, NULL, NULL);
        lx->nested--;
        if (!read) {
            sb_free(&word);
            if (lx->p >= lx->end) {
                lx->error = NULL;
                return fail(lx, "syntax error: missing '}'");
            }
            return false;
        }
        df_var_state st = lookup(lx, name, nlen, &v, &vn);
        bool ok = true;
        if (st == DF_VAR_UNKNOWN) {
            keep_unknown(lx, out, dollar);
        } else if (st == DF_VAR_UNSET && lx->o->skip_unset) {
            sb_append(out, dollar, (size_t)(lx->p - dollar));
        } else {
            bool set = st == DF_VAR_SET;
            bool empty = !set || (null_is_unset && vn == 0);
            switch (op) {
            case '-':
                if (empty)
                    sb_append(out, word.data, word.len);
                else
                    put_value(lx, out, dollar, v, vn);
                break;
            case '+':
                if (!empty)
                    sb_append(out, word.data, word.len);
                break;
            case '?':
                if (!set || (null_is_unset && vn == 0)) {
                    const char *msg = word.len ? word.data
                                      : !set   ? "is not allowed to be unset"
                                               : "is not allowed to be empty";
                    lx->error = arena_printf(lx->a, "%.*s: %s", (int)nlen,
                                             name, msg);
                    ok = false;
                } else {
                    put_value(lx, out, dollar, v, vn);
                }
                break;
            default: { /* '#' or '%' */
                const char *pat = word.data;
                size_t plen = word.len;
                bool greedy = plen > 0 && pat[0] == op;
                if (greedy) {
                    pat++;
                    plen--;
                }
                const char *r;
                size_t rn;
                if (trim_affix(lx->budget, pat, plen, v, vn, greedy, op == '%',
                               &r, &rn))
                    put_value(lx, out, dollar, r, rn);
                else
                    unaffordable(lx, out, dollar);
            }
            }
        }
        sb_free(&word);
        return ok;
    }

    if (op == '/' && !null_is_unset) {
        bool all = peek(lx) == '/';
        if (all)
            lx->p++;
        strbuf pat, rep;
        sb_init(&pat);
        sb_init(&rep);
        int stopped = LEX_EOF;
        lx->nested++;
        bool ok = process_stop_on(lx, "/}", true, &pat, NULL, &stopped);
        if (ok && stopped == '/')
            ok = process_stop_on(lx, "}", true, &rep, NULL, NULL);
        lx->nested--;
        if (!ok) {
            sb_free(&pat);
            sb_free(&rep);
            if (lx->p >= lx->end) {
                lx->error = NULL;
                return fail(lx, "syntax error: missing '}'");
            }
            return false;
        }
        df_var_state st = lookup(lx, name, nlen, &v, &vn);
        if (st == DF_VAR_UNKNOWN)
            keep_unknown(lx, out, dollar);
        else if (st == DF_VAR_UNSET && lx->o->skip_unset)
            sb_append(out, dollar, (size_t)(lx->p - dollar));
        else
            replace_value(lx, out, dollar, &pat, &rep, v, vn, all);
        sb_free(&pat);
        sb_free(&rep);
        return true;
    }

    return failf(lx, "unsupported modifier (%s) in substitution", mod);
}

static bool process_dollar(lexer *lx, strbuf *out)
{
    const char *dollar = lx->p;
    lx->p++; /* '$' */
    if (peek(lx) == '{') {
        if (++lx->depth > LEX_MAX_DEPTH)
            return fail(lx, "substitutions nested too deeply");
        bool ok = process_braced(lx, out, dollar);
        lx->depth--;
        return ok;
    }
    const char *name;
    size_t nlen = process_name(lx, &name);
    if (nlen == 0) {
        sb_putc(out, '$');
        return true;
    }
    const char *v;
    size_t vn;
    df_var_state st = lookup(lx, name, nlen, &v, &vn);
    if (st == DF_VAR_UNKNOWN)
        keep_unknown(lx, out, dollar);
    else if (st == DF_VAR_UNSET && lx->o->skip_unset)
        sb_append(out, dollar, (size_t)(lx->p - dollar));
    else
        put_value(lx, out, dollar, v, vn);
    return true;
}

/*
 * The main loop (processStopOn): copies characters, dispatching quotes and
 * dollars, until one of `stops` (consumed) or the end of input. With no
 * stops, the end of input is the normal end; otherwise it is an error.
 */
static bool process_stop_on(lexer *lx, const char *stops, bool raw_escapes,
                            strbuf *out, words_builder *wb, int *stopped)
{
    bool skip_quotes = lx->o->skip_quotes;
    raw_escapes = raw_escapes || lx->o->raw_escapes;
    while (lx->p < lx->end) {
        if (out->len > DF_LEX_MAX_VALUE) {
            lx->too_big = true;
            lx->p = lx->end;
            break;
        }
        int c = peek(lx);
        if (stops && c != 0 && strchr(stops, c)) {
            lx->p++;
            if (stopped)
                *stopped = c;
            return true;
        }
        if (c == '$') {
            size_t before = out->len;
            if (!process_dollar(lx, out))
                return false;
            wb_add_string(wb, out->data + before, out->len - before);
            continue;
        }
        if (!skip_quotes && (c == '\'' || c == '"')) {
            size_t before = out->len;
            bool ok = c == '\'' ? process_single_quote(lx, out)
                                : process_double_quote(lx, out);
            if (!ok)
                return false;
            wb_add_raw(wb, out->data + before, out->len - before);
            continue;
        }
        size_t k = char_len(lx->p, lx->end);
        const char *ch = lx->p;
        lx->p += k;
        if (c == lx->o->escape) {
            if (raw_escapes) {
                wb_add_raw(wb, ch, 1);
                sb_putc(out, (char)c);
            }
            if (lx->p >= lx->end)
                break; /* an escape at the end is dropped */
            k = char_len(lx->p, lx->end);
            ch = lx->p;
            lx->p += k;
            wb_add_raw(wb, ch, k);
        } else {
            wb_add_char(wb, ch, k);
        }
        sb_append(out, ch, k);
    }
    if (stops) {
        char c[2] = {stops[0], 0};
        return failf(lx, "unexpected end of statement while looking for "
                         "matching %s", c);
    }
    return true;
}

/* Words with nothing to process: the text itself, split on white space. */
static void process_plain(arena *a, const char *s, size_t n,
                          df_lex_result *out)
{
    out->value = arena_strndup(a, s, n);
    out->len = n;
    const char **items = NULL;
    size_t count = 0, cap = 0;
    const char *end = s + n, *p = s;
    while (p < end) {
        size_t k;
        while (p < end && (k = df_space_len(p, end)) > 0)
            p += k;
        const char *start = p;
        while (p < end && df_space_len(p, end) == 0)
            p += char_len(p, end);
        if (p > start)
            *ARENA_PUSH(a, items, count, cap) =
                arena_strndup(a, start, (size_t)(p - start));
    }
    out->words = items;
    out->nwords = count;
}

static bool needs_processing(const char *s, size_t n, char escape)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '$' || c == '\'' || c == '"' || c == escape)
            return true;
    }
    return false;
}

bool df_lex_process(arena *a, const char *s, size_t n, const df_lex_opts *o,
                    df_lex_result *out)
{
    memset(out, 0, sizeof(*out));
    if (!needs_processing(s, n, o->escape)) {
        process_plain(a, s, n, out);
        return true;
    }
    df_lex_budget own;
    if (!o->budget)
        df_lex_budget_init(&own);
    lexer lx = {.p = s, .end = s + n, .o = o, .a = a, .depth = 1,
                .budget = o->budget ? o->budget : &own};
    strbuf value;
    sb_init(&value);
    words_builder wb = {.a = a};
    sb_init(&wb.word);

    bool ok = process_stop_on(&lx, NULL, false, &value, &wb, NULL);
    if (ok) {
        wb_finish(&wb);
        out->value = sb_to_arena(&value, a);
        out->len = value.len;
        out->words = wb.items;
        out->nwords = wb.n;
        out->unknown = lx.unknown || lx.too_big;
        out->unknown_spans = lx.spans;
        out->nunknown = lx.nspans;
    } else {
        out->value = "";
        out->error = lx.error ? lx.error : "bad substitution";
    }
    sb_free(&value);
    sb_free(&wb.word);
    return ok;
}

/* ------------------------------------------------------------ globs */

/* Matches one [...] class at pat; returns its length or 0 if malformed. */
static size_t match_class(const char *pat, size_t plen, unsigned char c,
                          bool *hit)
{
    size_t i = 1;
    bool negate = false;
    if (i < plen && (pat[i] == '!' || pat[i] == '^')) {
        negate = true;
        i++;
    }
    bool found = false;
    bool first = true;
    while (i < plen && (pat[i] != ']' || first)) {
        first = false;
        unsigned char lo = (unsigned char)pat[i];
        if (lo == '\\' && i + 1 < plen)
            lo = (unsigned char)pat[++i];
        unsigned char hi = lo;
        if (i + 2 < plen && pat[i + 1] == '-' && pat[i + 2] != ']') {
            hi = (unsigned char)pat[i + 2];
            i += 2;
        }
        if (c >= lo && c <= hi)
            found = true;
        i++;
    }
    if (i >= plen)
        return 0;
    *hit = found != negate;
    return i + 1;
}

bool df_glob_match(const char *pat, size_t plen, const char *s, size_t slen)
{
    size_t steps = SIZE_MAX;
    return glob_match(pat, plen, s, slen, &steps) > 0;
}

/*
 * Iterative matcher with single-star backtracking: at most slen * plen
 * steps, each paid from *steps. 1: a match, 0: none, -1: the steps ran
 * out first.
 */
static int glob_match(const char *pat, size_t plen, const char *s,
                      size_t slen, size_t *steps)
{
    size_t p = 0, i = 0;
    size_t star_p = (size_t)-1, star_i = 0;
    while (i < slen) {
        if (*steps == 0)
            return -1;
        --*steps;
        if (p < plen) {
            char pc = pat[p];
            if (pc == '*') {
                star_p = p++;
                star_i = i;
                continue;
            }
            if (pc == '?') {
                p++;
                i++;
                continue;
            }
            if (pc == '[') {
                bool hit = false;
                size_t k = match_class(pat + p, plen - p, (unsigned char)s[i],
                                       &hit);
                if (k && hit) {
                    p += k;
                    i++;
                    continue;
                }
                if (!k && s[i] == '[') { /* malformed: literal */
                    p++;
                    i++;
                    continue;
                }
            } else {
                if (pc == '\\' && p + 1 < plen)
                    pc = pat[++p];
                if (pc == s[i]) {
                    p++;
                    i++;
                    continue;
                }
            }
        }
        if (star_p == (size_t)-1)
            return 0;
        p = star_p + 1;
        i = ++star_i;
    }
    while (p < plen && pat[p] == '*')
        p++;
    return p == plen;
}
