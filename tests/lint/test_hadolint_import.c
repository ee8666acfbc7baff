/* hadolint configurations turned into .bosun.yaml: what is converted, what
 * is noted, what is refused; the output is always a configuration bosun
 * reads back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/config.h"
#include "lint/hadolint_import.h"

/* Converts `yaml` (which must convert) and loads the output back. */
static bosun_config *convert(const char *yaml, hadolint_import *im)
{
    bosun_config_error err;
    if (!hadolint_import_yaml(".hadolint.yaml", yaml, strlen(yaml), im, &err))
        fail_msg("refused: line %u: %s", err.line, err.message);
    bosun_config *c = bosun_config_new();
    if (!bosun_config_load_yaml(c, im->yaml, strlen(im->yaml), &err))
        fail_msg("output not read back: line %u: %s\n%s", err.line,
                 err.message, im->yaml);
    return c;
}

/* Is there a note at `line` holding `text`? */
static bool noted(const hadolint_import *im, unsigned line, const char *text)
{
    for (size_t i = 0; i < im->nnotes; i++)
        if (im->notes[i].line == line && strstr(im->notes[i].text, text))
            return true;
    return false;
}

static void expect_note(const hadolint_import *im, unsigned line,
                        const char *text)
{
    if (!noted(im, line, text))
        fail_msg("no note at line %u with '%s' in:\n%s", line, text, im->yaml);
    /* Every note is in the output's comments too. */
    if (!strstr(im->yaml, text))
        fail_msg("'%s' is not in the output:\n%s", text, im->yaml);
}

static void refused(const char *yaml, unsigned line, const char *text)
{
    hadolint_import im;
    bosun_config_error err;
    if (hadolint_import_yaml("x", yaml, strlen(yaml), &im, &err))
        fail_msg("accepted: %s", yaml);
    if (err.line != line || !strstr(err.message, text))
        fail_msg("for %s: got line %u '%s', want line %u '%s'", yaml,
                 err.line, err.message, line, text);
}

static void test_every_setting(void **state)
{
    (void)state;
    hadolint_import im;
    bosun_config *c = convert(
        "ignored:\n"            /* 1 */
        "  - DL3008\n"
        "  - DL3059\n"          /* 3: no equivalent */
        "  - SC2086\n"          /* 4: ShellCheck */
        "  - DL9999\n"          /* 5: not a code */
        "override:\n"
        "  error: [DL3002, DL3041]\n"
        "  info: [DL3033]\n"
        "  style: [DL3006]\n"   /* 9: no style level */
        "failure-threshold: warning\n"
        "trustedRegistries:\n"
        "  - docker.io\n"
        "  - \"*.gcr.io\"\n"
        "  - my-company.com:5000\n"
        "disable-ignore-pragma: true\n"
        "label-schema: {author: text}\n" /* 16 */
        "no-color: true\n"
        "future-setting: 1\n",  /* 18 */
        &im);
    assert_true(config_is_ignored(c, "unpinned-apt"));
    assert_int_equal(c->ignored.n, 1);
    assert_int_equal(config_severity_of(c, "root-user", BOSUN_WARNING),
                     BOSUN_ERROR);
    /* DL3041 error and DL3033 info: unpinned-rpm at the higher. */
    assert_int_equal(config_severity_of(c, "unpinned-rpm", BOSUN_WARNING),
                     BOSUN_ERROR);
    assert_int_equal(config_severity_of(c, "from-latest", BOSUN_WARNING),
                     BOSUN_INFO);
    assert_int_equal(c->nseverities, 3);
    assert_int_equal(bosun_config_failure_threshold(c), BOSUN_WARNING);
    assert_true(c->registries_restricted);
    assert_int_equal(c->trusted_registries.n, 3);
    assert_string_equal(c->trusted_registries.items[1], "*.gcr.io");
    assert_string_equal(c->trusted_registries.items[2], "my-company.com:5000");
    assert_true(c->no_hadolint_pragmas);
    expect_note(&im, 3, "DL3059 (consecutive RUN instructions) has no "
                        "equivalent");
    expect_note(&im, 4, "ShellCheck SC2086 has no equivalent");
    expect_note(&im, 5, "\"DL9999\" is not a hadolint code");
    expect_note(&im, 9, "bosun has no style level, so DL3006");
    expect_note(&im, 16, "label-schema: not converted");
    expect_note(&im, 17, "no-color: not converted");
    expect_note(&im, 18, "\"future-setting\" is not a hadolint setting");
    assert_int_equal(im.nnotes, 7);
    assert_non_null(strstr(im.yaml, "(the highest is kept)"));
    hadolint_import_free(&im);
    bosun_config_free(c);
}

static void test_thresholds(void **state)
{
    (void)state;
    static const struct {
        const char *yaml;
        int threshold;
        bool note;
    } cases[] = {
        {"failure-threshold: error\n", BOSUN_ERROR, false},
        {"failure-threshold: info\n", BOSUN_INFO, false},
        {"failure-threshold: style\n", BOSUN_INFO, true},
        /* hadolint's none fails on everything; bosun's on nothing. */
        {"failure-threshold: none\n", BOSUN_INFO, true},
        {"failure-threshold: ignore\n", BOSUN_INFO, true},
        {"no-fail: true\n", BOSUN_THRESHOLD_NONE, false},
        {"no-fail: true\nfailure-threshold: info\n", BOSUN_THRESHOLD_NONE,
         false},
        {"no-fail: false\n", BOSUN_WARNING, false},
        /* Unset: bosun's default, not hadolint's (info). */
        {"ignored: []\n", BOSUN_WARNING, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        hadolint_import im;
        bosun_config *c = convert(cases[i].yaml, &im);
        if (bosun_config_failure_threshold(c) != cases[i].threshold)
            fail_msg("%s: threshold %d, want %d", cases[i].yaml,
                     bosun_config_failure_threshold(c), cases[i].threshold);
        assert_int_equal(im.nnotes > 0, cases[i].note);
        hadolint_import_free(&im);
        bosun_config_free(c);
    }
}

static void test_coarser_rules(void **state)
{
    (void)state;
    hadolint_import im;
    /* DL3006 and DL3007 are both from-latest: ignoring one ignores the
     * rule, and the output says what else it silences. */
    bosun_config *c = convert("ignored: [DL3007, DL3033, DL3037]\n", &im);
    assert_true(config_is_ignored(c, "from-latest"));
    assert_true(config_is_ignored(c, "unpinned-rpm"));
    assert_non_null(strstr(im.yaml, "from-latest  # DL3007; also what "
                                    "DL3006 catches"));
    assert_non_null(strstr(im.yaml, "unpinned-rpm  # DL3033, DL3037; also "
                                    "what DL3041 catches"));
    hadolint_import_free(&im);
    bosun_config_free(c);
    /* An ignored rule gets no severity. */
    c = convert("ignored: [DL3008]\noverride: {error: [DL3008]}\n", &im);
    assert_true(config_is_ignored(c, "unpinned-apt"));
    assert_int_equal(c->nseverities, 0);
    hadolint_import_free(&im);
    bosun_config_free(c);
}

static void test_registries(void **state)
{
    (void)state;
    hadolint_import im;
    bosun_config *c = convert("trustedRegistries: quay.io\n", &im);
    assert_int_equal(c->trusted_registries.n, 1);
    assert_string_equal(c->trusted_registries.items[0], "quay.io");
    hadolint_import_free(&im);
    bosun_config_free(c);
    /* hadolint's empty list restricts nothing: no trusted-registries. */
    c = convert("trustedRegistries: []\n", &im);
    assert_false(c->registries_restricted);
    hadolint_import_free(&im);
    bosun_config_free(c);
    c = convert("trustedRegistries: [hub.docker.com, docker.io, "
                "'https://r.example', '']\n", &im);
    assert_int_equal(c->trusted_registries.n, 1);
    assert_string_equal(c->trusted_registries.items[0], "docker.io");
    expect_note(&im, 1, "hub.docker.com is written docker.io");
    expect_note(&im, 1, "\"https://r.example\" is a URL");
    expect_note(&im, 1, "an empty name");
    hadolint_import_free(&im);
    bosun_config_free(c);
}

/* Nothing of the input reaches the output unquoted: names that hold
 * quotes, line breaks (also YAML's NEL, LS, PS) and control characters
 * come back as they were, and none adds a setting. */
static void test_hostile_strings(void **state)
{
    (void)state;
    hadolint_import im;
    bosun_config *c = convert(
        "trustedRegistries:\n"
        "  - \"a\\\"b\\\\c\\nignore: [root-user]\\u0085d\\u2028e\\u2029f\\x01\"\n"
        "ignored:\n"
        "  - \"X\\nignore: [root-user]\\n#\"\n"
        "\"k\\nfailure-threshold: none\": 1\n"
        "override:\n"
        "  \"l\\nfailure-threshold: none\": [DL3008]\n",
        &im);
    assert_int_equal(c->trusted_registries.n, 1);
    assert_string_equal(c->trusted_registries.items[0],
                        "a\"b\\c\nignore: [root-user]\xC2\x85" "d\xE2\x80\xA8"
                        "e\xE2\x80\xA9" "f\x01");
    assert_int_equal(c->ignored.n, 0);
    assert_int_equal(bosun_config_failure_threshold(c), BOSUN_WARNING);
    assert_int_equal(c->nseverities, 0);
    for (size_t i = 0; i < im.nnotes; i++)
        for (const char *p = im.notes[i].text; *p; p++)
            assert_true((unsigned char)*p >= 0x20 && *p != 0x7F);
    hadolint_import_free(&im);
    bosun_config_free(c);
}

/* A file that lists a hundred thousand codes: a bounded output. */
static void test_many_notes(void **state)
{
    (void)state;
    size_t n = 100000;
    char *yaml = malloc(n * 12 + 32);
    size_t len = (size_t)sprintf(yaml, "ignored:\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(yaml + len, "- DL3059\n");
    hadolint_import im;
    bosun_config *c = convert(yaml, &im);
    assert_int_equal(im.nnotes, 100);
    assert_int_equal(im.more_notes, n - 100);
    assert_true(strlen(im.yaml) < 64 * 1024);
    hadolint_import_free(&im);
    bosun_config_free(c);
    free(yaml);
}

static void test_refused(void **state)
{
    (void)state;
    refused("ignored: [DL3008\n", 2, "invalid YAML");
    refused("- DL3008\n", 1, "expected a mapping of hadolint settings");
    refused("ignored: DL3008\n", 1, "'ignored' must be a list of rule codes");
    refused("ignored:\n  - [DL3008]\n", 2, "'ignored' must be a list");
    refused("ignored: []\nignored: []\n", 2, "'ignored' is set twice");
    refused("override: [DL3008]\n", 1, "'override' must map error");
    refused("override:\n  error: DL3008\n", 2,
            "'override: error' must be a list of rule codes");
    refused("failure-threshold: high\n", 1,
            "'failure-threshold' must be error, warning, info, style, "
            "ignore or none, not \"high\"");
    refused("failure-threshold: [error]\n", 1, "not a collection");
    refused("no-fail: yes\n", 1, "'no-fail' must be true or false");
    refused("disable-ignore-pragma: 1\n", 1,
            "'disable-ignore-pragma' must be true or false");
    refused("trustedRegistries: {a: b}\n", 1,
            "'trustedRegistries' must be a registry or a list");
    refused("ignored: []\n---\nignored: []\n", 3, "one YAML document");
    refused("x: [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]\n", 1,
            "nested more than 16 levels deep");
}

static void test_empty(void **state)
{
    (void)state;
    const char *empty[] = {"", "# nothing\n", "---\n", "{}\n", "~\n"};
    for (size_t i = 0; i < sizeof(empty) / sizeof(*empty); i++) {
        hadolint_import im;
        bosun_config *c = convert(empty[i], &im);
        assert_int_equal(im.nnotes, 0);
        assert_int_equal(c->ignored.n, 0);
        hadolint_import_free(&im);
        bosun_config_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_setting),
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_coarser_rules),
        cmocka_unit_test(test_registries),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_many_notes),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
