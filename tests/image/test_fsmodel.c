/*
 * The link model: records kept while layers are walked, hard links
 * resolved in layer order the way containerd makes them, and the final
 * account files read through symbolic links; then all of it again with
 * hashes whose first halves all collide.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/stat.h>

#include "image/fsmodel.h"

static path_hasher hashing;
static arena A;

/* A layer being built as the walk builds it. */
typedef struct test_layer {
    layer_changes changes;
    layer_records records;
    img_findings findings;
    walk_index written;
    size_t kept_links;         /* hard links kept by the walk */
} test_layer;

static void start(test_layer *l, size_t n)
{
    memset(l, 0, n * sizeof(*l));
    for (size_t i = 0; i < n; i++) {
        l[i].changes.hashing = &hashing;
        findings_init(&l[i].findings, &A, NULL);
    }
}

static uint32_t written(test_layer *l, const char *path, bool dir)
{
    layer_changes_record(&l->changes, path, dir);
    uint32_t idx = (uint32_t)(l->changes.files.n - 1);
    if (!dir)
        walk_index_add(&l->written, idx);
    return idx;
}

static path_id id_of(const char *path)
{
    return path_hash(&hashing, path, strlen(path));
}

static void dir(test_layer *l, const char *path)
{
    written(l, path, true);
}

static void plain(test_layer *l, const char *path)
{
    written(l, path, false);
}

static void whiteout(test_layer *l, const char *path)
{
    layer_changes_record(&l->changes, path, false);
}

static file_rec *file(test_layer *l, const char *path, unsigned mode)
{
    uint32_t idx = written(l, path, false);
    file_rec *r = records_add(&l->records, REC_FILE, id_of(path), idx);
    walk_index_says(&l->written, id_of(path), idx);
    r->mode = mode;
    return r;
}

static void symlink_to(test_layer *l, const char *path, const char *target)
{
    uint32_t idx = written(l, path, false);
    file_rec *r = records_add(&l->records, REC_SYMLINK, id_of(path), idx);
    r->target = target;
}

/* As the walk does: a link to a file of its layer that says nothing is
 * not kept. */
static void hardlink(test_layer *l, const char *path, const char *target)
{
    layer_changes_record(&l->changes, path, false);
    uint32_t idx = (uint32_t)(l->changes.files.n - 1);
    char norm[4096];
    bool abs, esc;
    assert_true(layer_path_normalise(target, norm, sizeof(norm), &abs, &esc));
    if (!l->written.files)
        walk_index_start(&l->written, &l->changes.files, idx);
    int64_t prev = walk_index_last(&l->written, id_of(norm), idx);
    if (prev < 0 || walk_index_said(&l->written, id_of(norm), (uint32_t)prev)) {
        file_rec *r = records_add(&l->records, REC_HARDLINK, id_of(path), idx);
        uint64_t units;
        link_extra *x = link_new(path, target, &units);
        x->target_id = id_of(norm);
        x->prev = prev;
        r->lx = x;
        walk_index_says(&l->written, id_of(path), idx);
        l->kept_links++;
    }
    walk_index_add(&l->written, idx);
}

/* Seal the layers, run the model; returns it (free it). */
static fs_model *model(test_layer *l, size_t n, fs_layer *out)
{
    for (size_t i = 0; i < n; i++) {
        records_seal(&l[i].records, &l[i].changes.files);
        walk_index_free(&l[i].written);
        layer_changes_seal(&l[i].changes);
        out[i] = (fs_layer){&l[i].changes, &l[i].records, &l[i].findings,
                            false};
    }
    fs_model *m = fs_model_new(&hashing, out, n);
    fs_model_check_links(m);
    return m;
}

static void finish(fs_model *m, test_layer *l, size_t n)
{
    fs_model_free(m);
    for (size_t i = 0; i < n; i++) {
        layer_changes_free(&l[i].changes);
        records_free(&l[i].records);
    }
}

/* The paths of rule's findings in layer l, "a,b" in order. */
static const char *paths(const test_layer *l, const char *rule)
{
    char *out = arena_strdup(&A, "");
    for (size_t i = 0; i < l->findings.n; i++)
        if (strcmp(l->findings.items[i].rule, rule) == 0)
            out = arena_printf(&A, "%s%s%s", out, *out ? "," : "",
                               l->findings.items[i].path);
    return out;
}

static void check_links(void)
{
    test_layer l[4];
    start(l, 4);
    /* 0: setuid files, a link to one of them, bin -> usr/bin, a loop. */
    dir(&l[0], "/usr");
    dir(&l[0], "/usr/bin");
    file(&l[0], "/usr/bin/su", 04755);
    hardlink(&l[0], "/opt/a", "usr/bin/su");
    file(&l[0], "/usr/bin/newgrp", 04755);
    file(&l[0], "/usr/bin/mount", 04755);
    symlink_to(&l[0], "/bin", "usr/bin");
    symlink_to(&l[0], "/loop1", "/loop2");
    symlink_to(&l[0], "/loop2", "loop1");
    symlink_to(&l[0], "/up", "../../..");
    /* /x is setuid, a link is made to it, then it is written again. */
    file(&l[0], "/x", 04755);
    hardlink(&l[0], "/opt/to-setuid-x", "x");
    plain(&l[0], "/x");
    hardlink(&l[0], "/opt/to-plain-x", "x");
    /* Links to a file that says nothing, and to such a link: not kept. */
    plain(&l[0], "/usr/bin/tool");
    hardlink(&l[0], "/opt/tool", "usr/bin/tool");
    hardlink(&l[0], "/opt/tool2", "opt/tool");
    hardlink(&l[0], "/opt/to-link", "bin");
    /* 1: links to lower files: through bin -> usr/bin, with "..", through
     * a symlink whose ".." climbs past the root, into a loop; a link to a
     * link; a link to /x (plain at the end of layer 0). */
    hardlink(&l[1], "/opt/b", "bin/newgrp");
    hardlink(&l[1], "/opt/c", "usr/lib/../bin/mount");
    hardlink(&l[1], "/opt/d", "up/usr/bin/su");
    hardlink(&l[1], "/opt/e", "loop1/su");
    hardlink(&l[1], "/opt/f", "opt/a");
    hardlink(&l[1], "/opt/g", "x");
    /* A link made before the layer writes its target: the lower file. */
    hardlink(&l[1], "/opt/h", "usr/bin/mount");
    plain(&l[1], "/usr/bin/mount");
    /* 2: deletes the first names; 3: a link to a deleted file. */
    whiteout(&l[2], "/usr/bin/.wh.su");
    whiteout(&l[2], "/usr/bin/.wh.newgrp");
    hardlink(&l[3], "/opt/i", "usr/bin/su");
    /* Kept: links to setuid files and to links that are (a, f), and to
     * files of lower layers. */
    assert_int_equal(l[0].kept_links, 2);
    assert_int_equal(l[1].kept_links, 7);
    fs_layer fl[4];
    fs_model *m = model(l, 4, fl);
    assert_string_equal(paths(&l[0], "image-setuid"), "/opt/a,/opt/to-setuid-x");
    assert_string_equal(paths(&l[1], "image-setuid"),
                        "/opt/b,/opt/c,/opt/d,/opt/f,/opt/h");
    assert_string_equal(paths(&l[3], "image-setuid"), "");
    finish(m, l, 4);
}

static void test_links(void **state)
{
    (void)state;
    arena_init(&A);
    assert_true(path_hasher_init(&hashing));
    check_links();
    arena_release(&A);
}

/* The paths of rule's findings in f, "a,b" in order. */
static const char *paths_in(const img_findings *f, const char *rule)
{
    char *out = arena_strdup(&A, "");
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->items[i].rule, rule) == 0)
            out = arena_printf(&A, "%s%s%s", out, *out ? "," : "",
                               f->items[i].path);
    return out;
}

/*
 * A blob listed twice, at places 1 and 3: its links are resolved at each
 * place, against what is below it there. Below place 1, /h1 is setuid and
 * /h2 plain; place 2 writes them again the other way round.
 */
static void check_repeated_blob(void)
{
    test_layer l[3];
    start(l, 3);
    file(&l[0], "/h1", 04755);
    plain(&l[0], "/h2");
    hardlink(&l[1], "/l1", "h1");
    hardlink(&l[1], "/l2", "/h2");
    plain(&l[2], "/h1");
    file(&l[2], "/h2", 04755);
    fs_layer fl[4];
    for (size_t i = 0; i < 3; i++) {
        records_seal(&l[i].records, &l[i].changes.files);
        walk_index_free(&l[i].written);
        layer_changes_seal(&l[i].changes);
        fl[i] = (fs_layer){&l[i].changes, &l[i].records, &l[i].findings,
                           false};
    }
    img_findings again;
    findings_init(&again, &A, NULL);
    fl[3] = (fs_layer){&l[1].changes, &l[1].records, &again, true};
    fs_model *m = fs_model_new(&hashing, fl, 4);
    assert_int_equal(fs_model_check_links(m), -1);
    assert_string_equal(paths(&l[1], "image-setuid"), "/l1");
    /* Not /l1 again: at place 3 it reaches the plain /h1 of place 2. */
    assert_string_equal(paths_in(&again, "image-setuid"), "/l2");
    assert_true(strstr(again.items[0].message, "of layer 2") != NULL);
    finish(m, l, 3);
}

static void test_repeated_blob(void **state)
{
    (void)state;
    arena_init(&A);
    assert_true(path_hasher_init(&hashing));
    check_repeated_blob();
    arena_release(&A);
}

/*
 * A link target with ".." after a symbolic link (x -> a/b): Docker cleans
 * the name first ("x/../s1" is /s1), containerd follows x first (then ..
 * is /a, so /a/s1). /s1 and /a/s2 are setuid, /a/s1 and /s2 plain: each
 * link is setuid for one of the runtimes, and reported.
 */
static void check_climbing_targets(void)
{
    test_layer l[2];
    start(l, 2);
    dir(&l[0], "/a");
    dir(&l[0], "/a/b");
    symlink_to(&l[0], "/x", "a/b");
    file(&l[0], "/s1", 04755);
    plain(&l[0], "/a/s1");
    plain(&l[0], "/s2");
    file(&l[0], "/a/s2", 04755);
    hardlink(&l[1], "/l1", "x/../s1");
    hardlink(&l[1], "/l2", "./x/../s2");
    /* No symbolic link before the "..": one reading, one finding. */
    hardlink(&l[1], "/l3", "a/b/../../s1");
    fs_layer fl[2];
    fs_model *m = model(l, 2, fl);
    assert_string_equal(paths(&l[1], "image-setuid"), "/l1,/l2,/l3");
    finish(m, l, 2);
}

static void test_climbing_targets(void **state)
{
    (void)state;
    arena_init(&A);
    assert_true(path_hasher_init(&hashing));
    check_climbing_targets();
    arena_release(&A);
}

static accounts_summary *empty_for(const char *name)
{
    accounts_summary *s = ARENA_NEW(&A, accounts_summary);
    s->empty = ARENA_NEW(&A, accounts_user);
    s->empty->name = name;
    s->empty->name_len = strlen(name);
    s->empty->line = 1;
    s->nempty = s->nempty_all = 1;
    return s;
}

static file_rec *account_file(test_layer *l, const char *path, unsigned mode,
                              const char *empty_user)
{
    file_rec *r = file(l, path, mode);
    file_extra *x = ARENA_NEW(&A, file_extra);
    x->accounts = empty_user ? empty_for(empty_user) : NULL;
    r->fx = x;
    return r;
}

static void check_accounts(void)
{
    test_layer l[3];
    start(l, 3);
    /* 0: a locked /etc/shadow; /cfg with an empty password and a
     * writable passwd. 1: /etc replaced by a link to /cfg-link, itself a
     * link to cfg. 2: a new file under the old name that the link hides
     * nothing of: /etc is a link now. */
    dir(&l[0], "/etc");
    account_file(&l[0], "/etc/shadow", 0640, NULL);
    dir(&l[0], "/cfg");
    account_file(&l[0], "/cfg/shadow", 0640, "root");
    account_file(&l[0], "/cfg/passwd", 0664, NULL);
    whiteout(&l[1], "/.wh.etc");
    symlink_to(&l[1], "/etc", "/cfg-link");
    symlink_to(&l[1], "/cfg-link", "./cfg/../cfg");
    fs_layer fl[3];
    fs_model *m = model(l, 3, fl);
    fs_model_check_accounts(m, true, true);
    assert_string_equal(paths(&l[0], "image-empty-password"), "/cfg/shadow");
    assert_string_equal(paths(&l[0], "image-passwd-writable"), "/cfg/passwd");
    assert_true(strstr(l[0].findings.items[0].message,
                       "/etc -> /cfg-link, /cfg-link -> ./cfg/../cfg") != NULL);
    finish(m, l, 3);

    /* /etc/shadow deleted by the last layer: nothing to say. */
    start(l, 2);
    dir(&l[0], "/etc");
    account_file(&l[0], "/etc/shadow", 0640, "root");
    whiteout(&l[1], "/etc/.wh.shadow");
    m = model(l, 2, fl);
    fs_model_check_accounts(m, true, true);
    assert_int_equal(l[0].findings.n, 0);
    finish(m, l, 2);
}

static void test_accounts(void **state)
{
    (void)state;
    arena_init(&A);
    assert_true(path_hasher_init(&hashing));
    check_accounts();
    arena_release(&A);
}

/* Every path's hash with the same first half. */
static path_id same_first_half(path_id h, const char *path, size_t len)
{
    (void)path;
    (void)len;
    h.hi = 42;
    return h;
}

static void test_colliding_halves(void **state)
{
    (void)state;
    arena_init(&A);
    assert_true(path_hasher_init(&hashing));
    hashing.test_hook = same_first_half;
    check_links();
    check_accounts();
    hashing.test_hook = NULL;
    arena_release(&A);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_accounts),
        cmocka_unit_test(test_repeated_blob),
        cmocka_unit_test(test_climbing_targets),
        cmocka_unit_test(test_colliding_halves),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
