/* The streaming JSON writer: structure, escaping, numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/jsonw.h"

/* Runs `fill` on a writer over a memory stream and returns the text. */
static char *render(void (*fill)(jsonw *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    jsonw w;
    jw_init(&w, f);
    fill(&w);
    assert_true(jw_finish(&w));
    fclose(f);
    return buf;
}

static void fill_structure(jsonw *w)
{
    jw_object_begin(w);
    jw_kv_string(w, "a", "x");
    jw_key(w, "list");
    jw_array_begin(w);
    jw_int(w, 0);
    jw_int(w, -42);
    jw_int(w, 1234567890123LL);
    jw_bool(w, true);
    jw_null(w);
    jw_array_end(w);
    jw_key(w, "empty");
    jw_array_begin(w);
    jw_array_end(w);
    jw_key(w, "obj");
    jw_object_begin(w);
    jw_object_end(w);
    jw_object_end(w);
}

static void test_structure(void **state)
{
    (void)state;
    char *s = render(fill_structure);
    assert_string_equal(s, "{\n  \"a\": \"x\",\n  \"list\": [\n    0,\n    -42,\n"
                           "    1234567890123,\n    true,\n    null\n  ],\n"
                           "  \"empty\": [],\n  \"obj\": {}\n}\n");
    free(s);
}

static void fill_escapes(jsonw *w)
{
    jw_array_begin(w);
    jw_string(w, "q\"b\\n\nt\tc\x01 \x7f");
    jw_string(w, "\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80");
    jw_string(w, "bad \xff \xc3 end \xed\xa0\x80");
    jw_string_n(w, "nul\0in", 6);
    jw_string(w, NULL);
    jw_array_end(w);
}

static void test_escapes_and_utf8(void **state)
{
    (void)state;
    char *s = render(fill_escapes);
    assert_string_equal(s, "[\n  \"q\\\"b\\\\n\\nt\\tc\\u0001 \x7f\",\n"
                           "  \"\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80\",\n"
                           "  \"bad \xef\xbf\xbd \xef\xbf\xbd end \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",\n"
                           "  \"nul\\u0000in\",\n  \"\"\n]\n");
    free(s);
}

static void fill_large(jsonw *w)
{
    jw_array_begin(w);
    for (int i = 0; i < 20000; i++)
        jw_string(w, "0123456789");
    jw_array_end(w);
}

static void test_flushes_large_documents(void **state)
{
    (void)state;
    char *s = render(fill_large);
    size_t n = strlen(s);
    /* "[" + 20000 x "\\n  \"0123456789\"" + 19999 commas + "\\n]\\n" */
    assert_int_equal(n, 1 + 20000 * 15 + 19999 + 3);
    assert_string_equal(s + n - 5, "9\"\n]\n");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_escapes_and_utf8),
        cmocka_unit_test(test_flushes_large_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
