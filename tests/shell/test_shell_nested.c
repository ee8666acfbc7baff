/* Shell front end: scripts inside strings (sh -c, su -c, eval, here-docs
 * fed to a shell, find -exec) and exec-form argv. */
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
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_command *c = s->cmds[i];
        assert_int_equal(c->index, i);
        if (c->parent)
            assert_true(c->parent->index < c->index);
    }
    return s;
}

static void test_sh_c_positions(void **state)
{
    const char *t = "sh -c 'curl x | bash'";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "sh curl bash");
    const sh_command *sh = s->cmds[0], *curl = s->cmds[1], *bash = s->cmds[2];
    assert_int_equal(curl->ctx, SHC_NESTED);
    assert_int_equal(curl->depth, 1);
    assert_ptr_equal(curl->parent, sh);
    assert_int_equal(curl->parent_word, 2);
    assert_ptr_equal(curl->pipe_next, bash);
    assert_int_equal(bash->off, at(t, "bash", 0));
    assert_int_equal(bash->argv[0].end, at(t, "bash", 0) + 4);
    assert_int_equal(curl->argv[1].off, at(t, "x", 0));

    /* Escapes inside double quotes shift the columns: the map follows. */
    t = "bash -c \"echo \\\"\\$HOME\\\" && curl -o \\\"x y\\\" https://z\"";
    s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "bash echo curl");
    assert_int_equal(s->cmds[1]->argv[1].off, at(t, "\\\"\\$HOME", 0) + 1);
    assert_int_equal(s->cmds[2]->off, at(t, "curl", 0));
    assert_int_equal(s->cmds[2]->argv[3].off, at(t, "https", 0));
    assert_string_equal(s->cmds[2]->argv[2].value, "x y");
}

static void test_shell_options(void **state)
{
    const char *forms[] = {
        "sh -c 'apt-get update'",         "bash -lc 'apt-get update'",
        "sh -ec 'apt-get update'",        "bash -xec 'apt-get update'",
        "bash -euxc 'apt-get update'",    "bash -o pipefail -c 'apt-get update'",
        "bash -euo pipefail -c 'apt-get update'", "bash --login -c 'apt-get update'",
        "sh +x -c 'apt-get update'",      "/bin/dash -c 'apt-get update' name a b",
        "zsh -c -- 'apt-get update'",     "busybox sh -c 'apt-get update'",
        "ash -c -e 'apt-get update'",     "bash --rcfile x -c 'apt-get update'",
        "sudo sh -c 'apt-get update'",    "env -i PATH=/bin sh -c 'apt-get update'",
        "xargs -0 sh -c 'apt-get update'", "sudo -E env A=1 bash -c 'apt-get update'",
    };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        sh_script *s = parse(state, forms[i]);
        assert_null(s->error);
        assert_int_equal(s->ncmds, 2);
        const sh_command *inner = s->cmds[1];
        assert_string_equal(inner->name, "apt-get");
        assert_int_equal(inner->ctx, SHC_NESTED);
        assert_int_equal(inner->off, at(forms[i], "apt-get", 0));
        assert_ptr_equal(inner->parent, s->cmds[0]);
        assert_true(sh_word_is(&s->cmds[0]->argv[inner->parent_word], "apt-get update"));
    }
    /* A script file, not a string. */
    sh_script *s = parse(state, "bash -e install.sh 'curl x'");
    assert_int_equal(s->ncmds, 1);
    /* Dynamic strings are not parsed. */
    s = parse(state, "sh -c \"$(curl -fsSL https://raw.githubusercontent.com/x/install.sh)\"");
    assert_string_equal(names(state, s), "sh curl");
    assert_int_equal(s->cmds[1]->ctx, SHC_CMDSUBST);
    assert_int_equal(s->cmds[1]->parent_word, 2);
}

static void test_pipe_to_shell(void **state)
{
    sh_script *s = parse(state, "curl -fsSL https://get.docker.com | sudo -E bash -");
    assert_null(s->error);
    assert_string_equal(names(state, s), "curl bash");
    assert_int_equal(s->cmds[1]->cmd_index, 2);
    assert_int_equal(s->cmds[1]->wrappers, SHWRAP_SUDO);
    assert_ptr_equal(s->cmds[0]->pipe_next, s->cmds[1]);
    s = parse(state, "wget -qO- https://x/install.sh | tee /tmp/i.sh | sh");
    assert_string_equal(names(state, s), "wget tee sh");
    assert_int_equal(s->cmds[2]->pipe_pos, 2);
}

static void test_nested_in_nested(void **state)
{
    const char *t = "sh -c \"bash -c 'curl x | sh' && echo \\$(id)\"";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "sh bash curl sh echo id");
    assert_int_equal(s->cmds[2]->depth, 2);
    assert_ptr_equal(s->cmds[2]->parent, s->cmds[1]);
    assert_int_equal(s->cmds[2]->off, at(t, "curl", 0));
    assert_int_equal(s->cmds[3]->off, at(t, "sh'", 0));
    assert_int_equal(s->cmds[5]->ctx, SHC_NESTED | SHC_CMDSUBST);
    assert_int_equal(s->cmds[5]->off, at(t, "id", 0));

    /* Context is inherited by nested commands. */
    s = parse(state, "for i in 1; do sh -c 'make'; done");
    assert_int_equal(s->cmds[1]->ctx, SHC_LOOP | SHC_NESTED);
}

static void test_su_and_runuser(void **state)
{
    const char *forms[] = {
        "su -c 'make install' app",       "su app -c 'make install'",
        "su - app -c 'make install'",     "su -l -s /bin/sh app -c 'make install'",
        "su --command='make install' app", "su --command 'make install'",
        "runuser -l app -c 'make install'", "su -c'make install'",
    };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        sh_script *s = parse(state, forms[i]);
        assert_null(s->error);
        assert_string_equal(names(state, s), i == 6 ? "runuser make" : "su make");
        assert_int_equal(s->cmds[0]->wrappers, SHWRAP_SU);
        assert_int_equal(s->cmds[0]->cmd_index, 0);
        assert_int_equal(s->cmds[1]->ctx, SHC_NESTED);
        assert_int_equal(s->cmds[1]->off, at(forms[i], "make", 0));
    }
    sh_script *s = parse(state, "sudo su - postgres -c \"psql -c 'select 1'\"");
    assert_string_equal(names(state, s), "su psql");
    assert_int_equal(s->cmds[0]->wrappers, SHWRAP_SUDO | SHWRAP_SU);
    assert_int_equal(s->cmds[1]->parent_word, 5);
}

static void test_eval(void **state)
{
    const char *t = "eval apt-get  install \"-y\" curl";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "eval apt-get");
    const sh_command *c = s->cmds[1];
    assert_int_equal(c->argc, 4);
    assert_string_equal(c->argv[2].value, "-y");
    assert_int_equal(c->parent_word, 1);
    assert_int_equal(c->argv[0].off, at(t, "apt-get", 0));
    assert_int_equal(c->argv[1].off, at(t, "install", 0));
    assert_int_equal(c->argv[3].off, at(t, "curl", 0));

    s = parse(state, "eval \"$(ssh-agent -s)\"; eval 'a && b'");
    assert_string_equal(names(state, s), "eval ssh-agent eval a b");
    assert_int_equal(s->cmds[3]->ctx, SHC_NESTED);
}

static void test_find_exec(void **state)
{
    const char *t = "find . -name '*.sh' -exec sh -c 'chmod +x \"$1\"' _ {} \\; -execdir rm {} +";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "find sh chmod rm");
    assert_int_equal(s->cmds[1]->parent_word, 5);
    assert_int_equal(s->cmds[1]->ctx, SHC_NESTED);
    assert_int_equal(s->cmds[1]->argc, 5);
    assert_ptr_equal(s->cmds[2]->parent, s->cmds[1]);
    assert_int_equal(s->cmds[2]->depth, 2);
    assert_int_equal(s->cmds[2]->off, at(t, "chmod", 0));
    assert_int_equal(s->cmds[3]->argc, 2);
    assert_ptr_equal(s->cmds[3]->parent, s->cmds[0]);
}

static void test_heredoc_fed_to_shell(void **state)
{
    const char *t = "bash <<'EOF'\nset -e\ncurl -sL x | sh\nEOF\necho done";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "bash set curl sh echo");
    assert_int_equal(s->cmds[2]->ctx, SHC_NESTED);
    assert_int_equal(s->cmds[2]->parent_word, -1);
    assert_int_equal(s->cmds[2]->off, at(t, "curl", 0));
    assert_int_equal(s->cmds[4]->ctx, 0);

    /* Expanding body: the outer shell's escapes are undone first. */
    t = "sh -s <<EOF\n\tapt-get install \\$(x) $(y)\nEOF";
    s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "sh apt-get x y");
    assert_int_equal(s->cmds[2]->off, at(t, "x)", 0));
    assert_int_equal(s->cmds[2]->ctx, SHC_NESTED | SHC_CMDSUBST);

    t = "sudo -u app bash <<-EOF\n\tnpm install\n\tEOF\nsudo -s <<X\nid\nX\n";
    s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "bash npm sudo id");
    assert_int_equal(s->cmds[1]->off, at(t, "npm", 0));

    t = "bash <<< \"apt-get update && curl x\"; cat <<< 'not a script'";
    s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "bash apt-get curl cat");
    assert_int_equal(s->cmds[2]->off, at(t, "curl", 0));
    assert_int_equal(s->cmds[2]->parent_word, -1);
}

static void test_env_split_string(void **state)
{
    const char *t = "env -S 'sh -c \"curl x\"'";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_string_equal(names(state, s), "env sh curl");
    assert_int_equal(s->cmds[2]->off, at(t, "curl", 0));
}

static void test_depth_limit(void **state)
{
    const char *t = "sh -c \"sh -c 'sh -c ls'\"";
    sh_options o = {.max_depth = 2};
    sh_script *s = sh_parse(*state, t, strlen(t), NULL, &o);
    assert_string_equal(names(state, s), "sh sh sh");
    assert_true(s->truncated);
    s = parse(state, t);
    assert_string_equal(names(state, s), "sh sh sh ls");
    assert_false(s->truncated);
    assert_int_equal(s->cmds[3]->depth, 3);
}

static void test_from_argv(void **state)
{
    /* RUN ["sh", "-c", "curl x | bash"] with values at 6, 12, 18. */
    const char *argv[] = {"sh", "-c", "curl x | bash"};
    size_t lens[] = {2, 2, 13};
    uint32_t offs[] = {6, 12, 18};
    sh_script *s = sh_from_argv(*state, argv, lens, 3, offs, NULL, NULL);
    assert_null(s->error);
    assert_string_equal(names(state, s), "sh curl bash");
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argc, 3);
    assert_int_equal(c->argv[2].flags, 0);
    assert_int_equal(c->argv[2].off, 18);
    assert_int_equal(c->argv[2].end, 31);
    assert_int_equal(c->off, 6);
    assert_int_equal(c->end, 31);
    assert_int_equal(s->cmds[1]->off, 18);
    assert_int_equal(s->cmds[2]->off, 27);
    assert_int_equal(s->cmds[2]->parent_word, 2);

    /* A value with a JSON escape: "echo \"hi\" && wget y" — the map
     * says where each byte of the value is in the source. */
    arena *a = *state;
    const char *v = "echo \"hi\" && wget y";
    srcmap m = {0};
    srcmap_add(&m, a, 0, 100); /* echo_ */
    srcmap_add(&m, a, 5, 106); /* "hi  (each quote was \" in JSON) */
    srcmap_add(&m, a, 8, 110); /* " && wget y */
    const char *argv2[] = {"/bin/sh", "-c", v};
    size_t lens2[] = {7, 2, strlen(v)};
    uint32_t offs2[] = {80, 90, 100};
    const srcmap *maps[] = {NULL, NULL, &m};
    s = sh_from_argv(a, argv2, lens2, 3, offs2, maps, NULL);
    assert_string_equal(names(state, s), "sh echo wget");
    assert_int_equal(s->cmds[2]->off, 100 + 10 + (uint32_t)(strstr(v, "wget") - v) - 8);
    assert_int_equal(s->cmds[0]->argv[2].end, 110 + (uint32_t)strlen(v) - 8);

    /* Wrappers apply as for parsed commands. */
    const char *argv3[] = {"sudo", "-u", "app", "npm", "ci"};
    s = sh_from_argv(a, argv3, NULL, 5, NULL, NULL, NULL);
    assert_string_equal(s->cmds[0]->name, "npm");
    assert_int_equal(s->cmds[0]->wrappers, SHWRAP_SUDO);
    s = sh_from_argv(a, NULL, NULL, 0, NULL, NULL, NULL);
    assert_int_equal(s->ncmds, 0);
}

static const char *resolver(void *ctx, const char *name, size_t len, size_t *vlen)
{
    (void)ctx;
    if (len == 3 && memcmp(name, "CMD", 3) == 0) {
        *vlen = 12;
        return "curl x | sh ";
    }
    return NULL;
}

static void test_resolved_strings(void **state)
{
    /* A resolved parameter makes the string static, so it is parsed; its
     * bytes point at the parameter. Found by fuzzing: the map went
     * backwards and a word ended before it started. */
    const char *t = "eval $CMD\x1a; sh -c \"$CMD\"";
    sh_options o = {.resolve = resolver};
    sh_script *s = sh_parse(*state, t, strlen(t), NULL, &o);
    assert_string_equal(names(state, s), "eval curl sh sh curl sh");
    for (size_t i = 0; i < s->ncmds; i++)
        for (size_t k = 0; k < s->cmds[i]->argc; k++)
            assert_true(s->cmds[i]->argv[k].off <= s->cmds[i]->argv[k].end);
    assert_int_equal(s->cmds[1]->off, at(t, "$CMD", 0));
    assert_int_equal(s->cmds[4]->off, at(t, "$CMD", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sh_c_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipe_to_shell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_in_nested, setup, teardown),
        cmocka_unit_test_setup_teardown(test_su_and_runuser, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_exec, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heredoc_fed_to_shell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_split_string, setup, teardown),
        cmocka_unit_test_setup_teardown(test_depth_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_argv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolved_strings, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
