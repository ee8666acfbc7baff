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

/* A byte-at-a-time escaper to compare the writer with. */
static void reference_escape(const unsigned char *p, size_t n, char *out)
{
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c == '\n') {
            o += sprintf(o, "\\n");
        } else if (c < 0x20) {
            const char *named = c == '\r' ? "\\r" : c == '\t' ? "\\t"
                              : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
            o += named ? sprintf(o, "%s", named) : sprintf(o, "\\u%04x", c);
        } else if (c < 0x80) {
            *o++ = (char)c;
        } else if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
            *o++ = (char)c;
            *o++ = (char)p[++i];
        } else {
            o += sprintf(o, "\xEF\xBF\xBD"); /* the alphabet below has no longer sequences */
        }
        i++;
    }
    *o++ = '"';
    *o = '\0';
}

static const unsigned char *random_bytes;
static size_t random_len;

static void fill_random(jsonw *w)
{
    jw_string_n(w, (const char *)random_bytes, random_len);
}

/* Random strings over an alphabet rich in special bytes, at every length
 * and alignment: the word-at-a-time scan must agree with the byte loop. */
static void test_matches_reference_escaper(void **state)
{
    (void)state;
    static const unsigned char alphabet[] = "abcXYZ 09-_/\"\\\n\t\x01\x1f\x7f\xc3\xa9\xff";
    unsigned seed = 12345;
    unsigned char buf[64];
    char want[64 * 8 + 8];
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)(round % 40);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        random_bytes = buf;
        random_len = len;
        char *got = render(fill_random);
        reference_escape(buf, len, want);
        strcat(want, "\n");
        if (strcmp(got, want) != 0)
            fail_msg("round %d: got %s want %s", round, got, want);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_escapes_and_utf8),
        cmocka_unit_test(test_flushes_large_documents),
        cmocka_unit_test(test_matches_reference_escaper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
