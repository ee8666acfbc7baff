/* The hadolint correspondence table: well-formed, and every rule it names
 * is in the catalog. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "bosun/bosun.h"
#include "rules/hadolint_map.h"

static bool well_formed_code(const char *code)
{
    if (strncmp(code, "DL", 2) != 0 || strlen(code) != 6)
        return false;
    return strspn(code + 2, "0123456789") == 4;
}

static void test_every_rule_exists(void **state)
{
    (void)state;
    size_t mapped = 0;
    for (size_t i = 0; i < hadolint_map_count(); i++) {
        const hadolint_mapping *m = hadolint_map_at(i);
        assert_non_null(m->checks);
        assert_true(m->checks[0] != '\0');
        if (!m->rule_id) {
            assert_null(m->note);
            assert_false(m->removed); /* a removed code is listed for its rule */
            continue;
        }
        mapped++;
        if (!bosun_rule_find(m->rule_id))
            fail_msg("%s maps to %s, which is not a rule", m->code, m->rule_id);
    }
    assert_true(mapped > 0);
    assert_null(hadolint_map_at(hadolint_map_count()));
}

static void test_codes_unique_and_sorted(void **state)
{
    (void)state;
    for (size_t i = 0; i < hadolint_map_count(); i++) {
        const char *code = hadolint_map_at(i)->code;
        if (!well_formed_code(code))
            fail_msg("'%s' is not a DL code", code);
        if (i > 0 && strcmp(hadolint_map_at(i - 1)->code, code) >= 0)
            fail_msg("%s is listed after %s: duplicate or out of order", code,
                     hadolint_map_at(i - 1)->code);
        for (size_t k = 0; k < i; k++)
            if (strcmp(hadolint_map_at(k)->code, code) == 0)
                fail_msg("%s is listed twice", code);
        assert_ptr_equal(hadolint_map_find(code), hadolint_map_at(i));
    }
}

/* The pragma parser keeps each rule of a comment once, in an array of 32:
 * the table must map to fewer distinct rules than that. */
static void test_few_distinct_rules(void **state)
{
    (void)state;
    size_t distinct = 0;
    for (size_t i = 0; i < hadolint_map_count(); i++) {
        const hadolint_mapping *m = hadolint_map_at(i);
        bool seen = false;
        for (size_t k = 0; m->rule_id && k < i; k++) {
            const char *other = hadolint_map_at(k)->rule_id;
            seen |= other && strcmp(other, m->rule_id) == 0;
        }
        distinct += m->rule_id && !seen;
    }
    assert_in_range(distinct, 1, 31);
}

static void test_lookup(void **state)
{
    (void)state;
    assert_string_equal(hadolint_map_find("DL3008")->rule_id, "unpinned-apt");
    assert_string_equal(hadolint_map_find("DL3002")->rule_id, "root-user");
    assert_null(hadolint_map_find("DL3059")->rule_id);
    assert_null(hadolint_map_find("DL9999"));
    assert_null(hadolint_map_find("dl3008")); /* hadolint is case-sensitive */
    assert_null(hadolint_map_find("unpinned-apt"));
    assert_null(hadolint_map_find(""));

    assert_true(hadolint_is_code("DL3008"));
    assert_true(hadolint_is_code("SC2086"));
    assert_false(hadolint_is_code("dl3008"));
    assert_false(hadolint_is_code("DL"));
    assert_false(hadolint_is_code("DL30x8"));
    assert_false(hadolint_is_code("DL3008 "));
    assert_false(hadolint_is_code("root-user"));
}

static void test_siblings(void **state)
{
    (void)state;
    char buf[64];
    hadolint_map_siblings(hadolint_map_find("DL3033"), buf, sizeof(buf));
    assert_string_equal(buf, "DL3037, DL3041");
    hadolint_map_siblings(hadolint_map_find("DL3008"), buf, sizeof(buf));
    assert_string_equal(buf, "");
    hadolint_map_siblings(hadolint_map_find("DL3059"), buf, sizeof(buf));
    assert_string_equal(buf, "");
    /* Truncated to what fits, never past the buffer. */
    hadolint_map_siblings(hadolint_map_find("DL3033"), buf, 9);
    assert_string_equal(buf, "DL3037");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rule_exists),
        cmocka_unit_test(test_codes_unique_and_sorted),
        cmocka_unit_test(test_few_distinct_rules),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_siblings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
