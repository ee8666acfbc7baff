/*
 * The client against a scripted registry: anonymous access, Basic,
 * Bearer tokens (scope, credentials to the token server, reuse, renewal
 * on 401, identity tokens), wrong credentials, credentials from an auth
 * file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include "client_harness.h"
#include "registry/base64.h"

#define MANIFEST                                                               \
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," \
    "\"config\":{},\"layers\":[]}"

static char blob_digest[DIGEST_MAX + 1];
static const size_t blob_size = 100000;

/* The repository team/app with manifest v1 and one blob, plus `more`. */
static void start(fake *f, const char *more)
{
    const char *path = h_blob("blob", blob_size, 7, blob_digest, NULL);
    char *m = h_quote(MANIFEST);
    char members[4096];
    snprintf(members, sizeof(members),
             "\"repo\": \"team/app\", \"manifests\": {\"v1\": {\"body\": %s}},"
             " \"blobs\": {\"%s\": \"%s\"}%s%s",
             m, blob_digest, path, *more ? ", " : "", more);
    free(m);
    fake_start(f, members);
}

static void manifest_digest(char out[DIGEST_MAX + 1])
{
    hasher *h = hasher_new("sha256:");
    hasher_update(h, MANIFEST, strlen(MANIFEST));
    hasher_final(h, out);
    hasher_free(h);
}

/* Fetch v1, by tag then by digest, the blob in memory and streamed; all
 * must succeed and be exact. */
static void fetch_all(reg_client *c)
{
    char *data, *type, *err = NULL;
    size_t len;
    char digest[DIGEST_MAX + 1], want[DIGEST_MAX + 1];
    manifest_digest(want);
    if (!reg_get_manifest(c, "v1", 1 << 20, &data, &len, &type, digest, &err))
        fail_msg("manifest: %s", err);
    assert_int_equal(len, strlen(MANIFEST));
    assert_memory_equal(data, MANIFEST, len);
    assert_string_equal(type, "application/vnd.oci.image.manifest.v1+json");
    assert_string_equal(digest, want);
    free(data);
    free(type);
    if (!reg_get_manifest(c, want, 1 << 20, &data, &len, &type, digest, &err))
        fail_msg("manifest by digest: %s", err);
    assert_string_equal(digest, want);
    free(data);
    free(type);

    if (!reg_get_blob(c, blob_digest, blob_size, &data, &len, &err))
        fail_msg("blob: %s", err);
    assert_int_equal(len, blob_size);
    free(data);

    sink s = {0};
    if (!reg_fetch_blob(c, blob_digest, (int64_t)blob_size, sink_piece, &s, &err))
        fail_msg("streamed blob: %s", err);
    assert_int_equal(s.len, blob_size);
    unsigned char *want_bytes;
    char d2[DIGEST_MAX + 1];
    h_blob("blob-copy", blob_size, 7, d2, &want_bytes);
    assert_memory_equal(s.data, want_bytes, blob_size);
    free(want_bytes);
    free(s.data);
}

static reg_client *client(const fake *f, arena *a, reg_options *o)
{
    reg_ref r = h_ref(f, a, "team/app");
    char *err = NULL;
    reg_client *c = reg_client_new(&r, o, &err);
    if (!c)
        fail_msg("client: %s", err);
    return c;
}

static void test_anonymous(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "");
    reg_options o = h_options();
    reg_client *c = client(&f, &a, &o);
    fetch_all(c);
    reg_client_free(c);
    /* The manifest was asked for with the four schema 2 / OCI types. */
    assert_int_equal(fake_count(&f, "\"manifest\"",
                                "application/vnd.oci.image.index.v1+json, "
                                "application/vnd.oci.image.manifest.v1+json, "
                                "application/vnd.docker.distribution.manifest.list.v2+json, "
                                "application/vnd.docker.distribution.manifest.v2+json"),
                     2);
    assert_int_equal(fake_count(&f, "\"authorization\": null", NULL),
                     fake_count(&f, "\"kind\"", NULL));
    fake_stop(&f);
    arena_release(&a);
}

static void test_basic(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"auth\": \"basic\", \"user\": \"alice\", \"password\": \"s3cret-pw\"");
    reg_options o = h_options();
    o.username = "alice";
    o.password = "s3cret-pw";
    reg_client *c = client(&f, &a, &o);
    fetch_all(c);
    reg_client_free(c);
    /* The ping is anonymous; then every request carries the credentials. */
    assert_int_equal(fake_count(&f, "\"ping\"", "\"authorization\": null"), 1);
    assert_int_equal(fake_count(&f, "\"manifest\"", "Basic YWxpY2U6czNjcmV0LXB3"), 2);
    assert_int_equal(fake_count(&f, "\"blob\"", "Basic YWxpY2U6czNjcmV0LXB3"), 2);
    assert_int_equal(fake_count(&f, "\"blob\"", "\"authorization\": null"), 0);
    fake_stop(&f);
    arena_release(&a);
}

static void test_basic_without_credentials(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"auth\": \"basic\", \"user\": \"alice\", \"password\": \"pw\"");
    reg_options o = h_options();
    reg_client *c = client(&f, &a, &o);
    char *data, *type, *err = NULL;
    size_t len;
    char digest[DIGEST_MAX + 1];
    assert_false(reg_get_manifest(c, "v1", 1 << 20, &data, &len, &type, digest, &err));
    assert_non_null(strstr(err, "HTTP 401"));
    assert_non_null(strstr(err, "UNAUTHORIZED"));
    assert_non_null(strstr(err, "no credentials found for 127.0.0.1:"));
    assert_non_null(strstr(err, "manifest team/app:v1"));
    free(err);
    reg_client_free(c);
    fake_stop(&f);
    arena_release(&a);
}

static void test_basic_wrong_password(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"auth\": \"basic\", \"user\": \"alice\", \"password\": \"right\"");
    reg_options o = h_options();
    o.username = "alice";
    o.password = "Wr0ng-Passw0rd";
    reg_client *c = client(&f, &a, &o);
    sink s = {0};
    char *err = NULL;
    assert_false(reg_fetch_blob(c, blob_digest, (int64_t)blob_size, sink_piece, &s, &err));
    assert_non_null(strstr(err, "HTTP 401"));
    assert_non_null(strstr(err, "refused the credentials (credentials from the given"));
    assert_null(strstr(err, "Wr0ng-Passw0rd"));
    assert_int_equal(s.len, 0);
    free(err);
    reg_client_free(c);
    fake_stop(&f);
    arena_release(&a);
}

static void test_bearer(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"auth\": \"bearer\", \"user\": \"bob\", \"password\": \"tok-pw\"");
    reg_options o = h_options();
    o.username = "bob";
    o.password = "tok-pw";
    reg_client *c = client(&f, &a, &o);
    fetch_all(c);
    fetch_all(c);
    reg_client_free(c);
    /* One token for the run, asked for with the service, the pull scope,
     * the account and Basic credentials; sent as Bearer to the registry. */
    assert_int_equal(fake_count(&f, "\"token\"", NULL), 1);
    assert_int_equal(fake_count(&f, "\"token\"",
                                "\"query\": {\"service\": [\"fake-registry\"], "
                                "\"scope\": [\"repository:team/app:pull\"], "
                                "\"account\": [\"bob\"]}"),
                     1);
    assert_int_equal(fake_count(&f, "\"token\"", "Basic Ym9iOnRvay1wdw=="), 1);
    assert_int_equal(fake_count(&f, "\"blob\"", "Bearer tok-1-"), 4);
    assert_int_equal(fake_count(&f, "\"manifest\"", "Bearer tok-1-"), 4);
    fake_stop(&f);
    arena_release(&a);
}

/* Public repositories: an anonymous token, no credentials anywhere. */
static void test_bearer_anonymous(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"auth\": \"bearer\", \"anonymous_tokens\": true, \"token_field\": "
              "\"access_token\", \"expires_in\": 3600");
    reg_options o = h_options();
    reg_client *c = client(&f, &a, &o);
    fetch_all(c);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"token\"", "\"authorization\": null"), 1);
    fake_stop(&f);
    arena_release(&a);
}

/* A token that stops working is renewed once and the request made again. */
static void test_bearer_renewed_on_401(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"auth\": \"bearer\", \"anonymous_tokens\": true,"
              " \"faults\": [{\"on\": \"blob\", \"revoke_tokens\": true}]");
    reg_options o = h_options();
    reg_client *c = client(&f, &a, &o);
    fetch_all(c);
    reg_client_free(c);
    assert_int_equal(fake_count(&f, "\"token\"", NULL), 2);
    assert_int_equal(fake_count(&f, "\"blob\"", "Bearer tok-1-"), 1);
    assert_int_equal(fake_count(&f, "\"blob\"", "Bearer tok-2-"), 2);
    fake_stop(&f);
    arena_release(&a);
}

static void test_bearer_wrong_password(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"auth\": \"bearer\", \"user\": \"bob\", \"password\": \"right\","
              " \"echo_password\": true");
    reg_options o = h_options();
    o.username = "bob";
    o.password = "Wr0ng-Passw0rd";
    reg_client *c = client(&f, &a, &o);
    char *data, *type, *err = NULL;
    size_t len;
    char digest[DIGEST_MAX + 1];
    assert_false(reg_get_manifest(c, "v1", 1 << 20, &data, &len, &type, digest, &err));
    /* The token server's 401 (whose message repeats the password) is
     * reported, the password blanked out of it. */
    assert_non_null(strstr(err, "token server: HTTP 401 (UNAUTHORIZED: authentication "
                                "failed for password ****"));
    assert_non_null(strstr(err, "(credentials from the given credentials)"));
    assert_null(strstr(err, "Wr0ng-Passw0rd"));
    free(err);
    reg_client_free(c);
    /* Not retried: a wrong password stays wrong. */
    assert_int_equal(fake_count(&f, "\"token\"", NULL), 1);
    fake_stop(&f);
    arena_release(&a);
}

/* Credentials from an auth file; an identity token goes as an OAuth2
 * refresh token. */
static void test_auth_file_identity_token(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"auth\": \"bearer\", \"refresh_token\": \"refresh-me-123\"");
    char path[200], text[512];
    snprintf(path, sizeof(path), "%s/run/containers/auth.json", h_root);
    snprintf(text, sizeof(text),
             "{\"auths\": {\"127.0.0.1:%d/team\": {\"identitytoken\": \"refresh-me-123\"}}}",
             f.port);
    h_write(path, text, strlen(text));
    reg_options o = h_options();
    reg_client *c = client(&f, &a, &o);
    fetch_all(c);
    reg_client_free(c);
    unlink(path);
    assert_int_equal(fake_count(&f, "\"token\"", "\"method\": \"POST\""), 1);
    assert_int_equal(fake_count(&f, "\"token\"", "\"grant_type\": [\"refresh_token\"]"), 1);
    assert_int_equal(fake_count(&f, "\"token\"", "\"refresh_token\": [\"refresh-me-123\"]"), 1);
    assert_int_equal(fake_count(&f, "\"token\"", "\"client_id\": [\"bosun\"]"), 1);
    /* The token is not in the URL. */
    assert_int_equal(fake_count(&f, "\"path\": \"/token?", "refresh-me"), 0);
    fake_stop(&f);
    arena_release(&a);
}

static void test_auth_file_basic(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"auth\": \"basic\", \"user\": \"carol\", \"password\": \"from-file\"");
    char path[200], text[512];
    snprintf(path, sizeof(path), "%s/docker/config.json", h_root);
    /* carol:from-file */
    snprintf(text, sizeof(text),
             "{\"auths\": {\"https://127.0.0.1:%d\": {\"auth\": \"Y2Fyb2w6ZnJvbS1maWxl\"}}}",
             f.port);
    h_write(path, text, strlen(text));
    reg_options o = h_options();
    reg_client *c = client(&f, &a, &o);
    fetch_all(c);
    reg_client_free(c);
    unlink(path);
    fake_stop(&f);
    arena_release(&a);
}

/* Registries and token servers that repeat the Authorization header they
 * got in their errors: the password, its Basic encoding and the token are
 * blanked out of every message. */
static void assert_no_secret(const char *err, const char *user, const char *password)
{
    char pair[128];
    snprintf(pair, sizeof(pair), "%s:%s", user, password);
    char *basic = b64_encode(pair, strlen(pair));
    if (strstr(err, password) || strstr(err, basic) || strstr(err, "tok-"))
        fail_msg("a secret in: %s", err);
    free(basic);
}

static void test_no_secret_in_errors(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    char *data, *type, *err = NULL;
    size_t len;
    char digest[DIGEST_MAX + 1], missing[DIGEST_MAX + 1];
    h_blob("missing", 10, 99, missing, NULL);

    /* Basic: the registry's 401 repeats the credentials. */
    start(&f, "\"auth\": \"basic\", \"user\": \"bob\", \"password\": \"right\","
              " \"echo_authorization\": true");
    reg_options o = h_options();
    o.username = "bob";
    o.password = "Wr0ng-Passw0rd";
    reg_client *c = client(&f, &a, &o);
    assert_false(reg_get_manifest(c, "v1", 1 << 20, &data, &len, &type, digest, &err));
    assert_non_null(strstr(err, "(Authorization: Basic ****"));
    assert_no_secret(err, o.username, o.password);
    free(err);
    reg_client_free(c);
    fake_stop(&f);

    /* Bearer: the token server's 401 repeats the Basic credentials. */
    start(&f, "\"auth\": \"bearer\", \"user\": \"bob\", \"password\": \"right\","
              " \"echo_authorization\": true");
    c = client(&f, &a, &o);
    assert_false(reg_get_manifest(c, "v1", 1 << 20, &data, &len, &type, digest, &err));
    assert_non_null(strstr(err, "token server: HTTP 401"));
    assert_non_null(strstr(err, "(Authorization: Basic ****"));
    assert_no_secret(err, o.username, o.password);
    free(err);
    reg_client_free(c);

    /* Bearer: the registry's 404 repeats the token. */
    o.password = "right";
    c = client(&f, &a, &o);
    assert_false(reg_get_blob(c, missing, 10, &data, &len, &err));
    assert_non_null(strstr(err, "HTTP 404 (BLOB_UNKNOWN"));
    assert_non_null(strstr(err, "(Authorization: Bearer ****"));
    assert_no_secret(err, o.username, o.password);
    free(err);
    reg_client_free(c);
    fake_stop(&f);
    arena_release(&a);
}

/* Several threads on one client: one token, every byte right. */
typedef struct job {
    reg_client *c;
    bool ok;
    char *err;
} job;

static void *fetch_thread(void *arg)
{
    job *j = arg;
    j->ok = true;
    for (int i = 0; i < 3 && j->ok; i++) {
        sink s = {0};
        j->ok = reg_fetch_blob(j->c, blob_digest, (int64_t)blob_size, sink_piece, &s, &j->err);
        if (j->ok) {
            hasher *h = hasher_new("sha256:");
            hasher_update(h, s.data, s.len);
            char d[DIGEST_MAX + 1];
            hasher_final(h, d);
            hasher_free(h);
            j->ok = strcmp(d, blob_digest) == 0;
        }
        free(s.data);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, "\"auth\": \"bearer\", \"anonymous_tokens\": true,"
              " \"faults\": [{\"on\": \"blob\", \"times\": 2, \"revoke_tokens\": true}]");
    reg_options o = h_options();
    reg_client *c = client(&f, &a, &o);
    pthread_t t[4];
    job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (job){c, false, NULL};
        pthread_create(&t[i], NULL, fetch_thread, &jobs[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        if (!jobs[i].ok)
            fail_msg("thread %d: %s", i, jobs[i].err ? jobs[i].err : "wrong bytes");
    }
    reg_client_free(c);
    /* A token per revocation at most, however many threads saw it fail. */
    assert_in_range(fake_count(&f, "\"token\"", NULL), 2, 3);
    assert_int_equal(fake_count(&f, "\"blob\"", "\"authorization\": null"), 0);
    fake_stop(&f);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_anonymous, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_basic, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_basic_without_credentials, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_basic_wrong_password, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_bearer, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_bearer_anonymous, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_bearer_renewed_on_401, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_bearer_wrong_password, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_auth_file_identity_token, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_auth_file_basic, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_no_secret_in_errors, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_threads, h_setup, h_teardown),
    };
    return cmocka_run_group_tests(tests, h_setup_group, h_teardown_group);
}
