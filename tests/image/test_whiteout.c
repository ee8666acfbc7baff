/*
 * The whiteout model: path normalisation, whiteouts and opaque directories
 * applied in layer order, replacements, and what a layer's own whiteouts
 * do not touch; keyed 128-bit path hashes, all of whose bits count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "image/whiteout.h"

static const char *norm(const char *name, bool *abs, bool *esc)
{
    static char out[256];
    assert_true(layer_path_normalise(name, out, sizeof(out), abs, esc));
    return out;
}

static void test_normalise(void **state)
{
    (void)state;
    bool abs, esc;
    assert_string_equal(norm("./etc/passwd", &abs, &esc), "/etc/passwd");
    assert_false(abs);
    assert_false(esc);
    assert_string_equal(norm("etc//ssl/./certs/", &abs, &esc), "/etc/ssl/certs");
    assert_string_equal(norm(".", &abs, &esc), "/");
    assert_string_equal(norm("/etc/shadow", &abs, &esc), "/etc/shadow");
    assert_true(abs);
    assert_string_equal(norm("../../etc/cron.d/x", &abs, &esc), "/etc/cron.d/x");
    assert_true(esc);
    assert_string_equal(norm("a/b/../../c", &abs, &esc), "/c");
    assert_false(esc);
    assert_string_equal(norm("a/../../c", &abs, &esc), "/c");
    assert_true(esc);
    char small[4];
    assert_false(layer_path_normalise("abcdef", small, sizeof(small), &abs, &esc));
    /* A component longer than the output that ".." removes does not count:
     * Go's filepath.Clean never sees it. */
    char name[6000];
    memset(name, 'x', 5000);
    strcpy(name + 5000, "/../root/.aws/credentials");
    assert_string_equal(norm(name, &abs, &esc), "/root/.aws/credentials");
    assert_false(esc);
    char five[5];
    assert_true(layer_path_normalise("a/bbbbbbbb/../c", five, sizeof(five),
                                     &abs, &esc));
    assert_string_equal(five, "/a/c");
    /* The result alone is held to the limit. */
    assert_false(layer_path_normalise(name + 4990, small, sizeof(small), &abs,
                                      &esc));
}

static path_id id(uint64_t hi, uint64_t lo)
{
    path_id h = {hi, lo};
    return h;
}

static void test_pathset(void **state)
{
    (void)state;
    pathset s = {0};
    for (uint64_t i = 1; i <= 5000; i++)
        pathset_add(&s, id(i % 7, i * 2));
    pathset_add(&s, id(5 % 7, 10)); /* the 5th again */
    assert_int_equal(s.n, 5000);
    for (uint64_t i = 1; i <= 5000; i++)
        assert_true(pathset_has(&s, id(i % 7, i * 2)));
    /* Equal low halves, different high halves: different paths. */
    assert_false(pathset_has(&s, id(1, 4)));
    assert_false(pathset_has(&s, id(0, 10002)));
    pathset_free(&s);
    assert_false(pathset_has(&s, id(2, 2)));
}

static void test_path_hash(void **state)
{
    (void)state;
    path_hasher a, b;
    assert_true(path_hasher_init(&a));
    assert_true(path_hasher_init(&b));
    assert_false(path_id_equal(path_hash(&a, "/a", 2), path_hash(&a, "/b", 2)));
    assert_true(path_id_equal(path_hash(&a, "/a/b", 2), path_hash(&a, "/a", 2)));
    /* In one pass: the directories above a path, then the path. */
    path_ids ids;
    const char *deep = "/usr/lib/x86_64-linux-gnu/libc.so.6";
    path_ids_init(&ids, &a, deep, strlen(deep));
    assert_int_equal(ids.ndirs, 3);
    assert_true(path_id_equal(ids.dirs[0], path_hash(&a, "/usr", 4)));
    assert_true(path_id_equal(ids.dirs[2], path_hash(&a, deep, 25)));
    assert_true(path_id_equal(ids.self, path_hash(&a, deep, strlen(deep))));
    path_ids_free(&ids);
    /* A key per scan: the same path hashes differently in another scan. */
    assert_false(path_id_equal(path_hash(&a, "/a", 2), path_hash(&b, "/a", 2)));
}

static void test_pathlist(void **state)
{
    (void)state;
    pathlist l = {0};
    /* Out of order, with duplicates, as paths come from a layer. */
    for (uint64_t i = 0; i < 20000; i++) {
        uint64_t v = (i * 7919) % 20000 + 1;
        pathlist_add(&l, id(v % 3, v));
    }
    for (uint64_t i = 1; i <= 100; i++)
        pathlist_add(&l, id(i % 3, i));
    pathlist_seal(&l);
    assert_int_equal(l.n, 20000);
    for (size_t i = 1; i < l.n; i++)
        assert_true(path_id_compare(l.items[i - 1], l.items[i]) < 0);
    for (uint64_t i = 1; i <= 20000; i++)
        assert_true(pathlist_has(&l, id(i % 3, i)));
    assert_false(pathlist_has(&l, id(2, 1)));
    assert_false(pathlist_has(&l, id(0, 40002)));
    assert_false(pathlist_has(&l, id(0, 0)));
    pathlist_seal(&l); /* twice is fine */
    assert_int_equal(l.n, 20000);
    pathlist_free(&l);
    assert_false(pathlist_has(&l, id(1, 1)));
    pathlist_seal(&l); /* empty */
    assert_false(pathlist_has(&l, id(1, 1)));
    pathlist_free(&l);
}

static int fate_layer;
static path_hasher hashing;

static void start(layer_changes *l, size_t n)
{
    memset(l, 0, n * sizeof(*l));
    for (size_t i = 0; i < n; i++)
        l[i].hashing = &hashing;
}

/* As the scanner does: every layer sealed before fates are asked. */
static img_fate fate(layer_changes *l, size_t n, int layer, const char *path)
{
    for (size_t i = 0; i < n; i++)
        layer_changes_seal(&l[i]);
    return whiteout_fate(l, n, layer, path, &fate_layer);
}

static void check_fates(void)
{
    layer_changes l[5];
    start(l, 5);
    /* 0: the base; 1: adds a key; 2: changes /etc/app; 3: deletes the key
     * and makes /data opaque; 4: replaces /opt with a file. */
    layer_changes_record(&l[0], "/etc", true);
    layer_changes_record(&l[0], "/etc/app", false);
    layer_changes_record(&l[0], "/data/old", false);
    layer_changes_record(&l[0], "/opt/tool/bin", false);
    assert_false(layer_changes_record(&l[1], "/root/.ssh/id_rsa", false));
    layer_changes_record(&l[2], "/etc", true);
    layer_changes_record(&l[2], "/etc/app", false);
    assert_true(layer_changes_record(&l[3], "/root/.ssh/.wh.id_rsa", false));
    assert_true(layer_changes_record(&l[3], "/data/.wh..wh..opq", false));
    layer_changes_record(&l[3], "/data/new", false);
    assert_true(layer_changes_record(&l[3], "/x/.wh..wh.plnk", false));
    layer_changes_record(&l[4], "/opt", false);

    assert_int_equal(fate(l, 5, 1, "/root/.ssh/id_rsa"), FATE_DELETED);
    assert_int_equal(fate_layer, 3);
    assert_int_equal(fate(l, 5, 0, "/etc/app"), FATE_REPLACED);
    assert_int_equal(fate_layer, 2);
    assert_int_equal(fate(l, 5, 2, "/etc/app"), FATE_SHIPS);
    assert_int_equal(fate_layer, -1);
    assert_int_equal(fate(l, 5, 0, "/data/old"), FATE_HIDDEN);
    assert_int_equal(fate_layer, 3);
    /* An opaque directory hides lower layers, not its own layer. */
    assert_int_equal(fate(l, 5, 3, "/data/new"), FATE_SHIPS);
    assert_int_equal(fate(l, 5, 0, "/opt/tool/bin"), FATE_REPLACED);
    assert_int_equal(fate_layer, 4);
    /* A directory written again in a later layer (its mode may change). */
    assert_int_equal(fate(l, 5, 0, "/etc"), FATE_REPLACED);
    assert_int_equal(fate(l, 5, 4, "/opt"), FATE_SHIPS);
    /* Whiteouts of the last layer touch nothing below the given layer. */
    assert_int_equal(fate(l, 3, 1, "/root/.ssh/id_rsa"), FATE_SHIPS);
    /* Paths that are neither written again nor deleted. */
    assert_int_equal(fate(l, 5, 0, "/data"), FATE_SHIPS);
    assert_int_equal(fate(l, 5, 1, "/root/.ssh/id_rsa2"), FATE_SHIPS);
    assert_int_equal(fate(l, 5, 0, "/etc/app/x"), FATE_REPLACED);
    for (size_t i = 0; i < 5; i++)
        layer_changes_free(&l[i]);
}

static void test_fates(void **state)
{
    (void)state;
    assert_true(path_hasher_init(&hashing));
    check_fates();
    assert_true(is_whiteout_name(".wh.foo"));
    assert_false(is_whiteout_name("foo.wh."));
}

/* Every path gets the same first half: only the second tells them apart. */
static path_id same_first_half(path_id h, const char *path, size_t len)
{
    (void)path;
    (void)len;
    h.hi = 0x5eed;
    return h;
}

/* The same second half: the first one tells them apart. */
static path_id same_second_half(path_id h, const char *path, size_t len)
{
    (void)path;
    (void)len;
    h.lo = 0x5eed;
    return h;
}

static void test_colliding_halves(void **state)
{
    (void)state;
    assert_true(path_hasher_init(&hashing));
    hashing.test_hook = same_first_half;
    check_fates();
    hashing.test_hook = same_second_half;
    check_fates();
    hashing.test_hook = NULL;
}

static void test_deleted_directory(void **state)
{
    (void)state;
    assert_true(path_hasher_init(&hashing));
    layer_changes l[2];
    start(l, 2);
    layer_changes_record(&l[0], "/root/.aws/credentials", false);
    layer_changes_record(&l[1], "/root/.wh..aws", false);
    assert_int_equal(fate(l, 2, 0, "/root/.aws/credentials"), FATE_DELETED);
    assert_int_equal(fate_layer, 1);
    layer_changes_free(&l[0]);
    layer_changes_free(&l[1]);
}

/* An opaque marker at the root of a layer: unpackers that apply layers one
 * over the other delete everything below it (containerd's applyNaive walks
 * the root and removes what this layer did not write), overlayfs ignores
 * the marker on a layer's root directory. Later layers still decide. */
static void test_root_opaque(void **state)
{
    (void)state;
    assert_true(path_hasher_init(&hashing));
    layer_changes l[4];
    start(l, 4);
    layer_changes_record(&l[0], "/usr/bin/tool", false);
    layer_changes_record(&l[0], "/etc/key", false);
    layer_changes_record(&l[0], "/etc/gone", false);
    assert_true(layer_changes_record(&l[1], "/.wh..wh..opq", false));
    layer_changes_record(&l[1], "/etc/new", false);
    layer_changes_record(&l[2], "/etc/key", false);
    assert_true(layer_changes_record(&l[3], "/etc/.wh.gone", false));
    assert_int_equal(fate(l, 4, 0, "/usr/bin/tool"), FATE_ROOT_OPAQUE);
    assert_int_equal(fate_layer, 1);
    assert_int_equal(fate(l, 4, 0, "/etc/key"), FATE_REPLACED);
    assert_int_equal(fate_layer, 2);
    assert_int_equal(fate(l, 4, 0, "/etc/gone"), FATE_DELETED);
    assert_int_equal(fate_layer, 3);
    /* Its own layer's files and those above are not below the marker. */
    assert_int_equal(fate(l, 4, 1, "/etc/new"), FATE_SHIPS);
    assert_int_equal(fate(l, 4, 2, "/etc/key"), FATE_SHIPS);
    for (size_t i = 0; i < 4; i++)
        layer_changes_free(&l[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_pathset),
        cmocka_unit_test(test_path_hash),
        cmocka_unit_test(test_pathlist),
        cmocka_unit_test(test_fates),
        cmocka_unit_test(test_colliding_halves),
        cmocka_unit_test(test_deleted_directory),
        cmocka_unit_test(test_root_opaque),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
