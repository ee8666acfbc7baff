/*
 * Every format on a synthetic report that holds what a Dockerfile lint
 * cannot produce: findings in image layers and history, unreadable
 * inputs, hostile text (terminal escapes, invalid UTF-8, XML and
 * workflow-command metacharacters) and a very long source line.
 *
 * The outputs are compared with tests/report/golden/synthetic.<format>
 * (rewritten when BOSUN_UPDATE_GOLDEN is set); test_sarif_schema.sh
 * validates synthetic.sarif against the SARIF schema.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* Rule ids no rule has: the formats must not depend on the catalog. */
static bosun_report *synthetic_report(void)
{
    static char long_line[401];
    memset(long_line, 'x', 400);
    memcpy(long_line, "RUN ", 4);
    memcpy(long_line + 249, "latest", 6);

    bosun_report *r = bosun_report_new();
    bosun_finding f = {
        .rule = "synthetic-dockerfile",
        .severity = BOSUN_ERROR,
        .file = "./app/Dockerfile",
        .message = "piping \x1b[31mred\x1b[0m into sh: \"a\" & <b> at 50%, "
                   "a:b\nnext line \xff",
        /* the instruction starts on line 3; the token on line 4 goes on
         * to line 5 */
        .line = 4, .column = 12, .end_line = 5, .end_column = 3,
        .instruction_line = 3,
        .stage = "build", .stage_index = 0,
        .layer_index = -1, .deleted_in_layer = -1, .history_index = -1,
        .source_line = "\tcurl \x1b]0;title\x07 | sh \xff \xc2\x9b end",
    };
    report_add_finding(r, &f);
    f = (bosun_finding){
        .rule = "synthetic-long-line",
        .severity = BOSUN_WARNING,
        .file = "./app/Dockerfile",
        .message = "a token far to the right",
        .line = 10, .column = 250, .end_line = 10, .end_column = 256,
        .instruction_line = 10,
        .stage_index = 1, /* a stage with no name */
        .layer_index = -1, .deleted_in_layer = -1, .history_index = -1,
        .source_line = long_line,
    };
    report_add_finding(r, &f);
    f = (bosun_finding){
        .rule = "synthetic-layer",
        .severity = BOSUN_ERROR,
        .file = "image.tar",
        .message = "a private key, deleted later but still in layer 2",
        .layer_index = 2,
        .layer_digest = "sha256:"
                        "6f1c2a5e9b1d4c3a8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
        .path = "/root/.ssh/id_rsa",
        .deleted_in_layer = 4,
        .history_index = -1,
    };
    report_add_finding(r, &f);
    f = (bosun_finding){
        .rule = "synthetic-history",
        .severity = BOSUN_INFO,
        .file = "image.tar",
        .message = "a step of the image's history",
        .layer_index = -1, .deleted_in_layer = -1,
        .history_index = 3,
    };
    report_add_finding(r, &f);
    /* The image the layer findings are in: reports that track findings
     * call it by its name, not by its archive's path. */
    static const report_layer layers[3] = {
        {.index = 0, .size = -1, .uncompressed_size = -1, .files = -1},
        {.index = 1, .size = -1, .uncompressed_size = -1, .files = -1},
        {.index = 2,
         .digest = "sha256:"
                   "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
         .diff_id = "sha256:"
                    "6f1c2a5e9b1d4c3a8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
         .blob_digest = "sha256:"
                        "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
         .media_type = "application/vnd.oci.image.layer.v1.tar+gzip",
         .size = 1024, .uncompressed_size = 4096, .files = 3},
    };
    report_image img = {.file = "image.tar", .name = "registry.example/app:1.4",
                        .layers = layers, .nlayers = 3};
    report_add_image(r, &img);
    bosun_report_add_error(r, "broken/Dockerfile", 2, "unterminated heredoc");
    bosun_report_add_error(r, "missing & <gone>", 0,
                           "No such file or directory");
    bosun_report_sort(r);
    return r;
}

static char *render(bosun_format format)
{
    bosun_report *r = synthetic_report();
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_true(bosun_report_write(r, format, out));
    fclose(out);
    bosun_report_free(r);
    return buf;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 4096 > cap)
            buf = realloc(buf, cap = 2 * cap + 4096);
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Compares with the golden file (or rewrites it). */
static void check_golden(const char *name, const char *text)
{
    const char *dir = getenv("BOSUN_TEST_DATA");
    assert_non_null(dir);
    char path[4096];
    snprintf(path, sizeof(path), "%s/report/golden/synthetic.%s", dir, name);
    if (getenv("BOSUN_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
    }
    char *want = slurp(path);
    if (!want)
        fail_msg("%s is missing (run with BOSUN_UPDATE_GOLDEN=1)", path);
    if (strcmp(want, text) != 0)
        fail_msg("%s differs from the output:\n%s", path, text);
    free(want);
}

static void test_plain(void **state)
{
    (void)state;
    char *s = render(BOSUN_FORMAT_PLAIN);
    check_golden("plain", s);
    /* Nothing from the input reaches the terminal as a control code. */
    assert_null(strchr(s, '\x1b'));
    assert_null(strchr(s, '\x07'));
    assert_null(strstr(s, "\xc2\x9b"));
    assert_non_null(strstr(s, "app/Dockerfile:4:12: error: piping ?[31mred"));
    assert_non_null(strstr(s, "image.tar:layer 2:/root/.ssh/id_rsa: error:"));
    assert_non_null(strstr(s, "image.tar:history 3: info:"));
    /* The long line is shown as a window around its token. */
    assert_non_null(strstr(s, "    10 | ..."));
    free(s);
}

static void test_tty(void **state)
{
    (void)state;
    char *s = render(BOSUN_FORMAT_TTY);
    check_golden("tty", s);
    assert_null(strstr(s, "\x1b]0;"));
    assert_null(strstr(s, "\x1b[31mred"));
    assert_non_null(strstr(s, "\x1b[1;31merror"));
    free(s);
}

static void test_json(void **state)
{
    (void)state;
    char *s = render(BOSUN_FORMAT_JSON);
    check_golden("json", s);
    assert_non_null(strstr(s, "\"layer_index\": 2"));
    assert_non_null(strstr(s, "\"deleted_in_layer\": 4"));
    assert_non_null(strstr(s, "\"history_index\": 3"));
    free(s);
}

static void test_sarif(void **state)
{
    (void)state;
    char *s = render(BOSUN_FORMAT_SARIF);
    check_golden("sarif", s);
    assert_non_null(strstr(s, "\"fullyQualifiedName\": \"layer 2 (sha256:"
                              "6f1c2a5e9b1d4c3a8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a"
                              "3b2c1d0e9f8a7b6c5d)/root/.ssh/id_rsa\""));
    /* The image is called by its name, ':' encoded (not a scheme). */
    assert_non_null(strstr(s, "\"uri\": \"registry.example/app%3A1.4\""));
    assert_null(strstr(s, "image.tar"));
    assert_non_null(strstr(s, "\"uri\": \"app/Dockerfile\""));
    assert_non_null(strstr(s, "\"uri\": \"missing%20%26%20%3Cgone%3E\""));
    free(s);
}

static void test_checkstyle(void **state)
{
    (void)state;
    char *s = render(BOSUN_FORMAT_CHECKSTYLE);
    check_golden("checkstyle", s);
    assert_null(strchr(s, '\x1b'));
    assert_non_null(strstr(s, "&quot;a&quot; &amp; &lt;b&gt;"));
    assert_non_null(strstr(s, "<file name=\"missing &amp; &lt;gone&gt;\">"));
    free(s);
}

static void test_gitlab(void **state)
{
    (void)state;
    char *s = render(BOSUN_FORMAT_GITLAB);
    check_golden("gitlab", s);
    assert_non_null(strstr(s, "\"path\": \"app/Dockerfile\""));
    assert_non_null(strstr(s, "\"description\": \"layer 2: /root/.ssh/id_rsa: "));
    assert_non_null(strstr(s, "\"path\": \"registry.example/app:1.4\""));
    assert_null(strstr(s, "image.tar"));
    free(s);
}

static void test_github(void **state)
{
    (void)state;
    char *s = render(BOSUN_FORMAT_GITHUB);
    check_golden("github", s);
    /* One command per line: the message's line break is encoded. */
    assert_non_null(strstr(s, "at 50%25, a:b%0Anext line"));
    assert_non_null(strstr(s, "::error file=missing & <gone>,title=bosun::"));
    free(s);
}

static void test_gnu(void **state)
{
    (void)state;
    char *s = render(BOSUN_FORMAT_GNU);
    check_golden("gnu", s);
    /* One line per finding, nothing else, nothing from the input that a
     * terminal obeys. */
    size_t lines = 0;
    for (const char *p = s; *p; p++)
        lines += *p == '\n';
    bosun_report *r = synthetic_report();
    assert_int_equal(lines, bosun_report_count(r));
    bosun_report_free(r);
    assert_null(strchr(s, '\x1b'));
    assert_non_null(strstr(s, "app/Dockerfile:4:12: error: piping ?[31mred"));
    /* An image has no line an editor could open: GNU's "file: message". */
    assert_non_null(strstr(s, "image.tar: error: layer 2: /root/.ssh/id_rsa: "));
    assert_non_null(strstr(s, "image.tar: info: history 3: "));
    free(s);
}

/* The summary line: counts by severity, inputs, inputs with errors and
 * what --severity hid. */
static char *summary(const bosun_report *r, const char *noun, size_t inputs,
                     size_t hidden)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_true(bosun_report_write_summary(r, noun, inputs, hidden, out));
    fclose(out);
    return buf;
}

static void test_summary(void **state)
{
    (void)state;
    bosun_report *r = bosun_report_new();
    char *s = summary(r, "file", 1, 0);
    assert_string_equal(s, "1 file, no findings\n");
    free(s);
    bosun_report_free(r);

    r = synthetic_report(); /* 4 findings, errors about 2 files */
    s = summary(r, "file", 3, 0);
    assert_string_equal(s, "3 files (2 with errors), 4 findings: 2 errors, "
                           "1 warning, 1 info\n");
    free(s);
    assert_int_equal(bosun_report_keep_severities(r, 1u << BOSUN_ERROR), 2);
    assert_int_equal(bosun_report_count(r), 2);
    for (size_t i = 0; i < bosun_report_count(r); i++)
        assert_int_equal(bosun_report_finding(r, i)->severity, BOSUN_ERROR);
    s = summary(r, "image", 1, 2);
    assert_string_equal(s, "1 image (2 with errors), 2 findings: 2 errors "
                           "(2 hidden by --severity)\n");
    free(s);
    bosun_report_free(r);
}

/* Identity ignores line numbers, but tells identical lines apart. */
static void test_fingerprints(void **state)
{
    (void)state;
    bosun_report *r = bosun_report_new();
    bosun_finding f = {
        .rule = "synthetic", .severity = BOSUN_WARNING, .file = "Dockerfile",
        .message = "m", .line = 3, .column = 1, .end_line = 3,
        .end_column = 2, .instruction_line = 3,
        .layer_index = -1, .deleted_in_layer = -1, .history_index = -1,
        .source_line = "  RUN x",
    };
    report_add_finding(r, &f);
    f.line = f.end_line = f.instruction_line = 9;
    f.source_line = "RUN x\t";
    report_add_finding(r, &f);
    f.line = f.end_line = f.instruction_line = 12;
    f.source_line = "RUN y";
    report_add_finding(r, &f);
    report_fingerprint *a = report_fingerprints(r);

    bosun_report *moved = bosun_report_new();
    f.line = f.end_line = f.instruction_line = 40;
    f.source_line = "RUN x";
    report_add_finding(moved, &f);
    report_fingerprint *b = report_fingerprints(moved);

    assert_string_not_equal(a[0], a[1]); /* same text, two findings */
    assert_string_not_equal(a[0], a[2]);
    assert_string_equal(a[0], b[0]);     /* moved, not new */
    assert_int_equal(strlen(a[0]), 16);
    free(a);
    free(b);
    bosun_report_free(r);
    bosun_report_free(moved);
}

/* A finding that gives no end still gets a region of one column: SARIF
 * and GitHub refuse an end before the start. */
static void test_token_without_end(void **state)
{
    (void)state;
    bosun_report *r = bosun_report_new();
    bosun_finding f = {
        .rule = "synthetic", .severity = BOSUN_WARNING, .file = "Dockerfile",
        .message = "m", .line = 7, .column = 5, .instruction_line = 6,
        .stage_index = -1,
        .layer_index = -1, .deleted_in_layer = -1, .history_index = -1,
        .source_line = "    curl x",
    };
    report_add_finding(r, &f);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_true(bosun_report_write(r, BOSUN_FORMAT_GITHUB, out));
    assert_true(bosun_report_write(r, BOSUN_FORMAT_SARIF, out));
    fclose(out);
    assert_non_null(strstr(buf, ",line=7,endLine=7,col=5,endColumn=6,"));
    assert_non_null(strstr(buf, "\"startLine\": 7,\n"));
    assert_non_null(strstr(buf, "\"endLine\": 7,\n"));
    assert_non_null(strstr(buf, "\"endColumn\": 6\n"));
    free(buf);
    bosun_report_free(r);
}

static void test_format_names(void **state)
{
    (void)state;
    char names[256];
    snprintf(names, sizeof(names), "%s", bosun_format_names());
    int n = 0;
    for (char *tok = strtok(names, ", "); tok; tok = strtok(NULL, ", ")) {
        bosun_format f;
        assert_true(bosun_format_parse(tok, &f));
        n++;
    }
    assert_int_equal(n, 8);
    bosun_format f;
    assert_false(bosun_format_parse("yaml", &f));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_tty),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_sarif),
        cmocka_unit_test(test_checkstyle),
        cmocka_unit_test(test_gitlab),
        cmocka_unit_test(test_github),
        cmocka_unit_test(test_gnu),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_fingerprints),
        cmocka_unit_test(test_token_without_end),
        cmocka_unit_test(test_format_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
