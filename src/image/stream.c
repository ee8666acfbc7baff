#include "image/stream.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

typedef struct slot {
    uint8_t *data;
    size_t len;
} slot;

/*
 * Slots are hashed in order: of the filled ones, the first `hashed` are
 * done, and of the next one its first `hash_off` bytes. `hashing` is set
 * while a side hashes (the lock not held). The producer hashes in steps
 * of HASH_STEP bytes and hands the rest of a slot over as soon as the
 * consumer needs it (`handover`), so that the consumer never waits for a
 * hash it could be computing itself: each side hashes as much as it has
 * time for.
 */
#define HASH_STEP (64u << 10)

struct byte_pipe {
    pthread_mutex_t lock;
    pthread_cond_t to_producer; /* a slot freed, an abort */
    pthread_cond_t to_consumer; /* a slot filled, the end, an error */

    /* Filled slots are slots[head .. +count); the consumer holds the
     * first one between two calls of bpipe_next (held), the producer the
     * one after the filled ones between reserve and commit (reserved). */
    slot *slots;
    size_t nslots, slot_size;
    size_t head, count;
    bool held, reserved;

    hasher *hash;               /* or NULL */
    size_t hashed, hash_off;
    bool hashing, handover;

    bool closed;                /* the producer is done (cleanly or not) */
    bool failed;
    bool aborted;
    char error[256];
};

byte_pipe *bpipe_new(size_t slots, size_t slot_size)
{
    byte_pipe *p = xcalloc(1, sizeof(*p));
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->to_producer, NULL);
    pthread_cond_init(&p->to_consumer, NULL);
    p->nslots = slots ? slots : 1;
    p->slot_size = slot_size ? slot_size : 1;
    p->slots = xcalloc(p->nslots, sizeof(slot));
    for (size_t i = 0; i < p->nslots; i++)
        p->slots[i].data = xmalloc(p->slot_size);
    return p;
}

void bpipe_free(byte_pipe *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nslots; i++)
        free(p->slots[i].data);
    free(p->slots);
    pthread_cond_destroy(&p->to_producer);
    pthread_cond_destroy(&p->to_consumer);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void bpipe_hash(byte_pipe *p, hasher *h)
{
    pthread_mutex_lock(&p->lock);
    p->hash = h;
    pthread_mutex_unlock(&p->lock);
}

/* With the lock held: hash on in the next filled slot not hashed yet,
 * the lock released meanwhile; the producer stops when the consumer asks
 * for the slot. */
static void hash_next(byte_pipe *p, bool producer)
{
    slot *s = &p->slots[(p->head + p->hashed) % p->nslots];
    p->hashing = true;
    while (!p->aborted && p->hash_off < s->len &&
           !(producer && p->handover)) {
        size_t off = p->hash_off, n = s->len - off;
        if (producer && n > HASH_STEP)
            n = HASH_STEP;
        pthread_mutex_unlock(&p->lock);
        hasher_update(p->hash, s->data + off, n);
        pthread_mutex_lock(&p->lock);
        p->hash_off += n;
    }
    p->hashing = false;
    if (!p->aborted && p->hash_off == s->len) {
        p->hashed++;
        p->hash_off = 0;
    }
    /* The consumer may be waiting for this one, the producer to hash the
     * next one. */
    pthread_cond_broadcast(&p->to_consumer);
    pthread_cond_broadcast(&p->to_producer);
}

/* ------------------------------------------------------------ producer */

uint8_t *bpipe_reserve(byte_pipe *p, size_t *cap)
{
    pthread_mutex_lock(&p->lock);
    while (!p->aborted && p->count == p->nslots) {
        /* The consumer is behind: hash for it meanwhile. */
        if (p->hash && !p->hashing && !p->handover && p->hashed < p->count)
            hash_next(p, true);
        else
            pthread_cond_wait(&p->to_producer, &p->lock);
    }
    uint8_t *data = NULL;
    if (!p->aborted) {
        /* The slot after the filled ones is the producer's alone. */
        data = p->slots[(p->head + p->count) % p->nslots].data;
        p->reserved = true;
        *cap = p->slot_size;
    }
    pthread_mutex_unlock(&p->lock);
    return data;
}

void bpipe_commit(byte_pipe *p, size_t len)
{
    pthread_mutex_lock(&p->lock);
    if (p->reserved && len && !p->aborted) {
        p->slots[(p->head + p->count) % p->nslots].len = len;
        p->count++;
        pthread_cond_signal(&p->to_consumer);
    }
    p->reserved = false;
    pthread_mutex_unlock(&p->lock);
}

bool bpipe_write(byte_pipe *p, const void *data, size_t len)
{
    const uint8_t *src = data;
    while (len) {
        size_t cap;
        uint8_t *dst = bpipe_reserve(p, &cap);
        if (!dst)
            return false;
        size_t n = len < cap ? len : cap;
        memcpy(dst, src, n);
        bpipe_commit(p, n);
        src += n;
        len -= n;
    }
    return !bpipe_aborted(p);
}

static void end(byte_pipe *p, const char *error)
{
    pthread_mutex_lock(&p->lock);
    if (!p->closed && error) {
        snprintf(p->error, sizeof(p->error), "%s", error);
        p->failed = true;
    }
    p->closed = true;
    pthread_cond_broadcast(&p->to_consumer);
    pthread_mutex_unlock(&p->lock);
}

void bpipe_close(byte_pipe *p)
{
    end(p, NULL);
}

void bpipe_fail(byte_pipe *p, const char *error)
{
    end(p, error ? error : "unknown error");
}

bool bpipe_aborted(byte_pipe *p)
{
    pthread_mutex_lock(&p->lock);
    bool aborted = p->aborted;
    pthread_mutex_unlock(&p->lock);
    return aborted;
}

/* ------------------------------------------------------------ consumer */

ssize_t bpipe_next(byte_pipe *p, const uint8_t **buf, const char **error)
{
    pthread_mutex_lock(&p->lock);
    if (p->held) {
        p->head = (p->head + 1) % p->nslots;
        p->count--;
        if (p->hash)
            p->hashed--;
        p->held = false;
        pthread_cond_signal(&p->to_producer);
    }
    for (;;) {
        if (p->count && p->hash && p->hashed == 0) {
            /* Not hashed yet: the producer is the slower one. What it is
             * hashing of it, it leaves to this side. */
            if (p->hashing) {
                p->handover = true;
                pthread_cond_wait(&p->to_consumer, &p->lock);
            } else {
                hash_next(p, false);
                p->handover = false;
            }
            continue;
        }
        if (p->count) {
            slot *s = &p->slots[p->head];
            *buf = s->data;
            p->held = true;
            pthread_mutex_unlock(&p->lock);
            return (ssize_t)s->len;
        }
        if (p->closed) {
            bool failed = p->failed;
            if (failed)
                *error = p->error;
            pthread_mutex_unlock(&p->lock);
            return failed ? -1 : 0;
        }
        pthread_cond_wait(&p->to_consumer, &p->lock);
    }
}

void bpipe_abort(byte_pipe *p)
{
    pthread_mutex_lock(&p->lock);
    p->aborted = true;
    /* The filled slots are dropped; a slot the producer is filling stays
     * its own until it commits (which then adds nothing). */
    p->head = (p->head + p->count) % p->nslots;
    p->count = 0;
    p->hashed = p->hash_off = 0;
    p->handover = false;
    p->held = false;
    pthread_cond_broadcast(&p->to_producer);
    pthread_mutex_unlock(&p->lock);
}

void bpipe_wait_closed(byte_pipe *p)
{
    pthread_mutex_lock(&p->lock);
    while (!p->closed)
        pthread_cond_wait(&p->to_consumer, &p->lock);
    pthread_mutex_unlock(&p->lock);
}
