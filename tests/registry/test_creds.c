/*
 * Where credentials are found: explicit ones, then the auth files of the
 * containers tools and Docker, with their key forms and credential
 * helpers. Each test runs in a fresh HOME with its own DOCKER_CONFIG,
 * XDG_RUNTIME_DIR, XDG_CONFIG_HOME and PATH, and a fake
 * docker-credential-bosuntest on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "registry/base64.h"
#include "registry/creds.h"

typedef struct env {
    char root[64];
    char home[128], runtime[128], config[128], docker[128], bin[128], log[128];
} env;

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* The fake helper: what it does is chosen by $BOSUNTEST_MODE; it records
 * its stdin and arguments, and prints a marker on stderr every time. */
static const char helper_script[] =
    "#!/bin/sh\n"
    "url=$(cat)\n"
    "printf '%s' \"$url\" > \"$BOSUNTEST_LOG/url\"\n"
    "printf '%s' \"$*\" > \"$BOSUNTEST_LOG/args\"\n"
    "echo helper-stderr-noise >&2\n"
    "case $BOSUNTEST_MODE in\n"
    "found) printf '{\"ServerURL\":\"%s\",\"Username\":\"helperuser\",\"Secret\":\"helper-secret\"}' \"$url\" ;;\n"
    "lower) printf '{\"username\":\"u2\",\"secret\":\"s2\"}' ;;\n"
    "token) printf '{\"Username\":\"<token>\",\"Secret\":\"identity-secret\"}' ;;\n"
    "notfound) echo 'credentials not found in native keychain'; exit 1 ;;\n"
    "fail) echo 'helper-secret leaked in a failure'; exit 3 ;;\n"
    "garbage) echo 'helper-secret {' ;;\n"
    "hang) exec sleep 30 ;;\n"
    "hubonly) if [ \"$url\" = docker.io ]; then printf '{\"Username\":\"u\",\"Secret\":\"s\"}'; "
    "else echo 'credentials not found'; exit 1; fi ;;\n"
    "esac\n";

static int setup(void **state)
{
    env *e = calloc(1, sizeof(*e));
    strcpy(e->root, "/tmp/bosun-creds-XXXXXX");
    assert_non_null(mkdtemp(e->root));
    snprintf(e->home, sizeof(e->home), "%s/home", e->root);
    snprintf(e->runtime, sizeof(e->runtime), "%s/run", e->root);
    snprintf(e->config, sizeof(e->config), "%s/config", e->root);
    snprintf(e->docker, sizeof(e->docker), "%s/docker", e->root);
    snprintf(e->bin, sizeof(e->bin), "%s/bin", e->root);
    snprintf(e->log, sizeof(e->log), "%s/log", e->root);
    const char *dirs[] = {e->home, e->runtime, e->config, e->docker, e->bin, e->log};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(mkdir(dirs[i], 0700), 0);
    char path[256];
    snprintf(path, sizeof(path), "%s/containers", e->runtime);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/containers", e->config);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/docker-credential-bosuntest", e->bin);
    write_file(path, helper_script, 0755);

    setenv("HOME", e->home, 1);
    setenv("XDG_RUNTIME_DIR", e->runtime, 1);
    setenv("XDG_CONFIG_HOME", e->config, 1);
    setenv("DOCKER_CONFIG", e->docker, 1);
    unsetenv("REGISTRY_AUTH_FILE");
    char p[512];
    snprintf(p, sizeof(p), "%s:/usr/bin:/bin", e->bin);
    setenv("PATH", p, 1);
    setenv("BOSUNTEST_LOG", e->log, 1);
    setenv("BOSUNTEST_MODE", "found", 1);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->root);
    assert_int_equal(system(cmd), 0);
    free(e);
    return 0;
}

static char *auth_of(const char *user_pass)
{
    return b64_encode(user_pass, strlen(user_pass));
}

/* {"auths": {"<key>": {"auth": base64(user_pass)}}} with more entries
 * given as a JSON fragment. */
static void write_auths(const char *path, const char *key, const char *user_pass,
                        const char *extra)
{
    char *a = auth_of(user_pass);
    char text[4096];
    snprintf(text, sizeof(text), "{\"auths\": {\"%s\": {\"auth\": \"%s\"}}%s%s}", key, a,
             extra ? ", " : "", extra ? extra : "");
    free(a);
    write_file(path, text, 0600);
}

static char *in(const env *e, const char *dir, const char *rel)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s",
             strcmp(dir, "run") == 0      ? e->runtime
             : strcmp(dir, "config") == 0 ? e->config
             : strcmp(dir, "docker") == 0 ? e->docker
             : strcmp(dir, "home") == 0   ? e->home
             : strcmp(dir, "log") == 0    ? e->log
                                          : e->root,
             rel);
    return buf[k];
}

static reg_creds lookup(const reg_options *o, const char *domain, const char *path)
{
    reg_creds c;
    char *err = NULL;
    if (!creds_lookup(o, domain, path, &c, &err))
        fail_msg("lookup failed: %s", err);
    return c;
}

static void expect_user(const reg_options *o, const char *domain, const char *path,
                        const char *user, const char *pass)
{
    reg_creds c = lookup(o, domain, path);
    if (!user) {
        assert_null(c.username);
        assert_null(c.identity_token);
    } else {
        if (!c.username)
            fail_msg("no credentials for %s/%s", domain, path);
        assert_string_equal(c.username, user);
        assert_string_equal(c.password, pass);
    }
    creds_wipe(&c);
}

static void test_explicit_first(void **state)
{
    env *e = *state;
    write_auths(in(e, "run", "containers/auth.json"), "reg.example", "file:pw", NULL);
    reg_options o = {.username = "me", .password = "given-pw"};
    expect_user(&o, "reg.example", "a/b", "me", "given-pw");
    /* A user name alone has an empty password (the CLI asks for it). */
    reg_options o2 = {.username = "me"};
    expect_user(&o2, "reg.example", "a/b", "me", "");
    reg_options none = {0};
    expect_user(&none, "reg.example", "a/b", "file", "pw");
}

static void test_file_order(void **state)
{
    env *e = *state;
    reg_options o = {0};
    write_auths(in(e, "docker", "config.json"), "reg.example", "docker:pw", NULL);
    expect_user(&o, "reg.example", "x", "docker", "pw");
    write_auths(in(e, "config", "containers/auth.json"), "reg.example", "xdgconfig:pw", NULL);
    expect_user(&o, "reg.example", "x", "xdgconfig", "pw");
    write_auths(in(e, "run", "containers/auth.json"), "reg.example", "runtime:pw", NULL);
    expect_user(&o, "reg.example", "x", "runtime", "pw");
    /* A file without this registry passes the turn. */
    write_auths(in(e, "run", "containers/auth.json"), "other.example", "runtime:pw", NULL);
    expect_user(&o, "reg.example", "x", "xdgconfig", "pw");
    /* ~/.docker/config.json when DOCKER_CONFIG is not set. */
    unlink(in(e, "config", "containers/auth.json"));
    unsetenv("DOCKER_CONFIG");
    char dir[256];
    snprintf(dir, sizeof(dir), "%s/.docker", e->home);
    mkdir(dir, 0700);
    write_auths(in(e, "home", ".docker/config.json"), "reg.example", "homedocker:pw", NULL);
    expect_user(&o, "reg.example", "x", "homedocker", "pw");
}

/* --authfile or $REGISTRY_AUTH_FILE: that file and no other. */
static void test_given_file_alone(void **state)
{
    env *e = *state;
    write_auths(in(e, "run", "containers/auth.json"), "reg.example", "runtime:pw", NULL);
    write_auths(in(e, "root", "given.json"), "reg.example", "given:pw", NULL);
    write_auths(in(e, "root", "env.json"), "reg.example", "env:pw", NULL);
    write_auths(in(e, "root", "empty.json"), "other.example", "x:y", NULL);
    reg_options o = {.auth_file = in(e, "root", "given.json")};
    expect_user(&o, "reg.example", "x", "given", "pw");
    setenv("REGISTRY_AUTH_FILE", in(e, "root", "env.json"), 1);
    expect_user(&o, "reg.example", "x", "given", "pw");
    reg_options none = {0};
    expect_user(&none, "reg.example", "x", "env", "pw");
    setenv("REGISTRY_AUTH_FILE", in(e, "root", "empty.json"), 1);
    expect_user(&none, "reg.example", "x", NULL, NULL);
    /* A missing given file is no credentials, not an error. */
    setenv("REGISTRY_AUTH_FILE", in(e, "root", "missing.json"), 1);
    expect_user(&none, "reg.example", "x", NULL, NULL);
}

/* The most specific key wins, as containers/image matches them. */
static void test_scoped_keys(void **state)
{
    env *e = *state;
    char *a1 = auth_of("repo:1"), *a2 = auth_of("ns:2"), *a3 = auth_of("host:3");
    char text[1024];
    snprintf(text, sizeof(text),
             "{\"auths\": {\"reg.example\": {\"auth\": \"%s\"},"
             " \"reg.example/team/app\": {\"auth\": \"%s\"},"
             " \"reg.example/team\": {\"auth\": \"%s\"}}}",
             a3, a1, a2);
    free(a1);
    free(a2);
    free(a3);
    write_file(in(e, "run", "containers/auth.json"), text, 0600);
    reg_options o = {0};
    expect_user(&o, "reg.example", "team/app", "repo", "1");
    expect_user(&o, "reg.example", "team/app/sub", "repo", "1");
    expect_user(&o, "reg.example", "team/other", "ns", "2");
    expect_user(&o, "reg.example", "teams/app", "host", "3");
    expect_user(&o, "reg.example", "x", "host", "3");
    expect_user(&o, "reg.example:5000", "team/app", NULL, NULL);
}

/* Docker's key forms: URLs, and Docker Hub's index URL. */
static void test_docker_keys(void **state)
{
    env *e = *state;
    reg_options o = {0};
    const char *cfg = in(e, "docker", "config.json");
    write_auths(cfg, "https://index.docker.io/v1/", "hub:pw", NULL);
    expect_user(&o, "docker.io", "library/alpine", "hub", "pw");
    expect_user(&o, "index.docker.io.example", "x", NULL, NULL);
    write_auths(cfg, "registry-1.docker.io", "hub1:pw", NULL);
    expect_user(&o, "docker.io", "library/alpine", "hub1", "pw");
    write_auths(cfg, "https://reg.example:5000", "url:pw", NULL);
    expect_user(&o, "reg.example:5000", "x", "url", "pw");
    expect_user(&o, "reg.example", "x", NULL, NULL);
    write_auths(cfg, "http://reg.example/v2/", "old:pw", NULL);
    expect_user(&o, "reg.example", "x", "old", "pw");
    /* A bare host with a path is a scoped key, not a URL. */
    write_auths(cfg, "reg.example/v2/", "scoped:pw", NULL);
    expect_user(&o, "reg.example", "x", NULL, NULL);
    /* An exact key beats a URL naming the same registry, wherever it is. */
    write_file(cfg,
               "{\"auths\": {\"https://reg.example\": {\"auth\": \"dXJsOnB3\"},"
               " \"reg.example\": {\"auth\": \"ZXhhY3Q6cHc=\"}}}",
               0600);
    expect_user(&o, "reg.example", "x", "exact", "pw");
}

static void test_entry_forms(void **state)
{
    env *e = *state;
    reg_options o = {0};
    const char *f = in(e, "run", "containers/auth.json");
    /* Passwords may hold ':'; NULs around them are trimmed; padding may be
     * left out; field names match in any case, as Go matches them. */
    write_file(f, "{\"Auths\": {\"r.example\": {\"AUTH\": \"dTpwOncAAA\"}}}", 0600);
    expect_user(&o, "r.example", "x", "u", "p:w");
    /* An empty entry (Docker leaves one when a helper keeps the secret)
     * and one without a ':' give nothing. */
    write_file(f, "{\"auths\": {\"r.example\": {}}}", 0600);
    expect_user(&o, "r.example", "x", NULL, NULL);
    write_file(f, "{\"auths\": {\"r.example\": {\"auth\": \"bm9jb2xvbg==\"}}}", 0600);
    expect_user(&o, "r.example", "x", NULL, NULL);
    write_file(f, "{\"auths\": {\"r.example\": {\"auth\": \"!!!\"}}}", 0600);
    expect_user(&o, "r.example", "x", NULL, NULL);
    /* A repeated key: the last entry, whole. */
    write_file(f,
               "{\"auths\": {\"r.example\": {\"auth\": \"YTpi\"},"
               " \"r.example\": {\"identitytoken\": \"tok\"}}}",
               0600);
    reg_creds c = lookup(&o, "r.example", "x");
    assert_null(c.username);
    assert_string_equal(c.identity_token, "tok");
    creds_wipe(&c);
    /* An identity token is used in place of the password. */
    write_file(f, "{\"auths\": {\"r.example\": {\"auth\": \"dTo=\", \"identitytoken\": \"idt\"}}}",
               0600);
    c = lookup(&o, "r.example", "x");
    assert_string_equal(c.identity_token, "idt");
    assert_null(c.password);
    assert_non_null(strstr(c.source, "auth.json"));
    creds_wipe(&c);
}

static void test_broken_file(void **state)
{
    env *e = *state;
    reg_options o = {0};
    const char *f = in(e, "run", "containers/auth.json");
    write_file(f, "{\"auths\": {\"r.example\": {\"auth\": \"c2VjcmV0OnBhc3N3b3Jk\"}", 0600);
    reg_creds c;
    char *err = NULL;
    assert_false(creds_lookup(&o, "r.example", "x", &c, &err));
    assert_non_null(strstr(err, f));
    assert_non_null(strstr(err, "not JSON"));
    assert_null(strstr(err, "c2VjcmV0"));
    free(err);
    /* A directory where the file should be. */
    unlink(f);
    mkdir(f, 0700);
    err = NULL;
    assert_false(creds_lookup(&o, "r.example", "x", &c, &err));
    assert_non_null(strstr(err, "not a regular file"));
    free(err);
}

static void test_cred_helpers(void **state)
{
    env *e = *state;
    reg_options o = {0};
    const char *cfg = in(e, "docker", "config.json");
    write_auths(cfg, "reg.example:5000", "file:pw",
                "\"credHelpers\": {\"reg.example:5000\": \"bosuntest\","
                " \"https://index.docker.io/v1/\": \"bosuntest\"}");
    /* The helper gets the server on stdin, "get" as its only argument. */
    reg_creds c = lookup(&o, "reg.example:5000", "a/b");
    assert_string_equal(c.username, "helperuser");
    assert_string_equal(c.password, "helper-secret");
    assert_string_equal(c.source, "docker-credential-bosuntest");
    assert_string_equal(read_text(in(e, "log", "url")), "reg.example:5000");
    assert_string_equal(read_text(in(e, "log", "args")), "get");
    creds_wipe(&c);
    /* Docker Hub is asked for under its index URL. */
    c = lookup(&o, "docker.io", "library/alpine");
    assert_string_equal(c.username, "helperuser");
    assert_string_equal(read_text(in(e, "log", "url")), "https://index.docker.io/v1/");
    creds_wipe(&c);
    /* ...then as docker.io, as the containers tools ask. */
    setenv("BOSUNTEST_MODE", "hubonly", 1);
    c = lookup(&o, "docker.io", "library/alpine");
    assert_string_equal(c.username, "u");
    creds_wipe(&c);
    /* Field names in any case. */
    setenv("BOSUNTEST_MODE", "lower", 1);
    expect_user(&o, "reg.example:5000", "a", "u2", "s2");
    /* "<token>" means an identity token. */
    setenv("BOSUNTEST_MODE", "token", 1);
    c = lookup(&o, "reg.example:5000", "a");
    assert_null(c.username);
    assert_string_equal(c.identity_token, "identity-secret");
    creds_wipe(&c);
    /* A per-registry helper that knows nothing: no credentials, and the
     * auths entry is not looked at (Docker does not either). */
    setenv("BOSUNTEST_MODE", "notfound", 1);
    c = lookup(&o, "reg.example:5000", "a");
    assert_null(c.username);
    assert_null(c.note);
    creds_wipe(&c);
}

static void test_creds_store(void **state)
{
    env *e = *state;
    reg_options o = {0};
    const char *cfg = in(e, "docker", "config.json");
    write_auths(cfg, "reg.example", "file:pw", "\"credsStore\": \"bosuntest\"");
    expect_user(&o, "reg.example", "x", "helperuser", "helper-secret");
    /* The store knows nothing: the auths entry. */
    setenv("BOSUNTEST_MODE", "notfound", 1);
    expect_user(&o, "reg.example", "x", "file", "pw");
}

/* A helper that fails leaves a note and no credentials; what it printed
 * (which might be a secret) is in neither, nor on our stderr. */
static void test_helper_failures(void **state)
{
    env *e = *state;
    reg_options o = {0};
    write_file(in(e, "docker", "config.json"),
               "{\"credHelpers\": {\"reg.example\": \"bosuntest\","
               " \"bad.example\": \"../../bin/sh\", \"gone.example\": \"missing\"}}",
               0600);
    int saved = dup(2);
    char errfile[256];
    snprintf(errfile, sizeof(errfile), "%s/stderr", e->root);
    int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);

    static const char *const modes[] = {"fail", "garbage"};
    for (size_t i = 0; i < 2; i++) {
        setenv("BOSUNTEST_MODE", modes[i], 1);
        reg_creds c = lookup(&o, "reg.example", "x");
        assert_null(c.username);
        assert_non_null(c.note);
        assert_non_null(strstr(c.note, "docker-credential-bosuntest"));
        assert_null(strstr(c.note, "helper-secret"));
        creds_wipe(&c);
    }
    reg_creds c = lookup(&o, "bad.example", "x");
    assert_non_null(strstr(c.note, "not a valid helper name"));
    creds_wipe(&c);
    c = lookup(&o, "gone.example", "x");
    assert_non_null(strstr(c.note, "docker-credential-missing is not on PATH"));
    creds_wipe(&c);

    dup2(saved, 2);
    close(saved);
    const char *printed = read_text(errfile);
    assert_non_null(printed);
    assert_null(strstr(printed, "helper-stderr-noise"));
    assert_null(strstr(printed, "helper-secret"));
}

static long long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_helper_timeout(void **state)
{
    (void)state;
    setenv("BOSUNTEST_MODE", "hang", 1);
    reg_creds c;
    char *why = NULL;
    long long t0 = ms_now();
    assert_int_equal(cred_helper_get("bosuntest", "reg.example", 300, &c, &why),
                     CRED_HELPER_FAILED);
    long long took = ms_now() - t0;
    assert_string_equal(why, "timed out");
    assert_true(took >= 300 && took < 5000);
    free(why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_explicit_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_given_file_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scoped_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_docker_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entry_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cred_helpers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_creds_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helper_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helper_timeout, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
