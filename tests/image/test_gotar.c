/*
 * Go's archive/tar reading, header by header: the cases where libarchive
 * reads otherwise, numbers, pax records, zero blocks, sparse maps, and
 * any split of the stream into pieces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/gotar.h"

/* ----------------------------------------------------- writing blocks */

typedef struct tarbuf {
    unsigned char data[64 * 512];
    size_t len;
} tarbuf;

static void checksum(unsigned char *h)
{
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (size_t i = 0; i < 512; i++)
        sum += h[i];
    char field[16];
    snprintf(field, sizeof(field), "%06o", sum);
    memcpy(h + 148, field, 7);
}

/* A header block; `magic` is "ustar\0" "00", "ustar  \0" or "". */
static unsigned char *header(tarbuf *t, const char *name, char type,
                             size_t size, const char *magic, size_t mlen)
{
    unsigned char *h = t->data + t->len;
    memset(h, 0, 512);
    memcpy(h, name, strlen(name));
    memcpy(h + 100, "0000644", 8);
    memcpy(h + 108, "0000000", 8);
    memcpy(h + 116, "0000000", 8);
    snprintf((char *)h + 124, 12, "%011zo", size);
    memcpy(h + 136, "14000000000", 12);
    h[156] = (unsigned char)type;
    memcpy(h + 257, magic, mlen);
    checksum(h);
    t->len += 512;
    return h;
}

#define USTAR "ustar\0" "00", 8
#define GNU "ustar  \0", 8

static void body(tarbuf *t, const char *data, size_t len)
{
    memcpy(t->data + t->len, data, len);
    t->len += (len + 511) / 512 * 512;
}

static void member(tarbuf *t, const char *name, char type, const char *data)
{
    size_t len = data ? strlen(data) : 0;
    header(t, name, type, len, USTAR);
    if (len)
        body(t, data, len);
}

static void pax(tarbuf *t, const char *records)
{
    header(t, "PaxHeader", 'x', strlen(records), USTAR);
    body(t, records, strlen(records));
}

static void end(tarbuf *t)
{
    t->len += 1024;
}

/* ----------------------------------------------------------- reading */

/* Feed t in pieces of `piece` bytes; the entries' names joined by '|'
 * (typeflag and size after a ':'), then "END" or "ERROR". */
static char *read_all(const tarbuf *t, size_t piece)
{
    static char out[8192];
    out[0] = '\0';
    gotar *g = gotar_new();
    for (size_t off = 0;; off += piece) {
        if (off < t->len) {
            size_t n = t->len - off < piece ? t->len - off : piece;
            gotar_feed(g, t->data + off, n);
        } else {
            gotar_finish(g);
        }
        const gotar_entry *e;
        while ((e = gotar_peek(g)) != NULL) {
            size_t len = strlen(out);
            snprintf(out + len, sizeof(out) - len, "%s%s%s:%c:%lld|",
                     e->name, e->link[0] ? "->" : "", e->link, e->type,
                     (long long)e->size);
            gotar_pop(g);
        }
        if (gotar_error(g) || gotar_ended(g) || off >= t->len)
            break;
    }
    strcat(out, gotar_error(g) ? "ERROR" : gotar_ended(g) ? "END" : "MORE");
    gotar_free(g);
    return out;
}

/* The same result whatever the pieces. */
static void expect(const tarbuf *t, const char *want)
{
    static const size_t pieces[] = {1, 7, 511, 512, 513, 4096, 1 << 20};
    for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++)
        assert_string_equal(read_all(t, pieces[i]), want);
}

static void test_plain(void **state)
{
    (void)state;
    tarbuf t = {0};
    member(&t, "etc/", '5', NULL);
    member(&t, "etc/passwd", '0', "root:x:0:0::/:/bin/sh\n");
    header(&t, "old", '\0', 3, "", 0); /* V7, typeflag NUL */
    body(&t, "abc", 3);
    header(&t, "dir/", '\0', 0, "", 0);
    member(&t, "hl", '1', NULL);
    end(&t);
    expect(&t, "etc/:5:0|etc/passwd:0:22|old:0:3|dir/:5:0|hl:1:0|END");
}

/* Star: a 131-byte prefix; libarchive takes 155 bytes. */
static void test_star_prefix(void **state)
{
    (void)state;
    tarbuf t = {0};
    unsigned char *h = header(&t, "credentials", '0', 0, USTAR);
    memset(h + 345, 'x', 118);
    memcpy(h + 345 + 118, "/../root/.aws", 13);
    memcpy(h + 476, "00000000000", 12);
    memcpy(h + 488, "00000000000", 12);
    memcpy(h + 508, "tar", 4);
    checksum(h);
    end(&t);
    char want[400];
    snprintf(want, sizeof(want), "%.118s/../root/.aws/credentials:0:0|END",
             (const char *)h + 345);
    expect(&t, want);
    /* A star time that is not a number is an error to Go. */
    memcpy(h + 476, "0000000000x", 12);
    checksum(h);
    expect(&t, "ERROR");
}

/* The GNU long name wins over the pax path, in either order; the GNU
 * sparse name over both. */
static void test_name_precedence(void **state)
{
    (void)state;
    tarbuf t = {0};
    pax(&t, "17 path=pax/name\n");
    header(&t, "././@LongLink", 'L', 9, GNU);
    body(&t, "gnu/name", 9);
    member(&t, "ustar", '0', NULL);
    header(&t, "././@LongLink", 'L', 9, GNU);
    body(&t, "gnu/two\0x", 9);
    pax(&t, "17 path=pax/name\n");
    member(&t, "ustar", '0', NULL);
    pax(&t, "19 linkpath=target\n");
    header(&t, "././@LongLink", 'K', 5, GNU);
    body(&t, "gnu/", 5);
    member(&t, "sl", '2', NULL);
    end(&t);
    expect(&t, "gnu/name:0:0|gnu/two:0:0|sl->gnu/:2:0|END");
}

/* Go's octal: trimmed of spaces and NULs, cut at a NUL, digits only. */
static void test_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *field;
        const char *want;
    } cases[] = {
        {"00000000003", "f:0:3|END"},
        {"   3       ", "f:0:3|END"},
        {"3\0garbage!!", "f:0:3|END"},
        {"\0\0\0\0\0\0\0\0\0\0\0", "f:0:0|END"},
        {"0000 000003", "ERROR"},
        {"\t0000000003", "ERROR"},
        {"00000000009", "ERROR"},
        {"+0000000003", "ERROR"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tarbuf t = {0};
        unsigned char *h = header(&t, "f", '0', 0, USTAR);
        memcpy(h + 124, cases[i].field, 11);
        h[135] = 0;
        checksum(h);
        t.len += 512; /* data (at most 3 bytes) */
        end(&t);
        expect(&t, cases[i].want);
    }
    /* base-256 sizes, and a negative one. */
    tarbuf t = {0};
    unsigned char *h = header(&t, "big", '0', 0, USTAR);
    memset(h + 124, 0, 12);
    h[124] = 0x80;
    h[135] = 3;
    checksum(h);
    t.len += 512;
    end(&t);
    expect(&t, "big:0:3|END");
    memset(h + 124, 0xff, 12);
    checksum(h);
    expect(&t, "ERROR");
}

static void test_checksum(void **state)
{
    (void)state;
    tarbuf t = {0};
    unsigned char *h = header(&t, "f", '0', 0, USTAR);
    h[0] = 'g'; /* not counted */
    end(&t);
    expect(&t, "ERROR");
    /* The signed sum (Sun tar) is accepted too. */
    memset(h, 0, 512);
    t.len = 0;
    h = header(&t, "\xe9t\xe9", '0', 0, USTAR);
    memset(h + 148, ' ', 8);
    int sum = 0;
    for (size_t i = 0; i < 512; i++)
        sum += (signed char)h[i];
    char field[16];
    snprintf(field, sizeof(field), "%06o", sum);
    memcpy(h + 148, field, 7);
    end(&t);
    expect(&t, "\xe9t\xe9:0:0|END");
}

/* One zero block ends nothing when a header follows. */
static void test_zero_blocks(void **state)
{
    (void)state;
    tarbuf t = {0};
    member(&t, "a", '0', "a");
    t.len += 512;
    member(&t, "hidden", '0', "b");
    end(&t);
    expect(&t, "a:0:1|ERROR");
    /* A zero block and the end of the stream: the end. */
    tarbuf u = {0};
    member(&u, "a", '0', "a");
    u.len += 512;
    expect(&u, "a:0:1|END");
    /* The end of the stream between blocks, or in padding: the end; in
     * data or in a block: an error. */
    tarbuf v = {0};
    member(&v, "a", '0', "abc");
    v.len -= 100;
    expect(&v, "a:0:3|END");
    v.len = 512 + 2;
    expect(&v, "a:0:3|ERROR");
    v.len = 300;
    expect(&v, "ERROR");
}

#define REC(s) s, sizeof(s) - 1

static void test_pax_records(void **state)
{
    (void)state;
    static const struct {
        const char *records;
        size_t len;
        const char *want;
    } cases[] = {
        {REC("13 path=name\n"), "name:0:0|END"},
        {REC("+14 path=name\n"), "name:0:0|END"},   /* ParseInt's sign */
        {REC("8 path=\n"), "ustar:0:0|END"},        /* empty: ustar's name */
        {REC("13 path=name\n13 path=last\n"), "last:0:0|END"},
        {REC("12 path=name\n"), "ERROR"},           /* no '\n' at its end */
        {REC("4 a=\n"), "ERROR"},                   /* shorter than 5 */
        {REC("13 path=na\0e\n"), "ERROR"},          /* NUL in a path */
        {REC("10 =value\n"), "ERROR"},              /* empty key */
        {REC("11 noequal\n"), "ERROR"},
        {REC("13 mtime=1.x\n"), "ERROR"},           /* applied: checked */
        {REC("12 uid=12x4\n"), "ERROR"},
        {REC("17 comment=a\0b=c\n"), "ustar:0:0|END"}, /* NUL in a value */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tarbuf t = {0};
        header(&t, "PaxHeader", 'x', cases[i].len, USTAR);
        body(&t, cases[i].records, cases[i].len);
        member(&t, "ustar", '0', NULL);
        end(&t);
        expect(&t, cases[i].want);
    }
    /* A second 'x' replaces the first. */
    tarbuf t = {0};
    pax(&t, "13 path=name\n");
    pax(&t, "12 uid=1000\n");
    member(&t, "ustar", '0', NULL);
    end(&t);
    expect(&t, "ustar:0:0|END");
}

/* Go returns 'g' and unknown typeflags as entries of their own, with
 * their data. */
static void test_typeflags(void **state)
{
    (void)state;
    tarbuf t = {0};
    pax(&t, "13 path=name\n");
    header(&t, "global", 'g', 12, USTAR);
    body(&t, "12 uid=1000\n", 12);
    header(&t, "volume", 'V', 0, GNU);
    member(&t, "dump", 'D', "x");
    member(&t, "file", '0', NULL);
    end(&t);
    expect(&t, "global:g:0|volume:V:0|dump:D:1|file:0:0|END");
    assert_true(gotar_known_type('S'));
    assert_false(gotar_known_type('V'));
}

/* A hard link has no data to Go, whatever its size. */
static void test_link_size(void **state)
{
    (void)state;
    tarbuf t = {0};
    pax(&t, "13 path=link\n");
    header(&t, "link", '1', 1024, USTAR);
    member(&t, "inside", '0', "key");
    member(&t, "after", '0', NULL);
    end(&t);
    expect(&t, "link:1:1024|inside:0:3|after:0:0|END");
}

/* Sparse files: old GNU (with an extension block) and pax 1.0. */
static void test_sparse(void **state)
{
    (void)state;
    tarbuf t = {0};
    unsigned char *h = header(&t, "sp", 'S', 1024, GNU);
    memcpy(h + 386, "00000000000", 12);      /* offset 0 */
    memcpy(h + 386 + 12, "00000001000", 12); /* 512 bytes */
    h[482] = 1;                              /* an extension follows */
    memcpy(h + 483, "00000010000", 12);      /* real size 4096 */
    checksum(h);
    unsigned char *ext = t.data + t.len;
    memcpy(ext, "00000004000", 12);          /* offset 2048 */
    memcpy(ext + 12, "00000001000", 12);     /* 512 bytes */
    t.len += 512;
    t.len += 1024;                           /* the data */
    pax(&t, "22 GNU.sparse.major=1\n22 GNU.sparse.minor=0\n"
            "24 GNU.sparse.name=sp10\n28 GNU.sparse.realsize=9999\n");
    header(&t, "GNUSparseFile.0/sp10", '0', 1024, USTAR);
    body(&t, "1\n0\n512\n", 8);
    t.len += 512;
    end(&t);
    expect(&t, "sp:S:4096|sp10:0:9999|END");
    /* A map reaching past the size is an error. */
    memcpy(h + 483, "00000000100", 12);
    checksum(h);
    expect(&t, "ERROR");
}

/* Offsets, for comparing with libarchive's header positions. */
static void test_offsets(void **state)
{
    (void)state;
    tarbuf t = {0};
    member(&t, "a", '0', "abc");
    pax(&t, "13 path=name\n");
    member(&t, "b", '0', "x");
    end(&t);
    gotar *g = gotar_new();
    gotar_feed(g, t.data, t.len);
    const gotar_entry *e = gotar_peek(g);
    assert_int_equal(e->offset, 0);
    assert_int_equal(e->data_offset, 512);
    assert_int_equal(e->data_len, 3);
    gotar_pop(g);
    e = gotar_peek(g);
    assert_string_equal(e->name, "name");
    assert_int_equal(e->offset, 1024);
    assert_int_equal(e->data_offset, 2560);
    gotar_pop(g);
    assert_null(gotar_peek(g));
    assert_true(gotar_ended(g));
    /* Skipping data without feeding it. */
    gotar_reset(g);
    gotar_feed(g, t.data, 512);
    assert_int_equal(gotar_skippable(g), 512);
    gotar_skip(g, 512);
    gotar_feed(g, t.data + 1024, t.len - 1024);
    gotar_pop(g);
    assert_string_equal(gotar_peek(g)->name, "name");
    gotar_free(g);
}

/* Extended headers are bounded: more than 1 MiB is an error, at once. */
static void test_limits(void **state)
{
    (void)state;
    tarbuf t = {0};
    header(&t, "PaxHeader", 'x', GOTAR_MAX_SPECIAL + 1, USTAR);
    expect(&t, "ERROR");
    gotar *g = gotar_new();
    gotar_feed(g, t.data, 512);
    assert_non_null(strstr(gotar_error(g), "too large"));
    gotar_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_star_prefix),
        cmocka_unit_test(test_name_precedence),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_checksum),
        cmocka_unit_test(test_zero_blocks),
        cmocka_unit_test(test_pax_records),
        cmocka_unit_test(test_typeflags),
        cmocka_unit_test(test_link_size),
        cmocka_unit_test(test_sparse),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
