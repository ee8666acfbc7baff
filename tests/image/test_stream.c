/*
 * The byte pipe between a producer thread and a layer's thread: every
 * byte once and in order whatever the piece sizes, a clean end, an error
 * after the bytes before it, a consumer that stops making the
 * producer's writes fail instead of blocking it, and every byte hashed
 * once and in order whichever side is the slower.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image/digest.h"
#include "image/stream.h"

#define TOTAL (3u << 20)

static uint8_t byte_at(size_t i)
{
    return (uint8_t)(i * 131u + (i >> 9));
}

typedef struct producer {
    byte_pipe *p;
    size_t total;
    const char *fail_with;   /* end with this error instead of cleanly */
    bool in_place;           /* bpipe_reserve/commit instead of write */
    bool slow;               /* pause between pieces */
    bool write_failed;
    size_t written;
} producer;

static void pause_a_little(void)
{
    struct timespec ts = {0, 20000};
    nanosleep(&ts, NULL);
}

static void *produce(void *arg)
{
    producer *pr = arg;
    size_t i = 0, step = 1;
    uint8_t piece[70000];
    while (i < pr->total) {
        size_t n = step < pr->total - i ? step : pr->total - i;
        if (n > sizeof(piece))
            n = sizeof(piece);
        if (pr->in_place) {
            size_t cap;
            uint8_t *buf = bpipe_reserve(pr->p, &cap);
            if (!buf) {
                pr->write_failed = true;
                break;
            }
            if (n > cap)
                n = cap;
            for (size_t k = 0; k < n; k++)
                buf[k] = byte_at(i + k);
            bpipe_commit(pr->p, n);
        } else {
            for (size_t k = 0; k < n; k++)
                piece[k] = byte_at(i + k);
            if (!bpipe_write(pr->p, piece, n)) {
                pr->write_failed = true;
                break;
            }
        }
        i += n;
        if (pr->slow)
            pause_a_little();
        step = step * 7 % 65521 + 1; /* sizes from 1 byte to 64 KiB */
    }
    pr->written = i;
    if (pr->fail_with)
        bpipe_fail(pr->p, pr->fail_with);
    else
        bpipe_close(pr->p);
    return NULL;
}

/* Read everything; the bytes read, checked; -1 when a byte is wrong. */
static long consume(byte_pipe *p, ssize_t *last, const char **err)
{
    size_t got = 0;
    const uint8_t *buf;
    ssize_t n;
    while ((n = bpipe_next(p, &buf, err)) > 0) {
        for (ssize_t k = 0; k < n; k++)
            if (buf[k] != byte_at(got + (size_t)k))
                return -1;
        got += (size_t)n;
    }
    *last = n;
    return (long)got;
}

static void run(bool in_place, size_t slots, size_t slot_size, size_t total)
{
    byte_pipe *p = bpipe_new(slots, slot_size);
    producer pr = {.p = p, .total = total, .in_place = in_place};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, produce, &pr), 0);
    ssize_t last;
    const char *err = NULL;
    assert_int_equal(consume(p, &last, &err), total);
    assert_int_equal(last, 0);
    pthread_join(t, NULL);
    assert_false(pr.write_failed);
    bpipe_free(p);
}

static void every_byte_in_order(void **state)
{
    (void)state;
    run(false, 8, 4096, TOTAL);
    run(false, 2, 100000, TOTAL);
    run(true, 8, 4096, TOTAL);
    run(true, 1, 1, 20000);
}

static void error_after_the_bytes(void **state)
{
    (void)state;
    byte_pipe *p = bpipe_new(4, 8192);
    producer pr = {.p = p, .total = 100000, .fail_with = "connection reset"};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, produce, &pr), 0);
    ssize_t last;
    const char *err = NULL;
    assert_int_equal(consume(p, &last, &err), 100000);
    assert_int_equal(last, -1);
    assert_string_equal(err, "connection reset");
    pthread_join(t, NULL);
    bpipe_free(p);
}

static void abort_fails_the_writes(void **state)
{
    (void)state;
    for (int in_place = 0; in_place < 2; in_place++) {
        byte_pipe *p = bpipe_new(2, 1024);
        /* Far more than the ring holds: without the abort the producer
         * would wait for ever. */
        producer pr = {.p = p, .total = 1u << 30, .in_place = in_place};
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, produce, &pr), 0);
        const uint8_t *buf;
        const char *err;
        assert_true(bpipe_next(p, &buf, &err) > 0);
        bpipe_abort(p);
        bpipe_wait_closed(p);
        pthread_join(t, NULL);
        assert_true(pr.write_failed);
        assert_true(pr.written < pr.total);
        assert_true(bpipe_aborted(p));
        bpipe_free(p);
    }
}

static void empty_stream(void **state)
{
    (void)state;
    byte_pipe *p = bpipe_new(2, 16);
    bpipe_close(p);
    const uint8_t *buf;
    const char *err;
    assert_int_equal(bpipe_next(p, &buf, &err), 0);
    assert_int_equal(bpipe_next(p, &buf, &err), 0);
    bpipe_wait_closed(p);
    bpipe_free(p);
}

/* The digest of the bytes of the pipe, pushed by a producer that is the
 * slower one (`slow_producer`) or not, with a consumer that is the slower
 * one or not. */
static void hashed(bool slow_producer, bool slow_consumer, bool in_place)
{
    size_t total = 1u << 20;
    hasher *want = hasher_new("sha256");
    for (size_t i = 0; i < total; i++) {
        uint8_t b = byte_at(i);
        hasher_update(want, &b, 1);
    }
    char want_digest[DIGEST_MAX + 1], got_digest[DIGEST_MAX + 1];
    hasher_final(want, want_digest);
    hasher_free(want);

    byte_pipe *p = bpipe_new(4, 16384);
    hasher *got = hasher_new("sha256");
    bpipe_hash(p, got);
    producer pr = {.p = p, .total = total, .in_place = in_place,
                   .slow = slow_producer};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, produce, &pr), 0);
    const uint8_t *buf;
    const char *err;
    ssize_t n;
    size_t seen = 0;
    while ((n = bpipe_next(p, &buf, &err)) > 0) {
        for (ssize_t k = 0; k < n; k++)
            assert_int_equal(buf[k], byte_at(seen + (size_t)k));
        seen += (size_t)n;
        if (slow_consumer)
            pause_a_little();
    }
    assert_int_equal(n, 0);
    assert_int_equal(seen, total);
    pthread_join(t, NULL);
    hasher_final(got, got_digest);
    hasher_free(got);
    assert_string_equal(got_digest, want_digest);
    bpipe_free(p);
}

static void every_byte_hashed_once(void **state)
{
    (void)state;
    hashed(false, false, false);
    hashed(true, false, false);
    hashed(false, true, false);
    hashed(false, true, true);
    hashed(true, true, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_byte_in_order),
        cmocka_unit_test(error_after_the_bytes),
        cmocka_unit_test(abort_fails_the_writes),
        cmocka_unit_test(empty_stream),
        cmocka_unit_test(every_byte_hashed_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
