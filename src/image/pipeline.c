#include "image/pipeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/stream.h"
#include "util/xalloc.h"

struct pipeline {
    byte_pipe *pipe;
    blob_loc loc;
    uint64_t pos;              /* next offset the helper reads */
    hasher *hash;
};

pipeline *pipeline_new(const blob_loc *loc, uint64_t pos, hasher *hash)
{
    pipeline *p = xcalloc(1, sizeof(*p));
    p->pipe = bpipe_new(PIPE_SLOTS, PIPE_SLOT_SIZE);
    p->loc = *loc;
    p->pos = pos;
    p->hash = hash;
    return p;
}

void pipeline_free(pipeline *p)
{
    if (!p)
        return;
    bpipe_free(p->pipe);
    free(p);
}

void pipeline_run(pipeline *p)
{
    while (p->pos < p->loc.len) {
        size_t cap;
        uint8_t *buf = bpipe_reserve(p->pipe, &cap);
        if (!buf)
            break; /* stopped */
        uint64_t left = p->loc.len - p->pos;
        size_t want = left < cap ? (size_t)left : cap;
        ssize_t n = read_at(p->loc.fd, buf, want, p->loc.off + p->pos);
        if (n < 0 || (size_t)n < want) {
            bpipe_commit(p->pipe, 0);
            bpipe_fail(p->pipe, n < 0 ? strerror(errno)
                                      : "the blob file is shorter than "
                                        "expected");
            return;
        }
        if (p->hash)
            hasher_update(p->hash, buf, (size_t)n);
        bpipe_commit(p->pipe, (size_t)n);
        p->pos += (uint64_t)n;
    }
    bpipe_close(p->pipe);
}

ssize_t pipeline_next(pipeline *p, const uint8_t **buf, const char **err)
{
    return bpipe_next(p->pipe, buf, err);
}

void pipeline_stop(pipeline *p)
{
    bpipe_abort(p->pipe);
    bpipe_wait_closed(p->pipe);
}
