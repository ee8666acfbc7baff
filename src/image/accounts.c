#include "image/accounts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util/xalloc.h"

/* ------------------------------------------------------- Go's Atoi */

/*
 * A field read as Go's strconv.Atoi reads it, byte by byte: an optional
 * sign, then decimal digits, nothing else; a syntax error gives 0 (runc
 * ignores the error), a value too large the largest one.
 */
typedef struct go_atoi {
    size_t len;
    bool sign, neg, digits, bad, range, blank;
    uint64_t val;
} go_atoi;

static bool blank(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static void atoi_byte(go_atoi *a, uint8_t c)
{
    if (blank(c)) {
        a->blank = true; /* fine only at the end of the line */
        return;
    }
    if (a->blank)
        a->bad = true;
    if (a->len++ == 0 && (c == '+' || c == '-')) {
        a->sign = true;
        a->neg = c == '-';
    } else if (c >= '0' && c <= '9') {
        a->digits = true;
        if (a->val > (UINT64_MAX - 9) / 10)
            a->range = true;
        else
            a->val = a->val * 10 + (uint64_t)(c - '0');
    } else {
        a->bad = true;
    }
}

/* `trimmed`: the field ends the line, whose trailing blanks runc trims. */
static int64_t atoi_value(const go_atoi *a, bool trimmed)
{
    if (a->bad || !a->digits || (a->blank && !trimmed))
        return 0;
    if (a->range || a->val > (uint64_t)INT64_MAX)
        return a->neg ? INT64_MIN : INT64_MAX;
    return a->neg ? -(int64_t)a->val : (int64_t)a->val;
}

/* ----------------------------------------------------------- reading */

typedef enum line_state {
    LINE_NAME,   /* in the first field */
    LINE_FIELDS, /* in a later field */
    LINE_SKIP,   /* nothing more to learn from this line */
} line_state;

struct accounts_scan {
    const char *user;         /* the name to find the uid of, or NULL */
    size_t user_len;
    bool every_line;          /* read every line (else only those that
                                 can have an empty password) */
    uint64_t line;            /* 1-based number of the current line */
    line_state st;

    /* The first field, blanks before it skipped (glibc and runc do). */
    bool lead;                /* only blanks so far */
    char name[ACCOUNTS_NAME_MAX];
    size_t name_len;          /* its length in the file */
    bool name_printable;      /* no blank or control byte in it */
    bool user_possible;       /* matches the user name so far */
    size_t user_at;           /* bytes of it matched */
    bool user_tail;           /* the whole name matched, then blanks */

    /* Later fields. */
    unsigned field;           /* index of the field being read */
    size_t field_len;
    bool field_digits;
    bool pw_empty;            /* the second field is empty */
    bool shadow;              /* fields 3 to 9 are empty or numbers */
    bool passwd;              /* fields 3 and 4 are numbers */
    bool recorded;            /* this line's empty password is kept */
    bool user_line;           /* this is the user's line */
    go_atoi uid;
    bool db_like;             /* a line name:password:number: seen */

    /* What the file holds. */
    accounts_user empty[ACCOUNTS_EMPTY_MAX];
    char names[ACCOUNTS_EMPTY_MAX][ACCOUNTS_NAME_MAX];
    size_t nempty;
    uint64_t nempty_all;
    bool user_found;
    int64_t user_uid;
    uint64_t user_line_no;
};

accounts_scan *accounts_scan_new(void)
{
    return xcalloc(1, sizeof(accounts_scan));
}

void accounts_scan_free(accounts_scan *s)
{
    free(s);
}

static void start_line(accounts_scan *s)
{
    s->st = LINE_NAME;
    s->lead = true;
    s->name_len = 0;
    s->name_printable = true;
    s->user_possible = s->user != NULL;
    s->user_at = 0;
    s->user_tail = false;
    s->field = 0;
    s->field_len = 0;
    s->field_digits = true;
    s->pw_empty = true;
    s->shadow = true;
    s->passwd = true;
    s->recorded = false;
    s->user_line = false;
    memset(&s->uid, 0, sizeof(s->uid));
}

void accounts_scan_begin(accounts_scan *s, const char *user, bool like_db)
{
    s->user = user && *user ? user : NULL;
    s->user_len = s->user ? strlen(s->user) : 0;
    s->every_line = like_db;
    s->line = 1;
    s->nempty = 0;
    s->nempty_all = 0;
    s->user_found = false;
    s->user_uid = 0;
    s->user_line_no = 0;
    s->db_like = false;
    start_line(s);
}

/* A byte of a user name one can type: no blank, no control byte. */
static bool name_byte(uint8_t c)
{
    return c > ' ' && c != 0x7f;
}

static bool printable(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!name_byte(p[i]))
            return false;
    return true;
}

/* Can the first byte of a name (after blanks) start an account? Not a
 * comment, not an NIS marker. */
static bool account_start(uint8_t c)
{
    return c != '#' && c != '+' && c != '-';
}

/* A name that can hold a password. */
static bool account_name(const accounts_scan *s)
{
    return s->name_len > 0 && s->name_printable &&
           account_start((uint8_t)s->name[0]);
}

static void record_empty(accounts_scan *s)
{
    s->recorded = true;
    s->nempty_all++;
    if (s->nempty == ACCOUNTS_EMPTY_MAX)
        return;
    size_t keep = s->name_len < ACCOUNTS_NAME_MAX ? s->name_len
                                                  : ACCOUNTS_NAME_MAX;
    memcpy(s->names[s->nempty], s->name, keep);
    s->empty[s->nempty] = (accounts_user){
        .name = s->names[s->nempty],
        .name_len = s->name_len,
        .line = s->line,
    };
    s->nempty++;
}

/* The user's line gives its uid: the first one counts. */
static void user_done(accounts_scan *s, int64_t uid)
{
    if (!s->user_found) {
        s->user_found = true;
        s->user_uid = uid;
        s->user_line_no = s->line;
    }
    s->user_line = false;
}

/* Can this line still tell something: an empty password, or the uid of
 * the user? */
static bool interesting(const accounts_scan *s)
{
    bool empty = !s->recorded && s->pw_empty && (s->shadow || s->passwd) &&
                 account_name(s);
    bool db = !s->db_like && s->field <= 2 && account_name(s) &&
              (s->field < 2 || s->field_digits);
    return empty || s->user_line || db;
}

static void field_end(accounts_scan *s, bool line_end)
{
    unsigned f = s->field;
    if ((f == 2 || f == 3) && (!s->field_digits || s->field_len == 0))
        s->passwd = false;
    if (f >= 2 && !s->field_digits)
        s->shadow = false;
    if (f >= 8 && !line_end)
        s->shadow = false; /* more than 9 fields */
    if (f == 2 && s->user_line)
        user_done(s, atoi_value(&s->uid, line_end));
    if (f == 2 && s->field_digits && s->field_len > 0 && account_name(s))
        s->db_like = true;
    /* name:(empty):uid:gid: a passwd line. */
    if (f == 3 && s->passwd && s->pw_empty && !s->recorded &&
        account_name(s))
        record_empty(s);
    s->field++;
    s->field_len = 0;
    s->field_digits = true;
}

static void end_line(accounts_scan *s)
{
    if (s->st == LINE_NAME) {
        /* One field: runc reads a missing uid as 0. */
        if (s->user_possible && s->user_at == s->user_len && !s->lead)
            user_done(s, 0);
    } else if (s->st == LINE_FIELDS) {
        field_end(s, true);
        /* Fields up to the second only: the uid is missing, 0. */
        if (s->user_line)
            user_done(s, 0);
        /* name:(empty): and up to 7 more empty or numeric fields: a
         * shadow line (field is now the number of fields). */
        if (s->field >= 3 && s->field <= 9 && s->shadow && s->pw_empty &&
            !s->recorded && account_name(s))
            record_empty(s);
    }
    s->line++;
    start_line(s);
}

/* Bytes of the first field, up to its end, the end of the line or of the
 * data; returns where it stopped. */
static size_t name_bytes(accounts_scan *s, const uint8_t *p, size_t i,
                         size_t n)
{
    while (s->lead && i < n && blank(p[i]))
        i++;
    if (i == n)
        return n;
    const uint8_t *nl = memchr(p + i, '\n', n - i);
    size_t end = nl ? (size_t)(nl - p) : n;
    const uint8_t *colon = memchr(p + i, ':', end - i);
    size_t stop = colon ? (size_t)(colon - p) : end;
    size_t len = stop - i;
    if (len)
        s->lead = false;
    if (s->name_printable)
        s->name_printable = printable(p + i, len);
    if (s->name_len < ACCOUNTS_NAME_MAX) {
        size_t keep = ACCOUNTS_NAME_MAX - s->name_len;
        memcpy(s->name + s->name_len, p + i, len < keep ? len : keep);
    }
    s->name_len += len;
    /* The user's name, then only blanks (trimmed when they end the
     * line). */
    for (size_t k = i; k < stop && s->user_possible; k++) {
        if (s->user_at < s->user_len && !s->user_tail &&
            p[k] == (uint8_t)s->user[s->user_at])
            s->user_at++;
        else if (s->user_at == s->user_len && blank(p[k]))
            s->user_tail = true;
        else
            s->user_possible = false;
    }
    if (colon) {
        s->lead = false;
        s->user_line = s->user_possible && !s->user_tail &&
                       s->user_at == s->user_len && !s->user_found;
        s->st = LINE_FIELDS;
        s->field = 1;
        if (!interesting(s))
            s->st = LINE_SKIP;
        return stop + 1;
    }
    if (nl) {
        end_line(s);
        return end + 1;
    }
    return n;
}

static size_t field_bytes(accounts_scan *s, const uint8_t *p, size_t i,
                          size_t n)
{
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (c == '\n') {
            end_line(s);
            return i + 1;
        }
        if (c == ':') {
            field_end(s, false);
        } else {
            s->field_len++;
            if (c < '0' || c > '9') {
                s->field_digits = false;
                if (s->field >= 2)
                    s->shadow = false;
                if (s->field == 2 || s->field == 3)
                    s->passwd = false;
            }
            if (s->field == 1)
                s->pw_empty = false;
            if (s->field == 2 && s->user_line)
                atoi_byte(&s->uid, c);
        }
        if (!interesting(s)) {
            s->st = LINE_SKIP;
            return i + 1;
        }
    }
    return n;
}

/* The first ':' or '\n' of p[0..n), or n: most lines of most files have
 * no colon, and are passed over in one pass. */
static size_t colon_or_newline(const uint8_t *p, size_t n)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128i colon = _mm_set1_epi8(':');
    const __m128i nl = _mm_set1_epi8('\n');
    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, colon),
                                                  _mm_cmpeq_epi8(v, nl)));
        if (mask)
            return i + (size_t)__builtin_ctz((unsigned)mask);
    }
#endif
    for (; i < n; i++)
        if (p[i] == ':' || p[i] == '\n')
            return i;
    return n;
}

/*
 * A line at a fresh start, from p[i] (the data ends at n): most lines say
 * nothing (no colon, no name one can type, a password), and are passed
 * over with a look at a few bytes. Returns where the next line starts, or
 * 0 when the line needs the byte by byte reading (it goes on past the
 * data, or it may hold an empty password or the user's uid).
 */
static size_t quick_line(accounts_scan *s, const uint8_t *p, size_t i,
                         size_t n)
{
    while (i < n && blank(p[i]))
        i++;
    size_t stop = i + colon_or_newline(p + i, n - i);
    if (stop == n)
        return 0;
    const uint8_t *colon = p[stop] == ':' ? p + stop : NULL;
    size_t nl;
    if (colon) {
        const uint8_t *q = memchr(p + stop, '\n', n - stop);
        if (!q)
            return 0;
        nl = (size_t)(q - p);
    } else {
        nl = stop;
    }
    bool user = s->user && !s->user_found && stop - i >= s->user_len &&
                memcmp(p + i, s->user, s->user_len) == 0;
    if (user) {
        /* The name alone, or with blanks that end the line. */
        size_t k = i + s->user_len;
        while (!colon && k < stop && blank(p[k]))
            k++;
        user = k == stop;
    }
    if (user)
        return 0;
    if (!colon || stop == i || !account_start(p[i]) ||
        !printable(p + i, stop - i))
        return nl + 1;
    size_t pw = stop + 1;
    if (pw < nl && p[pw] == ':')
        return 0; /* an empty password */
    /* name:password:number: looks like passwd, group or shadow. */
    if (!s->db_like) {
        const uint8_t *c2 = memchr(p + pw, ':', nl - pw);
        if (c2) {
            size_t k = (size_t)(c2 - p) + 1, start = k;
            while (k < nl && p[k] >= '0' && p[k] <= '9')
                k++;
            if (k > start && (k == nl || p[k] == ':'))
                s->db_like = true;
        }
    }
    return nl + 1;
}

/* One step of the byte by byte reading; returns where it stopped. */
static size_t step(accounts_scan *s, const uint8_t *p, size_t i, size_t n)
{
    if (s->st == LINE_SKIP) {
        const uint8_t *nl = memchr(p + i, '\n', n - i);
        if (!nl)
            return n;
        s->line++;
        start_line(s);
        return (size_t)(nl - p) + 1;
    }
    if (s->st == LINE_NAME)
        return name_bytes(s, p, i, n);
    return field_bytes(s, p, i, n);
}

/* At the start of a line, nothing of it read. */
static bool fresh(const accounts_scan *s)
{
    return s->st == LINE_NAME && s->lead && s->name_len == 0;
}

static unsigned bits(unsigned x)
{
    unsigned n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* Where "::" starts in p[0..n), or n; *newlines gets the line breaks
 * before it (in the same pass: the lines passed over are counted, not
 * read). */
static size_t double_colon_sse2(const uint8_t *p, size_t n,
                                uint64_t *newlines)
{
    size_t i = 0;
    uint64_t lines = 0;
#ifdef __SSE2__
    const __m128i colon = _mm_set1_epi8(':');
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (n - i >= 17) {
        /* Byte counters of line breaks, summed before they overflow. */
        __m128i acc = zero;
        for (unsigned round = 0; round < 255 && n - i >= 17;
             round++, i += 16) {
            __m128i a =
                _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i b =
                _mm_loadu_si128((const __m128i *)(const void *)(p + i + 1));
            __m128i breaks = _mm_cmpeq_epi8(a, nl);
            unsigned both = (unsigned)_mm_movemask_epi8(_mm_and_si128(
                _mm_cmpeq_epi8(a, colon), _mm_cmpeq_epi8(b, colon)));
            if (both) {
                unsigned at = (unsigned)__builtin_ctz(both);
                unsigned before =
                    (unsigned)_mm_movemask_epi8(breaks) & ((1u << at) - 1);
                __m128i sums = _mm_sad_epu8(acc, zero);
                *newlines += lines + (uint64_t)_mm_cvtsi128_si32(sums) +
                             (uint64_t)_mm_extract_epi16(sums, 4) + bits(before);
                return i + at;
            }
            acc = _mm_sub_epi8(acc, breaks);
        }
        __m128i sums = _mm_sad_epu8(acc, zero);
        lines += (uint64_t)_mm_cvtsi128_si32(sums) +
                 (uint64_t)_mm_extract_epi16(sums, 4);
    }
#endif
    for (; i < n; i++) {
        if (i + 1 < n && p[i] == ':' && p[i + 1] == ':')
            break;
        lines += p[i] == '\n';
    }
    *newlines += lines;
    return i;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX2_PATH 1
#include <immintrin.h>

/* double_colon() 32 bytes at a time, for processors that have AVX2 (every
 * file of every layer passes through here: it is worth twice the speed).
 * Returns how far it got; the caller finishes the last bytes. */
__attribute__((target("avx2"))) static size_t
double_colon_avx2(const uint8_t *p, size_t n, uint64_t *newlines, bool *found)
{
    size_t i = 0;
    uint64_t lines = 0;
    const __m256i colon = _mm256_set1_epi8(':');
    const __m256i nl = _mm256_set1_epi8('\n');
    const __m256i zero = _mm256_setzero_si256();
    *found = false;
    while (n - i >= 33) {
        __m256i acc = zero;
        for (unsigned round = 0; round < 255 && n - i >= 33;
             round++, i += 32) {
            __m256i a =
                _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
            __m256i b = _mm256_loadu_si256(
                (const __m256i *)(const void *)(p + i + 1));
            __m256i breaks = _mm256_cmpeq_epi8(a, nl);
            unsigned both = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(
                _mm256_cmpeq_epi8(a, colon), _mm256_cmpeq_epi8(b, colon)));
            if (both) {
                unsigned at = (unsigned)__builtin_ctz(both);
                unsigned before = (unsigned)_mm256_movemask_epi8(breaks) &
                                  ((1u << at) - 1);
                acc = _mm256_sad_epu8(acc, zero);
                *newlines += lines +
                             (uint64_t)_mm256_extract_epi64(acc, 0) +
                             (uint64_t)_mm256_extract_epi64(acc, 1) +
                             (uint64_t)_mm256_extract_epi64(acc, 2) +
                             (uint64_t)_mm256_extract_epi64(acc, 3) +
                             (uint64_t)__builtin_popcount(before);
                *found = true;
                return i + at;
            }
            acc = _mm256_sub_epi8(acc, breaks);
        }
        acc = _mm256_sad_epu8(acc, zero);
        lines += (uint64_t)_mm256_extract_epi64(acc, 0) +
                 (uint64_t)_mm256_extract_epi64(acc, 1) +
                 (uint64_t)_mm256_extract_epi64(acc, 2) +
                 (uint64_t)_mm256_extract_epi64(acc, 3);
    }
    *newlines += lines;
    return i;
}
#endif

/* Where "::" starts in p[0..n), or n; *newlines gets the line breaks
 * before it (in the same pass: the lines passed over are counted, not
 * read). */
static size_t double_colon(const uint8_t *p, size_t n, uint64_t *newlines)
{
#ifdef HAVE_AVX2_PATH
    if (__builtin_cpu_supports("avx2")) {
        bool found;
        size_t done = double_colon_avx2(p, n, newlines, &found);
        if (found)
            return done;
        return done + double_colon_sse2(p + done, n - done, newlines);
    }
#endif
    return double_colon_sse2(p, n, newlines);
}

/* Where the user name may be in p[0..n) (its first and last bytes are
 * there), or n. */
static size_t user_name_at(const accounts_scan *s, const uint8_t *p, size_t n)
{
    size_t len = s->user_len, i = 0;
    if (len == 0 || n < len)
        return n;
#ifdef __SSE2__
    const __m128i first = _mm_set1_epi8(s->user[0]);
    const __m128i last = _mm_set1_epi8(s->user[len - 1]);
    for (; n - i >= 16 + len - 1; i += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i b = _mm_loadu_si128(
            (const __m128i *)(const void *)(p + i + len - 1));
        unsigned mask = (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last)));
        while (mask) {
            size_t k = i + (size_t)__builtin_ctz(mask);
            if (memcmp(p + k, s->user, len) == 0)
                return k;
            mask &= mask - 1;
        }
    }
#endif
    for (; i + len <= n; i++)
        if (p[i] == (uint8_t)s->user[0] && memcmp(p + i, s->user, len) == 0)
            return i;
    return n;
}

/* Lines from a fresh start at p[i], those only that can have an empty
 * password ("name::") or be the user's (they hold the name): the others
 * are counted, not read. */
static void sparse_lines(accounts_scan *s, const uint8_t *p, size_t i,
                         size_t n)
{
    size_t name = s->user && !s->user_found ? i + user_name_at(s, p + i, n - i)
                                            : n;
    while (i < n) {
        /* The next place of the name, known until passed. */
        if (name < i)
            name = s->user && !s->user_found
                       ? i + user_name_at(s, p + i, n - i)
                       : n;
        /* The next "::" before it, the lines up to there counted. */
        uint64_t lines = 0;
        size_t q = i + double_colon(p + i, name - i, &lines);
        s->line += lines;
        /* The line that holds it, or the last one, which may go on in
         * the next data and have it there. */
        const uint8_t *before = memrchr(p + i, '\n', q - i);
        i = before ? (size_t)(before - p) + 1 : i;
        do
            i = step(s, p, i, n);
        while (i < n && !fresh(s));
    }
}

void accounts_scan_data(accounts_scan *s, const uint8_t *p, size_t n)
{
    size_t i = 0;
    /* The end of a line begun in the data before. */
    while (i < n && !fresh(s))
        i = step(s, p, i, n);
    if (!s->every_line) {
        sparse_lines(s, p, i, n);
        return;
    }
    while (i < n) {
        if (fresh(s)) {
            size_t next = quick_line(s, p, i, n);
            if (next) {
                i = next;
                s->line++;
                continue;
            }
        }
        i = step(s, p, i, n);
    }
}

accounts_summary *accounts_scan_end(accounts_scan *s, arena *a, size_t *bytes,
                                   bool *db_like)
{
    /* A last line without a newline. */
    if (s->st != LINE_SKIP && !(s->st == LINE_NAME && s->lead))
        end_line(s);
    *bytes = 0;
    *db_like = s->db_like;
    if (s->nempty_all == 0 && !s->user_found)
        return NULL;
    accounts_summary *sum = arena_alloc(a, sizeof(*sum));
    memset(sum, 0, sizeof(*sum));
    *bytes += sizeof(*sum);
    if (s->nempty) {
        sum->empty = arena_alloc(a, s->nempty * sizeof(accounts_user));
        *bytes += s->nempty * sizeof(accounts_user);
        for (size_t i = 0; i < s->nempty; i++) {
            size_t keep = s->empty[i].name_len < ACCOUNTS_NAME_MAX
                              ? s->empty[i].name_len
                              : ACCOUNTS_NAME_MAX;
            sum->empty[i] = s->empty[i];
            sum->empty[i].name = arena_strndup(a, s->names[i], keep);
            *bytes += keep + 1;
        }
    }
    sum->nempty = s->nempty;
    sum->nempty_all = s->nempty_all;
    sum->user = s->user;
    sum->user_found = s->user_found;
    sum->user_uid = s->user_uid;
    sum->user_line = s->user_line_no;
    return sum;
}

bool accounts_uid(const accounts_summary *passwd, const char *name,
                  int64_t *uid, uint64_t *line)
{
    if (!passwd || !passwd->user_found || !passwd->user ||
        strcmp(passwd->user, name) != 0)
        return false;
    *uid = passwd->user_uid;
    *line = passwd->user_line;
    return true;
}

void accounts_report(img_findings *f, int layer, const char *path,
                     const char *as, const char *how,
                     const accounts_summary *s)
{
    char via[1024] = "";
    if (how)
        snprintf(via, sizeof(via), ", which is %s", how);
    for (size_t i = 0; i < s->nempty; i++) {
        const accounts_user *u = &s->empty[i];
        int n = (int)strlen(u->name);
        const char *cut = u->name_len > (size_t)n ? "..." : "";
        findings_add(f, "image-empty-password", layer, path, KIND_FINAL_FS,
                     "user '%.*s%s' has an empty password in %s (line "
                     "%llu%s): anyone can log in as '%.*s%s' without one; "
                     "lock the account ('!' or '*' in the password field, "
                     "or passwd -l %.*s%s)",
                     n, u->name, cut, as, (unsigned long long)u->line, via,
                     n, u->name, cut, n, u->name, cut);
    }
    if (s->nempty_all > s->nempty)
        findings_add(f, "image-empty-password", layer, path, KIND_FINAL_FS,
                     "%llu more users have an empty password in %s%s (the "
                     "first %zu are listed)",
                     (unsigned long long)(s->nempty_all - s->nempty), as, via,
                     s->nempty);
}
