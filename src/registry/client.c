/*
 * The registry client: one per repository, shared by the threads that
 * fetch from it. Requests borrow an easy handle from the client's pool;
 * each handle keeps its own connections, so a thread's next request
 * reuses the connection its last one left open. The handles share the DNS
 * cache and TLS sessions (a curl share handle, so a new connection skips
 * the full handshake), but not the connection cache: libcurl does not
 * support one connection cache used by concurrent threads (over HTTP/2
 * two threads would drive streams of one connection at once).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/client_internal.h"
#include "registry/jscan.h"
#include "registry/reference.h"
#include "util/xalloc.h"

/* The manifest types bosun reads, most specific first. */
#define MANIFEST_ACCEPT                                                        \
    "application/vnd.oci.image.index.v1+json, "                                \
    "application/vnd.oci.image.manifest.v1+json, "                             \
    "application/vnd.docker.distribution.manifest.list.v2+json, "              \
    "application/vnd.docker.distribution.manifest.v2+json"

/* libcurl must be initialised once per process, before any thread uses
 * it: the one piece of process-wide state, and it never changes after. */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_code;

static void init_curl(void)
{
    curl_init_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- handles ---- */

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ud)
{
    (void)h;
    (void)access;
    reg_client *c = ud;
    pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ud)
{
    (void)h;
    reg_client *c = ud;
    pthread_mutex_unlock(&c->share_locks[data]);
}

CURL *client_handle(reg_client *c)
{
    CURL *h = NULL;
    pthread_mutex_lock(&c->pool_lock);
    if (c->npool)
        h = c->pool[--c->npool];
    pthread_mutex_unlock(&c->pool_lock);
    if (!h && !(h = curl_easy_init()))
        xalloc_die();
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_SHARE, c->share);
    return h;
}

void client_release(reg_client *c, CURL *h)
{
    pthread_mutex_lock(&c->pool_lock);
    if (c->npool == c->cap_pool) {
        c->cap_pool = c->cap_pool ? 2 * c->cap_pool : 4;
        c->pool = xreallocarray(c->pool, c->cap_pool, sizeof(*c->pool));
    }
    c->pool[c->npool++] = h;
    pthread_mutex_unlock(&c->pool_lock);
}

/* ---- the client ---- */

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static bool discard(transfer *t, const uint8_t *p, size_t n)
{
    (void)t;
    (void)p;
    (void)n;
    return true;
}

/* GET /v2/ at `base`: true when the registry answered 200 or 401. */
static bool ping(reg_client *c, const char *base, bool quick, char **why, CURLcode *code)
{
    char *url = xasprintf("%s/v2/", base);
    free(c->base);
    c->base = xstrdup(base);
    transfer t = {.c = c, .url = url, .ping = true, .no_retry_tls = quick,
                  .limit = REG_ERROR_BODY_MAX, .body = discard};
    bool ok = transfer_run(&t);
    if (ok && t.status == 401)
        auth_learn(c, t.www_auth);
    else if (ok && t.status != 200) {
        t.err = xasprintf("HTTP %ld from /v2/: not a registry API", t.status);
        ok = false;
    }
    if (!ok)
        *why = xstrdup(t.err);
    *code = t.curl_code;
    transfer_cleanup(&t);
    free(url);
    return ok;
}

/* HTTPS; when TLS verification is off and HTTPS fails, plain HTTP (as
 * skopeo does with --tls-verify=false). */
static bool find_scheme(reg_client *c, char **err)
{
    char *https = xasprintf("https://%s", c->host);
    char *why = NULL;
    CURLcode code = CURLE_OK;
    bool ok = ping(c, https, !c->tls_verify, &why, &code);
    free(https);
    if (!ok && !c->tls_verify) {
        char *http = xasprintf("http://%s", c->host);
        char *why2 = NULL;
        ok = ping(c, http, false, &why2, &code);
        free(http);
        if (!ok) {
            char *both = xasprintf("HTTPS: %s; HTTP: %s", why, why2);
            free(why);
            why = both;
        }
        free(why2);
    } else if (!ok && code == CURLE_SSL_CONNECT_ERROR) {
        /* Often a registry that speaks plain HTTP. */
        char *more = xasprintf("%s (plain HTTP is tried only when TLS verification is off)",
                               why);
        free(why);
        why = more;
    }
    if (!ok)
        *err = reg_error(c, "cannot reach the registry", why);
    else
        free(why);
    return ok;
}

void reg_client_free(reg_client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->npool; i++)
        curl_easy_cleanup(c->pool[i]);
    free(c->pool);
    if (c->share)
        curl_share_cleanup(c->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&c->share_locks[i]);
    pthread_mutex_destroy(&c->pool_lock);
    auth_free(c);
    pthread_mutex_destroy(&c->auth_lock);
    tls_config_free(&c->tls);
    wipe_free_str(c->username);
    wipe_free_str(c->password);
    free(c->auth_file);
    free(c->domain);
    free(c->path);
    free(c->host);
    free(c->base);
    free(c->scope);
    free(c);
}

reg_client *reg_client_new(const reg_ref *ref, const reg_options *o, char **err)
{
    *err = NULL;
    pthread_once(&curl_once, init_curl);
    if (curl_init_code != CURLE_OK) {
        *err = xasprintf("%s: cannot initialise libcurl: %s", ref->domain,
                         curl_easy_strerror(curl_init_code));
        return NULL;
    }
    reg_client *c = xcalloc(1, sizeof(*c));
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&c->share_locks[i], NULL);
    pthread_mutex_init(&c->pool_lock, NULL);
    pthread_mutex_init(&c->auth_lock, NULL);
    c->domain = xstrdup(ref->domain);
    c->path = xstrdup(ref->path);
    c->host = xstrdup(reg_api_host(ref->domain));
    c->scope = xasprintf("repository:%s:pull", ref->path);
    c->tls_verify = o->tls_verify;
    c->connect_ms = o->connect_timeout_ms ? o->connect_timeout_ms : REG_CONNECT_TIMEOUT_MS;
    c->stall_ms = o->stall_timeout_ms ? o->stall_timeout_ms : REG_STALL_TIMEOUT_MS;
    c->retries = o->max_retries ? o->max_retries : REG_MAX_RETRIES;
    c->username = dup_or_null(o->username);
    c->password = dup_or_null(o->password);
    c->auth_file = dup_or_null(o->auth_file);

    char *why = NULL;
    if (!tls_config_load(&c->tls, o->cert_dir, c->host, &why)) {
        *err = reg_error(c, "certificates", why);
        reg_client_free(c);
        return NULL;
    }
    c->share = curl_share_init();
    if (!c->share)
        xalloc_die();
    curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);

    if (!find_scheme(c, err)) {
        reg_client_free(c);
        return NULL;
    }
    return c;
}

/* ---- bodies in memory ---- */

typedef struct membody {
    strbuf sb;
} membody;

static bool to_memory(transfer *t, const uint8_t *p, size_t n)
{
    membody *m = t->ctx;
    sb_append(&m->sb, (const char *)p, n);
    return true;
}

static void memory_restart(transfer *t)
{
    membody *m = t->ctx;
    sb_reset(&m->sb);
}

static int64_t as_limit(size_t max)
{
    return max > (size_t)INT64_MAX ? INT64_MAX : (int64_t)max;
}

/* Hash `data` with the algorithm of `like` (a valid digest). */
static void digest_of(const char *like, const char *data, size_t len,
                      char out[DIGEST_MAX + 1])
{
    hasher *h = hasher_new(like);
    hasher_update(h, data, len);
    hasher_final(h, out);
    hasher_free(h);
}

/* ---- manifests ---- */

typedef struct manifest_fields {
    char *media_type;
    bool schema1;
} manifest_fields;

static void on_manifest(void *ctx, const jscan_path *p, jscan_kind k, const char *v,
                        size_t n)
{
    manifest_fields *f = ctx;
    if (p->depth != 1)
        return;
    if (k == JSCAN_STRING && jscan_field(p, 0, "mediaType")) {
        free(f->media_type);
        f->media_type = xstrndup(v, n);
    } else if (jscan_field(p, 0, "schemaVersion")) {
        f->schema1 = k == JSCAN_NUMBER && n == 1 && v[0] == '1';
    }
}

static bool is_schema1_type(const char *t)
{
    return strcmp(t, "application/vnd.docker.distribution.manifest.v1+json") == 0 ||
           strcmp(t, "application/vnd.docker.distribution.manifest.v1+prettyjws") == 0;
}

/* The Content-Type without parameters or surrounding blanks. */
static char *bare_type(const char *ct)
{
    if (!ct)
        return xstrdup("");
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strcspn(ct, "; \t");
    return xstrndup(ct, n);
}

static bool generic_type(const char *t)
{
    return !*t || strcasecmp(t, "application/json") == 0 ||
           strcasecmp(t, "text/plain") == 0 || strcasecmp(t, "application/octet-stream") == 0;
}

/* The checks after the bytes are in. Returns the reason they fail, or NULL. */
static char *check_manifest(const transfer *t, const char *reference, const char *data,
                            size_t len, char **media_type, char digest[DIGEST_MAX + 1])
{
    manifest_fields f = {NULL, false};
    const char *jerr;
    jscan(data, len, on_manifest, &f, &jerr); /* not JSON: the caller will say */
    char *type = bare_type(t->content_type);
    if (is_schema1_type(type) || f.schema1) {
        free(type);
        free(f.media_type);
        return xstrdup("this is a Docker schema 1 manifest, an old format bosun does not "
                       "read (copy the image with a current docker, skopeo or crane to "
                       "convert it to schema 2 or OCI)");
    }
    if (generic_type(type)) {
        free(type);
        type = f.media_type ? f.media_type : xstrdup("");
        f.media_type = NULL;
    }
    free(f.media_type);

    const char *why;
    bool by_digest = strchr(reference, ':') != NULL;
    digest_of(by_digest ? reference : "sha256:", data, len, digest);
    if (by_digest && strcmp(digest, reference) != 0) {
        free(type);
        return xasprintf("the manifest's digest is %s, not the one asked for", digest);
    }
    if (t->docker_digest && reg_digest_valid(t->docker_digest, &why)) {
        char other[DIGEST_MAX + 1];
        digest_of(t->docker_digest, data, len, other);
        if (strcmp(other, t->docker_digest) != 0) {
            free(type);
            return xasprintf("the registry says its digest is %s (Docker-Content-Digest) "
                             "but the bytes hash to %s", t->docker_digest, other);
        }
    }
    *media_type = type;
    return NULL;
}

bool reg_get_manifest(reg_client *c, const char *reference, size_t max, char **data,
                      size_t *len, char **media_type, char digest[DIGEST_MAX + 1],
                      char **err)
{
    *data = NULL;
    *media_type = NULL;
    *len = 0;
    *err = NULL;
    bool by_digest = strchr(reference, ':') != NULL;
    char *what = xasprintf("manifest %s%s%s", c->path, by_digest ? "@" : ":", reference);
    const char *why;
    if (by_digest ? !reg_digest_valid(reference, &why)
                  : !reg_tag_valid(reference, strlen(reference))) {
        *err = reg_error(c, what, xstrdup(by_digest ? why : "malformed tag"));
        free(what);
        return false;
    }
    char *url = xasprintf("%s/v2/%s/manifests/%s", c->base, c->path, reference);
    membody m;
    sb_init(&m.sb);
    transfer t = {.c = c, .url = url, .accept = MANIFEST_ACCEPT,
                  .registry_auth = true, .limit = as_limit(max), .body = to_memory,
                  .restart = memory_restart, .ctx = &m};
    bool ok = transfer_run(&t);
    char *problem = NULL;
    if (!ok) {
        problem = t.err;
        t.err = NULL;
    } else {
        problem = check_manifest(&t, reference, m.sb.data, m.sb.len, media_type, digest);
    }
    if (problem) {
        *err = reg_error(c, what, problem);
        sb_free(&m.sb);
        ok = false;
    } else {
        sb_reserve(&m.sb, 1); /* malloc'd even when empty */
        *data = m.sb.data;
        *len = m.sb.len;
    }
    transfer_cleanup(&t);
    free(url);
    free(what);
    return ok;
}

/* ---- blobs ---- */

bool reg_get_blob(reg_client *c, const char *digest, size_t max, char **data, size_t *len,
                  char **err)
{
    *data = NULL;
    *len = 0;
    *err = NULL;
    char *what = xasprintf("blob %s@%s", c->path, digest);
    const char *why;
    if (!reg_digest_valid(digest, &why)) {
        *err = reg_error(c, what, xstrdup(why));
        free(what);
        return false;
    }
    char *url = xasprintf("%s/v2/%s/blobs/%s", c->base, c->path, digest);
    membody m;
    sb_init(&m.sb);
    transfer t = {.c = c, .url = url, .registry_auth = true,
                  .limit = as_limit(max), .body = to_memory, .restart = memory_restart,
                  .ctx = &m};
    bool ok = transfer_run(&t);
    char *problem = NULL;
    if (!ok) {
        problem = t.err;
        t.err = NULL;
    } else {
        char got[DIGEST_MAX + 1];
        digest_of(digest, m.sb.data, m.sb.len, got);
        if (strcmp(got, digest) != 0)
            problem = xasprintf("the bytes hash to %s", got);
    }
    if (problem) {
        *err = reg_error(c, what, problem);
        sb_free(&m.sb);
        ok = false;
    } else {
        sb_reserve(&m.sb, 1); /* malloc'd even when empty */
        *data = m.sb.data;
        *len = m.sb.len;
    }
    transfer_cleanup(&t);
    free(url);
    free(what);
    return ok;
}

typedef struct stream {
    reg_piece_fn fn;
    void *ctx;
} stream;

static bool to_consumer(transfer *t, const uint8_t *p, size_t n)
{
    stream *s = t->ctx;
    return s->fn(s->ctx, p, n);
}

bool reg_fetch_blob(reg_client *c, const char *digest, int64_t size, reg_piece_fn fn,
                    void *ctx, char **err)
{
    *err = NULL;
    char *what = xasprintf("blob %s@%s", c->path, digest);
    const char *why;
    if (!reg_digest_valid(digest, &why) || size < -1) {
        *err = reg_error(c, what, xstrdup(size < -1 ? "negative size" : why));
        free(what);
        return false;
    }
    char *url = xasprintf("%s/v2/%s/blobs/%s", c->base, c->path, digest);
    stream s = {fn, ctx};
    transfer t = {.c = c, .url = url, .registry_auth = true, .limit = size,
                  .resumable = true, .expect_exact = size >= 0, .body = to_consumer,
                  .ctx = &s};
    bool ok = transfer_run(&t);
    if (!ok) {
        char *problem = t.err;
        t.err = NULL;
        *err = reg_error(c, what, problem);
    }
    transfer_cleanup(&t);
    free(url);
    free(what);
    return ok;
}
