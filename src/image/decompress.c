#include "image/decompress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>
#ifdef BOSUN_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "util/xalloc.h"

img_compression compression_sniff(const uint8_t *p, size_t n)
{
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return IMG_COMP_GZIP;
    if (n >= 4 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd && p[0] == 0x28)
        return IMG_COMP_ZSTD;
    /* A skippable frame (0x184D2A50..5F, little-endian) first. */
    if (n >= 4 && (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d &&
        p[3] == 0x18)
        return IMG_COMP_ZSTD;
    return IMG_COMP_NONE;
}

const char *compression_name(img_compression c)
{
    switch (c) {
    case IMG_COMP_GZIP: return "gzip";
    case IMG_COMP_ZSTD: return "zstd";
    case IMG_COMP_NONE: break;
    }
    return "tar";
}

struct decoder {
    img_compression comp;
    bool isal;             /* gzip through isa-l (else zlib) */
    bool in_member;        /* inside a gzip member or a zstd frame */
    unsigned long members; /* completed gzip members / zstd frames */
    char error[160];
#ifdef BOSUN_HAVE_ISAL
    struct inflate_state *isal_state;
#endif
    z_stream z;
    bool z_ready;
    ZSTD_DCtx *zstd;
};

decoder *decoder_new(dec_backend backend)
{
    decoder *d = xcalloc(1, sizeof(*d));
#ifdef BOSUN_HAVE_ISAL
    d->isal = backend == DEC_BACKEND_DEFAULT;
#else
    (void)backend;
#endif
    return d;
}

void decoder_free(decoder *d)
{
    if (!d)
        return;
#ifdef BOSUN_HAVE_ISAL
    free(d->isal_state);
#endif
    if (d->z_ready)
        inflateEnd(&d->z);
    ZSTD_freeDCtx(d->zstd);
    free(d);
}

bool decoder_uses_isal(const decoder *d)
{
    return d->isal;
}

const char *decoder_error(const decoder *d)
{
    return d->error;
}

static dec_status fail(decoder *d, const char *what, const char *detail)
{
    snprintf(d->error, sizeof(d->error), "%s%s%s", what, detail ? ": " : "",
             detail ? detail : "");
    return DEC_ERROR;
}

void decoder_start(decoder *d, img_compression c)
{
    d->comp = c;
    d->in_member = false;
    d->members = 0;
    d->error[0] = '\0';
    if (c == IMG_COMP_ZSTD) {
        if (!d->zstd) {
            d->zstd = ZSTD_createDCtx();
            if (!d->zstd)
                xalloc_die();
        }
        ZSTD_DCtx_reset(d->zstd, ZSTD_reset_session_and_parameters);
        ZSTD_DCtx_setParameter(d->zstd, ZSTD_d_windowLogMax,
                               DECODER_ZSTD_WINDOW_LOG_MAX);
    }
}

/* ------------------------------------------------------------------ gzip */

/* Between gzip members: another member follows only if its magic does;
 * anything else after a complete member is trailing data, which the
 * digest covers but nothing unpacks. */
static dec_status gzip_between_members(decoder *d, const uint8_t *in,
                                       size_t in_len, bool eof)
{
    if (in_len == 0) {
        if (!eof)
            return DEC_MORE;
        return d->members ? DEC_END : fail(d, "empty gzip stream", NULL);
    }
    if (in[0] != 0x1f)
        return d->members ? DEC_END : fail(d, "not gzip data", NULL);
    d->in_member = true;
    return DEC_MORE;
}

#ifdef BOSUN_HAVE_ISAL
static const char *isal_message(int ret)
{
    switch (ret) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid deflate distance";
    case ISAL_INVALID_WRAPPER: return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM: return "gzip checksum mismatch";
    case ISAL_NEED_DICT: return "deflate stream needs a dictionary";
    }
    return "corrupt gzip data";
}

static void isal_begin_member(decoder *d)
{
    if (!d->isal_state)
        d->isal_state = xmalloc(sizeof(*d->isal_state));
    isal_inflate_init(d->isal_state);
    d->isal_state->crc_flag = ISAL_GZIP;
}

static dec_status gzip_isal(decoder *d, const uint8_t *in, size_t in_len,
                            bool eof, size_t *in_used, uint8_t *out,
                            size_t out_cap, size_t *out_len)
{
    struct inflate_state *s = d->isal_state;
    uint32_t in_chunk = in_len > UINT32_MAX ? UINT32_MAX : (uint32_t)in_len;
    uint32_t out_chunk = out_cap > UINT32_MAX ? UINT32_MAX : (uint32_t)out_cap;
    s->next_in = (uint8_t *)in;
    s->avail_in = in_chunk;
    s->next_out = out;
    s->avail_out = out_chunk;
    int ret = isal_inflate(s);
    *in_used = in_chunk - s->avail_in;
    *out_len = out_chunk - s->avail_out;
    if (ret < 0)
        return fail(d, isal_message(ret), NULL);
    if (s->block_state == ISAL_BLOCK_FINISH) {
        d->in_member = false;
        d->members++;
        return DEC_MORE;
    }
    if (*in_used == 0 && *out_len == 0 && eof && in_len == 0)
        return fail(d, "truncated gzip stream", NULL);
    return DEC_MORE;
}
#endif

static dec_status gzip_zlib(decoder *d, const uint8_t *in, size_t in_len,
                            bool eof, size_t *in_used, uint8_t *out,
                            size_t out_cap, size_t *out_len)
{
    z_stream *z = &d->z;
    uInt in_chunk = in_len > UINT_MAX ? UINT_MAX : (uInt)in_len;
    uInt out_chunk = out_cap > UINT_MAX ? UINT_MAX : (uInt)out_cap;
    z->next_in = (Bytef *)in;
    z->avail_in = in_chunk;
    z->next_out = out;
    z->avail_out = out_chunk;
    int ret = inflate(z, Z_NO_FLUSH);
    *in_used = in_chunk - z->avail_in;
    *out_len = out_chunk - z->avail_out;
    if (ret == Z_STREAM_END) {
        d->in_member = false;
        d->members++;
        return DEC_MORE;
    }
    if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT || ret == Z_STREAM_ERROR)
        return fail(d, "corrupt gzip data", z->msg);
    if (ret == Z_MEM_ERROR)
        xalloc_die();
    if (*in_used == 0 && *out_len == 0 && eof && in_len == 0)
        return fail(d, "truncated gzip stream", NULL);
    return DEC_MORE;
}

static void zlib_begin_member(decoder *d)
{
    if (!d->z_ready) {
        memset(&d->z, 0, sizeof(d->z));
        if (inflateInit2(&d->z, 16 + MAX_WBITS) != Z_OK)
            xalloc_die();
        d->z_ready = true;
    } else {
        inflateReset(&d->z);
    }
}

static dec_status run_gzip(decoder *d, const uint8_t *in, size_t in_len,
                           bool eof, size_t *in_used, uint8_t *out,
                           size_t out_cap, size_t *out_len)
{
    if (!d->in_member) {
        dec_status st = gzip_between_members(d, in, in_len, eof);
        if (!d->in_member)
            return st;
#ifdef BOSUN_HAVE_ISAL
        if (d->isal)
            isal_begin_member(d);
        else
#endif
            zlib_begin_member(d);
    }
#ifdef BOSUN_HAVE_ISAL
    if (d->isal)
        return gzip_isal(d, in, in_len, eof, in_used, out, out_cap, out_len);
#endif
    return gzip_zlib(d, in, in_len, eof, in_used, out, out_cap, out_len);
}

/* ------------------------------------------------------------------ zstd */

static dec_status run_zstd(decoder *d, const uint8_t *in, size_t in_len,
                           bool eof, size_t *in_used, uint8_t *out,
                           size_t out_cap, size_t *out_len)
{
    if (in_len == 0 && !d->in_member) {
        if (!eof)
            return DEC_MORE;
        return d->members ? DEC_END : fail(d, "empty zstd stream", NULL);
    }
    ZSTD_inBuffer ib = {in, in_len, 0};
    ZSTD_outBuffer ob = {out, out_cap, 0};
    size_t ret = ZSTD_decompressStream(d->zstd, &ob, &ib);
    *in_used = ib.pos;
    *out_len = ob.pos;
    if (ZSTD_isError(ret)) {
        if (ZSTD_getErrorCode(ret) == ZSTD_error_frameParameter_windowTooLarge)
            return fail(d, "zstd frame needs a window larger than the 32 MiB "
                           "bosun allows", NULL);
        return fail(d, "corrupt zstd data", ZSTD_getErrorName(ret));
    }
    if (ret == 0) {
        if (d->in_member || ib.pos > 0)
            d->members++;
        d->in_member = false;
    } else {
        d->in_member = true;
    }
    if (d->in_member && ib.pos == 0 && ob.pos == 0 && eof && in_len == 0)
        return fail(d, "truncated zstd stream", NULL);
    return DEC_MORE;
}

dec_status decoder_run(decoder *d, const uint8_t *in, size_t in_len, bool eof,
                       size_t *in_used, uint8_t *out, size_t out_cap,
                       size_t *out_len)
{
    *in_used = 0;
    *out_len = 0;
    if (d->error[0])
        return DEC_ERROR;
    switch (d->comp) {
    case IMG_COMP_GZIP:
        return run_gzip(d, in, in_len, eof, in_used, out, out_cap, out_len);
    case IMG_COMP_ZSTD:
        return run_zstd(d, in, in_len, eof, in_used, out, out_cap, out_len);
    case IMG_COMP_NONE:
        break;
    }
    return fail(d, "internal error: no decoder for uncompressed data", NULL);
}
