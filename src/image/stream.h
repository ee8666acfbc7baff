/*
 * A bounded pipe of bytes between two threads: a producer that pushes a
 * blob's bytes as they come (a helper reading a file, a reader of the
 * standard input, a registry download) and a consumer that pulls them in
 * order (the layer's thread, which decompresses and walks them). A ring
 * of fixed slots joins them, so memory is fixed whatever the blob, and
 * each side waits only when the other is behind.
 *
 * The producer ends the stream cleanly (bpipe_close) or with an error
 * (bpipe_fail), which the consumer sees after the bytes pushed before
 * it. The consumer may stop early (bpipe_abort): from then on the
 * producer's writes fail, so that it stops reading what nobody needs.
 *
 * One producer and one consumer per pipe. Both sides may push and pull
 * pieces of any size; the producer can also fill a slot in place
 * (bpipe_reserve, bpipe_commit) to save a copy.
 *
 * A pipe can hash what passes through it (bpipe_hash), every byte once
 * and in order, on whichever side has time for it: the producer hashes
 * the pieces waiting in the ring while the ring is full (the consumer is
 * the slower one), the consumer hashes a piece it pulls that nobody has
 * hashed yet (the producer is the slower one). Hashing a layer costs as
 * much as walking an uncompressed one, so this keeps both threads busy
 * whichever is the slower.
 */
#ifndef BOSUN_IMAGE_STREAM_H
#define BOSUN_IMAGE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "image/digest.h"

typedef struct byte_pipe byte_pipe;

/* A pipe of `slots` slots of `slot_size` bytes each (allocated now). */
byte_pipe *bpipe_new(size_t slots, size_t slot_size);
/* Free the pipe; both sides must be done with it. */
void bpipe_free(byte_pipe *p);

/* Hash every byte pushed from now on with `h` (owned by the caller, who
 * reads it once the consumer has pulled the last byte). */
void bpipe_hash(byte_pipe *p, hasher *h);

/* ------------------------------------------------------------ producer */

/* A free slot to fill, of *cap bytes, waiting for one when the ring is
 * full; NULL when the consumer aborted. */
uint8_t *bpipe_reserve(byte_pipe *p, size_t *cap);
/* The slot reserved holds `len` bytes (0 gives it back unused). */
void bpipe_commit(byte_pipe *p, size_t len);
/* Copy `len` bytes in, waiting for room; false when the consumer
 * aborted (then nothing more need be written). */
bool bpipe_write(byte_pipe *p, const void *data, size_t len);
/* The stream ends cleanly after the bytes written. */
void bpipe_close(byte_pipe *p);
/* The stream ends with an error after the bytes written: the consumer
 * reads them, then the error. The message is copied (cut to 255 bytes). */
void bpipe_fail(byte_pipe *p, const char *error);
/* Has the consumer aborted? */
bool bpipe_aborted(byte_pipe *p);

/* ------------------------------------------------------------ consumer */

/* The next piece (valid until the next call): its length, 0 at a clean
 * end, -1 after an error (*error, valid as long as the pipe). Waits for
 * the producer when nothing is there yet. */
ssize_t bpipe_next(byte_pipe *p, const uint8_t **buf, const char **error);
/* Stop reading: the producer's writes fail from now on, and what was
 * pushed is dropped. Does not wait for the producer. */
void bpipe_abort(byte_pipe *p);
/* Wait until the producer has closed or failed the stream (after an
 * abort, until it has noticed). */
void bpipe_wait_closed(byte_pipe *p);

#endif
