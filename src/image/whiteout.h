/*
 * The whiteout model: what each layer adds, deletes and hides, kept as
 * 128-bit hashes of absolute paths (16 bytes per file, whatever the
 * image), so that for any file of layer i bosun can say whether a later
 * layer deletes it (.wh.NAME), hides it (an opaque directory,
 * .wh..wh..opq) or replaces it (the same path written again, or a parent
 * directory turned into something else).
 *
 * The hash is keyed (SipHash-2-4, 128-bit output, with a random key for
 * each scan): a layer's author cannot make two paths collide, so cannot
 * make a whiteout of one path delete another in the model. All 128 bits
 * are compared on every lookup.
 */
#ifndef BOSUN_IMAGE_WHITEOUT_H
#define BOSUN_IMAGE_WHITEOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/findings.h"
#include "util/siphash.h"

/* The hash of a path: never all zeros. */
typedef struct path_id {
    uint64_t hi, lo;
} path_id;

static inline bool path_id_equal(path_id a, path_id b)
{
    return a.hi == b.hi && a.lo == b.lo;
}

/* Orders by hi, then lo: <0, 0, >0. */
int path_id_compare(path_id a, path_id b);

/* How one scan hashes paths. */
typedef struct path_hasher {
    sip_key key;
    /* Tests only (the scanner leaves it NULL): rewrites every hash the
     * model computes, so that a test can make different paths collide
     * in one half of their hashes. */
    path_id (*test_hook)(path_id h, const char *path, size_t len);
} path_hasher;

/* A fresh random key (getrandom); false when the system gives no random
 * bytes. */
bool path_hasher_init(path_hasher *h);

/* Hash of the first len bytes of path. */
path_id path_hash(const path_hasher *h, const char *path, size_t len);

/* The same in one pass over a path whose prefixes are hashed too: `s`
 * has been given path[0..len) after path_stream_init(). */
void path_stream_init(const path_hasher *h, sip_stream *s);
path_id path_hash_stream(const path_hasher *h, const sip_stream *s,
                         const char *path, size_t len);

/* A set of path hashes (open addressing; all zeros marks a free slot). */
typedef struct pathset {
    path_id *slots;
    size_t cap, n;
} pathset;

void pathset_free(pathset *s);
void pathset_add(pathset *s, path_id h);
bool pathset_has(const pathset *s, path_id h);

/*
 * A set of path hashes built once, then only read: hashes are appended
 * while a layer is walked (in the order of the layer, which the hard link
 * model reads before sealing), and pathlist_seal() sorts them in place and
 * drops duplicates, for binary search. 16 bytes a path (a hash table takes
 * two to four times that), so a layer of millions of files stays small.
 */
typedef struct pathlist {
    path_id *items;
    size_t n, cap;
    bool sealed;
} pathlist;

void pathlist_free(pathlist *l);
void pathlist_add(pathlist *l, path_id h);
void pathlist_seal(pathlist *l);
/* Only on a sealed list. */
bool pathlist_has(const pathlist *l, path_id h);

/* What one layer does to the filesystem. */
typedef struct layer_changes {
    const path_hasher *hashing; /* set before the first record */
    pathlist dirs;        /* directories written */
    pathlist files;       /* everything else written (files, links, ...) */
    pathlist whiteouts;   /* paths deleted by .wh.NAME */
    pathlist opaque;      /* directories whose lower contents are hidden */
    bool root_opaque;     /* an opaque marker at the root of the layer */
} layer_changes;

void layer_changes_free(layer_changes *c);
/* After the last layer_changes_record() of the layer: makes the changes
 * readable by whiteout_fate(). */
void layer_changes_seal(layer_changes *c);

/* Record an entry of the layer (an absolute, normalised path). Whiteout
 * entries are recognised and recorded as such; returns true for them
 * (they are markers, not files). */
bool layer_changes_record(layer_changes *c, const char *path, bool is_dir);

/* Is `name` (a basename) a whiteout marker? */
bool is_whiteout_name(const char *name);

/* Resolve the fate of a file of layer `layer` given the changes of all
 * `nlayers` layers. An opaque marker at the root of a later layer gives
 * FATE_ROOT_OPAQUE unless a layer after it decides otherwise. */
img_fate whiteout_fate(const layer_changes *layers, size_t nlayers,
                       int layer, const char *path, int *fate_layer);

/* The hashes a path is looked up by: those of the directories above it
 * ("/a", "/a/b" for "/a/b/c") and its own, in one pass over the path. */
typedef struct path_ids {
    path_id self;
    path_id *dirs;
    size_t ndirs;
    path_id inline_dirs[16];
} path_ids;

void path_ids_init(path_ids *p, const path_hasher *h, const char *path,
                   size_t len);
void path_ids_free(path_ids *p);

/* What one layer does to a path of the layers below it (FATE_SHIPS:
 * nothing), its opaque marker at the root aside. */
img_fate layer_fate(const layer_changes *c, const path_ids *p);

/*
 * Normalise a layer entry name into an absolute path: "./a//b/" -> "/a/b".
 * ".." is applied lexically and clamped at the root, as runtimes do when
 * they unpack; *escapes is set when it tried to leave the root and
 * *absolute when the name started with '/'. Writes at most cap bytes;
 * false when the result does not fit (components that a later ".."
 * removes do not count, whatever their length).
 */
bool layer_path_normalise(const char *name, char *out, size_t cap,
                          bool *absolute, bool *escapes);

#endif
