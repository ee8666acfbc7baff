/*
 * The outer-archive index: members found in place through ustar, pax and
 * GNU long names, links resolved inside the archive, and archives that
 * lie about their sizes refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/source.h"
#include "image/tarindex.h"

/* Write a tar with libarchive in `format` to a temporary file. */
static int write_tar(int format, char *path)
{
    strcpy(path, "/tmp/bosun-tar-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct archive *a = archive_write_new();
    archive_write_set_format(a, format);
    assert_int_equal(archive_write_open_fd(a, fd), ARCHIVE_OK);
    char longname[300];
    memset(longname, 'd', 150);
    strcpy(longname + 150, "/");
    memset(longname + 151, 'f', 120);
    longname[271] = '\0';
    struct {
        const char *name;
        const char *data;
        const char *symlink;
        const char *hardlink;
    } entries[] = {
        {"manifest.json", "[{\"Config\":\"c.json\"}]", NULL, NULL},
        {"./blobs/sha256/abc", "layer-bytes", NULL, NULL},
        {"dir/layer.tar", NULL, "../blobs/sha256/abc", NULL},
        {"hard.tar", NULL, NULL, "blobs/sha256/abc"},
        {longname, "long", NULL, NULL},
        {"escape", NULL, "../../etc/passwd", NULL},
        {"loop", NULL, "loop", NULL},
    };
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, entries[i].name);
        if (entries[i].symlink) {
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_symlink(e, entries[i].symlink);
        } else if (entries[i].hardlink) {
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_hardlink(e, entries[i].hardlink);
        } else {
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_size(e, (la_int64_t)strlen(entries[i].data));
        }
        archive_entry_set_perm(e, 0644);
        archive_write_header(a, e);
        if (entries[i].data)
            archive_write_data(a, entries[i].data, strlen(entries[i].data));
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return fd;
}

static void check_index(int format)
{
    char path[64];
    int fd = write_tar(format, path);
    arena a;
    arena_init(&a);
    img_source src;
    const char *err = NULL;
    assert_true(source_open(&a, path, &src, &err));
    const tar_member *m = tar_index_find(&src.index, "blobs/sha256/abc");
    assert_non_null(m);
    char buf[32] = {0};
    assert_int_equal(read_at(src.fd, buf, (size_t)m->size, m->offset), 11);
    assert_string_equal(buf, "layer-bytes");
    /* Links lead to the same bytes. */
    assert_ptr_equal(tar_index_find(&src.index, "dir/layer.tar"), m);
    assert_ptr_equal(tar_index_find(&src.index, "./hard.tar"), m);
    assert_null(tar_index_find(&src.index, "escape"));
    assert_null(tar_index_find(&src.index, "loop"));
    assert_null(tar_index_find(&src.index, "nothing"));
    assert_true(source_has(&src, "manifest.json"));
    blob_loc loc;
    assert_false(source_locate(&src, "../x", &loc, &err));
    assert_false(source_locate(&src, "/manifest.json", &loc, &err));
    assert_true(source_locate(&src, "manifest.json", &loc, &err));
    char *data;
    assert_true(blob_loc_read(&a, &loc, 1000, &data, &err));
    assert_string_equal(data, "[{\"Config\":\"c.json\"}]");
    assert_false(blob_loc_read(&a, &loc, 5, &data, &err));
    blob_loc_close(&loc);
    char longname[300];
    memset(longname, 'd', 150);
    strcpy(longname + 150, "/");
    memset(longname + 151, 'f', 120);
    longname[271] = '\0';
    m = tar_index_find(&src.index, longname);
    assert_non_null(m);
    assert_int_equal(m->size, 4);
    source_close(&src);

    /* Cut in the middle of a member: refused. */
    assert_int_equal(ftruncate(fd, 1024 + 512), 0);
    assert_false(source_open(&a, path, &src, &err));
    close(fd);
    unlink(path);
    arena_release(&a);
}

static void test_pax(void **state)
{
    (void)state;
    check_index(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
}

static void test_gnu(void **state)
{
    (void)state;
    check_index(ARCHIVE_FORMAT_TAR_GNUTAR);
}

static void test_not_tar(void **state)
{
    (void)state;
    char path[] = "/tmp/bosun-tar-XXXXXX";
    int fd = mkstemp(path);
    char junk[2048];
    memset(junk, 'x', sizeof(junk));
    assert_int_equal(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
    arena a;
    arena_init(&a);
    img_source src;
    const char *err = NULL;
    assert_false(source_open(&a, path, &src, &err));
    assert_string_equal(err, "not a tar archive");
    /* A gzip-compressed archive gets advice. */
    assert_int_equal(pwrite(fd, "\x1f\x8b\x08", 3, 0), 3);
    assert_false(source_open(&a, path, &src, &err));
    assert_non_null(strstr(err, "compressed"));
    close(fd);
    unlink(path);
    assert_false(source_open(&a, "/nonexistent/image.tar", &src, &err));
    arena_release(&a);
}

/* A ustar header block of `type` for a member `name` of `size` bytes. */
static void tar_header(unsigned char *h, const char *name, char type,
                       size_t size)
{
    char field[32];
    memset(h, 0, 512);
    memcpy(h, name, strlen(name));
    memcpy(h + 100, "0000644", 8);
    snprintf(field, sizeof(field), "%011zo", size);
    memcpy(h + 124, field, 12);
    h[156] = (unsigned char)type;
    memcpy(h + 257, "ustar\00000", 8);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (size_t i = 0; i < 512; i++)
        sum += h[i];
    snprintf(field, sizeof(field), "%06o", sum);
    memcpy(h + 148, field, 7);
}

/* pax records whose length does not even cover their own length field, or
 * that do not end where their length says, are errors to Go's archive/tar
 * (docker load fails on them): the archive is refused, never read
 * backwards. */
static void test_pax_short_records(void **state)
{
    (void)state;
    static const struct {
        const char *body, *name;
    } cases[] = {
        {"2 path=evil\n", NULL},
        {"1 x", NULL},
        {"3 \n", NULL},
        {"19 path=one-too-long\n", NULL},
        {"+21 path=well-formed\n", "well-formed"}, /* ParseInt takes a sign */
        {"20 path=well-formed\n", "well-formed"},
    };
    for (size_t b = 0; b < sizeof(cases) / sizeof(cases[0]); b++) {
        char path[] = "/tmp/bosun-tar-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        unsigned char blocks[512 * 6] = {0};
        size_t len = strlen(cases[b].body);
        tar_header(blocks, "pax", 'x', len);
        memcpy(blocks + 512, cases[b].body, len);
        tar_header(blocks + 1024, "file", '0', 4);
        memcpy(blocks + 1536, "data", 4);
        assert_int_equal(write(fd, blocks, sizeof(blocks)),
                         (ssize_t)sizeof(blocks));
        arena a;
        arena_init(&a);
        img_source src;
        const char *err = NULL;
        if (!cases[b].name) {
            assert_false(source_open(&a, path, &src, &err));
            assert_non_null(strstr(err, "invalid pax header"));
        } else {
            assert_true(source_open(&a, path, &src, &err));
            const tar_member *m = tar_index_find(&src.index, cases[b].name);
            assert_non_null(m);
            assert_int_equal(m->size, 4);
            source_close(&src);
        }
        close(fd);
        unlink(path);
        arena_release(&a);
    }
}

static void test_normalise(void **state)
{
    (void)state;
    char p[64];
    strcpy(p, "./a//b/./c/");
    tar_path_normalise(p);
    assert_string_equal(p, "a/b/c");
    strcpy(p, "/x");
    tar_path_normalise(p);
    assert_string_equal(p, "x");
    strcpy(p, "../x");
    tar_path_normalise(p);
    assert_string_equal(p, "../x");
    /* ".." as Go's path.Clean applies it. */
    strcpy(p, "a/../manifest.json");
    tar_path_normalise(p);
    assert_string_equal(p, "manifest.json");
    strcpy(p, "/../x");
    tar_path_normalise(p);
    assert_string_equal(p, "x");
    strcpy(p, "a/../../b/./c/..");
    tar_path_normalise(p);
    assert_string_equal(p, "../b");
    strcpy(p, "../../a/b/../c");
    tar_path_normalise(p);
    assert_string_equal(p, "../../a/c");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pax),
        cmocka_unit_test(test_gnu),
        cmocka_unit_test(test_not_tar),
        cmocka_unit_test(test_pax_short_records),
        cmocka_unit_test(test_normalise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
