/*
 * containerd's platform matcher (platforms.Only and Normalize): which
 * platforms a wanted one accepts, best first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "image/platform.h"

static arena a;

static const char *vector(const char *want)
{
    img_platform w;
    assert_true(platform_parse(&a, want, &w));
    platform_matcher m;
    platform_matcher_init(&a, &m, &w);
    const char *out = "";
    for (size_t i = 0; i < m.n; i++)
        out = arena_printf(&a, "%s%s%s", out, i ? " " : "",
                           platform_format(&a, &m.items[i]));
    return out;
}

static int rank(const char *want, const char *os, const char *arch,
                const char *variant)
{
    img_platform w, p = {.os = os, .arch = arch, .variant = variant};
    assert_true(platform_parse(&a, want, &w));
    platform_matcher m;
    platform_matcher_init(&a, &m, &w);
    return platform_rank(&a, &m, &p);
}

static void test_vectors(void **state)
{
    (void)state;
    arena_init(&a);
    assert_string_equal(vector("linux/amd64"), "linux/amd64 linux/386");
    assert_string_equal(vector("linux/amd64/v3"),
                        "linux/amd64/v3 linux/amd64/v2 linux/amd64 linux/386");
    assert_string_equal(vector("linux/arm/v7"),
                        "linux/arm/v7 linux/arm/v6 linux/arm/v5");
    assert_string_equal(vector("linux/arm"),
                        "linux/arm/v7 linux/arm/v6 linux/arm/v5");
    assert_string_equal(vector("linux/arm64"),
                        "linux/arm64 linux/arm/v8 linux/arm/v7 linux/arm/v6 "
                        "linux/arm/v5");
    assert_string_equal(vector("linux/arm64/v8.2"),
                        "linux/arm64/v8.2 linux/arm64/v8.1 linux/arm64 "
                        "linux/arm/v8 linux/arm/v7 linux/arm/v6 linux/arm/v5");
    assert_string_equal(vector("linux/arm64/v9.1"),
                        "linux/arm64/v9.1 linux/arm64/v9 linux/arm64/v8.6 "
                        "linux/arm64/v8.5 linux/arm64/v8.4 linux/arm64/v8.3 "
                        "linux/arm64/v8.2 linux/arm64/v8.1 linux/arm64 "
                        "linux/arm/v8 linux/arm/v7 linux/arm/v6 linux/arm/v5");
    assert_string_equal(vector("linux/arm64/v7"), "");
    assert_string_equal(vector("linux/s390x"), "linux/s390x");
    assert_string_equal(vector("linux/x86_64"), "linux/amd64 linux/386");
    arena_release(&a);
}

static void test_ranks(void **state)
{
    (void)state;
    arena_init(&a);
    assert_int_equal(rank("linux/amd64", "linux", "amd64", NULL), 0);
    assert_int_equal(rank("linux/amd64", "Linux", "X86_64", "v1"), 0);
    assert_int_equal(rank("linux/amd64", NULL, "amd64", NULL), 0);
    assert_int_equal(rank("linux/amd64", "", "amd64", ""), 0);
    assert_int_equal(rank("linux/amd64", "linux", "i386", NULL), 1);
    assert_int_equal(rank("linux/amd64", "linux", "amd64", "v2"), -1);
    assert_int_equal(rank("linux/amd64", "unknown", "unknown", NULL), -1);
    assert_int_equal(rank("linux/amd64", "windows", "amd64", NULL), -1);
    assert_int_equal(rank("linux/arm64", "linux", "aarch64", "8"), 0);
    assert_int_equal(rank("linux/arm64", "linux", "arm64", "v8"), 0);
    assert_int_equal(rank("linux/arm64", "linux", "armhf", NULL), 2);
    assert_int_equal(rank("linux/arm/v7", "linux", "arm", "6"), 1);
    assert_int_equal(rank("linux/arm/v7", "linux", "armel", NULL), 1);
    assert_int_equal(rank("linux/arm/v7", "linux", "arm", "v8"), -1);
    /* os.features: platforms.Only(linux/amd64) wants none. */
    img_platform w, p = {.os = "linux", .arch = "amd64", .has_features = true};
    assert_true(platform_parse(&a, "linux/amd64", &w));
    platform_matcher m;
    platform_matcher_init(&a, &m, &w);
    assert_int_equal(platform_rank(&a, &m, &p), -1);
    assert_false(platform_parse(&a, "amd64", &w));
    assert_false(platform_parse(&a, "linux/", &w));
    assert_false(platform_parse(&a, "linux/arm/v7/x", &w));
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_ranks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
