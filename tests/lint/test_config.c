/* .bosun.yaml: every key, and every way a file can be refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lint/config.h"

/* Loads `yaml` into a fresh config; the error in *err. */
static bosun_config *load(const char *yaml, bool want_ok,
                          bosun_config_error *err)
{
    bosun_config *c = bosun_config_new();
    bool ok = bosun_config_load_yaml(c, yaml, strlen(yaml), err);
    if (ok != want_ok)
        fail_msg("load %s: %s (line %u)", want_ok ? "failed" : "succeeded",
                 err->message, err->line);
    return c;
}

/* The file must be refused at `line` with a message holding `text`. */
static void refused(const char *yaml, unsigned line, const char *text)
{
    bosun_config_error err;
    bosun_config *c = load(yaml, false, &err);
    if (err.line != line || !strstr(err.message, text))
        fail_msg("for %s: got line %u '%s', want line %u '%s'", yaml,
                 err.line, err.message, line, text);
    bosun_config_free(c);
}

static void test_every_key(void **state)
{
    (void)state;
    bosun_config_error err;
    bosun_config *c = load(
        "# team policy\n"
        "ignore: [from-latest, package-upgrade]\n"
        "severity:\n"
        "  root-user: warning\n"
        "  pipe-to-shell: info\n"
        "failure-threshold: error\n"
        "trusted-registries:\n"
        "  - registry.example.com\n"
        "  - '*.mirror.example.net'\n"
        "nonroot-bases: [\"registry.example.com/base/*:nonroot\"]\n"
        "hadolint-pragmas: false\n",
        true, &err);
    assert_true(config_is_ignored(c, "from-latest"));
    assert_true(config_is_ignored(c, "package-upgrade"));
    assert_false(config_is_ignored(c, "root-user"));
    assert_int_equal(config_severity_of(c, "root-user", BOSUN_ERROR),
                     BOSUN_WARNING);
    assert_int_equal(config_severity_of(c, "pipe-to-shell", BOSUN_ERROR),
                     BOSUN_INFO);
    assert_int_equal(config_severity_of(c, "from-latest", BOSUN_WARNING),
                     BOSUN_WARNING);
    assert_int_equal(bosun_config_failure_threshold(c), BOSUN_ERROR);
    assert_true(c->registries_restricted);
    assert_int_equal(c->trusted_registries.n, 2);
    assert_string_equal(c->trusted_registries.items[1], "*.mirror.example.net");
    assert_int_equal(c->nonroot_bases.n, 1);
    assert_true(c->no_hadolint_pragmas);
    bosun_config_free(c);
}

static void test_hadolint_pragmas(void **state)
{
    (void)state;
    bosun_config_error err;
    bosun_config *c = load("hadolint-pragmas: true\n", true, &err);
    assert_false(c->no_hadolint_pragmas);
    bosun_config_free(c);
    c = load("hadolint-pragmas: FALSE\n", true, &err);
    assert_true(c->no_hadolint_pragmas);
    bosun_config_free(c);
    c = load("# nothing\n", true, &err);
    assert_false(c->no_hadolint_pragmas); /* honoured by default */
    bosun_config_free(c);
    /* A boolean, not a string that looks like one, nor YAML 1.1's yes. */
    refused("hadolint-pragmas: 'false'\n", 1,
            "'hadolint-pragmas' must be true or false, not 'false'");
    refused("hadolint-pragmas: no\n", 1,
            "'hadolint-pragmas' must be true or false, not 'no'");
    refused("hadolint-pragmas:\n", 1, "must be true or false");
    refused("hadolint-pragmas: [true]\n", 1,
            "must be true or false, not 'a list'");
}

/* patterns: a path, kept as written (the command line resolves it). */
static void test_patterns(void **state)
{
    (void)state;
    bosun_config_error err;
    bosun_config *c = load("patterns: ci/secrets.patterns\n", true, &err);
    assert_string_equal(bosun_config_patterns(c), "ci/secrets.patterns");
    bosun_config_set_patterns(c, "/abs/p");
    assert_string_equal(bosun_config_patterns(c), "/abs/p");
    bosun_config_free(c);
    c = load("ignore: []\n", true, &err);
    assert_null(bosun_config_patterns(c));
    bosun_config_free(c);
    refused("patterns:\n", 1, "'patterns' must be the path of a patterns file");
    refused("patterns: [a, b]\n", 1, "'patterns' must be the path");
    refused("patterns: ''\n", 1, "'patterns' must be the path");
}

/* exclude: globs relative to a walked directory, component by component,
 * `**` for any number of components; a directory excludes what is below
 * it. */
static void test_exclude(void **state)
{
    (void)state;
    bosun_config_error err;
    bosun_config *c = load("exclude: [vendor, '**/testdata', 'a/*/c',\n"
                           "  './docs/*.example', 'x/**/y/**', 'e\\*']\n",
                           true, &err);
    static const char *const yes[] = {
        "vendor", "vendor/Dockerfile", "vendor/a/b/Dockerfile", "testdata",
        "testdata/Dockerfile", "a/b/testdata/c/Dockerfile", "a/b/c",
        "a/b/c/Dockerfile", "docs/Dockerfile.example", "x/y", "x/1/2/y/z",
        "e*", "./vendor", "vendor/", NULL,
    };
    static const char *const no[] = {
        "Dockerfile", "app/vendor/Dockerfile", "vendored/Dockerfile",
        "a/c", "a/b/b/c", "testdatas/Dockerfile", "docs/x/Dockerfile.example",
        "x", "x/z/Dockerfile", "e1", "", ".", NULL,
    };
    for (const char *const *p = yes; *p; p++)
        if (!bosun_config_excluded(c, *p))
            fail_msg("'%s' not excluded", *p);
    for (const char *const *p = no; *p; p++)
        if (bosun_config_excluded(c, *p))
            fail_msg("'%s' excluded", *p);
    bosun_config_free(c);
    /* `**` alone: everything; a NULL configuration: nothing. */
    c = bosun_config_new();
    assert_false(bosun_config_excluded(c, "a"));
    bosun_config_add_exclude(c, "**");
    assert_true(bosun_config_excluded(c, "a/b/Dockerfile"));
    bosun_config_free(c);
    assert_false(bosun_config_excluded(NULL, "a"));
    /* Many `**` against a deep path: time np * ns, not exponential. */
    c = bosun_config_new();
    bosun_config_add_exclude(c, "**/**/**/**/**/**/**/**/**/**/**/**/**/**/"
                                "**/**/**/**/**/**/z");
    char deep[2 * 100 + 1] = "";
    for (int i = 0; i < 100; i++)
        strcat(deep, "a/");
    deep[strlen(deep) - 1] = '\0';
    assert_false(bosun_config_excluded(c, deep));
    bosun_config_free(c);
    refused("exclude: vendor\n", 1, "'exclude' must be a list of path globs");
    refused("exclude: ['']\n", 1, "'exclude' must be a list of path globs");
}

static void test_defaults(void **state)
{
    (void)state;
    bosun_config_error err;
    const char *empty[] = {"", "# nothing yet\n", "---\n", "{}\n"};
    for (size_t i = 0; i < sizeof(empty) / sizeof(*empty); i++) {
        bosun_config *c = load(empty[i], true, &err);
        assert_int_equal(bosun_config_failure_threshold(c), BOSUN_WARNING);
        assert_false(c->registries_restricted);
        assert_int_equal(c->ignored.n, 0);
        bosun_config_free(c);
    }
}

static void test_thresholds(void **state)
{
    (void)state;
    static const struct {
        const char *yaml;
        int want;
    } cases[] = {
        {"failure-threshold: info\n", BOSUN_INFO},
        {"failure-threshold: warning\n", BOSUN_WARNING},
        {"failure-threshold: \"error\"\n", BOSUN_ERROR},
        {"failure-threshold: none\n", BOSUN_THRESHOLD_NONE},
    };
    bosun_config_error err;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        bosun_config *c = load(cases[i].yaml, true, &err);
        assert_int_equal(bosun_config_failure_threshold(c), cases[i].want);
        bosun_config_free(c);
    }
    refused("failure-threshold: severe\n", 1, "not 'severe'");
    refused("failure-threshold: Error\n", 1, "must be info, warning, error or none");
    refused("failure-threshold: [error]\n", 1, "must be info, warning, error or none");
    refused("failure-threshold:\n", 1, "must be info, warning, error or none");
}

/* An empty list of trusted registries is a policy: nothing is trusted. */
static void test_empty_trusted_registries(void **state)
{
    (void)state;
    bosun_config_error err;
    bosun_config *c = load("trusted-registries: []\n", true, &err);
    assert_true(c->registries_restricted);
    assert_int_equal(c->trusted_registries.n, 0);
    bosun_config_free(c);
}

static void test_wrong_types(void **state)
{
    (void)state;
    refused("ignore: from-latest\n", 1, "'ignore' must be a list of rule ids");
    refused("ignore:\n", 1, "'ignore' must be a list of rule ids");
    refused("ignore:\n  - from-latest\n  - [root-user]\n", 3,
            "'ignore' must be a list of rule ids");
    refused("ignore: [from-latest, ~]\n", 1, "must be a list of rule ids");
    refused("severity: [root-user]\n", 1,
            "'severity' must map rule ids to info, warning or error");
    refused("severity:\n  root-user: [error]\n", 2,
            "'severity' of root-user must be info, warning or error");
    refused("trusted-registries: quay.io\n", 1,
            "'trusted-registries' must be a list");
    refused("trusted-registries:\n  - quay.io\n  - {a: b}\n", 3,
            "'trusted-registries' must be a list");
    refused("nonroot-bases: {a: b}\n", 1, "'nonroot-bases' must be a list");
    refused("nonroot-bases: [\"\"]\n", 1, "'nonroot-bases' must be a list");
    refused("- ignore\n", 1, "expected a mapping of settings");
    refused("just text\n", 1, "expected a mapping of settings");
    /* An alias of a list where a mapping belongs is still a list. */
    refused("ignore: &ids [from-latest]\nseverity: *ids\n", 1,
            "'severity' must map rule ids");
}

static void test_unknown_names(void **state)
{
    (void)state;
    refused("# policy\nignore: [from-latest]\nignores: [root-user]\n", 3,
            "unknown key 'ignores' (known keys: ignore, severity, "
            "failure-threshold, trusted-registries, nonroot-bases, "
            "hadolint-pragmas, patterns, accept, skip-base, exclude)");
    refused("ignore:\n  - from-latest\n  - DL3008\n", 3,
            "unknown rule 'DL3008' in 'ignore': hadolint's DL3008 is "
            "bosun's unpinned-apt");
    refused("ignore: [DL3059]\n", 1,
            "unknown rule 'DL3059' in 'ignore' (see 'bosun rules')");
    refused("severity:\n  DL3002: info\n", 2,
            "unknown rule 'DL3002' in 'severity': hadolint's DL3002 is "
            "bosun's root-user");
    refused("severity:\n  root-usr: info\n", 2,
            "unknown rule 'root-usr' in 'severity'");
    refused("severity:\n  root-user: high\n", 2,
            "'severity' of root-user must be info, warning or error, not 'high'");
    refused("ignore: []\nfailure-threshold: info\nignore: []\n", 3,
            "'ignore' is set twice");
    refused("[a]: 1\n", 1, "a setting's name must be one of");
    refused("trusted-registries: [\"https://quay.io\"]\n", 1,
            "without a scheme");
}

static void test_bad_yaml(void **state)
{
    (void)state;
    refused("ignore: [from-latest\n", 2, "invalid YAML");
    refused("ignore:\n\t- from-latest\n", 2, "invalid YAML");
    refused("a: 'unterminated\n", 2, "invalid YAML");
    refused("ignore: [from-latest]\n---\nignore: [root-user]\n", 3,
            "one YAML document, not several");
    refused("ignore: []\n---\n: : :\n", 3, "invalid YAML");
    refused("ignore: *nowhere\n", 1, "invalid YAML");
}

/* Hostile files end in an error or a result, never a crash or a hang. */
static void test_hostile(void **state)
{
    (void)state;
    size_t n = 200000;
    char *deep = malloc(n + 1);
    memset(deep, '[', n);
    deep[n] = '\0';
    bosun_config_error err;
    bosun_config *c = bosun_config_new();
    assert_false(bosun_config_load_yaml(c, deep, n, &err));
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "nested more than"));
    bosun_config_free(c);
    free(deep);
    refused("ignore:\n  - a:\n     - b:\n        - c:\n           - d:\n"
            "              - e:\n                 - f:\n"
            "                    - g:\n                       - h: 1\n",
            9, "nested more than");

    size_t big = (1u << 20) + 1;
    char *large = malloc(big);
    memset(large, '#', big);
    c = bosun_config_new();
    assert_false(bosun_config_load_yaml(c, large, big, &err));
    assert_non_null(strstr(err.message, "too large"));
    bosun_config_free(c);
    free(large);

    const char nul[] = "ignore: [from-latest]\0\nfoo: 1\n";
    c = bosun_config_new();
    bosun_config_load_yaml(c, nul, sizeof(nul) - 1, &err);
    bosun_config_free(c);
}

static void test_api(void **state)
{
    (void)state;
    int t;
    assert_true(bosun_threshold_parse("none", &t));
    assert_int_equal(t, BOSUN_THRESHOLD_NONE);
    assert_false(bosun_threshold_parse("fatal", &t));
    bosun_config *c = bosun_config_new();
    assert_false(bosun_config_set_severity(c, "nope", BOSUN_INFO));
    assert_true(bosun_config_set_severity(c, "root-user", BOSUN_INFO));
    assert_true(bosun_config_set_severity(c, "root-user", BOSUN_WARNING));
    assert_int_equal(c->nseverities, 1);
    assert_false(bosun_config_ignore(c, "nope"));
    assert_true(bosun_config_ignore(c, "root-user"));
    assert_true(bosun_config_ignore(c, "root-user"));
    assert_int_equal(c->ignored.n, 1);
    bosun_config_free(c);
}

static void test_accept(void **state)
{
    (void)state;
    bosun_config_error err;
    bosun_config *c = load(
        "accept:\n"
        "  - rule: image-setuid\n"
        "    paths: [/usr/bin/su, /usr/bin/passwd]\n"
        "    reason: the base's, reviewed\n"
        "  - rule: image-secret-content\n"
        "    paths: ['/app/tests/fixtures/**']\n"
        "skip-base: true\n",
        true, &err);
    assert_int_equal(c->naccepts, 2);
    assert_true(bosun_config_skip_base(c));
    const config_accept *a = config_accepted(c, "image-setuid", "/usr/bin/su");
    assert_non_null(a);
    assert_string_equal(a->reason, "the base's, reviewed");
    assert_null(config_accepted(c, "image-setuid", "/usr/bin/sudo"));
    assert_null(config_accepted(c, "image-secret-file", "/usr/bin/su"));
    a = config_accepted(c, "image-secret-content", "/app/tests/fixtures/a/k");
    assert_non_null(a);
    assert_null(a->reason);
    assert_null(config_accepted(c, "image-secret-content", "/app/tests/k"));
    assert_null(config_accepted(c, "image-setuid", NULL));
    bosun_config_free(c);

    refused("accept:\n  - rule: image-setuid\n", 2, "has no 'paths'");
    refused("accept:\n  - paths: [/x]\n", 2, "has no 'rule'");
    refused("accept:\n  - rule: image-setuidd\n    paths: [/x]\n", 2,
            "unknown rule 'image-setuidd' in 'accept'");
    refused("accept:\n  - rule: latest-tag\n    paths: [/x]\n", 2,
            "unknown rule 'latest-tag'");
    refused("accept:\n  - rule: from-latest\n    paths: [/x]\n", 2,
            "from-latest is a Dockerfile rule");
    refused("accept:\n  - rule: image-setuid\n    paths: []\n", 3,
            "non-empty list");
    refused("accept:\n  - rule: image-setuid\n    paths: /x\n", 3,
            "non-empty list");
    refused("accept:\n  - rule: image-setuid\n    paths:\n"
            "      - /ok\n      - usr/bin/su\n", 5,
            "not 'usr/bin/su'");
    refused("accept:\n  - rule: image-setuid\n    paths: [/x]\n"
            "    reason: [a]\n", 4, "'reason' in 'accept' must be a text");
    refused("accept:\n  - rule: image-setuid\n    path: [/x]\n", 3,
            "unknown key 'path' in an entry of 'accept'");
    refused("accept:\n  - rule: image-setuid\n    paths: [/x]\n"
            "    rule: image-setuid\n", 4, "'rule' is set twice");
    refused("accept: [image-setuid]\n", 1, "must be a mapping");
    refused("accept: {rule: image-setuid}\n", 1, "must be a list");
    refused("skip-base: yes\n", 1, "'skip-base' must be true or false");
}

static void test_path_match(void **state)
{
    (void)state;
    static const struct {
        const char *glob, *path;
        bool match;
    } cases[] = {
        {"/usr/bin/su", "/usr/bin/su", true},
        {"/usr/bin/su", "/usr/bin/sudo", false},
        {"/usr/bin/*", "/usr/bin/su", true},
        {"/usr/*", "/usr/bin/su", false},       /* * stays in a component */
        {"/usr/**", "/usr/bin/su", true},
        {"/usr/**", "/usr", true},              /* ** may be nothing */
        {"/**/su", "/usr/bin/su", true},
        {"/**/su", "/su", true},
        {"/**/bin/**/x", "/a/bin/b/bin/c/x", true},
        {"/**/bin/**/x", "/a/bin/b/c/y", false},
        {"/usr/bin/?u", "/usr/bin/su", true},
        {"/usr/bin/?u", "/usr/bin/sua", false},
        {"/usr/bin/[st]u", "/usr/bin/tu", true},
        {"/usr/bin/[!st]u", "/usr/bin/tu", false},
        {"/usr/bin/[a-z]*", "/usr/bin/passwd", true},
        {"/app/tests/fixtures/**", "/app/tests/fixtures/a/b/k.pem", true},
        {"/app/tests/fixtures/**", "/app/tests/other/k.pem", false},
        {"/app/**/*.pem", "/app/a/b/k.pem", true},
        {"/app/**/*.pem", "/app/a/b/k.pem.bak", false},
        {"/a//b/", "/a/b", true},
        {"/a/b", "/a/b/c", false},
        {"/a/b/c", "/a/b", false},
        {"/a/\\*", "/a/*", true},
        {"/a/\\*", "/a/b", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (config_path_match(cases[i].glob, cases[i].path) != cases[i].match)
            fail_msg("%s against %s: want %s", cases[i].glob, cases[i].path,
                     cases[i].match ? "a match" : "none");
    /* Many `**` against a long path: no exponential backtracking. */
    char glob[4096] = "", path[8192] = "";
    for (int i = 0; i < 200; i++)
        strcat(glob, "/**/a");
    strcat(glob, "/b");
    for (int i = 0; i < 1000; i++)
        strcat(path, "/a");
    assert_false(config_path_match(glob, path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_hadolint_pragmas),
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_exclude),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_empty_trusted_registries),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_unknown_names),
        cmocka_unit_test(test_bad_yaml),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_accept),
        cmocka_unit_test(test_path_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
