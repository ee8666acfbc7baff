/*
 * What the layers of the image hold, path by path.
 *
 * Every instruction of a stage that ships (the target and the stages it
 * is built FROM) is a layer. This module records the paths each one adds
 * - COPY/ADD destinations (WORKDIR and trailing-slash rules applied),
 * files a RUN writes (downloads, redirections, tee, touch, cp, mv,
 * tar -x -C, unzip -d, git clone, apt-get update's lists) - and which
 * later RUN deletes them (rm, find -delete, mv). A path deleted in the
 * RUN that created it never reaches a layer; one deleted by a later RUN
 * is still stored in the earlier layer and ships with the image.
 *
 * Paths are absolute and normalised. What bosun cannot place (a dynamic
 * name, a directory it cannot follow, paths under a RUN --mount target,
 * which are not part of the layer) is left out rather than guessed.
 */
#ifndef BOSUN_RULES_LAYERS_H
#define BOSUN_RULES_LAYERS_H

#include "rules/rule.h"

#define LAYER_KEPT ((size_t)-1)

typedef struct layer_path {
    const char *path;
    bool tree;            /* what lies under path was added too */
    size_t inst;          /* the instruction whose layer holds it */
    uint32_t off, end;    /* the token that names it */
    const char *how;      /* what added it: "COPY", "curl", "tar -x"... */
    size_t removed_by;    /* the later RUN deleting it, or LAYER_KEPT */
    bool gone;            /* deleted by the RUN that added it: never stored */
} layer_path;

/* One deleting word of a RUN and the paths of earlier layers it deletes. */
typedef struct layer_removal {
    size_t inst;
    uint32_t off, end;    /* the word naming what is deleted */
    const char *text;     /* that word as written */
    const char *target;   /* what it deletes, absolute (maybe a glob) */
    const char *how;      /* "rm", "find", "mv" */
    size_t first;         /* index in paths of the first one deleted */
    size_t count;
} layer_removal;

typedef struct layers {
    layer_path *paths;
    size_t npaths;
    layer_removal *removals;
    size_t nremovals;
} layers;

layers *layers_build(lint_ctx *ctx);

/* The path instruction `inst` added at `path`, or NULL. */
const layer_path *layers_find(const layers *l, size_t inst, const char *path);

#endif
