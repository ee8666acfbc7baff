/*
 * One layer, one pass: the blob is read once, hashed as it is read,
 * decompressed, walked as a tar with libarchive, and every entry checked
 * (names, modes, whiteouts) and every regular file's bytes scanned for
 * credentials, all while streaming: nothing is extracted or written, and
 * memory does not depend on the layer's size.
 */
#ifndef BOSUN_IMAGE_LAYER_H
#define BOSUN_IMAGE_LAYER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "image/content.h"
#include "image/decompress.h"
#include "image/digest.h"
#include "image/findings.h"
#include "image/fsmodel.h"
#include "image/image.h"
#include "image/pipeline.h"
#include "image/progress.h"
#include "image/stream.h"
#include "image/whiteout.h"

/* Most files (entries of all layers) of one image: the whiteout model
 * keeps 16 bytes per file (a 128-bit keyed hash), so 2 Mi files stay near
 * 50 MB of peak memory in all (measured: 33 MB at 1 Mi files, 49 MB at
 * 2 Mi, 66 MB at 3 Mi); real images have tens or hundreds of thousands.
 * What the link model keeps (fsmodel.h) counts too, 16 bytes a file. */
#define IMG_MAX_ENTRIES (2u << 20)
/* Most symbolic links in one layer: they are kept in a hash set, looked up
 * for every later entry of the layer (paths written through a link). */
#define LAYER_MAX_SYMLINKS (256u << 10)
/* Most hard links in one layer (each is kept until all layers are
 * walked, to be resolved). */
#define LAYER_MAX_HARDLINKS (256u << 10)

typedef struct scan_options {
    bool verify;               /* hash every blob */
    atomic_uint_fast64_t *entries; /* entries seen in the image so far */
    uint64_t max_file_size;    /* scan at most this much of a file (0: all) */
    unsigned max_ratio;        /* decompression bomb guard (0: none) */
    const content_db *db;      /* NULL: no content scanning */
    const path_hasher *hashing; /* the scan's key for path hashes */
    bool accounts;             /* read files as account databases */
    bool accounts_writable;    /* ... and note those non-root can write */
    const char *user_name;     /* the configuration's user, when a name */
    bool keep_passwd;          /* keep the bytes of files named passwd (up
                                  to LAYER_PASSWD_MAX): the user is not
                                  known yet (a stream's configuration comes
                                  after its layers) */
    const bosun_config *cfg;
} scan_options;

/* The most bytes of a file named passwd kept for a user looked up later. */
#define LAYER_PASSWD_MAX (1u << 20)

/* Read buffer and decoded-output buffer sizes. */
#define LAYER_READ_CHUNK (256u << 10)
#define LAYER_PLAIN_CHUNK (1u << 20)
/* A layer expanding more than max_ratio times is refused only beyond
 * this size (small layers of zeros are harmless). */
#define LAYER_BOMB_FLOOR (256ull << 20)

/* What one thread needs to scan layers, allocated once. */
typedef struct layer_worker layer_worker;

layer_worker *layer_worker_new(const scan_options *o);
void layer_worker_free(layer_worker *w);

typedef struct layer_result {
    arena a;
    img_findings findings;
    layer_changes changes;
    layer_records records;       /* what links may need (fsmodel.h) */
    char digest[DIGEST_MAX + 1]; /* of the blob ("" when not computed) */
    char tar_digest[DIGEST_MAX + 1]; /* of the decoded tar, computed when
                                    the blob is compressed and its digest
                                    names the content, or a diff_id is
                                    known ("" otherwise) */
    uint64_t blob_bytes;         /* blob size as read */
    uint64_t tar_bytes;          /* uncompressed size */
    img_compression compression; /* by magic bytes */
    const char *error;           /* why the layer could not be read whole */
    bool error_told;             /* the error is in a message already */
} layer_result;

void layer_result_init(layer_result *r, const bosun_config *cfg);
void layer_result_free(layer_result *r);
/* The layer's findings are about layer `index` (a stream's layers are
 * scanned before their places are known). */
void layer_result_place(layer_result *r, int index);

/*
 * Where a layer's bytes come from, and what is hashed where. Either a
 * byte range of a file, read by the layer's thread (a helper thread that
 * offers at `help` may take over reading and hashing it), or pieces a
 * producer thread pushes into a byte pipe (a standard input read as it
 * comes, a registry download), which the producer hashes itself.
 */
typedef struct layer_input {
    int index;                 /* the layer's place, for its findings */
    const blob_loc *loc;       /* a byte range of a file, or NULL */
    layer_help *help;          /* with loc: where a helper may offer */
    byte_pipe *pipe;           /* without loc: the producer's pieces */
    const char *digest;        /* what to verify, or NULL (no hashing;
                                  only its algorithm is used here) */
    bool of_content;           /* the digest names the tar: when the blob
                                  is compressed, what comes out of the
                                  decoder is hashed (tar_digest) */
    const char *diff_id;       /* the configuration's digest of the tar
                                  (or only its algorithm, when it is not
                                  known yet), or NULL: with it, what comes
                                  out of the decoder of a compressed blob
                                  is hashed too (tar_digest), to check it */
    progress_layer *progress;  /* bytes read are counted there, or NULL */
} layer_input;

/* Scan a layer. From a file, the blob is hashed here (out->digest), or
 * the decoded tar when `of_content` and the blob is compressed
 * (out->tar_digest); from a pipe, only the latter: the producer hashes
 * the blob. A pipe is read to its end, or aborted. */
void layer_scan(layer_worker *w, const layer_input *in, layer_result *out);

#endif
