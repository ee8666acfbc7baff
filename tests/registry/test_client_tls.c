/*
 * TLS: a registry with a certificate from a private authority, trusted
 * through a certs.d directory (given, or found under the default places);
 * a client certificate; unverified TLS when verification is off. The
 * certificates are made at test time with the openssl command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "client_harness.h"

#define MANIFEST "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\"}"

static char pki[200];
static char blob_digest[DIGEST_MAX + 1];

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    char full[2400];
    snprintf(full, sizeof(full), "cd '%s' && { %s; } >/dev/null 2>&1", pki, cmd);
    if (system(full) != 0) {
        fprintf(stderr, "failed: %s\n", cmd);
        abort();
    }
}

#define EC "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

/* A CA, a server certificate for 127.0.0.1 and a client certificate it
 * signed; another CA that signed nothing; certs.d directories. */
static int setup_group(void **state)
{
    if (h_setup_group(state) != 0)
        return -1;
    snprintf(pki, sizeof(pki), "%s/pki", h_root);
    mkdir(pki, 0700);
    run("openssl req -x509 " EC " -keyout ca.key -out ca.crt -days 2 -subj /CN=bosun-test-ca");
    run("openssl req -x509 " EC " -keyout other.key -out other.crt -days 2 -subj /CN=other-ca");
    run("printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > san.ext");
    run("openssl req " EC " -keyout server.key -out server.csr -subj /CN=127.0.0.1");
    run("openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out server.crt -days 2 -extfile san.ext");
    run("openssl req " EC " -keyout client.key -out client.csr -subj /CN=bosun-client");
    run("openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out client.crt -days 2");
    run("mkdir ca-only with-client key-only other-ca && cp ca.crt ca-only/ && "
        "cp ca.crt with-client/ && cp client.crt with-client/client.cert && "
        "cp client.key with-client/client.key && cp ca.crt key-only/ && "
        "cp client.key key-only/client.key && cp other.crt other-ca/");
    return 0;
}

/* team/app over TLS; the server asks for a client certificate signed by
 * the test CA when `client_ca`. */
static void start(fake *f, bool client_ca, const char *more)
{
    const char *path = h_blob("blob", 5000, 1, blob_digest, NULL);
    char *m = h_quote(MANIFEST);
    char client[300] = "";
    if (client_ca)
        snprintf(client, sizeof(client), ", \"client_ca\": \"%s/ca.crt\"", pki);
    char members[4096];
    snprintf(members, sizeof(members),
             "\"repo\": \"team/app\", \"manifests\": {\"v1\": {\"body\": %s}},"
             " \"blobs\": {\"%s\": \"%s\"},"
             " \"tls\": {\"cert\": \"%s/server.crt\", \"key\": \"%s/server.key\"%s}%s%s",
             m, blob_digest, path, pki, pki, client, *more ? ", " : "", more);
    free(m);
    fake_start(f, members);
}

static char *dir(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof(buf), "%s/%s", pki, name);
    return buf;
}

/* The client for `o`, and a manifest and a blob through it. */
static bool try_fetch(const fake *f, arena *a, const reg_options *o, char **err)
{
    reg_ref r = h_ref(f, a, "team/app");
    reg_client *c = reg_client_new(&r, o, err);
    if (!c)
        return false;
    char *data, *type;
    size_t len;
    char digest[DIGEST_MAX + 1];
    bool ok = reg_get_manifest(c, "v1", 1 << 20, &data, &len, &type, digest, err);
    if (ok) {
        free(data);
        free(type);
        ok = reg_get_blob(c, blob_digest, 5000, &data, &len, err);
        if (ok)
            free(data);
    }
    reg_client_free(c);
    return ok;
}

static reg_options verified(void)
{
    reg_options o = REG_OPTIONS_INIT;
    o.connect_timeout_ms = 3000;
    o.max_retries = 1;
    return o;
}

static void test_private_ca(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, false, "");
    reg_options o = verified();
    o.cert_dir = dir("ca-only");
    char *err = NULL;
    if (!try_fetch(&f, &a, &o, &err))
        fail_msg("%s", err);
    assert_int_equal(fake_count(&f, "\"blob\"", NULL), 1);
    /* Without the authority: refused, and never tried over plain HTTP. */
    o.cert_dir = NULL;
    assert_false(try_fetch(&f, &a, &o, &err));
    assert_non_null(strstr(err, "cannot reach the registry"));
    assert_non_null(strstr(err, "certificate"));
    free(err);
    /* Another authority does not do. */
    o.cert_dir = dir("other-ca");
    assert_false(try_fetch(&f, &a, &o, &err));
    assert_non_null(strstr(err, "certificate"));
    free(err);
    fake_stop(&f);
    arena_release(&a);
}

/* No cert_dir: HOST:PORT under the default certs.d places (the one under
 * HOME is the one a test can write). */
static void test_default_certs_d(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, false, "");
    char certs[300];
    snprintf(certs, sizeof(certs), "mkdir -p '%s/home/.config/containers/certs.d/127.0.0.1:%d' && "
             "cp ca.crt '%s/home/.config/containers/certs.d/127.0.0.1:%d/'",
             h_root, f.port, h_root, f.port);
    run("%s", certs);
    reg_options o = verified();
    char *err = NULL;
    if (!try_fetch(&f, &a, &o, &err))
        fail_msg("%s", err);
    run("rm -rf '%s/home/.config/containers/certs.d'", h_root);
    fake_stop(&f);
    arena_release(&a);
}

/* TLS verification off: an unknown authority is accepted. */
static void test_unverified(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, false, "");
    reg_options o = verified();
    o.tls_verify = false;
    char *err = NULL;
    if (!try_fetch(&f, &a, &o, &err))
        fail_msg("%s", err);
    fake_stop(&f);
    arena_release(&a);
}

static void test_client_certificate(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, true, "");
    reg_options o = verified();
    o.cert_dir = dir("with-client");
    char *err = NULL;
    if (!try_fetch(&f, &a, &o, &err))
        fail_msg("%s", err);
    o.cert_dir = dir("ca-only");
    assert_false(try_fetch(&f, &a, &o, &err));
    free(err);
    fake_stop(&f);
    arena_release(&a);
}

static void test_broken_cert_dirs(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, false, "");
    reg_options o = verified();
    o.cert_dir = dir("key-only");
    char *err = NULL;
    assert_false(try_fetch(&f, &a, &o, &err));
    assert_non_null(strstr(err, "certificates: missing client certificate"));
    assert_non_null(strstr(err, "key-only/client.cert for key"));
    free(err);
    o.cert_dir = dir("no-such-dir");
    assert_false(try_fetch(&f, &a, &o, &err));
    assert_non_null(strstr(err, "no-such-dir: No such file or directory"));
    free(err);
    run("printf 'not a certificate' > bad.crt && mkdir bad && mv bad.crt bad/");
    o.cert_dir = dir("bad");
    assert_false(try_fetch(&f, &a, &o, &err));
    assert_non_null(strstr(err, "bad.crt: no PEM certificate in it"));
    free(err);
    /* None of these reached the registry. */
    assert_int_equal(fake_count(&f, "\"kind\"", NULL), 0);
    fake_stop(&f);
    arena_release(&a);
}

/* Blob storage behind a redirect to plain HTTP: refused while TLS is
 * verified (the bytes could be changed on the way, and a digest checked
 * later would only say so after the scan), followed when it is off. */
static void test_no_downgrade_on_redirect(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake store, f;
    char more[512];
    const char *path = h_blob("blob", 5000, 1, blob_digest, NULL);
    snprintf(more, sizeof(more), "\"serve_any\": \"%s\"", path);
    fake_start(&store, more);
    snprintf(more, sizeof(more),
             "\"faults\": [{\"on\": \"blob\", \"times\": 10,"
             " \"redirect\": \"http://127.0.0.1:%d/store\"}]", store.port);
    start(&f, false, more);
    reg_options o = verified();
    o.cert_dir = dir("ca-only");
    char *err = NULL;
    assert_false(try_fetch(&f, &a, &o, &err));
    assert_non_null(strstr(err, "redirected from HTTPS to plain HTTP"));
    free(err);
    assert_int_equal(fake_count(&store, "\"kind\"", NULL), 0);
    o.tls_verify = false;
    if (!try_fetch(&f, &a, &o, &err))
        fail_msg("%s", err);
    assert_int_equal(fake_count(&store, "\"store\"", NULL), 1);
    fake_stop(&f);
    fake_stop(&store);
    arena_release(&a);
}

/* Bearer over HTTPS: the token server (HTTPS too) gets the credentials. */
static void test_bearer_over_tls(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fake f;
    start(&f, false, "\"auth\": \"bearer\", \"user\": \"u\", \"password\": \"p\"");
    reg_options o = verified();
    o.cert_dir = dir("ca-only");
    o.username = "u";
    o.password = "p";
    char *err = NULL;
    if (!try_fetch(&f, &a, &o, &err))
        fail_msg("%s", err);
    assert_int_equal(fake_count(&f, "\"token\"", "Basic dTpw"), 1);
    fake_stop(&f);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_private_ca, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_default_certs_d, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_unverified, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_no_downgrade_on_redirect, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_client_certificate, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_broken_cert_dirs, h_setup, h_teardown),
        cmocka_unit_test_setup_teardown(test_bearer_over_tls, h_setup, h_teardown),
    };
    return cmocka_run_group_tests(tests, setup_group, h_teardown_group);
}
