#include "image/source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/decompress.h"

void blob_loc_close(blob_loc *loc)
{
    if (loc->own_fd && loc->fd >= 0)
        close(loc->fd);
    loc->fd = -1;
    loc->own_fd = false;
}

ssize_t read_at(int fd, void *buf, size_t len, uint64_t off)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

bool source_open(arena *a, const char *path, img_source *src,
                 const char **err)
{
    memset(src, 0, sizeof(*src));
    src->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (src->fd < 0) {
        *err = strerror(errno);
        return false;
    }
    struct stat st;
    if (fstat(src->fd, &st) != 0) {
        *err = strerror(errno);
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        src->is_dir = true;
        return true;
    }
    if (!S_ISREG(st.st_mode)) {
        *err = "not a directory or a regular file (a pipe cannot be read "
               "in place; save the archive to a file)";
        goto fail;
    }
    src->size = (uint64_t)st.st_size;
    uint8_t magic[4];
    ssize_t n = read_at(src->fd, magic, sizeof(magic), 0);
    if (n > 0 && compression_sniff(magic, (size_t)n) != IMG_COMP_NONE) {
        *err = "compressed archive: decompress it first (bosun reads image "
               "archives in place, which needs an uncompressed tar)";
        goto fail;
    }
    if (!tar_index_build(a, src->fd, src->size, &src->index, err))
        goto fail;
    return true;
fail:
    close(src->fd);
    src->fd = -1;
    return false;
}

void source_close(img_source *src)
{
    if (src->fd >= 0)
        close(src->fd);
    src->fd = -1;
}

/* Member paths come from manifests, which are input like the rest: no
 * absolute paths, no way out of the directory. */
static bool member_path_ok(const char *member)
{
    if (!*member || member[0] == '/')
        return false;
    for (const char *p = member; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        if (*p == '/')
            p++;
    }
    return true;
}

bool source_locate(const img_source *src, const char *member, blob_loc *loc,
                   const char **err)
{
    memset(loc, 0, sizeof(*loc));
    loc->fd = -1;
    if (!member_path_ok(member)) {
        *err = "invalid path (absolute or with ..)";
        return false;
    }
    if (!src->is_dir) {
        const tar_member *m = tar_index_find(&src->index, member);
        if (!m) {
            *err = "missing from the archive";
            return false;
        }
        loc->fd = src->fd;
        loc->off = m->offset;
        loc->len = m->size;
        return true;
    }
    int fd = openat(src->fd, member, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = errno == ENOENT ? "missing from the image layout"
                               : strerror(errno);
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        *err = "not a regular file";
        return false;
    }
    loc->fd = fd;
    loc->own_fd = true;
    loc->len = (uint64_t)st.st_size;
    return true;
}

bool source_has(const img_source *src, const char *member)
{
    blob_loc loc;
    const char *err;
    if (!source_locate(src, member, &loc, &err))
        return false;
    blob_loc_close(&loc);
    return true;
}

bool blob_loc_read(arena *a, const blob_loc *loc, size_t max, char **data,
                   const char **err)
{
    if (loc->len > max) {
        *err = "too large";
        return false;
    }
    char *buf = arena_alloc(a, (size_t)loc->len + 1);
    ssize_t n = read_at(loc->fd, buf, (size_t)loc->len, loc->off);
    if (n < 0 || (uint64_t)n != loc->len) {
        *err = n < 0 ? strerror(errno) : "truncated";
        return false;
    }
    buf[n] = '\0';
    *data = buf;
    return true;
}
