/*
 * Members of an image directory are opened beneath it only, without ever
 * blocking: links that stay inside work (docker save links repeated
 * layers), links out, absolute links and FIFOs are refused. Both the
 * openat2() path and the component walk used without it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/source.h"

static char root[256];  /* holds img/ (the input) and outside.txt */
static char img[300];

static void put(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void link_to(const char *target, const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    assert_int_equal(symlink(target, path), 0);
}

static void mk(const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/bosun-test-source-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(img, sizeof(img), "%s/img", root);
    mk("img");
    mk("img/a");
    mk("img/b");
    mk("img/blobs");
    put("outside.txt", "OUTSIDE\n");
    put("img/a/layer.tar", "layer a\n");
    put("img/index.json", "{}\n");
    link_to("../a/layer.tar", "img/b/layer.tar");          /* inside */
    link_to("b/layer.tar", "img/chain");                   /* link to link */
    link_to("../outside.txt", "img/out-rel");              /* out via .. */
    link_to("a/../../outside.txt", "img/out-deep");
    link_to("/etc/passwd", "img/out-abs");
    link_to("/proc/self/mem", "img/out-proc");
    link_to("loop2", "img/loop1");
    link_to("loop1", "img/loop2");
    link_to("../..", "img/blobs/up");                      /* a dir out */
    link_to("a", "img/dirlink");                           /* a dir in */
    char path[512];
    snprintf(path, sizeof(path), "%s/img/fifo", root);
    assert_int_equal(mkfifo(path, 0644), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd);
}

/* Locate `member`: its text, or NULL with *err. */
static const char *locate(img_source *src, const char *member,
                          const char **err)
{
    static char buf[256];
    blob_loc loc;
    if (!source_locate(src, member, &loc, err))
        return NULL;
    ssize_t n = read_at(loc.fd, buf, sizeof(buf) - 1, loc.off);
    blob_loc_close(&loc);
    assert_true(n >= 0);
    buf[n] = '\0';
    return buf;
}

static void check_members(bool walk_only)
{
    arena a;
    arena_init(&a);
    img_source src;
    const char *err;
    assert_true(source_open(&a, img, &src, &err));
    src.walk_only = walk_only;
    /* A FIFO would block open() forever: this test would hang. */
    alarm(10);

    assert_string_equal(locate(&src, "a/layer.tar", &err), "layer a\n");
    assert_string_equal(locate(&src, "b/layer.tar", &err), "layer a\n");
    assert_string_equal(locate(&src, "chain", &err), "layer a\n");
    assert_string_equal(locate(&src, "dirlink/layer.tar", &err), "layer a\n");

    const struct {
        const char *member, *why;
    } refused[] = {
        {"out-rel", "leads out of the image directory"},
        {"out-deep", "leads out of the image directory"},
        {"out-abs", "leads out of the image directory"},
        {"out-proc", "leads out of the image directory"},
        {"blobs/up/outside.txt", "leads out of the image directory"},
        {"loop1", "too many symbolic links"},
        {"fifo", "a FIFO, not a regular file"},
        {"a", "a directory"},
        {"missing", "missing from the image layout"},
        {"../outside.txt", "invalid path"},
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        const char *got = locate(&src, refused[i].member, &err);
        if (got)
            fail_msg("%s: read '%s'", refused[i].member, got);
        if (!strstr(err, refused[i].why))
            fail_msg("%s: '%s' lacks '%s'", refused[i].member, err,
                     refused[i].why);
    }
    /* Present (and refused when read), whatever they point to. */
    assert_true(source_has(&src, "fifo"));
    assert_true(source_has(&src, "out-abs"));
    assert_true(source_has(&src, "index.json"));
    assert_false(source_has(&src, "manifest.json"));
    alarm(0);
    source_close(&src);
    arena_release(&a);
}

static void test_openat2(void **state)
{
    (void)state;
    check_members(false);
}

static void test_walk(void **state)
{
    (void)state;
    check_members(true);
}

static void test_fifo_input(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof(path), "%s/img/fifo", root);
    arena a;
    arena_init(&a);
    img_source src;
    const char *err;
    alarm(10);
    assert_false(source_open(&a, path, &src, &err));
    alarm(0);
    assert_non_null(strstr(err, "not a directory or a regular file"));
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openat2),
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_fifo_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
