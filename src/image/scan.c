/*
 * bosun_scan_image: open the image, scan its layers (in parallel: layers
 * are independent), check what the configuration says, lint its history,
 * then decide what each finding means given the later layers (the
 * whiteout model) and report.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockerfile/reference.h"
#include "image/accounts.h"
#include "image/base.h"
#include "image/content.h"
#include "image/history.h"
#include "image/image.h"
#include "image/instream.h"
#include "image/layer.h"
#include "image/remote.h"
#include "image/scan.h"
#include "lint/config.h"
#include "report/report.h"
#include "rules/rule.h"
#include "util/strbuf.h"
#include "util/userspec.h"
#include "util/xalloc.h"

/* Most layers scanned in one image (Docker stops at 127). */
#define IMG_MAX_LAYERS 4096
/* Most threads scanning a stream's layers: they come one after the
 * other, and another one is scanned only when its bytes fit in the pipe
 * behind the one being read. */
#define STREAM_LAYER_THREADS 2

/* ------------------------------------------------------------ parallel */

/* A helper joins a running layer only when enough of it is left. */
#define HELP_MIN_REMAINING (8ull << 20)

/*
 * The layers to scan and the threads scanning them. Each thread starts the
 * next layer (largest first); when none is left to start, it helps the
 * running layer with the most left that has no helper yet, by reading and
 * hashing its blob; when there is nothing to help either, it stops.
 */
typedef struct scan_run {
    img_image *img;
    layer_result *results;
    uint64_t *size;           /* per layer: its blob's size */
    size_t *order;            /* layers to scan, largest first */
    size_t norder;
    scan_options opt;
    progress *progress;       /* NULL: none drawn */

    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t next;              /* order[next] is the next layer to start */
    layer_help *help;         /* per layer */
    bool *running, *helped;
} scan_run;

/* With the lock held: the running layer a helper should take, or -1. */
static long pick_layer_to_help(scan_run *run)
{
    long best = -1;
    uint64_t most = HELP_MIN_REMAINING;
    for (size_t i = 0; i < run->img->nlayers; i++) {
        if (!run->running[i] || run->helped[i])
            continue;
        uint64_t left = atomic_load_explicit(&run->help[i].remaining,
                                             memory_order_relaxed);
        if (left > most) {
            most = left;
            best = (long)i;
        }
    }
    return best;
}

/* Read for layer i until it no longer needs it. With the lock held. */
static void help_layer(scan_run *run, size_t i)
{
    layer_help *h = &run->help[i];
    run->helped[i] = true;
    atomic_store(&h->helper_waiting, true);
    while (!h->pipe && !h->finished)
        pthread_cond_wait(&run->cond, &run->lock);
    pipeline *p = h->pipe;
    pthread_mutex_unlock(&run->lock);
    if (p)
        pipeline_run(p);
    pthread_mutex_lock(&run->lock);
}

/* Scan layer i, its blob open for the scan only: an image of thousands of
 * layers holds one descriptor per thread, not one per layer. */
static void scan_one(scan_run *run, layer_worker *w, size_t i)
{
    img_layer *ly = &run->img->layers[i];
    layer_result *res = &run->results[i];
    const char *err;
    blob_loc loc;
    if (!source_locate(&run->img->src, ly->member, &loc, &err)) {
        res->error = arena_strdup(&res->a, err);
        return;
    }
    layer_input in = {
        .index = (int)i,
        .loc = &loc,
        .help = &run->help[i],
        .digest = ly->digest,
        .of_content = ly->digest_of_content,
        .diff_id = ly->diff_id,
        .progress = progress_begin(run->progress, (int)i,
                                   ly->digest ? ly->digest : ly->member,
                                   (int64_t)loc.len),
    };
    layer_scan(w, &in, res);
    progress_end(run->progress, in.progress);
    blob_loc_close(&loc);
}

static void *scan_worker(void *arg)
{
    scan_run *run = arg;
    layer_worker *w = layer_worker_new(&run->opt);
    pthread_mutex_lock(&run->lock);
    for (;;) {
        if (run->next < run->norder) {
            size_t i = run->order[run->next++];
            run->running[i] = true;
            pthread_mutex_unlock(&run->lock);
            scan_one(run, w, i);
            pthread_mutex_lock(&run->lock);
            run->running[i] = false;
            run->help[i].finished = true;
            pthread_cond_broadcast(&run->cond);
            continue;
        }
        long i = pick_layer_to_help(run);
        if (i < 0)
            break;
        help_layer(run, (size_t)i);
    }
    pthread_mutex_unlock(&run->lock);
    layer_worker_free(w);
    return NULL;
}

static unsigned cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static int larger_first(const void *pa, const void *pb, void *ctx)
{
    const uint64_t *size = ctx;
    uint64_t a = size[*(const size_t *)pa], b = size[*(const size_t *)pb];
    return a < b ? 1 : a > b ? -1 : 0;
}

/* Scan the layers of run->order with up to `jobs` threads (the calling
 * thread is one of them). */
static void scan_layers(scan_run *run, unsigned jobs)
{
    size_t n = run->img->nlayers;
    qsort_r(run->order, run->norder, sizeof(size_t), larger_first, run->size);
    pthread_mutex_init(&run->lock, NULL);
    pthread_cond_init(&run->cond, NULL);
    run->help = xcalloc(n + 1, sizeof(layer_help));
    run->running = xcalloc(n + 1, sizeof(bool));
    run->helped = xcalloc(n + 1, sizeof(bool));
    for (size_t k = 0; k < run->norder; k++) {
        size_t i = run->order[k];
        run->help[i].lock = &run->lock;
        run->help[i].cond = &run->cond;
        atomic_init(&run->help[i].helper_waiting, false);
        atomic_init(&run->help[i].remaining, run->size[i]);
    }
    /* One thread per layer at most, and a helper for each at most. */
    size_t threads = jobs < 2 * run->norder ? jobs : 2 * run->norder;
    pthread_t *tids = xcalloc(threads + 1, sizeof(pthread_t));
    size_t started = 0;
    while (started + 1 < threads &&
           pthread_create(&tids[started], NULL, scan_worker, run) == 0)
        started++;
    scan_worker(run);
    for (size_t t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    free(tids);
    free(run->help);
    free(run->running);
    free(run->helped);
    pthread_cond_destroy(&run->cond);
    pthread_mutex_destroy(&run->lock);
}

/* ------------------------------------------------------------- checks */

static bool same_compression(const img_layer *ly, img_compression found)
{
    return !ly->compressed_known || ly->compression == found;
}

/* The blob (or its content) against the digest that names it. */
static void check_blob_digest(img_sink *sink, const img_layer *ly, size_t i,
                              const layer_result *res, const char *got)
{
    if (strcmp(got, ly->digest) != 0)
        findings_add(&sink->findings, "image-digest-mismatch", (int)i, NULL,
                     KIND_ARCHIVE, "layer %zu is named %s but its %s hashes "
                     "to %s: it is not the layer the image refers to "
                     "(corrupted or tampered with)", i, ly->digest,
                     ly->digest_of_content ? "content" : "blob", got);
    else if (ly->size >= 0 && (uint64_t)ly->size != res->blob_bytes)
        findings_add(&sink->findings, "image-digest-mismatch", (int)i, NULL,
                     KIND_ARCHIVE, "layer %zu (%s) is %llu bytes, but its "
                     "descriptor says %lld", i, ly->digest,
                     (unsigned long long)res->blob_bytes, (long long)ly->size);
}

/* The tar against the configuration's rootfs.diff_ids entry: the digest
 * findings give as layer_digest. When it is the digest naming the layer
 * too, check_blob_digest said it already. */
static void check_diff_id(img_sink *sink, const img_layer *ly, size_t i,
                          const layer_result *res)
{
    if (ly->digest && !strcmp(ly->digest, ly->diff_id))
        return;
    const char *got = res->compression == IMG_COMP_NONE ? res->digest
                                                        : res->tar_digest;
    size_t alg = strcspn(ly->diff_id, ":");
    if (!got[0] || strncmp(got, ly->diff_id, alg) != 0 || got[alg] != ':')
        return; /* not hashed, or with another algorithm */
    if (strcmp(got, ly->diff_id) != 0)
        findings_add(&sink->findings, "image-digest-mismatch", (int)i, NULL,
                     KIND_ARCHIVE, "layer %zu's uncompressed content hashes "
                     "to %s, but the configuration's rootfs.diff_ids names "
                     "it %s: it is not the layer the image was built with "
                     "(corrupted or tampered with)", i, got, ly->diff_id);
}

/* What the blob turned out to be, against what names it. A blob listed
 * `times` times was scanned once: its error is reported at its first
 * position only. */
static void check_layer(img_sink *sink, const img_image *img, size_t i,
                        const layer_result *res, bool verify, size_t times)
{
    const img_layer *ly = &img->layers[i];
    const char *name = ly->digest ? ly->digest : ly->member;
    /* An error told already was said with what explains it. */
    bool tell = res->error && !res->error_told;
    if (tell && times == 1)
        sink_error(sink, "layer %zu (%s): %s", i, name, res->error);
    else if (tell && times > 1)
        sink_error(sink, "layer %zu (%s): %s (the blob is listed %zu times)",
                   i, name, res->error, times);
    if (!same_compression(ly, res->compression))
        sink_error(sink, "layer %zu (%s): the media type %s says %s, but the "
                   "blob is %s data (scanned as %s)", i, ly->digest,
                   ly->media_type, compression_name(ly->compression),
                   compression_name(res->compression),
                   compression_name(res->compression));
    /* A digest that names the content of a compressed blob is the
     * decoded tar's. */
    const char *got = ly->digest_of_content &&
                              res->compression != IMG_COMP_NONE
                          ? res->tar_digest
                          : res->digest;
    if (verify && ly->digest && !res->error && got[0])
        check_blob_digest(sink, ly, i, res, got);
    if (verify && ly->diff_id && !res->error)
        check_diff_id(sink, ly, i, res);
}

/* The user part of the configuration's User when it is a name that is
 * not root's: the name runc looks up in the image's /etc/passwd (one
 * parser with lint's root-user rule, util/userspec.h: a number, signed or
 * not, is a uid and never looked up). NULL otherwise; in `a`. */
static const char *user_name_of(arena *a, const char *user)
{
    user_spec spec;
    user_spec_parse(user ? user : "", &spec);
    if (!spec.name || user_spec_is_root(&spec))
        return NULL;
    return arena_strndup(a, spec.name, spec.name_len);
}

/* The configuration's User, as runc and containerd read it (one parser
 * with lint's root-user rule, util/userspec.h). `name` is its user part
 * when a name runc looks up (user_name_of), `passwd` what the image's
 * final /etc/passwd holds as an account database (NULL: no such file, or
 * nothing in it for the name). */
static void check_user(img_sink *sink, const img_image *img, const char *name,
                       const accounts_summary *passwd)
{
    const char *u = img->user ? img->user : "";
    user_spec spec;
    user_spec_parse(u, &spec);
    int64_t uid;
    uint64_t line;
    if (!*u)
        findings_add(&sink->findings, "image-root-user", -1, NULL, KIND_ARCHIVE,
                     "the image runs as root: its configuration sets no "
                     "User; set a non-root numeric one (USER 10001 at the end "
                     "of the Dockerfile)");
    else if (user_spec_is_root(&spec))
        findings_add(&sink->findings, "image-root-user", -1, NULL, KIND_ARCHIVE,
                     "the image runs as root: its configuration's User is "
                     "\"%.200s\"%s; set a non-root numeric one (USER 10001 at "
                     "the end of the Dockerfile)", u,
                     user_spec_root_reason(&spec));
    else if (name && accounts_uid(passwd, name, &uid, &line) && uid == 0)
        findings_add(&sink->findings, "image-root-user", -1, NULL, KIND_ARCHIVE,
                     "the image runs as root: its configuration's User is "
                     "\"%.200s\", which the image's /etc/passwd maps to uid 0 "
                     "(line %llu); set a non-root numeric one (USER 10001 at "
                     "the end of the Dockerfile)", u, (unsigned long long)line);
}

/*
 * check_user() for a stream: its layers were scanned before the
 * configuration came (docker save writes it after them, or anywhere
 * among them), so the user's name was not known to look up in each file.
 * The bytes of the files named passwd were kept instead, and the final
 * /etc/passwd is read now. When it is another file (a link to a file of
 * another name, or one too large), the user is not checked, and that is
 * said.
 */
static void check_user_later(img_sink *sink, const img_image *img, arena *a,
                             const fs_model *model)
{
    const char *name = user_name_of(a, img->user);
    const uint8_t *raw;
    size_t len;
    if (!name) {
        check_user(sink, img, NULL, NULL);
    } else if (!fs_model_passwd_bytes(model, &raw, &len)) {
        sink_error(sink, "the configuration's User \"%.200s\" is a name, "
                   "looked up in the image's /etc/passwd, which is not a "
                   "file named passwd of at most %u MiB: it passed before "
                   "the configuration in the stream, and whether the user "
                   "is root is not checked (check the archive as a file)",
                   img->user, LAYER_PASSWD_MAX >> 20);
    } else if (!raw) {
        check_user(sink, img, name, NULL);
    } else {
        accounts_scan *s = accounts_scan_new();
        accounts_scan_begin(s, name, false);
        accounts_scan_data(s, raw, len);
        size_t bytes;
        bool db_like;
        const accounts_summary *passwd =
            accounts_scan_end(s, a, &bytes, &db_like);
        accounts_scan_free(s);
        check_user(sink, img, name, passwd);
    }
}

/* The tag of a repository tag or reference name ("app:1.2", "latest",
 * "docker.io/library/app:1.2"); NULL when it is pinned by digest. */
static const char *tag_of(arena *a, const char *name)
{
    if (!strchr(name, '/') && !strchr(name, ':') && !strchr(name, '@'))
        return name; /* an OCI reference name: the tag itself */
    image_ref ref;
    if (!image_ref_parse(a, name, strlen(name), &ref))
        return name;
    if (ref.digest)
        return NULL;
    return ref.tag ? ref.tag : "latest";
}

static void check_tags(img_sink *sink, const img_image *img, arena *a)
{
    if (img->ntags == 0) {
        findings_add(&sink->findings, "image-latest-tag", -1, NULL,
                     KIND_ARCHIVE, "the image has no tag: nothing tells this "
                     "build from the next one; tag it with a version "
                     "(app:1.4.2) and deploy that tag or its digest");
        return;
    }
    for (size_t i = 0; i < img->ntags; i++) {
        const char *t = tag_of(a, img->tags[i]);
        if (!t || strcmp(t, "latest") != 0)
            return;
    }
    findings_add(&sink->findings, "image-latest-tag", -1, NULL, KIND_ARCHIVE,
                 "the image's only tag is %s: every new build takes it over; "
                 "tag it with a version (app:1.4.2) and deploy that tag or "
                 "its digest", img->tags[0]);
}

/* ------------------------------------------------------------- report */

static const char *fate_clause(arena *a, const img_finding *f)
{
    const char *advice =
        f->kind == KIND_ANY_LAYER_NOTICE
            ? "inspect it before the image is published"
            : "pass secrets with RUN --mount=type=secret or at run time, "
              "never in a layer, and rotate this one";
    switch (f->fate) {
    case FATE_SHIPS:
        return arena_printf(a, "it ships in the image, readable by anyone "
                            "who can pull or run it; %s", advice);
    case FATE_DELETED:
        return arena_printf(a, "layer %d deletes it, but it stays in layer "
                            "%d, where anyone who pulls the image can "
                            "extract it; %s", f->fate_layer, f->layer, advice);
    case FATE_HIDDEN:
        return arena_printf(a, "layer %d hides its directory (opaque "
                            "whiteout), but it stays in layer %d, where "
                            "anyone who pulls the image can extract it; %s",
                            f->fate_layer, f->layer, advice);
    case FATE_REPLACED:
        return arena_printf(a, "layer %d overwrites it, but this copy stays "
                            "in layer %d, where anyone who pulls the image "
                            "can extract it; %s", f->fate_layer, f->layer,
                            advice);
    case FATE_ROOT_OPAQUE:
        return arena_printf(a, "layer %d marks its root opaque, which "
                            "deletes it where layers are unpacked one over "
                            "the other but not on overlayfs (which ignores "
                            "the marker at a layer's root), and it stays in "
                            "layer %d, where anyone who pulls the image can "
                            "extract it; %s", f->fate_layer, f->layer, advice);
    }
    return "";
}

/* For a finding about the running container whose file a root opaque
 * marker deletes on some runtimes only. */
static const char *root_opaque_clause(arena *a, const img_finding *f)
{
    return arena_printf(a, "%s (layer %d marks its root opaque: unpackers "
                        "that apply layers one over the other delete the "
                        "file, but overlayfs ignores that marker at a "
                        "layer's root, so there it ships)", f->message,
                        f->fate_layer);
}

/* The rule's severity, or the configuration's override of it. */
static bosun_severity severity_of(const img_findings *fs, const rule_def *rule)
{
    return fs->cfg ? config_severity_of(fs->cfg, rule->info.id,
                                        rule->info.severity)
                   : rule->info.severity;
}

/* The finding with what later layers do to its file; false when that
 * makes it moot (a file of the running container that is gone). A file
 * that only a root opaque marker deletes is not gone on overlayfs: its
 * finding stays, saying so (report). */
static bool resolve(const layer_changes *changes, size_t nchanges,
                    const img_finding *f, img_finding *x)
{
    *x = *f;
    if (x->layer >= 0 && x->path && x->kind != KIND_ARCHIVE)
        x->fate = whiteout_fate(changes, nchanges, x->layer, x->path,
                                &x->fate_layer);
    return !(x->kind == KIND_FINAL_FS && x->fate != FATE_SHIPS &&
             x->fate != FATE_ROOT_OPAQUE);
}

/* Report a resolved finding. */
static void report(arena *a, const img_sink *sink, const img_image *img,
                   const img_finding *f, bosun_report *r)
{
    const rule_def *rule = rules_find(f->rule);
    if (!rule)
        return;
    const img_finding x = *f;
    const char *message = x.message;
    bool any_layer =
        x.kind == KIND_ANY_LAYER || x.kind == KIND_ANY_LAYER_NOTICE;
    if (any_layer)
        message = arena_printf(a, "%s; %s", x.message, fate_clause(a, &x));
    else if (x.kind == KIND_FINAL_FS && x.fate == FATE_ROOT_OPAQUE)
        message = root_opaque_clause(a, &x);
    bosun_finding out = {
        .rule = rule->info.id,
        .severity = severity_of(&sink->findings, rule),
        .file = sink->name,
        .message = message,
        .layer_index = x.layer,
        .layer_digest = x.layer >= 0 && (size_t)x.layer < img->nlayers
                            ? img->layers[x.layer].diff_id
                            : NULL,
        .path = x.path,
        .deleted_in_layer = any_layer && x.fate != FATE_SHIPS
                                ? x.fate_layer
                                : -1,
        .history_index = x.history,
    };
    const config_accept *acc =
        config_accepted(sink->findings.cfg, rule->info.id, x.path);
    if (acc) {
        out.suppressed = true;
        out.suppress_reason = acc->reason;
    }
    report_add_finding(r, &out);
}

static void emit(arena *a, const img_sink *sink, const img_image *img,
                 const layer_changes *changes, size_t nchanges,
                 const img_finding *f, bosun_report *r)
{
    img_finding x;
    if (resolve(changes, nchanges, f, &x))
        report(a, sink, img, &x, r);
}

/* One finding for what the per-layer cap left out. */
static void emit_overflow(const img_sink *sink, const img_image *img,
                          const img_findings *fs, bosun_report *r)
{
    for (size_t i = 0; i < fs->noverflow; i++) {
        const img_overflow *o = &fs->overflow[i];
        size_t dropped = findings_dropped(fs, o->rule, o->layer);
        const rule_def *rule = rules_find(o->rule);
        if (!dropped || !rule)
            continue;
        char msg[256];
        snprintf(msg, sizeof(msg), "%zu more %s findings in layer %d are not "
                 "listed (the first %d are)", dropped, o->rule, o->layer,
                 IMG_FINDINGS_PER_LAYER);
        bosun_finding out = {
            .rule = rule->info.id,
            .severity = severity_of(fs, rule),
            .file = sink->name,
            .message = msg,
            .layer_index = o->layer,
            .layer_digest = (size_t)o->layer < img->nlayers
                                ? img->layers[o->layer].diff_id
                                : NULL,
            .deleted_in_layer = -1,
            .history_index = -1,
        };
        report_add_finding(r, &out);
    }
}

/* ------------------------------------------------------- repeated blobs */

/*
 * A manifest may list one blob many times (a legacy docker save links a
 * repeated layer to its first copy; a hostile one lists a large layer
 * thousands of times). Each distinct blob is scanned once and its result
 * applied at every position: the whiteout model sees the same changes at
 * each, and its findings are reported at each position (resolved there),
 * up to IMG_FINDINGS_PER_LAYER per rule for all the positions of a blob,
 * so that repeating a blob cannot multiply the report.
 */
typedef struct blob_id {
    uint64_t a, b;            /* the file (device, inode) or the archive
                                 range (offset, length) */
    const char *digest;       /* what it must hash to */
    bool of_content;
    size_t layer;
} blob_id;

static blob_id blob_id_of(const blob_loc *loc, const img_layer *ly, size_t i)
{
    blob_id id = {.a = loc->off, .b = loc->len, .digest = ly->digest,
                  .of_content = ly->digest_of_content, .layer = i};
    struct stat st;
    if (loc->own_fd && fstat(loc->fd, &st) == 0) {
        id.a = (uint64_t)st.st_dev;
        id.b = (uint64_t)st.st_ino;
    }
    return id;
}

static int blob_id_cmp(const void *pa, const void *pb)
{
    const blob_id *x = pa, *y = pb;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    if (x->b != y->b)
        return x->b < y->b ? -1 : 1;
    int c = strcmp(x->digest ? x->digest : "", y->digest ? y->digest : "");
    if (c)
        return c;
    if (x->of_content != y->of_content)
        return x->of_content ? 1 : -1;
    return x->layer < y->layer ? -1 : x->layer > y->layer;
}

static bool same_blob(const blob_id *x, const blob_id *y)
{
    return x->a == y->a && x->b == y->b && x->of_content == y->of_content &&
           strcmp(x->digest ? x->digest : "", y->digest ? y->digest : "") == 0;
}

/* first[layer] = the lowest layer listing the same blob. */
static void group_repeats(blob_id *ids, size_t n, size_t *first)
{
    qsort(ids, n, sizeof(blob_id), blob_id_cmp);
    for (size_t i = 1; i < n; i++)
        if (same_blob(&ids[i - 1], &ids[i]))
            first[ids[i].layer] = first[ids[i - 1].layer];
}

/* Findings of one repeated blob reported so far, per rule. */
typedef struct repeat_count {
    const char *rule;
    size_t listed, dropped;
} repeat_count;

typedef struct repeat_budget {
    repeat_count *items;
    size_t n, cap;
} repeat_budget;

static repeat_count *budget_of(arena *a, repeat_budget *b, const char *rule)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->items[i].rule, rule) == 0)
            return &b->items[i];
    repeat_count *c = ARENA_PUSH(a, b->items, b->n, b->cap);
    c->rule = rule;
    c->listed = c->dropped = 0;
    return c;
}

static bool budget_take(arena *a, repeat_budget *b, const char *rule)
{
    repeat_count *c = budget_of(a, b, rule);
    if (c->listed == IMG_FINDINGS_PER_LAYER) {
        c->dropped++;
        return false;
    }
    c->listed++;
    return true;
}

static void emit_repeat_overflow(const img_sink *sink, const img_image *img,
                                 size_t layer, size_t times,
                                 const repeat_budget *b, bosun_report *r)
{
    for (size_t i = 0; i < b->n; i++) {
        const rule_def *rule = rules_find(b->items[i].rule);
        if (!b->items[i].dropped || !rule)
            continue;
        char msg[300];
        snprintf(msg, sizeof(msg), "%zu more %s findings in the layers that "
                 "repeat the blob of layer %zu (listed %zu times) are not "
                 "listed (the first %d are)", b->items[i].dropped,
                 b->items[i].rule, layer, times, IMG_FINDINGS_PER_LAYER);
        bosun_finding out = {
            .rule = rule->info.id,
            .severity = severity_of(&sink->findings, rule),
            .file = sink->name,
            .message = msg,
            .layer_index = (int)layer,
            .layer_digest = img->layers[layer].diff_id,
            .deleted_in_layer = -1,
            .history_index = -1,
        };
        report_add_finding(r, &out);
    }
}

/* ---------------------------------------------------------------- links */

/*
 * The hard links of every layer, in order (a link to a link of a lower
 * layer uses its resolution). Those of a blob listed several times are
 * checked at each of its places, what is below differing, and what they
 * say there is resolved and reported at once, within the blob's budget
 * as its scan's findings are: repeating a blob multiplies neither what is
 * kept nor what is reported. The others go to the sink's findings.
 */
static void check_links(arena *a, img_sink *sink, const img_image *img,
                        fs_model *model, const layer_changes *changes,
                        const size_t *first, const size_t *times,
                        repeat_budget *budgets, const bosun_config *cfg)
{
    for (size_t i = 0; i < img->nlayers; i++) {
        bool checked;
        if (times[first[i]] > 1) {
            arena here;
            arena_init(&here);
            img_findings found;
            findings_init(&found, &here, cfg);
            checked = fs_model_check_layer_links(model, i, &found);
            repeat_budget *b = &budgets[first[i]];
            for (size_t k = 0; k < found.n; k++) {
                img_finding x;
                if (resolve(changes, img->nlayers, &found.items[k], &x) &&
                    budget_take(a, b, x.rule))
                    report(a, sink, img, &x, sink->report);
            }
            for (size_t k = 0; k < found.noverflow; k++) {
                const img_overflow *o = &found.overflow[k];
                budget_of(a, b, o->rule)->dropped +=
                    findings_dropped(&found, o->rule, o->layer);
            }
            arena_release(&here);
        } else {
            checked = fs_model_check_layer_links(model, i, &sink->findings);
        }
        if (!checked) {
            const img_layer *ly = &img->layers[i];
            sink_error(sink, "layer %zu (%s): its hard links, and those of "
                       "the layers above, are not checked: with the blobs "
                       "listed several times, the image asks for more than "
                       "%u hard link resolutions", i,
                       ly->digest ? ly->digest : ly->member ? ly->member : "?",
                       FS_MAX_LINK_CHECKS);
            return;
        }
    }
}

/* --------------------------------------------------------- the image */

/*
 * The image as the JSON report lists it: its manifest, platform and
 * layers, with what the scans found (res[i] stands for layer i, whether
 * scanned at its place, as another place of its blob, or as it came in
 * a stream; a layer not `located` was not scanned). What is not known is null
 * rather than guessed: a layer read only in part has no uncompressed
 * size and no count of files.
 */
static void record_image(const img_sink *sink, const img_image *img,
                         layer_result *const *res_of, const bool *located,
                         const img_base *base)
{
    arena a;
    arena_init(&a);
    report_layer *layers = ARENA_ARRAY(&a, report_layer, img->nlayers + 1);
    for (size_t i = 0; i < img->nlayers; i++) {
        const img_layer *ly = &img->layers[i];
        const layer_result *res = located[i] ? res_of[i] : NULL;
        bool whole = res && !res->error;
        layers[i] = (report_layer){
            .index = (int)i,
            .digest = ly->digest,
            .diff_id = ly->diff_id,
            .blob_digest = ly->digest_of_content ? NULL : ly->digest,
            .media_type = ly->media_type,
            .size = whole ? (long long)res->blob_bytes : ly->size,
            .uncompressed_size = whole ? (long long)res->tar_bytes : -1,
            .files = whole ? (long long)res->changes.files.n : -1,
        };
    }
    for (size_t k = 0; k < img->nhistory; k++) {
        const img_history *h = &img->history[k];
        if (h->layer >= 0 && (size_t)h->layer < img->nlayers &&
            !layers[h->layer].created_by)
            layers[h->layer].created_by = h->created_by;
    }
    const char *platform = NULL;
    if (img->os && *img->os && img->arch && *img->arch)
        platform = img->variant && *img->variant
                       ? arena_printf(&a, "%s/%s/%s", img->os, img->arch,
                                      img->variant)
                       : arena_printf(&a, "%s/%s", img->os, img->arch);
    report_image out = {
        .file = sink->name,
        .name = img->report_name,
        .name_is_path = img->report_name_is_path,
        .digest = img->manifest_digest,
        .platform = platform,
        .layers = layers,
        .nlayers = img->nlayers,
        .base_layers = (long long)base->layers,
        .base_history = (long long)base->history,
        .base_how = base->how,
        .base_name = img->base_name,
        .base_digest = img->base_digest,
    };
    report_add_image(sink->report, &out);
    arena_release(&a);
}

/* ---------------------------------------------------------------- scan */

/* What every layer scan of one image shares: the key of its path hashes,
 * its budget of files, and the options. */
typedef struct scan_setup {
    path_hasher hashing;
    atomic_uint_fast64_t entries;
    scan_options opt;
    const char *user_name;    /* the configuration's user, when a name
                                 looked up in /etc/passwd */
} scan_setup;

static bool setup_init(scan_setup *s, img_sink *sink, const scan_options *o)
{
    if (!path_hasher_init(&s->hashing)) {
        sink_error(sink, "no random bytes from the system for the key of "
                   "the path hashes");
        return false;
    }
    atomic_init(&s->entries, 0);
    s->opt = *o;
    s->opt.entries = &s->entries;
    s->opt.hashing = &s->hashing;
    return true;
}

/* Every file is read as an account database when a check needs it: the
 * final /etc/shadow or /etc/passwd may be any file. `user` is the
 * configuration's User. */
static void setup_accounts(scan_setup *s, img_sink *sink, arena *a,
                           const char *user)
{
    s->user_name = user_name_of(a, user);
    bool empty_pw = findings_wanted(&sink->findings, "image-empty-password");
    bool writable = findings_wanted(&sink->findings, "image-passwd-writable");
    s->opt.user_name = findings_wanted(&sink->findings, "image-root-user")
                           ? s->user_name
                           : NULL;
    s->opt.accounts = empty_pw || writable || s->opt.user_name;
    s->opt.accounts_writable = writable;
}

/* The results of a stream's layers, scanned as they came: first[i] is
 * the layer standing for layer i; res[i] its result, or NULL (an error
 * is reported). */
static void stream_results(img_sink *sink, img_image *img, scan_setup *st,
                           const bool *located, const size_t *first,
                           layer_result **res)
{
    layer_worker *w = NULL;
    for (size_t i = 0; i < img->nlayers; i++) {
        if (!located[i] || first[i] != i)
            continue;
        img_layer *ly = &img->layers[i];
        blob_loc loc;
        const char *err;
        if (!source_locate(&img->src, ly->member, &loc, &err))
            continue;
        if (!w)
            w = layer_worker_new(&st->opt);
        stream_blob b = instream_blob(img->src.stream, loc.off, w);
        if (!b.result) {
            sink_error(sink, "layer %zu (%s): %s", i,
                       ly->digest ? ly->digest : ly->member, b.why);
            continue;
        }
        res[i] = b.result;
        layer_result_place(b.result, (int)i);
    }
    layer_worker_free(w);
}

/* The digest a stream's layer was hashed with as it came, for the check
 * of layer i: the blob's, or the decoded tar's when the digest names the
 * content of a compressed blob. One of another algorithm than the one
 * naming the layer could not be computed: the manifest came after the
 * bytes. */
static bool stream_digest(img_sink *sink, const img_image *img, size_t i,
                          const layer_result *res)
{
    const img_layer *ly = &img->layers[i];
    if (!ly->digest)
        return true;
    bool content = ly->digest_of_content && res->compression != IMG_COMP_NONE;
    const char *got = content ? res->tar_digest : res->digest;
    size_t alg = strcspn(ly->digest, ":");
    if (!got[0] || (strncmp(got, ly->digest, alg) == 0 && got[alg] == ':'))
        return true;
    sink_error(sink, "layer %zu (%s): not verified: the stream's bytes were "
               "hashed with %.*s as they came, before the manifest naming "
               "them with %.*s", i, ly->digest, (int)strcspn(got, ":"), got,
               (int)alg, ly->digest);
    return false;
}

/* The layers of a registry's image (run->order: each blob once),
 * downloaded and scanned as they come, `jobs` at a time. A blob whose
 * bytes hash to another digest than the manifest's is an error: the
 * registry (or what stands between) sent something else. */
static void remote_results(img_sink *sink, img_image *img, scan_setup *st,
                           unsigned jobs, progress *prog, scan_run *run)
{
    remote_layer *want = xcalloc(run->norder + 1, sizeof(remote_layer));
    for (size_t k = 0; k < run->norder; k++) {
        size_t i = run->order[k];
        const img_layer *ly = &img->layers[i];
        want[k] = (remote_layer){.index = (int)i, .digest = ly->digest,
                                 .diff_id = ly->diff_id, .size = ly->size,
                                 .res = &run->results[i]};
    }
    remote_fetch_layers(img->src.remote, &st->opt, jobs, st->opt.verify, prog,
                        want, run->norder);
    for (size_t k = 0; k < run->norder; k++) {
        layer_result *res = want[k].res;
        const char *digest = want[k].digest;
        if (!res->digest[0] || !strcmp(res->digest, digest))
            continue;
        if (res->error) {
            sink_error(sink, "layer %d (%s): the registry sent a blob whose "
                       "digest is %s (read as a layer: %s)", want[k].index,
                       digest, res->digest, res->error);
            res->error_told = true;
        } else {
            sink_error(sink, "layer %d (%s): the registry sent a blob whose "
                       "digest is %s", want[k].index, digest, res->digest);
        }
        res->digest[0] = '\0';
    }
    free(want);
}

/* Findings give a layer by its diff_id. A layer the configuration gives
 * none is given by the digest that names its tar, else by what its tar
 * hashed to (when it was hashed). */
static void fill_diff_ids(arena *a, img_image *img, layer_result *const *res)
{
    for (size_t i = 0; i < img->nlayers; i++) {
        img_layer *ly = &img->layers[i];
        if (ly->diff_id)
            continue;
        if (ly->digest_of_content) {
            ly->diff_id = ly->digest;
            continue;
        }
        if (!res[i] || res[i]->error)
            continue;
        const char *tar = res[i]->compression == IMG_COMP_NONE
                              ? res[i]->digest
                              : res[i]->tar_digest;
        if (tar[0])
            ly->diff_id = arena_strdup(a, tar);
    }
}

static void scan_image(arena *a, img_sink *sink, img_image *img,
                       scan_setup *st, unsigned jobs, const bosun_config *cfg,
                       progress *prog, const img_base *base)
{
    if (img->nlayers > IMG_MAX_LAYERS) {
        sink_error(sink, "%zu layers: more than the %d bosun scans",
                   img->nlayers, IMG_MAX_LAYERS);
        return;
    }
    bool stream = img->src.kind == SOURCE_STREAM;
    scan_run run = {.img = img, .opt = st->opt, .progress = prog};
    run.results = xcalloc(img->nlayers + 1, sizeof(layer_result));
    run.size = xcalloc(img->nlayers + 1, sizeof(uint64_t));
    run.order = xcalloc(img->nlayers + 1, sizeof(size_t));
    bool *located = xcalloc(img->nlayers + 1, sizeof(bool));
    layer_changes *changes = xcalloc(img->nlayers + 1, sizeof(layer_changes));
    /* Every blob is there before any is scanned (its size orders the
     * scans); each is opened again when its scan starts. A blob listed
     * several times is scanned once (first[i]: the layer whose scan
     * stands for layer i; res[i] its result). */
    size_t *first = xcalloc(img->nlayers + 1, sizeof(size_t));
    size_t *times = xcalloc(img->nlayers + 1, sizeof(size_t));
    layer_result **res = xcalloc(img->nlayers + 1, sizeof(layer_result *));
    blob_id *ids = xcalloc(img->nlayers + 1, sizeof(blob_id));
    size_t nids = 0;
    for (size_t i = 0; i < img->nlayers; i++) {
        img_layer *ly = &img->layers[i];
        layer_result_init(&run.results[i], cfg);
        first[i] = i;
        const char *err;
        if (!ly->member)
            continue; /* not a filesystem layer (reported) */
        blob_loc loc;
        if (!source_locate(&img->src, ly->member, &loc, &err)) {
            sink_error(sink, "layer %zu (%s): %s", i,
                       ly->digest ? ly->digest : ly->member,
                       stream && !strcmp(err, "missing from the archive")
                           ? "missing from the stream (it never came)"
                           : err);
            continue;
        }
        run.size[i] = loc.len;
        ids[nids++] = blob_id_of(&loc, ly, i);
        blob_loc_close(&loc);
        located[i] = true;
    }
    group_repeats(ids, nids, first);
    for (size_t i = 0; i < img->nlayers; i++) {
        if (!located[i])
            continue;
        times[first[i]]++;
        if (first[i] == i)
            run.order[run.norder++] = i;
    }
    free(ids);
    progress_set_layers(prog, run.norder);
    if (stream) {
        stream_results(sink, img, st, located, first, res);
        for (size_t i = 0; i < img->nlayers; i++)
            if (located[i] && first[i] == i && res[i] &&
                !stream_digest(sink, img, i, res[i]))
                res[i]->digest[0] = res[i]->tar_digest[0] = '\0';
    } else if (img->src.kind == SOURCE_REMOTE) {
        remote_results(sink, img, st, jobs, prog, &run);
        for (size_t i = 0; i < img->nlayers; i++)
            if (located[i] && first[i] == i)
                res[i] = &run.results[i];
    } else {
        scan_layers(&run, jobs);
        for (size_t i = 0; i < img->nlayers; i++)
            if (located[i] && first[i] == i)
                res[i] = &run.results[i];
    }
    /* A layer without a result (reported) is an empty one to the rest. */
    for (size_t i = 0; i < img->nlayers; i++) {
        if (!res[first[i]])
            res[first[i]] = &run.results[first[i]];
        res[i] = res[first[i]];
    }

    /* Links, now that every layer is walked. What they say is about a
     * layer's place in the image, not about its blob: the sink's
     * findings, with the layer's index. A blob listed several times is
     * modelled at each of its places, with its scan's changes and
     * records. */
    for (size_t i = 0; i < img->nlayers; i++)
        changes[i] = res[i]->changes;
    repeat_budget *budgets = xcalloc(img->nlayers + 1, sizeof(repeat_budget));
    fs_layer *files = xcalloc(img->nlayers + 1, sizeof(fs_layer));
    for (size_t i = 0; i < img->nlayers; i++)
        files[i] = (fs_layer){&res[i]->changes, &res[i]->records,
                              &sink->findings, first[i] != i};
    fs_model *model = fs_model_new(&st->hashing, files, img->nlayers);
    check_links(a, sink, img, model, changes, first, times, budgets, cfg);
    const accounts_summary *passwd = fs_model_check_accounts(
        model, findings_wanted(&sink->findings, "image-empty-password"),
        st->opt.accounts_writable);

    for (size_t i = 0; i < img->nlayers; i++)
        if (located[i])
            check_layer(sink, img, i, res[i], st->opt.verify,
                        first[i] == i ? times[i] : 0);
    fill_diff_ids(a, img, res);
    if (st->opt.keep_passwd)
        check_user_later(sink, img, a, model);
    else
        check_user(sink, img, st->opt.user_name, passwd);
    check_tags(sink, img, a);
    history_check(img, cfg, sink->report);

    for (size_t i = 0; i < sink->findings.n; i++)
        emit(a, sink, img, changes, img->nlayers, &sink->findings.items[i],
             sink->report);
    emit_overflow(sink, img, &sink->findings, sink->report);
    for (size_t i = 0; i < img->nlayers; i++) {
        const img_findings *fs = &res[i]->findings;
        for (size_t k = 0; k < fs->n; k++) {
            img_finding f = fs->items[k], x;
            f.layer = (int)i; /* the scan's findings, at this position */
            if (!resolve(changes, img->nlayers, &f, &x))
                continue;
            if (times[first[i]] > 1 &&
                !budget_take(a, &budgets[first[i]], f.rule))
                continue;
            report(a, sink, img, &x, sink->report);
        }
        if (first[i] == i)
            emit_overflow(sink, img, fs, sink->report);
    }
    record_image(sink, img, res, located, base);
    fs_model_free(model);
    free(files);
    for (size_t i = 0; i < img->nlayers; i++)
        if (times[i] > 1)
            emit_repeat_overflow(sink, img, i, times[i], &budgets[i],
                                 sink->report);
    free(budgets);
    free(first);
    free(times);
    free(res);
    for (size_t i = 0; i < img->nlayers; i++)
        layer_result_free(&run.results[i]);
    free(changes);
    free(located);
    free(run.results);
    free(run.size);
    free(run.order);
}

/* ----------------------------------------------------------------- base */

/* Most paths a grouped finding lists (the rest are counted). */
#define BASE_GROUP_LISTED 40

/* Is finding f about the base image's layers or history? */
static bool in_base(const bosun_finding *f, const img_base *base)
{
    if (!base->how)
        return false;
    if (f->layer_index >= 0)
        return (size_t)f->layer_index < base->layers;
    return f->history_index >= 0 && (size_t)f->history_index < base->history;
}

/* The distribution whose set holds the most of the base's setuid files
 * (the first in base_distro's order on a tie); DISTRO_COUNT when none. */
static base_distro likeliest_distro(const bosun_finding *fs, size_t n)
{
    size_t count[DISTRO_COUNT] = {0};
    for (size_t i = 0; i < n; i++)
        if (fs[i].base && !fs[i].suppressed && fs[i].path &&
            !strcmp(fs[i].rule, "image-setuid"))
            for (int d = 0; d < DISTRO_COUNT; d++)
                count[d] += base_distro_ships((base_distro)d, fs[i].path);
    base_distro best = DISTRO_COUNT;
    for (int d = 0; d < DISTRO_COUNT; d++)
        if (count[d] && (best == DISTRO_COUNT || count[d] > count[best]))
            best = (base_distro)d;
    return best;
}

/*
 * The findings of one image (r's findings from `start` on): mark those
 * about the base; group the base's setuid/setgid files that its
 * distribution ships into one finding (accepted ones stay apart, and so
 * does any file outside the distribution's set or in the image's own
 * layers); with skip_base, drop what is about the base.
 */
static void apply_base(arena *a, const img_base *base, bool skip_base,
                       bosun_report *r, size_t start)
{
    if (!base->how)
        return;
    bosun_finding *fs = r->findings + start;
    size_t n = r->nfindings - start;
    for (size_t i = 0; i < n; i++)
        fs[i].base = in_base(&fs[i], base);
    base_distro d = likeliest_distro(fs, n);
    bosun_finding group = {0};
    size_t grouped = 0;
    strbuf list;
    sb_init(&list);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        bosun_finding *f = &fs[i];
        if (d != DISTRO_COUNT && f->base && !f->suppressed && f->path &&
            !strcmp(f->rule, "image-setuid") &&
            base_distro_ships(d, f->path)) {
            if (!grouped || f->layer_index < group.layer_index)
                group = *f;
            if (grouped < BASE_GROUP_LISTED)
                sb_printf(&list, "%s%s", grouped ? ", " : "", f->path);
            grouped++;
            continue;
        }
        if (skip_base && f->base)
            continue;
        fs[kept++] = *f;
    }
    r->nfindings = start + kept;
    if (grouped && !skip_base) {
        if (grouped > BASE_GROUP_LISTED)
            sb_printf(&list, " and %zu more", grouped - BASE_GROUP_LISTED);
        group.path = NULL;
        group.deleted_in_layer = -1;
        group.message = arena_printf(
            a, "the base image's layers hold %zu setuid/setgid file%s that "
            "%s ship%s: %s; they run with their owner's privileges whoever "
            "starts them: remove the bits of those the container does not "
            "need (chmod u-s,g-s), or accept them in .bosun.yaml",
            grouped, grouped == 1 ? "" : "s", base_distro_name(d),
            d == DISTRO_DEBIAN ? "" : "s", list.data);
        report_add_finding(r, &group);
    }
    sb_free(&list);
}

/* --base REF: the base's diff_ids and history, matched against the
 * image's. False (an error reported) when it cannot be read or is not
 * the image's base. */
static bool open_remote(arena *a, const char *input, const char *reference,
                        const bosun_registry_options *ro,
                        const img_select *sel, img_sink *sink, img_image *img);

static bool base_from_option(arena *a, img_sink *sink, const img_image *img,
                             const bosun_image_options *o, img_base *out)
{
    img_sink bs = {.report = sink->report, .name = o->base};
    findings_init(&bs.findings, a, NULL);
    img_select sel = {.platform = o->platform, .verify = !o->no_verify};
    img_image b;
    memset(&b, 0, sizeof(b));
    b.src.fd = -1;
    const char *reference = remote_reference(o->base);
    bool opened;
    img_input in;
    image_parse_input(a, o->base, &in);
    if (!strcmp(in.path, "-")) {
        sink_error(sink, "--base %s: the base is read in place, not from "
                   "the standard input", o->base);
        return false;
    }
    if (reference)
        opened = open_remote(a, o->base, reference, &o->registry, &sel, &bs,
                             &b);
    else
        opened = image_open(a, o->base, &sel, &bs, &b);
    bool ok = false;
    if (!opened) {
        sink->failed = true;
    } else if (b.ndiff_ids != b.nlayers) {
        sink_error(sink, "--base %s: its configuration does not list one "
                   "diff_id per layer", o->base);
    } else {
        const char *why;
        ok = base_from_diff_ids(img, b.diff_ids, b.ndiff_ids, b.nhistory, out,
                                &why);
        if (!ok)
            sink_error(sink, "--base %s: %s", o->base, why);
    }
    image_close(&b);
    return ok;
}

/* ------------------------------------------------------------- streams */

/*
 * Is the input a stream, read as it comes rather than in place: "-" (the
 * standard input), a FIFO or a socket (bosun image <(docker save app)),
 * or a compressed archive? Then the descriptor to read (*fd; -1 when the
 * input is read in place); false with *err when it cannot be read.
 */
static bool stream_input(const img_input *in, int *fd, const char **err)
{
    *fd = -1;
    bool dash = !strcmp(in->path, "-");
    if (dash || (in->transport && !strcmp(in->path, "-"))) {
        if (in->transport && !strcmp(in->transport, "oci")) {
            *err = "oci: is a directory layout; a stream on the standard "
                   "input is oci-archive:-";
            return false;
        }
        if (isatty(STDIN_FILENO)) {
            *err = "the standard input is a terminal: pipe an image archive "
                   "into it (docker save IMAGE | bosun image -)";
            return false;
        }
        *fd = STDIN_FILENO;
        return true;
    }
    struct stat st;
    if (stat(in->path, &st) != 0)
        return true; /* in place, which says why it cannot */
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
        *fd = open(in->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (*fd < 0) {
            *err = strerror(errno);
            return false;
        }
        return true;
    }
    if (!S_ISREG(st.st_mode))
        return true;
    /* A compressed archive cannot be read in place: it is read through. */
    int f = open(in->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (f < 0)
        return true;
    uint8_t magic[4];
    ssize_t n = read_at(f, magic, sizeof(magic), 0);
    if (n > 0 && compression_sniff(magic, (size_t)n) != IMG_COMP_NONE) {
        *fd = f;
        return true;
    }
    close(f);
    return true;
}

/* Read a stream on `fd` (closed here, unless it is the standard input)
 * into a source, scanning its layers as they come. */
static bool open_stream(arena *a, const char *input, const img_input *in,
                        int fd, const img_select *sel, img_sink *sink,
                        scan_setup *st, unsigned jobs, progress *prog,
                        const bosun_config *cfg, img_image *img)
{
    /* Layers come one after the other: a thread reads (and hashes), the
     * others scan. */
    unsigned scanners = jobs > 2 ? jobs - 1 : 1;
    if (scanners > STREAM_LAYER_THREADS)
        scanners = STREAM_LAYER_THREADS;
    instream_options o = {
        .scan = &st->opt,
        .layer_threads = scanners,
        .progress = prog,
        .cfg = cfg,
    };
    img_source src;
    const char *err;
    bool ok = instream_read(a, fd, &o, &src, &err);
    if (fd != STDIN_FILENO)
        close(fd);
    if (!ok) {
        memset(img, 0, sizeof(*img));
        img->src.fd = -1;
        sink_error(sink, "%s", err);
        return false;
    }
    return image_load(a, input, in, &src, sel, sink, img);
}

/* An image in a registry: its manifest resolved, read as a layout. */
static bool open_remote(arena *a, const char *input, const char *reference,
                        const bosun_registry_options *ro,
                        const img_select *sel, img_sink *sink, img_image *img)
{
    img_source src;
    const char *err;
    if (!remote_open(a, reference, ro, &src, &err)) {
        sink_error(sink, "%s", err);
        return false;
    }
    img_input in = {.transport = "docker", .path = reference};
    return image_load(a, input, &in, &src, sel, sink, img);
}

bool image_scan(const bosun_config *cfg, const char *input,
                const bosun_image_options *o, const content_db *db,
                bosun_report *r)
{
    arena a;
    arena_init(&a);
    img_sink sink = {.report = r, .name = input};
    findings_init(&sink.findings, &a, cfg);
    img_select sel = {
        .platform = o->platform,
        .ref = o->ref,
        .verify = !o->no_verify,
    };
    scan_options base = {
        .verify = !o->no_verify,
        .max_file_size = o->max_file_size,
        .max_ratio = o->max_ratio,
        .db = db,
        .cfg = cfg,
    };
    unsigned jobs = o->jobs ? o->jobs : cores();
    img_image img;
    memset(&img, 0, sizeof(img));
    img.src.fd = -1;
    scan_setup *st = xcalloc(1, sizeof(*st));
    img_input in;
    image_parse_input(&a, input, &in);
    int fd;
    const char *err;
    progress *prog = progress_new(o->progress, input);
    bool opened = false;
    const char *reference = remote_reference(input);
    if (reference) {
        fd = -1;
        if (setup_init(st, &sink, &base)) {
            opened = open_remote(&a, input, reference, &o->registry, &sel,
                                 &sink, &img);
            if (opened)
                setup_accounts(st, &sink, &a, img.user);
        }
    } else if (!stream_input(&in, &fd, &err)) {
        sink_error(&sink, "%s", err);
    } else if (setup_init(st, &sink, &base)) {
        if (fd >= 0) {
            /* The configuration comes after the layers, if at all: the
             * user's name is not known while they are scanned. */
            setup_accounts(st, &sink, &a, NULL);
            st->opt.keep_passwd =
                findings_wanted(&sink.findings, "image-root-user");
            opened = open_stream(&a, input, &in, fd, &sel, &sink, st, jobs,
                                 prog, cfg, &img);
        } else {
            opened = image_open(&a, input, &sel, &sink, &img);
            if (opened)
                setup_accounts(st, &sink, &a, img.user);
        }
    } else if (fd >= 0 && fd != STDIN_FILENO) {
        close(fd);
    }
    img.report_name = image_report_name(&a, &in, reference,
                                        opened ? &img : NULL, o->name,
                                        &img.report_name_is_path);
    img_base under = {0}; /* the base image */
    if (opened && o->base)
        opened = base_from_option(&a, &sink, &img, o, &under);
    else if (opened)
        base_from_history(&img, &under);
    if (opened) {
        size_t start = r->nfindings;
        scan_image(&a, &sink, &img, st, jobs, cfg, prog, &under);
        apply_base(&a, &under,
                   o->skip_base || (cfg && bosun_config_skip_base(cfg)), r,
                   start);
    } else {
        /* Whatever the manifests revealed before failing. */
        for (size_t i = 0; i < sink.findings.n; i++)
            emit(&a, &sink, &img, NULL, 0, &sink.findings.items[i], r);
    }
    progress_free(prog);
    image_close(&img);
    free(st);
    arena_release(&a);
    return !sink.failed;
}

bool bosun_scan_image(const bosun_config *cfg, const char *input,
                      const bosun_image_options *o, bosun_report *r)
{
    static const bosun_config no_config;
    static const bosun_image_options no_options;
    if (!cfg)
        cfg = &no_config;
    if (!o)
        o = &no_options;
    report_expect_images(r);
    content_db *db = NULL;
    if (!config_is_ignored(cfg, "image-secret-content")) {
        char *err;
        db = content_db_new(o->patterns_file, &err);
        if (!db) {
            bosun_report_add_error(r, o->patterns_file ? o->patterns_file
                                                       : input, 0, err);
            free(err);
            return false;
        }
    }
    bool ok = image_scan(cfg, input, o, db, r);
    content_db_free(db);
    return ok;
}
