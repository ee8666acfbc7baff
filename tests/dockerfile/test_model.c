/* Stages, ARG/ENV scoping and expansion as BuildKit's dispatcher sees them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "dockerfile/model.h"
#include "df_test.h"

static df_model *model(arena *a, const char *text, const df_build_arg *args,
                       size_t nargs, const char *target)
{
    df_file *f = parse_ok(a, text);
    df_model_opts o = {args, nargs, target};
    return df_model_build(a, f, &o);
}

/* The expansion of instruction i's first argument. */
static df_value arg0(arena *a, const df_model *m, size_t i)
{
    const df_instruction *in = &m->file->insts[i];
    return df_expand(a, m, i, in->args[0].s, in->args[0].len);
}

static void test_stages_and_names(void **state)
{
    arena *a = *state;
    df_model *m = model(a, "FROM golang:1.22 AS Build\nRUN go build\n"
                           "FROM build AS test\nRUN go test\n"
                           "FROM scratch\nCOPY --from=build /app /app\n",
                        NULL, 0, NULL);
    assert_int_equal(m->nstages, 3);
    assert_string_equal(m->stages[0].name, "build"); /* lower-cased */
    assert_int_equal(m->stages[0].parent, -1);
    assert_int_equal(m->stages[1].parent, 0);
    assert_true(m->stages[2].scratch);
    assert_null(m->stages[2].name);
    assert_int_equal(m->target, 2);
    assert_true(m->stages[2].ships);
    assert_false(m->stages[0].ships);
    assert_int_equal(m->stages[1].first, 2);
    assert_int_equal(m->stages[1].last, 4);
    assert_int_equal(m->stage_of[3], 1);
    assert_string_equal(df_find_stage(m, "0", 3)->name, "build");
    assert_string_equal(df_find_stage(m, "BUILD", 3)->name, "build");

    /* --target picks the stage that ships, with its parents. */
    m = model(a, "FROM a AS base\nFROM base AS dev\nFROM a AS prod\n", NULL, 0,
              "dev");
    assert_int_equal(m->target, 1);
    assert_true(m->stages[0].ships);
    assert_true(m->stages[1].ships);
    assert_false(m->stages[2].ships);
    m = model(a, "FROM a AS base\n", NULL, 0, "nope");
    assert_true(m->target_missing);
}

static void test_global_args_in_from(void **state)
{
    arena *a = *state;
    const char *text = "ARG REG=docker.io\nARG TAG\nARG IMG=${REG}/debian\n"
                       "FROM ${IMG}:${TAG:-12}\n"
                       "RUN echo $REG\n"
                       "FROM $NOT_DECLARED:x\n";
    df_model *m = model(a, text, NULL, 0, NULL);
    /* TAG has no value: it comes from the build, so the tag is unknown. */
    assert_string_equal(m->stages[0].base.s, "docker.io/debian:${TAG:-12}");
    assert_true(m->stages[0].base.unknown);
    /* An undeclared name in FROM is empty, as BuildKit expands it. */
    assert_string_equal(m->stages[1].base.s, ":x");
    assert_false(m->stages[1].base.unknown);

    df_build_arg ba[] = {{"TAG", "12.5"}, {"REG", "quay.io"}};
    m = model(a, text, ba, 2, NULL);
    assert_string_equal(m->stages[0].base.s, "quay.io/debian:12.5");
    assert_false(m->stages[0].base.unknown);
}

static void test_stage_scope(void **state)
{
    arena *a = *state;
    const char *text = "ARG V=1\n"
                       "FROM x AS one\n"
                       "USER $V\n"              /* 2: global ARG not in scope */
                       "ARG V\n"
                       "USER $V\n"              /* 4: redeclared: 1 */
                       "ENV V=env\n"
                       "ARG V=arg\n"
                       "USER $V\n"              /* 7: ENV wins over ARG */
                       "ENV A=old\n"
                       "ENV A=new B=$A\n"
                       "USER $B\n"              /* 10: the old value */
                       "FROM one\n"
                       "USER $A\n"              /* 12: inherited */
                       "FROM x\n"
                       "USER $A\n";             /* 14: unrelated: unknown */
    df_model *m = model(a, text, NULL, 0, NULL);
    df_value v = arg0(a, m, 2);
    assert_true(v.unknown); /* may come from the base image's environment */
    assert_string_equal(arg0(a, m, 4).s, "1");
    assert_string_equal(arg0(a, m, 7).s, "env");
    assert_string_equal(arg0(a, m, 10).s, "old");
    assert_string_equal(arg0(a, m, 12).s, "new");
    assert_true(arg0(a, m, 14).unknown);
}

static void test_build_args_and_defaults(void **state)
{
    arena *a = *state;
    const char *text = "FROM x\nARG U=app\nARG G\nUSER ${U}:${G:-staff}\n";
    df_model *m = model(a, text, NULL, 0, NULL);
    df_value v = arg0(a, m, 3);
    assert_true(v.unknown); /* G has no default */
    df_build_arg ba[] = {{"U", "root"}, {"G", "0"}, {"U", "1000"}};
    m = model(a, text, ba, 3, NULL);
    assert_string_equal(arg0(a, m, 3).s, "1000:0"); /* the last one wins */
    /* An ARG default refers to earlier values. */
    m = model(a, "FROM x\nENV BASE=/opt\nARG DIR=$BASE/app\nWORKDIR $DIR\n",
              NULL, 0, NULL);
    assert_string_equal(arg0(a, m, 3).s, "/opt/app");
}

static void test_snippet_without_from(void **state)
{
    arena *a = *state;
    df_model *m = model(a, "ARG U=1\nRUN x\nUSER $U\n", NULL, 0, NULL);
    assert_int_equal(m->nstages, 1);
    assert_null(m->stages[0].from);
    assert_int_equal(m->stage_of[0], 0);
    assert_string_equal(arg0(a, m, 2).s, "1");
}

static void test_expansion_errors(void **state)
{
    arena *a = *state;
    df_model *m = model(a, "FROM ${}\nFROM x\nUSER ${A:?no user}\n", NULL, 0,
                        NULL);
    assert_string_equal(m->stages[0].base.error, "syntax error: bad substitution");
    df_value v = arg0(a, m, 2);
    assert_null(v.error); /* A may come from the base image */
    assert_true(v.unknown);
}

/* CPU seconds of the process: the work done, whatever else the machine
 * runs (wall time is not a bound a loaded CI machine keeps). */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ARG A=<n times 'a'>, then `tail`. */
static char *long_arg_then(size_t n, const char *tail)
{
    char *text = malloc(n + strlen(tail) + 64);
    size_t len = (size_t)sprintf(text, "FROM scratch\nARG A=");
    memset(text + len, 'a', n);
    sprintf(text + len + n, "\n%s", tail);
    return text;
}

/*
 * Patterns matched at every position of a long value cost a bounded
 * number of steps per file (`${A//` then `*x/y}` on 32 KiB ran for over an
 * hour): past the budget the result is unknown, never a wrong value.
 */
static void test_pattern_budget(void **state)
{
    arena *a = *state;
    char *text = long_arg_then(32768, "ARG B=${A//*x/y}\n"
                                      "ARG C=${A%%*x}\n"
                                      "ARG D=${A#a}\n");
    double t0 = now();
    df_model *m = model(a, text, NULL, 0, NULL);
    double took = now() - t0;
    assert_true(took < 3.0);
    const df_var *scope = m->stages[0].scope_end;
    assert_null(df_scope_lookup(scope, "B", 1)->value);
    assert_true(m->budget->spent);
    free(text);

    /* Small values are still expanded exactly. */
    m = model(a, "FROM scratch\nARG S=a-b-c\nARG T=${S//-/+}\n"
                 "ARG U=${S%-*}\nARG V=${S##*-}\n",
              NULL, 0, NULL);
    scope = m->stages[0].scope_end;
    assert_string_equal(df_scope_lookup(scope, "T", 1)->value, "a+b+c");
    assert_string_equal(df_scope_lookup(scope, "U", 1)->value, "a-b");
    assert_string_equal(df_scope_lookup(scope, "V", 1)->value, "c");
    assert_false(m->budget->spent);
}

/*
 * The values one file's expansions produce are bounded in total, not only
 * one by one: 2,000 copies of a 1 MiB value took 4 GB. The copies past
 * the budget are unknown.
 */
static void test_total_expansion_budget(void **state)
{
    arena *a = *state;
    size_t cap = 64 * 1024, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "FROM scratch\nARG A0=");
    memset(text + len, 'x', 1024);
    len += 1024;
    for (int i = 1; i <= 10; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "\nARG A%d=${A%d}${A%d}", i, i - 1, i - 1);
    for (int i = 0; i < 2000; i++)
        len += (size_t)snprintf(text + len, cap - len, "\nARG B%d=${A10}", i);
    snprintf(text + len, cap - len, "\n");
    double t0 = now();
    df_model *m = model(a, text, NULL, 0, NULL);
    double took = now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    assert_true(took < 5.0);
    assert_true(ru.ru_maxrss < 512 * 1024); /* KiB */
    const df_var *scope = m->stages[0].scope_end;
    const df_var *first = df_scope_lookup(scope, "B0", 2);
    assert_non_null(first->value);
    assert_int_equal(first->len, 1u << 20);
    assert_null(df_scope_lookup(scope, "B1999", 5)->value);
    assert_true(m->budget->spent);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stages_and_names, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_global_args_in_from, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_stage_scope, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_build_args_and_defaults, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_snippet_without_from, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_expansion_errors, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_pattern_budget, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_total_expansion_budget, arena_setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
