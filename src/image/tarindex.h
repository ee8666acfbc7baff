/*
 * An index of an uncompressed tar archive on disk (the outer archive of a
 * docker-archive or an oci-archive): where each member's bytes are, so
 * that layers can be read in place, in parallel, without extracting
 * anything. Headers are read as Go's archive/tar reads them (gotar.h),
 * which is how docker load and containerd's importer read these archives:
 * bosun finds the members they find.
 */
#ifndef BOSUN_IMAGE_TARINDEX_H
#define BOSUN_IMAGE_TARINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

struct gotar_entry;

typedef struct tar_member {
    const char *name;     /* normalised: no leading "./" or "/", no
                             trailing "/" */
    const char *link;     /* link target (symlinks and hard links), or NULL */
    char type;            /* Go's typeflag: '0' file, '1' hard link,
                             '2' symlink, '5' directory, 'g' ... */
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
 * Add the entry Go's reader returned (`e`) to an index being built
 * (`*cap`: its capacity, 0 at first), in the archive's order; `size` is
 * the archive's, which no member may reach past. False with *err set for
 * a sparse member (its bytes are not where the header says) or beyond
 * TAR_INDEX_MAX_MEMBERS. The index must be sorted before it is searched.
 */
bool tar_index_add(arena *a, tar_index *ix, size_t *cap,
                   const struct gotar_entry *e, uint64_t size,
                   const char **err);
/* Sort the members for tar_index_find (added ones after a sort need
 * another). */
void tar_index_sort(tar_index *ix);

/*
 * The regular-file member called `name` (normalised like member names),
 * following symlinks and hard links inside the archive (docker save links
 * repeated layers). NULL when there is none.
 */
const tar_member *tar_index_find(const tar_index *ix, const char *name);

/* Normalise a member path in place as Go's path.Clean does, without the
 * leading '/': "./a//b/../c/" is "a/c"; a leading ".." is kept. */
void tar_path_normalise(char *path);

#endif
