#include "image/content.h"

#include <ctype.h>
#include <errno.h>
#include <hs/hs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "image/regex_cost.h"
#include "image/testkeys.h"
#include "secrets/secrets.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Bytes kept before the current chunk, and looked at after a match end,
 * to confirm and locate a match (longer tokens are still reported). */
#define HISTORY 1024
#define LOOKAHEAD 512

typedef struct pattern {
    char *id;
    char *name;
    char *regex;       /* as given to both databases */
    bool caseless;
    unsigned line;     /* in the patterns file; 0: built in */
} pattern;

struct content_db {
    pattern *patterns;
    size_t n;
    const char *patterns_file; /* for messages; NULL: none */
    hs_database_t *hs;    /* streaming: where matches end */
    hs_database_t *som;   /* block, leftmost start of match: confirmation */
};

/* ------------------------------------------------------------ database */

static void add_pattern(content_db *db, const char *id, const char *name,
                        const char *regex, bool caseless, unsigned line)
{
    db->patterns = xreallocarray(db->patterns, db->n + 1, sizeof(pattern));
    pattern *p = &db->patterns[db->n++];
    memset(p, 0, sizeof(*p));
    p->id = xstrdup(id);
    p->name = xstrdup(name);
    p->regex = xstrdup(regex);
    p->caseless = caseless;
    p->line = line;
}

static char *format_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static char *format_error(const char *fmt, ...)
{
    strbuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    return sb.data;
}

static bool valid_id(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
              s[i] == '-'))
            return false;
    return true;
}

/*
 * A patterns file holds at most this many patterns, each unrolling to at
 * most PATTERN_MAX_COST positions, and all of them to PATTERNS_MAX_COST
 * with optional repeats counted PATTERNS_OPTIONAL_WEIGHT times (see
 * regex_cost.h): past that, compiling the databases takes from seconds
 * to minutes and gigabytes (`x[a-z]{1,30000}` alone: 1.5 s; 10,000 times
 * `tok_[a-z0-9]{1,12}`: over a minute).
 */
#define PATTERNS_MAX 10000
#define PATTERN_MAX_COST 4000
#define PATTERNS_MAX_COST 250000
#define PATTERNS_OPTIONAL_WEIGHT 16

/* A user's pattern that is too costly to compile: why, or NULL.
 * *total: the weighted cost of the patterns before it, then with it. */
static const char *too_costly(const char *rx, uint64_t *total)
{
    if (regex_cost(rx, 1) > PATTERN_MAX_COST)
        return "its repeat counts unroll to too many positions";
    *total += regex_cost(rx, PATTERNS_OPTIONAL_WEIGHT);
    if (*total > PATTERNS_MAX_COST)
        return "the patterns' repeat counts unroll to too many positions "
               "in all";
    return NULL;
}

static bool load_patterns_file(content_db *db, const char *path, char **err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        *err = format_error("%s: %s", path, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned lineno = 0;
    size_t count = 0;
    uint64_t total = 0;
    bool ok = true;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        size_t idlen = strcspn(p, " \t");
        char *rx = p + idlen;
        while (*rx == ' ' || *rx == '\t')
            rx++;
        if (!valid_id(p, idlen) || !*rx) {
            *err = format_error("%s:%u: expected `ID REGEX` (ID in lower "
                                "case letters, digits and dashes)", path,
                                lineno);
            ok = false;
            break;
        }
        p[idlen] = '\0';
        bool caseless = strncmp(rx, "(?i)", 4) == 0;
        if (caseless)
            rx += 4;
        if (++count > PATTERNS_MAX) {
            *err = format_error("%s:%u: more than %u patterns", path, lineno,
                                PATTERNS_MAX);
            ok = false;
            break;
        }
        const char *why = too_costly(rx, &total);
        if (why) {
            *err = format_error("%s:%u: pattern %s is too costly to compile: "
                                "%s (use smaller repeat counts or fewer "
                                "patterns)",
                                path, lineno, p, why);
            ok = false;
            break;
        }
        add_pattern(db, p, p, rx, caseless, lineno);
    }
    if (ok && ferror(f)) {
        *err = format_error("%s: %s", path, strerror(errno));
        ok = false;
    }
    free(line);
    fclose(f);
    return ok;
}

void content_db_free(content_db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->n; i++) {
        free(db->patterns[i].id);
        free(db->patterns[i].name);
        free(db->patterns[i].regex);
    }
    free(db->patterns);
    hs_free_database(db->hs);
    hs_free_database(db->som);
    free(db);
}

/* One database of every pattern: `flags` for each, in `mode`. On failure,
 * *err names the pattern (and its line in the patterns file) that failed,
 * prefixed with `what` when one pattern cannot be compiled that way. */
static hs_database_t *compile_db(const content_db *db, unsigned flags,
                                 unsigned mode, const char *what, char **err)
{
    const char **exprs = xcalloc(db->n, sizeof(char *));
    unsigned *fl = xcalloc(db->n, sizeof(unsigned));
    unsigned *ids = xcalloc(db->n, sizeof(unsigned));
    for (size_t i = 0; i < db->n; i++) {
        exprs[i] = db->patterns[i].regex;
        fl[i] = flags | (db->patterns[i].caseless ? HS_FLAG_CASELESS : 0);
        ids[i] = (unsigned)i;
    }
    hs_database_t *hs = NULL;
    hs_compile_error_t *cerr = NULL;
    if (hs_compile_multi(exprs, fl, ids, (unsigned)db->n, mode, NULL, &hs,
                         &cerr) != HS_SUCCESS) {
        int e = cerr ? cerr->expression : -1;
        const char *msg = cerr ? cerr->message : "cannot compile";
        if (e >= 0 && (size_t)e < db->n && db->patterns[e].line)
            *err = format_error("%s:%u: pattern %s: %s%s", db->patterns_file,
                                db->patterns[e].line, db->patterns[e].id,
                                what, msg);
        else
            *err = format_error("pattern %s: %s%s",
                                e >= 0 && (size_t)e < db->n
                                    ? db->patterns[e].id
                                    : "?",
                                e >= 0 ? what : "", msg);
        hs_free_compile_error(cerr);
        hs = NULL;
    }
    free(exprs);
    free(fl);
    free(ids);
    return hs;
}

/*
 * Two databases of the same patterns: a streaming one finds where matches
 * end as the bytes go by (cheap: no start-of-match tracking), and a block
 * one that tracks the leftmost start confirms a rare match over the small
 * window kept around its end.
 */
static bool compile(content_db *db, char **err)
{
    db->hs = compile_db(db, 0, HS_MODE_STREAM, "", err);
    if (!db->hs)
        return false;
    db->som = compile_db(db, HS_FLAG_SOM_LEFTMOST, HS_MODE_BLOCK,
                         "bosun cannot locate its matches (make its repeat "
                         "counts smaller): ",
                         err);
    return db->som != NULL;
}

content_db *content_db_new(const char *patterns_file, char **err)
{
    content_db *db = xcalloc(1, sizeof(*db));
    *err = NULL;
    db->patterns_file = patterns_file;
    for (size_t i = 0; i < credential_pattern_count; i++) {
        const credential_pattern *c = &credential_patterns[i];
        add_pattern(db, c->id, c->name, c->regex,
                    (c->flags & CRED_CASELESS) != 0, 0);
    }
    if ((patterns_file && !load_patterns_file(db, patterns_file, err)) ||
        !compile(db, err)) {
        content_db_free(db);
        return NULL;
    }
    db->patterns_file = NULL; /* the caller's string: not kept */
    return db;
}

size_t content_db_count(const content_db *db)
{
    return db->n;
}

/* ------------------------------------------------------------- newlines */

size_t count_newlines(const uint8_t *p, size_t n)
{
    size_t count = 0, i = 0;
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (n - i >= 16) {
        /* Byte counters overflow after 255 rounds: sum them before. */
        size_t rounds = (n - i) / 16;
        if (rounds > 255)
            rounds = 255;
        __m128i acc = zero;
        for (size_t r = 0; r < rounds; r++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, nl));
        }
        __m128i sums = _mm_sad_epu8(acc, zero);
        count += (size_t)_mm_cvtsi128_si32(sums) +
                 (size_t)_mm_extract_epi16(sums, 4);
    }
#endif
    for (; i < n; i++)
        count += p[i] == '\n';
    return count;
}

/* ------------------------------------------------------------- scanning */

/* Candidates of one pattern rejected in one file (placeholders, mentions
 * of a PEM header...) before bosun stops confirming that pattern there and
 * says so: each costs a scan of the window, and a file of decoys must not
 * cost minutes nor hide a real key behind them unsaid. */
#define MAX_REJECTED 1000

struct content_scan {
    const content_db *db;
    hs_scratch_t *scratch;      /* for the stream */
    hs_scratch_t *som_scratch;  /* for confirmations, inside its callback */
    hs_stream_t *stream;
    bool stream_dead;      /* the scan was stopped for this file */

    arena *a;
    content_match_fn fn;
    void *ctx;

    uint64_t offset;       /* file bytes before the current chunk */
    uint64_t lines;        /* newlines before the current chunk */
    uint8_t history[HISTORY];
    size_t history_len;
    const uint8_t *chunk;
    size_t chunk_len;

    bool *found;           /* per pattern: reported in this file */
    uint64_t *skip_until;  /* per pattern: a rejected match ends there */
    uint32_t *rejected;    /* per pattern: candidates rejected */
    size_t nfound;
};

content_scan *content_scan_new(const content_db *db)
{
    content_scan *s = xcalloc(1, sizeof(*s));
    s->db = db;
    if (hs_alloc_scratch(db->hs, &s->scratch) != HS_SUCCESS ||
        hs_alloc_scratch(db->som, &s->som_scratch) != HS_SUCCESS ||
        hs_open_stream(db->hs, 0, &s->stream) != HS_SUCCESS)
        xalloc_die();
    s->found = xcalloc(db->n, sizeof(bool));
    s->skip_until = xcalloc(db->n, sizeof(uint64_t));
    s->rejected = xcalloc(db->n, sizeof(uint32_t));
    return s;
}

void content_scan_free(content_scan *s)
{
    if (!s)
        return;
    if (s->stream)
        hs_close_stream(s->stream, s->scratch, NULL, NULL);
    hs_free_scratch(s->scratch);
    hs_free_scratch(s->som_scratch);
    free(s->found);
    free(s->skip_until);
    free(s->rejected);
    free(s);
}

void content_scan_begin(content_scan *s, arena *a, content_match_fn fn,
                        void *ctx)
{
    hs_reset_stream(s->stream, 0, NULL, NULL, NULL);
    s->stream_dead = false;
    s->a = a;
    s->fn = fn;
    s->ctx = ctx;
    s->offset = 0;
    s->lines = 0;
    s->history_len = 0;
    memset(s->found, 0, s->db->n * sizeof(bool));
    memset(s->skip_until, 0, s->db->n * sizeof(uint64_t));
    memset(s->rejected, 0, s->db->n * sizeof(uint32_t));
    s->nfound = 0;
}

/*
 * The bytes around a match that ends at file offset `end`, copied into
 * `win` (HISTORY + LOOKAHEAD bytes): up to HISTORY bytes before the end,
 * up to LOOKAHEAD after it within the current chunk. *start is the file
 * offset of win[0].
 */
static size_t match_window(const content_scan *s, uint64_t end, uint8_t *win,
                           uint64_t *start)
{
    uint64_t lo = end > HISTORY ? end - HISTORY : 0;
    uint64_t oldest = s->offset - s->history_len;
    if (lo < oldest)
        lo = oldest;
    uint64_t hi = end + LOOKAHEAD;
    if (hi > s->offset + s->chunk_len)
        hi = s->offset + s->chunk_len;
    size_t n = 0;
    if (lo < s->offset) {
        size_t from = (size_t)(lo - oldest);
        n = s->history_len - from;
        memcpy(win, s->history + from, n);
    }
    uint64_t c0 = lo > s->offset ? lo : s->offset;
    if (hi > c0) {
        memcpy(win + n, s->chunk + (c0 - s->offset), (size_t)(hi - c0));
        n += (size_t)(hi - c0);
    }
    *start = lo;
    return n;
}

static bool is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/*
 * A credential is a token of its own: not glued to letters or digits (a
 * longer random string, a table of a binary), and not the name of a call
 * in code ("_auth = base64.b64encode(").
 */
static bool stands_alone(const uint8_t *win, size_t wlen, size_t start,
                         size_t end)
{
    if (start > 0 && is_alnum(win[start - 1]) && is_alnum(win[start]))
        return false;
    if (end < wlen && (is_alnum(win[end]) || win[end] == '('))
        return false;
    return true;
}

/* A key block has a body after its header: base64 (after a line break,
 * perhaps written "\n" in a JSON string) or the headers of an encrypted
 * key. A header alone is a mention (code that parses PEM, docs). */
static bool key_body_follows(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n && (p[i] == '\r' || p[i] == '\n' || p[i] == ' ' ||
                     p[i] == '\t' || p[i] == '"' ||
                     (p[i] == '\\' && i + 1 < n && p[i + 1] == 'n')))
        i += p[i] == '\\' ? 2 : 1;
    if (n - i >= 10 && memcmp(p + i, "Proc-Type:", 10) == 0)
        return true;
    size_t run = 0;
    while (i + run < n && (is_alnum(p[i + run]) || p[i + run] == '+' ||
                           p[i + run] == '/'))
        run++;
    return run >= 16;
}

/* The match of one pattern a confirmation looks for in its window: the
 * leftmost start of any match that reaches the end the stream reported,
 * and the longest match from there (POSIX's leftmost-longest). */
typedef struct som_search {
    unsigned id;
    unsigned long long end;      /* in the window */
    bool found;
    unsigned long long from, to;
} som_search;

static int on_som_match(unsigned int id, unsigned long long from,
                        unsigned long long to, unsigned int flags, void *ctx)
{
    (void)flags;
    som_search *q = ctx;
    if (id != q->id || to < q->end)
        return 0;
    if (!q->found || from < q->from || (from == q->from && to > q->to)) {
        q->found = true;
        q->from = from;
        q->to = to;
    }
    return 0;
}

/* Line of file offset `at` (within the window that starts at `wstart`):
 * the newlines before the chunk, then those from the chunk start to the
 * window start (or minus those from the window start to the chunk start),
 * then those up to `at`. */
static uint64_t line_of(const content_scan *s, const uint8_t *win,
                        uint64_t wstart, uint64_t at)
{
    uint64_t line = 1 + s->lines + count_newlines(win, (size_t)(at - wstart));
    if (wstart >= s->offset)
        line += count_newlines(s->chunk, (size_t)(wstart - s->offset));
    else
        line -= count_newlines(win, (size_t)(s->offset - wstart));
    return line;
}

static void report(content_scan *s, unsigned id, content_match *m)
{
    s->found[id] = true;
    s->nfound++;
    s->fn(s->ctx, m);
}

/* Too many candidates of pattern `id` were rejected in this file: it is
 * not confirmed any further, and the notice says where it stopped. */
static void stop_confirming(content_scan *s, unsigned id, const uint8_t *win,
                            uint64_t wstart, uint64_t end)
{
    const pattern *p = &s->db->patterns[id];
    content_match m = {
        .id = p->id,
        .name = p->name,
        .line = line_of(s, win, wstart, end),
        .redacted = arena_printf(s->a, "%u rejected in this file before it; "
                                 "inspect the file",
                                 (unsigned)s->rejected[id]),
        .stopped_after = s->rejected[id],
    };
    report(s, id, &m);
}

static void confirm(content_scan *s, unsigned id, uint64_t end)
{
    const pattern *p = &s->db->patterns[id];
    uint8_t win[HISTORY + LOOKAHEAD];
    uint64_t wstart;
    size_t wlen = match_window(s, end, win, &wstart);
    if (s->rejected[id] >= MAX_REJECTED) {
        stop_confirming(s, id, win, wstart, end);
        return;
    }

    som_search q = {.id = id, .end = end - wstart};
    uint64_t mstart = end, mend = end;
    if (hs_scan(s->db->som, (const char *)win, (unsigned)wlen, 0,
                s->som_scratch, on_som_match, &q) == HS_SUCCESS &&
        q.found) {
        mstart = wstart + q.from;
        mend = wstart + q.to;
    }
    size_t tlen = (size_t)(mend - mstart);
    const char *text = (const char *)win + (mstart - wstart);
    if (mend > mstart &&
        (!stands_alone(win, wlen, (size_t)(mstart - wstart),
                       (size_t)(mend - wstart)) ||
         (strcmp(p->id, "private-key") == 0 &&
          (!key_body_follows(win + (mend - wstart),
                             (size_t)(wstart + wlen - mend)) ||
           testkey_is_public(win + (mend - wstart),
                             (size_t)(wstart + wlen - mend)))) ||
         secret_is_placeholder(p->id, text, tlen))) {
        s->skip_until[id] = mend;
        s->rejected[id]++;
        return;
    }
    content_match m = {
        .id = p->id,
        .name = p->name,
        .line = line_of(s, win, wstart, mstart),
        .redacted = secret_redact(s->a, text, tlen),
    };
    report(s, id, &m);
}

/* Hyperscan reports where matches end, every end of every match: the
 * first unseen one of a pattern is confirmed while its chunk is at hand. */
static int on_match(unsigned int id, unsigned long long from,
                    unsigned long long to, unsigned int flags, void *ctx)
{
    (void)from;
    (void)flags;
    content_scan *s = ctx;
    if (!s->found[id] && to > s->skip_until[id])
        confirm(s, id, to);
    return 0;
}

static void remember_tail(content_scan *s, const uint8_t *p, size_t n)
{
    if (n >= HISTORY) {
        memcpy(s->history, p + n - HISTORY, HISTORY);
        s->history_len = HISTORY;
        return;
    }
    size_t keep = s->history_len + n > HISTORY ? HISTORY - n : s->history_len;
    memmove(s->history, s->history + s->history_len - keep, keep);
    memcpy(s->history + keep, p, n);
    s->history_len = keep + n;
}

bool content_scan_data(content_scan *s, const uint8_t *p, size_t n)
{
    if (s->stream_dead || n == 0)
        return !s->stream_dead;
    s->chunk = p;
    s->chunk_len = n;
    /* Hyperscan takes an unsigned length: feed huge blocks in pieces. */
    for (size_t done = 0; done < n;) {
        size_t part = n - done > (1u << 30) ? (1u << 30) : n - done;
        if (hs_scan_stream(s->stream, (const char *)p + done, (unsigned)part,
                           0, s->scratch, on_match, s) != HS_SUCCESS) {
            s->stream_dead = true;
            break;
        }
        done += part;
    }
    s->lines += count_newlines(p, n);
    remember_tail(s, p, n);
    s->offset += n;
    s->chunk = NULL;
    s->chunk_len = 0;
    if (s->nfound == s->db->n)
        s->stream_dead = true;
    return !s->stream_dead;
}

void content_scan_end(content_scan *s)
{
    /* End-of-data matches (patterns anchored with $) come now. */
    if (!s->stream_dead)
        hs_reset_stream(s->stream, 0, s->scratch, on_match, s);
    s->stream_dead = true;
}
