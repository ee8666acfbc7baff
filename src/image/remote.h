/*
 * An image in a registry (bosun image docker://REF, or a bare reference
 * when no file or directory of that name exists), read through the
 * registry client (registry/registry.h).
 *
 * The registry is made to look like an OCI image layout, so that the
 * layout code reads it exactly as it reads a directory: index.json is
 * made up, naming the manifest the reference resolves to; oci-layout
 * says 1.0.0; blobs/ALG/HEX is fetched when the layout code reads it, as
 * a manifest when an index read before lists it (or it is the one the
 * reference named), as a blob otherwise (a configuration). An index is
 * thus resolved to the --platform image as a layout's is. Layers are not
 * read through the source: remote_fetch_layers streams them.
 *
 * BOSUN_REGISTRY_STALL_TIMEOUT_MS in the environment sets the client's
 * stall timeout (reg_options), for tests of downloads that stall.
 */
#ifndef BOSUN_IMAGE_REMOTE_H
#define BOSUN_IMAGE_REMOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "bosun/bosun.h"
#include "image/layer.h"
#include "image/progress.h"
#include "image/source.h"
#include "util/arena.h"

typedef struct remote remote;

/*
 * The reference `input` names in a registry, or NULL when it names a
 * file: "docker://REF" always names REF; a bare input does when nothing
 * of that name exists, it does not look like a path (no leading '/' or
 * '.', no archive suffix) and it parses as a reference.
 */
const char *remote_reference(const char *input);

/*
 * Resolve `ref` (without "docker://") and fill `src` (SOURCE_REMOTE)
 * with what the layout code reads. False with a one-line reason in *err
 * (in `a`) when the reference is not one or the registry cannot be
 * reached or refuses the manifest.
 */
bool remote_open(arena *a, const char *ref, const bosun_registry_options *o,
                 img_source *src, const char **err);
void remote_free(remote *r);

/* What the source asks: whether a member is there, a member read whole
 * (a JSON document, at most `max` bytes; in `a`), and an identity of a
 * member for finding repeated blobs (its offset). */
bool remote_has(remote *r, const char *member);
bool remote_read(remote *r, arena *a, const char *member, size_t max,
                 char **data, size_t *len, const char **err);
uint64_t remote_id(remote *r, const char *member);

/* A layer to fetch and scan. */
typedef struct remote_layer {
    int index;                 /* its place in the image */
    const char *digest;        /* of the blob */
    const char *diff_id;       /* of the tar in it (the configuration's),
                                  or NULL */
    int64_t size;              /* the descriptor's, -1 unknown */
    layer_result *res;         /* filled; its digest the blob's as it
                                  came, even when the scan stopped early
                                  ("" when not verified, or not all of
                                  it came) */
} remote_layer;

/*
 * Fetch and scan `n` layers, `jobs` at a time: for each, a thread
 * downloads the blob into a byte pipe, hashing it as it comes, while a
 * scanning thread reads it. The results are in each layer's res.
 */
void remote_fetch_layers(remote *r, const scan_options *opt, unsigned jobs,
                         bool verify, progress *prog, remote_layer *layers,
                         size_t n);

#endif
