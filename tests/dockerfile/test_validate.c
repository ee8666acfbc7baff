/* What BuildKit's instruction stage rejects, and --mount specs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "dockerfile/validate.h"
#include "df_test.h"

/* The problems of `text`, one "line:col message" per line. */
static const char *problems(arena *a, const char *text)
{
    df_file *f = parse_ok(a, text);
    df_problem *p;
    size_t n = df_validate(a, f, &p);
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s %s\n", pos(a, f, p[i].off), p[i].message);
    const char *r = sb_to_arena(&sb, a);
    sb_free(&sb);
    if (getenv("SHOW"))
        fprintf(stderr, "----\n%s----\n", r);
    return r;
}

static void test_valid_files_have_no_problems(void **state)
{
    arena *a = *state;
    assert_string_equal(problems(a,
        "# syntax=docker/dockerfile:1\n"
        "ARG BASE=debian:12\n"
        "FROM --platform=$BUILDPLATFORM $BASE AS build\n"
        "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
        "    --mount=type=secret,id=token,env=TOKEN,required \\\n"
        "    --mount=type=bind,from=ctx,source=/x,target=/y,rw \\\n"
        "    --mount=type=tmpfs,target=/tmp,size=64m \\\n"
        "    --mount=type=ssh --network=none --security=sandbox make\n"
        "COPY --chown=1:1 --chmod=0755 --link --parents --exclude=*.md a b /c/\n"
        "ADD --checksum=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef "
        "--keep-git-dir=true --unpack=false https://x/y.tgz /z\n"
        "COPY --chmod=u+rwx,g=rx a /b\n"
        "HEALTHCHECK --interval=30s --timeout=1m30s --start-period=0s --retries=3 CMD true\n"
        "HEALTHCHECK NONE\n"
        "ENV A=1\nLABEL a=b\nEXPOSE 80/tcp\nVOLUME /data\nUSER 1000\n"
        "WORKDIR /app\nSTOPSIGNAL SIGTERM\nSHELL [\"/bin/bash\", \"-c\"]\n"
        "ONBUILD RUN echo\nCMD [\"x\"]\nENTRYPOINT x\n"), "");
}

static void test_unknown_instructions_and_flags(void **state)
{
    arena *a = *state;
    assert_string_equal(problems(a, "FROM x\nRUNN echo\nFROB x\n"),
                        "2:1 unknown instruction: RUNN (did you mean run?)\n"
                        "3:1 unknown instruction: FROB (did you mean from?)\n");
    assert_string_equal(problems(a, "FROM x\nCOPY --chmode=755 a b\n"
                                    "COPY --user=me a b\nCMD --doit x\n"),
                        "2:6 unknown flag: chmode (did you mean chmod?)\n"
                        "3:6 unknown flag: user\n"
                        "4:5 unknown flag: doit\n");
    assert_string_equal(problems(a, "FROM --platform=a --platform=b x\n"
                                    "COPY --link=maybe --from a b\n"
                                    "ADD --link= a b\n"),
                        "1:19 duplicate flag specified: platform\n"
                        "2:13 expecting boolean value for flag link, not: maybe\n"
                        "2:19 missing a value on flag: from\n"
                        "3:5 missing a value on flag: link\n");
}

static void test_run_flags(void **state)
{
    arena *a = *state;
    assert_string_equal(problems(a,
        "FROM x\n"
        "RUN --mount=type=secrets,id=x true\n"
        "RUN --mount=type=bind,sharing=locked true\n"
        "RUN --mount=type=secret,from=x,id=y true\n"
        "RUN --mount=type=bind,target=/x,size=1 true\n"
        "RUN --mount=target=/x,bogus=1 true\n"
        "RUN --mount=type=bind,target=/x,mode=0700 true\n"
        "RUN --mount=type=cache,target=/x,sharing=maybe true\n"
        "RUN --mount=type=cache,target=/x,ro=perhaps true\n"
        "RUN --mount=type=secret,id=a,src=b true\n"
        "RUN --mount=type=cache,target=/x,uid=abc true\n"
        "RUN --network=bridge --security=none true\n"
        "RUN --mount=type=$T,target=$X true\n"),
        "2:13 unsupported mount type \"secrets\" (did you mean secret?)\n"
        "3:13 invalid cache sharing set for bind mount\n"
        "4:13 secret mount should not have a from\n"
        "5:13 unexpected key 'size' for mount type 'bind'\n"
        "6:13 unexpected key 'bogus' in 'bogus=1'\n"
        "7:13 mode not allowed for \"bind\" type mounts\n"
        "8:13 unsupported sharing value \"maybe\"\n"
        "9:13 invalid value for ro: perhaps\n"
        "10:13 both source and id can't be set\n"
        "11:13 invalid value abc for uid\n"
        "12:15 unsupported network mode \"bridge\"\n"
        "12:33 unsupported security mode \"none\"\n");
}

static void test_mount_parsing(void **state)
{
    arena *a = *state;
    const char *err;
    df_mount *m = df_parse_mount(a, "type=secret,id=aws,target=/root/.aws/credentials", &err);
    assert_non_null(m);
    assert_int_equal(m->type, DF_MOUNT_SECRET);
    assert_string_equal(m->id, "aws");
    assert_true(m->readonly);
    m = df_parse_mount(a, "type=cache,target=/x", &err);
    assert_false(m->readonly);
    m = df_parse_mount(a, "\"type=bind\",\"source=a,b\",target=/t", &err);
    assert_non_null(m);
    assert_string_equal(m->source, "a,b");
    m = df_parse_mount(a, "type=secret,id=t,env=TOKEN", &err);
    assert_string_equal(m->env, "TOKEN");
    assert_null(df_parse_mount(a, "type=secret", &err));
    assert_string_equal(err, "invalid secret mount. one of source, target required");
    /* A bind mount needs no target (BuildKit's own Dockerfile has one). */
    assert_non_null(df_parse_mount(a, "type=bind", &err));
    assert_null(df_parse_mount(a, "type=bind,target", &err));
    assert_string_equal(err, "invalid field 'target' must be a key=value pair");
}

static void test_arity(void **state)
{
    arena *a = *state;
    assert_string_equal(problems(a,
        "FROM a b\nFROM a AS 1st\nFROM a as ok\nCOPY x\nENV\nUSER\nWORKDIR\n"
        "EXPOSE\nVOLUME [\"\"]\nSHELL sh -c\nSHELL []\nARG\n"),
        "1:1 FROM requires either one or three arguments\n"
        "2:11 invalid name for build stage: \"1st\", name can't start with a "
        "number or contain symbols\n"
        "4:1 COPY requires at least two arguments, but only one was provided. "
        "Destination could not be determined\n"
        "5:1 ENV requires at least one argument\n"
        "6:1 USER requires exactly one argument\n"
        "7:1 WORKDIR requires exactly one argument\n"
        "8:1 EXPOSE requires at least one argument\n"
        "9:9 VOLUME specified can not be an empty string\n"
        "10:1 SHELL requires the arguments to be in JSON form\n"
        "11:1 SHELL requires at least one argument\n"
        "12:1 ARG requires at least one argument\n");
}

static void test_healthcheck(void **state)
{
    arena *a = *state;
    assert_string_equal(problems(a,
        "FROM x\nHEALTHCHECK\nHEALTHCHECK CMD\nHEALTHCHECK NONE x\n"
        "HEALTHCHECK CONNECT TCP 7000\n"
        "HEALTHCHECK --interval=5 CMD x\n"
        "HEALTHCHECK --timeout=500us --retries=-1 CMD x\n"
        "HEALTHCHECK --retries=x CMD x\n"),
        "2:1 HEALTHCHECK requires at least one argument\n"
        "3:13 Missing command after HEALTHCHECK CMD\n"
        "4:18 HEALTHCHECK NONE takes no arguments\n"
        "5:13 Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)\n"
        "6:24 time: invalid duration \"5\"\n"
        "7:23 Interval \"timeout\" cannot be less than 1ms\n"
        "7:39 --retries cannot be negative (-1)\n"
        "8:23 strconv.ParseInt: parsing \"x\": invalid syntax\n");
}

static void test_onbuild_and_order(void **state)
{
    arena *a = *state;
    assert_string_equal(problems(a,
        "RUN early\nARG OK=1\nFROM x\nONBUILD ONBUILD RUN x\nONBUILD FROM y\n"
        "ONBUILD\nONBUILD COPY --bad a b\n"),
        "1:1 no build stage in current context\n"
        "4:9 Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed\n"
        "5:9 FROM isn't allowed as an ONBUILD trigger\n"
        "6:1 ONBUILD requires at least one argument\n"
        "7:14 ONBUILD trigger: unknown flag: bad\n");
    /* A snippet without any FROM is not an error. */
    assert_string_equal(problems(a, "RUN a\nCOPY a b\n"), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_files_have_no_problems, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_instructions_and_flags, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_run_flags, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_mount_parsing, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_arity, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_healthcheck, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_onbuild_and_order, arena_setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
