/* Text helpers: hexadecimal digits and typo distances. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/text.h"

static void test_hex_value(void **state)
{
    (void)state;
    assert_int_equal(text_hex_value('0'), 0);
    assert_int_equal(text_hex_value('9'), 9);
    assert_int_equal(text_hex_value('a'), 10);
    assert_int_equal(text_hex_value('F'), 15);
    assert_int_equal(text_hex_value('g'), -1);
    assert_int_equal(text_hex_value('/'), -1);
    assert_int_equal(text_hex_value(-1), -1);
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(text_edit_distance("", "", false), 0);
    assert_int_equal(text_edit_distance("sudo", "sudo", false), 0);
    assert_int_equal(text_edit_distance("", "abc", false), 3);
    assert_int_equal(text_edit_distance("root-usr", "root-user", false), 1);
    assert_int_equal(text_edit_distance("kitten", "sitting", false), 3);
    /* Case counts only when asked to. */
    assert_int_equal(text_edit_distance("RUNN", "run", false), 4);
    assert_int_equal(text_edit_distance("RUNN", "run", true), 1);
    /* Words too long to be typos of each other are far from everything. */
    char longer[TEXT_EDIT_MAX + 2];
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_int_equal(text_edit_distance(longer, "a", false), TEXT_FAR);
    longer[TEXT_EDIT_MAX] = '\0';
    assert_int_equal(text_edit_distance(longer, "", false), TEXT_EDIT_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex_value),
        cmocka_unit_test(test_edit_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
