/*
 * Where the base image ends: the history conventions (buildah's FROM
 * comments, the base's CMD/ENTRYPOINT), --base's diff_ids, and the
 * distributions' sets of setuid/setgid files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "image/base.h"

/* An image of `n` history entries: created_by, comment, empty_layer; one
 * layer per entry that is not empty. */
typedef struct entry {
    const char *created_by, *comment;
    bool empty;
} entry;

static img_image image_of(const entry *e, size_t n, img_history *h)
{
    img_image img;
    memset(&img, 0, sizeof(img));
    int layer = 0;
    for (size_t i = 0; i < n; i++) {
        h[i] = (img_history){e[i].created_by, e[i].comment, e[i].empty,
                             e[i].empty ? -1 : layer++};
    }
    img.history = h;
    img.nhistory = n;
    img.nlayers = (size_t)layer;
    return img;
}

static void test_buildah_comments(void **state)
{
    (void)state;
    /* A base built by buildah too: only the last build's start counts. */
    const entry e[] = {
        {"/bin/sh -c #(nop) ADD file:0f6a in / ", NULL, false},
        {"/bin/sh -c #(nop)  CMD [\"bash\"]", NULL, true},
        {"/bin/sh -c apt-get install -y python3", "FROM debian:12", false},
        {"/bin/sh -c #(nop) CMD [\"python3\"]", "FROM 4212c89a3f59", true},
        {"/bin/sh -c #(nop) USER root", "FROM docker.io/acme/python:3",
         true},
        {"/bin/sh -c #(nop) COPY file:cc25 in /app ", "FROM 6c9833797367",
         false},
        {"/bin/sh -c make", "FROM cc60b774a984", false},
    };
    img_history h[7];
    img_image img = image_of(e, 7, h);
    img_base b;
    assert_true(base_from_history(&img, &b));
    assert_int_equal(b.history, 4);
    assert_int_equal(b.layers, 2);
    assert_non_null(strstr(b.how, "buildah"));
}

static void test_command_entry(void **state)
{
    (void)state;
    /* BuildKit's and the classic builder's CMD; the first one ends the
     * base (the image's own CMD, last, does not). */
    const entry e[] = {
        {"# debian.sh --arch 'amd64' out/ 'bookworm'", "debuerreotype",
         false},
        {"CMD [\"bash\"]", "buildkit.dockerfile.v0", true},
        {"RUN /bin/sh -c apt-get install -y curl # buildkit",
         "buildkit.dockerfile.v0", false},
        {"COPY app /app # buildkit", "buildkit.dockerfile.v0", false},
        {"CMD [\"/app\"]", "buildkit.dockerfile.v0", true},
    };
    img_history h[5];
    img_image img = image_of(e, 5, h);
    img_base b;
    assert_true(base_from_history(&img, &b));
    assert_int_equal(b.history, 2);
    assert_int_equal(b.layers, 1);

    const entry classic[] = {
        {"/bin/sh -c #(nop) ADD file:0f6a in / ", NULL, false},
        {"/bin/sh -c #(nop)  ENTRYPOINT [\"/bin/sh\"]", NULL, true},
        {"/bin/sh -c #(nop)  USER app", NULL, true},
    };
    img = image_of(classic, 3, h);
    assert_true(base_from_history(&img, &b));
    assert_int_equal(b.history, 2);
    assert_int_equal(b.layers, 1);
}

static void test_no_base(void **state)
{
    (void)state;
    img_history h[4];
    img_base b;
    /* A base image itself: its CMD is last. */
    const entry base[] = {
        {"/bin/sh -c #(nop) ADD file:0f6a in / ", NULL, false},
        {"/bin/sh -c #(nop)  CMD [\"bash\"]", NULL, true},
    };
    img_image img = image_of(base, 2, h);
    assert_false(base_from_history(&img, &b));
    assert_null(b.how);
    /* CMD as a word of a RUN, or a CMD that made a layer, is no end. */
    const entry run[] = {
        {"/bin/sh -c #(nop) ADD file:0f6a in / ", NULL, false},
        {"/bin/sh -c echo CMD [x]", NULL, true},
        {"CMDX [\"a\"]", NULL, true},
        {"/bin/sh -c make", NULL, false},
    };
    img = image_of(run, 4, h);
    assert_false(base_from_history(&img, &b));
    /* buildah's first entry of a FROM scratch build: nothing before. */
    const entry scratch[] = {
        {"/bin/sh -c #(nop) COPY file:aa in / ", "FROM scratch", false},
        {"/bin/sh -c make", "FROM 0123456789ab", false},
    };
    img = image_of(scratch, 2, h);
    assert_false(base_from_history(&img, &b));
    /* A history that does not match the layers is not used. */
    const entry e[] = {
        {"/bin/sh -c #(nop) ADD file:0f6a in / ", NULL, false},
        {"/bin/sh -c #(nop)  CMD [\"bash\"]", NULL, true},
        {"/bin/sh -c make", NULL, false},
    };
    img = image_of(e, 3, h);
    img.nlayers = 3;
    assert_false(base_from_history(&img, &b));
}

static void test_diff_ids(void **state)
{
    (void)state;
    const entry e[] = {
        {"ADD a", NULL, false}, {"CMD [\"sh\"]", NULL, true},
        {"RUN b", NULL, false}, {"RUN c", NULL, false},
    };
    img_history h[4];
    img_image img = image_of(e, 4, h);
    const char *ids[] = {"sha256:aa", "sha256:bb", "sha256:cc"};
    img.diff_ids = ids;
    img.ndiff_ids = 3;
    img_base b;
    const char *why = NULL;
    const char *base_ids[] = {"sha256:aa"};
    assert_true(base_from_diff_ids(&img, base_ids, 1, 2, &b, &why));
    assert_int_equal(b.layers, 1);
    assert_int_equal(b.history, 2);
    assert_string_equal(b.how, "--base");
    /* Without the base's history: the entries that made its layers. */
    assert_true(base_from_diff_ids(&img, base_ids, 1, 0, &b, &why));
    assert_int_equal(b.history, 1);
    const char *other[] = {"sha256:aa", "sha256:cc"};
    assert_false(base_from_diff_ids(&img, other, 2, 2, &b, &why));
    assert_non_null(strstr(why, "not the first layers"));
    const char *more[] = {"sha256:aa", "sha256:bb", "sha256:cc", "sha256:dd"};
    assert_false(base_from_diff_ids(&img, more, 4, 2, &b, &why));
    img.ndiff_ids = 2;
    assert_false(base_from_diff_ids(&img, base_ids, 1, 2, &b, &why));
    assert_null(b.how);
}

static void test_distro_sets(void **state)
{
    (void)state;
    assert_true(base_distro_ships(DISTRO_DEBIAN, "/usr/bin/su"));
    assert_true(base_distro_ships(DISTRO_DEBIAN, "/usr/sbin/unix_chkpwd"));
    assert_true(base_distro_ships(DISTRO_DEBIAN, "/bin/mount"));
    assert_false(base_distro_ships(DISTRO_DEBIAN, "/usr/bin/sudo"));
    assert_false(base_distro_ships(DISTRO_DEBIAN, "/bin/busybox"));
    assert_true(base_distro_ships(DISTRO_ALPINE, "/bin/busybox"));
    assert_true(base_distro_ships(DISTRO_ALPINE, "/bin/bbsuid"));
    assert_true(base_distro_ships(DISTRO_UBI, "/usr/sbin/pam_timestamp_check"));
    assert_false(base_distro_ships(DISTRO_UBI, "/usr/local/bin/su"));
    assert_false(base_distro_ships(DISTRO_COUNT, "/usr/bin/su"));
    assert_string_equal(base_distro_name(DISTRO_ALPINE), "Alpine");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buildah_comments),
        cmocka_unit_test(test_command_entry),
        cmocka_unit_test(test_no_base),
        cmocka_unit_test(test_diff_ids),
        cmocka_unit_test(test_distro_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
