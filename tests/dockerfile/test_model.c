/* Stages, ARG/ENV scoping and expansion as BuildKit's dispatcher sees them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stages_and_names, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_global_args_in_from, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_stage_scope, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_build_args_and_defaults, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_snippet_without_from, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_expansion_errors, arena_setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
