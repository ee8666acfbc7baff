#include "image/tarindex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/gotar.h"

#define BLOCK 512

/* Go's path.Clean, then without the leading '/': docker load joins member
 * names to its directory after filepath.Clean, so "/a/../b" is "b", and a
 * name that climbs out ("../b") is kept as is (docker refuses it, and no
 * member path bosun looks up starts with ".."). */
void tar_path_normalise(char *path)
{
    bool rooted = path[0] == '/';
    size_t w = 0, floor = 0, r = 0, n = strlen(path);
    while (r < n) {
        if (path[r] == '/') {
            r++;
            continue;
        }
        size_t len = strcspn(path + r, "/");
        if (len == 1 && path[r] == '.') {
            r++;
            continue;
        }
        if (len == 2 && path[r] == '.' && path[r + 1] == '.') {
            r += 2;
            if (w > floor) {
                while (w > floor && path[w - 1] != '/')
                    w--;
                if (w > floor)
                    w--;
            } else if (!rooted) {
                if (w > 0)
                    path[w++] = '/';
                path[w++] = '.';
                path[w++] = '.';
                floor = w;
            }
            continue;
        }
        if (w > 0)
            path[w++] = '/';
        memmove(path + w, path + r, len);
        w += len;
        r += len;
    }
    path[w] = '\0';
}

static bool read_exact(int fd, void *buf, size_t len, uint64_t off)
{
    char *b = buf;
    while (len) {
        ssize_t n = pread(fd, b, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        b += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return true;
}

static int compare_members(const void *pa, const void *pb)
{
    const tar_member *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

bool tar_index_add(arena *a, tar_index *ix, size_t *cap, const gotar_entry *e,
                   uint64_t size, const char **err)
{
    if (e->data_offset + e->data_len > size) {
        *err = "truncated archive: a member reaches past the end of the "
               "file";
        return false;
    }
    if (e->sparse) {
        *err = arena_printf(a, "sparse member \"%.200s\": bosun reads image "
                            "archive members in place", e->name);
        return false;
    }
    if (ix->n == TAR_INDEX_MAX_MEMBERS) {
        *err = "too many members in the archive";
        return false;
    }
    tar_member *m = ARENA_PUSH(a, ix->members, ix->n, *cap);
    char *name = arena_strdup(a, e->name);
    tar_path_normalise(name);
    m->name = name;
    m->link = e->type == '1' || e->type == '2' ? arena_strdup(a, e->link)
                                               : NULL;
    m->type = e->type;
    m->offset = e->data_offset;
    m->size = e->data_len;
    m->order = ix->n - 1;
    return true;
}

void tar_index_sort(tar_index *ix)
{
    if (ix->n > 1)
        qsort(ix->members, ix->n, sizeof(*ix->members), compare_members);
}

/*
 * The headers are read as Go's archive/tar reads them (gotar.c), since
 * docker load and containerd's importer read image archives with it:
 * star prefixes, GNU long names over pax paths, one zero block followed
 * by a header is an error, and so on. Data is skipped by its size
 * without being read.
 */
bool tar_index_build(arena *a, int fd, uint64_t size, tar_index *out,
                     const char **err)
{
    gotar *g = gotar_new();
    tar_index ix = {0};
    size_t cap = 0;
    uint64_t off = 0;
    unsigned char buf[BLOCK];
    bool ok = false;
    for (;;) {
        const gotar_entry *e;
        while ((e = gotar_peek(g)) != NULL) {
            if (!tar_index_add(a, &ix, &cap, e, size, err))
                goto done;
            gotar_pop(g);
        }
        if (gotar_error(g)) {
            *err = gotar_position(g) <= BLOCK
                       ? "not a tar archive"
                       : arena_printf(a, "corrupt tar header at byte %llu "
                                      "(as Go's archive/tar, which docker "
                                      "load reads with, sees it): %s",
                                      (unsigned long long)
                                          gotar_error_offset(g),
                                      gotar_error(g));
            goto done;
        }
        if (gotar_ended(g))
            break;
        uint64_t skip = gotar_skippable(g);
        if (skip) {
            uint64_t k = skip <= size - off ? skip : size - off;
            gotar_skip(g, k);
            off += k;
            if (k < skip)
                gotar_finish(g);
            continue;
        }
        if (off == size) {
            gotar_finish(g);
            continue;
        }
        size_t want = size - off < BLOCK ? (size_t)(size - off) : BLOCK;
        if (!read_exact(fd, buf, want, off)) {
            *err = "cannot read the archive";
            goto done;
        }
        gotar_feed(g, buf, want);
        off += want;
    }
    if (ix.n == 0) {
        *err = "not a tar archive";
        goto done;
    }
    tar_index_sort(&ix);
    *out = ix;
    ok = true;
done:
    gotar_free(g);
    return ok;
}

/* The last member named `name` (later members replace earlier ones). */
static const tar_member *lookup(const tar_index *ix, const char *name)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->members[mid].name, name) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && strcmp(ix->members[lo - 1].name, name) == 0)
        return &ix->members[lo - 1];
    return NULL;
}

/* `target` of a symlink in the directory of `from`, resolved lexically;
 * false when it leaves the archive. */
static bool resolve_link(const char *from, const char *target, char *out,
                         size_t cap)
{
    char buf[4096];
    const char *slash = strrchr(from, '/');
    int n = target[0] == '/' ? snprintf(buf, sizeof(buf), "%s", target)
            : slash ? snprintf(buf, sizeof(buf), "%.*s/%s",
                               (int)(slash - from), from, target)
                    : snprintf(buf, sizeof(buf), "%s", target);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return false;
    /* Apply "." and ".." component by component. */
    size_t len = 0;
    out[0] = '\0';
    for (char *save = NULL, *c = strtok_r(buf, "/", &save); c;
         c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            if (len == 0)
                return false;
            char *up = strrchr(out, '/');
            len = up ? (size_t)(up - out) : 0;
            out[len] = '\0';
            continue;
        }
        size_t k = strlen(c);
        if (len + k + 2 > cap)
            return false;
        if (len)
            out[len++] = '/';
        memcpy(out + len, c, k + 1);
        len += k;
    }
    return len > 0;
}

const tar_member *tar_index_find(const tar_index *ix, const char *name)
{
    char path[4096];
    if (snprintf(path, sizeof(path), "%s", name) >= (int)sizeof(path))
        return NULL;
    tar_path_normalise(path);
    for (int depth = 0; depth < 16; depth++) {
        const tar_member *m = lookup(ix, path);
        if (!m)
            return NULL;
        if (m->type == '2' && m->link) {
            char next[4096];
            if (!resolve_link(m->name, m->link, next, sizeof(next)))
                return NULL;
            memcpy(path, next, strlen(next) + 1);
            continue;
        }
        if (m->type == '1' && m->link) {
            if (snprintf(path, sizeof(path), "%s", m->link) >=
                (int)sizeof(path))
                return NULL;
            tar_path_normalise(path);
            continue;
        }
        return m->type == '0' ? m : NULL;
    }
    return NULL;
}
