/*
 * Characters, quoting and words.
 *
 * A word is read in one pass. Its value (quotes removed, escapes decoded,
 * unknown expansions kept as written) is built in the parser's scratch
 * buffer together with a map from value offsets to text offsets, so that a
 * value later parsed as a script (sh -c '...') still points at the exact
 * source column. Substitutions met inside a word are parsed on the spot by
 * the grammar (parser.c), which lists their commands.
 *
 * Every scanner here stops at P->end and never reads past it: the text is
 * not NUL-terminated.
 */
#include <stdint.h>
#include <string.h>

#include "shell/shell_internal.h"
#include "util/text.h"

/* ---------------------------------------------------------- bookkeeping */

const unsigned char sh_byte_class[256] = {
    [' '] = CC_DELIM | CC_SPECIAL | CC_FNAME_END | CC_BLANK,
    ['\t'] = CC_DELIM | CC_SPECIAL | CC_FNAME_END | CC_BLANK,
    ['\n'] = CC_DELIM | CC_SPECIAL | CC_FNAME_END,
    [';'] = CC_DELIM | CC_SPECIAL | CC_FNAME_END,
    ['&'] = CC_DELIM | CC_SPECIAL | CC_FNAME_END,
    ['|'] = CC_DELIM | CC_SPECIAL | CC_FNAME_END,
    ['('] = CC_DELIM | CC_SPECIAL | CC_FNAME_END,
    [')'] = CC_DELIM | CC_SPECIAL | CC_FNAME_END,
    ['<'] = CC_DELIM | CC_SPECIAL | CC_FNAME_END,
    ['>'] = CC_DELIM | CC_SPECIAL | CC_FNAME_END,
    ['\\'] = CC_SPECIAL | CC_FNAME_END | CC_SKIP_MORE,
    ['\''] = CC_SPECIAL | CC_FNAME_END,
    ['"'] = CC_SPECIAL | CC_FNAME_END,
    ['$'] = CC_SPECIAL | CC_FNAME_END,
    ['`'] = CC_SPECIAL | CC_FNAME_END,
    ['*'] = CC_SPECIAL,
    ['?'] = CC_SPECIAL,
    ['['] = CC_SPECIAL,
    [']'] = CC_SPECIAL,
    ['{'] = CC_SPECIAL,
    ['}'] = CC_SPECIAL,
    ['~'] = CC_SPECIAL,
    ['='] = CC_FNAME_END,
    ['#'] = CC_SKIP_MORE,
};

/* sh_src outside the segment of the cursor: move the cursor to the segment
 * holding text_off. */
uint32_t sh_src_lookup(sh_parser *P, size_t text_off)
{
    const srcmap *m = P->map;
    if (!m || !m->n) { /* the identity */
        P->cur.lo = 0;
        P->cur.hi = SIZE_MAX;
        P->cur.src = 0;
        return (uint32_t)text_off;
    }
    size_t k = P->cur.seg, n = m->n;
    if (k + 1 < n && m->segs[k + 1].dst <= text_off &&
        (k + 2 == n || text_off < m->segs[k + 2].dst))
        k++; /* the next segment: reading on into the next line */
    else
        srcmap_lookup_hint(m, text_off, &k);
    P->cur.seg = k;
    const srcmap_seg *seg = &m->segs[k];
    if (text_off < seg->dst) /* before the first segment: clamped */
        return seg->src;
    P->cur.lo = seg->dst;
    P->cur.hi = k + 1 < n ? seg[1].dst : SIZE_MAX;
    P->cur.src = seg->src;
    return (uint32_t)(seg->src + (text_off - seg->dst));
}

void sh_error_at(sh_parser *P, size_t text_off, const char *message)
{
    if (P->error)
        return;
    sh_error *e = ARENA_NEW(P->a, sh_error);
    e->off = sh_src(P, text_off);
    e->message = message;
    P->error = e;
}

/* sh_enter past the budget, or after the parse stopped. */
bool sh_enter_deep(sh_parser *P, size_t text_off)
{
    if (!P->abort) {
        sh_error_at(P, text_off, "nesting too deep");
        P->truncated = true;
        P->abort = true;
    }
    return false;
}

/* The rest of sh_skip_blanks, from a backslash or '#'. */
void sh_skip_blanks_at(sh_parser *P)
{
    if (P->abort)
        return;
    const char *s = P->s;
    size_t i = P->pos, end = P->end;
    for (;;) {
        /* Joined continuation lines leave long runs of indentation. */
        while (i < end && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i + 1 < end && s[i] == '\\' && s[i + 1] == '\n') {
            i += 2;
        } else if (i < end && s[i] == '#') {
            const char *nl = memchr(s + i, '\n', end - i);
            i = nl ? (size_t)(nl - s) : end;
        } else {
            break;
        }
    }
    P->pos = i;
}

void sh_consume_newline(sh_parser *P)
{
    P->pos++;
    sh_read_heredocs(P);
}

void sh_skip_linebreaks(sh_parser *P)
{
    for (;;) {
        sh_skip_blanks(P);
        if (sh_peek(P, 0) != '\n')
            return;
        sh_consume_newline(P);
    }
}

/* ------------------------------------------------------- value building */

/* How the word being read is doing. */
#define MAX_BRACES 16
typedef struct word_state {
    unsigned flags;
    unsigned mode;
    size_t start;        /* text offset of the word                         */
    size_t vbase;        /* its value starts here in P->val                 */
    size_t sbase;        /* its map segments start here in P->segs          */
    bool bracket;        /* an unquoted '[' is open: ']' makes a glob       */
    unsigned nbraces;    /* unquoted '{' open, and where their contents start */
    size_t brace_at[MAX_BRACES];
} word_state;

/* Contexts of an expansion, for the rules that depend on them. */
enum dollar_ctx { DC_UNQUOTED, DC_DQUOTE, DC_HEREDOC, DC_ARITH };

/* Record that the next value byte comes from text offset `text_pos`. */
static void note_map(sh_parser *P, const word_state *ws, size_t text_pos)
{
    size_t voff = P->val.len - ws->vbase;
    if (P->segs.n > ws->sbase) {
        srcmap_seg *last = &P->segs.v[P->segs.n - 1];
        if ((size_t)last->src + (voff - last->dst) == text_pos)
            return;
        if (last->dst == voff) {
            last->src = (uint32_t)text_pos;
            return;
        }
    }
    srcmap_seg *seg = SH_PUSH(P->segs);
    seg->dst = (uint32_t)voff;
    seg->src = (uint32_t)text_pos;
}

static void emit_text(sh_parser *P, word_state *ws, size_t from, size_t n)
{
    if (!n)
        return;
    note_map(P, ws, from);
    sb_append(&P->val, P->s + from, n);
}

static void emit_byte(sh_parser *P, word_state *ws, char c, size_t text_pos)
{
    note_map(P, ws, text_pos);
    sb_putc(&P->val, c);
}

/* Forget what was emitted since (vlen, nseg): used where a construct keeps
 * its written form but its inside was read for the commands it holds. */
static void rewind_value(sh_parser *P, size_t vlen, size_t nseg)
{
    sb_truncate(&P->val, vlen);
    P->segs.n = nseg;
}

static void mark_dynamic(word_state *ws, unsigned flag)
{
    ws->flags |= flag | SHW_DYNAMIC;
}

/* ----------------------------------------------------------- quoting */

static void lex_dollar(sh_parser *P, word_state *ws, enum dollar_ctx dc);
static void lex_backquote(sh_parser *P, word_state *ws, bool in_dquote);

static void lex_squote(sh_parser *P, word_state *ws)
{
    size_t open = P->pos++;
    ws->flags |= SHW_QUOTED;
    const char *q = memchr(P->s + P->pos, '\'', P->end - P->pos);
    size_t close = q ? (size_t)(q - P->s) : P->end;
    emit_text(P, ws, P->pos, close - P->pos);
    if (!q) {
        sh_error_at(P, open, "unterminated quoted string");
        P->pos = P->end;
        return;
    }
    P->pos = close + 1;
}

/* Bytes with a meaning inside double quotes. */
static inline bool dq_special(char c)
{
    return c == '"' || c == '\\' || c == '$' || c == '`';
}

static void lex_dquote(sh_parser *P, word_state *ws)
{
    size_t open = P->pos++;
    ws->flags |= SHW_QUOTED;
    if (!sh_enter(P, open)) {
        sh_leave(P);
        return;
    }
    for (;;) {
        size_t i = P->pos;
        while (i < P->end && !dq_special(P->s[i]))
            i++;
        emit_text(P, ws, P->pos, i - P->pos);
        P->pos = i;
        if (sh_at_end(P)) {
            sh_error_at(P, open, "unterminated quoted string");
            break;
        }
        char c = P->s[P->pos];
        if (c == '"') {
            P->pos++;
            break;
        }
        if (c == '\\') {
            int n = sh_peek(P, 1);
            if (n == '\n') {
                P->pos += 2;
            } else if (n == '$' || n == '`' || n == '"' || n == '\\') {
                emit_byte(P, ws, (char)n, P->pos + 1);
                P->pos += 2;
            } else {
                emit_byte(P, ws, '\\', P->pos);
                P->pos++;
            }
        } else if (c == '$') {
            lex_dollar(P, ws, DC_DQUOTE);
        } else {
            lex_backquote(P, ws, true);
        }
    }
    sh_leave(P);
}


/* UTF-8 encoding of a code point; returns its length (0 if invalid). */
static size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

/*
 * Decode the escape at pos (a backslash inside $'...') into `out`; returns
 * the number of bytes and advances pos past the escape.
 */
static size_t decode_ansi_escape(sh_parser *P, char out[4])
{
    int c = sh_peek(P, 1);
    P->pos += 2;
    switch (c) {
    case 'a': out[0] = '\a'; return 1;
    case 'b': out[0] = '\b'; return 1;
    case 'e': case 'E': out[0] = '\033'; return 1;
    case 'f': out[0] = '\f'; return 1;
    case 'n': out[0] = '\n'; return 1;
    case 'r': out[0] = '\r'; return 1;
    case 't': out[0] = '\t'; return 1;
    case 'v': out[0] = '\v'; return 1;
    case '\\': case '\'': case '"': case '?':
        out[0] = (char)c;
        return 1;
    case 'c': {
        int x = sh_peek(P, 0);
        if (x < 0)
            break;
        P->pos++;
        out[0] = (char)(x & 0x1F);
        return 1;
    }
    case 'x': case 'u': case 'U': {
        int max = c == 'x' ? 2 : c == 'u' ? 4 : 8;
        uint32_t v = 0;
        int n = 0;
        while (n < max && text_hex_value(sh_peek(P, 0)) >= 0) {
            v = v * 16 + (uint32_t)text_hex_value(sh_peek(P, 0));
            P->pos++;
            n++;
        }
        if (n == 0) {
            out[0] = '\\';
            out[1] = (char)c;
            return 2;
        }
        if (c == 'x') {
            out[0] = (char)v;
            return 1;
        }
        return utf8_encode(v, out);
    }
    default:
        if (c >= '0' && c <= '7') {
            uint32_t v = (uint32_t)(c - '0');
            for (int n = 1; n < 3 && sh_peek(P, 0) >= '0' && sh_peek(P, 0) <= '7'; n++) {
                v = v * 8 + (uint32_t)(sh_peek(P, 0) - '0');
                P->pos++;
            }
            out[0] = (char)(v & 0xFF);
            return 1;
        }
        break;
    }
    if (c < 0) {
        P->pos--;
        out[0] = '\\';
        return 1;
    }
    out[0] = '\\';
    out[1] = (char)c;
    return 2;
}

/* $'...': ANSI-C quoting. A decoded NUL ends the string, as in bash. */
static void lex_ansi_c(sh_parser *P, word_state *ws)
{
    size_t open = P->pos;
    P->pos += 2;
    ws->flags |= SHW_QUOTED;
    bool cut = false;
    for (;;) {
        size_t i = P->pos;
        while (i < P->end && P->s[i] != '\'' && P->s[i] != '\\')
            i++;
        if (!cut)
            emit_text(P, ws, P->pos, i - P->pos);
        P->pos = i;
        if (sh_at_end(P)) {
            sh_error_at(P, open, "unterminated quoted string");
            return;
        }
        if (P->s[P->pos] == '\'') {
            P->pos++;
            return;
        }
        size_t at = P->pos;
        char buf[4];
        size_t n = decode_ansi_escape(P, buf);
        for (size_t k = 0; k < n && !cut; k++) {
            if (buf[k] == '\0')
                cut = true;
            else
                emit_byte(P, ws, buf[k], at);
        }
    }
}

/* ------------------------------------------------------------ expansions */

/* Substitute a parameter the caller's resolver knows. */
static bool resolve_param(sh_parser *P, word_state *ws, size_t name, size_t len,
                          size_t at)
{
    if (!P->resolve)
        return false;
    size_t vlen = 0;
    const char *v = P->resolve(P->resolve_ctx, P->s + name, len, &vlen);
    if (!v)
        return false;
    if (vlen) {
        note_map(P, ws, at);
        sb_append(&P->val, v, vlen);
    }
    return true;
}

/* Skip a single-quoted string inside an expansion; false if unterminated. */
static bool skip_squote(sh_parser *P)
{
    size_t open = P->pos++;
    const char *q = memchr(P->s + P->pos, '\'', P->end - P->pos);
    if (!q) {
        sh_error_at(P, open, "unterminated quoted string");
        P->pos = P->end;
        return false;
    }
    P->pos = (size_t)(q - P->s) + 1;
    return true;
}

/* ${...}: the inside may hold quotes and substitutions; only a plain
 * ${name} can be resolved. The value keeps the written form. */
static void lex_param_braces(sh_parser *P, word_state *ws, enum dollar_ctx dc)
{
    size_t open = P->pos;
    size_t vlen = P->val.len, nseg = P->segs.n;
    P->pos += 2;
    bool closed = false;
    if (sh_enter(P, open)) {
        while (!sh_at_end(P)) {
            char c = P->s[P->pos];
            if (c == '}') {
                P->pos++;
                closed = true;
                break;
            }
            if (c == '\\')
                P->pos = P->pos + 2 < P->end ? P->pos + 2 : P->end;
            else if (c == '\'' && dc != DC_DQUOTE && dc != DC_HEREDOC)
                skip_squote(P);
            else if (c == '"')
                lex_dquote(P, ws);
            else if (c == '$')
                lex_dollar(P, ws, dc == DC_DQUOTE ? DC_DQUOTE : DC_UNQUOTED);
            else if (c == '`')
                lex_backquote(P, ws, dc == DC_DQUOTE);
            else
                P->pos++;
        }
    }
    sh_leave(P);
    rewind_value(P, vlen, nseg);
    if (!closed && !P->abort)
        sh_error_at(P, open, "unterminated parameter expansion");

    size_t name = open + 2, name_end = closed ? P->pos - 1 : P->pos;
    bool plain = closed && name < name_end && sh_is_name_start(P->s[name]);
    for (size_t i = name; plain && i < name_end; i++)
        plain = sh_is_name_char(P->s[i]);
    if (plain && resolve_param(P, ws, name, name_end - name, open))
        return;
    emit_text(P, ws, open, P->pos - open);
    mark_dynamic(ws, SHW_PARAM);
}

bool sh_arith_ahead(sh_parser *P, size_t after)
{
    size_t depth = 0;
    for (size_t i = after; i < P->end; i++) {
        /* Nested "$((" would rescan the same bytes: past the budget, assume
         * arithmetic, which reads on without looking back. */
        if (P->lookahead_budget == 0)
            return true;
        P->lookahead_budget--;
        char c = P->s[i];
        if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (depth == 0)
                return i + 1 < P->end && P->s[i + 1] == ')';
            depth--;
        } else if (c == '\\') {
            i++;
        } else if (c == '\'' || c == '"' || c == '`') {
            /* Skip a quoted run; an unterminated one ends the scan. */
            size_t j = i + 1;
            while (j < P->end && P->s[j] != c) {
                if (c != '\'' && P->s[j] == '\\')
                    j++;
                j++;
            }
            i = j;
        }
    }
    /* Unterminated: read it as arithmetic, which does not rescan. */
    return true;
}

/*
 * Read an arithmetic expression from pos up to the "))" closing it, leaving
 * pos on the first ')'. Substitutions inside are parsed. Returns false when
 * the expression is unterminated.
 */
static bool lex_arith_body(sh_parser *P, word_state *ws)
{
    size_t depth = 0;
    while (!sh_at_end(P)) {
        char c = P->s[P->pos];
        switch (c) {
        case '(':
            depth++;
            P->pos++;
            break;
        case ')':
            if (depth == 0)
                return sh_peek(P, 1) == ')';
            depth--;
            P->pos++;
            break;
        case '$':
            lex_dollar(P, ws, DC_ARITH);
            break;
        case '`':
            lex_backquote(P, ws, false);
            break;
        case '\\':
            P->pos = P->pos + 2 < P->end ? P->pos + 2 : P->end;
            break;
        case '\'':
            skip_squote(P);
            break;
        case '"':
            lex_dquote(P, ws);
            break;
        default:
            P->pos++;
            break;
        }
    }
    return false;
}

/* $(( ... )) */
static void lex_arith_subst(sh_parser *P, word_state *ws)
{
    size_t open = P->pos;
    size_t vlen = P->val.len, nseg = P->segs.n;
    P->pos += 3;
    if (sh_enter(P, open)) {
        if (lex_arith_body(P, ws)) {
            P->pos += 2;
        } else if (!P->abort) {
            sh_error_at(P, open, "unterminated arithmetic expansion");
            if (sh_peek(P, 0) == ')')
                P->pos++;
        }
    }
    sh_leave(P);
    rewind_value(P, vlen, nseg);
    emit_text(P, ws, open, P->pos - open);
    mark_dynamic(ws, SHW_ARITH);
}

/* $( ... ), <( ... ), >( ... ): the list inside is parsed for real. */
static void lex_cmd_subst(sh_parser *P, word_state *ws, unsigned ctx_flag,
                          unsigned word_flag)
{
    size_t open = P->pos;
    P->pos += 2;
    if (sh_enter(P, open))
        sh_parse_substitution(P, open, ctx_flag);
    sh_leave(P);
    emit_text(P, ws, open, P->pos - open);
    mark_dynamic(ws, word_flag);
}

/*
 * `...`: find the closing backquote, undo the backslash escapes that
 * backquotes add (\$ \` \\, and \" inside double quotes), then parse the
 * result as a script of its own, mapped back to the text.
 */
static void lex_backquote(sh_parser *P, word_state *ws, bool in_dquote)
{
    size_t open = P->pos;
    size_t i = open + 1;
    while (i < P->end && P->s[i] != '`')
        i += (P->s[i] == '\\') ? 2 : 1;
    bool closed = i < P->end;
    size_t close = closed ? i : P->end;

    size_t span = close - (open + 1);
    char *text = arena_alloc(P->a, span + 1);
    srcmap *inner = ARENA_NEW(P->a, srcmap);
    size_t n = 0;
    for (size_t j = open + 1; j < close; j++) {
        char c = P->s[j];
        if (c == '\\' && j + 1 < close) {
            char d = P->s[j + 1];
            if (d == '\n') {
                j++;
                continue;
            }
            if (d == '$' || d == '`' || d == '\\' || (in_dquote && d == '"')) {
                srcmap_add(inner, P->a, n, j + 1);
                text[n++] = d;
                j++;
                continue;
            }
        }
        srcmap_add(inner, P->a, n, j);
        text[n++] = c;
    }
    text[n] = '\0';
    P->pos = closed ? close + 1 : P->end;
    if (!closed)
        sh_error_at(P, open, "unterminated backquote");

    if (sh_enter(P, open)) {
        srcmap *map = srcmap_compose(P->a, inner, n, P->map);
        sh_parse_substitution_text(P, text, n, map, open);
    }
    sh_leave(P);
    emit_text(P, ws, open, P->pos - open);
    mark_dynamic(ws, SHW_CMDSUBST);
}

static bool is_special_param(int c)
{
    return (c >= '0' && c <= '9') || c == '?' || c == '$' || c == '!' ||
           c == '@' || c == '*' || c == '#' || c == '-';
}

/* Everything that starts with '$'. */
static void lex_dollar(sh_parser *P, word_state *ws, enum dollar_ctx dc)
{
    size_t at = P->pos;
    int c = sh_peek(P, 1);
    if (c == '{') {
        lex_param_braces(P, ws, dc);
    } else if (c == '(') {
        if (sh_peek(P, 2) == '(' && sh_arith_ahead(P, at + 3))
            lex_arith_subst(P, ws);
        else
            lex_cmd_subst(P, ws, SHC_CMDSUBST, SHW_CMDSUBST);
    } else if (c == '\'' && P->bash && dc == DC_UNQUOTED) {
        lex_ansi_c(P, ws);
    } else if (c == '"' && P->bash && dc == DC_UNQUOTED) {
        P->pos++; /* $"...": a translatable string, read as "..." */
        lex_dquote(P, ws);
    } else if (sh_is_name_start(c)) {
        size_t name = at + 1, e = name;
        while (e < P->end && sh_is_name_char((unsigned char)P->s[e]))
            e++;
        P->pos = e;
        if (!resolve_param(P, ws, name, e - name, at)) {
            emit_text(P, ws, at, e - at);
            mark_dynamic(ws, SHW_PARAM);
        }
    } else if (is_special_param(c)) {
        emit_text(P, ws, at, 2);
        P->pos += 2;
        mark_dynamic(ws, SHW_PARAM);
    } else {
        emit_byte(P, ws, '$', at);
        P->pos++;
    }
}

/* ------------------------------------------------------------ words */

/* The end of the run of bytes from i that need no attention inside an
 * unquoted word. */
static inline size_t skip_plain(const sh_parser *P, size_t i)
{
    const char *s = P->s;
    size_t end = P->end;
    while (i < end && !sh_byte_is(s[i], CC_SPECIAL))
        i++;
    return i;
}

/* Does text[from, to) read NAME= NAME+= NAME[...]= ? (array assignment) */
static bool is_assignment_prefix(const char *s, size_t from, size_t to)
{
    size_t i = from;
    if (i >= to || !sh_is_name_start((unsigned char)s[i]))
        return false;
    while (i < to && sh_is_name_char((unsigned char)s[i]))
        i++;
    if (i < to && s[i] == '[') {
        while (i < to && s[i] != ']')
            i++;
        i++;
    }
    if (i < to && s[i] == '+')
        i++;
    return i + 1 == to && s[i] == '=';
}

/* NAME=( words ): the words are read for the commands they hold; the value
 * keeps the written form. */
static void lex_array(sh_parser *P, word_state *ws)
{
    size_t open = P->pos++;
    size_t vlen = P->val.len, nseg = P->segs.n;
    if (sh_enter(P, open)) {
        for (;;) {
            sh_skip_blanks(P);
            int c = sh_peek(P, 0);
            if (c < 0) {
                if (!P->abort)
                    sh_error_at(P, open, "unterminated array assignment");
                break;
            }
            if (c == ')') {
                P->pos++;
                break;
            }
            if (c == '\n') {
                sh_consume_newline(P);
                continue;
            }
            lexed_word inner;
            if (sh_lex_word(P, WM_NORMAL, &inner))
                ws->flags |= inner.w.flags;
            else
                P->pos++; /* an operator where a word belongs: skip it */
        }
    }
    sh_leave(P);
    rewind_value(P, vlen, nseg);
    emit_text(P, ws, open, P->pos - open);
}

/* @(...) !(...) and friends, with extglob: kept as a glob. */
static void lex_extglob(sh_parser *P, word_state *ws)
{
    size_t open = P->pos;
    size_t depth = 0;
    while (P->pos < P->end) {
        char c = P->s[P->pos++];
        if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0)
                break;
        } else if (c == '\\' && P->pos < P->end) {
            P->pos++;
        }
    }
    emit_text(P, ws, open, P->pos - open);
    ws->flags |= SHW_GLOB;
}

static bool is_extglob_prefix(char c)
{
    return c == '@' || c == '!' || c == '?' || c == '*' || c == '+';
}

static void close_brace(sh_parser *P, word_state *ws)
{
    if (!ws->nbraces)
        return;
    size_t from = ws->brace_at[--ws->nbraces];
    const char *v = P->val.data;
    for (size_t i = from; i < P->val.len; i++) {
        if (v[i] == ',' || (v[i] == '.' && i + 1 < P->val.len && v[i + 1] == '.')) {
            ws->flags |= SHW_BRACE;
            return;
        }
    }
}

/* The parts of an unquoted word, up to a delimiter. */
static void lex_unquoted(sh_parser *P, word_state *ws)
{
    while (!sh_at_end(P)) {
        size_t i = skip_plain(P, P->pos);
        if (i > P->pos) {
            emit_text(P, ws, P->pos, i - P->pos);
            P->pos = i;
            if (i >= P->end)
                return;
        }
        char c = P->s[P->pos];
        bool at_start = P->pos == ws->start;
        switch (c) {
        case '\\': {
            int n = sh_peek(P, 1);
            if (n == '\n') {
                P->pos += 2;
            } else if (n < 0) {
                emit_byte(P, ws, '\\', P->pos);
                P->pos++;
            } else {
                emit_byte(P, ws, (char)n, P->pos + 1);
                ws->flags |= SHW_QUOTED;
                P->pos += 2;
            }
            break;
        }
        case '\'':
            lex_squote(P, ws);
            break;
        case '"':
            lex_dquote(P, ws);
            break;
        case '$':
            if (ws->mode & WM_DELIM)
                goto literal;
            lex_dollar(P, ws, DC_UNQUOTED);
            break;
        case '`':
            if (ws->mode & WM_DELIM)
                goto literal;
            lex_backquote(P, ws, false);
            break;
        case '*': case '?':
            ws->flags |= SHW_GLOB;
            goto literal;
        case '[':
            ws->bracket = true;
            goto literal;
        case ']':
            if (ws->bracket)
                ws->flags |= SHW_GLOB;
            goto literal;
        case '{':
            if (ws->nbraces < MAX_BRACES)
                ws->brace_at[ws->nbraces++] = P->val.len + 1;
            goto literal;
        case '}':
            emit_byte(P, ws, c, P->pos);
            P->pos++;
            close_brace(P, ws);
            break;
        case '~':
            if (at_start)
                ws->flags |= SHW_TILDE;
            goto literal;
        case '(':
            if (P->bash && is_assignment_prefix(P->s, ws->start, P->pos)) {
                lex_array(P, ws);
                break;
            }
            if (P->bash && !at_start && is_extglob_prefix(P->s[P->pos - 1])) {
                lex_extglob(P, ws);
                break;
            }
            if (ws->mode & WM_REGEX)
                goto literal;
            return;
        case ')': case '|':
            if (ws->mode & WM_REGEX)
                goto literal;
            return;
        case '<': case '>':
            if (at_start && P->bash && sh_peek(P, 1) == '(') {
                lex_cmd_subst(P, ws, SHC_PROCSUBST, SHW_PROCSUBST);
                break;
            }
            return;
        default: /* blanks, newline, ; & */
            return;
        literal:
            emit_byte(P, ws, c, P->pos);
            P->pos++;
            break;
        }
    }
}

/* Source span and end of a word read from text[start, end). */
static void word_position(sh_parser *P, size_t start, size_t end, lexed_word *out)
{
    out->w.off = sh_src(P, start);
    out->w.end = sh_src_end(P, out->w.off, start, end);
    out->text_end = (uint32_t)end;
}

/* Copy the word's value and map out of the scratch buffers. */
static void finish_word(sh_parser *P, word_state *ws, size_t start, size_t end,
                        lexed_word *out)
{
    const char *v = P->val.data + ws->vbase;
    size_t vlen = P->val.len - ws->vbase;
    size_t nseg = P->segs.n - ws->sbase;
    const srcmap_seg *seg = P->segs.v + ws->sbase;

    out->src.text_off = (uint32_t)start;
    out->src.vmap = NULL;
    if (nseg > 1 || (nseg == 1 && (seg->dst != 0 || seg->src != start))) {
        /* The map and its segments in one block. */
        srcmap *m = arena_alloc(P->a, sizeof(*m) + nseg * sizeof(*seg));
        m->segs = (srcmap_seg *)(m + 1);
        memcpy(m->segs, seg, nseg * sizeof(*seg));
        m->n = m->cap = nseg;
        out->src.vmap = m;
    }
    char *value = sh_strndup(P, v, vlen);
    size_t rawlen = end - start;
    out->w.value = value;
    out->w.len = vlen;
    out->w.raw = (vlen == rawlen && memcmp(v, P->s + start, vlen) == 0)
                     ? value
                     : sh_strndup(P, P->s + start, rawlen);
    out->w.flags = ws->flags;
    word_position(P, start, end, out);
    rewind_value(P, ws->vbase, ws->sbase);
}

/*
 * A word that is text[start, end) as is: nothing quoted, escaped, expanded
 * or pattern-like, so its value is its raw text and needs no map. Most
 * words are like this; they skip the scratch buffers.
 */
static void literal_word(sh_parser *P, size_t start, size_t end, lexed_word *out)
{
    char *text = sh_strndup(P, P->s + start, end - start);
    out->w.raw = out->w.value = text;
    out->w.len = end - start;
    out->w.flags = 0;
    out->src.text_off = (uint32_t)start;
    out->src.vmap = NULL;
    word_position(P, start, end, out);
}

/* Does the byte at i (or the end of the text) end an unquoted word whose
 * bytes so far were all plain, leaving it as written? (See lex_unquoted:
 * '(' may continue the word, and in a regex ')' and '|' do.) */
static bool ends_literal_word(const sh_parser *P, size_t i, unsigned mode)
{
    if (i >= P->end)
        return true;
    switch (P->s[i]) {
    case ' ': case '\t': case '\n': case ';': case '&': case '<': case '>':
        return true;
    case ')': case '|':
        return !(mode & WM_REGEX);
    default:
        return false;
    }
}

static void word_begin(sh_parser *P, word_state *ws, unsigned mode)
{
    ws->flags = 0;
    ws->mode = mode;
    ws->start = P->pos;
    ws->vbase = P->val.len;
    ws->sbase = P->segs.n;
    ws->bracket = false;
    ws->nbraces = 0;
}

/* The general case of sh_lex_word: text[start, plain_end) is plain, then
 * comes something to decode (or no word at all). Kept out of line so the
 * common case stays small. */
__attribute__((noinline))
static bool lex_decoded_word(sh_parser *P, unsigned mode, size_t plain_end,
                             lexed_word *out)
{
    size_t start = P->pos;
    if (!sh_enter(P, start)) {
        sh_leave(P);
        return false;
    }
    word_state ws;
    word_begin(P, &ws, mode);
    emit_text(P, &ws, start, plain_end - start);
    P->pos = plain_end;
    lex_unquoted(P, &ws);
    sh_leave(P);
    if (P->pos == start) {
        rewind_value(P, ws.vbase, ws.sbase);
        return false;
    }
    finish_word(P, &ws, start, P->pos, out);
    return true;
}

bool sh_lex_word(sh_parser *P, unsigned mode, lexed_word *out)
{
    size_t start = P->pos;
    size_t i = skip_plain(P, start);
    /* A literal word needs the room for one more level (see sh_enter),
     * like any other. */
    if (i > start && ends_literal_word(P, i, mode) && P->nest < SH_MAX_NEST &&
        !P->abort) {
        P->pos = i;
        literal_word(P, start, i, out);
        return true;
    }
    return lex_decoded_word(P, mode, i, out);
}

void sh_plain_word(sh_parser *P, size_t start, size_t end, lexed_word *out)
{
    literal_word(P, start, end, out);
}

void sh_lex_arith_expr(sh_parser *P, size_t open_off, lexed_word *out)
{
    word_state ws;
    word_begin(P, &ws, WM_NORMAL);
    size_t start = P->pos;
    bool closed = false;
    if (sh_enter(P, open_off))
        closed = lex_arith_body(P, &ws);
    sh_leave(P);
    size_t end = P->pos;
    rewind_value(P, ws.vbase, ws.sbase);
    emit_text(P, &ws, start, end - start);
    ws.flags |= SHW_ARITH;
    finish_word(P, &ws, start, end, out);
    if (closed) {
        P->pos += 2;
    } else if (!P->abort) {
        sh_error_at(P, open_off, "unterminated arithmetic expression");
        if (sh_peek(P, 0) == ')')
            P->pos++;
    }
}

void sh_scan_heredoc_body(sh_parser *P)
{
    word_state ws;
    word_begin(P, &ws, WM_NORMAL);
    while (!sh_at_end(P)) {
        size_t i = P->pos;
        while (i < P->end && P->s[i] != '\\' && P->s[i] != '$' && P->s[i] != '`')
            i++;
        P->pos = i;
        if (sh_at_end(P))
            break;
        char c = P->s[P->pos];
        if (c == '\\')
            P->pos = P->pos + 2 < P->end ? P->pos + 2 : P->end;
        else if (c == '$')
            lex_dollar(P, &ws, DC_HEREDOC);
        else
            lex_backquote(P, &ws, false);
    }
    rewind_value(P, ws.vbase, ws.sbase);
}
