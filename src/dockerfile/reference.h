/*
 * Image references as Docker reads them (distribution/reference):
 * [registry[:port]/]path[:tag][@digest], with Docker Hub's defaults.
 */
#ifndef BOSUN_DOCKERFILE_REFERENCE_H
#define BOSUN_DOCKERFILE_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

typedef struct image_ref {
    const char *registry;  /* "docker.io" when not written */
    const char *path;      /* "library/debian" for "debian" */
    const char *tag;       /* NULL when there is none */
    const char *digest;    /* "sha256:..." or NULL */
    bool explicit_registry;
    bool valid;            /* the repository path is a valid image name
                              (lower case, [a-z0-9._/-]); BuildKit refuses
                              others, e.g. an unexpanded template word */
    size_t tag_off;        /* offset of the tag in the input (after ':') */
    size_t last_slash;     /* offset after the last '/' (0 if none) */
} image_ref;

/* Splits `s`; false for an empty reference. */
bool image_ref_parse(arena *a, const char *s, size_t len, image_ref *out);

#endif
