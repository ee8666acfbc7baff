/*
 * Two threads on one layer. When a thread is idle (fewer layers left than
 * threads), it takes over reading and hashing the blob of a running layer,
 * whose own thread keeps decompressing and walking the tar. Reading and
 * hashing are about a quarter of a compressed layer's cost and most of an
 * uncompressed one's; decompression, most of the rest, cannot be split, and
 * handing its output to another core costs more in cache misses and
 * wake-ups than it saves. A byte pipe (stream.h) joins the two threads,
 * so memory stays fixed and each side waits only when the other is behind.
 *
 * The switch happens in the middle of a blob: the helper starts reading
 * where the layer's thread stopped, with its hash state.
 */
#ifndef BOSUN_IMAGE_PIPELINE_H
#define BOSUN_IMAGE_PIPELINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "image/digest.h"
#include "image/source.h"

#define PIPE_SLOTS 8
#define PIPE_SLOT_SIZE (512u << 10)

typedef struct pipeline pipeline;

/* Read `loc` from offset `pos` on, updating `hash` (may be NULL). */
pipeline *pipeline_new(const blob_loc *loc, uint64_t pos, hasher *hash);
void pipeline_free(pipeline *p);

/* The helper: read until the end of the blob, a read error, or a stop. */
void pipeline_run(pipeline *p);

/* The layer's thread: the next piece of the blob (valid until the next
 * call); its length, 0 at the end, -1 on a read error (*err). */
ssize_t pipeline_next(pipeline *p, const uint8_t **buf, const char **err);

/* Stop the helper (the blob need not be read further) and wait until it
 * has let go of the hash. */
void pipeline_stop(pipeline *p);

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
