#include "image/instream.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/decompress.h"
#include "image/digest.h"
#include "image/gotar.h"
#include "util/xalloc.h"

#define BLOCK 512
/* Bytes read from the input at a time (and of a compressed one). */
#define INPUT_CHUNK (256u << 10)
/* The first bytes of a member, read to tell JSON from a layer. */
#define MEMBER_HEAD 4096
/* The pipe between the reading thread and a layer thread. */
#define STREAM_SLOTS 8
#define STREAM_SLOT_SIZE (512u << 10)
/* A pipe's buffer is made this large when the system lets it: the
 * writer (docker save, cat) runs ahead in larger steps. */
#define PIPE_BUFFER (1u << 20)

/* What was kept of a regular member, in the stream's order (so by
 * offset). */
typedef struct stream_entry {
    uint64_t offset;           /* of its data in the stream */
    const char *name;          /* normalised (in the reader's arena) */
    char *json;                /* the document kept (malloc'd), or NULL */
    size_t json_len;
    layer_result *result;      /* its scan (malloc'd), or NULL; its
                                  digest is the blob's, computed as the
                                  bytes came */
    const char *why;           /* why it was not scanned */
} stream_entry;

struct instream {
    stream_entry *entries;
    size_t n, cap;
    size_t json_total;
    size_t blobs;
    bool verify;
    const bosun_config *cfg;
};

/* A layer being scanned by a layer thread. */
typedef struct job {
    struct job *next;
    byte_pipe *pipe;
    hasher *hash;              /* of the blob, fed by the pipe, or NULL */
    layer_input in;
    layer_result *res;
} job;

typedef struct reader {
    arena *a;
    int fd;
    const instream_options *o;
    instream *s;
    gotar *g;
    tar_index ix;
    size_t ix_cap;
    const char *err;

    /* The input: its first bytes (and a compressed one's) in buf. */
    uint8_t *buf;
    size_t buf_len, buf_off;
    bool input_eof;
    img_compression comp;
    decoder *dec;
    bool dec_ended;
    uint64_t input_bytes;      /* read from fd */
    uint8_t *scratch;          /* data passed over */

    /* The layer threads and their queue. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    job *head, *tail;
    bool closing;
    pthread_t *threads;
    size_t nthreads;
    job *current;              /* the job being fed */
} reader;

static bool fail(reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool fail(reader *r, const char *fmt, ...)
{
    if (!r->err) {
        char buf[600];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        r->err = arena_strdup(r->a, buf);
    }
    return false;
}

/* A member name for a message: control bytes as '?', cut. */
static const char *shown(reader *r, const char *name)
{
    size_t n = strlen(name) < 200 ? strlen(name) : 200;
    char *out = arena_strndup(r->a, name, n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            out[i] = '?';
    return out;
}

/* ------------------------------------------------------------ the input */

/* read() that retries on EINTR: bytes read, 0 at the end, -1. */
static ssize_t read_some(reader *r, uint8_t *buf, size_t want)
{
    for (;;) {
        ssize_t n = read(r->fd, buf, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fail(r, "read error: %s", strerror(errno));
            return -1;
        }
        r->input_bytes += (uint64_t)n;
        progress_input(r->o->progress, r->input_bytes);
        return n;
    }
}

/* The first bytes tell a compressed stream (gzip, zstd) from a tar. */
static bool input_start(reader *r)
{
    r->buf = xmalloc(INPUT_CHUNK);
    while (r->buf_len < 4) {
        ssize_t n = read_some(r, r->buf + r->buf_len, INPUT_CHUNK - r->buf_len);
        if (n < 0)
            return false;
        if (n == 0) {
            r->input_eof = true;
            break;
        }
        r->buf_len += (size_t)n;
    }
    r->comp = compression_sniff(r->buf, r->buf_len);
    if (r->comp != IMG_COMP_NONE) {
        r->dec = decoder_new(DEC_BACKEND_DEFAULT);
        decoder_start(r->dec, r->comp);
    }
    return true;
}

/* Up to `want` bytes of the (decompressed) stream: how many, 0 at its
 * end, -1 on an error. */
static ssize_t input_read(reader *r, uint8_t *out, size_t want)
{
    if (r->comp == IMG_COMP_NONE) {
        if (r->buf_off < r->buf_len) {
            size_t n = r->buf_len - r->buf_off;
            if (n > want)
                n = want;
            memcpy(out, r->buf + r->buf_off, n);
            r->buf_off += n;
            return (ssize_t)n;
        }
        return r->input_eof ? 0 : read_some(r, out, want);
    }
    for (;;) {
        if (r->dec_ended)
            return 0;
        if (r->buf_off == r->buf_len && !r->input_eof) {
            ssize_t n = read_some(r, r->buf, INPUT_CHUNK);
            if (n < 0)
                return -1;
            r->buf_off = 0;
            r->buf_len = (size_t)n;
            r->input_eof = n == 0;
        }
        size_t used, produced;
        dec_status st = decoder_run(r->dec, r->buf + r->buf_off,
                                    r->buf_len - r->buf_off, r->input_eof,
                                    &used, out, want, &produced);
        r->buf_off += used;
        if (st == DEC_ERROR) {
            fail(r, "the %s stream: %s", compression_name(r->comp),
                 decoder_error(r->dec));
            return -1;
        }
        if (produced)
            return (ssize_t)produced;
        if (st == DEC_END) {
            r->dec_ended = true;
            return 0;
        }
        if (used == 0 && (r->buf_off < r->buf_len || r->input_eof)) {
            fail(r, "truncated %s stream", compression_name(r->comp));
            return -1;
        }
    }
}

/* `want` bytes unless the stream ends first: how many, -1 on an error. */
static ssize_t input_fill(reader *r, uint8_t *out, size_t want)
{
    size_t got = 0;
    while (got < want) {
        ssize_t n = input_read(r, out + got, want - got);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* ---------------------------------------------------------- layer threads */

static void *layer_thread(void *arg)
{
    reader *r = arg;
    layer_worker *w = layer_worker_new(r->o->scan);
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->head && !r->closing)
            pthread_cond_wait(&r->cond, &r->lock);
        job *j = r->head;
        if (!j)
            break;
        r->head = j->next;
        if (!r->head)
            r->tail = NULL;
        pthread_mutex_unlock(&r->lock);
        layer_scan(w, &j->in, j->res);
        /* The reading thread lets go of the pipe when it closes it. */
        bpipe_wait_closed(j->pipe);
        /* Read whole without an error: every byte was hashed. */
        if (j->hash && !j->res->error)
            hasher_final(j->hash, j->res->digest);
        hasher_free(j->hash);
        progress_end(r->o->progress, j->in.progress);
        bpipe_free(j->pipe);
        free(j);
        pthread_mutex_lock(&r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    layer_worker_free(w);
    return NULL;
}

static void threads_start(reader *r)
{
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    size_t want = r->o->layer_threads ? r->o->layer_threads : 1;
    r->threads = xcalloc(want, sizeof(pthread_t));
    while (r->nthreads < want &&
           pthread_create(&r->threads[r->nthreads], NULL, layer_thread, r) ==
               0)
        r->nthreads++;
    if (r->nthreads == 0)
        xalloc_die(); /* no thread to scan with: nothing can be done */
}

static void threads_stop(reader *r)
{
    pthread_mutex_lock(&r->lock);
    r->closing = true;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
    for (size_t i = 0; i < r->nthreads; i++)
        pthread_join(r->threads[i], NULL);
    free(r->threads);
    pthread_cond_destroy(&r->cond);
    pthread_mutex_destroy(&r->lock);
}

/* Does the digest of a member named so name its content (a legacy
 * docker-archive's layer.tar, named by its config's diff_id) rather than
 * its blob (blobs/ALG/HEX)? Then a compressed one has its decoded tar
 * hashed too. */
static bool named_by_blob(const char *name)
{
    return strncmp(name, "blobs/", 6) == 0;
}

/* The algorithm a member's bytes are hashed with: the one its path
 * names (blobs/sha512/...), else sha256, which docker archives use. */
static const char *algorithm_of(const char *name)
{
    if (named_by_blob(name) && strncmp(name + 6, "sha512/", 7) == 0)
        return "sha512";
    return "sha256";
}

/* A layer thread scans what comes into `pipe` from now on. */
static job *job_start(reader *r, stream_entry *e, uint64_t size)
{
    job *j = xcalloc(1, sizeof(*j));
    j->pipe = bpipe_new(STREAM_SLOTS, STREAM_SLOT_SIZE);
    j->res = xmalloc(sizeof(layer_result));
    layer_result_init(j->res, r->s->cfg);
    e->result = j->res;
    /* The blob's digest, computed on the wire by whichever of the two
     * threads has time for it (stream.h). */
    if (r->s->verify) {
        j->hash = hasher_new(algorithm_of(e->name));
        bpipe_hash(j->pipe, j->hash);
    }
    j->in = (layer_input){
        .index = 0, /* its place is known at the end */
        .pipe = j->pipe,
        .digest = named_by_blob(e->name) ? NULL : algorithm_of(e->name),
        .of_content = true,
        /* A blob's configuration comes later, if at all: its decoded
         * tar is hashed anyway, to check the diff_id at the end. */
        .diff_id = named_by_blob(e->name) ? "sha256" : NULL,
        .progress = progress_begin(r->o->progress, -1, e->name,
                                   (int64_t)size),
    };
    pthread_mutex_lock(&r->lock);
    if (r->tail)
        r->tail->next = j;
    else
        r->head = j;
    r->tail = j;
    pthread_cond_signal(&r->cond);
    pthread_mutex_unlock(&r->lock);
    r->current = j;
    return j;
}

/* ------------------------------------------------------------- members */

static stream_entry *entry_add(reader *r, const char *name, uint64_t offset)
{
    instream *s = r->s;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->entries = xreallocarray(s->entries, s->cap, sizeof(stream_entry));
    }
    stream_entry *e = &s->entries[s->n++];
    memset(e, 0, sizeof(*e));
    e->offset = offset;
    e->name = name;
    return e;
}

static bool looks_like_json(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
                     p[i] == '\n'))
        i++;
    return i < n && (p[i] == '{' || p[i] == '[');
}

/* `n` bytes of a member's data were read. */
static void consumed(reader *r, uint64_t n)
{
    gotar_skip(r->g, n);
}

/* Pass over `left` bytes of member data. */
static bool pass_over(reader *r, uint64_t left, const char *name,
                      uint64_t size)
{
    while (left) {
        size_t want = left < INPUT_CHUNK ? (size_t)left : INPUT_CHUNK;
        ssize_t n = input_fill(r, r->scratch, want);
        if (n < 0)
            return false;
        consumed(r, (uint64_t)n);
        left -= (uint64_t)n;
        if ((size_t)n < want)
            return fail(r, "truncated: the stream ends inside \"%s\", %llu "
                        "of its %llu bytes read", shown(r, name),
                        (unsigned long long)(size - left),
                        (unsigned long long)size);
    }
    return true;
}

/* Keep a JSON document whose first `got` bytes are in head. */
static bool keep_json(reader *r, stream_entry *e, const uint8_t *head,
                      size_t got, uint64_t size)
{
    instream *s = r->s;
    if (s->json_total + size > STREAM_MAX_JSON)
        return fail(r, "the stream's JSON documents (manifests, "
                    "configurations, ...) take more than %u MiB together, "
                    "with \"%s\" (%llu bytes): refused", STREAM_MAX_JSON >> 20,
                    shown(r, e->name), (unsigned long long)size);
    s->json_total += (size_t)size;
    e->json = xmalloc((size_t)size + 1);
    e->json_len = (size_t)size;
    memcpy(e->json, head, got);
    size_t want = (size_t)size - got;
    ssize_t n = input_fill(r, (uint8_t *)e->json + got, want);
    if (n < 0)
        return false;
    consumed(r, (uint64_t)n);
    e->json[got + (size_t)n] = '\0';
    if ((size_t)n < want)
        return fail(r, "truncated: the stream ends inside \"%s\", %llu of its "
                    "%llu bytes read", shown(r, e->name),
                    (unsigned long long)(got + (size_t)n),
                    (unsigned long long)size);
    return true;
}

/* Scan a member as a layer as it arrives: its bytes, hashed here, into a
 * layer thread's pipe. */
static bool scan_member(reader *r, stream_entry *e, const uint8_t *head,
                        size_t got, uint64_t size)
{
    instream *s = r->s;
    if (s->blobs == STREAM_MAX_BLOBS)
        return fail(r, "more than %d blobs in the stream: refused",
                    STREAM_MAX_BLOBS);
    s->blobs++;
    job *j = job_start(r, e, size);
    bool pushing = bpipe_write(j->pipe, head, got);
    uint64_t left = size - got;
    bool ok = true;
    while (left && pushing) {
        size_t cap;
        uint8_t *buf = bpipe_reserve(j->pipe, &cap);
        if (!buf) {
            pushing = false; /* the layer thread stopped: an error */
            break;
        }
        size_t want = left < cap ? (size_t)left : cap;
        ssize_t n = input_fill(r, buf, want);
        if (n < 0) {
            bpipe_commit(j->pipe, 0);
            ok = false;
            break;
        }
        bpipe_commit(j->pipe, (size_t)n);
        consumed(r, (uint64_t)n);
        left -= (uint64_t)n;
        if ((size_t)n < want) {
            ok = fail(r, "truncated: the stream ends inside \"%s\", %llu of "
                      "its %llu bytes read", shown(r, e->name),
                      (unsigned long long)(size - left),
                      (unsigned long long)size);
            break;
        }
    }
    if (ok && left)
        ok = pass_over(r, left, e->name, size);
    if (ok)
        bpipe_close(j->pipe);
    else
        bpipe_fail(j->pipe, r->err ? r->err : "read error");
    r->current = NULL;
    return ok;
}

/* A regular member: kept (JSON), scanned (a layer) or passed over. */
static bool regular_member(reader *r, const char *name, uint64_t offset,
                           uint64_t size)
{
    stream_entry *e = entry_add(r, name, offset);
    uint8_t head[MEMBER_HEAD];
    size_t want = size < MEMBER_HEAD ? (size_t)size : MEMBER_HEAD;
    ssize_t got = input_fill(r, head, want);
    if (got < 0)
        return false;
    consumed(r, (uint64_t)got);
    if ((size_t)got < want)
        return fail(r, "truncated: the stream ends inside \"%s\", %zd of its "
                    "%llu bytes read", shown(r, name), got,
                    (unsigned long long)size);
    if (size <= IMG_MAX_JSON && looks_like_json(head, (size_t)got))
        return keep_json(r, e, head, (size_t)got, size);
    return scan_member(r, e, head, (size_t)got, size);
}

/* An entry Go's reader returned: indexed, and its data dealt with. */
static bool on_entry(reader *r, const gotar_entry *ge)
{
    const char *err;
    if (!tar_index_add(r->a, &r->ix, &r->ix_cap, ge, UINT64_MAX, &err))
        return fail(r, "%s", err);
    const tar_member *m = &r->ix.members[r->ix.n - 1];
    if (ge->type == '0')
        return regular_member(r, m->name, ge->data_offset, ge->data_len);
    return pass_over(r, ge->data_len, m->name, ge->data_len);
}

/* Header bytes for Go's reader, up to the end of the block. */
static bool feed_header(reader *r)
{
    uint8_t blk[BLOCK];
    size_t want = BLOCK - (size_t)(gotar_position(r->g) % BLOCK);
    ssize_t n = input_fill(r, blk, want);
    if (n < 0)
        return false;
    if (n > 0)
        gotar_feed(r->g, blk, (size_t)n);
    if ((size_t)n < want)
        gotar_finish(r->g);
    return true;
}

/* The outer tar, member by member, to its end. */
static bool read_archive(reader *r)
{
    for (;;) {
        const gotar_entry *ge;
        while ((ge = gotar_peek(r->g)) != NULL) {
            if (!on_entry(r, ge))
                return false;
            gotar_pop(r->g);
        }
        if (gotar_error(r->g)) {
            if (gotar_position(r->g) <= BLOCK && r->ix.n == 0)
                return fail(r, "not a tar archive%s",
                            r->comp == IMG_COMP_NONE
                                ? " (nor gzip or zstd data)"
                                : arena_printf(r->a, " (after %s "
                                               "decompression)",
                                               compression_name(r->comp)));
            if (strstr(gotar_error(r->g), "unexpected end"))
                return fail(r, "truncated: the stream ends inside a tar "
                            "header, at byte %llu",
                            (unsigned long long)gotar_position(r->g));
            return fail(r, "corrupt tar header at byte %llu (as Go's "
                        "archive/tar, which docker load reads with, sees "
                        "it): %s",
                        (unsigned long long)gotar_error_offset(r->g),
                        gotar_error(r->g));
        }
        if (gotar_ended(r->g))
            return true;
        uint64_t skip = gotar_skippable(r->g);
        if (!skip) {
            if (!feed_header(r))
                return false;
            continue;
        }
        /* Padding after a member's data (its data was read with it). */
        size_t want = skip < INPUT_CHUNK ? (size_t)skip : INPUT_CHUNK;
        ssize_t n = input_fill(r, r->scratch, want);
        if (n < 0)
            return false;
        consumed(r, (uint64_t)n);
        if ((size_t)n < want)
            gotar_finish(r->g);
    }
}

/* After the end of the archive: what the writer still sends (padding to
 * a record, a compressed stream's end) is read and dropped, up to a
 * bound, so that it does not fail writing to a closed pipe. */
static void drain(reader *r)
{
    uint64_t left = STREAM_MAX_TRAILER;
    while (left) {
        size_t want = left < INPUT_CHUNK ? (size_t)left : INPUT_CHUNK;
        ssize_t n = input_read(r, r->scratch, want);
        if (n <= 0)
            break;
        left -= (uint64_t)n;
    }
}

bool instream_read(arena *a, int fd, const instream_options *o,
                   img_source *src, const char **err)
{
    memset(src, 0, sizeof(*src));
    src->fd = -1;
    src->kind = SOURCE_STREAM;
    instream *s = xcalloc(1, sizeof(*s));
    s->verify = o->scan->verify;
    s->cfg = o->cfg;
    reader r = {.a = a, .fd = fd, .o = o, .s = s};
#ifdef F_SETPIPE_SZ
    fcntl(fd, F_SETPIPE_SZ, (int)PIPE_BUFFER); /* a pipe, if it is one */
#endif
    r.g = gotar_new();
    r.scratch = xmalloc(INPUT_CHUNK);
    threads_start(&r);
    bool ok = input_start(&r) && read_archive(&r);
    if (ok && r.ix.n == 0)
        ok = fail(&r, "not a tar archive: it holds no member");
    if (ok)
        drain(&r);
    if (r.current) /* stopped inside a layer: its thread must end too */
        bpipe_fail(r.current->pipe, r.err ? r.err : "read error");
    threads_stop(&r);
    gotar_free(r.g);
    decoder_free(r.dec);
    free(r.buf);
    free(r.scratch);
    if (!ok) {
        *err = r.err ? r.err : "read error";
        instream_free(s);
        return false;
    }
    tar_index_sort(&r.ix);
    src->index = r.ix;
    src->stream = s;
    return true;
}

/* ------------------------------------------------------------- results */

static stream_entry *entry_at(instream *s, uint64_t offset)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->entries[mid].offset < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->entries[lo].offset == offset ? &s->entries[lo]
                                                        : NULL;
}

bool instream_json(instream *s, uint64_t offset, char **data,
                   const char **err)
{
    stream_entry *e = s ? entry_at(s, offset) : NULL;
    if (!e || !e->json) {
        *err = "not a JSON document (it was read as a layer)";
        return false;
    }
    *data = e->json;
    return true;
}

/* A document kept in memory that a manifest lists as a layer: scanned
 * from there. */
static void scan_kept(instream *s, stream_entry *e, layer_worker *w)
{
    byte_pipe *p = bpipe_new(1, e->json_len ? e->json_len : 1);
    bpipe_write(p, e->json, e->json_len);
    bpipe_close(p);
    e->result = xmalloc(sizeof(layer_result));
    layer_result_init(e->result, s->cfg);
    layer_input in = {
        .pipe = p,
        .digest = named_by_blob(e->name) ? NULL : algorithm_of(e->name),
        .of_content = true,
    };
    layer_scan(w, &in, e->result);
    bpipe_free(p);
    if (s->verify && !e->result->error) {
        hasher *h = hasher_new(algorithm_of(e->name));
        hasher_update(h, e->json, e->json_len);
        hasher_final(h, e->result->digest);
        hasher_free(h);
    }
}

stream_blob instream_blob(instream *s, uint64_t offset, layer_worker *w)
{
    stream_blob b = {.why = "not in the stream"};
    stream_entry *e = s ? entry_at(s, offset) : NULL;
    if (!e)
        return b;
    if (!e->result && e->json)
        scan_kept(s, e, w);
    b.result = e->result;
    b.why = e->why ? e->why : "not scanned";
    return b;
}

void instream_free(instream *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        stream_entry *e = &s->entries[i];
        free(e->json);
        if (e->result) {
            layer_result_free(e->result);
            free(e->result);
        }
    }
    free(s->entries);
    free(s);
}
