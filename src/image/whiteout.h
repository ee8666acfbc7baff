/*
 * The whiteout model: what each layer adds, deletes and hides, kept as
 * 64-bit hashes of absolute paths (a few bytes per file, whatever the
 * image), so that for any file of layer i bosun can say whether a later
 * layer deletes it (.wh.NAME), hides it (an opaque directory,
 * .wh..wh..opq) or replaces it (the same path written again, or a parent
 * directory turned into something else).
 */
#ifndef BOSUN_IMAGE_WHITEOUT_H
#define BOSUN_IMAGE_WHITEOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/findings.h"

/* A set of path hashes (open addressing; 0 marks a free slot). */
typedef struct pathset {
    uint64_t *slots;
    size_t cap, n;
} pathset;

void pathset_free(pathset *s);
void pathset_add(pathset *s, uint64_t h);
bool pathset_has(const pathset *s, uint64_t h);

/*
 * A set of path hashes built once, then only read: hashes are appended
 * while a layer is walked, and pathlist_seal() sorts them in place and
 * drops duplicates, for binary search. 8 bytes a path (a hash table takes
 * two to four times that), so a layer of millions of files stays small.
 */
typedef struct pathlist {
    uint64_t *items;
    size_t n, cap;
    bool sealed;
} pathlist;

void pathlist_free(pathlist *l);
void pathlist_add(pathlist *l, uint64_t h);
void pathlist_seal(pathlist *l);
/* Only on a sealed list. */
bool pathlist_has(const pathlist *l, uint64_t h);

/* Hash of a path (never 0; the low bit is free for a flag). */
uint64_t path_hash(const char *path, size_t len);

/* What one layer does to the filesystem. */
typedef struct layer_changes {
    pathlist entries;     /* every path written; hash | 1 for non-directories */
    pathlist whiteouts;   /* paths deleted by .wh.NAME */
    pathlist opaque;      /* directories whose lower contents are hidden */
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
 * `nlayers` layers. */
img_fate whiteout_fate(const layer_changes *layers, size_t nlayers,
                       int layer, const char *path, int *fate_layer);

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
