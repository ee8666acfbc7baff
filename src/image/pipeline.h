/*
 * Two threads on one layer. Decompression is most of the cost of a layer
 * (isa-l's inflate takes about two thirds of it, zstd likewise), and one
 * compressed stream cannot be split, so when a thread is idle (fewer layers
 * left than threads) it takes the decoding of a running layer: the layer's
 * own thread keeps reading and hashing the blob and walking the tar, the
 * helper inflates in between. Two bounded rings of buffers join them, so
 * memory stays fixed and each side waits only when the other is behind.
 *
 * A layer's thread switches to a pipeline in the middle of a stream: the
 * helper takes over the decoder as it is, with the compressed bytes the
 * layer's thread had not decoded yet.
 */
#ifndef BOSUN_IMAGE_PIPELINE_H
#define BOSUN_IMAGE_PIPELINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "image/decompress.h"
#include "image/digest.h"

#define PIPE_RAW_SLOTS 8
#define PIPE_RAW_SIZE (256u << 10)
#define PIPE_PLAIN_SLOTS 4
#define PIPE_PLAIN_SIZE (1u << 20)

typedef struct pipeline pipeline;

/* Where decoding stands when the helper takes over. */
typedef struct pipeline_start {
    decoder *dec;              /* started, perhaps partway through */
    hasher *plain;             /* hash of the decoded bytes, or NULL */
    unsigned max_ratio;        /* decompression bomb guard (0: none) */
    uint64_t bomb_floor;       /* output below which the guard is off */
    uint64_t raw_used;         /* compressed bytes decoded so far */
    uint64_t plain_bytes;      /* bytes decoded so far */
    const uint8_t *pending;    /* compressed bytes read, not decoded yet */
    size_t pending_len;
    bool raw_eof;              /* and nothing follows them */
} pipeline_start;

pipeline *pipeline_new(const pipeline_start *s);
void pipeline_free(pipeline *p);

/* The helper: decode until the stream ends, fails, or the layer's thread
 * stops it. */
void pipeline_run(pipeline *p);

/*
 * The layer's thread reads the blob through `feed`: it fills `buf` (at
 * most `cap` bytes, hashing them), returns the length (-1 on a read
 * error, with *err) and sets *eof after the last bytes.
 */
typedef ssize_t (*pipeline_feed)(void *ctx, uint8_t *buf, size_t cap,
                                 bool *eof, const char **err);

/*
 * The next decoded piece (valid until the next call): its length, 0 at
 * the end of the stream, -1 on an error (*err). Feeds the helper first, so
 * that it never waits for input while this thread waits for output.
 */
ssize_t pipeline_next(pipeline *p, pipeline_feed feed, void *ctx,
                      const void **buf, const char **err);

/* Stop the helper and wait until it has let go of the decoder. */
void pipeline_stop(pipeline *p);

/* Decoded bytes so far (after pipeline_stop or the end). */
uint64_t pipeline_plain_bytes(const pipeline *p);

/*
 * The meeting point of a layer's thread and a helper, owned by the
 * scheduler. A helper sets `helper_waiting` (under `lock`); the layer's
 * thread notices at its next read, publishes `pipe` and signals `cond`;
 * when the layer is done, `finished` is set and `cond` signalled, so a
 * helper still waiting goes elsewhere.
 */
typedef struct layer_help {
    pthread_mutex_t *lock;
    pthread_cond_t *cond;
    atomic_bool helper_waiting;
    pipeline *pipe;
    bool finished;
    atomic_uint_fast64_t remaining; /* blob bytes not read yet */
} layer_help;

#endif
