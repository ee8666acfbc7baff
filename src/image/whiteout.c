#include "image/whiteout.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

/* ------------------------------------------------------------ path hashes */

uint64_t path_hash(const char *path, size_t len)
{
    /* FNV-1a, then a final mix so the low bits are well spread. */
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)path[i];
        h *= 0x100000001b3ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h &= ~(uint64_t)1;
    return h ? h : 2;
}

static size_t slot_of(uint64_t h, size_t cap)
{
    return (size_t)(h >> 1) & (cap - 1);
}

static void pathset_grow(pathset *s)
{
    size_t cap = s->cap ? 2 * s->cap : 64;
    uint64_t *slots = xcalloc(cap, sizeof(uint64_t));
    for (size_t i = 0; i < s->cap; i++) {
        uint64_t h = s->slots[i];
        if (!h)
            continue;
        size_t j = slot_of(h, cap);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = h;
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
}

void pathset_add(pathset *s, uint64_t h)
{
    if (2 * (s->n + 1) > s->cap)
        pathset_grow(s);
    size_t j = slot_of(h, s->cap);
    while (s->slots[j]) {
        if (s->slots[j] == h)
            return;
        j = (j + 1) & (s->cap - 1);
    }
    s->slots[j] = h;
    s->n++;
}

bool pathset_has(const pathset *s, uint64_t h)
{
    if (!s->n)
        return false;
    size_t j = slot_of(h, s->cap);
    while (s->slots[j]) {
        if (s->slots[j] == h)
            return true;
        j = (j + 1) & (s->cap - 1);
    }
    return false;
}

void pathset_free(pathset *s)
{
    free(s->slots);
    memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ path lists */

void pathlist_free(pathlist *l)
{
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void pathlist_add(pathlist *l, uint64_t h)
{
    if (l->n == l->cap) {
        /* Grow by a quarter: little slack, and realloc of a large block
         * moves pages instead of copying them. */
        l->cap = l->cap ? l->cap + l->cap / 4 + 16 : 64;
        l->items = xreallocarray(l->items, l->cap, sizeof(uint64_t));
    }
    l->items[l->n++] = h;
    l->sealed = false;
}

/* Heapsort: in place (qsort may allocate a copy of the array) and never
 * worse than n log n. */
static void sift_down(uint64_t *a, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        uint64_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void sort_hashes(uint64_t *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        uint64_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

void pathlist_seal(pathlist *l)
{
    if (l->sealed)
        return;
    sort_hashes(l->items, l->n);
    size_t out = 0;
    for (size_t i = 0; i < l->n; i++)
        if (out == 0 || l->items[out - 1] != l->items[i])
            l->items[out++] = l->items[i];
    l->n = out;
    if (out && out < l->cap) {
        l->items = xreallocarray(l->items, out, sizeof(uint64_t));
        l->cap = out;
    }
    l->sealed = true;
}

bool pathlist_has(const pathlist *l, uint64_t h)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->items[mid] < h)
            lo = mid + 1;
        else if (l->items[mid] > h)
            hi = mid;
        else
            return true;
    }
    return false;
}

/* -------------------------------------------------------------- changes */

void layer_changes_free(layer_changes *c)
{
    pathlist_free(&c->entries);
    pathlist_free(&c->whiteouts);
    pathlist_free(&c->opaque);
}

void layer_changes_seal(layer_changes *c)
{
    pathlist_seal(&c->entries);
    pathlist_seal(&c->whiteouts);
    pathlist_seal(&c->opaque);
}

bool is_whiteout_name(const char *name)
{
    return strncmp(name, WH_PREFIX, strlen(WH_PREFIX)) == 0;
}

bool layer_changes_record(layer_changes *c, const char *path, bool is_dir)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dir_len = slash ? (size_t)(slash - path) : 0;
    if (!is_whiteout_name(base)) {
        pathlist_add(&c->entries, path_hash(path, strlen(path)) | !is_dir);
        return false;
    }
    if (strcmp(base, WH_OPAQUE) == 0) {
        pathlist_add(&c->opaque, path_hash(path, dir_len));
        return true;
    }
    const char *name = base + strlen(WH_PREFIX);
    /* .wh..wh.* other than the opaque marker are aufs internals. */
    if (!*name || is_whiteout_name(name))
        return true;
    char buf[4096];
    size_t n = strlen(name);
    if (dir_len + 1 + n >= sizeof(buf))
        return true;
    memcpy(buf, path, dir_len);
    buf[dir_len] = '/';
    memcpy(buf + dir_len + 1, name, n);
    pathlist_add(&c->whiteouts, path_hash(buf, dir_len + 1 + n));
    return true;
}

/* The fate of `path` in one upper layer, or FATE_SHIPS. */
static img_fate fate_in(const layer_changes *c, const char *path, size_t len)
{
    /* Parents first: a deleted, hidden or replaced directory takes its
     * contents with it. */
    for (size_t i = 1; i < len; i++) {
        if (path[i] != '/')
            continue;
        uint64_t h = path_hash(path, i);
        if (pathlist_has(&c->whiteouts, h))
            return FATE_DELETED;
        if (pathlist_has(&c->opaque, h))
            return FATE_HIDDEN;
        if (pathlist_has(&c->entries, h | 1))
            return FATE_REPLACED;
    }
    uint64_t h = path_hash(path, len);
    if (pathlist_has(&c->whiteouts, h))
        return FATE_DELETED;
    if (pathlist_has(&c->entries, h) || pathlist_has(&c->entries, h | 1))
        return FATE_REPLACED;
    return FATE_SHIPS;
}

img_fate whiteout_fate(const layer_changes *layers, size_t nlayers,
                       int layer, const char *path, int *fate_layer)
{
    size_t len = strlen(path);
    for (size_t j = (size_t)layer + 1; j < nlayers; j++) {
        img_fate f = fate_in(&layers[j], path, len);
        if (f != FATE_SHIPS) {
            *fate_layer = (int)j;
            return f;
        }
    }
    *fate_layer = -1;
    return FATE_SHIPS;
}

/* ---------------------------------------------------------------- paths */

bool layer_path_normalise(const char *name, char *out, size_t cap,
                          bool *absolute, bool *escapes)
{
    /* Cleaned in a buffer as long as the name, and only the result is held
     * to `cap`: a long component that a later ".." removes is not part of
     * the path (Go's filepath.Clean, which containerd and docker apply,
     * never sees it). The result is at most one byte longer than the
     * name: the leading '/'. */
    size_t need = strlen(name) + 2;
    char *buf = need <= cap ? out : xmalloc(need);
    *absolute = name[0] == '/';
    *escapes = false;
    size_t len = 0;
    const char *p = name;
    while (*p) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0)
            break;
        if (n == 1 && p[0] == '.') {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (len == 0)
                *escapes = true;
            while (len > 0 && buf[len - 1] != '/')
                len--;
            if (len > 0)
                len--; /* the '/' */
        } else {
            buf[len++] = '/';
            memcpy(buf + len, p, n);
            len += n;
        }
        p += n;
    }
    if (len == 0)
        buf[len++] = '/';
    buf[len] = '\0';
    if (buf == out)
        return true;
    bool fits = len < cap;
    if (fits)
        memcpy(out, buf, len + 1);
    free(buf);
    return fits;
}
