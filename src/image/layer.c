#include "image/layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image/accounts.h"
#include "image/checks.h"
#include "image/fcaps.h"
#include "image/gotar.h"
#include "image/pipeline.h"
#include "secrets/secrets.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Longest cleaned entry name bosun checks, with its NUL: Linux's PATH_MAX,
 * beyond which no runtime can create the file either. */
#define LAYER_PATH_MAX 4096

struct layer_worker {
    scan_options opt;
    decoder *dec;
    content_scan *cs;
    gotar *shadow;           /* Go's reading of the layer being walked */
    accounts_scan *acc;
    uint8_t *raw;
    uint8_t *plain;
};

layer_worker *layer_worker_new(const scan_options *o)
{
    layer_worker *w = xcalloc(1, sizeof(*w));
    w->opt = *o;
    w->dec = decoder_new(DEC_BACKEND_DEFAULT);
    w->cs = o->db ? content_scan_new(o->db) : NULL;
    w->shadow = gotar_new();
    w->acc = o->accounts ? accounts_scan_new() : NULL;
    w->raw = xmalloc(LAYER_READ_CHUNK);
    w->plain = xmalloc(LAYER_PLAIN_CHUNK);
    return w;
}

void layer_worker_free(layer_worker *w)
{
    if (!w)
        return;
    decoder_free(w->dec);
    content_scan_free(w->cs);
    gotar_free(w->shadow);
    accounts_scan_free(w->acc);
    free(w->raw);
    free(w->plain);
    free(w);
}

void layer_result_init(layer_result *r, const bosun_config *cfg)
{
    memset(r, 0, sizeof(*r));
    arena_init(&r->a);
    findings_init(&r->findings, &r->a, cfg);
}

void layer_result_place(layer_result *r, int index)
{
    for (size_t i = 0; i < r->findings.n; i++)
        r->findings.items[i].layer = index;
    for (size_t i = 0; i < r->findings.noverflow; i++)
        r->findings.overflow[i].layer = index;
}

void layer_result_free(layer_result *r)
{
    layer_changes_free(&r->changes);
    records_free(&r->records);
    arena_release(&r->a);
}

/* ------------------------------------------------------------ the blob */

/* The layer's bytes: read, hashed, decompressed. */
typedef struct blob_stream {
    layer_worker *w;
    const layer_input *in;
    uint64_t pos;            /* blob bytes read */
    bool input_ended;        /* every byte of the blob has been read */
    const uint8_t *raw;      /* the last piece read (w->raw, the helper's
                                buffer or the producer's) */
    size_t raw_len, raw_off; /* and how much of it the decoder took */
    const uint8_t *pending;  /* what is left of a producer's piece after
                                the first bytes were put together */
    size_t pending_len;
    img_compression comp;
    hasher *blob;            /* over the blob, when verifying it here */
    hasher *plain;           /* over the tar, when the digest names it */
    uint64_t plain_bytes;
    bool ended;              /* the compressed stream is complete */
    const char *error;
    char errbuf[256];
    pipeline *pipe;          /* reading by a helper thread, once offered */
    gotar *shadow;           /* fed every byte of the tar libarchive gets */
} blob_stream;

static ssize_t stream_fail(blob_stream *bs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static ssize_t stream_fail(blob_stream *bs, const char *fmt, ...)
{
    if (!bs->error) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(bs->errbuf, sizeof(bs->errbuf), fmt, ap);
        va_end(ap);
        bs->error = bs->errbuf;
    }
    return -1;
}

/* A helper thread offers to read: from here on it reads and hashes. */
static void start_pipeline(blob_stream *bs)
{
    layer_help *help = bs->in->help;
    bs->pipe = pipeline_new(bs->in->loc, bs->pos, bs->blob);
    pthread_mutex_lock(help->lock);
    help->pipe = bs->pipe;
    pthread_cond_broadcast(help->cond);
    pthread_mutex_unlock(help->lock);
}

/* Stop the helper (after the end of the blob, or on an error). */
static void stop_pipeline(blob_stream *bs)
{
    if (!bs->pipe)
        return;
    pipeline_stop(bs->pipe);
    pipeline_free(bs->pipe);
    bs->pipe = NULL;
}

/* The next piece of a blob in a file, hashed, in bs->raw. */
static ssize_t read_file_piece(blob_stream *bs)
{
    const blob_loc *loc = bs->in->loc;
    layer_help *help = bs->in->help;
    if (!bs->pipe && help && bs->pos < loc->len &&
        atomic_load(&help->helper_waiting))
        start_pipeline(bs);
    ssize_t n;
    if (bs->pipe) {
        const char *why = NULL;
        n = pipeline_next(bs->pipe, &bs->raw, &why);
        if (n < 0)
            return stream_fail(bs, "read error: %s", why ? why : "unknown");
    } else {
        uint64_t left = loc->len - bs->pos;
        size_t want = left < LAYER_READ_CHUNK ? (size_t)left : LAYER_READ_CHUNK;
        if (want == 0) {
            bs->input_ended = true;
            return 0;
        }
        n = read_at(loc->fd, bs->w->raw, want, loc->off + bs->pos);
        if (n < 0)
            return stream_fail(bs, "read error: %s", strerror(errno));
        if ((size_t)n < want)
            return stream_fail(bs, "the blob file is shorter than expected");
        if (bs->blob)
            hasher_update(bs->blob, bs->w->raw, (size_t)n);
        bs->raw = bs->w->raw;
    }
    bs->input_ended = bs->pos + (uint64_t)n == loc->len;
    if (help)
        atomic_store_explicit(&help->remaining,
                              loc->len - bs->pos - (uint64_t)n,
                              memory_order_relaxed);
    return n;
}

/* The next piece a producer pushed (it hashed it), in bs->raw. */
static ssize_t read_pipe_piece(blob_stream *bs)
{
    if (bs->pending_len) {
        bs->raw = bs->pending;
        ssize_t n = (ssize_t)bs->pending_len;
        bs->pending_len = 0;
        return n;
    }
    const char *why = NULL;
    ssize_t n = bpipe_next(bs->in->pipe, &bs->raw, &why);
    if (n < 0)
        return stream_fail(bs, "%s", why ? why : "read error");
    if (n == 0)
        bs->input_ended = true;
    return n;
}

/* The next piece of the blob, hashed, in bs->raw: its length, 0 at the
 * end, -1 on an error. */
static ssize_t read_raw(blob_stream *bs)
{
    bs->raw_len = bs->raw_off = 0;
    if (bs->input_ended)
        return 0;
    ssize_t n = bs->in->pipe ? read_pipe_piece(bs) : read_file_piece(bs);
    if (n <= 0)
        return n;
    bs->pos += (uint64_t)n;
    bs->raw_len = (size_t)n;
    if (bs->in->progress)
        progress_advance(bs->in->progress, (uint64_t)n);
    return n;
}

/* The first piece of a producer's blob, made at least 4 bytes long when
 * the blob is (the compression is told from them): shorter pieces are
 * put together in w->raw, and the rest of the last one is read next. */
static void first_pipe_piece(blob_stream *bs)
{
    if (read_raw(bs) <= 0 || bs->raw_len >= 4)
        return;
    uint8_t *head = bs->w->raw;
    size_t len = bs->raw_len;
    memcpy(head, bs->raw, len);
    while (len < 4) {
        const uint8_t *buf;
        const char *why = NULL;
        ssize_t n = bpipe_next(bs->in->pipe, &buf, &why);
        if (n < 0) {
            stream_fail(bs, "%s", why ? why : "read error");
            break;
        }
        if (n == 0) {
            bs->input_ended = true;
            break;
        }
        size_t take = 4 - len < (size_t)n ? 4 - len : (size_t)n;
        memcpy(head + len, buf, take);
        len += take;
        bs->pos += take;
        if (bs->in->progress)
            progress_advance(bs->in->progress, take);
        bs->pending = buf + take;
        bs->pending_len = (size_t)n - take;
    }
    bs->raw = head;
    bs->raw_len = len;
}

static bool bomb(const blob_stream *bs)
{
    unsigned ratio = bs->w->opt.max_ratio;
    uint64_t used = bs->pos - (bs->raw_len - bs->raw_off);
    return ratio && bs->plain_bytes > LAYER_BOMB_FLOOR &&
           bs->plain_bytes / (used ? used : 1) > ratio;
}

/* The next piece of the uncompressed tar: its length (0 at the end, -1 on
 * error) and *buf. */
static ssize_t stream_read(blob_stream *bs, const void **buf)
{
    if (bs->error)
        return -1;
    if (bs->comp == IMG_COMP_NONE) {
        /* The first piece of a producer's blob was read to sniff it. */
        ssize_t n = bs->raw_off < bs->raw_len
                        ? (ssize_t)(bs->raw_len - bs->raw_off)
                        : read_raw(bs);
        if (n > 0) {
            bs->raw += bs->raw_off;
            bs->raw_off = bs->raw_len;
            bs->plain_bytes += (uint64_t)n;
            *buf = bs->raw;
        }
        return n;
    }
    for (;;) {
        if (bs->ended)
            return 0;
        bool eof = bs->input_ended;
        if (bs->raw_off == bs->raw_len && !eof) {
            if (read_raw(bs) < 0)
                return -1;
            eof = bs->input_ended;
        }
        size_t used, produced;
        dec_status st = decoder_run(bs->w->dec, bs->raw + bs->raw_off,
                                    bs->raw_len - bs->raw_off, eof, &used,
                                    bs->w->plain, LAYER_PLAIN_CHUNK, &produced);
        bs->raw_off += used;
        if (st == DEC_ERROR)
            return stream_fail(bs, "%s", decoder_error(bs->w->dec));
        if (produced) {
            if (bs->plain)
                hasher_update(bs->plain, bs->w->plain, produced);
            bs->plain_bytes += produced;
            if (bomb(bs))
                return stream_fail(bs, "decompression bomb: the layer expands "
                                   "more than %u times (stopped after %llu "
                                   "MiB)", bs->w->opt.max_ratio,
                                   (unsigned long long)(bs->plain_bytes >> 20));
            *buf = bs->w->plain;
            return (ssize_t)produced;
        }
        if (st == DEC_END) {
            bs->ended = true;
            return 0;
        }
        if (used == 0 && (bs->raw_off < bs->raw_len || eof))
            return stream_fail(bs, "truncated %s stream",
                               compression_name(bs->comp));
    }
}

/* stream_read(), and the same bytes to Go's reader: it sees exactly what
 * libarchive sees, in the same order. */
static ssize_t stream_next(blob_stream *bs, const void **buf)
{
    ssize_t n = stream_read(bs, buf);
    if (bs->shadow) {
        if (n > 0)
            gotar_feed(bs->shadow, *buf, (size_t)n);
        else if (n == 0)
            gotar_finish(bs->shadow);
    }
    return n;
}

/* After the tar ends: the rest of the blob still counts for its digest
 * (and the rest of the stream for a digest of the tar). */
static void stream_drain(blob_stream *bs)
{
    if (!bs->error && bs->plain) {
        const void *buf;
        while (stream_next(bs, &buf) > 0)
            ;
    }
    while (!bs->error && !bs->input_ended)
        if (read_raw(bs) <= 0)
            break;
    stop_pipeline(bs);
}

static la_ssize_t read_callback(struct archive *ar, void *ctx,
                                const void **buf)
{
    blob_stream *bs = ctx;
    ssize_t n = stream_next(bs, buf);
    if (n < 0) {
        archive_set_error(ar, EIO, "%s", bs->error);
        return -1;
    }
    return (la_ssize_t)n;
}

/* ------------------------------------------------------------ the entries */

typedef struct layer_ctx {
    layer_worker *w;
    layer_result *res;
    struct archive *ar;
    blob_stream *bs;
    gotar *shadow;             /* Go's reading of the same bytes, or NULL */
    pathset symlinks;          /* symlinks of this layer, for path tricks */
    walk_index written;        /* where the layer wrote what, for links */
    uint64_t index_units;      /* what the index takes from the budget */
    int layer;
} layer_ctx;

typedef struct entry {
    const char *path;          /* absolute, normalised */
    mode_t type;               /* AE_IFREG ... */
    unsigned mode;             /* permission bits, setuid/setgid/sticky */
    int64_t uid, gid;
    int64_t size;
    const char *hardlink;      /* target of a hard link, or NULL */
    const char *symlink;       /* target of a symlink, or NULL */
} entry;

static bool wanted(const layer_ctx *c, const char *rule)
{
    return findings_wanted(&c->res->findings, rule);
}

static void check_unsafe_name(layer_ctx *c, const entry *e, const char *name,
                              bool absolute, bool escapes)
{
    img_findings *f = &c->res->findings;
    const char *rule = "image-unsafe-path";
    if (escapes)
        findings_add(f, rule, c->layer, e->path, KIND_ARCHIVE,
                     "entry \"%s\" climbs out of the image root with \"..\": "
                     "an extractor that trusts names writes outside its "
                     "target directory; rebuild the layer with relative "
                     "names", name);
    else if (absolute)
        findings_add(f, rule, c->layer, e->path, KIND_ARCHIVE,
                     "entry \"%s\" has an absolute name: an extractor that "
                     "trusts names writes it outside its target directory; "
                     "rebuild the layer with relative names", name);
    if (e->hardlink) {
        char target[4096];
        bool abs_target, esc_target;
        if (layer_path_normalise(e->hardlink, target, sizeof(target),
                                 &abs_target, &esc_target) &&
            esc_target)
            findings_add(f, rule, c->layer, e->path, KIND_ARCHIVE,
                         "hard link %s points to \"%s\", outside the image "
                         "root: extracting it links to a file of the host",
                         e->path, e->hardlink);
    }
    if (c->symlinks.n) {
        /* The directories above the path, hashed in one pass. */
        path_ids ids;
        path_ids_init(&ids, c->w->opt.hashing, e->path, strlen(e->path));
        for (size_t k = 0, i = 1; k < ids.ndirs; i++) {
            if (e->path[i] != '/')
                continue;
            if (pathset_has(&c->symlinks, ids.dirs[k++])) {
                findings_add(f, rule, c->layer, e->path, KIND_ARCHIVE,
                             "%s is written through %.*s, a symlink made "
                             "earlier in the same layer: an extractor that "
                             "follows it writes wherever the link points",
                             e->path, (int)i, e->path);
                break;
            }
        }
        path_ids_free(&ids);
    }
}

/* Count `units` (16 bytes each) against the image's budget of files:
 * false, with the layer's error set, when it is spent. */
static bool budget(layer_ctx *c, uint64_t units)
{
    if (!c->w->opt.entries ||
        atomic_fetch_add(c->w->opt.entries, units) + units <= IMG_MAX_ENTRIES)
        return true;
    c->res->error = arena_printf(&c->res->a, "more than %u files in the "
                                 "image (links and files with findings "
                                 "count for what is kept of them): not "
                                 "scanned further", IMG_MAX_ENTRIES);
    return false;
}

/* The memory a record takes, in budget units. */
static uint64_t units_of(size_t bytes)
{
    return rec_units(bytes);
}

/* This entry's place among the layer's entries that are not directories
 * (it has just been recorded in the whiteout model). */
static uint32_t entry_index(const layer_ctx *c)
{
    return (uint32_t)(c->res->changes.files.n - 1);
}

static void check_modes(layer_ctx *c, const entry *e)
{
    bool regular = e->type == AE_IFREG && !e->hardlink;
    bool dir = e->type == AE_IFDIR;
    if (!regular && !dir)
        return; /* a hard link is checked with its file's modes, later */
    file_facts facts = {
        .path = e->path,
        .dir = dir,
        .mode = e->mode,
        .uid = e->uid,
        .gid = e->gid,
    };
    check_file_modes(&c->res->findings, c->layer, &facts);
}

/* A regular file with a security.capability attribute: what it grants
 * whoever runs it, like setuid. Hard links carry no attribute of their
 * own in a layer; a link is reported through its file. */
static void check_capabilities(layer_ctx *c, struct archive_entry *ae,
                               const entry *e)
{
    if (e->type != AE_IFREG || e->hardlink)
        return;
    if (archive_entry_xattr_reset(ae) == 0)
        return;
    const char *name;
    const void *value;
    size_t size;
    while (archive_entry_xattr_next(ae, &name, &value, &size) == ARCHIVE_OK) {
        if (!name || strcmp(name, FCAPS_XATTR) != 0)
            continue;
        fcaps caps;
        if (!fcaps_decode(value, size, &caps))
            continue;
        img_findings *f = &c->res->findings;
        const char *rule = "image-file-capabilities";
        if (caps.malformed)
            /* Reported with what it would grant: another kernel or tool
             * may read it differently than Linux 6.x refuses it. */
            findings_add(f, rule, c->layer, e->path, KIND_FINAL_FS,
                         "%s has malformed file capabilities (%s)%s%s: a "
                         "hand-made attribute; remove it (setcap -r)",
                         e->path, caps.why, caps.text[0] ? ", read as " : "",
                         caps.text);
        else
            findings_add(f, rule, c->layer, e->path, KIND_FINAL_FS,
                         "%s has file capabilities %s (%s): like setuid, it "
                         "hands these privileges to whoever runs it; remove "
                         "them (setcap -r) unless the image really needs "
                         "them", e->path, caps.text,
                         caps.effective ? "effective: raised as soon as it "
                                          "runs"
                                        : "not effective: permitted, for the "
                                          "program to raise");
        return;
    }
}

static void check_secret_name(layer_ctx *c, const entry *e)
{
    /* An empty file holds nothing; a hard link holds its file's bytes. */
    if (e->type != AE_IFREG || (e->size <= 0 && !e->hardlink))
        return;
    const char *kind = secret_file_kind(e->path, strlen(e->path));
    if (!kind)
        return;
    if (e->hardlink)
        findings_add(&c->res->findings, "image-secret-file", c->layer,
                     e->path, KIND_ANY_LAYER, "%s looks like a secret file "
                     "(%s): a hard link to %s, whose bytes it has", e->path,
                     kind, e->hardlink);
    else
        findings_add(&c->res->findings, "image-secret-file", c->layer,
                     e->path, KIND_ANY_LAYER, "%s looks like a secret file "
                     "(%s)", e->path, kind);
}

/* A symbolic link, kept with its target: paths of the final filesystem,
 * and the targets of hard links, go through it. */
static bool keep_symlink(layer_ctx *c, const entry *e, path_id id)
{
    const char *target = e->symlink ? e->symlink : "";
    size_t bytes = sizeof(file_rec) + strlen(target) + 1;
    if (!budget(c, units_of(bytes)))
        return false;
    file_rec *r = records_add(&c->res->records, REC_SYMLINK, id,
                              entry_index(c));
    r->target = arena_strdup(&c->res->a, target);
    return true;
}

/* The walk's index of what the layer wrote (for its hard links) counts
 * against the budget as it grows. */
static bool index_budget(layer_ctx *c)
{
    uint64_t units = units_of(walk_index_bytes(&c->written));
    if (units <= c->index_units)
        return true;
    uint64_t more = units - c->index_units;
    c->index_units = units;
    return budget(c, more);
}

/* The entry just recorded (not a directory) was written. */
static bool index_entry(layer_ctx *c)
{
    walk_index_add(&c->written, entry_index(c));
    return index_budget(c);
}

/*
 * A hard link: to a file of this layer without a record (what build
 * tools write), it can say nothing and is not kept; else (a file with
 * findings, a link kept, or a file of a lower layer) it is kept, to be
 * resolved once all layers are walked.
 */
static bool keep_hardlink(layer_ctx *c, const entry *e)
{
    if (c->res->records.nhardlinks >= LAYER_MAX_HARDLINKS) {
        c->res->error = arena_printf(&c->res->a, "more than %u hard links "
                                     "in the layer: not scanned further",
                                     LAYER_MAX_HARDLINKS);
        return false;
    }
    char target[4096];
    bool absolute, escapes;
    if (!layer_path_normalise(e->hardlink, target, sizeof(target), &absolute,
                              &escapes))
        return true; /* longer than any path: it links to nothing */
    const path_hasher *h = c->w->opt.hashing;
    path_id target_id = path_hash(h, target, strlen(target));
    uint32_t idx = entry_index(c);
    if (!c->written.files)
        walk_index_start(&c->written, &c->res->changes.files, idx);
    int64_t prev = walk_index_last(&c->written, target_id, idx);
    if (prev >= 0 && !walk_index_said(&c->written, target_id, (uint32_t)prev))
        return index_budget(c); /* its layer's own file, which says nothing */
    uint64_t units;
    link_extra *x = link_new(e->path, e->hardlink, &units);
    if (!budget(c, units)) {
        free(x);
        return false;
    }
    x->target_id = target_id;
    x->prev = prev;
    path_id id = path_hash(h, e->path, strlen(e->path));
    file_rec *r = records_add(&c->res->records, REC_HARDLINK, id, idx);
    r->lx = x;
    walk_index_says(&c->written, id, idx);
    return index_budget(c);
}

/* Credentials found in a file: reported, and noted for hard links to it. */
typedef struct content_report {
    layer_ctx *c;
    const char *path;
    content_note *notes, **tail;
    size_t bytes;
} content_report;

static void on_content_match(void *ctx, const content_match *m)
{
    content_report *r = ctx;
    content_note *n = ARENA_NEW(&r->c->res->a, content_note);
    n->name = m->name;
    n->line = m->line;
    n->redacted = m->redacted;
    n->stopped_after = m->stopped_after;
    content_note_report(&r->c->res->findings, r->c->layer, r->path, n, NULL,
                        -1);
    *r->tail = n;
    r->tail = &n->next;
    r->bytes += sizeof(*n) + strlen(m->redacted) + 1;
}

/* A regular file with something a hard link to it, or the final
 * /etc/passwd, would have to say: kept. So is a file named passwd whose
 * bytes are kept (`named`; raw NULL when it was too large to keep). */
static bool keep_file(layer_ctx *c, const entry *e, const content_report *rep,
                      const accounts_summary *acc, size_t acc_bytes,
                      bool db_like, bool named, const uint8_t *raw,
                      size_t raw_len)
{
    const char *kind =
        e->size > 0 ? secret_file_kind(e->path, strlen(e->path)) : NULL;
    /* Writable by non-root users matters for /etc/passwd and /etc/group
     * only: kept for files that look like them. */
    bool modes = (e->mode & (S_ISUID | S_ISGID | S_IWOTH)) ||
                 (db_like && non_root_writer(e->mode, e->uid, e->gid));
    if (!modes && !kind && !rep->notes && !acc && !named)
        return true;
    bool extra = kind || rep->notes || acc || named;
    size_t bytes = sizeof(file_rec) +
                   (extra ? sizeof(file_extra) + rep->bytes + acc_bytes +
                                raw_len
                          : 0);
    if (!budget(c, units_of(bytes)))
        return false;
    path_id id = path_hash(c->w->opt.hashing, e->path, strlen(e->path));
    file_rec *r = records_add(&c->res->records, REC_FILE, id, entry_index(c));
    walk_index_says(&c->written, id, entry_index(c));
    r->mode = e->mode;
    r->uid = e->uid;
    r->gid = e->gid;
    if (extra) {
        file_extra *x = ARENA_NEW(&c->res->a, file_extra);
        x->secret_kind = kind;
        x->content = rep->notes;
        x->accounts = acc;
        x->raw = raw;
        x->raw_len = raw_len;
        r->fx = x;
    }
    return true;
}

/* Is the path's last component "passwd"? */
static bool is_passwd_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return strcmp(slash ? slash + 1 : path, "passwd") == 0;
}

/* Read the data of a regular file: scan it for credentials, and read it as
 * an account database (any file may be the final /etc/shadow). */
static bool read_file_data(layer_ctx *c, const entry *e)
{
    content_scan *cs = c->w->cs;
    accounts_scan *acc = c->w->acc;
    uint64_t cap = c->w->opt.max_file_size;
    content_report rep = {.c = c, .path = e->path};
    rep.tail = &rep.notes;
    bool scanning = cs != NULL;
    int r = ARCHIVE_EOF;
    /* A file that may be the final /etc/passwd, when the user to look up
     * in it is not known yet: its bytes, for the lookup at the end. */
    bool named = c->w->opt.keep_passwd && is_passwd_name(e->path);
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    if (named && e->size >= 0 && e->size <= (int64_t)LAYER_PASSWD_MAX)
        raw = arena_alloc(&c->res->a, (size_t)e->size + 1);
    if (!scanning && !acc && !raw) {
        if (archive_read_data_skip(c->ar) != ARCHIVE_OK)
            return false;
        return keep_file(c, e, &rep, NULL, 0, false, named, NULL, 0);
    }
    if (cs)
        content_scan_begin(cs, &c->res->a, on_content_match, &rep);
    /* Whether the file looks like /etc/passwd matters when others than
     * root can write it. */
    bool like_db = c->w->opt.accounts_writable &&
                   non_root_writer(e->mode, e->uid, e->gid);
    if (acc)
        accounts_scan_begin(acc, c->w->opt.user_name, like_db);
    const void *buf;
    size_t size;
    la_int64_t off;
    uint64_t seen = 0;
    while ((r = archive_read_data_block(c->ar, &buf, &size, &off)) ==
           ARCHIVE_OK) {
        if (scanning) {
            size_t n = size;
            if (cap && seen + n > cap)
                n = seen < cap ? (size_t)(cap - seen) : 0;
            if (n == 0 || !content_scan_data(cs, buf, n))
                scanning = false;
        }
        if (acc)
            accounts_scan_data(acc, buf, size);
        if (raw && raw_len + size <= (size_t)e->size) {
            memcpy(raw + raw_len, buf, size);
            raw_len += size;
        }
        seen += size;
    }
    if (cs)
        content_scan_end(cs);
    if (r != ARCHIVE_EOF)
        return false;
    size_t acc_bytes = 0;
    bool db_like = false;
    const accounts_summary *sum =
        acc ? accounts_scan_end(acc, &c->res->a, &acc_bytes, &db_like) : NULL;
    return keep_file(c, e, &rep, sum, acc_bytes, db_like, named, raw,
                     raw_len);
}

static const char *entry_name(struct archive_entry *ae)
{
    const char *name = archive_entry_pathname(ae);
    return name ? name : archive_entry_pathname_utf8(ae);
}

/* A name for a message: control bytes as '?', cut to fit `cap`. */
static const char *shown_name(const char *name, char *buf, size_t cap)
{
    size_t n = 0;
    for (; name[n] && n + 1 < cap; n++)
        buf[n] = (unsigned char)name[n] < 0x20 || name[n] == 0x7f ? '?'
                                                                  : name[n];
    buf[n] = '\0';
    if (name[n] && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
    return buf;
}

/* ------------------------------------------- the reading Go would do */

/*
 * docker and containerd unpack layers with Go's archive/tar, and where it
 * reads a header differently from libarchive (see gotar.c), bosun would
 * judge files that are not the ones unpacked: a secret under another
 * name, a file libarchive never shows. So Go's reading runs beside
 * libarchive's over the same bytes (stream_next feeds both), and every
 * entry libarchive returns must be the next entry Go returns, at the same
 * offset, with the same name, link, type, size, mode and owner; any
 * difference refuses the layer as ambiguous.
 *
 * Why not read the layer with gotar alone: libarchive also hands out the
 * data of sparse files, already expanded, and is what the rest of the
 * walk is built on; checking headers costs one pass over header blocks
 * (data is skipped by its size), a few percent at most. Go's view wins on
 * every point where the two differ, by refusal rather than by guess.
 */

static bool refuse(layer_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool refuse(layer_ctx *c, const char *fmt, ...)
{
    char why[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (!c->res->error)
        c->res->error = arena_printf(&c->res->a, "ambiguous tar: %s; docker "
                                     "and containerd read tar headers with "
                                     "Go's archive/tar, so bosun refuses "
                                     "the layer rather than guess", why);
    return false;
}

/* Paths that name the same file once cleaned ("./a//b/" and "a/b"). */
static bool same_path(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return true;
    char pa[LAYER_PATH_MAX], pb[LAYER_PATH_MAX];
    bool abs, esc;
    return layer_path_normalise(a, pa, sizeof(pa), &abs, &esc) &&
           layer_path_normalise(b, pb, sizeof(pb), &abs, &esc) &&
           strcmp(pa, pb) == 0;
}

/* The libarchive file type Go's typeflag stands for. */
static mode_t go_filetype(char type)
{
    switch (type) {
    case '2': return AE_IFLNK;
    case '3': return AE_IFCHR;
    case '4': return AE_IFBLK;
    case '5': return AE_IFDIR;
    case '6': return AE_IFIFO;
    default: return AE_IFREG; /* '0', '1', '7', 'S' */
    }
}

static const char *type_word(mode_t type, bool hardlink)
{
    if (hardlink)
        return "a hard link";
    switch (type) {
    case AE_IFREG: return "a regular file";
    case AE_IFLNK: return "a symlink";
    case AE_IFCHR: return "a character device";
    case AE_IFBLK: return "a block device";
    case AE_IFDIR: return "a directory";
    case AE_IFIFO: return "a fifo";
    }
    return "an unknown type";
}

/* The entry libarchive returned against the next one Go returns. */
static bool shadow_match(layer_ctx *c, struct archive_entry *ae,
                         const char *name)
{
    gotar *g = c->shadow;
    const gotar_entry *ge = gotar_peek(g);
    long long at = (long long)archive_read_header_position(c->ar);
    char s1[160], s2[160];
    shown_name(name ? name : "", s1, sizeof(s1));
    if (!ge) {
        if (gotar_error(g))
            return refuse(c, "libarchive reads entry \"%s\" at byte %lld, "
                          "but Go's archive/tar fails before it, at byte "
                          "%llu: %s", s1, at,
                          (unsigned long long)gotar_error_offset(g),
                          gotar_error(g));
        return refuse(c, "libarchive reads entry \"%s\" at byte %lld, where "
                      "Go's archive/tar %s", s1, at,
                      gotar_ended(g) ? "has already ended the archive"
                                     : "reads no entry");
    }
    shown_name(ge->name, s2, sizeof(s2));
    if (ge->offset != (uint64_t)at)
        return refuse(c, "libarchive reads entry \"%s\" at byte %lld, Go's "
                      "archive/tar entry \"%s\" at byte %llu", s1, at, s2,
                      (unsigned long long)ge->offset);
    if (ge->type == 'g')
        return refuse(c, "a pax global header (typeflag 'g') \"%s\" at byte "
                      "%lld: libarchive skips it, Go's archive/tar returns it "
                      "as an entry, and docker and containerd remove what "
                      "the layer put at its name", s2, at);
    if (!gotar_known_type(ge->type))
        return refuse(c, "entry \"%s\" at byte %lld has typeflag 0x%02x, "
                      "which Go's archive/tar returns as is and docker and "
                      "containerd do not unpack; libarchive reads \"%s\", %s",
                      s2, at, (unsigned char)ge->type, s1,
                      type_word(archive_entry_filetype(ae),
                                archive_entry_hardlink(ae) != NULL));
    if (!name || !same_path(name, ge->name))
        return refuse(c, "the entry at byte %lld is \"%s\" to libarchive, "
                      "\"%s\" to Go's archive/tar", at, s1, s2);
    const char *hardlink = archive_entry_hardlink(ae);
    mode_t type = archive_entry_filetype(ae);
    bool go_hardlink = ge->type == '1';
    if ((hardlink != NULL) != go_hardlink ||
        (!go_hardlink && type != go_filetype(ge->type)))
        return refuse(c, "entry \"%s\" at byte %lld is %s to libarchive, %s "
                      "to Go's archive/tar", s2, at,
                      type_word(type, hardlink != NULL),
                      type_word(go_filetype(ge->type), go_hardlink));
    const char *symlink = archive_entry_symlink(ae);
    bool link_ok = go_hardlink ? same_path(hardlink, ge->link)
                   : ge->type == '2' ? strcmp(symlink ? symlink : "",
                                              ge->link) == 0
                                     : true;
    if (!link_ok)
        return refuse(c, "entry \"%s\" at byte %lld links to \"%s\" for "
                      "libarchive, to \"%s\" for Go's archive/tar", s2, at,
                      shown_name(go_hardlink ? hardlink : symlink ? symlink
                                                                  : "",
                                 s1, sizeof(s1)),
                      ge->link);
    bool data = type == AE_IFREG && !go_hardlink;
    if ((data && archive_entry_size(ae) != ge->size) ||
        (archive_entry_mode(ae) & 07777) != (ge->mode & 07777) ||
        archive_entry_uid(ae) != ge->uid || archive_entry_gid(ae) != ge->gid)
        return refuse(c, "entry \"%s\" at byte %lld: libarchive reads size "
                      "%lld, mode %04o, owner %lld:%lld; Go's archive/tar "
                      "size %lld, mode %04o, owner %lld:%lld", s2, at,
                      (long long)archive_entry_size(ae),
                      (unsigned)archive_entry_mode(ae) & 07777,
                      (long long)archive_entry_uid(ae),
                      (long long)archive_entry_gid(ae), (long long)ge->size,
                      (unsigned)(ge->mode & 07777), (long long)ge->uid,
                      (long long)ge->gid);
    gotar_pop(g);
    return true;
}

/* libarchive ended the archive: Go must end it there too. libarchive stops
 * at the first zero block, where Go reads the next block: that block, and
 * what follows, are read here (stream_next feeds Go's reader). */
static bool shadow_end(layer_ctx *c)
{
    gotar *g = c->shadow;
    long long at = (long long)archive_read_header_position(c->ar);
    while (!gotar_peek(g) && !gotar_ended(g) && !gotar_error(g)) {
        const void *buf;
        if (stream_next(c->bs, &buf) <= 0)
            break;
    }
    if (c->bs->error)
        return false;
    const gotar_entry *ge = gotar_peek(g);
    char s[160];
    if (ge)
        return refuse(c, "libarchive ends the archive at byte %lld, but Go's "
                      "archive/tar reads on, to entry \"%s\" at byte %llu",
                      at, shown_name(ge->name, s, sizeof(s)),
                      (unsigned long long)ge->offset);
    if (gotar_error(g))
        return refuse(c, "libarchive ends the archive at byte %lld, but Go's "
                      "archive/tar reads on and fails at byte %llu: %s", at,
                      (unsigned long long)gotar_error_offset(g),
                      gotar_error(g));
    return true;
}

static bool scan_entry(layer_ctx *c, struct archive_entry *ae)
{
    if (!budget(c, 1))
        return false;
    const char *name = entry_name(ae);
    char path[LAYER_PATH_MAX];
    bool absolute, escapes;
    if (!name) {
        c->res->error = arena_printf(&c->res->a, "unreadable tar: the entry "
                                     "at byte %lld has no name",
                                     (long long)archive_read_header_position(
                                         c->ar));
        return false;
    }
    if (!layer_path_normalise(name, path, sizeof(path), &absolute, &escapes)) {
        /* Too long for any runtime to create (PATH_MAX), and for bosun to
         * check: said, never skipped. */
        char shown[128];
        c->res->error = arena_printf(&c->res->a, "entry \"%s\" at byte %lld: "
                                     "its name is longer than %u bytes once "
                                     "cleaned, which no runtime can unpack "
                                     "and bosun does not check",
                                     shown_name(name, shown, sizeof(shown)),
                                     (long long)archive_read_header_position(
                                         c->ar), LAYER_PATH_MAX - 1);
        return false;
    }
    entry e = {
        .path = path,
        .type = archive_entry_filetype(ae),
        .mode = (unsigned)archive_entry_mode(ae) & 07777,
        .uid = archive_entry_uid(ae),
        .gid = archive_entry_gid(ae),
        .size = archive_entry_size(ae),
        .hardlink = archive_entry_hardlink(ae),
        .symlink = archive_entry_symlink(ae),
    };
    if (e.hardlink && e.type == 0)
        e.type = AE_IFREG;
    if (layer_changes_record(&c->res->changes, path, e.type == AE_IFDIR))
        return archive_read_data_skip(c->ar) == ARCHIVE_OK;

    if (wanted(c, "image-unsafe-path"))
        check_unsafe_name(c, &e, name, absolute, escapes);
    if (e.type == AE_IFLNK) {
        if (c->symlinks.n >= LAYER_MAX_SYMLINKS) {
            c->res->error = arena_printf(&c->res->a, "more than %u symbolic "
                                         "links in the layer: not scanned "
                                         "further", LAYER_MAX_SYMLINKS);
            return false;
        }
        path_id id = path_hash(c->w->opt.hashing, path, strlen(path));
        pathset_add(&c->symlinks, id);
        if (!keep_symlink(c, &e, id))
            return false;
    }
    if (e.hardlink && !keep_hardlink(c, &e))
        return false;
    if (e.type != AE_IFDIR && !index_entry(c))
        return false;
    check_modes(c, &e);
    if (wanted(c, "image-file-capabilities"))
        check_capabilities(c, ae, &e);
    if (wanted(c, "image-secret-file"))
        check_secret_name(c, &e);
    if (e.type == AE_IFREG && !e.hardlink)
        return read_file_data(c, &e);
    return archive_read_data_skip(c->ar) == ARCHIVE_OK;
}

static void walk_tar(layer_ctx *c, blob_stream *bs)
{
    struct archive *ar = archive_read_new();
    if (!ar)
        xalloc_die();
    c->ar = ar;
    archive_read_support_format_tar(ar);
    if (archive_read_open2(ar, bs, NULL, read_callback, NULL, NULL) !=
        ARCHIVE_OK) {
        const char *why = archive_error_string(ar);
        c->res->error = bs->error ? arena_strdup(&c->res->a, bs->error)
                        : arena_printf(&c->res->a, "unreadable tar: %s",
                                       why ? why : "unknown error");
        archive_read_free(ar);
        return;
    }
    struct archive_entry *ae;
    for (;;) {
        int r = archive_read_next_header(ar, &ae);
        if (r == ARCHIVE_EOF) {
            if (c->shadow)
                shadow_end(c);
            break;
        }
        /* ARCHIVE_RETRY is a damaged header libarchive would step over,
         * looking for the next one: an error, as it is to Go. */
        if ((r != ARCHIVE_OK && r != ARCHIVE_WARN) ||
            (c->shadow && !shadow_match(c, ae, entry_name(ae))) ||
            !scan_entry(c, ae)) {
            const char *why = archive_error_string(ar);
            if (!c->res->error)
                c->res->error =
                    bs->error ? arena_strdup(&c->res->a, bs->error)
                              : arena_printf(&c->res->a, "unreadable tar: %s",
                                             why ? why : "unknown error");
            break;
        }
    }
    archive_read_free(ar);
    c->ar = NULL;
}

/* ---------------------------------------------------------------- layer */

void layer_scan(layer_worker *w, const layer_input *in, layer_result *out)
{
    blob_stream bs = {.w = w, .in = in};
    bool verify = w->opt.verify && in->digest;

    /* Sniff the compression from the first bytes. */
    if (in->pipe) {
        first_pipe_piece(&bs);
        bs.comp = compression_sniff(bs.raw, bs.raw_len);
    } else {
        uint8_t magic[4];
        size_t want = in->loc->len < 4 ? (size_t)in->loc->len : 4;
        ssize_t n = read_at(in->loc->fd, magic, want, in->loc->off);
        bs.comp = compression_sniff(magic, n > 0 ? (size_t)n : 0);
        bs.input_ended = in->loc->len == 0;
    }
    out->compression = bs.comp;
    if (verify && in->of_content && bs.comp != IMG_COMP_NONE)
        /* The digest names the tar: hash what comes out of the decoder. */
        bs.plain = hasher_new(in->digest);
    else if (verify && !in->pipe)
        bs.blob = hasher_new(in->digest);
    if (w->opt.verify && in->diff_id && bs.comp != IMG_COMP_NONE && !bs.plain)
        /* The configuration's diff_id names the tar: check it too. */
        bs.plain = hasher_new(in->diff_id);
    if (bs.comp != IMG_COMP_NONE)
        decoder_start(w->dec, bs.comp);

    gotar_reset(w->shadow);
    bs.shadow = w->shadow;
    layer_ctx c = {.w = w, .res = out, .bs = &bs, .shadow = w->shadow,
                   .layer = in->index};
    out->changes.hashing = w->opt.hashing;
    walk_tar(&c, &bs);
    records_seal(&out->records, &out->changes.files);
    /* The index of what the layer wrote is needed no more. */
    walk_index_free(&c.written);
    if (w->opt.entries && c.index_units)
        atomic_fetch_sub(w->opt.entries, c.index_units);
    layer_changes_seal(&out->changes);
    if (!out->error)
        stream_drain(&bs);
    stop_pipeline(&bs);
    if (bs.error && !out->error)
        out->error = arena_strdup(&out->a, bs.error);
    /* Nothing more is read: a producer still pushing stops. */
    if (in->pipe && !bs.input_ended)
        bpipe_abort(in->pipe);
    out->blob_bytes = bs.pos;
    out->tar_bytes = bs.plain_bytes;
    if (!out->error && bs.blob)
        hasher_final(bs.blob, out->digest);
    if (!out->error && bs.plain)
        hasher_final(bs.plain, out->tar_digest);
    hasher_free(bs.blob);
    hasher_free(bs.plain);
    pathset_free(&c.symlinks);
}
