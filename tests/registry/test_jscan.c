/* The JSON reader for auth files, helpers' and token servers' answers and
 * registries' error bodies; and base64. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/base64.h"
#include "registry/jscan.h"
#include "util/strbuf.h"

/* Each value as "path=kind:value" lines, paths like ".a[2].b". */
static void record(void *ctx, const jscan_path *p, jscan_kind k, const char *v, size_t n)
{
    strbuf *sb = ctx;
    for (size_t i = 0; i < p->depth; i++) {
        if (p->key[i])
            sb_printf(sb, ".%.*s", (int)p->key_len[i], p->key[i]);
        else
            sb_printf(sb, "[%zu]", p->index[i]);
    }
    static const char *const kinds[] = {"s", "n", "t", "f", "null", "{", "["};
    sb_printf(sb, "=%s", kinds[k]);
    if (v) {
        sb_putc(sb, ':');
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)v[i];
            if (c < 0x20 || c >= 0x7f)
                sb_printf(sb, "\\x%02x", c);
            else
                sb_putc(sb, (char)c);
        }
    }
    sb_putc(sb, '\n');
}

static char *scan(const char *doc, bool want_ok, const char **err)
{
    strbuf sb;
    sb_init(&sb);
    const char *e = NULL;
    bool ok = jscan(doc, strlen(doc), record, &sb, &e);
    if (ok != want_ok)
        fail_msg("%s: %s", doc, ok ? "accepted" : e);
    if (err)
        *err = e;
    sb_reserve(&sb, 1);
    return sb.data;
}

static void expect(const char *doc, const char *want)
{
    char *got = scan(doc, true, NULL);
    assert_string_equal(got, want);
    free(got);
}

static void test_paths(void **state)
{
    (void)state;
    expect("{\"auths\": {\"ghcr.io\": {\"auth\": \"eDp5\"}}, \"n\": [1, -2.5e3, true, false, null]}",
           "={\n"
           ".auths={\n"
           ".auths.ghcr.io={\n"
           ".auths.ghcr.io.auth=s:eDp5\n"
           ".n=[\n"
           ".n[0]=n:1\n"
           ".n[1]=n:-2.5e3\n"
           ".n[2]=t\n"
           ".n[3]=f\n"
           ".n[4]=null\n");
    expect(" \"top\" ", "=s:top\n");
    expect("[]", "=[\n");
    expect("{}", "={\n");
    expect("[[],{}]", "=[\n[0]=[\n[1]={\n");
}

static void test_strings(void **state)
{
    (void)state;
    expect("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "=s:a\"b\\c/d\\x08\\x0c\\x0a\\x0d\\x09\n");
    /* \u escapes: BMP, a surrogate pair, lone surrogates as U+FFFD. */
    expect("\"\\u00e9\\u20AC\"", "=s:\\xc3\\xa9\\xe2\\x82\\xac\n");
    expect("\"\\ud83d\\ude00\"", "=s:\\xf0\\x9f\\x98\\x80\n");
    expect("\"\\ud83dx\"", "=s:\\xef\\xbf\\xbdx\n");
    expect("\"\\ude00\"", "=s:\\xef\\xbf\\xbd\n");
    expect("\"\\u0000\"", "=s:\\x00\n");
    /* Keys are decoded too. */
    expect("{\"a\\u0062\": 1}", "={\n.ab=n:1\n");
}

static void test_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", " ", "{", "[1,]", "{\"a\"}", "{\"a\":}", "{a:1}", "[1 2]", "\"abc",
        "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "01", "1.", "-", "1e",
        "tru", "nul", "{} {}", "[1]]", "{\"a\":1,}", "\"\\", "+1", ".5",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *err;
        free(scan(bad[i], false, &err));
        assert_non_null(err);
    }
}

static void test_depth(void **state)
{
    (void)state;
    char doc[2 * JSCAN_MAX_DEPTH + 3];
    for (size_t d = JSCAN_MAX_DEPTH; d <= JSCAN_MAX_DEPTH + 1; d++) {
        memset(doc, '[', d);
        memset(doc + d, ']', d);
        doc[2 * d] = '\0';
        const char *err;
        free(scan(doc, d == JSCAN_MAX_DEPTH, &err));
    }
    /* A deep hostile document fails fast, without deep recursion. */
    size_t n = 1 << 20;
    char *deep = malloc(n + 1);
    memset(deep, '[', n);
    deep[n] = '\0';
    const char *err;
    free(scan(deep, false, &err));
    assert_string_equal(err, "nested too deeply");
    free(deep);
}

static void test_field_matching(void **state)
{
    (void)state;
    jscan_path p = {.depth = 1, .key = {"UserName"}, .key_len = {8}};
    assert_true(jscan_field(&p, 0, "username"));
    assert_true(jscan_field(&p, 0, "USERNAME"));
    assert_false(jscan_field(&p, 0, "user"));
    assert_false(jscan_key(&p, 0, "username"));
    assert_true(jscan_key(&p, 0, "UserName"));
    assert_false(jscan_field(&p, 1, "username"));
    jscan_path arr = {.depth = 1, .key = {NULL}, .index = {0}};
    assert_false(jscan_field(&arr, 0, ""));
}

static void b64_round(const char *in)
{
    char *enc = b64_encode(in, strlen(in));
    size_t n;
    char *dec = b64_decode(enc, strlen(enc), &n);
    assert_non_null(dec);
    assert_int_equal(n, strlen(in));
    assert_memory_equal(dec, in, n);
    free(enc);
    free(dec);
}

static void test_base64(void **state)
{
    (void)state;
    char *enc = b64_encode("user:pass", 9);
    assert_string_equal(enc, "dXNlcjpwYXNz");
    free(enc);
    enc = b64_encode("a", 1);
    assert_string_equal(enc, "YQ==");
    free(enc);
    enc = b64_encode("ab", 2);
    assert_string_equal(enc, "YWI=");
    free(enc);
    b64_round("");
    b64_round("a");
    b64_round("ab");
    b64_round("abc");
    b64_round("user:pa:ss\xff\x01");

    size_t n;
    char *d = b64_decode("YQ", 2, &n); /* padding left out */
    assert_non_null(d);
    assert_string_equal(d, "a");
    free(d);
    d = b64_decode("dXNl\r\ncjpw\nYXNz", 15, &n);
    assert_non_null(d);
    assert_string_equal(d, "user:pass");
    free(d);
    static const char *const bad[] = {"Y", "YQ=a", "YQ===", "Y Q=", "YQ!=", "====", "Y==="};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (b64_decode(bad[i], strlen(bad[i]), &n))
            fail_msg("%s decoded", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_field_matching),
        cmocka_unit_test(test_base64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
