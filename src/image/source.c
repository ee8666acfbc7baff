#include "image/source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__linux__) && defined(SYS_openat2) && __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define HAVE_OPENAT2 1
#endif

#include "image/decompress.h"
#include "image/instream.h"
#include "image/remote.h"

/* How a file of the input is opened: never waiting (a FIFO would block
 * open() until a writer came), never becoming the controlling terminal. */
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

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
    src->fd = open(path, OPEN_FLAGS);
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
        src->kind = SOURCE_DIR;
        src->is_dir = true;
        return true;
    }
    if (!S_ISREG(st.st_mode)) {
        *err = "not a directory or a regular file";
        goto fail;
    }
    src->kind = SOURCE_ARCHIVE;
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
    instream_free(src->stream);
    src->stream = NULL;
    remote_free(src->remote);
    src->remote = NULL;
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

/* ------------------------------------------------ members of a directory */

/* What a file that is not a regular one is, for messages. */
static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory, not a file";
    if (S_ISFIFO(mode))
        return "a FIFO, not a regular file: refused";
    if (S_ISSOCK(mode))
        return "a socket, not a regular file: refused";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device, not a regular file: refused";
    return "not a regular file";
}

static const char *resolve_error(int err)
{
    switch (err) {
    case ENOENT:
        return "missing from the image layout";
    case EXDEV:
        return "a symbolic link (or ..) that leads out of the image "
               "directory: refused";
    case ELOOP:
        return "too many symbolic links, or a link into /proc: refused";
    case ENOTDIR:
        return "a path through something that is not a directory";
    case ENAMETOOLONG:
        return "a path too long once its links are followed";
    default:
        return strerror(err);
    }
}

#ifdef HAVE_OPENAT2
/* The kernel resolves beneath the directory: -1 with errno set; ENOSYS
 * (or EPERM from a seccomp filter) when it cannot. */
static int open_beneath_kernel(int dir, const char *member)
{
    struct open_how how = {
        .flags = OPEN_FLAGS,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    for (int tries = 0;; tries++) {
        long fd = syscall(SYS_openat2, dir, member, &how, sizeof(how));
        /* EAGAIN: a rename raced with "..": try again, a few times. */
        if (fd < 0 && (errno == EAGAIN || errno == EINTR) && tries < 8)
            continue;
        return (int)fd;
    }
}
#endif

/* Most symbolic links and directory levels the walk follows (as the
 * kernel: 40 links). */
#define WALK_MAX_LINKS 40
#define WALK_MAX_DEPTH 256
#define WALK_MAX_PATH 8192

/*
 * The same without openat2(): one component at a time, each opened with
 * O_PATH | O_NOFOLLOW relative to the directory reached so far (held
 * open, so a rename cannot move the walk elsewhere). A symbolic link is
 * read and its target walked in its place: an absolute target, or a ".."
 * above the input, is refused (as RESOLVE_BENEATH does). -1 with errno
 * set.
 */
static int open_beneath_walk(int root, const char *member)
{
    int stack[WALK_MAX_DEPTH + 1];
    size_t depth = 0;
    stack[0] = root;
    /* The path left to walk, rebuilt when a link is followed. */
    char *rest = malloc(WALK_MAX_PATH);
    char *next = malloc(WALK_MAX_PATH);
    int links = 0, result = -1, err = 0;
    if (!rest || !next) {
        err = ENOMEM;
        goto out;
    }
    if (strlen(member) >= WALK_MAX_PATH) {
        err = ENAMETOOLONG;
        goto out;
    }
    strcpy(rest, member);
    size_t pos = 0;
    for (;;) {
        while (rest[pos] == '/')
            pos++;
        if (!rest[pos]) {
            err = EISDIR; /* the path ends in a directory */
            break;
        }
        size_t n = strcspn(rest + pos, "/");
        char comp[NAME_MAX + 1];
        if (n > NAME_MAX) {
            err = ENAMETOOLONG;
            break;
        }
        memcpy(comp, rest + pos, n);
        comp[n] = '\0';
        pos += n;
        size_t after = pos;
        while (rest[after] == '/')
            after++;
        bool last = !rest[after];
        if (!strcmp(comp, ".")) {
            if (last) {
                err = EISDIR;
                break;
            }
            continue;
        }
        if (!strcmp(comp, "..")) {
            if (depth == 0) {
                err = EXDEV;
                break;
            }
            close(stack[depth--]);
            if (last) {
                err = EISDIR;
                break;
            }
            continue;
        }
        int fd = openat(stack[depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) {
            err = errno;
            if (fd >= 0)
                close(fd);
            break;
        }
        if (S_ISLNK(st.st_mode)) {
            char target[WALK_MAX_PATH];
            ssize_t len = readlinkat(fd, "", target, sizeof(target) - 1);
            err = errno;
            close(fd);
            if (len < 0)
                break;
            err = 0;
            target[len] = '\0';
            if (++links > WALK_MAX_LINKS) {
                err = ELOOP;
                break;
            }
            if (target[0] == '/') {
                err = EXDEV;
                break;
            }
            /* Walk the target, then what followed the link. */
            size_t tail = strlen(rest + pos);
            if ((size_t)len + 1 + tail >= WALK_MAX_PATH) {
                err = ENAMETOOLONG;
                break;
            }
            memcpy(next, target, (size_t)len);
            next[len] = '/';
            memcpy(next + len + 1, rest + pos, tail + 1);
            char *t = rest;
            rest = next;
            next = t;
            pos = 0;
            continue;
        }
        if (!last) {
            if (!S_ISDIR(st.st_mode)) {
                close(fd);
                err = ENOTDIR;
                break;
            }
            if (depth == WALK_MAX_DEPTH) {
                close(fd);
                err = ENAMETOOLONG;
                break;
            }
            stack[++depth] = fd;
            continue;
        }
        close(fd);
        /* O_NOFOLLOW: if it became a link since, this fails (ELOOP). */
        result = openat(stack[depth], comp, OPEN_FLAGS | O_NOFOLLOW);
        err = result < 0 ? errno : 0;
        break;
    }
out:
    while (depth > 0)
        close(stack[depth--]);
    free(rest);
    free(next);
    errno = err;
    return result;
}

/* Open `member` beneath the directory `dir`; -1 with errno set. */
static int open_beneath(const img_source *src, const char *member)
{
#ifdef HAVE_OPENAT2
    if (!src->walk_only) {
        int fd = open_beneath_kernel(src->fd, member);
        if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG))
            return fd;
    }
#endif
    return open_beneath_walk(src->fd, member);
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
    if (src->kind == SOURCE_REMOTE) {
        /* Fetched when read: a registry's blob is named by its digest,
         * its place in the list of those located names it here. */
        if (!remote_has(src->remote, member)) {
            *err = "not a blob of the registry";
            return false;
        }
        loc->off = remote_id(src->remote, member);
        return true;
    }
    if (!src->is_dir) {
        const tar_member *m = tar_index_find(&src->index, member);
        if (!m) {
            *err = "missing from the archive";
            return false;
        }
        loc->fd = src->kind == SOURCE_STREAM ? -1 : src->fd;
        loc->off = m->offset;
        loc->len = m->size;
        return true;
    }
    int fd = open_beneath(src, member);
    if (fd < 0) {
        *err = errno == EISDIR ? "a directory, not a file"
                               : resolve_error(errno);
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *err = strerror(errno);
        close(fd);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        *err = file_kind(st.st_mode);
        close(fd);
        return false;
    }
    loc->fd = fd;
    loc->own_fd = true;
    loc->len = (uint64_t)st.st_size;
    return true;
}

bool source_has(const img_source *src, const char *member)
{
    if (src->kind == SOURCE_REMOTE)
        return remote_has(src->remote, member);
    if (src->is_dir) {
        struct stat st;
        return member_path_ok(member) && !strchr(member, '/') &&
               fstatat(src->fd, member, &st, AT_SYMLINK_NOFOLLOW) == 0;
    }
    return tar_index_find(&src->index, member) != NULL;
}

bool source_same_file(const img_source *src, const char *a, const char *b)
{
    blob_loc la, lb;
    const char *err;
    if (!source_locate(src, a, &la, &err))
        return false;
    if (!source_locate(src, b, &lb, &err)) {
        blob_loc_close(&la);
        return false;
    }
    bool same = la.off == lb.off && la.len == lb.len;
    struct stat sa, sb;
    if (src->is_dir)
        same = fstat(la.fd, &sa) == 0 && fstat(lb.fd, &sb) == 0 &&
               sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    blob_loc_close(&la);
    blob_loc_close(&lb);
    return same;
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

bool source_read(const img_source *src, arena *a, const char *member,
                 size_t max, char **data, size_t *len, const char **err)
{
    if (src->kind == SOURCE_REMOTE) {
        *len = 0;
        return remote_read(src->remote, a, member, max, data, len, err);
    }
    blob_loc loc;
    if (!source_locate(src, member, &loc, err))
        return false;
    *len = (size_t)loc.len;
    if (loc.len > max) {
        blob_loc_close(&loc);
        *err = "too large";
        return false;
    }
    bool ok;
    if (src->kind == SOURCE_STREAM)
        ok = instream_json(src->stream, loc.off, data, err);
    else
        ok = blob_loc_read(a, &loc, max, data, err);
    blob_loc_close(&loc);
    return ok;
}
