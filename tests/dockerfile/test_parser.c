/*
 * The Dockerfile parser: every grammar feature BuildKit's parser has, with
 * the AST compared in BuildKit's own dump format, plus positions and errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "df_test.h"

static void test_instructions_and_case(void **state)
{
    arena *a = *state;
    assert_string_equal(dump(a, "from alpine:3.19\nRuN echo hi\nworkdir /app\n"),
                        "(from \"alpine:3.19\")\n(run \"echo hi\")\n"
                        "(workdir \"/app\")\n");
    df_file *f = parse_ok(a, "FROM a\nrun x\nFooBar baz\n");
    assert_int_equal(f->insts[1].kind, DF_RUN);
    assert_int_equal(f->insts[2].kind, DF_UNKNOWN); /* kept, like BuildKit */
    assert_string_equal(f->insts[2].keyword.s, "FooBar");
}

static void test_every_instruction_kind(void **state)
{
    arena *a = *state;
    static const char *const kws[] = {
        "ADD a b", "ARG x", "CMD x", "COPY a b", "ENTRYPOINT x", "ENV a=b",
        "EXPOSE 80", "FROM x", "HEALTHCHECK NONE", "LABEL a=b",
        "MAINTAINER me", "ONBUILD RUN x", "RUN x", "SHELL [\"sh\"]",
        "STOPSIGNAL SIGTERM", "USER 1", "VOLUME /v", "WORKDIR /w",
    };
    static const df_kind kinds[] = {
        DF_ADD, DF_ARG, DF_CMD, DF_COPY, DF_ENTRYPOINT, DF_ENV, DF_EXPOSE,
        DF_FROM, DF_HEALTHCHECK, DF_LABEL, DF_MAINTAINER, DF_ONBUILD, DF_RUN,
        DF_SHELL, DF_STOPSIGNAL, DF_USER, DF_VOLUME, DF_WORKDIR,
    };
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        df_file *f = parse_ok(a, kws[i]);
        assert_int_equal(f->ninsts, 1);
        assert_int_equal(f->insts[0].kind, kinds[i]);
        assert_string_equal(df_kind_name(kinds[i]),
                            arena_strndup(a, kws[i], strcspn(kws[i], " ")));
    }
}

static void test_continuations(void **state)
{
    arena *a = *state;
    /* Comment lines and empty lines inside a continuation are dropped. */
    const char *text = "FROM x\n"
                       "RUN apt-get update \\\n"
                       "  # a comment inside\n"
                       "\n"
                       "    && apt-get install -y curl\n"
                       "CMD [\"x\"]\n";
    assert_string_equal(dump(a, text),
                        "(from \"x\")\n"
                        "(run \"apt-get update     && apt-get install -y curl\")\n"
                        "(cmd \"x\")\n");
    df_file *f = parse_ok(a, text);
    assert_true(f->empty_continuation);
    assert_int_equal(f->insts[1].line, 2);
    assert_int_equal(f->insts[1].end_line, 5);
    assert_int_equal(f->insts[2].line, 6);
    /* The comment is recorded as belonging to the continued instruction. */
    assert_int_equal(f->ncomments, 1);
    assert_int_equal(f->comments[0].kind, DF_COMMENT_CONTINUATION);
    assert_int_equal(f->comments[0].instruction, 1);
    assert_string_equal(f->comments[0].text, "a comment inside");
    /* Trailing blanks after the escape still continue the line. */
    assert_string_equal(dump(a, "RUN a \\  \t\n b\n"), "(run \"a  b\")\n");
    /* An escaped escape at the end does not continue. */
    assert_string_equal(dump(a, "ENV A=x\\\\\nENV B=y\n"),
                        "(env \"A\" \"x\\\\\\\\\" \"=\")\n(env \"B\" \"y\" \"=\")\n");
    /* A continuation at the end of the file. */
    assert_string_equal(dump(a, "FROM a\nRUN x \\"), "(from \"a\")\n(run \"x\")\n");
}

static void test_crlf_bom_and_leading_whitespace(void **state)
{
    arena *a = *state;
    const char *text = "\xEF\xBB\xBF# escape=`\r\nFROM x\r\n   RUN a `\r\n  b\r\n";
    df_file *f = parse_ok(a, text);
    assert_int_equal(f->escape, '`');
    assert_int_equal(f->ninsts, 2);
    assert_string_equal(f->insts[1].rest.s, "a   b");
    assert_string_equal(pos(a, f, f->insts[1].keyword.off), "3:4");
}

static void test_directives(void **state)
{
    arena *a = *state;
    df_file *f = parse_ok(a, "# syntax=docker/dockerfile:1\n#ESCAPE = `\n"
                             "# check=skip=all\nFROM x\n");
    assert_int_equal(f->ndirectives, 3);
    assert_string_equal(f->directives[0].name, "syntax");
    assert_string_equal(f->directives[0].value, "docker/dockerfile:1");
    assert_string_equal(f->directives[1].name, "escape");
    assert_int_equal(f->escape, '`');
    assert_string_equal(f->directives[2].value, "skip=all");

    /* After a plain comment, an empty line or an instruction, directives
     * are ordinary comments. */
    f = parse_ok(a, "# hello\n# escape=`\nFROM x\n");
    assert_int_equal(f->escape, '\\');
    f = parse_ok(a, "\n# escape=`\nFROM x\n");
    assert_int_equal(f->escape, '\\');
    f = parse_ok(a, "FROM x\n# escape=`\n");
    assert_int_equal(f->escape, '\\');
    /* An unknown key ends directive parsing too. */
    f = parse_ok(a, "# foo=bar\n# escape=`\nFROM x\n");
    assert_int_equal(f->escape, '\\');

    df_error e = parse_err(a, "# escape=`\n# escape=\\\nFROM x\n");
    assert_int_equal(e.line, 2);
    assert_string_equal(e.message, "only one escape parser directive can be used");
    e = parse_err(a, "# syntax=a\n# SYNTAX=b\nFROM x\n");
    assert_string_equal(e.message, "only one syntax parser directive can be used");
    e = parse_err(a, "# escape=x\nFROM x\n");
    assert_int_equal(e.line, 1);
    assert_string_equal(e.message, "invalid escape token 'x' does not match ` or \\");
}

static void test_backtick_escape(void **state)
{
    arena *a = *state;
    const char *text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\n"
                       "RUN dir C:\\ `\n    && echo done\n"
                       "COPY C:\\src\\app.exe C:\\app\\\n";
    assert_string_equal(dump(a, text),
                        "(from \"mcr.microsoft.com/windows/servercore\")\n"
                        "(run \"dir C:\\\\     && echo done\")\n"
                        "(copy \"C:\\\\src\\\\app.exe\" \"C:\\\\app\\\\\")\n");
}

static void test_flags(void **state)
{
    arena *a = *state;
    df_file *f = parse_ok(
        a, "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
           "RUN --mount=type=cache,target=/root/.cache \\\n"
           "    --mount=type=secret,id=npm,env=NPM_TOKEN --network=none go build\n"
           "COPY --from=build --chmod=755 --link \"/out/app\" /app\n"
           "COPY -- --weird /x\n"
           "ADD --exclude=*.md --exclude=\"a b\" . /src\n");
    const df_instruction *from = &f->insts[0];
    assert_int_equal(from->nflags, 1);
    assert_string_equal(from->flags[0].name, "platform");
    assert_string_equal(from->flags[0].value, "$BUILDPLATFORM");
    assert_string_equal(pos(a, f, from->flags[0].raw.off), "1:6");
    assert_string_equal(pos(a, f, from->flags[0].value_off), "1:17");
    assert_string_equal(from->args[0].s, "golang:1.22");

    const df_instruction *run = &f->insts[1];
    assert_int_equal(run->nflags, 3);
    assert_string_equal(run->flags[1].value, "type=secret,id=npm,env=NPM_TOKEN");
    assert_string_equal(pos(a, f, run->flags[1].raw.off), "3:5");
    assert_string_equal(run->flags[2].name, "network");
    assert_string_equal(run->rest.s, "go build");
    assert_string_equal(pos(a, f, run->rest.off), "3:61");

    const df_instruction *copy = &f->insts[2];
    assert_int_equal(copy->nflags, 3);
    assert_string_equal(copy->flags[2].name, "link");
    assert_null(copy->flags[2].value);
    assert_string_equal(copy->args[0].s, "\"/out/app\"");

    /* `--` ends the flags. */
    assert_int_equal(f->insts[3].nflags, 0);
    assert_string_equal(f->insts[3].args[0].s, "--weird");
    /* Quoted flag values lose their quotes; repeated flags are kept. */
    assert_int_equal(f->insts[4].nflags, 2);
    assert_string_equal(f->insts[4].flags[1].value, "a b");
    assert_string_equal(df_find_flag(&f->insts[4], "exclude")->value, "a b");
}

static void test_json_and_shell_forms(void **state)
{
    arena *a = *state;
    df_file *f = parse_ok(a, "CMD [\"a\", \"b c\"]\n"
                             "RUN ['a']\n"
                             "ENTRYPOINT [\"x\"] extra\n"
                             "RUN [\"C:\\app\"]\n"
                             "CMD [\"\\u00e9\\ud83d\\ude00\", \"\\/\"]\n"
                             "VOLUME [\"/a\", \"/b\"]\n"
                             "RUN [ ]\n");
    assert_true(f->insts[0].json);
    assert_int_equal(f->insts[0].nargs, 2);
    assert_string_equal(f->insts[0].args[1].s, "b c");
    assert_string_equal(pos(a, f, f->insts[0].args[1].off), "1:11");
    /* Not JSON: the shell form, silently. */
    assert_false(f->insts[1].json);
    assert_string_equal(f->insts[1].args[0].s, "['a']");
    assert_false(f->insts[2].json);
    assert_false(f->insts[3].json); /* \a is not a JSON escape */
    assert_true(f->insts[4].json);
    assert_string_equal(f->insts[4].args[0].s, "\xc3\xa9\xf0\x9f\x98\x80");
    assert_string_equal(f->insts[4].args[1].s, "/");
    assert_true(f->insts[5].json);
    assert_int_equal(f->insts[5].nargs, 2);
    assert_true(f->insts[6].json);
    assert_int_equal(f->insts[6].nargs, 0);

    /* A JSON array holding something other than strings is an error. */
    df_error e = parse_err(a, "FROM x\nCMD [\"a\", 1]\n");
    assert_int_equal(e.line, 2);
    assert_string_equal(e.message, "when using JSON array syntax, arrays must "
                                   "be comprised of strings only");
    parse_err(a, "CMD [\"a\", [\"b\"]]\n");
    parse_err(a, "CMD [null]\n");
    /* Deep nesting is invalid JSON past Go's limit: shell form, no crash. */
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, "CMD ");
    for (int i = 0; i < 20000; i++)
        sb_putc(&sb, '[');
    df_file *g = parse_ok(a, sb.data);
    assert_false(g->insts[0].json);
    sb_free(&sb);
}

static void test_env_label_arg(void **state)
{
    arena *a = *state;
    assert_string_equal(
        dump(a, "ENV A=1 B=\"x y\" C=z\\ w\nENV D old style value\n"
                "LABEL \"com.x\"=\"y\" v=1\nARG V=1 W\n"),
        "(env \"A\" \"1\" \"=\" \"B\" \"\\\"x y\\\"\" \"=\" \"C\" \"z\\\\ w\" \"=\")\n"
        "(env \"D\" \"old style value\" \"\")\n"
        "(label \"\\\"com.x\\\"\" \"\\\"y\\\"\" \"=\" \"v\" \"1\" \"=\")\n"
        "(arg \"V=1\" \"W\")\n");
    df_file *f = parse_ok(a, "ENV A=1 B=2\n");
    assert_string_equal(pos(a, f, f->insts[0].args[2].off), "1:9");
    assert_string_equal(pos(a, f, f->insts[0].args[3].off), "1:11");
    df_error e = parse_err(a, "FROM x\nENV PATH\n");
    assert_string_equal(e.message, "ENV must have two arguments");
    e = parse_err(a, "LABEL a=b c\n");
    assert_string_equal(e.message, "Syntax error - can't find = in \"c\". "
                                   "Must be of the form: name=value");
}

static void test_healthcheck_and_onbuild(void **state)
{
    arena *a = *state;
    assert_string_equal(
        dump(a, "HEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1\n"
                "HEALTHCHECK NONE\n"
                "ONBUILD RUN [\"a\"]\n"
                "ONBUILD COPY --chown=1:1 . /app\n"),
        "(healthcheck [\"--interval=5s\"] \"CMD\" \"curl -f http://x/ || exit 1\")\n"
        "(healthcheck \"NONE\")\n"
        "(onbuild (run \"a\"))\n"
        "(onbuild (copy [\"--chown=1:1\"] \".\" \"/app\"))\n");
    df_file *f = parse_ok(a, "ONBUILD   run curl x | sh\n");
    const df_instruction *t = f->insts[0].trigger;
    assert_non_null(t);
    assert_int_equal(t->kind, DF_RUN);
    assert_string_equal(pos(a, f, t->keyword.off), "1:11");
    assert_string_equal(t->rest.s, "curl x | sh");
}

static void test_heredocs(void **state)
{
    arena *a = *state;
    const char *text = "FROM x\n"
                       "RUN <<EOF\n"
                       "echo one\n"
                       "echo two\n"
                       "EOF\n"
                       "COPY <<-\"END\" /etc/conf\n"
                       "\tkey=$value\n"
                       "\tEND\n"
                       "RUN 3<<A cat /dev/fd/3 <<'B'\n"
                       "a\n"
                       "A\n"
                       "b\n"
                       "B\n"
                       "RUN [\"cat\", \"<<EOF\"]\n"
                       "CMD done\n";
    df_file *f = parse_ok(a, text);
    assert_int_equal(f->ninsts, 6);
    const df_instruction *r = &f->insts[1];
    assert_int_equal(r->nheredocs, 1);
    assert_string_equal(r->heredocs[0].name, "EOF");
    assert_true(r->heredocs[0].expand);
    assert_false(r->heredocs[0].chomp);
    assert_string_equal(r->heredocs[0].content, "echo one\necho two\n");
    assert_string_equal(pos(a, f, r->heredocs[0].content_off), "3:1");
    assert_int_equal(r->line, 2);
    assert_int_equal(r->end_line, 5);

    const df_instruction *c = &f->insts[2];
    assert_string_equal(c->heredocs[0].name, "END");
    assert_false(c->heredocs[0].expand);
    assert_true(c->heredocs[0].chomp);
    assert_string_equal(c->heredocs[0].content, "\tkey=$value\n");

    const df_instruction *two = &f->insts[3];
    assert_int_equal(two->nheredocs, 2);
    assert_int_equal(two->heredocs[0].fd, 3);
    assert_string_equal(two->heredocs[0].content, "a\n");
    assert_string_equal(two->heredocs[1].name, "B");
    assert_false(two->heredocs[1].expand);
    assert_string_equal(pos(a, f, two->heredocs[1].word_off), "9:24");
    assert_string_equal(two->heredocs[1].content, "b\n");

    /* No heredocs in the JSON form. */
    assert_int_equal(f->insts[4].nheredocs, 0);
    assert_int_equal(f->insts[5].line, 15);

    /* CRLF bodies keep their line endings; the terminator matches. */
    f = parse_ok(a, "RUN <<EOF\r\nx\r\nEOF\r\n");
    assert_string_equal(f->insts[0].heredocs[0].content, "x\r\n");
    /* `cat<<EOF` is not a heredoc to BuildKit (the word must start with <<) */
    f = parse_ok(a, "RUN cat<<EOF\nEOF\n");
    assert_int_equal(f->insts[0].nheredocs, 0);
    assert_int_equal(f->ninsts, 2);
    /* ... and nothing in other instructions is a heredoc. */
    f = parse_ok(a, "LABEL a=<<EOF\nFROM x\n");
    assert_int_equal(f->ninsts, 2);
    /* ONBUILD can hold a heredoc. */
    f = parse_ok(a, "ONBUILD RUN <<EOF\nls\nEOF\n");
    assert_int_equal(f->ninsts, 1);
    assert_int_equal(f->insts[0].trigger->nheredocs, 1);

    df_error e = parse_err(a, "FROM x\nRUN <<EOF\necho\n");
    assert_int_equal(e.line, 2);
    assert_string_equal(e.message, "unterminated heredoc");
}

static void test_no_instructions_and_limits(void **state)
{
    arena *a = *state;
    df_error e = parse_err(a, "");
    assert_string_equal(e.message, "file with no instructions");
    e = parse_err(a, "# only\n# comments\n\n");
    assert_string_equal(e.message, "file with no instructions");
    e = parse_err(a, "\xEF\xBB\xBF   \n");
    assert_string_equal(e.message, "file with no instructions");

    /* BuildKit's scanner refuses lines over 64 KiB. */
    char *big = malloc(70000);
    memcpy(big, "FROM x\nRUN ", 11);
    memset(big + 11, 'a', 70000 - 12);
    big[70000 - 1] = '\0';
    e = parse_err(a, big);
    assert_int_equal(e.line, 2);
    assert_string_equal(e.message, "dockerfile line greater than max allowed "
                                   "size of 65535");
    /* The scanner's error comes first, also before any instruction. */
    memset(big, '#', 70000 - 1);
    e = parse_err(a, big);
    assert_int_equal(e.line, 1);
    assert_string_equal(e.message, "dockerfile line greater than max allowed "
                                   "size of 65535");
    /* Just under the limit is fine. */
    memcpy(big, "FROM x\nRUN ", 11);
    memset(big + 11, 'a', 65535 - 4);
    big[11 + 65535 - 4] = '\0';
    parse_ok(a, big);
    free(big);
}

static void test_positions_through_continuations(void **state)
{
    arena *a = *state;
    df_file *f = parse_ok(a, "FROM x\n"
                             "COPY --chown=1000 \\\n"
                             "     \xc3\xa9t\xc3\xa9.txt \\\n"
                             "  /dst/\n");
    const df_instruction *c = &f->insts[1];
    assert_int_equal(c->nargs, 2);
    assert_string_equal(pos(a, f, c->args[0].off), "3:6");
    assert_string_equal(pos(a, f, c->args[1].off), "4:3");
    assert_string_equal(pos(a, f, c->args[1].end), "4:8");
    assert_string_equal(pos(a, f, c->keyword.off), "2:1");
}

static void test_trailing_whitespace_and_unicode_space(void **state)
{
    arena *a = *state;
    /* U+00A0 is white space to BuildKit's TrimSpace. */
    df_file *f = parse_ok(a, "FROM x\xc2\xa0\nUSER  app  \n");
    assert_string_equal(f->insts[0].args[0].s, "x");
    assert_string_equal(f->insts[1].args[0].s, "app");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_instructions_and_case, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_every_instruction_kind, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_continuations, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_crlf_bom_and_leading_whitespace, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_directives, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_backtick_escape, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_flags, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_json_and_shell_forms, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_env_label_arg, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_healthcheck_and_onbuild, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_heredocs, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_no_instructions_and_limits, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_positions_through_continuations, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_trailing_whitespace_and_unicode_space, arena_setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
