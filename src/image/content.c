#include "image/content.h"

#include <ctype.h>
#include <errno.h>
#include <hs/hs.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
    char *regex;       /* as given to both engines */
    bool caseless;
    bool compiled;     /* re is valid */
    regex_t re;
} pattern;

struct content_db {
    pattern *patterns;
    size_t n;
    hs_database_t *hs;
};

/* ------------------------------------------------------------ database */

static void add_pattern(content_db *db, const char *id, const char *name,
                        const char *regex, bool caseless)
{
    db->patterns = xreallocarray(db->patterns, db->n + 1, sizeof(pattern));
    pattern *p = &db->patterns[db->n++];
    memset(p, 0, sizeof(*p));
    p->id = xstrdup(id);
    p->name = xstrdup(name);
    p->regex = xstrdup(regex);
    p->caseless = caseless;
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
        if (db->n >= 10000) {
            *err = format_error("%s: more than 10000 patterns", path);
            ok = false;
            break;
        }
        add_pattern(db, p, p, rx, caseless);
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
        if (db->patterns[i].compiled)
            regfree(&db->patterns[i].re);
    }
    free(db->patterns);
    hs_free_database(db->hs);
    free(db);
}

/* Every pattern must compile for both engines: Hyperscan finds, the
 * POSIX regex confirms. */
static bool compile(content_db *db, char **err)
{
    for (size_t i = 0; i < db->n; i++) {
        pattern *p = &db->patterns[i];
        int rc = regcomp(&p->re, p->regex,
                         REG_EXTENDED | (p->caseless ? REG_ICASE : 0));
        if (rc != 0) {
            char msg[128];
            regerror(rc, &p->re, msg, sizeof(msg));
            *err = format_error("pattern %s: %s", p->id, msg);
            return false;
        }
        p->compiled = true;
    }
    const char **exprs = xcalloc(db->n, sizeof(char *));
    unsigned *flags = xcalloc(db->n, sizeof(unsigned));
    unsigned *ids = xcalloc(db->n, sizeof(unsigned));
    for (size_t i = 0; i < db->n; i++) {
        exprs[i] = db->patterns[i].regex;
        flags[i] = db->patterns[i].caseless ? HS_FLAG_CASELESS : 0;
        ids[i] = (unsigned)i;
    }
    hs_compile_error_t *cerr = NULL;
    bool ok = hs_compile_multi(exprs, flags, ids, (unsigned)db->n,
                               HS_MODE_STREAM, NULL, &db->hs,
                               &cerr) == HS_SUCCESS;
    if (!ok) {
        int e = cerr ? cerr->expression : -1;
        *err = format_error("pattern %s: %s",
                            e >= 0 && (size_t)e < db->n ? db->patterns[e].id
                                                        : "?",
                            cerr ? cerr->message : "cannot compile");
        hs_free_compile_error(cerr);
    }
    free(exprs);
    free(flags);
    free(ids);
    return ok;
}

content_db *content_db_new(const char *patterns_file, char **err)
{
    content_db *db = xcalloc(1, sizeof(*db));
    *err = NULL;
    for (size_t i = 0; i < credential_pattern_count; i++) {
        const credential_pattern *c = &credential_patterns[i];
        add_pattern(db, c->id, c->name, c->regex,
                    (c->flags & CRED_CASELESS) != 0);
    }
    if ((patterns_file && !load_patterns_file(db, patterns_file, err)) ||
        !compile(db, err)) {
        content_db_free(db);
        return NULL;
    }
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

struct content_scan {
    const content_db *db;
    hs_scratch_t *scratch;
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
    size_t nfound;
};

content_scan *content_scan_new(const content_db *db)
{
    content_scan *s = xcalloc(1, sizeof(*s));
    s->db = db;
    if (hs_alloc_scratch(db->hs, &s->scratch) != HS_SUCCESS ||
        hs_open_stream(db->hs, 0, &s->stream) != HS_SUCCESS)
        xalloc_die();
    s->found = xcalloc(db->n, sizeof(bool));
    s->skip_until = xcalloc(db->n, sizeof(uint64_t));
    return s;
}

void content_scan_free(content_scan *s)
{
    if (!s)
        return;
    if (s->stream)
        hs_close_stream(s->stream, s->scratch, NULL, NULL);
    hs_free_scratch(s->scratch);
    free(s->found);
    free(s->skip_until);
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

static void confirm(content_scan *s, unsigned id, uint64_t end)
{
    const pattern *p = &s->db->patterns[id];
    uint8_t win[HISTORY + LOOKAHEAD];
    uint64_t wstart;
    size_t wlen = match_window(s, end, win, &wstart);

    /* The regex's first match in the window that reaches the end Hyperscan
     * reported (earlier ones were placeholders, or reported already). */
    uint64_t mstart = end, mend = end;
    regoff_t from = 0;
    regmatch_t rm[1];
    while ((size_t)from < wlen) {
        rm[0].rm_so = from;
        rm[0].rm_eo = (regoff_t)wlen;
        if (regexec(&p->re, (const char *)win, 1, rm, REG_STARTEND) != 0)
            break;
        if (wstart + (uint64_t)rm[0].rm_eo >= end) {
            mstart = wstart + (uint64_t)rm[0].rm_so;
            mend = wstart + (uint64_t)rm[0].rm_eo;
            break;
        }
        from = rm[0].rm_eo > rm[0].rm_so ? rm[0].rm_eo : rm[0].rm_so + 1;
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
        return;
    }
    /* Line of the match start: the newlines before the chunk, then those
     * from the chunk start to the window start (or minus those from the
     * window start to the chunk start), then those up to the match. */
    uint64_t line = 1 + s->lines +
                    count_newlines(win, (size_t)(mstart - wstart));
    if (wstart >= s->offset)
        line += count_newlines(s->chunk, (size_t)(wstart - s->offset));
    else
        line -= count_newlines(win, (size_t)(s->offset - wstart));
    content_match m = {
        .id = p->id,
        .name = p->name,
        .line = line,
        .redacted = secret_redact(s->a, text, tlen),
    };
    s->found[id] = true;
    s->nfound++;
    s->fn(s->ctx, &m);
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
