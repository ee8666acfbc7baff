/* `# bosun ignore=` and `# bosun global ignore=`: what they silence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bosun/bosun.h"

/* The rules these tests use; other rules' findings are left out. */
static bool watched(const char *rule)
{
    static const char *const rules[] = {
        "from-latest", "root-user", "package-upgrade", "pipe-to-shell",
        "invalid-suppression", NULL,
    };
    for (const char *const *r = rules; *r; r++)
        if (strcmp(*r, rule) == 0)
            return true;
    return false;
}

/* The findings of `text` as "rule@line:col" lines. */
static char *lint(const bosun_config *cfg, const char *text)
{
    bosun_report *r = bosun_report_new();
    assert_true(bosun_lint_dockerfile(cfg, "Dockerfile", text, strlen(text), r));
    bosun_report_sort(r);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    for (size_t i = 0; i < bosun_report_count(r); i++) {
        const bosun_finding *f = bosun_report_finding(r, i);
        if (watched(f->rule))
            fprintf(out, "%s@%u:%u\n", f->rule, f->line, f->column);
    }
    fclose(out);
    bosun_report_free(r);
    return buf;
}

static void expect(const bosun_config *cfg, const char *text, const char *want)
{
    char *got = lint(cfg, text);
    if (strcmp(got, want) != 0)
        fail_msg("for:\n%s\ngot:\n%swant:\n%s", text, got, want);
    free(got);
}

static void test_next_instruction(void **state)
{
    (void)state;
    /* It silences the next instruction only, across blank lines and other
     * comments, not the instruction before it. */
    expect(NULL,
           "FROM python AS a\n"
           "# bosun ignore=from-latest\n"
           "\n"
           "# another comment\n"
           "FROM debian AS b\n"
           "FROM node AS c\n"
           "USER 10001\n",
           "from-latest@1:6\nfrom-latest@6:6\n");
}

static void test_several_ids_and_reason(void **state)
{
    (void)state;
    expect(NULL,
           "# bosun ignore=from-latest , root-user  # base image build\n"
           "FROM debian\n",
           "");
    expect(NULL,
           "# BOSUN Ignore=from-latest,root-user\n"
           "FROM debian\n",
           "");
    expect(NULL,
           "# bosun ignore=from-latest,root-user\r\n"
           "FROM debian\r\n",
           "");
}

static void test_continuation_comment(void **state)
{
    (void)state;
    const char *text = "FROM debian:12.5\n"
                       "USER 10001\n"
                       "RUN apt-get update \\\n"
                       "    # bosun ignore=package-upgrade\n"
                       "    && apt-get -y upgrade\n"
                       "RUN apt-get -y upgrade\n";
    expect(NULL, text, "package-upgrade@6:16\n");
}

static void test_global(void **state)
{
    (void)state;
    /* Anywhere in the file, even after the instructions. */
    expect(NULL,
           "FROM python AS a\n"
           "FROM debian AS b\n"
           "USER 10001\n"
           "# bosun global ignore=from-latest\n",
           "");
}

static void test_unknown_and_malformed(void **state)
{
    (void)state;
    /* Known ids still apply next to an unknown one. */
    expect(NULL,
           "# bosun ignore=from-latest,nope\n"
           "FROM debian\n"
           "USER 10001\n",
           "invalid-suppression@1:28\n");
    /* A malformed pragma silences nothing. */
    expect(NULL,
           "# bosun ignore from-latest\n"
           "FROM debian\n"
           "USER 10001\n",
           "invalid-suppression@1:16\nfrom-latest@2:6\n");
}

static void test_not_pragmas(void **state)
{
    (void)state;
    /* Heredoc bodies are script text, not comments; prose is prose. */
    expect(NULL,
           "FROM debian:12.5\n"
           "USER 10001\n"
           "# bosun checks this file\n"
           "RUN <<EOF\n"
           "# bosun ignore=nope\n"
           "true\n"
           "EOF\n",
           "");
}

static void test_configuration_too(void **state)
{
    (void)state;
    bosun_config *cfg = bosun_config_new();
    assert_true(bosun_config_ignore(cfg, "root-user"));
    assert_true(bosun_config_set_severity(cfg, "from-latest", BOSUN_INFO));
    bosun_report *r = bosun_report_new();
    const char *text = "FROM debian\n";
    bosun_lint_dockerfile(cfg, "Dockerfile", text, strlen(text), r);
    size_t seen = 0;
    for (size_t i = 0; i < bosun_report_count(r); i++) {
        const bosun_finding *f = bosun_report_finding(r, i);
        assert_string_not_equal(f->rule, "root-user");
        if (strcmp(f->rule, "from-latest") == 0) {
            assert_int_equal(f->severity, BOSUN_INFO);
            seen++;
        }
    }
    assert_int_equal(seen, 1);
    bosun_report_free(r);
    bosun_config_free(cfg);
}

/* Many pragmas and many findings on one instruction stay cheap. */
static void test_many(void **state)
{
    (void)state;
    size_t n = 20000;
    size_t cap = n * 96 + 64;
    char *text = malloc(cap);
    size_t len = 0;
    len += (size_t)snprintf(text + len, cap - len, "FROM debian:12.5\nUSER 1\n"
                                                   "RUN true \\\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "# bosun ignore=pipe-to-shell,x%zu\n"
                                " && curl -s https://x | sh \\\n", i);
    len += (size_t)snprintf(text + len, cap - len, " && true\n");
    clock_t start = clock();
    bosun_report *r = bosun_report_new();
    assert_true(bosun_lint_dockerfile(NULL, "Dockerfile", text, len, r));
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    size_t pipes = 0, unknown = 0;
    for (size_t i = 0; i < bosun_report_count(r); i++) {
        const char *rule = bosun_report_finding(r, i)->rule;
        pipes += !strcmp(rule, "pipe-to-shell");
        unknown += !strcmp(rule, "invalid-suppression");
    }
    assert_int_equal(pipes, 0);
    assert_int_equal(unknown, n); /* one per unknown id */
    if (seconds > 20)
        fail_msg("%.1f s for %zu pragmas", seconds, n);
    bosun_report_free(r);
    free(text);
}

/* The lint of `len` bytes of `text`, timed in CPU seconds (the work done,
 * whatever else the machine runs); the findings of `rule` in *count. */
static double lint_timed(const char *text, size_t len, const char *rule,
                         size_t *count)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    bosun_report *r = bosun_report_new();
    assert_true(bosun_lint_dockerfile(NULL, "Dockerfile", text, len, r));
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    *count = 0;
    for (size_t i = 0; i < bosun_report_count(r); i++)
        *count += !strcmp(bosun_report_finding(r, i)->rule, rule);
    bosun_report_free(r);
    return (double)(t1.tv_sec - t0.tv_sec) +
           (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

/* 100,000 pragmas before one instruction, each reported (malformed, or
 * naming no rule): every report's suppression lookup must not read all
 * the pragmas of the instruction again (19 s before). */
static void test_many_pragmas_one_instruction(void **state)
{
    (void)state;
    static const char *const lines[] = {"# bosun ignore=\n",
                                        "# bosun ignore=latest-tag\n"};
    for (size_t k = 0; k < 2; k++) {
        size_t n = 100000, ll = strlen(lines[k]);
        char *text = malloc(n * ll + 64);
        size_t len = (size_t)sprintf(text, "FROM scratch\n");
        for (size_t i = 0; i < n; i++, len += ll)
            memcpy(text + len, lines[k], ll);
        len += (size_t)sprintf(text + len, "RUN true\n");
        size_t reported;
        double seconds = lint_timed(text, len, "invalid-suppression",
                                    &reported);
        assert_int_equal(reported, n);
        if (seconds > 5)
            fail_msg("%.1f s for %zu pragmas", seconds, n);
        free(text);
    }
}

/* `# hadolint ignore=` comments: placed as hadolint places them, for the
 * codes with a bosun equivalent (DL3006 and DL3007 are from-latest,
 * DL3002 root-user, DL3005 and DL3035 package-upgrade). */
static void test_hadolint_next_line_only(void **state)
{
    (void)state;
    expect(NULL,
           "FROM python AS a\n"
           "# hadolint ignore=DL3006\n"
           "FROM debian AS b\n"
           "# hadolint ignore=DL3006\n"
           "\n"
           "FROM node AS c\n"
           "# hadolint ignore=DL3006\n"
           "# another comment\n"
           "FROM alpine AS d\n"
           "FROM golang AS e\n"
           "# hadolint ignore=DL3006\n"
           "USER 10001\n",
           "from-latest@1:6\nfrom-latest@6:6\nfrom-latest@9:6\n"
           "from-latest@10:6\n");
    /* Not the instruction before, and the last line of a file is no
     * pragma for anything. */
    expect(NULL,
           "FROM debian:latest\n"
           "# hadolint ignore=DL3007\n"
           "USER 10001\n"
           "# hadolint ignore=DL3002\n",
           "from-latest@1:6\n");
}

static void test_hadolint_forms(void **state)
{
    (void)state;
    /* Several codes, blanks around commas and '=', a reason, no blank
     * after '#', codes with no equivalent next to one that has. */
    static const char *const silencing[] = {
        "# hadolint ignore=DL3007\n",
        "# hadolint ignore=DL3059,DL3007\n",
        "# hadolint ignore = DL3059 , DL3007  # base image build\n",
        "#hadolint ignore=SC2086,DL3007\n",
        "# hadolint\tignore=DL3007 \r\n",
        "# hadolint ignore=DL3007,DL3007,DL3006\n",
    };
    for (size_t i = 0; i < sizeof(silencing) / sizeof(*silencing); i++) {
        char text[256];
        snprintf(text, sizeof(text), "%sFROM debian:latest\nUSER 10001\n",
                 silencing[i]);
        expect(NULL, text, "");
    }
    /* What hadolint does not take as a pragma silences nothing, and is
     * not reported either: it is hadolint's business. */
    static const char *const prose[] = {
        "# hadolint ignore=crazy,DL3007\n",
        "# Hadolint ignore=DL3007\n",
        "# hadolint IGNORE=DL3007\n",
        "# hadolint ignore=DL3007 because\n",
        "# hadolint ignore=DL3007,\n",
        "# hadolint ignore=\n",
        "# hadolintignore=DL3007\n",
        "# hadolint: ignore=DL3007\n",
        "# hadolint stage ignore=DL3007\n",
        "# hadolint ignore=dl3007\n",
        "# hadolint ignore=DL3059\n",
        "# hadolint ignore=from-latest\n",
    };
    for (size_t i = 0; i < sizeof(prose) / sizeof(*prose); i++) {
        char text[256];
        snprintf(text, sizeof(text), "%sFROM debian:latest\nUSER 10001\n",
                 prose[i]);
        expect(NULL, text, "from-latest@2:6\n");
    }
}

static void test_hadolint_global(void **state)
{
    (void)state;
    /* Anywhere in the file, even after the last instruction. */
    expect(NULL,
           "FROM python AS a\n"
           "FROM debian AS b\n"
           "USER root\n"
           "# hadolint global ignore=DL3006, DL3002 # legacy image\n",
           "");
    expect(NULL,
           "FROM python AS a\n"
           "# hadolint global ignore=DL3059\n"
           "USER root\n",
           "from-latest@1:6\nroot-user@3:6\n");
}

static void test_hadolint_continued_instruction(void **state)
{
    (void)state;
    /* Before a continued instruction: all its lines. Among its lines:
     * hadolint never sees those comments, so neither does bosun. */
    expect(NULL,
           "FROM debian:12.5\n"
           "USER 10001\n"
           "# hadolint ignore=DL3005\n"
           "RUN apt-get update \\\n"
           "    && apt-get -y dist-upgrade\n"
           "RUN apt-get update \\\n"
           "    # hadolint ignore=DL3035\n"
           "    && zypper dup\n",
           "package-upgrade@8:15\n");
}

static void test_hadolint_turned_off(void **state)
{
    (void)state;
    bosun_config *cfg = bosun_config_new();
    const char *text = "# hadolint global ignore=DL3002\n"
                       "FROM debian AS a\n"
                       "# hadolint ignore=DL3006\n"
                       "FROM debian AS b\n";
    expect(cfg, text, "from-latest@2:6\n");
    bosun_config_set_hadolint_pragmas(cfg, false);
    expect(cfg, text, "from-latest@2:6\nroot-user@4:1\nfrom-latest@4:6\n");
    /* bosun's own comments still count. */
    expect(cfg, "# bosun ignore=from-latest,root-user\nFROM debian\n", "");
    bosun_config_free(cfg);
}

/* Millions of codes (lines of up to BuildKit's 64 KiB) read in linear
 * time, each looked up once. */
static void test_hadolint_long_pragmas(void **state)
{
    (void)state;
    size_t lines = 200, codes = 9000;
    char *text = malloc(lines * (codes * 7 + 64) + 64);
    size_t len = 0;
    for (size_t l = 0; l < lines; l++) {
        len += (size_t)sprintf(text + len, "# hadolint global ignore=DL3006");
        for (size_t i = 0; i < codes; i++, len += 7)
            memcpy(text + len, ",DL3008", 7);
        text[len++] = '\n';
    }
    len += (size_t)sprintf(text + len, "FROM debian\nUSER 10001\n");
    size_t reported;
    double seconds = lint_timed(text, len, "from-latest", &reported);
    assert_int_equal(reported, 0);
    if (seconds > 5)
        fail_msg("%.1f s for %zu pragmas of %zu codes", seconds, lines, codes);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next_instruction),
        cmocka_unit_test(test_several_ids_and_reason),
        cmocka_unit_test(test_continuation_comment),
        cmocka_unit_test(test_global),
        cmocka_unit_test(test_unknown_and_malformed),
        cmocka_unit_test(test_not_pragmas),
        cmocka_unit_test(test_configuration_too),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_many_pragmas_one_instruction),
        cmocka_unit_test(test_hadolint_next_line_only),
        cmocka_unit_test(test_hadolint_forms),
        cmocka_unit_test(test_hadolint_global),
        cmocka_unit_test(test_hadolint_continued_instruction),
        cmocka_unit_test(test_hadolint_turned_off),
        cmocka_unit_test(test_hadolint_long_pragmas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
