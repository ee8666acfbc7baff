/*
 * What the image scan finds, before it becomes report entries: layer
 * findings wait for the whiteout model (a later layer may delete the
 * file), and every finding waits for the config's ignores.
 */
#ifndef BOSUN_IMAGE_FINDINGS_H
#define BOSUN_IMAGE_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "bosun/bosun.h"
#include "util/arena.h"

/* What became of a layer's file in the layers above it. */
typedef enum img_fate {
    FATE_SHIPS,     /* in the final filesystem */
    FATE_DELETED,   /* a whiteout in a later layer removes it */
    FATE_HIDDEN,    /* an opaque directory in a later layer hides it */
    FATE_REPLACED,  /* a later layer writes the same path (or replaces a
                       parent directory with a file) */
    FATE_ROOT_OPAQUE, /* a later layer marks its root opaque: unpackers
                         that apply layers one over the other (containerd's
                         native snapshotter, vfs) delete it, but overlayfs
                         ignores the marker at a layer's root, so with it
                         the file still ships */
} img_fate;

/* What a layer finding is about, which decides what a later layer that
 * deletes the file changes. */
typedef enum img_kind {
    /* The archive itself (a digest, an entry name): whatever comes later. */
    KIND_ARCHIVE,
    /* The running container (a mode, a password): moot when a later layer
     * deletes or replaces the file. */
    KIND_FINAL_FS,
    /* Content that anyone who pulls the image can extract from its layer
     * (secrets): reported in any layer, saying what later layers do. */
    KIND_ANY_LAYER,
    /* Like KIND_ANY_LAYER, but not a credential found: where bosun stopped
     * looking in such content (the file needs a look, not a rotation). */
    KIND_ANY_LAYER_NOTICE,
} img_kind;

typedef struct img_finding {
    const char *rule;
    int layer;             /* -1 when not about a layer */
    const char *path;      /* absolute path in the image, or NULL */
    int history;           /* history entry, or -1 */
    img_kind kind;
    const char *message;
    img_fate fate;         /* set by the whiteout model */
    int fate_layer;        /* the layer that deletes, hides or replaces it */
} img_finding;

/* A list of findings in an arena; each (rule, layer) keeps at most
 * IMG_FINDINGS_PER_LAYER entries and counts the rest. */
#define IMG_FINDINGS_PER_LAYER 500

typedef struct img_overflow {
    const char *rule;
    int layer;
    size_t count;
} img_overflow;

typedef struct img_findings {
    arena *a;
    const bosun_config *cfg;
    img_finding *items;
    size_t n, cap;
    img_overflow *overflow; /* per (rule, layer): findings kept / dropped */
    size_t noverflow, overflow_cap;
} img_findings;

void findings_init(img_findings *f, arena *a, const bosun_config *cfg);
/* Is the rule enabled (not ignored by the configuration)? */
bool findings_wanted(const img_findings *f, const char *rule);
/* Add a finding (a copy of path and the formatted message); nothing when
 * the rule is ignored. */
void findings_add(img_findings *f, const char *rule, int layer,
                  const char *path, img_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* The same with a history index. */
void findings_add_history(img_findings *f, const char *rule, int history,
                          const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* How many of rule's findings in `layer` were dropped over the cap. */
size_t findings_dropped(const img_findings *f, const char *rule, int layer);

/* Where the scan of one input reports: its findings, and errors (inputs
 * or parts of inputs that cannot be read) straight into the report. */
typedef struct img_sink {
    bosun_report *report;
    const char *name;      /* the input as given */
    img_findings findings;
    bool failed;           /* an error was reported */
} img_sink;

void sink_error(img_sink *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
