/*
 * The base image of an image: which of its layers and history entries
 * come from the image it was built FROM, and which setuid/setgid files a
 * distribution's base image ships.
 *
 * Where the base ends is known, in this order, from:
 *
 * 1. --base REF: the base's rootfs.diff_ids must be the first diff_ids
 *    of the image; its layers are those, its history entries as many as
 *    the base's history holds.
 * 2. The history, by two conventions:
 *    a. buildah (and podman build) comments each entry it writes with
 *       "FROM <parent>": the first entry of a build names the image it
 *       starts from ("FROM docker.io/library/debian:12"), the next ones
 *       the layer before them ("FROM 4212c89a3f59", 12 hex digits). The
 *       last entry naming an image starts the image's own build; every
 *       entry before it is the base's.
 *    b. Otherwise, a base image's history ends with its CMD or
 *       ENTRYPOINT, an entry with empty_layer set (the classic builder's
 *       "/bin/sh -c #(nop)  CMD [\"bash\"]", BuildKit's `CMD ["bash"]`):
 *       the first such entry followed by others ends the base.
 *    Limits: with a base itself built on another one (python on debian),
 *    rule b finds the lowest base, so the layers in between count as the
 *    image's own (more is reported, never less); an image whose own
 *    Dockerfile sets CMD or ENTRYPOINT before its other instructions,
 *    on a base with none (distroless, scratch), has its own entries
 *    taken for the base's by rule b. A history whose layer entries do
 *    not match the layers is not used.
 * The manifest annotations org.opencontainers.image.base.name/.digest
 * name the base (in messages); without a registry they cannot say how
 * many layers it has.
 */
#ifndef BOSUN_IMAGE_BASE_H
#define BOSUN_IMAGE_BASE_H

#include <stdbool.h>
#include <stddef.h>

#include "image/image.h"

typedef struct img_base {
    size_t layers;             /* layers [0, layers) are the base's */
    size_t history;            /* and history entries [0, history) */
    const char *how;           /* how it was told, for messages; NULL:
                                  the base is not known */
} img_base;

/* The base as the image's history tells it (rule 2); false (and *out
 * zeroed) when it does not. */
bool base_from_history(const img_image *img, img_base *out);

/* The base whose rootfs.diff_ids are `ids` (n of them) and whose history
 * has `nhistory` entries (rule 1). False with *why when they are not the
 * first layers of `img`. */
bool base_from_diff_ids(const img_image *img, const char *const *ids,
                        size_t n, size_t nhistory, img_base *out,
                        const char **why);

/* The distributions whose base images (and common packages: util-linux,
 * shadow, openssh-client, PAM) ship setuid/setgid files. */
typedef enum base_distro {
    DISTRO_DEBIAN,             /* Debian and Ubuntu */
    DISTRO_ALPINE,
    DISTRO_UBI,                /* Red Hat UBI, Fedora, CentOS, Rocky, Alma */
    DISTRO_COUNT,
} base_distro;

/* "Debian and Ubuntu", "Alpine", "Red Hat UBI". */
const char *base_distro_name(base_distro d);
/* Does distribution d ship `path` (absolute) setuid or setgid? */
bool base_distro_ships(base_distro d, const char *path);

#endif
