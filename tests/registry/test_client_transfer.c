/*
 * The client's transfers against a scripted registry: retries (5xx, 429
 * with Retry-After), resumes with Range after a dropped connection (and
 * failing when the server cannot resume), redirects to another host
 * without the registry's credentials, size bounds, stalls, digests,
 * schema 1, errors and their escaping, plain HTTP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "client_harness.h"

#define MANIFEST                                                               \
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\"," \
    "\"manifests\":[]}"

static char blob_digest[DIGEST_MAX + 1];
static const size_t blob_size = 300000;

/* team/app with manifest v1 and one blob, plus `more`. */
static void start(fake *f, const char *more)
{
    const char *path = h_blob("blob", blob_size, 3, blob_digest, NULL);
    char *m = h_quote(MANIFEST);
    char members[4096];
    snprintf(members, sizeof(members),
             "\"repo\": \"team/app\", \"manifests\": {\"v1\": {\"body\": %s,"
             " \"type\": \"application/vnd.oci.image.index.v1+json\"}},"
             " \"blobs\": {\"%s\": \"%s\"}%s%s",
             m, blob_digest, path, *more ? ", " : "", more);
    free(m);
    fake_start(f, members);
}

static reg_client *client_with(const fake *f, arena *a, const reg_options *o)
{
    reg_ref r = h_ref(f, a, "team/app");
    char *err = NULL;
    reg_client *c = reg_client_new(&r, o, &err);
    if (!c)
        fail_msg("client: %s", err);
    return c;
}

static reg_client *client(const fake *f, arena *a)
{
    reg_options o = h_options();
    return client_with(f, a, &o);
}

/* Stream the blob; true when every byte came once, in order. */
static bool stream(reg_client *c, int64_t size, sink *s, char **err)
{
    memset(s, 0, sizeof(*s));
    if (!reg_fetch_blob(c, blob_digest, size, sink_piece, s, err))
        return false;
    unsigned char *want;
    char d[DIGEST_MAX + 1];
    h_blob("blob-copy", blob_size, 3, d, &want);
    bool same = s->len == blob_size && memcmp(s->data, want, blob_size) == 0;
    free(want);
    if (!same)
        fail_msg("the streamed bytes differ from the blob (%zu bytes)", s->len);
    return true;
}

static bool manifest(reg_client *c, const char *ref, size_t max, char **type, char **err)
{
    char *data, *t;
    size_t len;
    char digest[DIGEST_MAX + 1];
    if (!reg_get_manifest(c, ref, max, &data, &len, &t, digest, err))
        return false;
    free(data);
    if (type)
        *type = t;
    else
        free(t);
    return true;
}

static void test_500_then_success(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"faults\": [{\"on\": \"manifest\", \"times\": 2, \"status\": 500},"
              " {\"on\": \"ping\", \"status\": 502}]");
    reg_client *c = client(&f, &a);
    char *err = NULL;
    if (!manifest(c, "v1", 1 << 20, NULL, &err))
        fail_msg("%s", err);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"manifest\"", NULL), 3);
    assert_int_equal(fake_count(&f, "\"ping\"", NULL), 2);
    fake_stop(&f);
    arena_release(&a);
}

static void test_5xx_gives_up(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"faults\": [{\"on\": \"blob\", \"times\": 100, \"status\": 503,"
              " \"body\": \"{\\\"errors\\\": [{\\\"code\\\": \\\"UNAVAILABLE\\\","
              " \\\"message\\\": \\\"try later\\\"}]}\"},"
              " {\"on\": \"manifest\", \"times\": 100, \"status\": 501}]");
    reg_client *c = client(&f, &a);
    sink s;
    char *err = NULL;
    assert_false(stream(c, (int64_t)blob_size, &s, &err));
    assert_non_null(strstr(err, ": blob team/app@sha256:"));
    assert_non_null(strstr(err, "HTTP 503 (UNAVAILABLE: try later) (gave up after 3 attempts)"));
    free(err);
    /* 501 means it will never work: not retried. */
    assert_false(manifest(c, "v1", 1 << 20, NULL, &err));
    assert_non_null(strstr(err, "HTTP 501"));
    free(err);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"blob\"", NULL), 3);
    assert_int_equal(fake_count(&f, "\"manifest\"", NULL), 1);
    fake_stop(&f);
    arena_release(&a);
}

static void test_429_retry_after(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"faults\": [{\"on\": \"manifest\", \"status\": 429,"
              " \"headers\": {\"Retry-After\": \"2\"}}]");
    reg_client *c = client(&f, &a);
    char *err = NULL;
    long long t0 = h_now_ms();
    if (!manifest(c, "v1", 1 << 20, NULL, &err))
        fail_msg("%s", err);
    long long took = h_now_ms() - t0;
    /* The backoff alone would be under a second. */
    assert_in_range(took, 1900, 5000);
    reg_client_free(c);
    fake_stop(&f);

    /* Retry-After as an HTTP date. */
    char date[64], more[256];
    time_t when = time(NULL) + 2;
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&when));
    snprintf(more, sizeof(more),
             "\"faults\": [{\"on\": \"manifest\", \"status\": 429,"
             " \"headers\": {\"Retry-After\": \"%s\"}}]", date);
    start(&f, more);
    c = client(&f, &a);
    t0 = h_now_ms();
    if (!manifest(c, "v1", 1 << 20, NULL, &err))
        fail_msg("%s", err);
    took = h_now_ms() - t0;
    assert_in_range(took, 900, 5000);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"manifest\"", NULL), 2);
    fake_stop(&f);
    arena_release(&a);
}

/* The connection drops mid-blob: the rest comes with Range, and the
 * consumer sees each byte once. */
static void test_resume_with_range(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"faults\": [{\"on\": \"blob\", \"drop_after\": 100000},"
              " {\"on\": \"blob\", \"drop_after\": 50000}]");
    reg_client *c = client(&f, &a);
    sink s;
    char *err = NULL;
    if (!stream(c, (int64_t)blob_size, &s, &err))
        fail_msg("%s", err);
    free(s.data);
    /* Unknown size: the same. */
    if (!stream(c, -1, &s, &err))
        fail_msg("%s", err);
    free(s.data);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"blob\"", NULL), 4);
    assert_int_equal(fake_count(&f, "\"blob\"", "\"range\": \"bytes=100000-\""), 1);
    assert_int_equal(fake_count(&f, "\"blob\"", "\"range\": \"bytes=150000-\""), 1);
    fake_stop(&f);
    arena_release(&a);
}

/* A server that ignores Range: resuming would deliver bytes twice, so the
 * fetch fails; in memory (a config) it simply starts again. */
static void test_no_range_support(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"range\": false, \"faults\": [{\"on\": \"blob\", \"times\": 2,"
              " \"drop_after\": 100000}]");
    reg_client *c = client(&f, &a);
    sink s;
    char *err = NULL;
    assert_false(stream(c, (int64_t)blob_size, &s, &err));
    assert_non_null(strstr(err, "the connection broke after 100000 bytes and the server "
                                "cannot resume"));
    assert_int_equal(s.len, 100000);
    free(s.data);
    free(err);
    char *data;
    size_t len;
    if (!reg_get_blob(c, blob_digest, blob_size, &data, &len, &err))
        fail_msg("%s", err);
    assert_int_equal(len, blob_size);
    free(data);
    reg_client_free(c);
    fake_stop(&f);
    /* A drop before the first byte: starting again is fine. */
    start(&f, "\"range\": false, \"faults\": [{\"on\": \"blob\", \"drop_after\": 0}]");
    c = client(&f, &a);
    if (!stream(c, (int64_t)blob_size, &s, &err))
        fail_msg("%s", err);
    free(s.data);
    reg_client_free(c);
    fake_stop(&f);
    arena_release(&a);
}

/* Blob storage elsewhere: the redirect is followed, the registry's
 * credentials stay with the registry. */
static void redirect_case(const char *auth)
{
    arena a;
    arena_init(&a);
    fake store, f;
    const char *path = h_blob("blob", blob_size, 3, blob_digest, NULL);
    char more[512];
    snprintf(more, sizeof(more), "\"serve_any\": \"%s\"", path);
    fake_start(&store, more);
    snprintf(more, sizeof(more),
             "%s, \"faults\": [{\"on\": \"blob\", \"times\": 10,"
             " \"redirect\": \"http://127.0.0.1:%d/store\"}]",
             auth, store.port);
    start(&f, more);
    reg_options o = h_options();
    o.username = "alice";
    o.password = "pw";
    reg_client *c = client_with(&f, &a, &o);
    sink s;
    char *err = NULL;
    if (!stream(c, (int64_t)blob_size, &s, &err))
        fail_msg("%s", err);
    free(s.data);
    char *data;
    size_t len;
    if (!reg_get_blob(c, blob_digest, blob_size, &data, &len, &err))
        fail_msg("%s", err);
    free(data);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"blob\"", "\"authorization\": null"), 0);
    assert_int_equal(fake_count(&store, "\"store\"", NULL), 2);
    assert_int_equal(fake_count(&store, "\"store\"", "\"authorization\": null"), 2);
    assert_int_equal(fake_count(&store, "\"path\": \"/store/v2/team/app/blobs/sha256:", NULL),
                     2);
    fake_stop(&f);
    fake_stop(&store);
    arena_release(&a);
}

static void test_redirect_without_credentials(void **state)
{
    (void)state;
    redirect_case("\"auth\": \"basic\", \"user\": \"alice\", \"password\": \"pw\"");
    redirect_case("\"auth\": \"bearer\", \"user\": \"alice\", \"password\": \"pw\"");
}

static void test_enormous_manifest(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    /* Claimed by Content-Length: refused before reading. */
    start(&f, "\"faults\": [{\"on\": \"manifest\", \"oversize\": 100000000}]");
    reg_client *c = client(&f, &a);
    char *err = NULL;
    long long t0 = h_now_ms();
    assert_false(manifest(c, "v1", 4 << 20, NULL, &err));
    assert_true(h_now_ms() - t0 < 2000);
    assert_non_null(strstr(err, "manifest team/app:v1: larger than 4194304 bytes"));
    free(err);
    reg_client_free(c);
    fake_stop(&f);
    /* Streamed without a length: refused at the limit. */
    start(&f, "\"faults\": [{\"on\": \"manifest\", \"oversize\": 50000000,"
              " \"chunked\": true}]");
    c = client(&f, &a);
    t0 = h_now_ms();
    assert_false(manifest(c, "v1", 1 << 20, NULL, &err));
    assert_true(h_now_ms() - t0 < 5000);
    assert_non_null(strstr(err, "larger than 1048576 bytes"));
    free(err);
    reg_client_free(c);
    /* Refused, not retried. */
    assert_int_equal(fake_count(&f, "\"manifest\"", NULL), 1);
    fake_stop(&f);
    arena_release(&a);
}

static void test_blob_larger_than_size(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"faults\": [{\"on\": \"blob\", \"extra\": 10}]");
    reg_client *c = client(&f, &a);
    sink s;
    char *err = NULL;
    assert_false(reg_fetch_blob(c, blob_digest, (int64_t)blob_size, sink_piece, &s, &err));
    assert_non_null(strstr(err, "more bytes than its size, 300000"));
    free(err);
    /* A descriptor that says less than the blob has. */
    memset(&s, 0, sizeof(s));
    assert_false(reg_fetch_blob(c, blob_digest, 1000, sink_piece, &s, &err));
    assert_non_null(strstr(err, "more bytes than its size, 1000"));
    assert_true(s.len <= 1000);
    free(s.data);
    free(err);
    reg_client_free(c);
    fake_stop(&f);
    arena_release(&a);
}

/* A server that sends a byte and then nothing: the stall timeout ends the
 * transfer, which is retried, then given up. */
static void test_stall(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"faults\": [{\"on\": \"manifest\", \"times\": 10, \"drip\": 20}]");
    reg_options o = h_options();
    o.stall_timeout_ms = 1000;
    o.max_retries = 1;
    reg_client *c = client_with(&f, &a, &o);
    char *err = NULL;
    long long t0 = h_now_ms();
    assert_false(manifest(c, "v1", 1 << 20, NULL, &err));
    long long took = h_now_ms() - t0;
    assert_in_range(took, 1500, 10000);
    assert_non_null(strstr(err, "timed out"));
    assert_non_null(strstr(err, "(gave up after 2 attempts)"));
    free(err);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"manifest\"", NULL), 2);
    fake_stop(&f);
    arena_release(&a);
}

/* A server that accepts the request and never answers: the stall timeout
 * covers the wait for the headers too. */
static void test_silent_server(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"faults\": [{\"on\": \"manifest\", \"times\": 10, \"silence\": 30}]");
    reg_options o = h_options();
    o.stall_timeout_ms = 1000;
    o.max_retries = 1;
    reg_client *c = client_with(&f, &a, &o);
    char *err = NULL;
    long long t0 = h_now_ms();
    assert_false(manifest(c, "v1", 1 << 20, NULL, &err));
    long long took = h_now_ms() - t0;
    assert_in_range(took, 1500, 10000);
    assert_non_null(strstr(err, "timed out"));
    assert_non_null(strstr(err, "(gave up after 2 attempts)"));
    free(err);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"manifest\"", NULL), 2);
    fake_stop(&f);
    arena_release(&a);
}

/* A blob that stalls after its first byte: the stall ends the attempt and
 * the rest comes with Range. */
static void test_stalled_blob_resumes(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"faults\": [{\"on\": \"blob\", \"drip\": 30}]");
    reg_options o = h_options();
    o.stall_timeout_ms = 1000;
    reg_client *c = client_with(&f, &a, &o);
    sink s;
    char *err = NULL;
    long long t0 = h_now_ms();
    if (!stream(c, (int64_t)blob_size, &s, &err))
        fail_msg("%s", err);
    assert_in_range(h_now_ms() - t0, 900, 10000);
    free(s.data);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"blob\"", NULL), 2);
    assert_int_equal(fake_count(&f, "\"blob\"", "\"range\": \"bytes=1-\""), 1);
    fake_stop(&f);
    arena_release(&a);
}

static void test_consumer_abort(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "");
    reg_client *c = client(&f, &a);
    sink s = {.stop_after = 1};
    char *err = NULL;
    assert_false(reg_fetch_blob(c, blob_digest, (int64_t)blob_size, sink_piece, &s, &err));
    assert_non_null(strstr(err, ": aborted"));
    free(s.data);
    free(err);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"blob\"", NULL), 1);
    fake_stop(&f);
    arena_release(&a);
}

static void test_digests(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    char other[DIGEST_MAX + 1], more[1024];
    h_blob("other", 10, 99, other, NULL);
    char *m = h_quote(MANIFEST);
    snprintf(more, sizeof(more),
             "\"manifests\": {\"v1\": {\"body\": %s}, \"bad\": {\"body\": %s,"
             " \"digest_header\": \"wrong\"}, \"%s\": {\"body\": %s}, \"none\":"
             " {\"body\": %s, \"digest_header\": \"none\"}}",
             m, m, other, m, m);
    free(m);
    const char *path = h_blob("blob", blob_size, 3, blob_digest, NULL);
    char members[2048];
    snprintf(members, sizeof(members), "\"repo\": \"team/app\", %s, \"blobs\": {\"%s\": \"%s\"}",
             more, other, path);
    fake_start(&f, members);
    reg_client *c = client(&f, &a);
    char *err = NULL;
    /* Docker-Content-Digest that does not match the bytes. */
    assert_false(manifest(c, "bad", 1 << 20, NULL, &err));
    assert_non_null(strstr(err, "the registry says its digest is sha256:"));
    free(err);
    /* Asked by digest, other bytes came. */
    assert_false(manifest(c, other, 1 << 20, NULL, &err));
    assert_non_null(strstr(err, "not the one asked for"));
    free(err);
    /* No header: the digest is computed all the same. */
    if (!manifest(c, "none", 1 << 20, NULL, &err))
        fail_msg("%s", err);
    /* A blob whose bytes are not its digest's. */
    char *data;
    size_t len;
    assert_false(reg_get_blob(c, other, blob_size, &data, &len, &err));
    assert_non_null(strstr(err, "the bytes hash to sha256:"));
    free(err);
    /* Malformed references never reach the registry. */
    assert_false(manifest(c, "../../etc", 1 << 20, NULL, &err));
    assert_non_null(strstr(err, "malformed tag"));
    free(err);
    assert_false(manifest(c, "sha256:abc", 1 << 20, NULL, &err));
    assert_non_null(strstr(err, "invalid checksum digest format"));
    free(err);
    assert_false(reg_get_blob(c, "sha256:../x", 10, &data, &len, &err));
    free(err);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "etc", NULL), 0);
    fake_stop(&f);
    arena_release(&a);
}

static void test_schema1_and_media_types(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    char *s1 = h_quote("{\"schemaVersion\": 1, \"name\": \"team/app\", \"fsLayers\": []}");
    char *generic = h_quote("{\"schemaVersion\": 2, \"mediaType\": "
                            "\"application/vnd.docker.distribution.manifest.v2+json\"}");
    char members[2048];
    snprintf(members, sizeof(members),
             "\"repo\": \"team/app\", \"manifests\": {"
             "\"signed\": {\"body\": %s, \"type\": "
             "\"application/vnd.docker.distribution.manifest.v1+prettyjws\"},"
             "\"plain\": {\"body\": %s, \"type\": \"application/json\"},"
             "\"generic\": {\"body\": %s, \"type\": \"application/json; charset=utf-8\"},"
             "\"params\": {\"body\": %s, \"type\": "
             "\"application/vnd.oci.image.manifest.v1+json; foo=bar\"}}",
             s1, s1, generic, generic);
    free(s1);
    free(generic);
    fake_start(&f, members);
    reg_client *c = client(&f, &a);
    char *err = NULL, *type = NULL;
    assert_false(manifest(c, "signed", 1 << 20, NULL, &err));
    assert_non_null(strstr(err, "Docker schema 1 manifest"));
    free(err);
    assert_false(manifest(c, "plain", 1 << 20, NULL, &err));
    assert_non_null(strstr(err, "Docker schema 1 manifest"));
    free(err);
    if (!manifest(c, "generic", 1 << 20, &type, &err))
        fail_msg("%s", err);
    assert_string_equal(type, "application/vnd.docker.distribution.manifest.v2+json");
    free(type);
    if (!manifest(c, "params", 1 << 20, &type, &err))
        fail_msg("%s", err);
    assert_string_equal(type, "application/vnd.oci.image.manifest.v1+json");
    free(type);
    reg_client_free(c);
    fake_stop(&f);
    arena_release(&a);
}

/* The registry's error codes are reported; its control characters are
 * escaped. */
static void test_error_messages(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"faults\": [{\"on\": \"blob\", \"status\": 403, \"body\": "
              "\"{\\\"errors\\\": [{\\\"code\\\": \\\"DENIED\\\", \\\"message\\\": "
              "\\\"no\\\\u001b[31m\\\\nway\\\"}, {\\\"code\\\": \\\"TOOMANY\\\"}]}\"}]");
    reg_client *c = client(&f, &a);
    char *err = NULL;
    assert_false(manifest(c, "missing", 1 << 20, NULL, &err));
    char want[128];
    snprintf(want, sizeof(want), "127.0.0.1:%d: manifest team/app:missing: HTTP 404 "
             "(MANIFEST_UNKNOWN: manifest unknown)", f.port);
    assert_string_equal(err, want);
    free(err);
    sink s;
    assert_false(stream(c, (int64_t)blob_size, &s, &err));
    assert_non_null(strstr(err, "HTTP 403 (DENIED: no\\x1b[31m\\x0away; TOOMANY)"));
    for (const char *p = err; *p; p++)
        assert_true((unsigned char)*p >= 0x20);
    free(err);
    reg_client_free(c);
    fake_stop(&f);
    arena_release(&a);
}

/* Plain HTTP only when TLS verification is off. */
static void test_plain_http(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "");
    reg_ref r = h_ref(&f, &a, "team/app");
    reg_options o = REG_OPTIONS_INIT;
    o.connect_timeout_ms = 3000;
    char *err = NULL;
    assert_null(reg_client_new(&r, &o, &err));
    assert_non_null(strstr(err, "cannot reach the registry"));
    assert_non_null(strstr(err, "plain HTTP is tried only when TLS verification is off"));
    free(err);
    assert_int_equal(fake_count(&f, "\"kind\"", NULL), 0);
    o.tls_verify = false;
    reg_client *c = reg_client_new(&r, &o, &err);
    if (!c)
        fail_msg("%s", err);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"ping\"", NULL), 1);
    fake_stop(&f);
    /* Nothing listening: a clear error after the retries. */
    o.max_retries = 1;
    err = NULL;
    assert_null(reg_client_new(&r, &o, &err));
    assert_non_null(strstr(err, "cannot reach the registry"));
    free(err);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_500_then_success, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_5xx_gives_up, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_429_retry_after, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_resume_with_range, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_no_range_support, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_redirect_without_credentials, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_enormous_manifest, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_blob_larger_than_size, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_stall, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_silent_server, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_stalled_blob_resumes, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_consumer_abort, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_digests, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_schema1_and_media_types, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_error_messages, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_plain_http, h_setup, h_teardown),
    };
    return cmocka_run_group_tests(tests, h_setup_group, h_teardown_group);
}
