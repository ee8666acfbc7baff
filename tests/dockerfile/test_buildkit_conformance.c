/*
 * Conformance with BuildKit's own parser test files, when available: every
 * file BuildKit's parser accepts must parse to the same AST (compared in
 * BuildKit's dump format with its `result` file), and every file it rejects
 * must be rejected.
 *
 * Point BOSUN_BUILDKIT_TESTDATA (CMake option or environment) at a copy of
 * frontend/dockerfile/parser with its testfiles/ and testfiles-negative/
 * directories (or positive/ and negative/). Without it the test is skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "df_test.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

static const char *first_existing(const char *base, const char *a,
                                  const char *b, char *out, size_t outsz)
{
    struct stat st;
    snprintf(out, outsz, "%s/%s", base, a);
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
        return out;
    snprintf(out, outsz, "%s/%s", base, b);
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
        return out;
    return NULL;
}

static int run_dir(const char *dir, bool positive, int *checked)
{
    DIR *d = opendir(dir);
    if (!d)
        return 1;
    int failures = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096], result_path[4096];
        snprintf(path, sizeof(path), "%s/%s/Dockerfile", dir, e->d_name);
        size_t len;
        char *data = slurp(path, &len);
        if (!data)
            continue;
        arena a;
        arena_init(&a);
        df_error err;
        df_file *f = df_parse(&a, path, data, len, &err);
        (*checked)++;
        if (positive && !f) {
            fprintf(stderr, "rejected %s: line %u: %s\n", e->d_name, err.line,
                    err.message);
            failures++;
        } else if (!positive && f) {
            fprintf(stderr, "accepted %s, BuildKit rejects it\n", e->d_name);
            failures++;
        } else if (positive) {
            snprintf(result_path, sizeof(result_path), "%s/%s/result", dir,
                     e->d_name);
            size_t rlen;
            char *want = slurp(result_path, &rlen);
            if (want) {
                strbuf sb;
                sb_init(&sb);
                dump_file(&sb, f);
                if (sb.len != rlen || memcmp(sb.data, want, rlen) != 0) {
                    fprintf(stderr, "AST differs for %s:\n%s\nBuildKit:\n%.*s\n",
                            e->d_name, sb.data, (int)rlen, want);
                    failures++;
                }
                sb_free(&sb);
                free(want);
            }
        }
        arena_release(&a);
        free(data);
    }
    closedir(d);
    return failures;
}

static void test_buildkit_testfiles(void **state)
{
    (void)state;
    const char *base = getenv("BOSUN_BUILDKIT_TESTDATA");
    if (!base || !*base)
        skip();
    char pos_dir[4096], neg_dir[4096];
    const char *pos = first_existing(base, "testfiles", "positive", pos_dir,
                                     sizeof(pos_dir));
    const char *neg = first_existing(base, "testfiles-negative", "negative",
                                     neg_dir, sizeof(neg_dir));
    assert_non_null(pos);
    assert_non_null(neg);
    int checked = 0;
    int failures = run_dir(pos, true, &checked) + run_dir(neg, false, &checked);
    fprintf(stderr, "checked %d BuildKit test files\n", checked);
    assert_true(checked > 0);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buildkit_testfiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
