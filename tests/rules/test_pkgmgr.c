/* Package-manager command lines as the tools read them (rules/pkgmgr.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "rules/pkgmgr.h"
#include "shell/shell.h"
#include "util/arena.h"
#include "util/strbuf.h"
#include "test_arena.h"

/* ARG/ENV values a Dockerfile would provide. */
static const char *resolve(void *ctx, const char *name, size_t len,
                           size_t *value_len)
{
    (void)ctx;
    if (len == 4 && !memcmp(name, "PKGS", 4)) {
        *value_len = strlen("curl  git");
        return "curl  git";
    }
    return NULL;
}

/* The first command of `text`, read by pkgmgr and rendered as
 * "tool sub | opt=value opt | operand operand". */
static const char *render(void **state, const char *text)
{
    arena *a = *state;
    sh_options opts = {.resolve = resolve};
    sh_script *s = sh_parse(a, text, strlen(text), NULL, &opts);
    assert_true(s->ncmds > 0);
    lint_ctx c = {.a = a};
    pkg_cmd p;
    if (!pkg_parse(&c, s->cmds[0], &p))
        return "none";
    strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "%s %s |", p.name, pkg_subcommand(&p));
    for (size_t i = 0; i < p.nargs; i++) {
        const pkg_arg *arg = &p.args[i];
        if (i == p.sub)
            continue;
        if (arg->opt)
            sb_printf(&sb, " %s%s%s", arg->opt, arg->value ? "=" : "",
                      arg->value ? arg->value->value : "");
        else
            sb_printf(&sb, " [%s]", arg->word->value);
    }
    const char *out = arena_strdup(a, sb.data);
    sb_free(&sb);
    return out;
}

#define assert_render(text, want) \
    assert_string_equal(render(state, text), want)

static void test_apt_options(void **state)
{
    assert_render("apt-get -o Dpkg::Options::=--force-confold -yt bookworm install curl=1 wget",
                  "apt-get install | -o=Dpkg::Options::=--force-confold -y -t=bookworm [curl=1] [wget]");
    assert_render("sudo -E apt install -qq -oAcquire::Retries=3 vim",
                  "apt install | -q -q -o=Acquire::Retries=3 [vim]");
    assert_render("apt-get install -y -- -odd",
                  "apt-get install | -y [-odd]");
}

static void test_apk_options(void **state)
{
    assert_render("apk --no-cache add --virtual .deps -X http://x/main gcc -t.other",
                  "apk add | --no-cache --virtual=.deps -X=http://x/main [gcc] -t=.other");
}

static void test_rpm_and_zypper_options(void **state)
{
    assert_render("yum --setopt=tsflags=nodocs -x 'kernel*' --enablerepo epel install -y httpd",
                  "yum install | --setopt=tsflags=nodocs -x=kernel* --enablerepo=epel -y [httpd]");
    /* zypper: -C before the command is the cache dir, after it a flag */
    assert_render("zypper -C /cache -n in -C -t package 'foo>1'",
                  "zypper in | -C=/cache -n -C -t=package [foo>1]");
}

static void test_pip_spellings(void **state)
{
    assert_render("python3 -u -m pip --no-cache-dir install -r req.txt -i https://x/simple flask",
                  "python3 install | --no-cache-dir -r=req.txt -i=https://x/simple [flask]");
    assert_render("/usr/local/bin/pip3.12 install -e . flask==2.0",
                  "pip3.12 install | -e=. [flask==2.0]");
    assert_render("python3 -mpip install x", "python3 install | [x]");
    assert_string_equal(render(state, "python3 setup.py install"), "none");
    assert_string_equal(render(state, "python3 -c 'import pip' install"), "none");
}

static void test_npm_booleans(void **state)
{
    /* npm reads `--flag true` as a boolean and its value */
    assert_render("npm install --unsafe-perm true -g --registry https://r foo",
                  "npm install | --unsafe-perm -g --registry=https://r [foo]");
    assert_render("yarn global add --prefix /usr gulp",
                  "yarn global | [add] --prefix=/usr [gulp]");
}

static void test_gem_build_arguments(void **state)
{
    assert_render("gem install pg -v 1.5.6 -- --with-pg-config=/usr/bin/pg_config",
                  "gem install | [pg] -v=1.5.6");
}

static void test_go_flags(void **state)
{
    assert_render("go install -ldflags=-s -tags netgo --trimpath example.com/x@v1.2.3 -v",
                  "go install | -ldflags=-s -tags=netgo -trimpath [example.com/x@v1.2.3] [-v]");
    assert_render("go run example.com/gen@v1 -out x.go",
                  "go run | [example.com/gen@v1] [-out] [x.go]");
}

static void test_cargo_and_git(void **state)
{
    assert_render("cargo +nightly install --git https://x/y --rev abc1234 tool",
                  "cargo install | +nightly --git=https://x/y --rev=abc1234 [tool]");
    assert_render("git -C /src -c http.sslVerify=true clone -b v1.0 --depth=1 https://x/y.git dir",
                  "git clone | -C=/src -c=http.sslVerify=true -b=v1.0 --depth=1 [https://x/y.git] [dir]");
}

static void test_fields_of_known_variables(void **state)
{
    /* an unquoted ARG holding a list is split; a quoted one is not */
    assert_render("apt-get install -y $PKGS", "apt-get install | -y [curl] [git]");
    assert_render("apt-get install -y \"$PKGS\"", "apt-get install | -y [curl  git]");
    assert_render("apt-get install -y $OTHER", "apt-get install | -y [$OTHER]");
}

static void test_dynamic_subcommand(void **state)
{
    assert_render("apt-get $ACTION -y curl", "apt-get  | -y [curl]");
}

static void test_swallowed_instruction(void **state)
{
    /* "RUN apt-get install curl \" + empty line + "COPY a b" */
    assert_render("apt-get install -y curl COPY a b",
                  "apt-get install | -y [curl]");
}

static void test_ref_is_fixed(void **state)
{
    (void)state;
    static const char *const fixed[] = {
        "v1.2.3", "1.4", "release-2.0", "curl-8_5_0", "tags/main",
        "refs/tags/v1", "0123456", "0123456789abcdef0123456789abcdef01234567",
        "go1.22.2", "2024.01.15", NULL,
    };
    static const char *const moving[] = {
        "main", "master", "HEAD", "develop", "latest", "stable", "nightly",
        "origin/main", "refs/heads/v1.2", "release/1.2", "1.x", "2.0-dev",
        "8.x-3.x", "feature-foo", "gh-pages", "", NULL,
    };
    for (const char *const *r = fixed; *r; r++)
        if (!pkg_ref_is_fixed(*r, strlen(*r)))
            fail_msg("%s should be fixed", *r);
    for (const char *const *r = moving; *r; r++)
        if (pkg_ref_is_fixed(*r, strlen(*r)))
            fail_msg("%s should move", *r);
}

static void test_shapes(void **state)
{
    (void)state;
    assert_true(pkg_is_local_path("./x"));
    assert_true(pkg_is_local_path("/tmp/x.deb"));
    assert_true(pkg_is_local_path("."));
    assert_true(pkg_is_local_path("file:../lib"));
    assert_false(pkg_is_local_path("curl"));
    assert_false(pkg_is_local_path(".build-deps"));
    assert_true(pkg_is_url("git+https://x/y"));
    assert_true(pkg_is_url("https://x"));
    assert_false(pkg_is_url("user/repo"));
    assert_false(pkg_is_url("://x"));
    assert_false(pkg_is_url("a b://x"));
    assert_true(pkg_has_suffix("X.DEB", ".deb"));
    assert_false(pkg_has_suffix(".deb", ".deb"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_apt_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apk_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rpm_and_zypper_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pip_spellings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_npm_booleans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gem_build_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_go_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cargo_and_git, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fields_of_known_variables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dynamic_subcommand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_swallowed_instruction, setup, teardown),
        cmocka_unit_test(test_ref_is_fixed),
        cmocka_unit_test(test_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
