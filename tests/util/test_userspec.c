/*
 * User specs as containerd (oci.WithUser: strings.Split on ':', Go's
 * strconv.Atoi, uint32 of the result before CVE-2024-40635) and runc
 * (libcontainer/user: the first two ':' parts, Atoi) read them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/text.h"
#include "util/userspec.h"

static void test_root_spellings(void **state)
{
    (void)state;
    /* Both runtimes run these as uid 0. */
    const char *root[] = {
        "0", "00", "root", "root:root", "0:1000", "+0", "-0", "+0:0",
        ":1000", ":", ":0", "", "0:0:extra",
        /* containerd < 1.7.27 / 2.0.4: uint32(v) of a multiple of 2^32. */
        "4294967296", "-4294967296", "8589934592:1",
        "ContainerAdministrator", "containeradministrator",
    };
    for (size_t i = 0; i < sizeof(root) / sizeof(root[0]); i++)
        if (!user_is_root(root[i]))
            fail_msg("%s should be root", root[i]);
    const char *not_root[] = {
        "1000", "1000:0", "app", "app:root", "+1000", "4294968296",
        "-1", "Root", "root2", " 0", "0 ", "0x0", "1_000",
        "99999999999999999999", /* beyond int64: Atoi fails, a name */
        "ContainerUser",
    };
    for (size_t i = 0; i < sizeof(not_root) / sizeof(not_root[0]); i++)
        if (user_is_root(not_root[i]))
            fail_msg("%s should not be root", not_root[i]);
}

static void test_parts(void **state)
{
    (void)state;
    user_spec u;
    user_spec_parse("app:staff", &u);
    assert_false(u.user_numeric);
    assert_non_null(u.name);
    assert_int_equal(u.name_len, 3);
    assert_memory_equal(u.name, "app", 3);
    assert_int_equal(u.group_len, 5);
    assert_memory_equal(u.group, "staff", 5);
    assert_false(u.extra_parts);

    user_spec_parse("-1", &u);
    assert_true(u.user_numeric);
    assert_int_equal(u.uid_value, -1);
    assert_int_equal(u.uid, UINT32_MAX);
    assert_false(u.uid_in_range);
    assert_null(u.name);
    assert_null(u.group);

    user_spec_parse("2147483647:1:2", &u);
    assert_true(u.uid_in_range);
    assert_true(u.extra_parts);
    user_spec_parse("2147483648", &u);
    assert_false(u.uid_in_range);

    user_spec_parse(":5", &u);
    assert_true(u.user_empty);
    assert_null(u.name);
    assert_string_equal(user_spec_root_reason(&u),
                        " (an empty user part runs as uid 0)");
    user_spec_parse("0", &u);
    assert_string_equal(user_spec_root_reason(&u), "");
}

static void test_atoi(void **state)
{
    (void)state;
    int64_t v;
    assert_true(go_atoi("9223372036854775807", 19, &v));
    assert_true(v == INT64_MAX);
    assert_true(go_atoi("-9223372036854775808", 20, &v));
    assert_true(v == INT64_MIN);
    assert_false(go_atoi("9223372036854775808", 19, &v));
    assert_false(go_atoi("-9223372036854775809", 20, &v));
    assert_false(go_atoi("+", 1, &v));
    assert_false(go_atoi("-", 1, &v));
    assert_false(go_atoi("", 0, &v));
    assert_false(go_atoi("++1", 3, &v));
    assert_true(go_atoi("007", 3, &v));
    assert_int_equal(v, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_spellings),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_atoi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
