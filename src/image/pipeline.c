#include "image/pipeline.h"

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
    pthread_cond_t to_helper;  /* input pushed, output slot freed, stop */
    pthread_cond_t to_layer;   /* output pushed, input slot freed, end */

    decoder *dec;
    hasher *plain_hash;
    unsigned max_ratio;
    uint64_t bomb_floor;
    uint64_t raw_used, plain_bytes;

    /* Compressed input: raw[raw_head .. +raw_count), the first one
     * decoded up to raw_off. */
    slot raw[PIPE_RAW_SLOTS];
    size_t raw_head, raw_count, raw_off;
    bool raw_eof;              /* the last input has been pushed */
    /* Decoded output: plain[plain_head .. +plain_count); the layer's
     * thread holds the first one between two calls. */
    slot plain[PIPE_PLAIN_SLOTS];
    size_t plain_head, plain_count;
    bool plain_held;

    bool done;                 /* the stream is complete */
    bool failed;
    bool stop;
    bool helper_exited;
    char error[256];
};

pipeline *pipeline_new(const pipeline_start *s)
{
    pipeline *p = xcalloc(1, sizeof(*p));
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->to_helper, NULL);
    pthread_cond_init(&p->to_layer, NULL);
    p->dec = s->dec;
    p->plain_hash = s->plain;
    p->max_ratio = s->max_ratio;
    p->bomb_floor = s->bomb_floor;
    p->raw_used = s->raw_used;
    p->plain_bytes = s->plain_bytes;
    for (size_t i = 0; i < PIPE_RAW_SLOTS; i++)
        p->raw[i].data = xmalloc(PIPE_RAW_SIZE);
    for (size_t i = 0; i < PIPE_PLAIN_SLOTS; i++)
        p->plain[i].data = xmalloc(PIPE_PLAIN_SIZE);
    size_t n = s->pending_len < PIPE_RAW_SIZE ? s->pending_len : PIPE_RAW_SIZE;
    if (n) {
        memcpy(p->raw[0].data, s->pending, n);
        p->raw[0].len = n;
        p->raw_count = 1;
    }
    p->raw_eof = s->raw_eof;
    return p;
}

void pipeline_free(pipeline *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < PIPE_RAW_SLOTS; i++)
        free(p->raw[i].data);
    for (size_t i = 0; i < PIPE_PLAIN_SLOTS; i++)
        free(p->plain[i].data);
    pthread_cond_destroy(&p->to_helper);
    pthread_cond_destroy(&p->to_layer);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* With the lock held. */
static void fail(pipeline *p, const char *what)
{
    if (!p->failed)
        snprintf(p->error, sizeof(p->error), "%s", what);
    p->failed = true;
    pthread_cond_broadcast(&p->to_layer);
    pthread_cond_broadcast(&p->to_helper);
}

static bool bomb(const pipeline *p)
{
    return p->max_ratio && p->plain_bytes > p->bomb_floor &&
           p->plain_bytes / (p->raw_used ? p->raw_used : 1) > p->max_ratio;
}

void pipeline_run(pipeline *p)
{
    pthread_mutex_lock(&p->lock);
    while (!p->stop && !p->done && !p->failed) {
        if (p->raw_count && p->raw[p->raw_head].len == p->raw_off) {
            /* An empty push (the end) or a slot used up. */
            p->raw_head = (p->raw_head + 1) % PIPE_RAW_SLOTS;
            p->raw_count--;
            p->raw_off = 0;
            pthread_cond_signal(&p->to_layer);
            continue;
        }
        if ((!p->raw_count && !p->raw_eof) ||
            p->plain_count == PIPE_PLAIN_SLOTS) {
            pthread_cond_wait(&p->to_helper, &p->lock);
            continue;
        }
        slot *in = p->raw_count ? &p->raw[p->raw_head] : NULL;
        const uint8_t *ip = in ? in->data + p->raw_off : NULL;
        size_t ilen = in ? in->len - p->raw_off : 0;
        bool eof = p->raw_eof && p->raw_count <= 1;
        slot *out = &p->plain[(p->plain_head + p->plain_count) % PIPE_PLAIN_SLOTS];
        pthread_mutex_unlock(&p->lock);

        size_t used = 0, produced = 0;
        dec_status st = decoder_run(p->dec, ip, ilen, eof, &used, out->data,
                                    PIPE_PLAIN_SIZE, &produced);
        if (produced && p->plain_hash)
            hasher_update(p->plain_hash, out->data, produced);

        pthread_mutex_lock(&p->lock);
        p->raw_used += used;
        p->raw_off += used;
        p->plain_bytes += produced;
        if (produced) {
            out->len = produced;
            p->plain_count++;
            pthread_cond_signal(&p->to_layer);
        }
        if (st == DEC_ERROR) {
            fail(p, decoder_error(p->dec));
        } else if (st == DEC_END) {
            p->done = true;
        } else if (bomb(p)) {
            char msg[160];
            snprintf(msg, sizeof(msg), "decompression bomb: the layer expands "
                     "more than %u times (stopped after %llu MiB)",
                     p->max_ratio, (unsigned long long)(p->plain_bytes >> 20));
            fail(p, msg);
        } else if (!used && !produced && (ilen || eof)) {
            fail(p, "truncated compressed stream");
        }
    }
    p->helper_exited = true;
    pthread_cond_broadcast(&p->to_layer);
    pthread_mutex_unlock(&p->lock);
}

ssize_t pipeline_next(pipeline *p, pipeline_feed feed, void *ctx,
                      const void **buf, const char **err)
{
    pthread_mutex_lock(&p->lock);
    if (p->plain_held) {
        p->plain_head = (p->plain_head + 1) % PIPE_PLAIN_SLOTS;
        p->plain_count--;
        p->plain_held = false;
        pthread_cond_signal(&p->to_helper);
    }
    for (;;) {
        /* Fill every free input slot before waiting for output. */
        while (!p->raw_eof && !p->failed && p->raw_count < PIPE_RAW_SLOTS) {
            slot *s = &p->raw[(p->raw_head + p->raw_count) % PIPE_RAW_SLOTS];
            pthread_mutex_unlock(&p->lock);
            bool eof = false;
            const char *why = NULL;
            ssize_t n = feed(ctx, s->data, PIPE_RAW_SIZE, &eof, &why);
            pthread_mutex_lock(&p->lock);
            if (n < 0) {
                fail(p, why ? why : "read error");
                break;
            }
            s->len = (size_t)n;
            p->raw_count++;
            p->raw_eof = eof;
            pthread_cond_signal(&p->to_helper);
        }
        if (p->plain_count) {
            *buf = p->plain[p->plain_head].data;
            ssize_t n = (ssize_t)p->plain[p->plain_head].len;
            p->plain_held = true;
            pthread_mutex_unlock(&p->lock);
            return n;
        }
        if (p->failed) {
            *err = p->error;
            pthread_mutex_unlock(&p->lock);
            return -1;
        }
        if (p->done) {
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

uint64_t pipeline_plain_bytes(const pipeline *p)
{
    return p->plain_bytes;
}
