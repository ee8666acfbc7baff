/*
 * Go's archive/tar reader, header for header (reader.go, format.go,
 * strconv.go, common.go of Go 1.19 to 1.25). The rules it follows, in
 * Go's order; every place Go returns an error is an error here, and
 * nothing is read that Go does not read.
 *
 * Blocks. A header is a 512-byte block. A zero block is the end if the
 * next block is also zero or the stream ends there; a zero block followed
 * by any other block is an error (libarchive stops at the first zero
 * block and never looks further). The stream ending exactly between
 * blocks is a clean end, even between the pax header of an entry and the
 * entry itself, and so is the stream ending inside the padding after
 * data; ending inside a block or inside data is an error.
 *
 * Checksum and format (getFormat). The checksum field is an octal number
 * (see numbers below) that must equal the unsigned or the signed sum of
 * the block with the field taken as spaces. Then the magic decides:
 * "ustar\0" with "tar\0" at offset 508 is star, "ustar\0" alone is
 * USTAR/pax, "ustar " with version " \0" is GNU, anything else V7.
 *
 * Fields (readHeader). Name (0, 100 bytes) and link name (157, 100) are
 * taken up to their first NUL. Size, mode, uid, gid and mtime are numbers
 * in every format; devmajor and devminor too in all but V7. The name gets
 * a prefix ("prefix/name", even when the prefix ends in '/') from:
 *   - USTAR/pax: the 155 bytes at 345;
 *   - star: the 131 bytes at 345, and the atime and ctime at 476 and 488
 *     must be numbers (libarchive has no star case: it takes 155 bytes,
 *     reading the star times as part of the name);
 *   - GNU: no prefix, unless an atime (345) or ctime (357) field that
 *     does not start with NUL fails to parse as a number: then the 155
 *     bytes at 345 are the prefix if they are ASCII (a fallback for
 *     archives written by Go before 1.8).
 * Numbers: when the first byte has its high bit set, the rest is a
 * big-endian two's complement number (base-256; more than 63 bits is an
 * error); otherwise spaces and NULs are trimmed from both ends, the rest
 * is cut at its first NUL and must be all octal digits (an embedded space,
 * a tab or a sign is an error, where libarchive stops at the first
 * non-digit). Any bad number makes the whole header an error.
 *
 * Size. Links, symlinks, devices, directories and fifos ('1' to '6')
 * have no data whatever their size says (libarchive reads data after a
 * hard link in a pax archive); any other type has as much data as its
 * size, rounded up to a block, and a negative size is an error.
 *
 * Extended headers (next). Typeflags 'x' and 'g' carry pax records, 'L'
 * and 'K' a GNU long name or link name (cut at its first NUL); their body
 * may be at most 1 MiB. A later 'x' replaces the records of an earlier
 * one (libarchive merges them), a later 'L' or 'K' the earlier one. A 'g'
 * header is returned as an entry of its own, typeflag 'g', named by its
 * header (or a path record in it); libarchive skips it. Every other
 * typeflag is an entry, returned with its typeflag as is: 'A', 'V' and
 * 'X', which libarchive takes for headers belonging to the next entry,
 * and 'D', 'M', 'N' ... which libarchive reads as directories or files.
 * A typeflag of NUL becomes '5' when the final name ends in '/', else '0'.
 *
 * pax records (parsePAXRecord): "LEN KEY=VALUE\n" where LEN is what Go's
 * strconv.ParseInt accepts (a '+' or '-' sign, digits), at least 5 and no
 * more than what is left, counting its own digits; the record must end in
 * '\n' and hold an '='. A key that is empty or holds a NUL, or a NUL in
 * the value of path, linkpath, uname or gname, is an error; so are
 * GNU.sparse.offset and GNU.sparse.numbytes records out of turn or
 * holding a ','. The last record of a key wins. Applying them (mergePAX):
 * an empty value changes nothing; path and linkpath replace the name and
 * link name; size, uid and gid must be decimal (ParseInt) and replace
 * the header's; atime, mtime and ctime must be "SECONDS[.DIGITS]".
 *
 * Precedence of names: the GNU long name (and link) wins over the pax
 * path (and linkpath), whatever their order in the archive; libarchive
 * lets whichever header comes first win. The GNU.sparse.name record of a
 * sparse file wins over both.
 *
 * Sparse files. Typeflag 'S' (old GNU) needs the GNU magic; its size is
 * the real size at 483, its map the four entries at 386 and, while the
 * byte at 482 (then 504) is set, 512-byte extension blocks of 21 entries
 * each that sit between the header and the data, up to 1 MiB of them. A
 * pax sparse file is one with GNU.sparse.major/minor 0.0, 0.1 or 1.0, or
 * without them a GNU.sparse.map; an unknown version is a plain file. Its
 * size becomes GNU.sparse.size (or GNU.sparse.realsize). Version 1.0
 * keeps its map, newline-separated decimal numbers, in whole blocks at
 * the start of the data, at most 1 MiB; 0.x in GNU.sparse.numblocks and
 * GNU.sparse.map. Entries must not be negative, overlap, go backwards or
 * reach past the size, and a link, directory or device cannot be sparse.
 */
#include "image/gotar.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "util/xalloc.h"

#define BLOCK 512
/* Go's maxSparseFileEntries. */
#define MAX_SPARSE_ENTRIES (1u << 20)

enum {
    ST_HEADER,     /* reading a header block */
    ST_ZERO,       /* after a zero block: reading the next one */
    ST_SPECIAL,    /* reading a pax header or a GNU long name */
    ST_SPARSE_EXT, /* reading an old GNU sparse extension block */
    ST_SPARSE_MAP, /* reading the GNU sparse 1.0 map from the data */
    ST_DATA,       /* skipping file data */
    ST_PAD,        /* skipping the padding after it */
    ST_END,
    ST_ERROR,
};

/* The pax records Go acts on. */
enum {
    PAX_PATH, PAX_LINKPATH, PAX_SIZE, PAX_UID, PAX_GID, PAX_ATIME,
    PAX_MTIME, PAX_CTIME, SP_MAJOR, SP_MINOR, SP_NAME, SP_SIZE, SP_REALSIZE,
    SP_NUMBLOCKS, SP_MAP, PAX_NKEYS
};

static const char *const pax_keys[PAX_NKEYS] = {
    "path", "linkpath", "size", "uid", "gid", "atime", "mtime", "ctime",
    "GNU.sparse.major", "GNU.sparse.minor", "GNU.sparse.name",
    "GNU.sparse.size", "GNU.sparse.realsize", "GNU.sparse.numblocks",
    "GNU.sparse.map",
};

typedef struct pax_value {
    char *s;   /* NULL when absent; may hold NUL bytes (not path etc.) */
    size_t len;
} pax_value;

struct gotar {
    int state;
    uint64_t pos;            /* stream bytes consumed */
    unsigned char blk[BLOCK];
    size_t blk_len;          /* bytes of blk filled */
    /* The headers of the entry being read (one call of Go's next()). */
    bool in_chain;
    uint64_t chain_offset;
    pax_value pax[PAX_NKEYS];
    char *long_name, *long_link;
    /* A pax header or GNU long name being read. */
    char special_type;
    char *special;
    size_t special_len, special_size;
    char *special_name;      /* the name of a 'g' header */
    /* The entry whose sparse map is being read. */
    gotar_entry cur;
    uint64_t phys;           /* its bytes of data in the stream */
    size_t sparse_total;     /* old GNU: bytes of sparse arrays read */
    uint64_t sparse_count;
    int64_t sparse_end;      /* end of the previous sparse entry */
    uint64_t sparse_data;    /* bytes of data its map accounts for */
    bool sparse_bad;         /* entries out of order or out of range */
    char *map;               /* GNU sparse 1.0: the map blocks read */
    size_t map_len;
    uint64_t map_newlines;
    /* What to skip. */
    uint64_t data_left, pad_left;
    /* Entries read and not yet taken. */
    gotar_entry *q;
    size_t q_head, q_len, q_cap;
    char err[200];
    uint64_t err_offset;
};

/* ------------------------------------------------------------ helpers */

static void fail(gotar *g, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(gotar *g, uint64_t offset, const char *fmt, ...)
{
    if (g->state == ST_ERROR)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->err, sizeof(g->err), fmt, ap);
    va_end(ap);
    g->err_offset = offset;
    g->state = ST_ERROR;
}

static uint64_t padding(uint64_t n)
{
    return (BLOCK - n % BLOCK) % BLOCK;
}

static bool header_only(char type)
{
    return type >= '1' && type <= '6';
}

static bool is_zero(const unsigned char *b)
{
    for (size_t i = 0; i < BLOCK; i++)
        if (b[i])
            return false;
    return true;
}

/* Go's parseString: up to the first NUL. */
static char *field_string(const unsigned char *f, size_t n)
{
    const unsigned char *nul = memchr(f, 0, n);
    return xstrndup((const char *)f, nul ? (size_t)(nul - f) : n);
}

/* Go's parseOctal. */
static bool parse_octal(const unsigned char *b, size_t n, int64_t *out)
{
    size_t lo = 0, hi = n;
    while (lo < hi && (b[lo] == ' ' || b[lo] == 0))
        lo++;
    while (hi > lo && (b[hi - 1] == ' ' || b[hi - 1] == 0))
        hi--;
    *out = 0;
    if (lo == hi)
        return true;
    const unsigned char *nul = memchr(b + lo, 0, hi - lo);
    if (nul)
        hi = (size_t)(nul - b);
    uint64_t x = 0;
    for (size_t i = lo; i < hi; i++) {
        if (b[i] < '0' || b[i] > '7' || (x >> 61))
            return false; /* ParseUint(s, 8, 64): syntax or range */
        x = x * 8 + (uint64_t)(b[i] - '0');
    }
    *out = (int64_t)x;
    return true;
}

/* Go's parseNumeric: base-256 or octal. */
static bool parse_numeric(const unsigned char *b, size_t n, int64_t *out)
{
    if (n > 0 && (b[0] & 0x80)) {
        unsigned char inv = (b[0] & 0x40) ? 0xff : 0;
        uint64_t x = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = b[i] ^ inv;
            if (i == 0)
                c &= 0x7f;
            if (x >> 56)
                return false;
            x = x << 8 | c;
        }
        if (x >> 63)
            return false;
        *out = inv ? (int64_t)~x : (int64_t)x;
        return true;
    }
    return parse_octal(b, n, out);
}

/* Go's parsePAXTime. */
static bool pax_time_ok(const char *s, size_t n)
{
    const char *dot = memchr(s, '.', n);
    size_t secs = dot ? (size_t)(dot - s) : n;
    int64_t v;
    if (!go_atoi(s, secs, &v))
        return false;
    for (size_t i = secs + (dot != NULL); i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool all_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static char *join_name(char *prefix, char *name)
{
    if (!*prefix) {
        free(prefix);
        return name;
    }
    size_t p = strlen(prefix), n = strlen(name);
    char *s = xmalloc(p + 1 + n + 1);
    memcpy(s, prefix, p);
    s[p] = '/';
    memcpy(s + p + 1, name, n + 1);
    free(prefix);
    free(name);
    return s;
}

static bool value_is(const pax_value *v, const char *s)
{
    size_t n = strlen(s);
    return v->s ? v->len == n && memcmp(v->s, s, n) == 0 : n == 0;
}

static void clear_pax(pax_value *pax)
{
    for (size_t i = 0; i < PAX_NKEYS; i++) {
        free(pax[i].s);
        pax[i].s = NULL;
        pax[i].len = 0;
    }
}

/* Forget the headers read for this entry (Go's next() returning). */
static void end_chain(gotar *g)
{
    clear_pax(g->pax);
    free(g->long_name);
    free(g->long_link);
    g->long_name = g->long_link = NULL;
    g->in_chain = false;
}

static void free_entry(gotar_entry *e)
{
    free(e->name);
    free(e->link);
    e->name = e->link = NULL;
}

static void push(gotar *g, gotar_entry *e)
{
    if (g->q_len == g->q_cap) {
        size_t cap = g->q_cap ? 2 * g->q_cap : 16;
        gotar_entry *q = xreallocarray(NULL, cap, sizeof(*q));
        for (size_t i = 0; i < g->q_len; i++)
            q[i] = g->q[(g->q_head + i) % g->q_cap];
        free(g->q);
        g->q = q;
        g->q_cap = cap;
        g->q_head = 0;
    }
    g->q[(g->q_head + g->q_len) % g->q_cap] = *e;
    g->q_len++;
    e->name = e->link = NULL;
}

/* ------------------------------------------------------------- pax */

static int pax_index(const char *k, size_t n)
{
    for (int i = 0; i < PAX_NKEYS; i++)
        if (strlen(pax_keys[i]) == n && memcmp(pax_keys[i], k, n) == 0)
            return i;
    return -1;
}

static bool key_is(const char *k, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(k, s, n) == 0;
}

static void set_value(pax_value *v, const char *s, size_t n)
{
    free(v->s);
    v->s = xmalloc(n + 1);
    memcpy(v->s, s, n);
    v->s[n] = '\0';
    v->len = n;
}

/* Go's parsePAX over a whole body: the records into out[]. */
static bool parse_pax(const char *s, size_t len, pax_value *out)
{
    char *map = NULL;
    size_t map_len = 0, map_items = 0;
    bool ok = false;
    while (len > 0) {
        const char *sp = memchr(s, ' ', len);
        if (!sp)
            goto done;
        size_t nlen = (size_t)(sp - s);
        int64_t n;
        if (!go_atoi(s, nlen, &n) || n < 5 || (uint64_t)n > len)
            goto done;
        n -= (int64_t)nlen + 1;
        if (n <= 0)
            goto done;
        const char *rest = sp + 1;
        size_t rest_len = len - nlen - 1;
        if (rest[n - 1] != '\n')
            goto done;
        const char *rec = rest;
        size_t rec_len = (size_t)n - 1;
        const char *eq = memchr(rec, '=', rec_len);
        if (!eq)
            goto done;
        const char *k = rec, *v = eq + 1;
        size_t klen = (size_t)(eq - rec), vlen = rec_len - klen - 1;
        /* validPAXRecord */
        if (klen == 0)
            goto done;
        if (key_is(k, klen, "path") || key_is(k, klen, "linkpath") ||
            key_is(k, klen, "uname") || key_is(k, klen, "gname")) {
            if (memchr(v, 0, vlen))
                goto done;
        } else if (memchr(k, 0, klen)) {
            goto done;
        }
        bool offset = key_is(k, klen, "GNU.sparse.offset");
        if (offset || key_is(k, klen, "GNU.sparse.numbytes")) {
            /* GNU sparse 0.0: offset, numbytes, offset ... into a map. */
            if (offset != (map_items % 2 == 0) || memchr(v, ',', vlen))
                goto done;
            map = xrealloc(map, map_len + vlen + 2);
            if (map_items)
                map[map_len++] = ',';
            memcpy(map + map_len, v, vlen);
            map_len += vlen;
            map_items++;
        } else {
            int i = pax_index(k, klen);
            if (i >= 0)
                set_value(&out[i], v, vlen);
        }
        s = rest + n;
        len = rest_len - (size_t)n;
    }
    if (map_items)
        set_value(&out[SP_MAP], map, map_len);
    ok = true;
done:
    free(map);
    return ok;
}

/* --------------------------------------------------------- sparse maps */

/* appendSparseEntry, with validateSparseEntries done as entries come. */
static bool add_sparse(gotar *g, int64_t off, int64_t len)
{
    if (g->sparse_count >= MAX_SPARSE_ENTRIES)
        return false;
    g->sparse_count++;
    if (off < 0 || len < 0 || off > INT64_MAX - len ||
        off + len > g->cur.size || g->sparse_end > off)
        g->sparse_bad = true;
    else
        g->sparse_end = off + len;
    g->sparse_data += (uint64_t)(len > 0 ? len : 0);
    return true;
}

static void start_data(gotar *g);

/* The entry's headers and map are read: queue it. */
static void finish_entry(gotar *g)
{
    /* Go reads a sparse file's data through its map and fails when the
     * map accounts for more or less data than there is (errMissData,
     * errUnrefData); docker and containerd read every file whole. */
    if (g->cur.sparse && (header_only(g->cur.type) || g->sparse_bad ||
                          g->cur.size < 0 ||
                          g->sparse_data != g->data_left)) {
        fail(g, g->cur.offset, "invalid sparse map of \"%.200s\"",
             g->cur.name);
        return;
    }
    g->cur.data_offset = g->pos;
    g->cur.data_len = g->data_left;
    push(g, &g->cur);
    end_chain(g);
    start_data(g);
}

/* After the headers: skip data, then padding. */
static void start_data(gotar *g)
{
    g->state = g->data_left ? ST_DATA : g->pad_left ? ST_PAD : ST_HEADER;
}

/* Entries of an old GNU sparse array (4 in the header, 21 in an
 * extension block); true when an extension block follows. */
static bool old_gnu_array(gotar *g, const unsigned char *a, size_t entries,
                          bool *more)
{
    for (size_t i = 0; i < entries; i++) {
        const unsigned char *e = a + 24 * i;
        if (e[0] == 0)
            break;
        int64_t off, len;
        if (!parse_numeric(e, 12, &off) || !parse_numeric(e + 12, 12, &len)) {
            fail(g, g->cur.offset, "invalid number in the sparse map of "
                 "\"%.200s\"", g->cur.name);
            return false;
        }
        if (!add_sparse(g, off, len)) {
            fail(g, g->cur.offset, "sparse map too long");
            return false;
        }
    }
    *more = a[24 * entries] != 0;
    return true;
}

/* readGNUSparseMap1x0, once the blocks hold enough lines. */
static void parse_map_1x0(gotar *g, uint64_t entries)
{
    const char *p = g->map, *end = g->map + g->map_len;
    p = memchr(p, '\n', (size_t)(end - p)) + 1; /* the count */
    for (uint64_t i = 0; i < 2 * entries; i += 2) {
        const char *nl1 = memchr(p, '\n', (size_t)(end - p));
        const char *nl2 = memchr(nl1 + 1, '\n', (size_t)(end - nl1 - 1));
        int64_t off, len;
        if (!go_atoi(p, (size_t)(nl1 - p), &off) ||
            !go_atoi(nl1 + 1, (size_t)(nl2 - nl1 - 1), &len)) {
            fail(g, g->cur.offset, "invalid number in the sparse map of "
                 "\"%.200s\"", g->cur.name);
            return;
        }
        if (!add_sparse(g, off, len)) {
            fail(g, g->cur.offset, "sparse map too long");
            return;
        }
        p = nl2 + 1;
    }
    free(g->map);
    g->map = NULL;
    finish_entry(g);
}

/* One more block of the 1.0 map: parse it once the lines are there. */
static void map_block(gotar *g)
{
    if (g->map_len + BLOCK > GOTAR_MAX_SPECIAL) {
        fail(g, g->cur.offset, "sparse map too long");
        return;
    }
    g->map = xrealloc(g->map, g->map_len + BLOCK);
    memcpy(g->map + g->map_len, g->blk, BLOCK);
    g->map_len += BLOCK;
    for (size_t i = 0; i < BLOCK; i++)
        g->map_newlines += g->blk[i] == '\n';
    if (g->map_newlines < 1)
        return;
    const char *nl = memchr(g->map, '\n', g->map_len);
    int64_t n;
    if (!go_atoi(g->map, (size_t)(nl - g->map), &n) || n < 0 ||
        n > INT64_MAX / 2) {
        fail(g, g->cur.offset, "invalid sparse map of \"%.200s\"",
             g->cur.name);
        return;
    }
    if (g->map_newlines - 1 >= 2 * (uint64_t)n)
        parse_map_1x0(g, (uint64_t)n);
}

/* readGNUSparseMap0x1 */
static bool map_0x1(gotar *g)
{
    const pax_value *nb = &g->pax[SP_NUMBLOCKS], *map = &g->pax[SP_MAP];
    int64_t n;
    if (!go_atoi(nb->s ? nb->s : "", nb->len, &n) || n < 0 ||
        n > INT64_MAX / 2)
        return false;
    const char *p = map->s ? map->s : "";
    size_t len = map->s ? map->len : 0;
    uint64_t fields = 0;
    if (len) {
        fields = 1;
        for (size_t i = 0; i < len; i++)
            fields += p[i] == ',';
    }
    if (fields != 2 * (uint64_t)n)
        return false;
    for (uint64_t i = 0; i < fields; i += 2) {
        const char *c1 = memchr(p, ',', (size_t)(map->s + len - p));
        const char *c2 = memchr(c1 + 1, ',', (size_t)(map->s + len - c1 - 1));
        const char *e2 = c2 ? c2 : map->s + len;
        int64_t off, l;
        if (!go_atoi(p, (size_t)(c1 - p), &off) ||
            !go_atoi(c1 + 1, (size_t)(e2 - c1 - 1), &l))
            return false;
        if (!add_sparse(g, off, l)) {
            fail(g, g->cur.offset, "sparse map too long");
            return false;
        }
        p = e2 + 1;
    }
    return true;
}

/* readGNUSparsePAXHeaders: 0 not sparse, 1 version 0.x, 2 version 1.0. */
static int pax_sparse_version(const gotar *g)
{
    const pax_value *major = &g->pax[SP_MAJOR], *minor = &g->pax[SP_MINOR];
    if (value_is(major, "0") && (value_is(minor, "0") || value_is(minor, "1")))
        return 1;
    if (value_is(major, "1") && value_is(minor, "0"))
        return 2;
    if (!value_is(major, "") || !value_is(minor, ""))
        return 0; /* an unknown version: a plain file */
    return value_is(&g->pax[SP_MAP], "") ? 0 : 1;
}

/* -------------------------------------------------------------- headers */

/* mergePAX: the records of the last 'x' header into the entry. */
static bool merge_pax(gotar *g, gotar_entry *e)
{
    for (int i = 0; i < PAX_NKEYS; i++) {
        const pax_value *v = &g->pax[i];
        if (!v->s || v->len == 0)
            continue; /* keeps the header's value */
        int64_t n = 0;
        switch (i) {
        case PAX_PATH:
            free(e->name);
            e->name = xstrdup(v->s);
            break;
        case PAX_LINKPATH:
            free(e->link);
            e->link = xstrdup(v->s);
            break;
        case PAX_SIZE:
        case PAX_UID:
        case PAX_GID:
            if (!go_atoi(v->s, v->len, &n))
                return false;
            if (i == PAX_SIZE)
                e->size = n;
            else if (i == PAX_UID)
                e->uid = n;
            else
                e->gid = n;
            break;
        case PAX_ATIME:
        case PAX_MTIME:
        case PAX_CTIME:
            if (!pax_time_ok(v->s, v->len))
                return false;
            break;
        default:
            break;
        }
    }
    return true;
}

/* A header that is not an extended header: the entry. */
static void read_entry(gotar *g, gotar_entry *e, uint64_t at)
{
    if (!merge_pax(g, e)) {
        fail(g, at, "invalid pax record for \"%.200s\"", e->name);
        return;
    }
    if (g->long_name && *g->long_name) {
        free(e->name);
        e->name = xstrdup(g->long_name);
    }
    if (g->long_link && *g->long_link) {
        free(e->link);
        e->link = xstrdup(g->long_link);
    }
    if (e->type == '\0') {
        size_t n = strlen(e->name);
        e->type = n && e->name[n - 1] == '/' ? '5' : '0';
    }
    int64_t nb = header_only(e->type) ? 0 : e->size;
    if (nb < 0) {
        fail(g, at, "negative size for \"%.200s\"", e->name);
        return;
    }
    g->phys = (uint64_t)nb;
    g->data_left = (uint64_t)nb;
    g->pad_left = padding((uint64_t)nb);
    g->cur = *e;
    e->name = e->link = NULL;
    g->sparse_count = 0;
    g->sparse_data = 0;
    g->sparse_end = 0;
    g->sparse_bad = false;
    if (g->cur.type == 'S') {
        /* readOldGNUSparseMap */
        int64_t real;
        if (memcmp(g->blk + 257, "ustar  \0", 8) != 0 ||
            !parse_numeric(g->blk + 483, 12, &real)) {
            fail(g, at, "invalid old GNU sparse header for \"%.200s\"",
                 g->cur.name);
            return;
        }
        g->cur.sparse = true;
        g->cur.size = real;
        g->sparse_total = 97;
        bool more;
        if (!old_gnu_array(g, g->blk + 386, 4, &more))
            return;
        if (more) {
            g->state = ST_SPARSE_EXT;
            return;
        }
        finish_entry(g);
        return;
    }
    int version = pax_sparse_version(g);
    if (version) {
        g->cur.sparse = true;
        if (g->pax[SP_NAME].s && g->pax[SP_NAME].len) {
            if (memchr(g->pax[SP_NAME].s, 0, g->pax[SP_NAME].len)) {
                /* Go keeps the NUL in the name; no file can have it. */
                fail(g, at, "a NUL byte in the sparse name of \"%.200s\"",
                     g->cur.name);
                return;
            }
            free(g->cur.name);
            g->cur.name = xstrdup(g->pax[SP_NAME].s);
        }
        const pax_value *size = g->pax[SP_SIZE].len ? &g->pax[SP_SIZE]
                                                    : &g->pax[SP_REALSIZE];
        if (size->len && !go_atoi(size->s, size->len, &g->cur.size)) {
            fail(g, at, "invalid sparse size for \"%.200s\"", g->cur.name);
            return;
        }
        if (version == 2) {
            g->map_len = 0;
            g->map_newlines = 0;
            g->state = ST_SPARSE_MAP;
            return;
        }
        if (!map_0x1(g)) {
            fail(g, at, "invalid sparse map of \"%.200s\"", g->cur.name);
            return;
        }
    }
    finish_entry(g);
}

/* getFormat's checksum test. */
static bool checksum_ok(const unsigned char *h)
{
    int64_t want;
    if (!parse_octal(h + 148, 8, &want))
        return false;
    /* The unsigned sum first (every writer but old Sun tar uses it): the
     * signed one only when it does not match. */
    uint32_t u = 8 * ' ';
    for (size_t i = 0; i < 148; i++)
        u += h[i];
    for (size_t i = 156; i < BLOCK; i++)
        u += h[i];
    if (want == (int64_t)u)
        return true;
    int32_t s = 8 * ' ';
    for (size_t i = 0; i < BLOCK; i++)
        if (i < 148 || i >= 156)
            s += (signed char)h[i];
    return want == s;
}

static void read_special(gotar *g);

/* A whole header block in g->blk (readHeader, then next()'s switch). */
static void read_header(gotar *g)
{
    const unsigned char *h = g->blk;
    uint64_t at = g->pos - BLOCK;
    if (!checksum_ok(h)) {
        fail(g, at, "invalid tar header (checksum)");
        return;
    }
    bool star = memcmp(h + 257, "ustar\0", 6) == 0 &&
                memcmp(h + 508, "tar\0", 4) == 0;
    bool ustar = !star && memcmp(h + 257, "ustar\0", 6) == 0;
    bool gnu = memcmp(h + 257, "ustar  \0", 8) == 0;
    bool v7 = !star && !ustar && !gnu;

    gotar_entry e = {.type = (char)h[156], .offset = g->chain_offset};
    e.name = field_string(h, 100);
    e.link = field_string(h + 157, 100);
    int64_t mtime, dev;
    bool ok = parse_numeric(h + 124, 12, &e.size) &&
              parse_numeric(h + 100, 8, &e.mode) &&
              parse_numeric(h + 108, 8, &e.uid) &&
              parse_numeric(h + 116, 8, &e.gid) &&
              parse_numeric(h + 136, 12, &mtime);
    if (ok && !v7)
        ok = parse_numeric(h + 329, 8, &dev) && parse_numeric(h + 337, 8, &dev);
    char *prefix = NULL;
    if (ok && ustar) {
        prefix = field_string(h + 345, 155);
    } else if (ok && star) {
        prefix = field_string(h + 345, 131);
        ok = parse_numeric(h + 476, 12, &dev) && parse_numeric(h + 488, 12, &dev);
    } else if (ok && gnu) {
        int64_t t;
        bool times = (h[345] == 0 || parse_numeric(h + 345, 12, &t)) &&
                     (h[357] == 0 || parse_numeric(h + 357, 12, &t));
        if (!times) {
            prefix = field_string(h + 345, 155);
            if (!all_ascii(prefix))
                prefix[0] = '\0';
        }
    }
    if (!ok) {
        free(prefix);
        fail(g, at, "invalid number in the tar header of \"%.200s\"", e.name);
        free_entry(&e);
        return;
    }
    if (prefix)
        e.name = join_name(prefix, e.name);
    int64_t nb = header_only(e.type) ? 0 : e.size;
    if (nb < 0) {
        fail(g, at, "negative size for \"%.200s\"", e.name);
        free_entry(&e);
        return;
    }
    char t = e.type;
    if (t == 'x' || t == 'g' || t == 'L' || t == 'K') {
        if ((uint64_t)nb > GOTAR_MAX_SPECIAL) {
            fail(g, at, "tar extended header too large (%s header of %lld "
                 "bytes; Go reads at most %u)",
                 t == 'x' || t == 'g' ? "a pax" : "a GNU long name",
                 (long long)nb, GOTAR_MAX_SPECIAL);
            free_entry(&e);
            return;
        }
        g->special_type = t;
        g->special_size = (size_t)nb;
        g->special_len = 0;
        g->special = xrealloc(g->special, (size_t)nb + 1);
        free(g->special_name);
        g->special_name = e.name;
        e.name = NULL;
        free_entry(&e);
        g->pad_left = padding((uint64_t)nb);
        g->state = ST_SPECIAL;
        if (nb == 0)
            read_special(g);
        return;
    }
    read_entry(g, &e, at);
    free_entry(&e);
}

/* A pax header or GNU long name read whole. */
static void read_special(gotar *g)
{
    uint64_t at = g->pos - g->special_size;
    at -= BLOCK;
    g->special[g->special_len] = '\0';
    char t = g->special_type;
    if (t == 'x' || t == 'g') {
        pax_value pax[PAX_NKEYS] = {{0}};
        if (!parse_pax(g->special, g->special_len, pax)) {
            clear_pax(pax);
            fail(g, at, "invalid pax header");
            return;
        }
        if (t == 'g') {
            /* Returned as an entry of its own; the headers read so far
             * for the next entry are dropped. */
            gotar_entry e = {.type = 'g', .offset = g->chain_offset,
                             .data_offset = g->pos};
            e.name = pax[PAX_PATH].len ? xstrdup(pax[PAX_PATH].s)
                                       : xstrdup(g->special_name);
            e.link = xstrdup("");
            clear_pax(pax);
            push(g, &e);
            end_chain(g);
        } else {
            clear_pax(g->pax);
            memcpy(g->pax, pax, sizeof(pax));
        }
    } else {
        char **dst = t == 'L' ? &g->long_name : &g->long_link;
        free(*dst);
        *dst = xstrdup(g->special); /* up to the first NUL */
    }
    g->data_left = 0;
    start_data(g);
}

/* --------------------------------------------------------------- feeding */

/* Fill g->blk from p; true once it holds a whole block. */
static bool fill_block(gotar *g, const uint8_t **p, size_t *len)
{
    size_t n = BLOCK - g->blk_len;
    if (n > *len)
        n = *len;
    memcpy(g->blk + g->blk_len, *p, n);
    g->blk_len += n;
    g->pos += n;
    *p += n;
    *len -= n;
    if (g->blk_len < BLOCK)
        return false;
    g->blk_len = 0;
    return true;
}

void gotar_feed(gotar *g, const uint8_t *p, size_t len)
{
    while (len > 0) {
        switch (g->state) {
        case ST_HEADER:
            if (!g->in_chain && g->blk_len == 0) {
                g->in_chain = true;
                g->chain_offset = g->pos;
            }
            if (!fill_block(g, &p, &len))
                break;
            if (is_zero(g->blk))
                g->state = ST_ZERO;
            else
                read_header(g);
            break;
        case ST_ZERO:
            if (!fill_block(g, &p, &len))
                break;
            if (is_zero(g->blk))
                g->state = ST_END;
            else
                fail(g, g->pos - BLOCK, "a header after a zero block (Go "
                     "reads two zero blocks as the end, one as an error)");
            break;
        case ST_SPECIAL: {
            size_t n = g->special_size - g->special_len;
            if (n > len)
                n = len;
            memcpy(g->special + g->special_len, p, n);
            g->special_len += n;
            g->pos += n;
            p += n;
            len -= n;
            if (g->special_len == g->special_size)
                read_special(g);
            break;
        }
        case ST_SPARSE_EXT:
            if (!fill_block(g, &p, &len))
                break;
            /* Go counts the block before it reads its entries. */
            g->sparse_total += BLOCK;
            if (g->sparse_total >= GOTAR_MAX_SPECIAL) {
                fail(g, g->cur.offset, "sparse map too long");
                break;
            }
            {
                bool more;
                if (old_gnu_array(g, g->blk, 21, &more) && !more)
                    finish_entry(g);
            }
            break;
        case ST_SPARSE_MAP:
            if (g->data_left < BLOCK) {
                /* The map needs a block the data does not have. */
                fail(g, g->cur.offset, "truncated sparse map of \"%.200s\"",
                     g->cur.name);
                break;
            }
            if (!fill_block(g, &p, &len))
                break;
            g->data_left -= BLOCK;
            map_block(g);
            break;
        case ST_DATA:
        case ST_PAD: {
            uint64_t *left = g->state == ST_DATA ? &g->data_left : &g->pad_left;
            size_t n = *left < len ? (size_t)*left : len;
            *left -= n;
            g->pos += n;
            p += n;
            len -= n;
            if (*left == 0)
                start_data(g);
            break;
        }
        default: /* ST_END, ST_ERROR: Go reads no further */
            return;
        }
    }
}

void gotar_finish(gotar *g)
{
    switch (g->state) {
    case ST_HEADER:
    case ST_ZERO:
        if (g->blk_len == 0) {
            g->state = ST_END; /* io.EOF between blocks */
            return;
        }
        break;
    case ST_PAD:
        g->state = ST_END; /* EOF in padding: io.EOF */
        return;
    case ST_END:
    case ST_ERROR:
        return;
    default:
        break;
    }
    fail(g, g->pos, "unexpected end of the tar stream");
}

uint64_t gotar_skippable(const gotar *g)
{
    if (g->state == ST_DATA)
        return g->data_left + g->pad_left;
    if (g->state == ST_PAD)
        return g->pad_left;
    return 0;
}

void gotar_skip(gotar *g, uint64_t n)
{
    if (g->state == ST_DATA) {
        uint64_t k = n < g->data_left ? n : g->data_left;
        g->data_left -= k;
        g->pos += k;
        n -= k;
        if (g->data_left == 0)
            start_data(g);
    }
    if (g->state == ST_PAD) {
        uint64_t k = n < g->pad_left ? n : g->pad_left;
        g->pad_left -= k;
        g->pos += k;
        if (g->pad_left == 0)
            start_data(g);
    }
}

/* ------------------------------------------------------------- the rest */

gotar *gotar_new(void)
{
    return xcalloc(1, sizeof(gotar));
}

void gotar_reset(gotar *g)
{
    while (g->q_len)
        gotar_pop(g);
    end_chain(g);
    free_entry(&g->cur);
    free(g->special);
    free(g->special_name);
    free(g->map);
    gotar_entry *q = g->q;
    size_t cap = g->q_cap;
    memset(g, 0, sizeof(*g));
    g->q = q;
    g->q_cap = cap;
}

void gotar_free(gotar *g)
{
    if (!g)
        return;
    gotar_reset(g);
    free(g->q);
    free(g);
}

const gotar_entry *gotar_peek(const gotar *g)
{
    return g->q_len ? &g->q[g->q_head] : NULL;
}

void gotar_pop(gotar *g)
{
    if (!g->q_len)
        return;
    free_entry(&g->q[g->q_head]);
    g->q_head = (g->q_head + 1) % g->q_cap;
    g->q_len--;
}

bool gotar_ended(const gotar *g)
{
    return g->state == ST_END;
}

const char *gotar_error(const gotar *g)
{
    return g->state == ST_ERROR ? g->err : NULL;
}

uint64_t gotar_error_offset(const gotar *g)
{
    return g->err_offset;
}

uint64_t gotar_position(const gotar *g)
{
    return g->pos;
}

bool gotar_known_type(char type)
{
    return (type >= '0' && type <= '7') || type == 'S';
}
