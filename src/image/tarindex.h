/*
 * An index of an uncompressed tar archive on disk (the outer archive of a
 * docker-archive or an oci-archive): where each member's bytes are, so
 * that layers can be read in place, in parallel, without extracting
 * anything. Layer tars themselves are walked with libarchive; this reader
 * only needs the headers of a handful of members and handles what
 * docker save, skopeo and GNU tar write: ustar (with prefix), pax path,
 * linkpath and size records, GNU long names and base-256 sizes.
 */
#ifndef BOSUN_IMAGE_TARINDEX_H
#define BOSUN_IMAGE_TARINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

typedef struct tar_member {
    const char *name;     /* normalised: no leading "./" or "/", no
                             trailing "/" */
    const char *link;     /* link target (symlinks and hard links), or NULL */
    char type;            /* '0' file, '1' hard link, '2' symlink,
                             '5' directory ... */
    uint64_t offset;      /* of the data in the archive */
    uint64_t size;
    size_t order;         /* position in the archive */
} tar_member;

typedef struct tar_index {
    tar_member *members;  /* sorted by name, then order */
    size_t n;
} tar_index;

/* Most members an index accepts: image archives hold a few per layer. */
#define TAR_INDEX_MAX_MEMBERS 200000

/*
 * Read the headers of the tar archive open on `fd` (of `size` bytes).
 * Returns false with a message in *err when it is not a readable tar or a
 * member reaches past the end of the file.
 */
bool tar_index_build(arena *a, int fd, uint64_t size, tar_index *out,
                     const char **err);

/*
 * The regular-file member called `name` (normalised like member names),
 * following symlinks and hard links inside the archive (docker save links
 * repeated layers). NULL when there is none.
 */
const tar_member *tar_index_find(const tar_index *ix, const char *name);

/* Normalise a member path in place: drop "./", leading and repeated '/',
 * a trailing '/'; ".." is kept. */
void tar_path_normalise(char *path);

#endif
