/*
 * Layer decompression: gzip (isa-l's inflate when available, zlib
 * otherwise) and zstd, recognised by their magic bytes.
 *
 * A decoder is reused from one stream to the next (its buffers are
 * allocated once per worker). Gzip streams may hold several members
 * (eStargz writes one per file) and zstd streams several frames, skippable
 * ones included (zstd:chunked); both are decoded as one stream.
 */
#ifndef BOSUN_IMAGE_DECOMPRESS_H
#define BOSUN_IMAGE_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum img_compression {
    IMG_COMP_NONE,
    IMG_COMP_GZIP,
    IMG_COMP_ZSTD,
} img_compression;

/* By magic bytes: gzip 1f 8b, zstd 28 b5 2f fd (or a skippable frame);
 * anything else is taken as uncompressed. */
img_compression compression_sniff(const uint8_t *p, size_t n);
const char *compression_name(img_compression c); /* "gzip", "zstd", "tar" */

/* Largest zstd window accepted: 32 MiB, enough for every level up to 20
 * (and --long=25); a frame that asks for more is refused rather than
 * letting one layer take hundreds of megabytes. */
#define DECODER_ZSTD_WINDOW_LOG_MAX 25

typedef enum dec_status {
    DEC_MORE,  /* consumed input or produced output; call again */
    DEC_END,   /* the compressed stream is complete */
    DEC_ERROR, /* see decoder_error() */
} dec_status;

typedef enum dec_backend {
    DEC_BACKEND_DEFAULT, /* isa-l when built with it, else zlib */
    DEC_BACKEND_ZLIB,
} dec_backend;

typedef struct decoder decoder;

decoder *decoder_new(dec_backend backend);
void decoder_free(decoder *d);
/* Is isa-l used for gzip? */
bool decoder_uses_isal(const decoder *d);

/* Start decoding a new stream compressed with `c`. */
void decoder_start(decoder *d, img_compression c);

/*
 * Decode from in[0..*in_len) into out[0..out_cap). On return *in_used and
 * *out_len say how much was consumed and produced. `eof` says no input
 * follows what is given: a stream that stops short of its end is then an
 * error ("truncated"). Never returns DEC_MORE without progress unless
 * input is needed (all of it consumed) or the output is full.
 */
dec_status decoder_run(decoder *d, const uint8_t *in, size_t in_len, bool eof,
                       size_t *in_used, uint8_t *out, size_t out_cap,
                       size_t *out_len);
const char *decoder_error(const decoder *d);

#endif
