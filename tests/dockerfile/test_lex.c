/* BuildKit's word processing and variable substitution (shell/lex.go). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "dockerfile/lex.h"
#include "df_test.h"

/* A fixed environment: A=a, EMPTY=, PATH=/usr/bin:/bin, FILE=archive.tar.gz,
 * UNKNOWN is unknown, everything else is unset. */
static df_var_state env(void *ctx, const char *name, size_t len,
                        const char **v, size_t *vn)
{
    (void)ctx;
    static const char *const vars[][2] = {
        {"A", "a"}, {"EMPTY", ""}, {"PATH", "/usr/bin:/bin"},
        {"FILE", "archive.tar.gz"}, {"SP", "x y"},
    };
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        if (strlen(vars[i][0]) == len && !memcmp(vars[i][0], name, len)) {
            *v = vars[i][1];
            *vn = strlen(vars[i][1]);
            return DF_VAR_SET;
        }
    if (len == 7 && !memcmp(name, "UNKNOWN", 7))
        return DF_VAR_UNKNOWN;
    return DF_VAR_UNSET;
}

static df_lex_result run(arena *a, const char *s, char escape)
{
    df_lex_opts o = {.escape = escape, .lookup = env};
    df_lex_result r;
    df_lex_process(a, s, strlen(s), &o, &r);
    return r;
}

static const char *word(arena *a, const char *s)
{
    df_lex_result r = run(a, s, '\\');
    if (r.error)
        fail_msg("unexpected error for %s: %s", s, r.error);
    return r.value;
}

static const char *error_of(arena *a, const char *s)
{
    df_lex_result r = run(a, s, '\\');
    if (!r.error)
        fail_msg("expected an error for %s, got '%s'", s, r.value);
    return r.error;
}

static void test_plain_and_braced(void **state)
{
    arena *a = *state;
    assert_string_equal(word(a, "$A"), "a");
    assert_string_equal(word(a, "${A}b"), "ab");
    assert_string_equal(word(a, "$Ab"), ""); /* the name is Ab */
    assert_string_equal(word(a, "x$NOPE-y"), "x-y");
    assert_string_equal(word(a, "$"), "$");
    assert_string_equal(word(a, "a$ b"), "a$ b");
    assert_string_equal(word(a, "$1x"), "x");
    assert_string_equal(word(a, "\\$A"), "$A");
}

static void test_defaults_and_alternatives(void **state)
{
    arena *a = *state;
    assert_string_equal(word(a, "${NOPE:-def}"), "def");
    assert_string_equal(word(a, "${EMPTY:-def}"), "def");
    assert_string_equal(word(a, "${EMPTY-def}"), "");
    assert_string_equal(word(a, "${NOPE-def}"), "def");
    assert_string_equal(word(a, "${A:-def}"), "a");
    assert_string_equal(word(a, "${A:+alt}"), "alt");
    assert_string_equal(word(a, "${EMPTY:+alt}"), "");
    assert_string_equal(word(a, "${EMPTY+alt}"), "alt");
    assert_string_equal(word(a, "${NOPE+alt}"), "");
    assert_string_equal(word(a, "${NOPE:-${A}x}"), "ax");
    assert_string_equal(word(a, "${A:?must}"), "a");
    assert_string_equal(error_of(a, "${NOPE:?must be set}"), "NOPE: must be set");
    assert_string_equal(error_of(a, "${NOPE?}"), "NOPE: is not allowed to be unset");
    assert_string_equal(error_of(a, "${EMPTY:?}"), "EMPTY: is not allowed to be empty");
    assert_string_equal(word(a, "${EMPTY?}"), "");
}

static void test_patterns(void **state)
{
    arena *a = *state;
    assert_string_equal(word(a, "${FILE#*.}"), "tar.gz");
    assert_string_equal(word(a, "${FILE##*.}"), "gz");
    assert_string_equal(word(a, "${FILE%.*}"), "archive.tar");
    assert_string_equal(word(a, "${FILE%%.*}"), "archive");
    assert_string_equal(word(a, "${FILE#nomatch}"), "archive.tar.gz");
    assert_string_equal(word(a, "${PATH/bin/sbin}"), "/usr/sbin:/bin");
    assert_string_equal(word(a, "${PATH//bin/sbin}"), "/usr/sbin:/sbin");
    assert_string_equal(word(a, "${PATH//:}"), "/usr/bin/bin");
    assert_string_equal(word(a, "${FILE/a?c/X}"), "Xhive.tar.gz");
    assert_string_equal(word(a, "${FILE/[ar]*/}"), "");
    assert_string_equal(error_of(a, "${FILE:#x}"),
                        "unsupported modifier (:#) in substitution");
    assert_string_equal(error_of(a, "${FILE:%x}"),
                        "unsupported modifier (:%) in substitution");
}

static void test_bad_substitutions(void **state)
{
    arena *a = *state;
    assert_string_equal(error_of(a, "${}"), "syntax error: bad substitution");
    assert_string_equal(error_of(a, "${:x}"), "syntax error: bad substitution");
    assert_string_equal(error_of(a, "${{x}"), "syntax error: bad substitution");
    assert_string_equal(error_of(a, "${A"), "syntax error: missing '}'");
    assert_string_equal(error_of(a, "${A:-x"), "syntax error: missing '}'");
    assert_string_equal(error_of(a, "${"), "syntax error: missing '}'");
    assert_string_equal(error_of(a, "${A!}"), "unsupported modifier (!) in substitution");
    assert_string_equal(error_of(a, "'abc"), "unexpected end of statement while "
                                             "looking for matching single-quote");
    assert_string_equal(error_of(a, "\"abc"), "unexpected end of statement while "
                                              "looking for matching double-quote");
}

static void test_quotes_and_escapes(void **state)
{
    arena *a = *state;
    assert_string_equal(word(a, "'$A'"), "$A");
    assert_string_equal(word(a, "\"$A b\""), "a b");
    assert_string_equal(word(a, "\"\\$A\""), "$A");
    assert_string_equal(word(a, "\"\\n\""), "\\n"); /* kept inside "" */
    assert_string_equal(word(a, "\\n"), "n");
    assert_string_equal(word(a, "a\\"), "a");     /* escape at the end */
    df_lex_result r = run(a, "`$A C:\\dir", '`');
    assert_string_equal(r.value, "$A C:\\dir");
}

static void test_word_splitting(void **state)
{
    arena *a = *state;
    df_lex_result r = run(a, " one \"two three\"  $SP ''x '' ", '\\');
    assert_null(r.error);
    assert_int_equal(r.nwords, 5);
    assert_string_equal(r.words[0], "one");
    assert_string_equal(r.words[1], "two three");
    assert_string_equal(r.words[2], "x"); /* $SP splits */
    assert_string_equal(r.words[3], "y");
    assert_string_equal(r.words[4], "x"); /* '' alone is no word */
}

static void test_raw_and_skip_unset(void **state)
{
    arena *a = *state;
    df_lex_opts o = {.escape = '\\', .raw_quotes = true, .raw_escapes = true,
                     .skip_unset = true, .lookup = env};
    df_lex_result r;
    const char *in = "x \"$A\" '$B' \\$C ${NOPE:-d}";
    assert_true(df_lex_process(a, in, strlen(in), &o, &r));
    assert_int_equal(r.nwords, 5);
    assert_string_equal(r.words[1], "\"a\"");
    assert_string_equal(r.words[2], "'$B'");
    assert_string_equal(r.words[3], "\\$C");
    assert_string_equal(r.words[4], "${NOPE:-d}");
}

static void test_unknown_values(void **state)
{
    arena *a = *state;
    df_lex_result r = run(a, "reg/${UNKNOWN}/img:$UNKNOWN", '\\');
    assert_null(r.error);
    assert_true(r.unknown);
    assert_string_equal(r.value, "reg/${UNKNOWN}/img:$UNKNOWN");
    assert_int_equal(r.nunknown, 2);
    assert_int_equal(r.unknown_spans[0].off, 4);
    assert_int_equal(r.unknown_spans[0].len, 10);
    assert_int_equal(r.unknown_spans[1].off, 19);
    r = run(a, "${UNKNOWN:-x}", '\\');
    assert_true(r.unknown);
    assert_string_equal(r.value, "${UNKNOWN:-x}");
    r = run(a, "plain", '\\');
    assert_false(r.unknown);
}

static void test_hostile_inputs(void **state)
{
    arena *a = *state;
    /* Deep nesting is refused, not a stack overflow. */
    strbuf sb;
    sb_init(&sb);
    for (int i = 0; i < 5000; i++)
        sb_puts(&sb, "${A:-");
    df_lex_opts o = {.escape = '\\', .lookup = env};
    df_lex_result r;
    assert_false(df_lex_process(a, sb.data, sb.len, &o, &r));
    sb_free(&sb);
    /* Patterns on long values stay fast. */
    assert_true(df_glob_match("*a*b*c*d*", 9,
                              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 43) == false);
    assert_true(df_glob_match("a\\*", 3, "a*", 2));
    assert_false(df_glob_match("a\\*", 3, "ab", 2));
    assert_true(df_glob_match("[!a]x", 5, "bx", 2));
    assert_true(df_glob_match("[a-c]", 5, "b", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plain_and_braced, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_defaults_and_alternatives, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_patterns, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_bad_substitutions, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_quotes_and_escapes, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_word_splitting, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_raw_and_skip_unset, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_values, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_hostile_inputs, arena_setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
