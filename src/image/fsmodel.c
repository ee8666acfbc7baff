#include "image/fsmodel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/checks.h"
#include "secrets/secrets.h"
#include "util/xalloc.h"

/* Longest path walked (PATH_MAX), and most symbolic links followed in
 * one walk (Linux's limit). */
#define RESOLVE_MAX 4096
#define RESOLVE_HOPS 40
#define RESOLVE_DEPTH (RESOLVE_MAX / 2 + 1)

/* ------------------------------------------------------------ records */

void records_free(layer_records *r)
{
    free(r->items);
    free(r->by_id);
    memset(r, 0, sizeof(*r));
}

file_rec *records_add(layer_records *r, rec_kind kind, path_id id,
                      uint32_t idx)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->items = xreallocarray(r->items, r->cap, sizeof(file_rec));
    }
    file_rec *rec = &r->items[r->n++];
    memset(rec, 0, sizeof(*rec));
    rec->id = id;
    rec->idx = idx;
    rec->kind = kind;
    rec->superseded_at = REC_NEVER;
    r->nhardlinks += kind == REC_HARDLINK;
    r->nsymlinks += kind == REC_SYMLINK;
    return rec;
}

static int by_id_order(const void *pa, const void *pb, void *ctx)
{
    const file_rec *items = ctx;
    const file_rec *a = &items[*(const uint32_t *)pa];
    const file_rec *b = &items[*(const uint32_t *)pb];
    int c = path_id_compare(a->id, b->id);
    if (c)
        return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The first place in by_id whose record is not before (id, idx). */
static size_t lower_bound(const layer_records *r, path_id id, uint32_t idx)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const file_rec *m = &r->items[r->by_id[mid]];
        int c = path_id_compare(m->id, id);
        if (c < 0 || (c == 0 && m->idx < idx))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The last record of `id` before entry `before` of the layer, or NULL. */
static file_rec *record_before(const layer_records *r, path_id id,
                               uint32_t before)
{
    if (!r->by_id)
        return NULL;
    size_t at = lower_bound(r, id, before);
    if (at == 0)
        return NULL;
    file_rec *rec = &r->items[r->by_id[at - 1]];
    return path_id_equal(rec->id, id) ? rec : NULL;
}

/* The record of `id` at entry idx, or NULL. */
static file_rec *record_at(const layer_records *r, path_id id, uint32_t idx)
{
    file_rec *rec = record_before(r, id, idx + 1);
    return rec && rec->idx == idx ? rec : NULL;
}

static int id_order(const void *pa, const void *pb)
{
    return path_id_compare(*(const path_id *)pa, *(const path_id *)pb);
}

/* Where id is in the sorted keys, or n. */
static size_t key_slot(const path_id *keys, size_t n, path_id id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = path_id_compare(keys[mid], id);
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else
            return mid;
    }
    return n;
}

/*
 * One pass over the layer's entries in order: a record is superseded
 * where the layer next writes its path, and a hard link reaches the last
 * write of its target before it (or, with none, the layers below). Only
 * the targets of hard links need memory of their own.
 */
void records_seal(layer_records *r, const pathlist *files)
{
    if (r->n == 0)
        return;
    r->by_id = xcalloc(r->n, sizeof(uint32_t));
    for (size_t i = 0; i < r->n; i++)
        r->by_id[i] = (uint32_t)i;
    qsort_r(r->by_id, r->n, sizeof(uint32_t), by_id_order, r->items);

    path_id *targets = xcalloc(r->nhardlinks + 1, sizeof(path_id));
    size_t ntargets = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].kind == REC_HARDLINK)
            targets[ntargets++] = r->items[i].lx->target_id;
    qsort(targets, ntargets, sizeof(path_id), id_order);
    size_t unique = 0;
    for (size_t i = 0; i < ntargets; i++)
        if (unique == 0 || !path_id_equal(targets[unique - 1], targets[i]))
            targets[unique++] = targets[i];
    ntargets = unique;
    int64_t *last = xcalloc(ntargets + 1, sizeof(int64_t));
    for (size_t i = 0; i < ntargets; i++)
        last[i] = -1;

    size_t next = 0; /* the next record, in the layer's order */
    for (size_t i = 0; i < files->n; i++) {
        path_id id = files->items[i];
        for (; next < r->n && r->items[next].idx <= i; next++) {
            file_rec *rec = &r->items[next];
            if (rec->kind == REC_HARDLINK && rec->idx == i)
                rec->lx->prev =
                    last[key_slot(targets, ntargets, rec->lx->target_id)];
        }
        file_rec *before = record_before(r, id, (uint32_t)i);
        if (before && before->superseded_at == REC_NEVER)
            before->superseded_at = (uint32_t)i;
        size_t s = key_slot(targets, ntargets, id);
        if (s < ntargets)
            last[s] = (int64_t)i;
    }
    free(targets);
    free(last);
}

/* -------------------------------------------------------------- model */

struct fs_model {
    const path_hasher *h;
    fs_layer *layers;
    size_t n;
    pathlist symlinks;         /* the paths of all layers' symbolic links */

    /* The walk of a path: the directories resolved so far, and the hash
     * stream after each of them. */
    char path[RESOLVE_MAX + 1];
    size_t len;
    sip_stream *streams;       /* RESOLVE_DEPTH */
    size_t *starts;            /* where each component starts in path */
    size_t depth;
    char rest[RESOLVE_MAX + 1]; /* what is left to walk */
    char how[512];             /* the symbolic links followed */
};

fs_model *fs_model_new(const path_hasher *h, fs_layer *layers, size_t n)
{
    fs_model *m = xcalloc(1, sizeof(*m));
    m->h = h;
    m->layers = layers;
    m->n = n;
    m->streams = xcalloc(RESOLVE_DEPTH + 1, sizeof(sip_stream));
    m->starts = xcalloc(RESOLVE_DEPTH + 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        const layer_records *r = layers[i].records;
        for (size_t k = 0; k < r->n; k++)
            if (r->items[k].kind == REC_SYMLINK)
                pathlist_add(&m->symlinks, r->items[k].id);
    }
    pathlist_seal(&m->symlinks);
    return m;
}

void fs_model_free(fs_model *m)
{
    if (!m)
        return;
    pathlist_free(&m->symlinks);
    free(m->streams);
    free(m->starts);
    free(m);
}

/* A version of a path: the layer whose write of it is seen, and what it
 * is. */
typedef struct fs_version {
    int layer;                 /* -1: no such path */
    bool dir;
    const file_rec *rec;       /* NULL: a file without a record */
} fs_version;

/* The write of the path before the entry is not known. */
#define PREV_UNKNOWN (-2)

/*
 * The version of a path (its hashes in p) seen from layer `view` before
 * its entry `before` (view == n: the final filesystem). In the view's own
 * layer, `prev` is where the layer last wrote the path before (-1: it did
 * not) when known; otherwise a record says, and without one the layers
 * below are asked: which can find a file where a runtime finds none,
 * never the reverse. Whiteouts and opaque directories of the view's own
 * layer are taken to come after (a link made before a whiteout of its
 * target keeps the file); an opaque marker at a layer's root hides nothing
 * (overlayfs ignores it).
 */
static fs_version version_at(const fs_model *m, size_t view, uint32_t before,
                             int64_t prev, const path_ids *p)
{
    fs_version none = {-1, false, NULL};
    if (view < m->n && m->layers[view].changes->hashing) {
        const layer_records *r = m->layers[view].records;
        const file_rec *rec = record_before(r, p->self, before);
        if (prev >= 0) {
            rec = record_at(r, p->self, (uint32_t)prev);
            return (fs_version){(int)view, false, rec};
        }
        if (prev == PREV_UNKNOWN && rec)
            return (fs_version){(int)view, false,
                                rec->superseded_at < before ? NULL : rec};
    }
    for (size_t j = view < m->n ? view : m->n; j-- > 0;) {
        const layer_changes *c = m->layers[j].changes;
        if (!c->hashing)
            continue;
        if (pathlist_has(&c->files, p->self)) {
            const file_rec *rec =
                record_before(m->layers[j].records, p->self, REC_NEVER);
            if (rec && rec->superseded_at != REC_NEVER)
                rec = NULL; /* a later write of the layer has no record */
            return (fs_version){(int)j, false, rec};
        }
        if (pathlist_has(&c->dirs, p->self))
            return (fs_version){(int)j, true, NULL};
        if (layer_fate(c, p) != FATE_SHIPS)
            return none;
    }
    return none;
}

static void walk_reset(fs_model *m)
{
    m->depth = 0;
    m->len = 0;
    m->path[0] = '\0';
    path_stream_init(m->h, &m->streams[0]);
}

static bool walk_push(fs_model *m, const char *c, size_t clen)
{
    if (m->len + 1 + clen > RESOLVE_MAX || m->depth + 1 >= RESOLVE_DEPTH)
        return false;
    m->starts[m->depth] = m->len;
    m->path[m->len] = '/';
    memcpy(m->path + m->len + 1, c, clen);
    m->streams[m->depth + 1] = m->streams[m->depth];
    sip_stream_update(&m->streams[m->depth + 1], m->path + m->len, clen + 1);
    m->len += clen + 1;
    m->path[m->len] = '\0';
    m->depth++;
    return true;
}

static void walk_pop(fs_model *m)
{
    if (m->depth == 0)
        return;
    m->depth--;
    m->len = m->starts[m->depth];
    m->path[m->len] = '\0';
}

/* The path walked so far, "/" for the root. */
static const char *walked(fs_model *m)
{
    if (m->len == 0) {
        m->path[0] = '/';
        m->path[1] = '\0';
        m->len = 1;
        m->depth = 0;
    }
    return m->path;
}

/* "FROM -> TO" in m->how, after those already there (names cut at 200
 * bytes, and the list at the size of m->how). */
static void note_hop(fs_model *m, const char *from, const char *to)
{
    size_t used = strlen(m->how);
    if (used + 8 >= sizeof(m->how))
        return;
    int n = snprintf(m->how + used, sizeof(m->how) - used, "%s%.200s -> ",
                     used ? ", " : "", from);
    if (n > 0 && used + (size_t)n < sizeof(m->how))
        snprintf(m->how + used + (size_t)n, sizeof(m->how) - used - (size_t)n,
                 "%.200s", to);
}

/*
 * Walk `path` (absolute) as seen from layer `view` before its entry
 * `before` (view == n: the final filesystem): "." and ".." as the kernel
 * applies them, ".." at the root staying there (as in a container, and
 * as containerd's RootPath), symbolic links followed in directories, and
 * in the last component when follow_last, absolute targets from the root;
 * at most RESOLVE_HOPS links. The result is walked(m); *hops counts the
 * links followed, m->how names them. False when the walk does not end.
 */
static bool resolve(fs_model *m, size_t view, uint32_t before,
                    const char *path, bool follow_last, int *hops)
{
    size_t rlen = strlen(path);
    if (rlen > RESOLVE_MAX)
        return false;
    memcpy(m->rest, path, rlen + 1);
    walk_reset(m);
    m->how[0] = '\0';
    *hops = 0;
    size_t pos = 0;
    for (;;) {
        while (m->rest[pos] == '/')
            pos++;
        if (!m->rest[pos])
            break;
        const char *c = m->rest + pos;
        size_t clen = strcspn(c, "/");
        pos += clen;
        size_t q = pos;
        while (m->rest[q] == '/')
            q++;
        bool last = m->rest[q] == '\0';
        if (clen == 1 && c[0] == '.')
            continue;
        if (clen == 2 && c[0] == '.' && c[1] == '.') {
            walk_pop(m);
            continue;
        }
        if (!walk_push(m, c, clen))
            return false;
        if ((last && !follow_last) || m->symlinks.n == 0 ||
            !pathlist_has(&m->symlinks,
                          path_hash_stream(m->h, &m->streams[m->depth],
                                           m->path, m->len)))
            continue;
        path_ids ids;
        path_ids_init(&ids, m->h, m->path, m->len);
        fs_version v = version_at(m, view, before, PREV_UNKNOWN, &ids);
        path_ids_free(&ids);
        if (!v.rec || v.rec->kind != REC_SYMLINK)
            continue;
        if (++*hops > RESOLVE_HOPS)
            return false;
        const char *t = v.rec->target;
        note_hop(m, m->path, t);
        /* What is left: the target, then the rest of the path. */
        size_t tlen = strlen(t), left = strlen(m->rest + pos);
        if (tlen + 1 + left > RESOLVE_MAX)
            return false;
        memmove(m->rest + tlen + 1, m->rest + pos, left + 1);
        memcpy(m->rest, t, tlen);
        m->rest[tlen] = '/';
        pos = 0;
        walk_pop(m);
        if (t[0] == '/')
            walk_reset(m);
    }
    walked(m);
    return true;
}

/* ------------------------------------------------------------- links */

/* The file a hard link reaches, as containerd links it: the target's
 * directories resolved in the filesystem as it stands, its last
 * component not followed (a link to a symbolic link is one). */
static void resolve_link(fs_model *m, size_t layer, file_rec *link)
{
    char target[RESOLVE_MAX + 2];
    const char *t = link->lx->target;
    if (strlen(t) >= RESOLVE_MAX)
        return;
    snprintf(target, sizeof(target), "%s%s", t[0] == '/' ? "" : "/", t);
    int hops;
    if (!resolve(m, layer, link->idx, target, false, &hops))
        return;
    path_ids ids;
    path_ids_init(&ids, m->h, m->path, m->len);
    /* The walk of the layer knows what its target was at the link,
     * when no symbolic link intervened. */
    int64_t prev = hops == 0 && path_id_equal(ids.self, link->lx->target_id)
                       ? link->lx->prev
                       : PREV_UNKNOWN;
    fs_version v = version_at(m, layer, link->idx, prev, &ids);
    path_ids_free(&ids);
    if (!v.rec)
        return;
    if (v.rec->kind == REC_FILE) {
        link->lx->file = v.rec;
        link->lx->file_layer = v.layer;
    } else if (v.rec->kind == REC_HARDLINK && v.rec->lx->file) {
        /* Resolved already: it comes before this one. */
        link->lx->file = v.rec->lx->file;
        link->lx->file_layer = v.rec->lx->file_layer;
    }
}

/* A hard link is its file under another name: its modes, its bytes. */
static void check_link(fs_model *m, size_t layer, const file_rec *link)
{
    const file_rec *file = link->lx->file;
    img_findings *f = m->layers[layer].findings;
    const char *path = link->lx->path;
    file_facts e = {
        .path = path,
        .mode = file->mode,
        .uid = file->uid,
        .gid = file->gid,
        .link_to = link->lx->target,
        .link_layer = link->lx->file_layer,
    };
    check_file_modes(f, (int)layer, &e);
    if (!file->fx)
        return;
    /* A link named like a secret was reported as such by the walk. */
    if (file->fx->secret_kind && !secret_file_kind(path, strlen(path)))
        findings_add(f, "image-secret-file", (int)layer, path,
                     KIND_ANY_LAYER, "%s is a hard link to %s of layer %d, "
                     "which looks like a secret file (%s)", path,
                     link->lx->target, link->lx->file_layer,
                     file->fx->secret_kind);
    for (const content_note *n = file->fx->content; n; n = n->next)
        findings_add(f, "image-secret-content", (int)layer, path,
                     KIND_ANY_LAYER, "%s at line %llu of %s (%s), a hard "
                     "link to %s of layer %d", n->name,
                     (unsigned long long)n->line, path, n->redacted,
                     link->lx->target, link->lx->file_layer);
}

void fs_model_check_links(fs_model *m)
{
    for (size_t layer = 0; layer < m->n; layer++) {
        layer_records *r = m->layers[layer].records;
        if (!r->nhardlinks)
            continue;
        /* In the layer's order: a link to a link was resolved first. */
        for (size_t k = 0; k < r->n; k++) {
            file_rec *link = &r->items[k];
            if (link->kind != REC_HARDLINK)
                continue;
            resolve_link(m, layer, link);
            if (link->lx->file)
                check_link(m, layer, link);
        }
    }
}

/* ----------------------------------------------------------- accounts */

const accounts_summary *fs_model_check_accounts(fs_model *m, bool empty,
                                                bool writable)
{
    static const char *const names[] = {"/etc/shadow", "/etc/passwd",
                                        "/etc/group"};
    const accounts_summary *passwd = NULL;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *as = names[i];
        int hops;
        if (!resolve(m, m->n, REC_NEVER, as, true, &hops))
            continue;
        char real[RESOLVE_MAX + 1];
        memcpy(real, m->path, m->len + 1);
        path_ids ids;
        path_ids_init(&ids, m->h, real, strlen(real));
        fs_version v = version_at(m, m->n, REC_NEVER, PREV_UNKNOWN, &ids);
        path_ids_free(&ids);
        if (!v.rec || v.rec->kind == REC_SYMLINK)
            continue;
        const file_rec *file = v.rec;
        char how[1024];
        int used = 0;
        how[0] = '\0';
        if (hops)
            used = snprintf(how, sizeof(how), "%s, through %s", real, m->how);
        if (file->kind == REC_HARDLINK) {
            if (!file->lx->file)
                continue;
            snprintf(how + used, sizeof(how) - (size_t)used,
                     "%sa hard link to %s of layer %d", used ? ", " : "",
                     file->lx->target, file->lx->file_layer);
            file = file->lx->file;
        }
        const char *via = how[0] ? how : NULL;
        img_findings *f = m->layers[v.layer].findings;
        const accounts_summary *acc = file->fx ? file->fx->accounts : NULL;
        if (empty && acc && i < 2)
            accounts_report(f, v.layer, real, as, via, acc);
        if (writable && i > 0) {
            file_facts e = {.path = real, .mode = file->mode,
                            .uid = file->uid, .gid = file->gid};
            check_passwd_writable(f, v.layer, &e, as, via);
        }
        if (i == 1)
            passwd = acc;
    }
    return passwd;
}
