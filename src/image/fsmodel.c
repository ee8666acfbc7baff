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
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].kind == REC_HARDLINK)
            free(r->items[i].lx);
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

static int by_id_order(const void *pa, const void *pb, void *ctx);

link_extra *link_new(const char *path, const char *target, uint64_t *units)
{
    size_t plen = strlen(path), tlen = strlen(target);
    size_t bytes = sizeof(link_extra) + plen + tlen + 2;
    link_extra *x = xcalloc(1, bytes);
    char *names = (char *)(x + 1);
    memcpy(names, path, plen + 1);
    memcpy(names + plen + 1, target, tlen + 1);
    x->path = names;
    x->target = names + plen + 1;
    x->prev = -1;
    *units = rec_units(sizeof(file_rec) + bytes);
    return x;
}

static void sort_by_id(layer_records *r)
{
    free(r->by_id);
    r->by_id = xcalloc(r->n + 1, sizeof(uint32_t));
    for (size_t i = 0; i < r->n; i++)
        r->by_id[i] = (uint32_t)i;
    qsort_r(r->by_id, r->n, sizeof(uint32_t), by_id_order, r->items);
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

/* One pass over the layer's entries in order: a record is superseded
 * where the layer next writes its path. */
void records_seal(layer_records *r, const pathlist *files)
{
    if (r->n == 0)
        return;
    sort_by_id(r);
    for (size_t i = 0; i < files->n; i++) {
        file_rec *before = record_before(r, files->items[i], (uint32_t)i);
        if (before && before->superseded_at == REC_NEVER)
            before->superseded_at = (uint32_t)i;
    }
}

/* ------------------------------------------------------------- walk */

#define FREE_SLOT UINT32_MAX

typedef struct said {
    path_id id;
    uint32_t idx;              /* FREE_SLOT: a free slot */
} said;

static size_t slot_of(path_id id, size_t cap)
{
    return (size_t)(id.hi ^ (id.lo >> 7)) & (cap - 1);
}

void walk_index_free(walk_index *w)
{
    free(w->slots);
    free(w->said);
    memset(w, 0, sizeof(*w));
}

size_t walk_index_bytes(const walk_index *w)
{
    return w->cap * sizeof(uint32_t) + w->said_cap * sizeof(said);
}

static void index_put(walk_index *w, uint32_t idx)
{
    path_id id = w->files->items[idx];
    size_t j = slot_of(id, w->cap);
    while (w->slots[j] != FREE_SLOT) {
        if (path_id_equal(w->files->items[w->slots[j]], id)) {
            w->slots[j] = idx; /* the later write */
            return;
        }
        j = (j + 1) & (w->cap - 1);
    }
    w->slots[j] = idx;
    w->n++;
}

static void index_grow(walk_index *w, size_t want)
{
    size_t cap = w->cap ? w->cap : 1024;
    while (2 * want > cap)
        cap *= 2;
    if (cap == w->cap)
        return;
    uint32_t *old = w->slots;
    size_t old_cap = w->cap;
    w->slots = xcalloc(cap, sizeof(uint32_t));
    memset(w->slots, 0xff, cap * sizeof(uint32_t));
    w->cap = cap;
    w->n = 0;
    /* In the layer's order, so that the last write of a path wins. */
    if (old) {
        uint32_t *keep = xcalloc(old_cap, sizeof(uint32_t));
        size_t k = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i] != FREE_SLOT)
                keep[k++] = old[i];
        for (size_t i = 0; i < k; i++)
            index_put(w, keep[i]);
        free(keep);
    }
    free(old);
}

void walk_index_start(walk_index *w, const pathlist *files, uint32_t upto)
{
    w->files = files;
    index_grow(w, upto + 1);
    for (uint32_t i = 0; i < upto; i++)
        index_put(w, i);
}

void walk_index_add(walk_index *w, uint32_t idx)
{
    if (!w->files)
        return;
    index_grow(w, w->n + 1);
    index_put(w, idx);
}

int64_t walk_index_last(walk_index *w, path_id id, uint32_t before)
{
    if (!w->files)
        return -1;
    size_t j = slot_of(id, w->cap);
    while (w->slots[j] != FREE_SLOT) {
        uint32_t idx = w->slots[j];
        if (path_id_equal(w->files->items[idx], id))
            return idx < before ? (int64_t)idx : -1;
        j = (j + 1) & (w->cap - 1);
    }
    return -1;
}

void walk_index_says(walk_index *w, path_id id, uint32_t idx)
{
    if (2 * (w->said_n + 1) > w->said_cap) {
        size_t cap = w->said_cap ? 2 * w->said_cap : 64;
        said *old = w->said;
        size_t old_cap = w->said_cap;
        w->said = xcalloc(cap, sizeof(said));
        for (size_t i = 0; i < cap; i++)
            w->said[i].idx = FREE_SLOT;
        w->said_cap = cap;
        w->said_n = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].idx != FREE_SLOT)
                walk_index_says(w, old[i].id, old[i].idx);
        free(old);
    }
    size_t j = slot_of(id, w->said_cap);
    while (w->said[j].idx != FREE_SLOT) {
        if (path_id_equal(w->said[j].id, id)) {
            w->said[j].idx = idx;
            return;
        }
        j = (j + 1) & (w->said_cap - 1);
    }
    w->said[j] = (said){id, idx};
    w->said_n++;
}

bool walk_index_said(const walk_index *w, path_id id, uint32_t idx)
{
    if (!w->said_n)
        return false;
    size_t j = slot_of(id, w->said_cap);
    while (w->said[j].idx != FREE_SLOT) {
        if (path_id_equal(w->said[j].id, id))
            return w->said[j].idx == idx;
        j = (j + 1) & (w->said_cap - 1);
    }
    return false;
}

/* -------------------------------------------------------------- model */

/* A version of a path: the layer whose write of it is seen, and what it
 * is. */
typedef struct fs_version {
    int layer;                 /* -1: no such path */
    bool dir;
    const file_rec *rec;       /* NULL: a file without a record */
} fs_version;

/* What the layers below a view hold at a path, remembered: walks repeat
 * the same directories and links (every hard link through bin ->
 * usr/bin). A fixed table, a later lookup taking the slot of an earlier
 * one. */
#define BELOW_CACHE (1u << 14)

typedef struct below_entry {
    path_id id;
    size_t view;               /* 0: empty (view 0 has nothing below) */
    fs_version v;
} below_entry;

struct fs_model {
    const path_hasher *h;
    fs_layer *layers;
    size_t n;
    pathlist symlinks;         /* the paths of all layers' symbolic links */
    below_entry *below;        /* BELOW_CACHE */

    /* The walk of a path: the directories resolved so far, and the hash
     * stream after each of them. */
    char path[RESOLVE_MAX + 1];
    size_t len;
    uint64_t link_checks;      /* hard links resolved so far */
    sip_stream *streams;       /* RESOLVE_DEPTH */
    size_t *starts;            /* where each component starts in path */
    size_t depth;
    char rest[RESOLVE_MAX + 1]; /* what is left to walk */
    char how[512];             /* the symbolic links followed */
    bool note_how;             /* ... noted (for messages) */
    /* The final /etc/passwd (fs_model_check_accounts): the file, after
     * hard links, or NULL; passwd_unknown when it may be a file of which
     * nothing was recorded (one of another name than passwd, or the path
     * did not resolve). */
    const file_rec *passwd;
    bool passwd_unknown;
};

fs_model *fs_model_new(const path_hasher *h, fs_layer *layers, size_t n)
{
    fs_model *m = xcalloc(1, sizeof(*m));
    m->h = h;
    m->layers = layers;
    m->n = n;
    m->streams = xcalloc(RESOLVE_DEPTH + 1, sizeof(sip_stream));
    m->starts = xcalloc(RESOLVE_DEPTH + 1, sizeof(size_t));
    m->below = xcalloc(BELOW_CACHE, sizeof(below_entry));
    for (size_t i = 0; i < n; i++) {
        const layer_records *r = layers[i].records;
        if (layers[i].repeat)
            continue; /* its links are listed already */
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
    free(m->below);
    free(m);
}

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
/* What the layers below `view` hold at the path. */
static fs_version version_below(const fs_model *m, size_t view,
                                const path_ids *p)
{
    size_t top = view < m->n ? view : m->n;
    for (size_t j = top; j-- > 0;) {
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
            break;
    }
    return (fs_version){-1, false, NULL};
}

static fs_version version_at(fs_model *m, size_t view, uint32_t before,
                             int64_t prev, const path_ids *p)
{
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
    if (view == 0)
        return (fs_version){-1, false, NULL};
    below_entry *e =
        &m->below[(size_t)(p->self.hi ^ p->self.lo ^ view) & (BELOW_CACHE - 1)];
    if (e->view != view || !path_id_equal(e->id, p->self)) {
        e->id = p->self;
        e->view = view;
        e->v = version_below(m, view, p);
    }
    return e->v;
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
        if (m->note_how)
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

/* The file that the hard link `link` of `layer` reaches through `target`
 * (absolute): its directories resolved in the filesystem as it stands,
 * its last component not followed (a link to a symbolic link is one).
 * NULL when it reaches no file with a record; *file_layer is its layer. */
static const file_rec *link_reaches(fs_model *m, size_t layer,
                                    const file_rec *link, const char *target,
                                    int *file_layer)
{
    int hops;
    if (!resolve(m, layer, link->idx, target, false, &hops))
        return NULL;
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
        return NULL;
    if (v.rec->kind == REC_FILE) {
        *file_layer = v.layer;
        return v.rec;
    }
    if (v.rec->kind == REC_HARDLINK && v.rec->lx->file) {
        /* Resolved already: it comes before this one. */
        *file_layer = v.rec->lx->file_layer;
        return v.rec->lx->file;
    }
    return NULL;
}

/* Has the name a ".." after another component ("a/../b")? Only then can
 * the runtimes' readings of a link target differ. */
static bool climbs_after(const char *name)
{
    bool component = false;
    for (const char *p = name; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.' && component)
            return true;
        component = component || (n > 0 && !(n == 1 && p[0] == '.'));
        p += n;
    }
    return false;
}

/*
 * The file a hard link reaches. Docker (pkg/archive) joins the target to
 * the root, which cleans it (Go's filepath.Join: ".." applied to the
 * name, stopping at the root), and links through the kernel; containerd
 * splits off the last component and resolves the directories with
 * continuity's RootPath, which follows a symbolic link before applying
 * the ".." after it, as the kernel does. The two differ only for a
 * target with ".." after a symbolic link: link->lx->file is Docker's
 * reading, *other containerd's when it reaches another file (else NULL),
 * and the link is checked with both.
 */
static void resolve_link(fs_model *m, size_t layer, file_rec *link,
                         const file_rec **other, int *other_layer)
{
    /* A blob listed at several places is resolved at each: what an
     * earlier place found is not this one's. */
    link->lx->file = NULL;
    link->lx->file_layer = -1;
    *other = NULL;
    const char *t = link->lx->target;
    char path[RESOLVE_MAX + 2];
    bool absolute, escapes;
    int at = -1;
    if (layer_path_normalise(t, path, sizeof(path), &absolute, &escapes)) {
        link->lx->file = link_reaches(m, layer, link, path, &at);
        link->lx->file_layer = at;
    }
    if (!climbs_after(t) || strlen(t) >= RESOLVE_MAX)
        return;
    snprintf(path, sizeof(path), "%s%s", t[0] == '/' ? "" : "/", t);
    const file_rec *f = link_reaches(m, layer, link, path, &at);
    if (f && f != link->lx->file) {
        *other = f;
        *other_layer = at;
    }
}

/* A hard link is its file under another name: its modes, its bytes.
 * `file` is in `file_layer`. */
static void check_link(img_findings *f, size_t layer, const file_rec *link,
                       const file_rec *file, int file_layer)
{
    const char *path = link->lx->path;
    file_facts e = {
        .path = path,
        .mode = file->mode,
        .uid = file->uid,
        .gid = file->gid,
        .link_to = link->lx->target,
        .link_layer = file_layer,
    };
    check_file_modes(f, (int)layer, &e);
    if (!file->fx)
        return;
    /* A link named like a secret was reported as such by the walk. */
    if (file->fx->secret_kind && !secret_file_kind(path, strlen(path)))
        findings_add(f, "image-secret-file", (int)layer, path,
                     KIND_ANY_LAYER, "%s is a hard link to %s of layer %d, "
                     "which looks like a secret file (%s)", path,
                     link->lx->target, file_layer, file->fx->secret_kind);
    for (const content_note *n = file->fx->content; n; n = n->next)
        content_note_report(f, (int)layer, path, n, link->lx->target,
                            file_layer);
}

bool fs_model_check_layer_links(fs_model *m, size_t layer, img_findings *out)
{
    layer_records *r = m->layers[layer].records;
    if (!r->nhardlinks)
        return true;
    if (m->link_checks + r->nhardlinks > FS_MAX_LINK_CHECKS)
        return false;
    m->link_checks += r->nhardlinks;
    /* In the layer's order: a link to a link was resolved first. */
    for (size_t k = 0; k < r->n; k++) {
        file_rec *link = &r->items[k];
        if (link->kind != REC_HARDLINK)
            continue;
        const file_rec *other;
        int other_layer;
        resolve_link(m, layer, link, &other, &other_layer);
        if (link->lx->file)
            check_link(out, layer, link, link->lx->file,
                       link->lx->file_layer);
        if (other)
            check_link(out, layer, link, other, other_layer);
    }
    return true;
}

long fs_model_check_links(fs_model *m)
{
    for (size_t layer = 0; layer < m->n; layer++)
        if (!fs_model_check_layer_links(m, layer, m->layers[layer].findings))
            return (long)layer;
    return -1;
}

/* ----------------------------------------------------------- accounts */

const accounts_summary *fs_model_check_accounts(fs_model *m, bool empty,
                                                bool writable)
{
    static const char *const names[] = {"/etc/shadow", "/etc/passwd",
                                        "/etc/group"};
    const accounts_summary *passwd = NULL;
    m->note_how = true;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *as = names[i];
        int hops;
        if (!resolve(m, m->n, REC_NEVER, as, true, &hops)) {
            m->passwd_unknown |= i == 1;
            continue;
        }
        char real[RESOLVE_MAX + 1];
        memcpy(real, m->path, m->len + 1);
        path_ids ids;
        path_ids_init(&ids, m->h, real, strlen(real));
        fs_version v = version_at(m, m->n, REC_NEVER, PREV_UNKNOWN, &ids);
        path_ids_free(&ids);
        if (!v.rec || v.rec->kind == REC_SYMLINK) {
            /* Only files that say something are recorded; every file
             * named passwd is, when its bytes are kept. */
            const char *base = strrchr(real, '/');
            m->passwd_unknown |=
                i == 1 && strcmp(base ? base + 1 : real, "passwd") != 0;
            continue;
        }
        const file_rec *file = v.rec;
        char how[1024];
        int used = 0;
        how[0] = '\0';
        if (hops)
            used = snprintf(how, sizeof(how), "%s, through %s", real, m->how);
        if (file->kind == REC_HARDLINK) {
            if (!file->lx->file) {
                m->passwd_unknown |= i == 1;
                continue;
            }
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
        if (i == 1) {
            passwd = acc;
            m->passwd = file;
        }
    }
    return passwd;
}

bool fs_model_passwd_bytes(const fs_model *m, const uint8_t **raw,
                           size_t *len)
{
    *raw = NULL;
    *len = 0;
    if (!m->passwd)
        return !m->passwd_unknown;
    if (!m->passwd->fx || !m->passwd->fx->raw)
        return false;
    *raw = m->passwd->fx->raw;
    *len = m->passwd->fx->raw_len;
    return true;
}
