/* Positions: line/column lookup and derived-text maps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/arena.h"
#include "util/source.h"

static void test_positions(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    const char *text = "FROM a\n\xc3\xa9x y\nlast";
    source src;
    source_init(&src, &a, "f", text, strlen(text));
    assert_int_equal(src.nlines, 3);
    src_pos p = source_position(&src, 0);
    assert_int_equal(p.line, 1);
    assert_int_equal(p.col, 1);
    p = source_position(&src, 5);
    assert_int_equal(p.col, 6);
    /* 'x' follows a two-byte character: column 2, not 3. */
    p = source_position(&src, 9);
    assert_int_equal(p.line, 2);
    assert_int_equal(p.col, 2);
    p = source_position(&src, strlen(text));
    assert_int_equal(p.line, 3);
    assert_int_equal(p.col, 5);
    size_t n;
    const char *l = source_line_text(&src, 2, &n);
    assert_int_equal(n, 5);
    assert_memory_equal(l, "\xc3\xa9x y", 5);
    arena_release(&a);
}

static void test_bom_is_not_a_column(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    const char *text = "\xEF\xBB\xBF" "FROM a";
    source src;
    source_init(&src, &a, "f", text, strlen(text));
    src_pos p = source_position(&src, 3);
    assert_int_equal(p.col, 1);
    arena_release(&a);
}

static void test_srcmap_and_compose(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    /* derived "abcdef": "abc" from source 10.., "def" from source 50.. */
    srcmap outer = {0};
    srcmap_add(&outer, &a, 0, 10);
    srcmap_add(&outer, &a, 1, 11); /* continuous: no new segment */
    srcmap_add(&outer, &a, 3, 50);
    assert_int_equal(outer.n, 2);
    assert_int_equal(srcmap_lookup(&outer, 2), 12);
    assert_int_equal(srcmap_lookup(&outer, 4), 51);
    assert_int_equal(srcmap_lookup(NULL, 7), 7);

    /* inner text "cde" taken from derived offsets 2..5 */
    srcmap inner = {0};
    srcmap_add(&inner, &a, 0, 2);
    srcmap *c = srcmap_compose(&a, &inner, 3, &outer);
    assert_int_equal(srcmap_lookup(c, 0), 12);
    assert_int_equal(srcmap_lookup(c, 1), 50);
    assert_int_equal(srcmap_lookup(c, 2), 51);
    arena_release(&a);
}

static void test_arena_push(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    int *items = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 1000; i++)
        *ARENA_PUSH(&a, items, n, cap) = i;
    assert_int_equal(n, 1000);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(items[i], i);
    char *big = arena_alloc(&a, 1 << 20);
    memset(big, 1, 1 << 20);
    assert_string_equal(arena_printf(&a, "%s-%d", "x", 42), "x-42");
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_bom_is_not_a_column),
        cmocka_unit_test(test_srcmap_and_compose),
        cmocka_unit_test(test_arena_push),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
