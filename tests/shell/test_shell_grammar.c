/* Shell front end: pipelines, lists, compound commands, context flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "shell/shell.h"
#include "util/arena.h"
#include "test_arena.h"
#include "shell/shell_test.h"

static sh_script *parse(void **state, const char *text)
{
    sh_script *s = sh_parse(*state, text, strlen(text), NULL, NULL);
    for (size_t i = 0; i < s->ncmds; i++)
        assert_int_equal(s->cmds[i]->index, i);
    return s;
}

static void test_pipelines(void **state)
{
    sh_script *s = parse(state, "curl -fsSL https://x | tee /tmp/i.sh |& sh; ls");
    assert_null(s->error);
    assert_string_equal(names(state, s), "curl tee sh ls");
    const sh_command *a = s->cmds[0], *b = s->cmds[1], *c = s->cmds[2], *d = s->cmds[3];
    assert_int_equal(a->pipeline, b->pipeline);
    assert_int_equal(b->pipeline, c->pipeline);
    assert_int_not_equal(c->pipeline, d->pipeline);
    assert_int_equal(a->pipe_len, 3);
    assert_int_equal(c->pipe_pos, 2);
    assert_null(a->pipe_prev);
    assert_ptr_equal(a->pipe_next, b);
    assert_ptr_equal(b->pipe_prev, a);
    assert_ptr_equal(b->pipe_next, c);
    assert_null(c->pipe_next);
    assert_int_equal(d->pipe_len, 1);
    assert_int_equal(a->sep, SH_SEP_SEQ);
    assert_int_equal(c->sep, SH_SEP_SEQ);
    assert_int_equal(d->sep, SH_SEP_END);

    /* A compound element counts, but has no command to link to. */
    s = parse(state, "curl x | while read l; do echo $l; done | sort");
    assert_string_equal(names(state, s), "curl read echo sort");
    assert_int_equal(s->cmds[0]->pipe_len, 3);
    assert_null(s->cmds[0]->pipe_next);
    assert_int_equal(s->cmds[3]->pipe_pos, 2);
    assert_null(s->cmds[3]->pipe_prev);
    assert_int_equal(s->cmds[1]->ctx, SHC_CONDITION);
    assert_int_equal(s->cmds[2]->ctx, SHC_LOOP);

    /* Newlines may follow | && || */
    s = parse(state, "a |\n  b &&\n\n c ||\n d");
    assert_null(s->error);
    assert_string_equal(names(state, s), "a b c d");
    assert_int_equal(s->cmds[1]->pipe_pos, 1);
}

static void test_and_or_lists(void **state)
{
    sh_script *s = parse(state, "a && b || c; d & e\nf");
    assert_null(s->error);
    assert_string_equal(names(state, s), "a b c d e f");
    assert_int_equal(s->cmds[0]->sep, SH_SEP_AND);
    assert_int_equal(s->cmds[1]->sep, SH_SEP_OR);
    assert_int_equal(s->cmds[2]->sep, SH_SEP_SEQ);
    assert_int_equal(s->cmds[3]->sep, SH_SEP_BG);
    assert_int_equal(s->cmds[4]->sep, SH_SEP_SEQ);
    assert_int_equal(s->cmds[5]->sep, SH_SEP_END);
    assert_int_equal(s->cmds[3]->ctx, SHC_BACKGROUND);
    assert_int_equal(s->cmds[0]->ctx, 0);

    /* & applies to the whole and-or list; ! to the pipeline. */
    s = parse(state, "! a | b && c & ! d");
    assert_string_equal(names(state, s), "a b c d");
    assert_int_equal(s->cmds[0]->ctx, SHC_NEGATED | SHC_BACKGROUND);
    assert_int_equal(s->cmds[1]->ctx, SHC_NEGATED | SHC_BACKGROUND);
    assert_int_equal(s->cmds[2]->ctx, SHC_BACKGROUND);
    assert_int_equal(s->cmds[3]->ctx, SHC_NEGATED);
}

static void test_subshell_and_group(void **state)
{
    const char *t = "(cd /tmp && make) | tee log; { echo a; echo b; } > /etc/x 2>&1\n{ x; }";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "cd make tee echo echo x");
    assert_int_equal(s->cmds[0]->ctx, SHC_SUBSHELL);
    assert_int_equal(s->cmds[1]->ctx, SHC_SUBSHELL);
    assert_int_equal(s->cmds[1]->sep, SH_SEP_END);
    assert_int_equal(s->cmds[2]->ctx, 0);
    assert_int_equal(s->cmds[2]->pipe_pos, 1);
    assert_int_equal(s->cmds[3]->ctx, SHC_GROUP);
    assert_int_equal(s->cmds[4]->ctx, SHC_GROUP);
    assert_int_equal(s->cmds[5]->ctx, SHC_GROUP);
    /* `}` is only reserved in command position. */
    s = parse(state, "{ echo }; }");
    assert_null(s->error);
    assert_int_equal(s->cmds[0]->argc, 2);
    assert_string_equal(s->cmds[0]->argv[1].value, "}");
    s = parse(state, "echo {a,b} { }");
    assert_int_equal(s->cmds[0]->argc, 4);
}

static void test_if(void **state)
{
    const char *t = "if [ \"$(uname -m)\" = x86_64 ]; then ARCH=amd64; elif test -f x; then ARCH=x; else ARCH=arm64; fi";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "[ uname - test - -");
    assert_int_equal(s->ncmds, 6);
    assert_int_equal(s->cmds[0]->ctx, SHC_CONDITION);
    assert_int_equal(s->cmds[1]->ctx, SHC_CONDITION | SHC_CMDSUBST);
    assert_ptr_equal(s->cmds[1]->parent, s->cmds[0]);
    assert_int_equal(s->cmds[1]->parent_word, 1);
    assert_int_equal(s->cmds[2]->ctx, SHC_BRANCH);
    assert_string_equal(s->cmds[2]->assigns[0].value, "ARCH=amd64");
    assert_int_equal(s->cmds[3]->ctx, SHC_CONDITION);
    assert_int_equal(s->cmds[4]->ctx, SHC_BRANCH);
    assert_int_equal(s->cmds[5]->ctx, SHC_BRANCH);
    assert_string_equal(s->cmds[5]->assigns[0].value, "ARCH=arm64");
    /* Reserved words are words elsewhere. */
    s = parse(state, "echo if then fi; x=fi");
    assert_null(s->error);
    assert_int_equal(s->cmds[0]->argc, 4);
}

static void test_loops(void **state)
{
    sh_script *s = parse(state, "for p in a \"$(ls)\" c; do pip install \"$p\"; done");
    assert_null(s->error);
    assert_string_equal(names(state, s), "ls pip");
    assert_int_equal(s->cmds[0]->ctx, SHC_CMDSUBST);
    assert_null(s->cmds[0]->parent);
    assert_int_equal(s->cmds[1]->ctx, SHC_LOOP);

    s = parse(state, "for x\ndo echo $x\ndone; for y; do :; done; for ((i=0; i<$(nproc); i++)); do make; done");
    assert_null(s->error);
    assert_string_equal(names(state, s), "echo : nproc make");
    assert_int_equal(s->cmds[2]->ctx, SHC_CMDSUBST);
    assert_int_equal(s->cmds[3]->ctx, SHC_LOOP);

    s = parse(state, "while read -r l; do echo \"$l\"; done < /tmp/f; until false; do break; done");
    assert_null(s->error);
    assert_string_equal(names(state, s), "read echo false break");
    assert_int_equal(s->cmds[0]->ctx, SHC_CONDITION);
    assert_int_equal(s->cmds[1]->ctx, SHC_LOOP);
    assert_int_equal(s->cmds[2]->ctx, SHC_CONDITION);

    s = parse(state, "select x in a b; do echo $x; done; for i in 1 2; { echo $i; }");
    assert_null(s->error);
    assert_string_equal(names(state, s), "echo echo");
    assert_int_equal(s->cmds[0]->ctx, SHC_LOOP);
    assert_int_equal(s->cmds[1]->ctx, SHC_LOOP);

    /* done < <(...) */
    s = parse(state, "while read l; do :; done < <(curl -s x)");
    assert_null(s->error);
    assert_string_equal(names(state, s), "read : curl");
    assert_int_equal(s->cmds[2]->ctx, SHC_PROCSUBST);
}

static void test_case(void **state)
{
    const char *t = "case \"$dpkgArch\" in\n"
                    "  amd64) x=1 ;;\n"
                    "  arm*|aarch64) y=2 ;&\n"
                    "  (i386) z=3 ;;&\n"
                    "  *) echo >&2 \"unsupported\"; exit 1 ;;\n"
                    "esac; echo done";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "- - - echo exit echo");
    for (int i = 0; i < 5; i++)
        assert_int_equal(s->cmds[i]->ctx, SHC_BRANCH);
    assert_int_equal(s->cmds[5]->ctx, 0);
    assert_int_equal(s->cmds[3]->nredirs, 1);
    assert_int_equal(s->cmds[3]->redirs[0].op, SH_REDIR_DUP_OUT);
    /* Last arm without ;; and an empty case. */
    s = parse(state, "case x in a) echo a\nesac; case y in esac");
    assert_null(s->error);
    assert_string_equal(names(state, s), "echo");
    /* ) inside $(...) closes a pattern, not the substitution. */
    s = parse(state, "v=$(case $x in a) echo A;; esac); echo $v");
    assert_null(s->error);
    assert_string_equal(names(state, s), "- echo echo");
}

static void test_functions(void **state)
{
    sh_script *s = parse(state, "f() { curl \"$1\" | sh; }\nfunction g { f x; }\nfunction h() (ls)\ng");
    assert_null(s->error);
    assert_string_equal(names(state, s), "curl sh f ls g");
    assert_int_equal(s->nfunctions, 3);
    assert_string_equal(s->functions[0], "f");
    assert_string_equal(s->functions[1], "g");
    assert_string_equal(s->functions[2], "h");
    assert_int_equal(s->cmds[0]->ctx, SHC_FUNCTION | SHC_GROUP);
    assert_int_equal(s->cmds[3]->ctx, SHC_FUNCTION | SHC_SUBSHELL);
    assert_int_equal(s->cmds[4]->ctx, 0);
    /* Not a definition: an array assignment. */
    s = parse(state, "a=() b");
    assert_int_equal(s->nfunctions, 0);
    assert_string_equal(s->cmds[0]->assigns[0].value, "a=()");
}

static void test_conditional_command(void **state)
{
    const char *t = "[[ -f /x && $ID =~ ^(debian|ubuntu)$ || ( $a < $b ) ]] && echo ok";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "[[ echo");
    const sh_command *c = s->cmds[0];
    const char *want[] = {"[[", "-f", "/x", "&&", "$ID", "=~", "^(debian|ubuntu)$",
                          "||", "(", "$a", "<", "$b", ")", "]]"};
    assert_int_equal(c->argc, 14);
    for (size_t i = 0; i < 14; i++)
        assert_string_equal(c->argv[i].value, want[i]);
    assert_int_equal(c->nredirs, 0);
    assert_int_equal(c->sep, SH_SEP_AND);
    /* In POSIX sh, [[ is an ordinary word. */
    sh_options posix = {.dialect = SH_DIALECT_POSIX};
    s = sh_parse(*state, "[[ a ]]", 7, NULL, &posix);
    assert_int_equal(s->cmds[0]->argc, 3);
}

static void test_arithmetic_command(void **state)
{
    sh_script *s = parse(state, "(( n += $(nproc) )) && echo $n; ((x))");
    assert_null(s->error);
    assert_string_equal(names(state, s), "(( nproc echo ((");
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argc, 3);
    assert_string_equal(c->argv[1].value, " n += $(nproc) ");
    assert_true(c->argv[1].flags & SHW_ARITH);
    assert_string_equal(c->argv[2].value, "))");
    assert_ptr_equal(s->cmds[1]->parent, c);
    assert_int_equal(s->cmds[1]->parent_word, 1);
    /* (( ... ) ... ) is two subshells. */
    s = parse(state, "((cd /; ls) | cat)");
    assert_null(s->error);
    assert_string_equal(names(state, s), "cd ls cat");
    assert_int_equal(s->cmds[0]->ctx, SHC_SUBSHELL);
}

static void test_time_coproc_negation(void **state)
{
    sh_script *s = parse(state, "time -p curl x | sh; coproc cat; coproc NAME { ls; }; ! true");
    assert_null(s->error);
    assert_string_equal(names(state, s), "curl sh cat ls true");
    assert_int_equal(s->cmds[0]->pipe_len, 2);
    assert_int_equal(s->cmds[0]->argc, 2);
    assert_int_equal(s->cmds[2]->ctx, SHC_BACKGROUND);
    assert_int_equal(s->cmds[3]->ctx, SHC_BACKGROUND | SHC_GROUP);
    assert_int_equal(s->cmds[4]->ctx, SHC_NEGATED);
}

static void test_realistic_run_bodies(void **state)
{
    sh_script *s = parse(state, "set -eux; apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*");
    assert_null(s->error);
    assert_string_equal(names(state, s), "set apt-get apt-get rm");
    assert_int_equal(s->cmds[2]->argc, 6);
    assert_string_equal(s->cmds[2]->argv[3].value, "--no-install-recommends");
    assert_int_equal(s->cmds[3]->argv[2].flags, SHW_GLOB);
    assert_int_equal(s->cmds[1]->sep, SH_SEP_AND);

    s = parse(state, "savedAptMark=\"$(apt-mark showmanual)\"; apt-mark auto '.*' > /dev/null; "
                     "[ -z \"$savedAptMark\" ] || apt-mark manual $savedAptMark");
    assert_null(s->error);
    assert_string_equal(names(state, s), "- apt-mark apt-mark [ apt-mark");
    assert_int_equal(s->cmds[1]->parent_word, -1);
    assert_ptr_equal(s->cmds[1]->parent, s->cmds[0]);
    assert_int_equal(s->cmds[2]->redirs[0].op, SH_REDIR_OUT);

    s = parse(state, "gpg --batch --verify x.asc x && rm -rf \"$GNUPGHOME\"");
    assert_string_equal(names(state, s), "gpg rm");
    assert_int_equal(s->cmds[1]->argv[2].flags, SHW_QUOTED | SHW_DYNAMIC | SHW_PARAM);

    s = parse(state, "echo \"$(( 1 + 2 ))\"");
    assert_int_equal(s->ncmds, 1);
    assert_int_equal(s->cmds[0]->argv[1].flags, SHW_QUOTED | SHW_DYNAMIC | SHW_ARITH);

    s = parse(state, "find / -perm /6000 -type f -exec chmod a-s {} \\; || true");
    assert_null(s->error);
    assert_string_equal(names(state, s), "find chmod true");
    assert_int_equal(s->cmds[0]->sep, SH_SEP_OR);
    assert_string_equal(s->cmds[0]->argv[10].value, ";");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pipelines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_and_or_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subshell_and_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_if, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_functions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conditional_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arithmetic_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_coproc_negation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_realistic_run_bodies, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
