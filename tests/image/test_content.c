/*
 * Content scanning: matches found across chunk boundaries at any split,
 * line numbers, one finding per pattern and file, placeholders skipped,
 * the patterns file, and the newline counter. Credential-shaped test
 * strings are assembled at run time.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image/content.h"

typedef struct hits {
    char id[16][64];
    uint64_t line[16];
    char redacted[16][128];
    uint32_t stopped_after[16];
    size_t n;
} hits;

static void on_match(void *ctx, const content_match *m)
{
    hits *h = ctx;
    if (h->n < 16) {
        snprintf(h->id[h->n], 64, "%s", m->id);
        h->line[h->n] = m->line;
        snprintf(h->redacted[h->n], 128, "%s", m->redacted);
        h->stopped_after[h->n] = m->stopped_after;
        h->n++;
    }
}

static content_db *db;

static int setup(void **state)
{
    (void)state;
    char *err = NULL;
    db = content_db_new(NULL, &err);
    return db ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    content_db_free(db);
    return 0;
}

/* Scan `text` in pieces cut at `split` (0: whole). */
static hits scan(const char *text, size_t split)
{
    hits h = {0};
    arena a;
    arena_init(&a);
    content_scan *s = content_scan_new(db);
    content_scan_begin(s, &a, on_match, &h);
    size_t n = strlen(text);
    if (split && split < n) {
        content_scan_data(s, (const uint8_t *)text, split);
        content_scan_data(s, (const uint8_t *)text + split, n - split);
    } else {
        content_scan_data(s, (const uint8_t *)text, n);
    }
    content_scan_end(s);
    content_scan_free(s);
    arena_release(&a);
    return h;
}

static char aws_id[32];

static void make_tokens(void)
{
    /* AKIA + 16 characters of [A-Z2-7] */
    snprintf(aws_id, sizeof(aws_id), "%s%s", "AK" "IA", "QWERTYUIOP234567");
}

static void test_found_at_every_split(void **state)
{
    (void)state;
    make_tokens();
    char text[512];
    snprintf(text, sizeof(text),
             "# settings\nregion = eu-west-1\n\naws_access_key_id = %s\nend\n",
             aws_id);
    for (size_t split = 0; split < strlen(text); split++) {
        hits h = scan(text, split);
        assert_int_equal(h.n, 1);
        assert_string_equal(h.id[0], "aws-access-key-id");
        assert_int_equal(h.line[0], 4);
        /* Never the secret itself. */
        assert_null(strstr(h.redacted[0], aws_id));
        assert_non_null(strstr(h.redacted[0], "20 characters"));
    }
}

static void test_private_key_block(void **state)
{
    (void)state;
    char text[512];
    snprintf(text, sizeof(text), "x\ny\n-----%s %s-----\nMIIEowIBAAKCAQEA\n",
             "BEGIN RSA", "PRIVATE KEY");
    hits h = scan(text, 9);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.id[0], "private-key");
    assert_int_equal(h.line[0], 3);
}

static void test_once_per_pattern(void **state)
{
    (void)state;
    make_tokens();
    char text[512];
    snprintf(text, sizeof(text), "%s\n%s\n%s\n", aws_id, aws_id, aws_id);
    hits h = scan(text, 0);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.line[0], 1);
}

static void test_placeholders(void **state)
{
    (void)state;
    char text[512];
    snprintf(text, sizeof(text),
             "see https://user:%s@example.com/x\n"
             "db = postgres://app:%s@db:5432/app\n"
             "mirror = https://deploy:%s@git.internal.net/repo\n",
             "hunter2x", "${DB_PASSWORD}", "s3cr3tPa55");
    hits h = scan(text, 0);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.id[0], "url-password");
    assert_int_equal(h.line[0], 3);
    char aws_doc[64];
    snprintf(aws_doc, sizeof(aws_doc), "%s%s", "AKIAIOSFODNN7", "EXAMPLE");
    h = scan(aws_doc, 0);
    assert_int_equal(h.n, 0);
}

static void test_long_file(void **state)
{
    (void)state;
    make_tokens();
    /* A match far into a file that arrives in many small chunks. */
    size_t lines = 20000;
    size_t cap = lines * 8 + 64;
    char *text = malloc(cap);
    size_t n = 0;
    for (size_t i = 0; i < lines; i++)
        n += (size_t)snprintf(text + n, cap - n, "line %zu\n", i % 100);
    snprintf(text + n, cap - n, "key=%s\n", aws_id);
    hits h = {0};
    arena a;
    arena_init(&a);
    content_scan *s = content_scan_new(db);
    content_scan_begin(s, &a, on_match, &h);
    size_t len = strlen(text);
    for (size_t off = 0; off < len; off += 1000)
        content_scan_data(s, (const uint8_t *)text + off,
                          len - off < 1000 ? len - off : 1000);
    content_scan_end(s);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.line[0], lines + 1);
    /* The next file starts afresh. */
    hits h2 = {0};
    content_scan_begin(s, &a, on_match, &h2);
    content_scan_data(s, (const uint8_t *)aws_id, strlen(aws_id));
    content_scan_end(s);
    assert_int_equal(h2.n, 1);
    assert_int_equal(h2.line[0], 1);
    content_scan_free(s);
    arena_release(&a);
    free(text);
}

static void test_line_in_one_big_chunk(void **state)
{
    (void)state;
    make_tokens();
    size_t lines = 5000, cap = lines * 8 + 64;
    char *text = malloc(cap);
    size_t n = 0;
    for (size_t i = 0; i < lines; i++)
        n += (size_t)snprintf(text + n, cap - n, "line %zu\n", i % 100);
    snprintf(text + n, cap - n, "key=%s\n", aws_id);
    hits h = scan(text, 0);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.line[0], lines + 1);
    /* Split just before and inside the token too. */
    h = scan(text, n - 3);
    assert_int_equal(h.line[0], lines + 1);
    h = scan(text, n + 7);
    assert_int_equal(h.line[0], lines + 1);
    free(text);
}

static void test_tokens_stand_alone(void **state)
{
    (void)state;
    make_tokens();
    char text[256];
    /* Glued to more capitals, as in a table of a binary. */
    snprintf(text, sizeof(text), "XYZ%sQRS\n", aws_id);
    assert_int_equal(scan(text, 0).n, 0);
    /* Code, not configuration. */
    snprintf(text, sizeof(text), "        %s = %s(x)\n", "_auth",
             "base64.b64encode");
    assert_int_equal(scan(text, 0).n, 0);
    /* A PEM header without a key: code that parses PEM. */
    snprintf(text, sizeof(text), "if line == \"-----%s-----\":\n",
             "BEGIN RSA PRIVATE KEY");
    assert_int_equal(scan(text, 0).n, 0);
    /* A key inside a JSON string. */
    snprintf(text, sizeof(text), "{\"private_key\": \"-----%s-----\\n%s\"}",
             "BEGIN PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
    hits h = scan(text, 0);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.id[0], "private-key");
}

/* CPU seconds of the process: the work done, whatever else the machine
 * runs (wall time is not a bound a loaded CI machine keeps). */
static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A patterns file of `n` lines made by `line`; its path in `path`. */
static void write_patterns(char *path, size_t n,
                           void (*line)(FILE *f, size_t i))
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    for (size_t i = 0; i < n; i++)
        line(f, i);
    fclose(f);
}

static void range_line(FILE *f, size_t i)
{
    fprintf(f, "tok-%zu tok%zu_[a-z0-9]{1,12}\n", i, i);
}

static void token_line(FILE *f, size_t i)
{
    fprintf(f, "acme-%zu acme-%zu-token\n", i, i);
}

/* The limit counts the user's patterns, not the built-in ones too. */
static void test_patterns_limit_counts_the_users(void **state)
{
    (void)state;
    char path[] = "/tmp/bosun-patterns-XXXXXX";
    write_patterns(path, 10000, token_line);
    char *err = NULL;
    content_db *mine = content_db_new(path, &err);
    if (!mine)
        fail_msg("10000 patterns refused: %s", err);
    assert_int_equal(content_db_count(mine), content_db_count(db) + 10000);
    content_db_free(mine);
    unlink(path);

    strcpy(path, "/tmp/bosun-patterns-XXXXXX");
    write_patterns(path, 10001, token_line);
    assert_null(content_db_new(path, &err));
    char want[64];
    snprintf(want, sizeof(want), "%s:10001: more than 10000", path);
    assert_non_null(strstr(err, want));
    free(err);
    unlink(path);
}

/* Patterns that take seconds to gigabytes to compile are refused at once,
 * with the file and line. */
static void test_costly_patterns_refused(void **state)
{
    (void)state;
    static const char *const costly[] = {
        "x[a-z]{1,30000}",
        "[a-z]{1,30000}",
        "(a{1,100}b){1,100}",
        "((ab{2,40}){2,40}c){2,40}",
    };
    for (size_t i = 0; i < sizeof(costly) / sizeof(costly[0]); i++) {
        char path[] = "/tmp/bosun-patterns-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        FILE *f = fdopen(fd, "w");
        fprintf(f, "# mine\nfine-one acme_[0-9a-f]{32}\ncostly %s\n",
                costly[i]);
        fclose(f);
        char *err = NULL;
        double t0 = seconds();
        content_db *mine = content_db_new(path, &err);
        double took = seconds() - t0;
        content_db_free(mine);
        assert_true(took < 0.5);
        assert_null(mine);
        char want[64];
        snprintf(want, sizeof(want), "%s:3: pattern costly", path);
        assert_non_null(strstr(err, want));
        free(err);
        unlink(path);
    }
    /* Many patterns that are cheap alone are costly together. */
    char path[] = "/tmp/bosun-patterns-XXXXXX";
    write_patterns(path, 5000, range_line);
    char *err = NULL;
    double t0 = seconds();
    assert_null(content_db_new(path, &err));
    assert_true(seconds() - t0 < 0.5);
    assert_non_null(strstr(err, "in all"));
    free(err);
    unlink(path);
}

static void test_patterns_file(void **state)
{
    (void)state;
    char path[] = "/tmp/bosun-patterns-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *good = "# ours\n\nacme-token acme_[0-9a-f]{32}\n"
                       "acme-pass (?i)acme_password=[^ ]{8,}\n";
    assert_int_equal(write(fd, good, strlen(good)), (ssize_t)strlen(good));
    close(fd);
    char *err = NULL;
    content_db *mine = content_db_new(path, &err);
    assert_non_null(mine);
    assert_int_equal(content_db_count(mine), content_db_count(db) + 2);
    content_scan *s = content_scan_new(mine);
    hits h = {0};
    arena a;
    arena_init(&a);
    content_scan_begin(s, &a, on_match, &h);
    const char *text = "x ACME_PASSWORD=abcdefgh12 y\nacme_0123456789abcdef0123456789abcdef\n";
    content_scan_data(s, (const uint8_t *)text, strlen(text));
    content_scan_end(s);
    assert_int_equal(h.n, 2);
    content_scan_free(s);
    content_db_free(mine);
    arena_release(&a);

    static const char *const bad[] = {"Bad_Id x\n", "lonely-id\n",
                                      "bad-regex (unclosed\n"};
    for (size_t i = 0; i < 3; i++) {
        FILE *f = fopen(path, "w");
        fputs(bad[i], f);
        fclose(f);
        err = NULL;
        assert_null(content_db_new(path, &err));
        assert_non_null(err);
        free(err);
    }
    unlink(path);
    err = NULL;
    assert_null(content_db_new("/nonexistent/patterns", &err));
    free(err);
}


/* `decoys` PEM headers without a key, one a line, then a real key. */
static char *decoys_then_key(size_t decoys, size_t *len)
{
    char header[64];
    snprintf(header, sizeof(header), "-----%s %s-----\n", "BEGIN",
             "PRIVATE KEY");
    size_t hl = strlen(header);
    const char *body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n";
    char *text = malloc(decoys * hl + hl + strlen(body) + 1);
    for (size_t i = 0; i < decoys; i++)
        memcpy(text + i * hl, header, hl);
    sprintf(text + decoys * hl, "%s%s", header, body);
    *len = strlen(text);
    return text;
}

/* Scan text in 64 KiB chunks, as a layer's file comes. */
static hits scan_chunked(const char *text, size_t len)
{
    hits h = {0};
    arena a;
    arena_init(&a);
    content_scan *s = content_scan_new(db);
    content_scan_begin(s, &a, on_match, &h);
    for (size_t off = 0; off < len; off += 65536)
        if (!content_scan_data(s, (const uint8_t *)text + off,
                               len - off < 65536 ? len - off : 65536))
            break;
    content_scan_end(s);
    content_scan_free(s);
    arena_release(&a);
    return h;
}

/* A few hundred decoys before a key: the key is still found. */
static void test_key_after_some_decoys(void **state)
{
    (void)state;
    size_t len;
    char *text = decoys_then_key(500, &len);
    hits h = scan_chunked(text, len);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.id[0], "private-key");
    assert_int_equal(h.line[0], 501);
    assert_int_equal(h.stopped_after[0], 0);
    free(text);
}

typedef struct decoy_job {
    const char *text;
    size_t len;
    hits h;
} decoy_job;

static void *scan_job(void *arg)
{
    decoy_job *j = arg;
    j->h = scan_chunked(j->text, j->len);
    return NULL;
}

/*
 * A file of nothing but PEM headers costs a bounded amount of
 * confirmation, also with two workers at once (which share the database
 * and nothing else), and the key hidden after the decoys is not silently
 * missed: the notice says bosun stopped confirming.
 */
static void test_decoys_are_bounded(void **state)
{
    (void)state;
    size_t len;
    char *text = decoys_then_key(600000, &len); /* 16 MiB */
    decoy_job jobs[2];
    memset(jobs, 0, sizeof(jobs));
    for (int i = 0; i < 2; i++) {
        jobs[i].text = text;
        jobs[i].len = len;
    }
    double t0 = seconds();
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, scan_job, &jobs[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    double took = seconds() - t0;
    /* Unbounded, this took 7 s and more; bounded, well under one. */
    assert_true(took < 3.0);
    for (int i = 0; i < 2; i++) {
        hits *h = &jobs[i].h;
        assert_int_equal(h->n, 1);
        assert_string_equal(h->id[0], "private-key");
        assert_true(h->stopped_after[0] > 0);
        assert_non_null(strstr(h->redacted[0], "inspect the file"));
    }
    free(text);
}

/* Bytes up to the window's edge, with no NUL anywhere: the confirmation
 * reads only the window (an address sanitizer checks it). */
static void test_confirm_reads_only_its_window(void **state)
{
    (void)state;
    char text[4096];
    memset(text, 'A', sizeof(text));
    snprintf(text + 2000, sizeof(text) - 2000, "-----%s %s-----", "BEGIN",
             "PRIVATE KEY");
    text[strlen(text)] = 'B';
    hits h = {0};
    arena a;
    arena_init(&a);
    content_scan *s = content_scan_new(db);
    content_scan_begin(s, &a, on_match, &h);
    content_scan_data(s, (const uint8_t *)text, sizeof(text));
    content_scan_end(s);
    content_scan_free(s);
    arena_release(&a);
    assert_int_equal(h.n, 0);
}

static void test_count_newlines(void **state)
{
    (void)state;
    unsigned char buf[9000];
    uint32_t x = 7;
    for (size_t i = 0; i < sizeof(buf); i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (x >> 16) % 7 == 0 ? '\n' : (unsigned char)(x >> 8);
    }
    for (size_t start = 0; start < 17; start++)
        for (size_t len = 0; len < sizeof(buf) - start; len += 97) {
            size_t want = 0;
            for (size_t i = 0; i < len; i++)
                want += buf[start + i] == '\n';
            assert_int_equal(count_newlines(buf + start, len), want);
        }
    memset(buf, '\n', sizeof(buf));
    assert_int_equal(count_newlines(buf, sizeof(buf)), sizeof(buf));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_found_at_every_split),
        cmocka_unit_test(test_private_key_block),
        cmocka_unit_test(test_once_per_pattern),
        cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_long_file),
        cmocka_unit_test(test_line_in_one_big_chunk),
        cmocka_unit_test(test_tokens_stand_alone),
        cmocka_unit_test(test_patterns_file),
        cmocka_unit_test(test_patterns_limit_counts_the_users),
        cmocka_unit_test(test_costly_patterns_refused),
        cmocka_unit_test(test_key_after_some_decoys),
        cmocka_unit_test(test_decoys_are_bounded),
        cmocka_unit_test(test_confirm_reads_only_its_window),
        cmocka_unit_test(test_count_newlines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
