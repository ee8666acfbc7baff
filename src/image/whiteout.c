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

/* -------------------------------------------------------------- changes */

void layer_changes_free(layer_changes *c)
{
    pathset_free(&c->entries);
    pathset_free(&c->whiteouts);
    pathset_free(&c->opaque);
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
        pathset_add(&c->entries, path_hash(path, strlen(path)) | !is_dir);
        return false;
    }
    if (strcmp(base, WH_OPAQUE) == 0) {
        pathset_add(&c->opaque, path_hash(path, dir_len));
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
    pathset_add(&c->whiteouts, path_hash(buf, dir_len + 1 + n));
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
        if (pathset_has(&c->whiteouts, h))
            return FATE_DELETED;
        if (pathset_has(&c->opaque, h))
            return FATE_HIDDEN;
        if (pathset_has(&c->entries, h | 1))
            return FATE_REPLACED;
    }
    uint64_t h = path_hash(path, len);
    if (pathset_has(&c->whiteouts, h))
        return FATE_DELETED;
    if (pathset_has(&c->entries, h) || pathset_has(&c->entries, h | 1))
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
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--; /* the '/' */
        } else {
            if (len + 1 + n + 1 > cap)
                return false;
            out[len++] = '/';
            memcpy(out + len, p, n);
            len += n;
        }
        p += n;
    }
    if (len == 0) {
        if (cap < 2)
            return false;
        out[len++] = '/';
    }
    out[len] = '\0';
    return true;
}
