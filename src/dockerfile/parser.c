/*
 * The Dockerfile parser, faithful to BuildKit's frontend/dockerfile/parser
 * (parser.go, line_parsers.go, split_command.go, directives.go): the same
 * notion of a line, a comment, a continuation, a directive, a heredoc and
 * the same per-instruction argument forms, so that bosun accepts and
 * rejects exactly the files BuildKit does. Unlike BuildKit it keeps the
 * source position of every piece.
 */
#include <string.h>

#include "dockerfile/dockerfile.h"
#include "dockerfile/json_args.h"
#include "dockerfile/lex.h"
#include "util/strbuf.h"

/* ONBUILD ONBUILD ... nests; deeper chains are kept as unknown nodes. */
#define DF_MAX_ONBUILD_DEPTH 64

/* A token of the logical line: offsets [lo, hi) in it and its value. */
typedef struct lword {
    const char *s;
    size_t len;
    size_t lo, hi;
} lword;

typedef struct lwords {
    lword *items;
    size_t n, cap;
} lwords;

typedef struct parser {
    arena *a;
    df_file *f;
    df_error *err;

    /* physical lines */
    size_t pos;          /* next unread byte */
    uint32_t lineno;     /* lines consumed so far */
    bool too_long;       /* the scanner stopped on an over-long line */

    /* parser directives */
    bool directives_done;
    bool seen_syntax, seen_escape, seen_check;

    /* The logical line: `ltext` points into the source when the line is a
     * single piece (the common case), or into `line` when continuations
     * had to be joined. */
    strbuf line;
    const char *ltext;
    size_t llen;
    srcmap *map;
    strbuf scratch; /* reused by the word splitters */

    df_instruction *insts;
    size_t ninsts, insts_cap;
    df_comment *comments;
    size_t ncomments, comments_cap;
    df_directive *directives;
    size_t ndirectives, directives_cap;
} parser;

/* ------------------------------------------------------------- helpers */

static bool set_error(parser *p, uint32_t line, const char *msg)
{
    if (!p->err->message) {
        p->err->line = line;
        p->err->message = arena_strdup(p->a, msg);
    }
    return false;
}

/* [\t\v\f\r ] : BuildKit's reWhitespace. */
static bool is_ascii_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* unicode.IsSpace(rune(byte)): the byte-wise test BuildKit applies in
 * extractBuilderFlags and parseHealthConfig (Latin-1 NEL and NBSP count). */
static bool is_byte_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0;
}

/* strings.TrimSpace bounds within s[*lo, *hi). */
static void trim_space(const char *s, size_t *lo, size_t *hi)
{
    size_t k;
    while (*lo < *hi && (k = df_space_len(s + *lo, s + *hi)) > 0)
        *lo += k;
    while (*hi > *lo) {
        /* The last character starts at most three bytes back. */
        size_t start = *hi - 1;
        while (start > *lo && *hi - start < 4 &&
               ((unsigned char)s[start] & 0xC0) == 0x80)
            start--;
        k = df_space_len(s + start, s + *hi);
        if (k == 0 || start + k != *hi)
            break;
        *hi = start;
    }
}

static df_text make_text(const srcmap *map, const char *s, size_t len,
                         size_t lo, size_t hi)
{
    df_text t;
    t.s = s;
    t.len = len;
    t.off = (uint32_t)srcmap_lookup(map, lo);
    t.end = hi > lo ? (uint32_t)srcmap_lookup(map, hi - 1) + 1 : t.off;
    return t;
}

static void push_word(parser *p, lwords *w, const char *s, size_t len,
                      size_t lo, size_t hi)
{
    lword *x = ARENA_PUSH(p->a, w->items, w->n, w->cap);
    x->s = s;
    x->len = len;
    x->lo = lo;
    x->hi = hi;
}

static void push_slice(parser *p, lwords *w, const char *line, size_t lo,
                       size_t hi)
{
    push_word(p, w, arena_strndup(p->a, line + lo, hi - lo), hi - lo, lo, hi);
}

/* ------------------------------------------------------- physical lines */

/* Next line [*start, *end) including its terminator; false at EOF or when
 * the line is longer than BuildKit's scanner accepts. */
static bool next_line(parser *p, size_t *start, size_t *end)
{
    const source *src = &p->f->src;
    if (p->too_long || p->pos >= src->len)
        return false;
    const char *nl = memchr(src->data + p->pos, '\n', src->len - p->pos);
    size_t e = nl ? (size_t)(nl - src->data) + 1 : src->len;
    if (e - p->pos > DF_MAX_LINE + 1 || (!nl && e - p->pos > DF_MAX_LINE + 1)) {
        p->too_long = true;
        return false;
    }
    *start = p->pos;
    *end = e;
    if (p->lineno == 0 && e - *start >= 3 &&
        memcmp(src->data + *start, "\xEF\xBB\xBF", 3) == 0)
        *start += 3;
    p->pos = e;
    p->lineno++;
    return true;
}

/* bytes.TrimRight(line, "\r\n") */
static size_t trim_newline(const char *d, size_t start, size_t end)
{
    while (end > start && (d[end - 1] == '\n' || d[end - 1] == '\r'))
        end--;
    return end;
}

static size_t skip_leading_space(const char *d, size_t start, size_t end)
{
    size_t k;
    while (start < end && (k = df_space_len(d + start, d + end)) > 0)
        start += k;
    return start;
}

/* The first byte after leading white space, and the end without the line
 * terminator: what BuildKit's line tests look at. */
static size_t line_content(const char *d, size_t start, size_t end,
                           size_t *content_end)
{
    *content_end = trim_newline(d, start, end);
    return skip_leading_space(d, start, *content_end);
}

/* ------------------------------------------------------------ directives */

static bool re_space(char c) /* RE2's \s */
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * possibleParserDirective: `# key=value` at the top of the file, before
 * any instruction, empty line or other comment.
 */
static bool check_directive(parser *p, const char *d, size_t lo, size_t hi)
{
    if (p->directives_done)
        return true;
    size_t i = lo;
    if (i >= hi || d[i] != '#')
        goto done;
    i++;
    while (i < hi && re_space(d[i]))
        i++;
    size_t k0 = i;
    if (i >= hi || !is_alpha(d[i]))
        goto done;
    while (i < hi && (is_alpha(d[i]) || (d[i] >= '0' && d[i] <= '9')))
        i++;
    size_t k1 = i;
    while (i < hi && re_space(d[i]))
        i++;
    if (i >= hi || d[i] != '=')
        goto done;
    i++;
    while (i < hi && re_space(d[i]))
        i++;
    size_t v0 = i, v1 = hi;
    while (v1 > v0 && re_space(d[v1 - 1]))
        v1--;
    if (v1 == v0)
        goto done;

    char key[8];
    size_t klen = k1 - k0;
    if (klen >= sizeof(key))
        goto done;
    for (size_t j = 0; j < klen; j++)
        key[j] = (char)(d[k0 + j] | 0x20);
    key[klen] = '\0';
    bool *seen = strcmp(key, "syntax") == 0   ? &p->seen_syntax
                 : strcmp(key, "escape") == 0 ? &p->seen_escape
                 : strcmp(key, "check") == 0  ? &p->seen_check
                                              : NULL;
    if (!seen)
        goto done;
    if (*seen)
        return set_error(p, p->lineno,
                         arena_printf(p->a, "only one %s parser directive "
                                            "can be used", key));
    *seen = true;
    const char *value = arena_strndup(p->a, d + v0, v1 - v0);
    if (seen == &p->seen_escape) {
        if (strcmp(value, "`") != 0 && strcmp(value, "\\") != 0)
            return set_error(p, p->lineno,
                             arena_printf(p->a, "invalid escape token '%s' "
                                                "does not match ` or \\",
                                          value));
        p->f->escape = value[0];
    }
    df_directive *dir = ARENA_PUSH(p->a, p->directives, p->ndirectives,
                                   p->directives_cap);
    dir->name = arena_strdup(p->a, key);
    dir->value = value;
    dir->line = p->lineno;
    return true;
done:
    p->directives_done = true;
    return true;
}

/* ---------------------------------------------------------- continuation */

/*
 * The continuation test: `([^E])E[ \t]*$|^E[ \t]*$` for escape E. Returns
 * the length of the text to keep, or (size_t)-1 when the line ends the
 * instruction.
 */
static size_t continuation_cut(const char *d, size_t lo, size_t hi, char esc)
{
    size_t e = hi;
    while (e > lo && (d[e - 1] == ' ' || d[e - 1] == '\t'))
        e--;
    if (e == lo || d[e - 1] != esc)
        return (size_t)-1;
    if (e - 1 == lo)
        return 0;
    if (d[e - 2] == esc)
        return (size_t)-1;
    return e - 1 - lo;
}

static void append_piece(parser *p, size_t src_lo, size_t len)
{
    if (!len)
        return;
    srcmap_add(p->map, p->a, p->line.len, src_lo);
    sb_append(&p->line, p->f->src.data + src_lo, len);
}

static void record_comment(parser *p, size_t start, size_t end,
                           df_comment_kind kind, int32_t inst)
{
    const char *d = p->f->src.data;
    end = trim_newline(d, start, end);
    start = skip_leading_space(d, start, end);
    size_t lo = start + 1, hi = end;
    trim_space(d, &lo, &hi);
    df_comment *c = ARENA_PUSH(p->a, p->comments, p->ncomments,
                               p->comments_cap);
    c->line = p->lineno;
    c->off = (uint32_t)start;
    c->text = arena_strndup(p->a, d + lo, hi - lo);
    c->kind = kind;
    c->instruction = inst;
}

/* ----------------------------------------------------- argument parsers */

/*
 * parseWords: splits on white space outside quotes, keeping quotes and
 * escapes. A word is therefore its source text, except that an escape at
 * the very end of the input is dropped.
 */
static void parse_words(parser *p, const char *s, size_t lo, size_t hi,
                        lwords *out)
{
    char esc = p->f->escape;
    size_t i = lo;
    for (;;) {
        size_t k;
        while (i < hi && (k = df_space_len(s + i, s + hi)) > 0)
            i += k;
        if (i >= hi)
            return;
        size_t start = i;
        char quote = 0;
        bool trailing_escape = false;
        while (i < hi) {
            char ch = s[i];
            bool escapes = ch == esc && quote != '\'';
            if (!quote) {
                if ((k = df_space_len(s + i, s + hi)) > 0)
                    break;
                if (ch == '\'' || ch == '"')
                    quote = ch;
            } else if (ch == quote) {
                quote = 0;
                escapes = false;
            }
            if (escapes) {
                if (i + 1 == hi) {
                    trailing_escape = true; /* dropped, as BuildKit does */
                } else {
                    i++; /* the escaped character belongs to the word */
                }
            }
            i++;
        }
        size_t end = i;
        size_t len = end - start - (trailing_escape ? 1 : 0);
        if (len)
            push_word(p, out, arena_strndup(p->a, s + start, len), len, start,
                      end);
    }
}

/* parseStringsWhitespaceDelimited */
static void parse_ws_delimited(parser *p, const char *s, size_t lo, size_t hi,
                               lwords *out)
{
    if (lo == hi)
        return;
    size_t i = lo, start = lo;
    for (;;) {
        if (i == hi || is_ascii_ws(s[i])) {
            push_slice(p, out, s, start, i);
            if (i == hi)
                break;
            while (i < hi && is_ascii_ws(s[i]))
                i++;
            start = i;
            if (i == hi) { /* Split yields a trailing empty string */
                push_slice(p, out, s, i, i);
                break;
            }
            continue;
        }
        i++;
    }
}

/* parseNameVal for ENV and LABEL. */
static bool parse_name_val(parser *p, df_instruction *in, const char *key,
                           const char *s, size_t lo, size_t hi, lwords *out)
{
    lwords words = {0};
    parse_words(p, s, lo, hi, &words);
    if (words.n == 0)
        return true;
    if (!memchr(words.items[0].s, '=', words.items[0].len)) {
        /* Legacy `KEY value`: split once on white space. */
        size_t i = lo;
        while (i < hi && !is_ascii_ws(s[i]))
            i++;
        size_t v = i;
        while (v < hi && is_ascii_ws(s[v]))
            v++;
        if (i == hi)
            return set_error(p, in->line, arena_printf(p->a, "%s must have "
                                                             "two arguments",
                                                       key));
        push_slice(p, out, s, lo, i);
        push_slice(p, out, s, v, hi);
        in->legacy_kv = true;
        return true;
    }
    for (size_t k = 0; k < words.n; k++) {
        const lword *w = &words.items[k];
        const char *eq = memchr(w->s, '=', w->len);
        if (!eq)
            return set_error(
                p, in->line,
                arena_printf(p->a, "Syntax error - can't find = in \"%s\". "
                                   "Must be of the form: name=value",
                             w->s));
        size_t klen = (size_t)(eq - w->s);
        /* Offsets: the key starts the word; the value follows the '='. */
        size_t eq_lo = w->lo;
        while (eq_lo < w->hi && s[eq_lo] != '=')
            eq_lo++;
        push_word(p, out, arena_strndup(p->a, w->s, klen), klen, w->lo, eq_lo);
        push_word(p, out, arena_strndup(p->a, eq + 1, w->len - klen - 1),
                  w->len - klen - 1, eq_lo + 1 < w->hi ? eq_lo + 1 : w->hi,
                  w->hi);
    }
    return true;
}

/* parseJSON; returns 1 for JSON, 0 for "not JSON", -1 for an error. */
static int parse_json(parser *p, df_instruction *in, const char *s, size_t lo,
                      size_t hi, lwords *out)
{
    df_json_item *items;
    size_t n;
    switch (df_json_string_array(p->a, s + lo, hi - lo, &items, &n)) {
    case DF_JSON_INVALID:
        return 0;
    case DF_JSON_NOT_STRINGS:
        set_error(p, in->line, "when using JSON array syntax, arrays must be "
                               "comprised of strings only");
        return -1;
    case DF_JSON_OK:
        break;
    }
    for (size_t k = 0; k < n; k++)
        push_word(p, out, items[k].s, items[k].len, lo + items[k].lo,
                  lo + items[k].hi);
    in->json = true;
    return 1;
}

/* A node that is the whole of [lo, hi): the instruction's rest when that is
 * what [lo, hi) is, a copy otherwise. */
static void push_rest(parser *p, lwords *out, const char *s, size_t lo,
                      size_t hi, const df_instruction *in)
{
    if (lo == in->rest_pos && hi - lo == in->rest.len)
        push_word(p, out, NULL, hi - lo, lo, hi);
    else
        push_slice(p, out, s, lo, hi);
}

static bool parse_maybe_json(parser *p, df_instruction *in, const char *s,
                             size_t lo, size_t hi, lwords *out)
{
    if (lo == hi)
        return true;
    int r = s[lo] == '[' ? parse_json(p, in, s, lo, hi, out) : 0;
    if (r < 0)
        return false;
    if (r == 0)
        push_rest(p, out, s, lo, hi, in);
    return true;
}

static bool parse_maybe_json_to_list(parser *p, df_instruction *in,
                                     const char *s, size_t lo, size_t hi,
                                     lwords *out)
{
    int r = lo < hi && s[lo] == '[' ? parse_json(p, in, s, lo, hi, out) : 0;
    if (r < 0)
        return false;
    if (r == 0)
        parse_ws_delimited(p, s, lo, hi, out);
    return true;
}

static bool parse_health_config(parser *p, df_instruction *in, const char *s,
                                size_t lo, size_t hi, lwords *out)
{
    size_t sep = lo;
    while (sep < hi && !is_byte_space((unsigned char)s[sep]))
        sep++;
    size_t next = sep;
    while (next < hi && is_byte_space((unsigned char)s[next]))
        next++;
    if (sep == lo)
        return true;
    push_slice(p, out, s, lo, sep);
    return parse_maybe_json(p, in, s, next, hi, out);
}

/* -------------------------------------------------------- instructions */

static const struct {
    const char *name;
    df_kind kind;
} keywords[] = {
    {"add", DF_ADD},
    {"arg", DF_ARG},
    {"cmd", DF_CMD},
    {"copy", DF_COPY},
    {"entrypoint", DF_ENTRYPOINT},
    {"env", DF_ENV},
    {"expose", DF_EXPOSE},
    {"from", DF_FROM},
    {"healthcheck", DF_HEALTHCHECK},
    {"label", DF_LABEL},
    {"maintainer", DF_MAINTAINER},
    {"onbuild", DF_ONBUILD},
    {"run", DF_RUN},
    {"shell", DF_SHELL},
    {"stopsignal", DF_STOPSIGNAL},
    {"user", DF_USER},
    {"volume", DF_VOLUME},
    {"workdir", DF_WORKDIR},
};

df_kind df_kind_from_keyword(const char *s, size_t n)
{
    if (n < 3 || n > 11)
        return DF_UNKNOWN;
    char k[12];
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        k[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    k[n] = '\0';
    for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
        if (keywords[i].name[0] == k[0] && strcmp(keywords[i].name, k) == 0)
            return keywords[i].kind;
    return DF_UNKNOWN;
}

const char *df_kind_name(df_kind kind)
{
    static const char *const names[] = {
        [DF_UNKNOWN] = "",           [DF_ADD] = "ADD",
        [DF_ARG] = "ARG",            [DF_CMD] = "CMD",
        [DF_COPY] = "COPY",          [DF_ENTRYPOINT] = "ENTRYPOINT",
        [DF_ENV] = "ENV",            [DF_EXPOSE] = "EXPOSE",
        [DF_FROM] = "FROM",          [DF_HEALTHCHECK] = "HEALTHCHECK",
        [DF_LABEL] = "LABEL",        [DF_MAINTAINER] = "MAINTAINER",
        [DF_ONBUILD] = "ONBUILD",    [DF_RUN] = "RUN",
        [DF_SHELL] = "SHELL",        [DF_STOPSIGNAL] = "STOPSIGNAL",
        [DF_USER] = "USER",          [DF_VOLUME] = "VOLUME",
        [DF_WORKDIR] = "WORKDIR",
    };
    return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "";
}

const df_flag *df_find_flag(const df_instruction *in, const char *name)
{
    const df_flag *found = NULL;
    for (size_t i = 0; i < in->nflags; i++)
        if (strcmp(in->flags[i].name, name) == 0)
            found = &in->flags[i];
    return found;
}

/*
 * extractBuilderFlags: leading `--name=value` words (quotes and backslashes
 * processed), up to the first word without `--` or a lone `--`. Returns the
 * offset where the arguments start.
 */
static size_t extract_flags(parser *p, df_instruction *in, const char *s,
                            size_t lo, size_t hi)
{
    df_flag *flags = NULL;
    size_t n = 0, cap = 0;
    strbuf w = p->scratch; /* returned to p->scratch at the end */
    sb_reset(&w);
    enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
    char quote = 0;
    bool blank_ok = false;
    size_t start = lo, rest = hi;
    for (size_t i = lo; i <= hi; i++) {
        char ch = i < hi ? s[i] : 0;
        if (phase == IN_SPACES) {
            if (i == hi)
                break;
            if (is_byte_space((unsigned char)ch))
                continue;
            if (ch != '-' || i + 1 == hi || s[i + 1] != '-') {
                rest = i;
                goto out;
            }
            phase = IN_WORD;
            start = i;
        }
        bool end_word = i == hi || (phase == IN_WORD &&
                                    is_byte_space((unsigned char)ch));
        if (end_word) {
            if (phase == IN_WORD && i < hi && w.len == 2 &&
                memcmp(w.data, "--", 2) == 0) {
                rest = i;
                goto out;
            }
            bool lone_dashes = w.len == 2 && memcmp(w.data, "--", 2) == 0;
            if (!lone_dashes && (blank_ok || w.len)) {
                df_flag *f = ARENA_PUSH(p->a, flags, n, cap);
                memset(f, 0, sizeof(*f));
                f->raw = make_text(p->map, sb_to_arena(&w, p->a), w.len,
                                   start, i);
                const char *body = f->raw.s + 2;
                const char *eq = strchr(body, '=');
                f->name = arena_strndup(p->a, body,
                                        eq ? (size_t)(eq - body) : strlen(body));
                f->value = eq ? eq + 1 : NULL;
                f->value_off = (uint32_t)srcmap_lookup(
                    p->map, start + 2 + strlen(f->name) + (eq ? 1 : 0));
            }
            if (i == hi) {
                rest = hi;
                break;
            }
            sb_reset(&w);
            blank_ok = false;
            phase = IN_SPACES;
            continue;
        }
        if (phase == IN_WORD) {
            if (ch == '\'' || ch == '"') {
                quote = ch;
                blank_ok = true;
                phase = IN_QUOTE;
                continue;
            }
            if (ch == '\\') {
                if (i + 1 == hi)
                    continue;
                ch = s[++i];
            }
            sb_putc(&w, ch);
            continue;
        }
        /* IN_QUOTE */
        if (ch == quote) {
            phase = IN_WORD;
            continue;
        }
        if (ch == '\\') {
            if (i + 1 == hi) {
                phase = IN_WORD;
                continue;
            }
            ch = s[++i];
        }
        sb_putc(&w, ch);
    }
out:
    p->scratch = w;
    in->flags = flags;
    in->nflags = n;
    return rest;
}

static df_instruction *new_node_from_line(parser *p, df_instruction *in,
                                          size_t lo, size_t hi, int depth);

static bool dispatch(parser *p, df_instruction *in, size_t lo, size_t hi,
                     int depth)
{
    const char *s = p->ltext;
    lwords args = {0};
    bool ok = true;
    /* Everything after the flags; single-node forms share its text. */
    in->rest = make_text(p->map, arena_strndup(p->a, s + lo, hi - lo), hi - lo,
                         lo, hi);
    in->rest_pos = lo;
    switch (in->kind) {
    case DF_ADD:
    case DF_COPY:
    case DF_VOLUME:
        ok = parse_maybe_json_to_list(p, in, s, lo, hi, &args);
        break;
    case DF_ARG:
        parse_words(p, s, lo, hi, &args);
        break;
    case DF_CMD:
    case DF_ENTRYPOINT:
    case DF_RUN:
    case DF_SHELL:
        ok = parse_maybe_json(p, in, s, lo, hi, &args);
        break;
    case DF_ENV:
        ok = parse_name_val(p, in, "ENV", s, lo, hi, &args);
        break;
    case DF_LABEL:
        ok = parse_name_val(p, in, "LABEL", s, lo, hi, &args);
        break;
    case DF_EXPOSE:
    case DF_FROM:
        parse_ws_delimited(p, s, lo, hi, &args);
        break;
    case DF_HEALTHCHECK:
        ok = parse_health_config(p, in, s, lo, hi, &args);
        break;
    case DF_MAINTAINER:
    case DF_STOPSIGNAL:
    case DF_USER:
    case DF_WORKDIR:
        if (lo < hi)
            push_rest(p, &args, s, lo, hi, in);
        break;
    case DF_ONBUILD:
        if (lo < hi) {
            df_instruction *t = ARENA_NEW(p->a, df_instruction);
            t->line = in->line;
            t->end_line = in->end_line;
            if (depth >= DF_MAX_ONBUILD_DEPTH) {
                t->kind = DF_UNKNOWN;
                t->keyword = make_text(p->map, "", 0, lo, lo);
            } else if (!new_node_from_line(p, t, lo, hi, depth + 1)) {
                return false;
            }
            in->trigger = t;
        }
        break;
    case DF_UNKNOWN:
        break;
    }
    if (!ok)
        return false;
    in->args = ARENA_ARRAY(p->a, df_text, args.n ? args.n : 1);
    for (size_t i = 0; i < args.n; i++) {
        const lword *w = &args.items[i];
        in->args[i] = w->s == NULL ? in->rest
                                   : make_text(p->map, w->s, w->len, w->lo,
                                               w->hi);
    }
    in->nargs = args.n;
    return true;
}

/* newNodeFromLine: keyword, flags, then the keyword's argument parser. */
static df_instruction *new_node_from_line(parser *p, df_instruction *in,
                                          size_t lo, size_t hi, int depth)
{
    const char *s = p->ltext;
    trim_space(s, &lo, &hi);
    size_t kw_end = lo;
    while (kw_end < hi && !is_ascii_ws(s[kw_end]))
        kw_end++;
    in->keyword = make_text(p->map, arena_strndup(p->a, s + lo, kw_end - lo),
                            kw_end - lo, lo, kw_end);
    in->kind = df_kind_from_keyword(s + lo, kw_end - lo);
    in->off = in->keyword.off;
    in->end = hi > lo ? (uint32_t)srcmap_lookup(p->map, hi - 1) + 1 : in->off;

    size_t args_lo = kw_end, args_hi = hi;
    if (kw_end < hi) {
        size_t after = kw_end;
        while (after < hi && is_ascii_ws(s[after]))
            after++;
        args_lo = extract_flags(p, in, s, after, hi);
        trim_space(s, &args_lo, &args_hi);
    } else {
        args_lo = args_hi = hi;
    }
    if (!dispatch(p, in, args_lo, args_hi, depth))
        return NULL;
    return in;
}

/* --------------------------------------------------------------- heredocs */

static bool can_contain_heredoc(const df_instruction *in)
{
    if (in->kind == DF_ONBUILD && in->trigger)
        in = in->trigger;
    return (in->kind == DF_ADD || in->kind == DF_COPY || in->kind == DF_RUN) &&
           !in->json;
}

static size_t count_quotes(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\'' || *s == '"';
    return n;
}

/*
 * ParseHeredoc on one word: `^(\d*)<<(-?)([^<]*)$`. Returns 1 with *h filled
 * for a heredoc, 0 for none, -1 on error.
 */
static int heredoc_from_word(parser *p, const char *w, df_heredoc *h,
                             uint32_t line)
{
    size_t i = 0;
    while (w[i] >= '0' && w[i] <= '9')
        i++;
    if (w[i] != '<' || w[i + 1] != '<')
        return 0;
    size_t fd_len = i;
    i += 2;
    bool chomp = w[i] == '-';
    if (chomp)
        i++;
    const char *rest = w + i;
    if (strchr(rest, '<'))
        return 0;
    if (!*rest)
        return 0;

    df_lex_opts o = {.escape = '\\', .skip_unset = true};
    df_lex_result plain, raw;
    if (!df_lex_process(p->a, rest, strlen(rest), &o, &plain)) {
        set_error(p, line, plain.error);
        return -1;
    }
    if (plain.nwords != 1)
        return 0;
    o.raw_quotes = true;
    if (!df_lex_process(p->a, rest, strlen(rest), &o, &raw)) {
        set_error(p, line, raw.error);
        return -1;
    }
    if (raw.nwords != plain.nwords) {
        set_error(p, line, arena_printf(p->a, "internal lexing of heredoc "
                                              "produced inconsistent results: "
                                              "%s", rest));
        return -1;
    }
    unsigned fd = 0;
    for (size_t k = 0; k < fd_len && fd < 100000000u; k++)
        fd = fd * 10 + (unsigned)(w[k] - '0');
    h->name = plain.words[0];
    h->fd = fd;
    h->chomp = chomp;
    h->expand = count_quotes(plain.words[0]) == count_quotes(raw.words[0]);
    return 1;
}

/* heredocsFromLine, then reading each body from the following lines. */
static bool has_double_lt(const char *s, size_t n)
{
    for (const char *q = s, *end = s + n;
         (q = memchr(q, '<', (size_t)(end - q))) != NULL && q + 1 < end; q++)
        if (q[1] == '<')
            return true;
    return false;
}

static bool read_heredocs(parser *p, df_instruction *in)
{
    const char *s = p->ltext;
    size_t len = p->llen;
    if (!has_double_lt(s, len))
        return true;
    df_lex_opts o = {.escape = '\\', .raw_quotes = true, .raw_escapes = true,
                     .skip_unset = true};
    df_lex_result r;
    df_lex_process(p->a, s, len, &o, &r); /* errors: no heredocs */

    df_heredoc *docs = NULL;
    size_t n = 0, cap = 0;
    size_t search_from = 0;
    for (size_t k = 0; k < r.nwords; k++) {
        df_heredoc h = {0};
        int got = heredoc_from_word(p, r.words[k], &h, in->line);
        if (got < 0)
            return false;
        if (got == 0)
            continue;
        /* Where the word was written, for positions. */
        const char *at = memmem(s + search_from, len - search_from,
                                r.words[k], strlen(r.words[k]));
        size_t word_lo = at ? (size_t)(at - s) : 0;
        if (at)
            search_from = word_lo + strlen(r.words[k]);
        h.word_off = (uint32_t)srcmap_lookup(p->map, word_lo);

        /* The body: lines up to one equal to the delimiter. */
        const char *d = p->f->src.data;
        size_t nlen = strlen(h.name);
        size_t body_lo = p->pos, body_hi = p->pos;
        bool terminated = false;
        size_t ls, le;
        while (next_line(p, &ls, &le)) {
            size_t te = trim_newline(d, ls, le);
            size_t ts = ls;
            if (h.chomp)
                while (ts < te && d[ts] == '\t')
                    ts++;
            if (te - ts == nlen && memcmp(d + ts, h.name, nlen) == 0) {
                terminated = true;
                break;
            }
            body_hi = le;
        }
        if (!terminated)
            return set_error(p, in->line, "unterminated heredoc");
        h.content = arena_strndup(p->a, d + body_lo, body_hi - body_lo);
        h.len = body_hi - body_lo;
        h.content_off = (uint32_t)body_lo;
        h.last_line = p->lineno;
        *ARENA_PUSH(p->a, docs, n, cap) = h;
    }
    in->heredocs = docs;
    in->nheredocs = n;
    if (n)
        in->end_line = p->lineno;
    return true;
}

/* ------------------------------------------------------------------ Parse */

static bool parse_all(parser *p)
{
    const char *d = p->f->src.data;
    size_t ls, le;
    while (next_line(p, &ls, &le)) {
        /* processLine(stripLeftWhitespace=true) */
        size_t hi;
        size_t lo = line_content(d, ls, le, &hi);
        bool comment = lo < hi && d[lo] == '#';
        size_t ndirectives = p->ndirectives;
        if (!check_directive(p, d, lo, hi))
            return false;
        if (comment) {
            record_comment(p, ls, le,
                           p->ndirectives > ndirectives ? DF_COMMENT_DIRECTIVE
                                                        : DF_COMMENT_PLAIN,
                           -1);
            continue; /* trimComments leaves nothing */
        }
        if (lo == hi)
            continue;

        uint32_t start_line = p->lineno;
        sb_reset(&p->line);
        p->map = ARENA_NEW(p->a, srcmap);
        char esc = p->f->escape;
        size_t keep = continuation_cut(d, lo, hi, esc);
        bool end_of_line = keep == (size_t)-1;
        bool joined = !end_of_line;
        if (joined)
            append_piece(p, lo, keep);
        else
            srcmap_add(p->map, p->a, 0, lo);

        while (!end_of_line && next_line(p, &ls, &le)) {
            size_t chi;
            size_t first = line_content(d, ls, le, &chi);
            if (!check_directive(p, d, ls, chi))
                return false;
            if (first < chi && d[first] == '#') {
                record_comment(p, ls, le, DF_COMMENT_CONTINUATION,
                               (int32_t)p->ninsts);
                continue;
            }
            if (first == chi) {
                p->f->empty_continuation = true;
                continue;
            }
            keep = continuation_cut(d, ls, chi, esc);
            end_of_line = keep == (size_t)-1;
            append_piece(p, ls, end_of_line ? chi - ls : keep);
        }

        /* A line that is one piece is parsed in place. */
        if (joined) {
            p->ltext = sb_to_arena(&p->line, p->a);
            p->llen = p->line.len;
        } else {
            p->ltext = d + lo;
            p->llen = hi - lo;
        }

        df_instruction *in = ARENA_PUSH(p->a, p->insts, p->ninsts,
                                        p->insts_cap);
        memset(in, 0, sizeof(*in));
        in->line = start_line;
        in->end_line = p->lineno;
        if (!new_node_from_line(p, in, 0, p->llen, 0)) {
            if (p->err->message)
                p->err->line = start_line;
            return false;
        }
        in->text = p->ltext;
        in->text_len = p->llen;
        in->map = p->map;
        if (can_contain_heredoc(in) && !read_heredocs(p, in))
            return false;
        if (in->trigger) {
            in->trigger->text = in->text;
            in->trigger->text_len = in->text_len;
            in->trigger->map = in->map;
            in->trigger->heredocs = in->heredocs;
            in->trigger->nheredocs = in->nheredocs;
            in->trigger->end_line = in->end_line;
        }
    }
    return true;
}

df_file *df_parse(arena *a, const char *name, const char *data, size_t len,
                  df_error *err)
{
    err->line = 0;
    err->message = NULL;
    df_file *f = ARENA_NEW(a, df_file);
    source_init(&f->src, a, name, data, len);
    f->escape = '\\';

    parser p = {.a = a, .f = f, .err = err};
    sb_init(&p.line);
    sb_init(&p.scratch);
    bool ok = parse_all(&p);
    sb_free(&p.line);
    sb_free(&p.scratch);
    if (!ok)
        return NULL;

    /* BuildKit reports the scanner's error before looking at what was
     * parsed, so an over-long line wins over an empty file. */
    if (p.too_long) {
        set_error(&p, p.lineno + 1,
                  arena_printf(a, "dockerfile line greater than max allowed "
                                  "size of %d", DF_MAX_LINE));
        return NULL;
    }
    if (p.ninsts == 0) {
        set_error(&p, p.lineno ? p.lineno : 1, "file with no instructions");
        return NULL;
    }
    f->insts = p.insts;
    f->ninsts = p.ninsts;
    f->comments = p.comments;
    f->ncomments = p.ncomments;
    f->directives = p.directives;
    f->ndirectives = p.ndirectives;
    return f;
}
