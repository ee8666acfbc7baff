/*
 * An image archive read as it comes, from a pipe (docker save IMAGE |
 * bosun image -) or any file that cannot be read in place: a
 * docker-archive or an oci-archive, possibly compressed whole with gzip
 * or zstd (told from its first bytes).
 *
 * A pipe cannot be sought, and docker save writes layer blobs before the
 * manifest.json or index.json that says what they are. So the outer tar
 * is read once, in order, with Go's header reader (gotar.h, as docker
 * load reads it), and each member is dealt with as it passes:
 *   - a small member that looks like JSON (manifests, indexes,
 *     configurations, oci-layout, repositories) is kept in memory, each
 *     at most IMG_MAX_JSON and all together at most STREAM_MAX_JSON;
 *   - any other regular file could be a layer: it is scanned as it
 *     arrives (layer.h), the reading thread hashing its bytes and pushing
 *     them into a byte pipe that a layer thread decompresses and walks,
 *     and only the scan's result is kept (findings, whiteout changes,
 *     link records, sizes and digests), by member;
 *   - links and directories are indexed, as tarindex.h indexes them.
 * Every blob is scanned, those of images other than the one chosen too:
 * which blobs the chosen image uses is only known from manifest.json or
 * index.json, which docker save writes last.
 *
 * At the end the members form an img_source (SOURCE_STREAM) that the
 * layout code reads exactly as an archive on disk, and the scan takes
 * each layer's result from it instead of reading the blob.
 */
#ifndef BOSUN_IMAGE_INSTREAM_H
#define BOSUN_IMAGE_INSTREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "image/image.h"
#include "image/layer.h"
#include "image/progress.h"
#include "image/source.h"

/* All the JSON documents of a stream kept together. */
#define STREAM_MAX_JSON (8u << 20)
/* Most members of a stream scanned as layers (IMG_MAX_LAYERS of the
 * image scan). */
#define STREAM_MAX_BLOBS 4096
/* Bytes after the end of the archive read (and dropped) so that the
 * writer is not cut off in the middle of its padding. */
#define STREAM_MAX_TRAILER (1u << 20)

typedef struct instream instream;

typedef struct instream_options {
    const scan_options *scan;  /* for the layer threads */
    unsigned layer_threads;    /* threads that scan layers (at least 1) */
    progress *progress;        /* or NULL */
    const bosun_config *cfg;
} instream_options;

/*
 * Read the archive on `fd` to its end and fill `src` (SOURCE_STREAM).
 * False when the stream cannot be read as an image archive (not a tar,
 * a corrupt header, cut short, a read error, too many members or too
 * much JSON), with a one-line reason in *err (in `a`).
 */
bool instream_read(arena *a, int fd, const instream_options *o,
                   img_source *src, const char **err);

/* The JSON document kept of the member at `offset` (NUL-terminated,
 * living as long as the stream); false when it was not kept (it was read
 * as a layer). */
bool instream_json(struct instream *s, uint64_t offset, char **data,
                   const char **err);

/* What became of the member at `offset` as a layer. */
typedef struct stream_blob {
    layer_result *result;      /* its scan, its digest the blob's as it
                                  came ("" with --no-verify); NULL when
                                  not scanned */
    const char *why;           /* why not (when result is NULL) */
} stream_blob;

/* The layer scan of the member at `offset` (a JSON document kept in
 * memory is scanned now, from where it is). */
stream_blob instream_blob(struct instream *s, uint64_t offset,
                          layer_worker *w);

void instream_free(struct instream *s);

#endif
