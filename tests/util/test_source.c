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

/* srcmap_lookup_hint agrees with srcmap_lookup whatever the hint holds. */
static void test_srcmap_lookup_hint(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    /* 40 segments of 7 bytes, each from a source place of its own, the
     * first starting at derived offset 3 (offsets before it clamp). */
    srcmap m = {0};
    for (size_t k = 0; k < 40; k++)
        srcmap_add(&m, &a, 3 + 7 * k, 1000 - 20 * k);
    assert_int_equal(m.n, 40);
    const size_t limit = 3 + 7 * 40 + 10;

    size_t hint = 0; /* offsets going up, as a parser reads */
    for (size_t d = 0; d < limit; d++)
        assert_int_equal(srcmap_lookup_hint(&m, d, &hint), srcmap_lookup(&m, d));
    assert_int_equal(hint, m.n - 1);
    for (size_t d = limit; d-- > 0;) /* and down */
        assert_int_equal(srcmap_lookup_hint(&m, d, &hint), srcmap_lookup(&m, d));
    assert_int_equal(hint, 0);
    /* Jumps both ways, and hints that point anywhere, even past the end. */
    unsigned x = 12345;
    for (int k = 0; k < 2000; k++) {
        x = x * 1103515245u + 12345u;
        size_t d = (x >> 8) % limit;
        if (k % 3 == 0)
            hint = (x >> 4) % (m.n + 5);
        if (k % 7 == 0)
            hint = (size_t)-1;
        assert_int_equal(srcmap_lookup_hint(&m, d, &hint), srcmap_lookup(&m, d));
        assert_true(hint < m.n);
    }

    /* No map, an empty map, one segment. */
    hint = 3;
    assert_int_equal(srcmap_lookup_hint(NULL, 7, &hint), 7);
    srcmap empty = {0};
    assert_int_equal(srcmap_lookup_hint(&empty, 9, &hint), 9);
    srcmap one = {0};
    srcmap_add(&one, &a, 2, 40);
    hint = 5;
    assert_int_equal(srcmap_lookup_hint(&one, 0, &hint), 40);
    assert_int_equal(srcmap_lookup_hint(&one, 6, &hint), 44);
    assert_int_equal(hint, 0);
    arena_release(&a);
}

/* Composition the plain way, searching the outer map at every step: what
 * srcmap_compose must produce, segment for segment. */
static srcmap *reference_compose(arena *a, const srcmap *inner, size_t inner_len,
                                 const srcmap *outer)
{
    srcmap *r = ARENA_NEW(a, srcmap);
    for (size_t i = 0; i < inner->n; i++) {
        size_t d0 = inner->segs[i].dst, s0 = inner->segs[i].src;
        size_t d1 = i + 1 < inner->n ? inner->segs[i + 1].dst : inner_len;
        size_t d = d0;
        while (d < d1 || d == d0) {
            size_t s = s0 + (d - d0);
            srcmap_add(r, a, d, srcmap_lookup(outer, s));
            size_t next = 0;
            while (next < outer->n && outer->segs[next].dst <= s)
                next++;
            if (next >= outer->n)
                break;
            size_t nd = d + (outer->segs[next].dst - s);
            if (nd >= d1)
                break;
            d = nd;
        }
    }
    return r;
}

static unsigned next_random(unsigned *x)
{
    *x = *x * 1103515245u + 12345u;
    return *x >> 8;
}

static void test_srcmap_compose_random(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    unsigned x = 777;
    for (int round = 0; round < 500; round++) {
        /* An outer text of outer_len bytes in pieces, maybe starting after
         * 0 (lookups before the first piece clamp), and an inner text
         * taken from pieces of it, forwards and backwards. */
        size_t outer_len = 20 + next_random(&x) % 200;
        srcmap outer = {0}, inner = {0};
        for (size_t d = next_random(&x) % 3; d < outer_len; d += 1 + next_random(&x) % 20)
            srcmap_add(&outer, &a, d, 1000 + next_random(&x) % 5000);
        size_t inner_len = 3 + next_random(&x) % 120;
        for (size_t d = next_random(&x) % 3; d < inner_len; d += 1 + next_random(&x) % 15)
            srcmap_add(&inner, &a, d, next_random(&x) % outer_len);
        srcmap *got = srcmap_compose(&a, &inner, inner_len, &outer);
        srcmap *want = reference_compose(&a, &inner, inner_len, &outer);
        assert_int_equal(got->n, want->n);
        for (size_t k = 0; k < got->n; k++) {
            assert_int_equal(got->segs[k].dst, want->segs[k].dst);
            assert_int_equal(got->segs[k].src, want->segs[k].src);
        }
        /* Where nothing clamps, the result maps as the two maps do. */
        if (outer.segs[0].dst == 0)
            for (size_t d = inner.segs[0].dst; d < inner_len; d++)
                assert_int_equal(srcmap_lookup(got, d),
                                 srcmap_lookup(&outer, srcmap_lookup(&inner, d)));
    }
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
        cmocka_unit_test(test_srcmap_lookup_hint),
        cmocka_unit_test(test_srcmap_compose_random),
        cmocka_unit_test(test_arena_push),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
