/* Shell front end: syntax errors, recovery, and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shell/shell.h"
#include "util/arena.h"
#include "test_arena.h"
#include "shell/shell_test.h"

/* Every structural promise of the API, checked on any result. */
static void check_invariants(const sh_script *s)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_command *c = s->cmds[i];
        assert_int_equal(c->index, i);
        if (c->parent) {
            assert_true(c->parent->index < c->index);
            assert_true(c->parent_word < (int)c->parent->argc);
        } else {
            assert_int_equal(c->parent_word, -1);
        }
        assert_true(c->off <= c->end);
        assert_true(c->pipe_pos < c->pipe_len);
        if (c->argc)
            assert_true(c->cmd_index < c->argc);
        for (size_t k = 0; k < c->argc; k++) {
            assert_true(c->argv[k].off <= c->argv[k].end);
            assert_int_equal(strlen(c->argv[k].value) <= c->argv[k].len, 1);
        }
    }
}

static sh_script *parse(void **state, const char *text)
{
    sh_script *s = sh_parse(*state, text, strlen(text), NULL, NULL);
    check_invariants(s);
    return s;
}

static void expect_error(void **state, const char *text, uint32_t off, const char *message)
{
    sh_script *s = parse(state, text);
    if (!s->error)
        fail_msg("no error for: %s", text);
    if (strcmp(s->error->message, message) != 0 || s->error->off != off)
        fail_msg("for %s: got %u '%s', want %u '%s'", text, s->error->off,
                 s->error->message, off, message);
}

static void test_error_messages(void **state)
{
    expect_error(state, "echo 'abc", 5, "unterminated quoted string");
    expect_error(state, "echo \"abc $(x)", 5, "unterminated quoted string");
    expect_error(state, "echo $'abc", 5, "unterminated quoted string");
    expect_error(state, "echo x )", 7, "unexpected ')'");
    expect_error(state, "echo ;; x", 5, "unexpected ';;'");
    expect_error(state, "&& x", 0, "unexpected '&&'");
    expect_error(state, "a | | b", 4, "unexpected '|'");
    expect_error(state, "a && ; b", 5, "unexpected ';'");
    expect_error(state, "a &&", 4, "unexpected end of script");
    expect_error(state, "fi", 0, "unexpected 'fi'");
    expect_error(state, "x; if a; then b", 3, "missing 'fi'");
    expect_error(state, "if a; b; fi", 0, "missing 'then'");
    expect_error(state, "while a; b; done", 0, "missing 'do'");
    expect_error(state, "for i in 1 2; do b", 0, "missing 'done'");
    expect_error(state, "for i in 1 2; b; done", 0, "missing 'do'");
    expect_error(state, "case x in a) b;;", 0, "missing 'esac'");
    expect_error(state, "case x a) b;; esac", 0, "missing 'in'");
    expect_error(state, "{ a; b", 0, "missing '}'");
    expect_error(state, "(a; b", 0, "missing ')'");
    expect_error(state, "[[ -f x", 0, "missing ']]'");
    expect_error(state, "echo $(a", 5, "unterminated command substitution");
    expect_error(state, "echo `a", 5, "unterminated backquote");
    expect_error(state, "echo ${a", 5, "unterminated parameter expansion");
    expect_error(state, "echo $((1+", 5, "unterminated arithmetic expansion");
    expect_error(state, "cat <<EOF\nx", 4, "unterminated here-document");
    expect_error(state, "echo >", 5, "missing redirection target");
    expect_error(state, "echo (x)", 5, "unexpected '('");
    expect_error(state, "f() ", 0, "missing function body");
}

static void test_first_error_and_recovery(void **state)
{
    sh_script *s = parse(state, "a; ) ; b ; fi\nc");
    assert_non_null(s->error);
    assert_string_equal(s->error->message, "unexpected ')'");
    assert_int_equal(s->error->off, 3);
    assert_string_equal(names(state, s), "a b c");

    /* A missing fi inside a loop body: the loop still closes. */
    s = parse(state, "while true; do if x; then y; done; z");
    assert_string_equal(s->error->message, "missing 'fi'");
    assert_int_equal(s->error->off, 15);
    assert_string_equal(names(state, s), "true x y z");
    assert_int_equal(s->cmds[3]->ctx, 0);

    s = parse(state, "echo $(if a; then b) after");
    assert_string_equal(s->error->message, "missing 'fi'");
    assert_string_equal(names(state, s), "echo a b");
    assert_int_equal(s->cmds[0]->argc, 3);

    /* Errors are mapped to source offsets. */
    arena *a = *state;
    srcmap m = {0};
    srcmap_add(&m, a, 0, 1000);
    srcmap_add(&m, a, 4, 2000);
    s = sh_parse(a, "ls; )", 5, &m, NULL);
    assert_int_equal(s->error->off, 2000);

    /* Errors in nested strings count too, at their source position. */
    const char *t = "sh -c 'echo \"x'";
    s = parse(state, t);
    assert_non_null(s->error);
    assert_int_equal(s->error->off, 12);
}

static void test_deep_nesting(void **state)
{
    const char *units[] = {"$(", "(", "{ ", "\"$(", "${a:-", "$((", "a=(",
                           "[[ ( ", "if ", "while ", "<(", "case x in x) ", "`(",
                           "f() { ", "$( (", "\\`", "sh -c \"", "eval "};
    /* All but the last three nest without closing: they must be errors. */
    size_t must_fail = sizeof(units) / sizeof(units[0]) - 3;
    size_t reps = 100000;
    for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        size_t ul = strlen(units[u]);
        char *text = malloc(ul * reps);
        for (size_t i = 0; i < reps; i++)
            memcpy(text + i * ul, units[u], ul);
        arena a;
        arena_init(&a);
        sh_script *s = sh_parse(&a, text, ul * reps, NULL, NULL);
        check_invariants(s);
        if (u < must_fail && !s->error)
            fail_msg("no error for %s x %zu", units[u], reps);
        arena_release(&a);
        free(text);
    }
    sh_script *s = parse(state, "$($($($($(x)))))");
    assert_null(s->error);
    assert_int_equal(s->ncmds, 6);
    assert_int_equal(s->cmds[5]->depth, 5);
}

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU seconds spent parsing `reps` copies of `unit`; checks the result's
 * invariants and that memory stays proportional to the input. */
static double parse_repeated(const char *unit, size_t reps)
{
    size_t ul = strlen(unit);
    char *text = malloc(ul * reps);
    for (size_t i = 0; i < reps; i++)
        memcpy(text + i * ul, unit, ul);
    arena a;
    arena_init(&a);
    double t0 = cpu_seconds();
    sh_script *s = sh_parse(&a, text, ul * reps, NULL, NULL);
    double dt = cpu_seconds() - t0;
    check_invariants(s);
    if (a.bytes_reserved > 200 * ul * reps)
        fail_msg("%s x %zu used %zu bytes", unit, reps, a.bytes_reserved);
    arena_release(&a);
    free(text);
    return dt;
}

/* The best of three runs: the first may pay for memory the others reuse. */
static double best_of_three(const char *unit, size_t reps)
{
    double best = parse_repeated(unit, reps);
    for (int i = 0; i < 2; i++) {
        double t = parse_repeated(unit, reps);
        if (t < best)
            best = t;
    }
    return best;
}

/*
 * Hostile repetitions must parse in linear time. Four times the input may
 * take at most eight times as long: a linear parser takes about four, a
 * quadratic one sixteen. CPU time, the best of three runs, compared within
 * one process keeps the check meaningful on a busy machine and under
 * sanitizers.
 */
static void test_long_inputs_are_linear(void **state)
{
    (void)state;
    const char *units[] = {"a|", "$(", "$((", "a && ", "x=$(y) ", "cat <<E\n", "'a'\"b\"",
                           "eval ", "sh -c ", "sudo ", "find -exec ", "{a,b}", "${x:-",
                           "\\\n", "# c\n", "[[ a ]]; ", "case x in *) ;; esac\n",
                           "f() { :; }\n", "$( (", "((", "echo $((1))"};
    /* Small enough that both sizes run in memory the allocator keeps
     * (a 1 MB "a|a|..." needs 130 MB of fresh pages, whose first-touch
     * cost would dwarf the parsing being measured). */
    size_t target = 1 << 16;
    for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        size_t reps = target / strlen(units[u]);
        double small = best_of_three(units[u], reps);
        double large = best_of_three(units[u], 4 * reps);
        if (large > 8 * small + 0.05)
            fail_msg("%s: x%zu took %.3f s, x%zu took %.3f s: not linear",
                     units[u], reps, small, 4 * reps, large);
        if (large > 30.0)
            fail_msg("%s x %zu took %.2f s", units[u], 4 * reps, large);
    }
}

/* Parse every prefix of a script: nothing may crash or break an
 * invariant, whatever is cut. */
static void parse_prefixes(const char *script)
{
    size_t n = strlen(script);
    for (size_t len = 0; len <= n; len++) {
        char *copy = malloc(len ? len : 1); /* exactly len bytes, no NUL */
        memcpy(copy, script, len);
        arena a;
        arena_init(&a);
        sh_options o = {.dialect = len % 2 ? SH_DIALECT_POSIX : SH_DIALECT_BASH};
        check_invariants(sh_parse(&a, copy, len, NULL, &o));
        arena_release(&a);
        free(copy);
    }
}

static void test_truncated_scripts(void **state)
{
    (void)state;
    parse_prefixes("set -eux; savedAptMark=\"$(apt-mark showmanual)\"; "
                   "case \"$(dpkg --print-architecture)\" in amd64) a='x' ;; *) exit 1 ;; esac; "
                   "for f in /a/*.sh; do [ -x \"$f\" ] && sh -c \"$f\" || echo `basename $f`; done\n"
                   "curl -fsSL https://x | sudo -E bash - && rm -rf /var/lib/apt/lists/*");
    parse_prefixes("cat <<-EOF | sh -s -- ${ARGS:-x} <<< $'a\\tb'\n\tapt-get install -y $(cat list)\n"
                   "\tEOF\nbash <<'X' && eval \"echo $((1 + $(nproc)))\"\nsu - app -c 'make' \nX\n"
                   "f() { find / -exec sh -c 'chmod 0755 \"$1\"' _ {} \\; ; }; ((i++)); [[ $a =~ ^(x|y) ]]");
    parse_prefixes("if [ \"$(uname -m)\" = x86_64 ]; then ARCH=amd64; elif (true); then :; else { ARCH=arm64; }; fi; "
                   "while read -r l; do echo \"${l//a/b}\" >> out; done < <(xargs -0 -I{} env A=1 nice bash -c 'echo {}') &");
}

static void test_never_prints(void **state)
{
    /* Errors go to the result only: this just documents the contract by
     * parsing broken input in a quiet way. */
    sh_script *s = parse(state, "))))((((;;;;&&&&||||<<<<>>>>");
    assert_non_null(s->error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_error_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_error_and_recovery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_inputs_are_linear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_scripts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_never_prints, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
