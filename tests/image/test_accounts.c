/*
 * Files read as account databases while their bytes stream by: empty
 * passwords in shadow and passwd lines, the uid runc gives a user name,
 * whatever the pieces the bytes come in and however long the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "image/accounts.h"

/* Read `text` in pieces of `piece` bytes (0: one piece). */
static accounts_summary *read_in(arena *a, const char *text, size_t piece,
                                 const char *user, bool like_db, bool *db)
{
    accounts_scan *s = accounts_scan_new();
    accounts_scan_begin(s, user, like_db);
    size_t n = strlen(text);
    if (!piece)
        piece = n ? n : 1;
    for (size_t at = 0; at < n; at += piece)
        accounts_scan_data(s, (const uint8_t *)text + at,
                           n - at < piece ? n - at : piece);
    size_t bytes;
    bool like;
    accounts_summary *sum = accounts_scan_end(s, a, &bytes, &like);
    if (db)
        *db = like;
    accounts_scan_free(s);
    return sum;
}

/* The names with an empty password, "name@line,..." ("" for none), the
 * same in every way of reading the text. */
static const char *empties(arena *a, const char *text)
{
    const char *first = NULL;
    for (int mode = 0; mode < 2; mode++)
        for (size_t piece = 0; piece <= 9; piece++) {
            accounts_summary *sum =
                read_in(a, text, piece, NULL, mode == 1, NULL);
            char *out = arena_strdup(a, "");
            for (size_t i = 0; sum && i < sum->nempty; i++)
                out = arena_printf(a, "%s%s%s@%llu", out, *out ? "," : "",
                                   sum->empty[i].name,
                                   (unsigned long long)sum->empty[i].line);
            if (!first)
                first = out;
            assert_string_equal(out, first);
        }
    return first;
}

static void test_empty_passwords(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    assert_string_equal(empties(&a, "root:*:19000:0:99999:7:::\n"
                                    "app::19000::::::\n"
                                    "bin:!:19000::::::\n"),
                        "app@2");
    /* passwd lines; comments, NIS markers and blanks before a name. */
    assert_string_equal(empties(&a, "root::0:0:root:/root:/bin/sh\n"
                                    "#old::0:0::/:/bin/sh\n"
                                    "+::0:0:::\n"
                                    "  svc::100:100::/:/bin/sh\n"),
                        "root@1,svc@4");
    /* Neither passwd nor shadow lines: C++, Perl, a YAML key, a name
     * with a blank, a gid that is not a number, more than 9 fields. */
    assert_string_equal(empties(&a, "std::string name;\n"
                                    "use Foo::Bar::baz;\n"
                                    "key: a::b\n"
                                    "my user::0:0::/:/bin/sh\n"
                                    "x::1:a\n"
                                    "y::1::::::::::\n"),
                        "");
    /* The last line, without a newline; a CRLF line is not numeric. */
    assert_string_equal(empties(&a, "a:!:1::::::\nroot::19000:0:99999:7:::"),
                        "root@2");
    assert_string_equal(empties(&a, ""), "");
    arena_release(&a);
}

static void test_long_lines(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    /* A name longer than what is kept of it: still found, cut. */
    size_t len = ACCOUNTS_NAME_MAX + 100;
    char *text = malloc(len + 64);
    memset(text, 'u', len);
    strcpy(text + len, "::19000::::::\n");
    accounts_summary *sum = read_in(&a, text, 7, NULL, false, NULL);
    assert_non_null(sum);
    assert_int_equal(sum->nempty, 1);
    assert_int_equal(sum->empty[0].name_len, len);
    assert_int_equal(strlen(sum->empty[0].name), ACCOUNTS_NAME_MAX);
    free(text);
    /* 140000 locked users, then root without a password: nothing is cut,
     * in pieces of 1 MiB. */
    size_t n = 140000;
    char *big = malloc(n * 32 + 64);
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        at += (size_t)sprintf(big + at, "user%06zu:!:19000:0:99999:7:::\n", i);
    strcpy(big + at, "root::19000:0:99999:7:::\n");
    sum = read_in(&a, big, 1 << 20, NULL, false, NULL);
    assert_non_null(sum);
    assert_int_equal(sum->nempty, 1);
    assert_string_equal(sum->empty[0].name, "root");
    assert_int_equal(sum->empty[0].line, n + 1);
    free(big);
    /* More users with an empty password than are kept: all counted. */
    char *many = malloc((ACCOUNTS_EMPTY_MAX + 10) * 16 + 1);
    at = 0;
    for (size_t i = 0; i < ACCOUNTS_EMPTY_MAX + 10; i++)
        at += (size_t)sprintf(many + at, "u%zu::1::::::\n", i);
    sum = read_in(&a, many, 0, NULL, false, NULL);
    assert_int_equal(sum->nempty, ACCOUNTS_EMPTY_MAX);
    assert_int_equal(sum->nempty_all, ACCOUNTS_EMPTY_MAX + 10);
    free(many);
    arena_release(&a);
}

/* The uid runc gives `user` in `passwd`, every way of reading it; -1 when
 * there is no line for it. */
static int64_t uid_of(const char *passwd, const char *user)
{
    arena a;
    arena_init(&a);
    int64_t first = -2;
    for (int mode = 0; mode < 2; mode++)
        for (size_t piece = 0; piece <= 5; piece++) {
            accounts_summary *sum =
                read_in(&a, passwd, piece, user, mode == 1, NULL);
            int64_t uid;
            uint64_t line;
            if (!accounts_uid(sum, user, &uid, &line))
                uid = -1;
            if (first == -2)
                first = uid;
            assert_int_equal(uid, first);
        }
    arena_release(&a);
    return first;
}

/*
 * Long stretches without "::" between the lines that have one, read in
 * large pieces: the line numbers are those of a plain count, whichever
 * way the search for "::" goes through the bytes (32 or 16 at a time,
 * then one by one).
 */
static void test_line_numbers_far_apart(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    size_t cap = 60 * 131072 + 4096, at = 0;
    char *text = malloc(cap + 64);
    char *want = arena_strdup(&a, "");
    uint64_t line = 1;
    unsigned seed = 12345;
    for (unsigned k = 0; k < 60; k++) {
        /* A stretch of lines of a, b, ':' (never two together) and '\n'. */
        size_t len = (seed = seed * 1103515245u + 12345u) >> 14 & 131071;
        char prev = '\n';
        for (size_t i = 0; i < len; i++) {
            unsigned r = (seed = seed * 1103515245u + 12345u) >> 16 & 63;
            char c = r < 3 ? '\n' : r < 8 && prev != ':' ? ':' : r & 1 ? 'a' : 'b';
            text[at++] = c;
            line += c == '\n';
            prev = c;
        }
        if (prev != '\n') {
            text[at++] = '\n';
            line++;
        }
        at += (size_t)sprintf(text + at, "u%u::1::::::\n", k);
        want = arena_printf(&a, "%s%su%u@%llu", want, *want ? "," : "", k,
                            (unsigned long long)line);
        line++;
    }
    text[at] = '\0';
    static const size_t pieces[] = {0, 31, 4096, 65539, 1 << 20};
    for (size_t p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++) {
        accounts_summary *sum = read_in(&a, text, pieces[p], NULL, false, NULL);
        assert_non_null(sum);
        char *got = arena_strdup(&a, "");
        for (size_t i = 0; i < sum->nempty; i++)
            got = arena_printf(&a, "%s%s%s@%llu", got, *got ? "," : "",
                               sum->empty[i].name,
                               (unsigned long long)sum->empty[i].line);
        assert_int_equal(sum->nempty_all, 60);
        assert_string_equal(got, want);
    }
    free(text);
    arena_release(&a);
}

static void test_user_uid(void **state)
{
    (void)state;
    assert_int_equal(uid_of("root:x:0:0::/:/bin/sh\napp:x:10001:0::/:/bin/sh\n",
                            "app"), 10001);
    assert_int_equal(uid_of("root:x:0:0::/:/bin/sh\n", "app"), -1);
    assert_int_equal(uid_of("application:x:0:0::/:/bin/sh\n", "app"), -1);
    assert_int_equal(uid_of("#app:x:0:0::/:/bin/sh\n", "app"), -1);
    assert_int_equal(uid_of("app :x:0:0::/:/bin/sh\n", "app"), -1);
    /* Go's Atoi, errors read as 0: a missing, empty or malformed uid. */
    assert_int_equal(uid_of("app\n", "app"), 0);
    assert_int_equal(uid_of("  app  \n", "app"), 0);
    assert_int_equal(uid_of("app:x\n", "app"), 0);
    assert_int_equal(uid_of("app:x::0::/:/bin/sh\n", "app"), 0);
    assert_int_equal(uid_of("app:x: 5:0::/:/bin/sh\n", "app"), 0);
    assert_int_equal(uid_of("app:x:5 :0::/:/bin/sh\n", "app"), 0);
    assert_int_equal(uid_of("app:x:5x:0::/:/bin/sh\n", "app"), 0);
    assert_int_equal(uid_of("app:x:+0:0::/:/bin/sh\n", "app"), 0);
    assert_int_equal(uid_of("app:x:-0:0::/:/bin/sh\n", "app"), 0);
    assert_int_equal(uid_of("app:x:+7:0::/:/bin/sh\n", "app"), 7);
    /* Blanks around the line are trimmed; the uid ends it here. */
    assert_int_equal(uid_of("\t app:x:5  \r\n", "app"), 5);
    /* Out of range: the largest value, not 0. */
    assert_int_equal(uid_of("app:x:99999999999999999999:0\n", "app"),
                     INT64_MAX);
    assert_int_equal(uid_of("app:x:0000000000000000000000000:0\n", "app"), 0);
    /* The first line of the name counts. */
    assert_int_equal(uid_of("app:x:10:0\napp:x:0:0\n", "app"), 10);
    assert_int_equal(uid_of("app:x:0:0\napp:x:10:0\n", "app"), 0);
}

static void test_like_db(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    bool db;
    assert_null(read_in(&a, "root:x:0:0:root:/root:/bin/sh\n", 3, NULL,
                        true, &db));
    assert_true(db);
    read_in(&a, "root:x:0:\nwheel:x:10:root\n", 0, NULL, true, &db);
    assert_true(db);
    read_in(&a, "url: http://example.com:8080/\nkey: value\n", 0, NULL, true,
            &db);
    assert_false(db);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_passwords),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_line_numbers_far_apart),
        cmocka_unit_test(test_user_uid),
        cmocka_unit_test(test_like_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
