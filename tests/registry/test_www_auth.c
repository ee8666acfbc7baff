/* WWW-Authenticate challenges (RFC 7235) and the one the client answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "registry/www_auth.h"
#include "test_arena.h"

static size_t parse(arena *a, const char *s, www_challenge *ch, bool want_ok)
{
    size_t n = 99;
    bool ok = www_auth_parse(a, s, strlen(s), ch, &n);
    if (ok != want_ok)
        fail_msg("%s: parse %s", s, ok ? "succeeded" : "failed");
    return n;
}

static void test_docker_hub(void **state)
{
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    size_t n = parse(*state,
                     "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                     "scope=\"repository:library/alpine:pull\"",
                     ch, true);
    assert_int_equal(n, 1);
    assert_string_equal(ch[0].scheme, "bearer");
    assert_int_equal(ch[0].nparams, 3);
    www_auth_choice c = www_auth_choose(ch, n);
    assert_int_equal(c.kind, WWW_AUTH_BEARER);
    assert_string_equal(c.realm, "https://auth.docker.io/token");
    assert_string_equal(c.service, "registry.docker.io");
    assert_string_equal(c.scope, "repository:library/alpine:pull");
    assert_null(c.error);
}

/* RFC 7235 section 4.1's example: two challenges, the first with three
 * parameters, one of them a quoted string with escaped quotes. */
static void test_rfc_example(void **state)
{
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    size_t n = parse(*state,
                     "Newauth realm=\"apps\", type=1,\n"
                     "                       title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"",
                     ch, false);
    /* A line break is not OWS: parsing stops there, keeping the first
     * challenge as far as it went. */
    assert_int_equal(n, 1);
    assert_int_equal(ch[0].nparams, 2);

    n = parse(*state,
              "Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", "
              "Basic realm=\"simple\"",
              ch, true);
    assert_int_equal(n, 2);
    assert_string_equal(ch[0].scheme, "newauth");
    assert_int_equal(ch[0].nparams, 3);
    assert_string_equal(www_auth_param(&ch[0], "realm"), "apps");
    assert_string_equal(www_auth_param(&ch[0], "type"), "1");
    assert_string_equal(www_auth_param(&ch[0], "title"), "Login to \"apps\"");
    assert_string_equal(ch[1].scheme, "basic");
    assert_string_equal(www_auth_param(&ch[1], "realm"), "simple");
    www_auth_choice c = www_auth_choose(ch, n);
    assert_int_equal(c.kind, WWW_AUTH_BASIC);
    assert_string_equal(c.realm, "simple");
}

static void test_case_insensitive(void **state)
{
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    size_t n = parse(*state, "BEARER REALM=\"https://t/x\", Service=Reg, SCOPE=\"a b\"", ch,
                     true);
    assert_int_equal(n, 1);
    www_auth_choice c = www_auth_choose(ch, n);
    assert_int_equal(c.kind, WWW_AUTH_BEARER);
    assert_string_equal(c.realm, "https://t/x");
    assert_string_equal(c.service, "Reg");   /* values keep their case */
    assert_string_equal(c.scope, "a b");
}

static void test_escapes_and_commas(void **state)
{
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    size_t n = parse(*state,
                     "Bearer realm=\"https://x/token?a=1,b=2\", service=\"a\\\\b\\\"c\\d\"", ch,
                     true);
    assert_int_equal(n, 1);
    assert_string_equal(www_auth_param(&ch[0], "realm"), "https://x/token?a=1,b=2");
    assert_string_equal(www_auth_param(&ch[0], "service"), "a\\b\"cd");
    /* A tab is allowed in a quoted string, escaped or not. */
    n = parse(*state, "Basic realm=\"a\tb\\\tc\"", ch, true);
    assert_string_equal(www_auth_param(&ch[0], "realm"), "a\tb\tc");
}

static void test_whitespace_and_empty_elements(void **state)
{
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    size_t n = parse(*state, " , ,Bearer realm = \"r\" ,\t service=\ts , , Basic ,", ch, true);
    assert_int_equal(n, 2);
    assert_string_equal(www_auth_param(&ch[0], "realm"), "r");
    assert_string_equal(www_auth_param(&ch[0], "service"), "s");
    assert_string_equal(ch[1].scheme, "basic");
    assert_int_equal(ch[1].nparams, 0);
    n = parse(*state, "", ch, true);
    assert_int_equal(n, 0);
}

static void test_token68(void **state)
{
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    size_t n = parse(*state, "Negotiate YWxhZGRpbjpvcGVuc2VzYW1l==, Basic realm=\"x\"", ch,
                     true);
    assert_int_equal(n, 2);
    assert_string_equal(ch[0].scheme, "negotiate");
    assert_string_equal(ch[0].token68, "YWxhZGRpbjpvcGVuc2VzYW1l==");
    assert_int_equal(ch[0].nparams, 0);
    assert_string_equal(www_auth_param(&ch[1], "realm"), "x");
    /* "a=b" is a parameter, not a token68 "a=" followed by junk. */
    n = parse(*state, "Foo a=b", ch, true);
    assert_null(ch[0].token68);
    assert_string_equal(www_auth_param(&ch[0], "a"), "b");
    n = parse(*state, "Foo abc=", ch, true);
    assert_string_equal(ch[0].token68, "abc=");
    /* So is "realm=" with nothing after it: a token68, not a parameter. */
    n = parse(*state, "Bearer realm=", ch, true);
    assert_string_equal(ch[0].token68, "realm=");
    assert_int_equal(www_auth_choose(ch, n).kind, WWW_AUTH_NONE);
}

static void test_malformed_keeps_earlier(void **state)
{
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    static const char *const broken[] = {
        "Basic realm=\"x\", Bearer realm=\"unterminated",
        "Basic realm=\"x\", Bearer realm=\"a\" junk",
        "Basic realm=\"x\", Bearer realm==x",
        "Basic realm=\"x\", Bearer realm=\"a\x01\"",
        "Basic realm=\"x\", Bearer realm=\"a\\",
        "Basic realm=\"x\", Bearer foo bar",
        "Basic realm=\"x\", \"quoted\"",
        "Basic realm=\"x\", Bearer\x7f",
    };
    for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
        size_t n = parse(*state, broken[i], ch, false);
        if (n != 1)
            fail_msg("%s: %zu challenges", broken[i], n);
        assert_string_equal(www_auth_param(&ch[0], "realm"), "x");
        /* What could be read is still usable. */
        assert_int_equal(www_auth_choose(ch, n).kind, WWW_AUTH_BASIC);
    }
}

/* Parameters cannot follow a token68. */
static void test_token68_then_params(void **state)
{
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    size_t n = parse(*state, "Basic realm=\"x\", Bearer tok68=, realm=y", ch, false);
    assert_int_equal(n, 2);
    assert_string_equal(ch[1].token68, "tok68=");
    assert_int_equal(ch[1].nparams, 0);
}

static void test_bounds(void **state)
{
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    char buf[2048] = "";
    for (int i = 0; i < WWW_AUTH_MAX_CHALLENGES + 1; i++)
        strcat(buf, i ? ", Basic" : "Basic");
    size_t n = parse(*state, buf, ch, false);
    assert_int_equal(n, WWW_AUTH_MAX_CHALLENGES);

    strcpy(buf, "Bearer ");
    for (int i = 0; i < WWW_AUTH_MAX_PARAMS + 1; i++)
        strcat(buf, i ? ", p=1" : "p=1");
    n = parse(*state, buf, ch, false);
    assert_int_equal(n, 0);
}

static void test_choose(void **state)
{
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    /* Bearer (with a realm) is answered before Basic, wherever it is. */
    size_t n = parse(*state, "Basic realm=\"b\", Bearer realm=\"https://t\"", ch, true);
    assert_int_equal(www_auth_choose(ch, n).kind, WWW_AUTH_BEARER);
    /* A Bearer without a realm cannot be answered. */
    n = parse(*state, "Bearer service=x, Basic realm=\"b\"", ch, true);
    assert_int_equal(www_auth_choose(ch, n).kind, WWW_AUTH_BASIC);
    n = parse(*state, "Bearer", ch, true);
    assert_int_equal(www_auth_choose(ch, n).kind, WWW_AUTH_NONE);
    n = parse(*state, "Bearer realm=\"\"", ch, true);
    assert_int_equal(www_auth_choose(ch, n).kind, WWW_AUTH_NONE);
    n = parse(*state, "Digest realm=\"x\", nonce=\"y\"", ch, true);
    assert_int_equal(www_auth_choose(ch, n).kind, WWW_AUTH_NONE);
    /* A repeated parameter: the last one counts. */
    n = parse(*state, "Bearer realm=\"https://a\", realm=\"https://b\", error=insufficient_scope",
              ch, true);
    www_auth_choice c = www_auth_choose(ch, n);
    assert_string_equal(c.realm, "https://b");
    assert_string_equal(c.error, "insufficient_scope");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_docker_hub, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rfc_example, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_insensitive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escapes_and_commas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whitespace_and_empty_elements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token68, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_keeps_earlier, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token68_then_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_choose, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
