/*
 * The links of the final filesystem, which the whiteout model (paths
 * only) cannot see: hard links, which give a file's inode (its modes, its
 * bytes) another name, and symbolic links, which send a path elsewhere.
 *
 * While a layer is walked it keeps records of only what a later link could
 * need: its symbolic links with their targets, its hard links, and its
 * files with something to say (setuid or setgid, writable by everyone, a
 * secret-looking name, credentials in their bytes, an account database
 * with empty passwords, the configuration's user, or writable by non-root
 * users). Layers are walked in parallel, so links are resolved after all
 * of them, in layer order, the way containerd applies layers: a hard link
 * reaches the file its target names in the filesystem as it stands (the
 * layers below, and its own layer up to the link), directories of the
 * target followed through symbolic links; and the final /etc/passwd,
 * /etc/shadow and /etc/group are read as the container reads them,
 * symbolic links followed, ".." stopping at the root.
 *
 * What is kept counts against the image's file budget (IMG_MAX_ENTRIES)
 * at 16 bytes a unit, so memory stays bounded whatever the image.
 */
#ifndef BOSUN_IMAGE_FSMODEL_H
#define BOSUN_IMAGE_FSMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/accounts.h"
#include "image/checks.h"
#include "image/findings.h"
#include "image/whiteout.h"

typedef enum rec_kind {
    REC_FILE,
    REC_HARDLINK,
    REC_SYMLINK,
} rec_kind;

#define REC_NEVER UINT32_MAX

/* What a record of a file holds beyond its modes (in the layer's arena). */
typedef struct file_extra {
    const char *secret_kind;   /* what its name looks like */
    content_note *content;     /* credentials in its bytes */
    const accounts_summary *accounts; /* it, read as an account database */
    const uint8_t *raw;        /* its bytes, when kept (keep_passwd: a
                                  file named passwd; NULL when too large) */
    size_t raw_len;
} file_extra;

/* A hard link, in one block with its name and target (link_new). */
typedef struct link_extra {
    const char *path;          /* its name */
    const char *target;        /* as written */
    path_id target_id;         /* of the target, normalised */
    int64_t prev;              /* where the layer last wrote the target
                                  before the link (-1: it did not); the
                                  walk knows it (walk_index) */
    /* Once resolved: the file it reaches, or NULL. */
    const struct file_rec *file;
    int file_layer;
} link_extra;

/* 56 bytes, the strings and extras aside. */
typedef struct file_rec {
    path_id id;                /* its path */
    uint32_t idx;              /* its place among the layer's entries that
                                  are not directories */
    uint32_t superseded_at;    /* where the layer writes the path again,
                                  or REC_NEVER */
    rec_kind kind;
    unsigned mode;             /* files: permission bits */
    int64_t uid, gid;          /* files */
    union {
        const file_extra *fx;  /* files: NULL when only modes count */
        link_extra *lx;        /* hard links */
        const char *target;    /* symbolic links: as written */
    };
} file_rec;

/* The records of one layer. */
typedef struct layer_records {
    file_rec *items;           /* in the layer's order */
    size_t n, cap;
    uint32_t *by_id;           /* items sorted by (id, idx), once sealed */
    size_t nhardlinks, nsymlinks;
} layer_records;

/* What a record takes, in the units of the image's file budget. */
static inline uint64_t rec_units(size_t bytes)
{
    return (bytes + 15) / 16;
}

void records_free(layer_records *r);
/* A new record (zeroed beyond what is given); valid until the next. */
file_rec *records_add(layer_records *r, rec_kind kind, path_id id,
                      uint32_t idx);
/* A hard link's block (the caller sets target_id); *units is what it and
 * its record take. */
link_extra *link_new(const char *path, const char *target, uint64_t *units);
/* After the walk, before the layer's changes are sealed: `files` is still
 * in the layer's order (records' idx index it). */
void records_seal(layer_records *r, const pathlist *files);

/*
 * What the walk of a layer knows of its own entries so far, for its hard
 * links: where it last wrote each path, and whether that write was a
 * record that can say something (a file with findings, a hard link kept).
 * A hard link to a file without a record written earlier in its layer
 * (what build tools write: an inode's first name, then links to it; a
 * layer of pnpm or conda packages has a hundred thousand) can say nothing
 * and is not kept. The positions are indexed from the layer's first hard
 * link on, 4 bytes a slot, the paths read from the layer's list of
 * entries.
 */
typedef struct walk_index {
    const pathlist *files;     /* the layer's entries, in order */
    uint32_t *slots;           /* positions in files, UINT32_MAX: free */
    size_t cap, n;
    struct said *said;         /* records that can say something */
    size_t said_cap, said_n;
} walk_index;

void walk_index_free(walk_index *w);
/* At the layer's first hard link: index its entries before `upto`. */
void walk_index_start(walk_index *w, const pathlist *files, uint32_t upto);
/* Entry `idx` of the files was written (nothing until the start). */
void walk_index_add(walk_index *w, uint32_t idx);
/* Where the layer last wrote `id` before its entry `before` (the link
 * being walked, the last entry so far), or -1. */
int64_t walk_index_last(walk_index *w, path_id id, uint32_t before);
/* Entry idx, at `id`, is a record that can say something. */
void walk_index_says(walk_index *w, path_id id, uint32_t idx);
bool walk_index_said(const walk_index *w, path_id id, uint32_t idx);
/* Bytes the index takes. */
size_t walk_index_bytes(const walk_index *w);

/* One layer as the model sees it after the walk. */
typedef struct fs_layer {
    const layer_changes *changes;  /* sealed */
    layer_records *records;        /* sealed */
    img_findings *findings;        /* where findings about it go (with
                                      the layer's index) */
    bool repeat;                   /* the changes and records of a lower
                                      layer again (a blob listed twice):
                                      its links are resolved again here,
                                      where what is below differs */
} fs_layer;

typedef struct fs_model fs_model;

fs_model *fs_model_new(const path_hasher *h, fs_layer *layers, size_t n);
void fs_model_free(fs_model *m);

/* Most hard link resolutions in one image. The links the layers keep are
 * far fewer (what they take counts against IMG_MAX_ENTRIES: 256 Ki at
 * most), but a blob listed at many places has its links resolved at
 * each. */
#define FS_MAX_LINK_CHECKS (1u << 20)

/* Resolve the hard links of `layer` and check each with its file's modes,
 * name and content under its own name, the findings in `out` (with the
 * layer's index). Layers are taken in order: a link to a link of a lower
 * layer uses its resolution. False, and nothing done, when the image's
 * resolutions would pass FS_MAX_LINK_CHECKS. */
bool fs_model_check_layer_links(fs_model *m, size_t layer, img_findings *out);

/* fs_model_check_layer_links() for every layer in order, into each
 * layer's findings: -1, or the first layer not checked. */
long fs_model_check_links(fs_model *m);

/* Read the final /etc/shadow, /etc/passwd and /etc/group: users with an
 * empty password (when `empty` is asked), files writable by non-root users
 * (when `writable`). Returns what the final /etc/passwd holds as an
 * account database (NULL: nothing, or no such file). */
const accounts_summary *fs_model_check_accounts(fs_model *m, bool empty,
                                                bool writable);

/* The bytes of the final /etc/passwd that fs_model_check_accounts found,
 * kept by the scan (scan_options.keep_passwd keeps those of every file
 * named passwd): true with *raw NULL when the image has no /etc/passwd,
 * false when its bytes were not kept (it is a file of another name, or
 * too large, or the path does not resolve). */
bool fs_model_passwd_bytes(const fs_model *m, const uint8_t **raw,
                           size_t *len);

#endif
