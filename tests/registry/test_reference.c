/* References as distribution/reference reads them (ParseNormalizedNamed),
 * with the cases of its own tests in mind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "registry/reference.h"
#include "registry/registry.h"
#include "test_arena.h"

#define HEX64 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define HEX128 HEX64 HEX64

typedef struct good_case {
    const char *in;
    const char *domain, *path, *tag, *digest;
} good_case;

static const good_case good[] = {
    /* Docker Hub and its defaults. */
    {"alpine", "docker.io", "library/alpine", NULL, NULL},
    {"alpine:3.20", "docker.io", "library/alpine", "3.20", NULL},
    {"docker/docker", "docker.io", "docker/docker", NULL, NULL},
    {"library/debian", "docker.io", "library/debian", NULL, NULL},
    {"docker.io/debian", "docker.io", "library/debian", NULL, NULL},
    {"docker.io/library/debian", "docker.io", "library/debian", NULL, NULL},
    {"index.docker.io/debian", "docker.io", "library/debian", NULL, NULL},
    {"index.docker.io/docker/docker", "docker.io", "docker/docker", NULL, NULL},
    {"library/foo/bar", "docker.io", "library/foo/bar", NULL, NULL},
    {"other/library", "docker.io", "other/library", NULL, NULL},
    {"ubuntu-12.04-base", "docker.io", "library/ubuntu-12.04-base", NULL, NULL},
    /* The "library/" prefix is Docker Hub's only. */
    {"localhost/debian", "localhost", "debian", NULL, NULL},
    {"localhost/library/debian", "localhost", "library/debian", NULL, NULL},
    {"example.com/privatebase", "example.com", "privatebase", NULL, NULL},
    {"127.0.0.1:8000/privatebase", "127.0.0.1:8000", "privatebase", NULL, NULL},
    /* Registry-1 is not renamed: it is not written by users. */
    {"registry-1.docker.io/foo", "registry-1.docker.io", "foo", NULL, NULL},
    /* A first component with '.' or ':' or upper case is a domain. */
    {"LOCALDOMAIN/debian", "LOCALDOMAIN", "debian", NULL, NULL},
    {"Docker/docker", "Docker", "docker", NULL, NULL},
    {"Foo/bar", "Foo", "bar", NULL, NULL},
    {"test:5000/repo", "test:5000", "repo", NULL, NULL},
    {"test.com/repo:tag", "test.com", "repo", "tag", NULL},
    {"sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux",
     "some-long-tag", NULL},
    {"b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io",
     "test.example.com/my-app", "test.example.com", NULL},
    {"xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com", NULL},
    /* Without a '/', a ':' starts the tag, whatever precedes it. */
    {"test.com:5000", "docker.io", "library/test.com", "5000", NULL},
    {"foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", NULL},
    {"192.168.1.1", "docker.io", "library/192.168.1.1", NULL, NULL},
    {"192.168.1.1:5000", "docker.io", "library/192.168.1.1", "5000", NULL},
    {"foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", "8080", NULL},
    {"192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050", NULL},
    /* IPv6 in brackets. */
    {"[2001:db8::1]/repo", "[2001:db8::1]", "repo", NULL, NULL},
    {"[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", "tag", NULL},
    {"[::1]:5000/repo", "[::1]:5000", "repo", NULL, NULL},
    {"[fc00:1:2:3:4:5:6:7]:5000/library/debian", "[fc00:1:2:3:4:5:6:7]:5000",
     "library/debian", NULL, NULL},
    /* Separators. */
    {"docker-rules/docker", "docker.io", "docker-rules/docker", NULL, NULL},
    {"docker---rules/docker", "docker.io", "docker---rules/docker", NULL, NULL},
    {"dock__er/docker", "docker.io", "dock__er/docker", NULL, NULL},
    {"foo/dock_er.x", "docker.io", "foo/dock_er.x", NULL, NULL},
    {"d/docker", "docker.io", "d/docker", NULL, NULL},
    {"jess/t", "docker.io", "jess/t", NULL, NULL},
    /* Tags: upper case allowed, 128 characters. */
    {"lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase", NULL},
    {"a:_x.y-Z", "docker.io", "library/a", "_x.y-Z", NULL},
    /* Digests, and a tag with a digest. */
    {"test:5000/repo@sha256:" HEX64, "test:5000", "repo", NULL, "sha256:" HEX64},
    {"test:5000/repo:tag@sha256:" HEX64, "test:5000", "repo", "tag", "sha256:" HEX64},
    {"busybox:latest@sha256:" HEX64, "docker.io", "library/busybox", "latest",
     "sha256:" HEX64},
    {"x@sha512:" HEX128, "docker.io", "library/x", NULL, "sha512:" HEX128},
    /* Not an identifier once it has a domain. */
    {"docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
     "docker.io",
     "library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", NULL,
     NULL},
    {"thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "docker.io",
     "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", NULL,
     NULL},
};

static void test_valid(void **state)
{
    arena *a = *state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        const good_case *g = &good[i];
        reg_ref r;
        const char *err = NULL;
        if (!reg_ref_parse(a, g->in, &r, &err))
            fail_msg("%s: %s", g->in, err);
        assert_string_equal(r.domain, g->domain);
        assert_string_equal(r.path, g->path);
        if (g->tag)
            assert_string_equal(r.tag, g->tag);
        else
            assert_null(r.tag);
        if (g->digest)
            assert_string_equal(r.digest, g->digest);
        else
            assert_null(r.digest);
    }
}

typedef struct bad_case {
    const char *in;
    const char *why; /* a piece of the message */
} bad_case;

static const bad_case bad[] = {
    {"", "invalid reference format"},
    {":justtag", "invalid reference format"},
    {"@sha256:" HEX64, "invalid reference format"},
    {"https://github.com/docker/docker", "invalid reference format"},
    /* Upper case in the path: distribution's own message. */
    {"Uppercase:tag", "repository name (Uppercase) must be lowercase"},
    {"docker/Docker", "repository name (docker/Docker) must be lowercase"},
    {"test:5000/Uppercase/lowercase:tag", "must be lowercase"},
    {"docker.io/docker/Docker", "must be lowercase"},
    /* Separators. */
    {"-docker", "invalid reference format"},
    {"-docker/docker", "invalid reference format"},
    {"docker-/docker", "invalid reference format"},
    {"-docker-/docker", "invalid reference format"},
    {"____/____", "invalid reference format"},
    {"_docker/_docker", "invalid reference format"},
    {"dock..er/docker", "invalid reference format"},
    {"dock_.er/docker", "invalid reference format"},
    {"dock-.er/docker", "invalid reference format"},
    {"dock___er/docker", "invalid reference format"},
    {"docker///docker", "invalid reference format"},
    {"docker.io/docker///docker", "invalid reference format"},
    {"docker/", "invalid reference format"},
    {"aa/asdf$$^/aa", "invalid reference format"},
    {"-docker.io/docker/docker", "invalid reference format"},
    /* Domains. */
    {"[fc00::1]", "invalid reference format"},
    {"[fc00::1]:5000", "invalid reference format"},
    {"[2001:db8::1]:tag", "invalid reference format"},
    {"fc00::1:5000/debian", "invalid reference format"},
    {"[fe80::1%eth0]:5000/debian", "invalid reference format"},
    {"[2001:db8:3:4::192.0.2.33]:5000/debian", "invalid reference format"},
    {"test:50a0/repo", "invalid reference format"},
    {"foo_bar.com/repo", "invalid reference format"},
    /* An image ID is not a name. */
    {"1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
     "cannot specify 64-byte hexadecimal strings"},
    /* Tags. */
    {"a:-x", "malformed tag"},
    {"a:.x", "malformed tag"},
    {"a:", "malformed tag"},
    {"a:x/y", "invalid reference format"},
    /* Digests: go-digest's reasons. */
    {"repo@sha256:ffffffffffffffffffffffffffffffffff", "invalid checksum digest length"},
    {"validname@invaliddigest:" HEX64, "unsupported digest algorithm"},
    {"validname@sha384:" HEX64 "ffffffffffffffffffffffffffffffff",
     "unsupported digest algorithm"},
    {"repo@sha256:FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
     "invalid checksum digest format"},
    {"repo@sha256:" HEX64 "@sha256:" HEX64, "malformed digest"},
    {"repo@sha256", "malformed digest"},
    {"repo@sha256:abc", "malformed digest"},
    {"repo:tag:tag", "malformed tag"},
};

static void test_invalid(void **state)
{
    arena *a = *state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        reg_ref r;
        const char *err = NULL;
        if (reg_ref_parse(a, bad[i].in, &r, &err))
            fail_msg("%s: accepted as %s", bad[i].in, reg_ref_string(a, &r));
        assert_non_null(err);
        if (!strstr(err, bad[i].why))
            fail_msg("%s: \"%s\" does not say \"%s\"", bad[i].in, err, bad[i].why);
    }
}

/* Tags of 128 characters, not 129. */
static void test_tag_length(void **state)
{
    arena *a = *state;
    char in[300];
    reg_ref r;
    const char *err;
    strcpy(in, "repo:");
    memset(in + 5, 'a', 128);
    in[5 + 128] = '\0';
    assert_true(reg_ref_parse(a, in, &r, &err));
    assert_int_equal(strlen(r.tag), 128);
    strcat(in, "a");
    assert_false(reg_ref_parse(a, in, &r, &err));
}

/* The path (not the domain) may have 255 characters; Docker Hub's
 * "library/" prefix counts. */
static void test_name_length(void **state)
{
    arena *a = *state;
    char in[600];
    reg_ref r;
    const char *err;

    snprintf(in, sizeof(in), "example.com/%0255d:tag", 0);
    memset(in + 12, 'a', 255);
    assert_true(reg_ref_parse(a, in, &r, &err));
    assert_int_equal(strlen(r.path), 255);

    snprintf(in, sizeof(in), "domain/%0256d:tag", 0);
    memset(in + 7, 'a', 256);
    assert_false(reg_ref_parse(a, in, &r, &err));
    assert_string_equal(err, "repository name must not be more than 255 characters");

    /* 127 components "a/" then "a": 255 characters, no domain. */
    size_t n = 0;
    for (int i = 0; i < 127; i++) {
        in[n++] = 'a';
        in[n++] = '/';
    }
    strcpy(in + n, "a:tag-puts-this-over-max");
    assert_true(reg_ref_parse(a, in, &r, &err));
    assert_int_equal(strlen(r.path), 255);

    /* 248 characters: 256 with "library/". */
    memset(in, 'a', 248);
    in[248] = '\0';
    assert_false(reg_ref_parse(a, in, &r, &err));
    in[247] = '\0';
    assert_true(reg_ref_parse(a, in, &r, &err));
    assert_int_equal(strlen(r.path), 255);
}

static void test_string(void **state)
{
    arena *a = *state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"alpine", "docker.io/library/alpine"},
        {"alpine:3.20", "docker.io/library/alpine:3.20"},
        {"index.docker.io/x/y:1", "docker.io/x/y:1"},
        {"busybox:latest@sha256:" HEX64, "docker.io/library/busybox:latest@sha256:" HEX64},
        {"[::1]:5000/r@sha256:" HEX64, "[::1]:5000/r@sha256:" HEX64},
        {"localhost:5000/a/b", "localhost:5000/a/b"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        reg_ref r;
        const char *err;
        assert_true(reg_ref_parse(a, cases[i].in, &r, &err));
        assert_string_equal(reg_ref_string(a, &r), cases[i].out);
        /* The display form reads back as the same reference. */
        reg_ref again;
        assert_true(reg_ref_parse(a, reg_ref_string(a, &r), &again, &err));
        assert_string_equal(reg_ref_string(a, &again), cases[i].out);
    }
}

static void test_api_host(void **state)
{
    (void)state;
    assert_string_equal(reg_api_host("docker.io"), "registry-1.docker.io");
    assert_string_equal(reg_api_host("ghcr.io"), "ghcr.io");
    assert_string_equal(reg_api_host("127.0.0.1:5000"), "127.0.0.1:5000");
}

static void test_digest_valid(void **state)
{
    (void)state;
    const char *why;
    assert_true(reg_digest_valid("sha256:" HEX64, &why));
    assert_true(reg_digest_valid("sha512:" HEX128, &why));
    assert_false(reg_digest_valid("sha256:" HEX64 "f", &why));
    assert_string_equal(why, "invalid checksum digest length");
    assert_false(reg_digest_valid("sha256:../../etc/passwd", &why));
    assert_false(reg_digest_valid("sha256", &why));
    assert_false(reg_digest_valid("", &why));
    assert_false(reg_digest_valid("md5:ffffffffffffffffffffffffffffffff", &why));
    assert_string_equal(why, "unsupported digest algorithm");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tag_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string, setup, teardown),
        cmocka_unit_test(test_api_host),
        cmocka_unit_test(test_digest_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
