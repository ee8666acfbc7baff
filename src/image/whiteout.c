#include "image/whiteout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "util/xalloc.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

/* ------------------------------------------------------------ path hashes */

int path_id_compare(path_id a, path_id b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}

static bool random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(p + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got == n)
        return true;
    /* No getrandom (old kernels, some sandboxes): the device. */
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    return got == n;
}

bool path_hasher_init(path_hasher *h)
{
    memset(h, 0, sizeof(*h));
    uint64_t k[2];
    if (!random_bytes(k, sizeof(k)))
        return false;
    h->key.k0 = k[0];
    h->key.k1 = k[1];
    return true;
}

static path_id path_id_of(const path_hasher *h, sip128 s, const char *path,
                          size_t len)
{
    path_id id = {s.first, s.second};
    if (h->test_hook)
        id = h->test_hook(id, path, len);
    if (id.hi == 0 && id.lo == 0)
        id.lo = 1; /* all zeros marks a free slot of a pathset */
    return id;
}

path_id path_hash(const path_hasher *h, const char *path, size_t len)
{
    return path_id_of(h, siphash128(&h->key, path, len), path, len);
}

void path_stream_init(const path_hasher *h, sip_stream *s)
{
    sip_stream_init(s, &h->key);
}

path_id path_hash_stream(const path_hasher *h, const sip_stream *s,
                         const char *path, size_t len)
{
    return path_id_of(h, sip_stream_final(s), path, len);
}

static size_t slot_of(path_id h, size_t cap)
{
    /* Both halves: a test may make one of them equal for every path. */
    return (size_t)(h.hi ^ h.lo) & (cap - 1);
}

static bool slot_free(path_id h)
{
    return h.hi == 0 && h.lo == 0;
}

static void pathset_grow(pathset *s)
{
    size_t cap = s->cap ? 2 * s->cap : 64;
    path_id *slots = xcalloc(cap, sizeof(path_id));
    for (size_t i = 0; i < s->cap; i++) {
        path_id h = s->slots[i];
        if (slot_free(h))
            continue;
        size_t j = slot_of(h, cap);
        while (!slot_free(slots[j]))
            j = (j + 1) & (cap - 1);
        slots[j] = h;
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
}

void pathset_add(pathset *s, path_id h)
{
    if (2 * (s->n + 1) > s->cap)
        pathset_grow(s);
    size_t j = slot_of(h, s->cap);
    while (!slot_free(s->slots[j])) {
        if (path_id_equal(s->slots[j], h))
            return;
        j = (j + 1) & (s->cap - 1);
    }
    s->slots[j] = h;
    s->n++;
}

bool pathset_has(const pathset *s, path_id h)
{
    if (!s->n)
        return false;
    size_t j = slot_of(h, s->cap);
    while (!slot_free(s->slots[j])) {
        if (path_id_equal(s->slots[j], h))
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

void pathlist_add(pathlist *l, path_id h)
{
    if (l->n == l->cap) {
        /* Grow by a quarter: little slack, and realloc of a large block
         * moves pages instead of copying them. */
        l->cap = l->cap ? l->cap + l->cap / 4 + 16 : 64;
        l->items = xreallocarray(l->items, l->cap, sizeof(path_id));
    }
    l->items[l->n++] = h;
    l->sealed = false;
}

/* Heapsort: in place (qsort may allocate a copy of the array) and never
 * worse than n log n. */
static void sift_down(path_id *a, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && path_id_compare(a[child + 1], a[child]) > 0)
            child++;
        if (path_id_compare(a[root], a[child]) >= 0)
            return;
        path_id t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void sort_hashes(path_id *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        path_id t = a[0];
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
        if (out == 0 || !path_id_equal(l->items[out - 1], l->items[i]))
            l->items[out++] = l->items[i];
    l->n = out;
    if (out && out < l->cap) {
        l->items = xreallocarray(l->items, out, sizeof(path_id));
        l->cap = out;
    }
    l->sealed = true;
}

bool pathlist_has(const pathlist *l, path_id h)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = path_id_compare(l->items[mid], h);
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else
            return true;
    }
    return false;
}

/* -------------------------------------------------------------- changes */

void layer_changes_free(layer_changes *c)
{
    pathlist_free(&c->dirs);
    pathlist_free(&c->files);
    pathlist_free(&c->whiteouts);
    pathlist_free(&c->opaque);
}

void layer_changes_seal(layer_changes *c)
{
    pathlist_seal(&c->dirs);
    pathlist_seal(&c->files);
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
        pathlist_add(is_dir ? &c->dirs : &c->files,
                     path_hash(c->hashing, path, strlen(path)));
        return false;
    }
    if (strcmp(base, WH_OPAQUE) == 0) {
        if (dir_len == 0)
            c->root_opaque = true;
        else
            pathlist_add(&c->opaque, path_hash(c->hashing, path, dir_len));
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
    pathlist_add(&c->whiteouts, path_hash(c->hashing, buf, dir_len + 1 + n));
    return true;
}

void path_ids_init(path_ids *p, const path_hasher *h, const char *path,
                   size_t len)
{
    size_t n = 0;
    for (size_t i = 1; i < len; i++)
        n += path[i] == '/';
    p->dirs = n <= sizeof(p->inline_dirs) / sizeof(p->inline_dirs[0])
                  ? p->inline_dirs
                  : xcalloc(n, sizeof(path_id));
    p->ndirs = 0;
    sip_stream s;
    path_stream_init(h, &s);
    size_t done = 0;
    for (size_t i = 1; i < len; i++)
        if (path[i] == '/') {
            sip_stream_update(&s, path + done, i - done);
            done = i;
            p->dirs[p->ndirs++] = path_hash_stream(h, &s, path, i);
        }
    sip_stream_update(&s, path + done, len - done);
    p->self = path_hash_stream(h, &s, path, len);
}

void path_ids_free(path_ids *p)
{
    if (p->dirs != p->inline_dirs)
        free(p->dirs);
    p->dirs = NULL;
}

img_fate layer_fate(const layer_changes *c, const path_ids *p)
{
    /* Parents first: a deleted, hidden or replaced directory takes its
     * contents with it. */
    for (size_t i = 0; i < p->ndirs; i++) {
        if (pathlist_has(&c->whiteouts, p->dirs[i]))
            return FATE_DELETED;
        if (pathlist_has(&c->opaque, p->dirs[i]))
            return FATE_HIDDEN;
        if (pathlist_has(&c->files, p->dirs[i]))
            return FATE_REPLACED;
    }
    if (pathlist_has(&c->whiteouts, p->self))
        return FATE_DELETED;
    if (pathlist_has(&c->files, p->self) || pathlist_has(&c->dirs, p->self))
        return FATE_REPLACED;
    return FATE_SHIPS;
}

img_fate whiteout_fate(const layer_changes *layers, size_t nlayers,
                       int layer, const char *path, int *fate_layer)
{
    *fate_layer = -1;
    /* Layers that were not scanned recorded nothing (and no hasher). */
    const path_hasher *h = NULL;
    for (size_t j = (size_t)layer + 1; j < nlayers && !h; j++)
        h = layers[j].hashing;
    if (!h)
        return FATE_SHIPS;
    path_ids p;
    path_ids_init(&p, h, path, strlen(path));
    img_fate fate = FATE_SHIPS;
    for (size_t j = (size_t)layer + 1; j < nlayers; j++) {
        if (!layers[j].hashing)
            continue;
        img_fate f = layer_fate(&layers[j], &p);
        if (f != FATE_SHIPS) {
            *fate_layer = (int)j;
            fate = f;
            break;
        }
        /* Only a later layer's own verdict overrides this one. */
        if (layers[j].root_opaque && fate == FATE_SHIPS) {
            fate = FATE_ROOT_OPAQUE;
            *fate_layer = (int)j;
        }
    }
    path_ids_free(&p);
    return fate;
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
