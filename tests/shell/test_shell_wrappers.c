/* Shell front end: wrappers seen through (sudo, env, xargs ...). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "shell/shell.h"
#include "util/arena.h"
#include "test_arena.h"

/* The first command of `text`. */
static const sh_command *first(void **state, const char *text)
{
    sh_script *s = sh_parse(*state, text, strlen(text), NULL, NULL);
    assert_true(s->ncmds >= 1);
    return s->cmds[0];
}

/* Assert the effective command of `text`: its name, argv index, wrappers. */
static void check(void **state, const char *text, const char *name, size_t index,
                  unsigned wrappers)
{
    const sh_command *c = first(state, text);
    if (name) {
        assert_non_null(c->name);
        assert_string_equal(c->name, name);
    } else {
        assert_null(c->name);
    }
    assert_int_equal(c->cmd_index, index);
    assert_int_equal(c->wrappers, wrappers);
    if (c->argc && !(c->wrappers & SHWRAP_XARGS && !c->args)) {
        assert_ptr_equal(c->args, c->argv + index + 1);
        assert_int_equal(c->nargs, c->argc - index - 1);
    }
}

static void test_no_wrapper(void **state)
{
    check(state, "/usr/bin/curl -fsSL x", "curl", 0, 0);
    check(state, "./configure --prefix=/usr", "configure", 0, 0);
    check(state, "$CC -o x x.c", NULL, 0, 0);
    check(state, "X=1 >/dev/null", NULL, 0, 0);
    const sh_command *c = first(state, "X=1");
    assert_int_equal(c->argc, 0);
    assert_int_equal(c->nargs, 0);
}

static void test_sudo(void **state)
{
    check(state, "sudo apt-get install x", "apt-get", 1, SHWRAP_SUDO);
    check(state, "sudo -E -H -u root -g wheel apt-get update", "apt-get", 7, SHWRAP_SUDO);
    check(state, "sudo -uroot -nE make", "make", 3, SHWRAP_SUDO);
    check(state, "sudo --user=app --preserve-env -- npm i", "npm", 4, SHWRAP_SUDO);
    check(state, "sudo --user app -C 3 -D /tmp -p pw make", "make", 9, SHWRAP_SUDO);
    check(state, "sudo -s make", "make", 2, SHWRAP_SUDO);
    /* Assignments before the command go to its environment. */
    check(state, "sudo -E DEBIAN_FRONTEND=noninteractive apt-get install x", "apt-get", 3, SHWRAP_SUDO);
    check(state, "sudo A=1 B=2 make", "make", 3, SHWRAP_SUDO);
    check(state, "doas -u app make", "make", 3, SHWRAP_SUDO);
    /* No command: sudo itself. */
    check(state, "sudo -i", "sudo", 0, 0);
    check(state, "sudo -l make", "sudo", 0, 0);
    check(state, "sudo -v", "sudo", 0, 0);
    check(state, "sudo \"$CMD\" x", NULL, 1, SHWRAP_SUDO);
}

static void test_env(void **state)
{
    check(state, "env A=1 B=\"$x\" curl x", "curl", 3, SHWRAP_ENV);
    check(state, "env -i -u HOME -C /tmp PATH=/bin sh", "sh", 7, SHWRAP_ENV);
    check(state, "env --unset=HOME --chdir /tmp -0 -- make", "make", 6, SHWRAP_ENV);
    check(state, "env - make", "make", 2, SHWRAP_ENV);
    check(state, "env", "env", 0, 0);
    check(state, "env A=1", "env", 0, 0);
}

static void test_process_wrappers(void **state)
{
    check(state, "nice -n 10 make", "make", 3, SHWRAP_NICE);
    check(state, "nice -n10 make", "make", 2, SHWRAP_NICE);
    check(state, "nice -10 make", "make", 2, SHWRAP_NICE);
    check(state, "nice --adjustment=5 make", "make", 2, SHWRAP_NICE);
    check(state, "nohup ./server &", "server", 1, SHWRAP_NICE);
    /* In bash, time is a reserved word, not part of the command. */
    check(state, "time -p make", "make", 0, 0);
    sh_options posix = {.dialect = SH_DIALECT_POSIX};
    sh_script *s = sh_parse(*state, "time -p make", 12, NULL, &posix);
    assert_string_equal(s->cmds[0]->name, "make");
    assert_int_equal(s->cmds[0]->cmd_index, 2);
    assert_int_equal(s->cmds[0]->wrappers, SHWRAP_NICE);
    check(state, "command time -f %e make", "make", 4, SHWRAP_NICE);
    check(state, "timeout 10 curl x", "curl", 2, SHWRAP_NICE);
    check(state, "timeout -s KILL -k 5 --preserve-status 1m curl", "curl", 7, SHWRAP_NICE);
    check(state, "stdbuf -oL -e 0 tail -f x", "tail", 4, SHWRAP_NICE);
    check(state, "ionice -c 3 -n7 make", "make", 4, SHWRAP_NICE);
    check(state, "ionice -p 12", "ionice", 0, 0);
    check(state, "chrt -f 50 ./rt", "rt", 3, SHWRAP_NICE);
    check(state, "chrt -p 50 123", "chrt", 0, 0);
    check(state, "setsid -f daemon", "daemon", 2, SHWRAP_NICE);
    check(state, "unbuffer -p cmd", "cmd", 2, SHWRAP_NICE);
    check(state, "builtin echo x", "echo", 1, SHWRAP_NICE);
    check(state, "exec -a name -l /bin/app x", "app", 4, SHWRAP_EXEC);
    check(state, "exec >/dev/null 2>&1", "exec", 0, 0);
    check(state, "tini -s -- /app", "app", 3, SHWRAP_NICE);
    check(state, "dumb-init --rewrite 15:2 -- app", "app", 4, SHWRAP_NICE);
}

static void test_command_lookup(void **state)
{
    check(state, "command -v curl", "command", 0, 0);
    check(state, "command -V curl", "command", 0, 0);
    check(state, "command -p curl x", "curl", 2, SHWRAP_NICE);
}

static void test_xargs(void **state)
{
    check(state, "xargs rm -f", "rm", 1, SHWRAP_XARGS);
    check(state, "xargs -0 -r -n 1 -P 4 -I {} cp {} /tmp", "cp", 9, SHWRAP_XARGS);
    check(state, "xargs -I{} -L1 -d '\\n' -E END -a list -s 100 echo", "echo", 11, SHWRAP_XARGS);
    check(state, "xargs --max-args=1 --max-procs 2 --null -t -x -p wc", "wc", 8, SHWRAP_XARGS);
    check(state, "xargs -i -e -l rm", "rm", 4, SHWRAP_XARGS);
    /* Without a command xargs runs echo. */
    sh_script *s = sh_parse(*state, "find . | xargs -0", 17, NULL, NULL);
    const sh_command *c = s->cmds[1];
    assert_string_equal(c->name, "echo");
    assert_int_equal(c->cmd_index, 0);
    assert_int_equal(c->wrappers, SHWRAP_XARGS);
    assert_int_equal(c->nargs, 0);
}

static void test_user_switchers(void **state)
{
    check(state, "gosu app npm start", "npm", 2, SHWRAP_USER);
    check(state, "su-exec app:app /bin/server", "server", 2, SHWRAP_USER);
    check(state, "chroot /srv /bin/sh -c x", "sh", 2, SHWRAP_USER);
    check(state, "chroot --userspec=1:1 /srv ls", "ls", 3, SHWRAP_USER);
    check(state, "chroot /srv", "chroot", 0, 0);
    check(state, "setpriv --reuid=1000 --regid 1000 --clear-groups make", "make", 5, SHWRAP_USER);
    check(state, "runuser -u app -- npm install", "npm", 4, SHWRAP_SU);
    check(state, "runuser -u app npm", "npm", 3, SHWRAP_SU);
    check(state, "su app", "su", 0, 0);
}

static void test_chains(void **state)
{
    check(state, "sudo -E env A=1 nice curl x", "curl", 5, SHWRAP_SUDO | SHWRAP_ENV | SHWRAP_NICE);
    check(state, "sudo -u app env X=1 nice -n5 /usr/bin/curl x", "curl", 7,
          SHWRAP_SUDO | SHWRAP_ENV | SHWRAP_NICE);
    check(state, "exec gosu app tini -- nohup timeout 5 xargs -0 rm", "rm", 10,
          SHWRAP_EXEC | SHWRAP_USER | SHWRAP_NICE | SHWRAP_XARGS);
    check(state, "busybox wget -O- x", "wget", 1, 0);
    check(state, "sudo sudo sudo ls", "ls", 3, SHWRAP_SUDO);
    const sh_command *c = first(state, "sudo -E env A=1 nice curl x");
    assert_int_equal(c->nargs, 1);
    assert_string_equal(c->args[0].value, "x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_wrapper, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sudo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_process_wrappers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xargs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_switchers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chains, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
