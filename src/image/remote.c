#include "image/remote.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/digest.h"
#include "image/image.h"
#include "image/stream.h"
#include "registry/registry.h"
#include "util/xalloc.h"

/* The pipe between a layer's download and its scan: a few MiB per layer
 * being read, whatever -j. */
#define REMOTE_SLOTS 4
#define REMOTE_SLOT_SIZE (256u << 10)
/* Most layers downloaded at once. */
#define REMOTE_MAX_PARALLEL 8
/* Bytes of a blob still downloaded, and hashed, after its scan stopped. */
#define REMOTE_DRAIN_MAX (64u << 20)
/* Most documents (manifests, configurations) fetched for one image, and
 * their bytes together. */
#define REMOTE_MAX_DOCS 64
#define REMOTE_MAX_JSON (8u << 20)

typedef struct fetched {
    const char *digest;
    char *data;                /* malloc'd, NUL-terminated */
    size_t len;
} fetched;

struct remote {
    reg_client *client;
    const char *reference;     /* the reference as parsed, for messages */
    const char *tag;           /* the reference's tag, or NULL */
    fetched top;                   /* the manifest the reference resolves to */
    const char *top_type;
    fetched docs[REMOTE_MAX_DOCS];
    size_t ndocs, json_total;
    /* Digests that name manifests (listed by an index read), else blobs. */
    const char **manifests;
    size_t nmanifests, manifests_cap;
    /* Members located, whose place in this list identifies them. */
    const char **members;
    size_t nmembers, members_cap;
    arena a;
    pthread_mutex_t lock;      /* remote_id is called from one thread, but
                                  the fetches from several */
};

/* ------------------------------------------------------------ naming */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

const char *remote_reference(const char *input)
{
    if (strncmp(input, "docker://", 9) == 0)
        return input + 9;
    /* A path, or an archive of that name that is missing: named so, it
     * is never looked up in a registry. */
    if (!*input || input[0] == '/' || input[0] == '.' || !strcmp(input, "-"))
        return NULL;
    static const char *const suffixes[] = {".tar", ".tar.gz", ".tgz",
                                           ".tar.zst", ".tar.zstd"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
        if (ends_with(input, suffixes[i]))
            return NULL;
    static const char *const transports[] = {"docker-archive:", "oci:",
                                             "oci-archive:"};
    for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
        if (!strncmp(input, transports[i], strlen(transports[i])))
            return NULL;
    if (access(input, F_OK) == 0)
        return NULL;
    arena a;
    arena_init(&a);
    reg_ref ref;
    const char *err;
    bool ok = reg_ref_parse(&a, input, &ref, &err);
    arena_release(&a);
    return ok ? input : NULL;
}

/* "blobs/ALG/HEX" -> "ALG:HEX" (in `a`), or NULL. */
static const char *member_digest(arena *a, const char *member)
{
    if (strncmp(member, "blobs/", 6) != 0)
        return NULL;
    const char *alg = member + 6, *slash = strchr(alg, '/');
    if (!slash || strchr(slash + 1, '/'))
        return NULL;
    const char *d = arena_printf(a, "%.*s:%s", (int)(slash - alg), alg,
                                 slash + 1);
    const char *why;
    return digest_valid(d, &why) ? d : NULL;
}

/* ------------------------------------------------------------ documents */

static bool is_manifest(remote *r, const char *digest)
{
    if (!strcmp(digest, r->top.digest))
        return true;
    for (size_t i = 0; i < r->nmanifests; i++)
        if (!strcmp(r->manifests[i], digest))
            return true;
    return false;
}

/* An index (or manifest list) names manifests: their digests are looked
 * up at /manifests/, not /blobs/. */
static void note_manifests(remote *r, const char *data, size_t len)
{
    json_t *doc = json_loadb(data, len, 0, NULL);
    json_t *list = doc ? json_object_get(doc, "manifests") : NULL;
    size_t i;
    json_t *desc;
    json_array_foreach(list, i, desc) {
        const char *d = json_string_value(json_object_get(desc, "digest"));
        if (!d || is_manifest(r, d))
            continue;
        *ARENA_PUSH(&r->a, r->manifests, r->nmanifests, r->manifests_cap) =
            arena_strdup(&r->a, d);
    }
    json_decref(doc);
}

static const fetched *cached(remote *r, const char *digest)
{
    if (!strcmp(digest, r->top.digest))
        return &r->top;
    for (size_t i = 0; i < r->ndocs; i++)
        if (!strcmp(r->docs[i].digest, digest))
            return &r->docs[i];
    return NULL;
}

/* Fetch the document `digest` (a manifest or a configuration). */
static const fetched *fetch_doc(remote *r, const char *digest, size_t max,
                            arena *a, const char **err)
{
    const fetched *d = cached(r, digest);
    if (d)
        return d;
    if (r->ndocs == REMOTE_MAX_DOCS) {
        *err = "more manifests and configurations than bosun reads for one "
               "image";
        return NULL;
    }
    char *data = NULL, *media_type = NULL, *e = NULL;
    size_t len = 0;
    char got[DIGEST_MAX + 1];
    bool ok;
    if (is_manifest(r, digest)) {
        ok = reg_get_manifest(r->client, digest, max, &data, &len,
                              &media_type, got, &e);
        free(media_type);
    } else {
        ok = reg_get_blob(r->client, digest, max, &data, &len, &e);
    }
    if (!ok) {
        *err = arena_strdup(a, e ? e : "fetch failed");
        free(e);
        return NULL;
    }
    if (r->json_total + len > REMOTE_MAX_JSON) {
        free(data);
        *err = "the image's manifests and configurations take more than "
               "bosun reads";
        return NULL;
    }
    r->json_total += len;
    fetched *nd = &r->docs[r->ndocs++];
    nd->digest = arena_strdup(&r->a, digest);
    nd->data = data;
    nd->len = len;
    note_manifests(r, data, len);
    return nd;
}

bool remote_has(remote *r, const char *member)
{
    if (!strcmp(member, "index.json") || !strcmp(member, "oci-layout"))
        return true;
    return member_digest(&r->a, member) != NULL;
}

static bool give(arena *a, const char *text, size_t len, size_t max,
                 char **data, size_t *out_len, const char **err)
{
    *out_len = len;
    if (len > max) {
        *err = "too large";
        return false;
    }
    char *copy = arena_alloc(a, len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    *data = copy;
    return true;
}

bool remote_read(remote *r, arena *a, const char *member, size_t max,
                 char **data, size_t *len, const char **err)
{
    if (!strcmp(member, "oci-layout")) {
        const char *t = "{\"imageLayoutVersion\":\"1.0.0\"}";
        return give(a, t, strlen(t), max, data, len, err);
    }
    if (!strcmp(member, "index.json")) {
        /* The manifest the reference names, as a layout's index lists
         * it: named by the tag (a tag has no character to escape). */
        const char *name =
            r->tag ? arena_printf(a, ",\"annotations\":{\"org.opencontainers"
                                     ".image.ref.name\":\"%s\"}", r->tag)
                   : "";
        const char *t = arena_printf(
            a, "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"%s\","
               "\"digest\":\"%s\",\"size\":%zu%s}]}",
            r->top_type, r->top.digest, r->top.len, name);
        return give(a, t, strlen(t), max, data, len, err);
    }
    const char *digest = member_digest(a, member);
    if (!digest) {
        *err = "not in a registry";
        return false;
    }
    pthread_mutex_lock(&r->lock);
    const fetched *d = fetch_doc(r, digest, max, a, err);
    bool ok = d && give(a, d->data, d->len, max, data, len, err);
    pthread_mutex_unlock(&r->lock);
    return ok;
}

uint64_t remote_id(remote *r, const char *member)
{
    pthread_mutex_lock(&r->lock);
    size_t i = 0;
    while (i < r->nmembers && strcmp(r->members[i], member) != 0)
        i++;
    if (i == r->nmembers)
        *ARENA_PUSH(&r->a, r->members, r->nmembers, r->members_cap) =
            arena_strdup(&r->a, member);
    pthread_mutex_unlock(&r->lock);
    return i;
}

/* ------------------------------------------------------------ opening */

bool remote_open(arena *a, const char *text, const bosun_registry_options *o,
                 img_source *src, const char **err)
{
    memset(src, 0, sizeof(*src));
    src->fd = -1;
    src->kind = SOURCE_REMOTE;
    reg_ref ref;
    const char *why;
    if (!reg_ref_parse(a, text, &ref, &why)) {
        *err = arena_printf(a, "not a reference: %s", why);
        return false;
    }
    reg_options ro = REG_OPTIONS_INIT;
    if (o) {
        ro.tls_verify = !o->tls_no_verify;
        ro.cert_dir = o->cert_dir;
        ro.username = o->username;
        ro.password = o->password;
        ro.auth_file = o->auth_file;
    }
    /* For tests of stalled downloads: a minute is long to wait for. */
    const char *stall = getenv("BOSUN_REGISTRY_STALL_TIMEOUT_MS");
    if (stall && *stall) {
        char *end;
        unsigned long ms = strtoul(stall, &end, 10);
        if (!*end && ms > 0 && ms <= 3600000)
            ro.stall_timeout_ms = (unsigned)ms;
    }
    char *e = NULL;
    reg_client *client = reg_client_new(&ref, &ro, &e);
    if (!client) {
        *err = arena_strdup(a, e ? e : "the registry cannot be reached");
        free(e);
        return false;
    }
    remote *r = xcalloc(1, sizeof(*r));
    arena_init(&r->a);
    pthread_mutex_init(&r->lock, NULL);
    r->client = client;
    r->reference = reg_ref_string(&r->a, &ref);
    r->tag = ref.tag ? arena_strdup(&r->a, ref.tag) : NULL;
    const char *tag = ref.digest ? ref.digest : ref.tag ? ref.tag : "latest";
    char *media_type = NULL, digest[DIGEST_MAX + 1];
    if (!reg_get_manifest(client, tag, IMG_MAX_JSON, &r->top.data,
                          &r->top.len, &media_type, digest, &e)) {
        *err = arena_strdup(a, e ? e : "no manifest");
        free(e);
        remote_free(r);
        return false;
    }
    r->top.digest = arena_strdup(&r->a, digest);
    r->top_type = arena_strdup(&r->a, media_type ? media_type : "");
    free(media_type);
    r->json_total = r->top.len;
    note_manifests(r, r->top.data, r->top.len);
    src->remote = r;
    return true;
}

void remote_free(remote *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ndocs; i++)
        free(r->docs[i].data);
    free(r->top.data);
    reg_client_free(r->client);
    pthread_mutex_destroy(&r->lock);
    arena_release(&r->a);
    free(r);
}

/* ------------------------------------------------------------ layers */

typedef struct fetch {
    remote *r;
    const remote_layer *layer;
    byte_pipe *pipe;
    hasher *hash;              /* of the blob, or NULL */
    bool stopped;              /* the scan stopped reading */
    uint64_t after;            /* bytes hashed since */
    bool whole;                /* every byte came */
    char *err;                 /* the download's, malloc'd */
} fetch;

/* A piece of the blob: hashed here, on the download's thread, and pushed
 * to the scan. When the scan stops early (the blob is not what its media
 * type says, or is corrupt), the rest is still hashed, up to a bound, so
 * that a blob the registry (or what stands between) changed is told as
 * such by its digest. */
static bool piece(void *ctx, const uint8_t *p, size_t n)
{
    fetch *f = ctx;
    if (f->hash)
        hasher_update(f->hash, p, n);
    if (!f->stopped) {
        if (bpipe_write(f->pipe, p, n))
            return true;
        f->stopped = true;
    }
    f->after += n;
    return f->hash && f->after <= REMOTE_DRAIN_MAX;
}

/* The download of one layer, on a thread of its own. */
static void *download(void *arg)
{
    fetch *f = arg;
    f->whole = reg_fetch_blob(f->r->client, f->layer->digest,
                              f->layer->size, piece, f, &f->err);
    if (f->whole)
        bpipe_close(f->pipe);
    else
        bpipe_fail(f->pipe, f->err ? f->err : "download failed");
    return NULL;
}

typedef struct fetch_run {
    remote *r;
    const scan_options *opt;
    bool verify;
    progress *progress;
    remote_layer *layers;
    size_t n, next;
    pthread_mutex_t lock;
} fetch_run;

static void fetch_one(fetch_run *run, layer_worker *w, remote_layer *ly)
{
    fetch f = {.r = run->r, .layer = ly};
    f.pipe = bpipe_new(REMOTE_SLOTS, REMOTE_SLOT_SIZE);
    f.hash = run->verify ? hasher_new(ly->digest) : NULL;
    layer_input in = {
        .index = ly->index,
        .pipe = f.pipe,
        .diff_id = ly->diff_id,
        .progress = progress_begin(run->progress, ly->index, ly->digest,
                                   ly->size),
    };
    pthread_t t;
    if (pthread_create(&t, NULL, download, &f) != 0) {
        ly->res->error = arena_strdup(&ly->res->a, "no thread for the "
                                      "download");
    } else {
        layer_scan(w, &in, ly->res);
        bpipe_wait_closed(f.pipe);
        pthread_join(t, NULL);
        /* Every byte came, and was hashed. */
        if (f.hash && f.whole)
            hasher_final(f.hash, ly->res->digest);
    }
    hasher_free(f.hash);
    free(f.err);
    progress_end(run->progress, in.progress);
    bpipe_free(f.pipe);
}

static void *fetch_worker(void *arg)
{
    fetch_run *run = arg;
    layer_worker *w = layer_worker_new(run->opt);
    for (;;) {
        pthread_mutex_lock(&run->lock);
        size_t i = run->next < run->n ? run->next++ : run->n;
        pthread_mutex_unlock(&run->lock);
        if (i == run->n)
            break;
        fetch_one(run, w, &run->layers[i]);
    }
    layer_worker_free(w);
    return NULL;
}

void remote_fetch_layers(remote *r, const scan_options *opt, unsigned jobs,
                         bool verify, progress *prog, remote_layer *layers,
                         size_t n)
{
    fetch_run run = {.r = r, .opt = opt, .verify = verify, .progress = prog,
                     .layers = layers, .n = n};
    pthread_mutex_init(&run.lock, NULL);
    size_t want = jobs ? jobs : 1;
    if (want > REMOTE_MAX_PARALLEL)
        want = REMOTE_MAX_PARALLEL;
    if (want > n)
        want = n;
    pthread_t *threads = xcalloc(want + 1, sizeof(pthread_t));
    size_t started = 0;
    while (started + 1 < want &&
           pthread_create(&threads[started], NULL, fetch_worker, &run) == 0)
        started++;
    fetch_worker(&run); /* this thread is one of them */
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    pthread_mutex_destroy(&run.lock);
}
