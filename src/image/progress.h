/*
 * The progress of an image scan, drawn on a terminal: a line per layer
 * being read (bytes read of its size, rate) under a line for the image
 * (layers done of all, bytes read of a stream), redrawn in place by a
 * thread of its own a few times a second and cleared at the end, so
 * that nothing of it stays among the findings.
 *
 * The scan reports to it from any thread; with no terminal to draw on
 * (progress_new(NULL, ...)) every call does nothing and costs nothing.
 */
#ifndef BOSUN_IMAGE_PROGRESS_H
#define BOSUN_IMAGE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct progress progress;
typedef struct progress_layer progress_layer;

/* Progress of the scan of `name` drawn on `out` (a terminal), or NULL
 * for none. */
progress *progress_new(FILE *out, const char *name);
/* Clear what was drawn and stop drawing. NULL is fine. */
void progress_free(progress *p);

/* The image has `n` layers to read (0: not known, as in a stream before
 * its manifest). */
void progress_set_layers(progress *p, size_t n);
/* Bytes of the input read so far, for a stream (0: not shown). */
void progress_input(progress *p, uint64_t bytes);

/* A layer starts: `index` is its place (-1: not known yet), `name` what
 * names it (a digest or a member path; copied), `size` its blob's size
 * (-1: unknown). NULL when there is no progress to draw. */
progress_layer *progress_begin(progress *p, int index, const char *name,
                               int64_t size);
/* `bytes` more of it read; any thread, lock-free. NULL is fine. */
void progress_advance(progress_layer *l, uint64_t bytes);
/* It is done (counted among the layers done). NULL is fine. */
void progress_end(progress *p, progress_layer *l);

#endif
