/*
 * Layer decompression: gzip through both back ends (isa-l, zlib), several
 * members, zstd frames and skippable frames, truncation, corruption and
 * zstd windows beyond the limit; with tiny buffers to exercise every
 * resume path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "image/decompress.h"

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
} buf;

/* Appends n bytes to b, which owns its buffer. The sizes here are small:
 * a sum that would wrap, or a failed realloc, ends the test (abort() tells
 * the compiler so, where an unchecked sum let it see a memcpy of SIZE_MAX
 * bytes to a null pointer). */
static void append(buf *b, const void *p, size_t n)
{
    if (n > SIZE_MAX / 4 || b->n > SIZE_MAX / 4)
        abort();
    if (b->n + n + 1 > b->cap) {
        b->cap = 2 * (b->n + n + 1);
        uint8_t *grown = realloc(b->p, b->cap);
        if (!grown)
            abort();
        b->p = grown;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

/* Some compressible but not trivial bytes. */
static buf sample(size_t n, unsigned seed)
{
    buf b = {malloc(n + 1), n, n + 1};
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        b.p[i] = (uint8_t)("etc/passwd root:x:0:0 \n"[(x >> 16) % 23]);
    }
    return b;
}

static buf gzip_of(const buf *in)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    buf out = {malloc(deflateBound(&z, in->n) + 64), 0, 0};
    z.next_in = in->p;
    z.avail_in = (uInt)in->n;
    z.next_out = out.p;
    z.avail_out = (uInt)deflateBound(&z, in->n) + 64;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.n = z.total_out;
    deflateEnd(&z);
    return out;
}

static buf zstd_of(const buf *in, int window_log)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    if (window_log)
        ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, window_log);
    size_t cap = ZSTD_compressBound(in->n) + 64;
    buf out = {malloc(cap), 0, cap};
    /* Streamed without a known size, so the header keeps the window. */
    ZSTD_inBuffer ib = {in->p, in->n, 0};
    ZSTD_outBuffer ob = {out.p, cap, 0};
    while (ib.pos < ib.size)
        assert_false(ZSTD_isError(ZSTD_compressStream2(c, &ob, &ib,
                                                       ZSTD_e_continue)));
    ZSTD_inBuffer none = {NULL, 0, 0};
    size_t r;
    do {
        r = ZSTD_compressStream2(c, &ob, &none, ZSTD_e_end);
        assert_false(ZSTD_isError(r));
    } while (r);
    out.n = ob.pos;
    ZSTD_freeCCtx(c);
    return out;
}

/* Decode all of `in` feeding at most in_step bytes and taking at most
 * out_step at a time. Returns the status of the last call. */
static dec_status decode(dec_backend be, img_compression c, const buf *in,
                         size_t in_step, size_t out_step, buf *out,
                         char *err, size_t errlen)
{
    decoder *d = decoder_new(be);
    decoder_start(d, c);
    uint8_t *tmp = malloc(out_step);
    size_t pos = 0;
    dec_status st;
    int stalls = 0;
    for (;;) {
        size_t avail = in->n - pos < in_step ? in->n - pos : in_step;
        bool eof = pos + avail == in->n;
        size_t used, produced;
        st = decoder_run(d, in->p + pos, avail, eof, &used, tmp, out_step,
                         &produced);
        pos += used;
        append(out, tmp, produced);
        if (st != DEC_MORE)
            break;
        stalls = used || produced ? 0 : stalls + 1;
        assert_true(stalls < 4);
    }
    if (err)
        snprintf(err, errlen, "%s", decoder_error(d));
    free(tmp);
    decoder_free(d);
    return st;
}

static void expect_same(dec_backend be, img_compression c, const buf *packed,
                        const buf *plain, size_t in_step, size_t out_step)
{
    buf out = {0};
    char err[200];
    assert_int_equal(decode(be, c, packed, in_step, out_step, &out, err,
                            sizeof(err)), DEC_END);
    assert_int_equal(out.n, plain->n);
    assert_memory_equal(out.p, plain->p, plain->n);
    free(out.p);
}

static const dec_backend backends[] = {DEC_BACKEND_DEFAULT, DEC_BACKEND_ZLIB};

static void test_sniff(void **state)
{
    (void)state;
    const uint8_t gz[] = {0x1f, 0x8b, 8, 0}, zs[] = {0x28, 0xb5, 0x2f, 0xfd},
                  skip[] = {0x5a, 0x2a, 0x4d, 0x18}, tar[] = {'e', 't', 'c', '/'};
    assert_int_equal(compression_sniff(gz, 4), IMG_COMP_GZIP);
    assert_int_equal(compression_sniff(zs, 4), IMG_COMP_ZSTD);
    assert_int_equal(compression_sniff(skip, 4), IMG_COMP_ZSTD);
    assert_int_equal(compression_sniff(tar, 4), IMG_COMP_NONE);
    assert_int_equal(compression_sniff(gz, 1), IMG_COMP_NONE);
    assert_string_equal(compression_name(IMG_COMP_ZSTD), "zstd");
}

static void test_gzip_backends(void **state)
{
    (void)state;
    buf plain = sample(300000, 1), packed = gzip_of(&plain);
    static const size_t steps[][2] = {{1u << 20, 1u << 20}, {1, 7}, {13, 1},
                                      {4096, 65536}};
    for (size_t b = 0; b < 2; b++)
        for (size_t s = 0; s < 4; s++)
            expect_same(backends[b], IMG_COMP_GZIP, &packed, &plain,
                        steps[s][0], steps[s][1]);
    free(plain.p);
    free(packed.p);
}

static void test_gzip_members(void **state)
{
    (void)state;
    buf a = sample(5000, 2), b = sample(7000, 3);
    buf ga = gzip_of(&a), gb = gzip_of(&b);
    buf both = {0}, plain = {0};
    append(&both, ga.p, ga.n);
    append(&both, gb.p, gb.n);
    append(&plain, a.p, a.n);
    append(&plain, b.p, b.n);
    for (size_t k = 0; k < 2; k++) {
        expect_same(backends[k], IMG_COMP_GZIP, &both, &plain, 1u << 20, 1u << 20);
        expect_same(backends[k], IMG_COMP_GZIP, &both, &plain, 3, 5);
    }
    /* Trailing bytes that are no gzip member end the stream. */
    append(&both, "\0\0\0\0", 4);
    for (size_t k = 0; k < 2; k++)
        expect_same(backends[k], IMG_COMP_GZIP, &both, &plain, 1u << 20, 1u << 20);
    free(a.p), free(b.p), free(ga.p), free(gb.p), free(both.p), free(plain.p);
}

static void test_gzip_truncated_and_corrupt(void **state)
{
    (void)state;
    buf plain = sample(100000, 4), packed = gzip_of(&plain);
    char err[200];
    for (size_t k = 0; k < 2; k++) {
        buf cut = {packed.p, packed.n / 2, 0}, out = {0};
        assert_int_equal(decode(backends[k], IMG_COMP_GZIP, &cut, 1000, 4096,
                                &out, err, sizeof(err)), DEC_ERROR);
        assert_non_null(strstr(err, "truncated"));
        free(out.p);
        /* Only the trailer missing. */
        buf notrailer = {packed.p, packed.n - 4, 0};
        out = (buf){0};
        assert_int_equal(decode(backends[k], IMG_COMP_GZIP, &notrailer, 1u << 20,
                                1u << 20, &out, err, sizeof(err)), DEC_ERROR);
        free(out.p);
        /* A flipped byte of the deflate data or of the checksum. */
        buf bad = {malloc(packed.n), packed.n, packed.n};
        memcpy(bad.p, packed.p, packed.n);
        bad.p[packed.n - 6] ^= 0x55;
        out = (buf){0};
        assert_int_equal(decode(backends[k], IMG_COMP_GZIP, &bad, 1u << 20,
                                1u << 20, &out, err, sizeof(err)), DEC_ERROR);
        free(out.p);
        free(bad.p);
    }
    buf empty = {(uint8_t *)"", 0, 0}, out = {0};
    assert_int_equal(decode(DEC_BACKEND_DEFAULT, IMG_COMP_GZIP, &empty, 10, 10,
                            &out, err, sizeof(err)), DEC_ERROR);
    free(out.p);
    free(plain.p);
    free(packed.p);
}

static void test_zstd(void **state)
{
    (void)state;
    buf a = sample(200000, 5), b = sample(3000, 6);
    buf za = zstd_of(&a, 0), zb = zstd_of(&b, 0);
    /* A skippable frame (as zstd:chunked writes) between two frames. */
    const uint8_t skippable[] = {0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'x', 'y', 'z'};
    buf all = {0}, plain = {0};
    append(&all, za.p, za.n);
    append(&all, skippable, sizeof(skippable));
    append(&all, zb.p, zb.n);
    append(&plain, a.p, a.n);
    append(&plain, b.p, b.n);
    expect_same(DEC_BACKEND_DEFAULT, IMG_COMP_ZSTD, &all, &plain, 1u << 20, 1u << 20);
    expect_same(DEC_BACKEND_DEFAULT, IMG_COMP_ZSTD, &all, &plain, 5, 3);

    char err[200];
    buf cut = {all.p, all.n - 10, 0}, out = {0};
    assert_int_equal(decode(DEC_BACKEND_DEFAULT, IMG_COMP_ZSTD, &cut, 4096, 4096,
                            &out, err, sizeof(err)), DEC_ERROR);
    assert_non_null(strstr(err, "truncated"));
    free(out.p);
    free(a.p), free(b.p), free(za.p), free(zb.p), free(all.p), free(plain.p);
}

static void test_zstd_window_limit(void **state)
{
    (void)state;
    buf plain = sample(1000, 7);
    buf ok = zstd_of(&plain, DECODER_ZSTD_WINDOW_LOG_MAX);
    expect_same(DEC_BACKEND_DEFAULT, IMG_COMP_ZSTD, &ok, &plain, 1u << 20, 1u << 20);
    buf big = zstd_of(&plain, DECODER_ZSTD_WINDOW_LOG_MAX + 2), out = {0};
    char err[200];
    assert_int_equal(decode(DEC_BACKEND_DEFAULT, IMG_COMP_ZSTD, &big, 1u << 20,
                            1u << 20, &out, err, sizeof(err)), DEC_ERROR);
    assert_non_null(strstr(err, "window"));
    free(out.p), free(ok.p), free(big.p), free(plain.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_gzip_backends),
        cmocka_unit_test(test_gzip_members),
        cmocka_unit_test(test_gzip_truncated_and_corrupt),
        cmocka_unit_test(test_zstd),
        cmocka_unit_test(test_zstd_window_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
