#include "image/pipeline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

typedef struct slot {
    uint8_t *data;
    size_t len;
} slot;

struct pipeline {
    pthread_mutex_t lock;
    pthread_cond_t to_helper;  /* a slot freed, stop */
    pthread_cond_t to_layer;   /* a slot filled, the end, an error */

    blob_loc loc;
    uint64_t pos;              /* next offset the helper reads */
    hasher *hash;

    /* Read ahead: slots[head .. +count); the layer's thread holds the
     * first one between two calls. */
    slot slots[PIPE_SLOTS];
    size_t head, count;
    bool held;

    bool eof;                  /* the helper read the last byte */
    bool failed;
    bool stop;
    bool helper_exited;
    char error[160];
};

pipeline *pipeline_new(const blob_loc *loc, uint64_t pos, hasher *hash)
{
    pipeline *p = xcalloc(1, sizeof(*p));
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->to_helper, NULL);
    pthread_cond_init(&p->to_layer, NULL);
    p->loc = *loc;
    p->pos = pos;
    p->hash = hash;
    p->eof = pos >= loc->len;
    for (size_t i = 0; i < PIPE_SLOTS; i++)
        p->slots[i].data = xmalloc(PIPE_SLOT_SIZE);
    return p;
}

void pipeline_free(pipeline *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < PIPE_SLOTS; i++)
        free(p->slots[i].data);
    pthread_cond_destroy(&p->to_helper);
    pthread_cond_destroy(&p->to_layer);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void pipeline_run(pipeline *p)
{
    pthread_mutex_lock(&p->lock);
    while (!p->stop && !p->eof && !p->failed) {
        if (p->count == PIPE_SLOTS) {
            pthread_cond_wait(&p->to_helper, &p->lock);
            continue;
        }
        /* The slot after the filled ones is the helper's alone. */
        slot *s = &p->slots[(p->head + p->count) % PIPE_SLOTS];
        uint64_t left = p->loc.len - p->pos;
        size_t want = left < PIPE_SLOT_SIZE ? (size_t)left : PIPE_SLOT_SIZE;
        pthread_mutex_unlock(&p->lock);

        ssize_t n = read_at(p->loc.fd, s->data, want, p->loc.off + p->pos);
        int saved = errno;
        if (n > 0 && p->hash)
            hasher_update(p->hash, s->data, (size_t)n);

        pthread_mutex_lock(&p->lock);
        if (n < 0 || (size_t)n < want) {
            snprintf(p->error, sizeof(p->error), "%s",
                     n < 0 ? strerror(saved)
                           : "the blob file is shorter than expected");
            p->failed = true;
        } else {
            s->len = (size_t)n;
            p->pos += (uint64_t)n;
            p->eof = p->pos == p->loc.len;
            p->count++;
        }
        pthread_cond_signal(&p->to_layer);
    }
    p->helper_exited = true;
    pthread_cond_broadcast(&p->to_layer);
    pthread_mutex_unlock(&p->lock);
}

ssize_t pipeline_next(pipeline *p, const uint8_t **buf, const char **err)
{
    pthread_mutex_lock(&p->lock);
    if (p->held) {
        p->head = (p->head + 1) % PIPE_SLOTS;
        p->count--;
        p->held = false;
        pthread_cond_signal(&p->to_helper);
    }
    for (;;) {
        if (p->count) {
            slot *s = &p->slots[p->head];
            *buf = s->data;
            p->held = true;
            pthread_mutex_unlock(&p->lock);
            return (ssize_t)s->len;
        }
        if (p->failed) {
            *err = p->error;
            pthread_mutex_unlock(&p->lock);
            return -1;
        }
        if (p->eof) {
            pthread_mutex_unlock(&p->lock);
            return 0;
        }
        pthread_cond_wait(&p->to_layer, &p->lock);
    }
}

void pipeline_stop(pipeline *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->to_helper);
    while (!p->helper_exited)
        pthread_cond_wait(&p->to_layer, &p->lock);
    pthread_mutex_unlock(&p->lock);
}
