/*
 * One request to a registry (or its token server, or wherever it
 * redirects), made robust:
 *
 * - Redirections are followed here, not by libcurl: the registry's
 *   Authorization goes only to the registry's own scheme, host and port
 *   (blob storage is often elsewhere), and HTTPS is never downgraded to
 *   HTTP while TLS is verified.
 * - 429, 5xx (but 501 and 505), dropped connections and stalls are
 *   retried with exponential backoff and jitter; Retry-After is honoured
 *   up to a cap.
 * - A body that broke off is resumed with "Range: bytes=N-", so the
 *   consumer sees every byte once, in order. A server that answers the
 *   Range with the whole body again cannot resume: the request fails
 *   rather than deliver bytes twice.
 * - The body is bounded: by Content-Length before it is read, and by
 *   counting while it is.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "registry/client_internal.h"
#include "registry/jscan.h"
#include "util/xalloc.h"

#ifndef BOSUN_VERSION
#define BOSUN_VERSION "0"
#endif

/* Longest header value kept, and longest WWW-Authenticate list. */
#define HEADER_MAX 8192
#define WWW_AUTH_MAX 16384
/* A retry after an attempt that delivered this much does not count
 * against max_retries: a long download on a flaky link keeps going. */
#define PROGRESS_RESETS_RETRIES (1 << 20)
/* libcurl's receive buffer, the most one piece of a body has. */
#define REG_PIECE_SIZE (256 * 1024)

typedef enum stop {
    STOP_NONE,
    STOP_OVER_LIMIT,     /* more bytes than allowed */
    STOP_ABORTED,        /* the consumer said stop */
    STOP_BODY_ERROR,     /* the consumer failed (t->err) */
    STOP_CANNOT_RESUME,  /* a 200 answered our Range */
    STOP_BAD_RANGE,      /* a 206 that does not start where we asked */
    STOP_COLLECTED,      /* an error body reached its cap: enough read */
} stop;

typedef enum body_mode { BODY_DELIVER, BODY_COLLECT } body_mode;

/* One HTTP exchange: request and answer. */
typedef struct exchange {
    transfer *t;
    long status;
    bool headers_done;
    body_mode mode;
    stop stop;
    int64_t content_length;
    char *location, *content_type, *docker_digest, *retry_after, *content_range;
    strbuf www_auth;
    strbuf body;         /* of a non-2xx answer, capped */
    uint64_t auth_gen;   /* generation of the registry credentials sent */
    bool sent_registry_auth;
    CURLcode code;
    char errbuf[CURL_ERROR_SIZE];
} exchange;

static void exchange_init(exchange *e, transfer *t)
{
    memset(e, 0, sizeof(*e));
    e->t = t;
    e->content_length = -1;
    sb_init(&e->www_auth);
    sb_init(&e->body);
}

static void reset_headers(exchange *e)
{
    free(e->location);
    free(e->content_type);
    free(e->docker_digest);
    free(e->retry_after);
    free(e->content_range);
    e->location = e->content_type = e->docker_digest = e->retry_after = NULL;
    e->content_range = NULL;
    e->content_length = -1;
    sb_reset(&e->www_auth);
    e->headers_done = false;
}

static void exchange_free(exchange *e)
{
    reset_headers(e);
    sb_free(&e->www_auth);
    sb_free(&e->body);
}

/* ---- answer headers ---- */

static bool header_is(const char *line, size_t n, const char *name, const char **value,
                      size_t *vlen)
{
    size_t k = strlen(name);
    if (n <= k || line[k] != ':' || strncasecmp(line, name, k) != 0)
        return false;
    const char *v = line + k + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' ||
                       end[-1] == '\t'))
        end--;
    *value = v;
    *vlen = (size_t)(end - v);
    return true;
}

static void keep(char **slot, const char *v, size_t n)
{
    free(*slot);
    *slot = xstrndup(v, n > HEADER_MAX ? HEADER_MAX : n);
}

/* "bytes START-END/TOTAL": START, or -1. */
static int64_t range_start(const char *s)
{
    if (!s || strncasecmp(s, "bytes ", 6) != 0)
        return -1;
    s += 6;
    int64_t v = 0;
    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return *s == '-' ? v : -1;
}

static int64_t parse_length(const char *v, size_t n)
{
    int64_t x = 0;
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9' || x > (INT64_MAX - 9) / 10)
            return -1;
        x = x * 10 + (v[i] - '0');
    }
    return x;
}

/* The headers are all in: decide what the body is for. */
static bool headers_complete(exchange *e)
{
    transfer *t = e->t;
    e->headers_done = true;
    if (e->status < 200 || e->status > 299) {
        e->mode = BODY_COLLECT;
        return true;
    }
    e->mode = BODY_DELIVER;
    if (e->status == 206) {
        if (range_start(e->content_range) != t->delivered) {
            e->stop = STOP_BAD_RANGE;
            return false;
        }
    } else if (t->delivered > 0) {
        e->stop = STOP_CANNOT_RESUME;
        return false;
    }
    if (t->limit >= 0 && e->content_length >= 0 &&
        e->content_length > t->limit - t->delivered) {
        e->stop = STOP_OVER_LIMIT;
        return false;
    }
    return true;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
    exchange *e = ud;
    size_t n = size * nitems;
    const char *v;
    size_t vlen;
    if (n >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
        reset_headers(e);
        const char *sp = memchr(buf, ' ', n);
        e->status = 0;
        for (const char *p = sp ? sp + 1 : buf + n; p < buf + n && *p >= '0' && *p <= '9'; p++)
            if (e->status < 1000)
                e->status = e->status * 10 + (*p - '0');
    } else if (e->headers_done) {
        /* Trailers after a chunked body: not ours to read. */
    } else if (n <= 2 && (buf[0] == '\r' || buf[0] == '\n')) {
        if (e->status >= 200 && !headers_complete(e))
            return 0;
    } else if (header_is(buf, n, "Location", &v, &vlen)) {
        keep(&e->location, v, vlen);
    } else if (header_is(buf, n, "Content-Type", &v, &vlen)) {
        keep(&e->content_type, v, vlen);
    } else if (header_is(buf, n, "Docker-Content-Digest", &v, &vlen)) {
        keep(&e->docker_digest, v, vlen);
    } else if (header_is(buf, n, "Retry-After", &v, &vlen)) {
        keep(&e->retry_after, v, vlen);
    } else if (header_is(buf, n, "Content-Range", &v, &vlen)) {
        keep(&e->content_range, v, vlen);
    } else if (header_is(buf, n, "Content-Length", &v, &vlen)) {
        e->content_length = parse_length(v, vlen);
    } else if (header_is(buf, n, "WWW-Authenticate", &v, &vlen)) {
        /* Several headers are one comma-separated list. */
        if (e->www_auth.len + vlen + 2 <= WWW_AUTH_MAX) {
            if (e->www_auth.len)
                sb_puts(&e->www_auth, ", ");
            sb_append(&e->www_auth, v, vlen);
        }
    }
    return n;
}

static size_t on_body(char *p, size_t size, size_t nitems, void *ud)
{
    exchange *e = ud;
    transfer *t = e->t;
    size_t n = size * nitems;
    if (!e->headers_done)
        return 0;
    if (e->mode == BODY_COLLECT) {
        size_t room = REG_ERROR_BODY_MAX - e->body.len;
        if (n > room) {
            sb_append(&e->body, p, room);
            e->stop = STOP_COLLECTED;
            return 0;
        }
        sb_append(&e->body, p, n);
        return n;
    }
    if (t->limit >= 0 && (int64_t)n > t->limit - t->delivered) {
        e->stop = STOP_OVER_LIMIT;
        return 0;
    }
    if (!t->body(t, (const uint8_t *)p, n)) {
        e->stop = t->err ? STOP_BODY_ERROR : STOP_ABORTED;
        return 0;
    }
    t->delivered += (int64_t)n;
    return n;
}

/* ---- URLs ---- */

typedef struct origin {
    char *scheme, *host, *port;
} origin;

static bool origin_of(const char *url, origin *o)
{
    memset(o, 0, sizeof(*o));
    CURLU *u = curl_url();
    bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &o->scheme, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &o->host, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_PORT, &o->port, CURLU_DEFAULT_PORT) == CURLUE_OK;
    curl_url_cleanup(u);
    return ok;
}

static void origin_free(origin *o)
{
    curl_free(o->scheme);
    curl_free(o->host);
    curl_free(o->port);
}

static bool same_origin(const char *a, const char *b)
{
    origin x, y;
    bool ok = origin_of(a, &x) && origin_of(b, &y);
    bool same = ok && strcasecmp(x.scheme, y.scheme) == 0 &&
                strcasecmp(x.host, y.host) == 0 && strcmp(x.port, y.port) == 0;
    origin_free(&x);
    if (ok)
        origin_free(&y);
    return same;
}

/* `location` resolved against `base`, malloc'd; NULL when it is not an
 * http(s) URL or would leave HTTPS while TLS is verified. */
static char *redirect_target(const transfer *t, const char *base, const char *location,
                             char **why)
{
    CURLU *u = curl_url();
    char *out = NULL, *scheme = NULL;
    if (!u || curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
        curl_url_set(u, CURLUPART_URL, location, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK) {
        *why = xstrdup("redirected to a malformed URL");
    } else if (strcasecmp(scheme, "https") != 0 && strcasecmp(scheme, "http") != 0) {
        *why = xstrdup("redirected to a URL that is not HTTP");
    } else if (strcasecmp(scheme, "http") == 0 && t->c->tls_verify &&
               strncasecmp(base, "https:", 6) == 0) {
        *why = xstrdup("redirected from HTTPS to plain HTTP (allowed only when TLS "
                       "verification is off)");
    } else {
        char *copy = xstrdup(out);
        curl_free(out);
        curl_free(scheme);
        curl_url_cleanup(u);
        return copy;
    }
    curl_free(out);
    curl_free(scheme);
    curl_url_cleanup(u);
    return NULL;
}

/* ---- one exchange ---- */

static void wipe_slist(struct curl_slist *l)
{
    for (struct curl_slist *p = l; p; p = p->next)
        explicit_bzero(p->data, strlen(p->data));
    curl_slist_free_all(l);
}

static int stall_seconds(unsigned ms)
{
    return (int)((ms + 999) / 1000);
}

/* Send the request to `url`; the answer lands in `e`. False with *why when
 * the request could not even be made (credentials). */
static bool exchange_run(exchange *e, const char *url, const char *post, size_t post_len,
                         char **why)
{
    transfer *t = e->t;
    reg_client *c = t->c;
    struct curl_slist *h = NULL;
    char *auth = NULL;
    if (t->registry_auth && same_origin(url, c->base)) {
        if (!auth_current(c, &auth, &e->auth_gen, why))
            return false;
        e->sent_registry_auth = true;
    } else if (t->fixed_auth && same_origin(url, t->fixed_origin)) {
        auth = xstrdup(t->fixed_auth);
    }
    if (auth)
        h = curl_slist_append(h, auth);
    wipe_free_str(auth);
    if (t->accept) {
        char *accept = xasprintf("Accept: %s", t->accept);
        h = curl_slist_append(h, accept);
        free(accept);
    }
    if (t->resumable && t->delivered > 0) {
        char range[64];
        snprintf(range, sizeof(range), "Range: bytes=%lld-", (long long)t->delivered);
        h = curl_slist_append(h, range);
    }

    CURL *ch = client_handle(c);
    curl_easy_setopt(ch, CURLOPT_URL, url);
    curl_easy_setopt(ch, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(ch, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(ch, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(ch, CURLOPT_USERAGENT, "bosun/" BOSUN_VERSION);
    curl_easy_setopt(ch, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(ch, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_ms);
    /* No byte for the stall time: libcurl's unit is the second. */
    curl_easy_setopt(ch, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(ch, CURLOPT_LOW_SPEED_TIME, (long)stall_seconds(c->stall_ms));
    curl_easy_setopt(ch, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(ch, CURLOPT_HEADERDATA, e);
    curl_easy_setopt(ch, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(ch, CURLOPT_WRITEDATA, e);
    curl_easy_setopt(ch, CURLOPT_ERRORBUFFER, e->errbuf);
    /* Larger pieces: fewer calls into the consumer for a layer. */
    curl_easy_setopt(ch, CURLOPT_BUFFERSIZE, (long)REG_PIECE_SIZE);
    if (post) {
        curl_easy_setopt(ch, CURLOPT_POSTFIELDSIZE, (long)post_len);
        curl_easy_setopt(ch, CURLOPT_POSTFIELDS, post);
    }
    CURLcode tr = tls_apply(ch, &c->tls, c->tls_verify);
    e->code = tr == CURLE_OK ? curl_easy_perform(ch) : tr;
    curl_easy_setopt(ch, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(ch, CURLOPT_POSTFIELDS, NULL);
    client_release(c, ch);
    wipe_slist(h);
    return true;
}

/* ---- outcomes ---- */

typedef enum outcome {
    DONE,        /* a 2xx (or the ping's 401) */
    FAILED,      /* t->err or t->aborted */
    AGAIN,       /* credentials renewed: try at once */
    RETRY,       /* transient: back off and try again */
} outcome;

static bool retryable_curl(CURLcode code)
{
    switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

static bool retryable_status(long status)
{
    return status == 429 || (status >= 500 && status <= 599 && status != 501 &&
                             status != 505);
}

static char *curl_failure(const exchange *e)
{
    const char *detail = e->errbuf[0] ? e->errbuf : curl_easy_strerror(e->code);
    if (e->code == CURLE_OPERATION_TIMEDOUT)
        return xasprintf("timed out (%s)", detail);
    return xasprintf("%s", detail);
}

static char *status_failure(const exchange *e)
{
    char *codes = reg_error_codes(e->body.data, e->body.len);
    char *msg = codes ? xasprintf("HTTP %ld (%s)", e->status, codes)
                      : xasprintf("HTTP %ld", e->status);
    free(codes);
    return msg;
}

/* Retry-After: delay-seconds or an HTTP date; -1 when absent or unreadable. */
static long long retry_after_ms(const char *v)
{
    if (!v || !*v)
        return -1;
    if (strspn(v, "0123456789") == strlen(v)) {
        if (strlen(v) > 9)
            return REG_RETRY_AFTER_MAX_MS;
        return atoll(v) * 1000;
    }
    time_t when = curl_getdate(v, NULL);
    if (when < 0)
        return -1;
    time_t now = time(NULL);
    return when <= now ? 0 : (long long)(when - now) * 1000;
}

static void move_results(transfer *t, exchange *e)
{
    t->status = e->status;
    free(t->content_type);
    free(t->docker_digest);
    free(t->www_auth);
    t->content_type = e->content_type;
    t->docker_digest = e->docker_digest;
    t->www_auth = e->www_auth.len ? xstrdup(e->www_auth.data) : NULL;
    e->content_type = e->docker_digest = NULL;
}

/* What one exchange's answer means. */
static outcome judge(transfer *t, exchange *e, int *auth_rounds, long long *wait_ms,
                     char **why)
{
    switch (e->stop) {
    case STOP_ABORTED:
        t->aborted = true;
        *why = xstrdup("aborted");
        return FAILED;
    case STOP_BODY_ERROR:
        *why = t->err;
        t->err = NULL;
        return FAILED;
    case STOP_OVER_LIMIT:
        *why = t->expect_exact
                   ? xasprintf("more bytes than its size, %lld", (long long)t->limit)
                   : xasprintf("larger than %lld bytes, the most allowed", (long long)t->limit);
        return FAILED;
    case STOP_CANNOT_RESUME:
        *why = xasprintf("the connection broke after %lld bytes and the server cannot "
                         "resume (it answered the range request with the whole body)",
                         (long long)t->delivered);
        return FAILED;
    case STOP_BAD_RANGE:
        *why = xasprintf("the server resumed at the wrong offset (asked for byte %lld)",
                         (long long)t->delivered);
        return FAILED;
    case STOP_NONE:
    case STOP_COLLECTED:
        break;
    }
    bool complete = e->code == CURLE_OK || e->stop == STOP_COLLECTED;
    if (!e->headers_done || (e->mode == BODY_DELIVER && !complete)) {
        /* No answer, or the body broke off. */
        *why = curl_failure(e);
        t->curl_code = e->code;
        if (t->no_retry_tls || !retryable_curl(e->code))
            return FAILED;
        return RETRY;
    }
    if (e->status >= 200 && e->status <= 299) {
        if (t->expect_exact && t->delivered < t->limit) {
            *why = xasprintf("the body ended after %lld of %lld bytes",
                             (long long)t->delivered, (long long)t->limit);
            return RETRY;
        }
        move_results(t, e);
        return DONE;
    }
    if (e->status == 401 && t->ping) {
        move_results(t, e);
        return DONE;
    }
    if (e->status == 401 && e->sent_registry_auth && *auth_rounds < 2) {
        (*auth_rounds)++;
        if (!auth_refresh(t->c, e->auth_gen, e->www_auth.data, why)) {
            char *status = status_failure(e);
            char *both = xasprintf("%s: %s", status, *why);
            free(status);
            free(*why);
            *why = both;
            return FAILED;
        }
        return AGAIN;
    }
    *why = status_failure(e);
    t->status = e->status;
    if (retryable_status(e->status)) {
        long long ra = e->status == 429 || e->status == 503 ? retry_after_ms(e->retry_after) : -1;
        if (ra >= 0)
            *wait_ms = ra > REG_RETRY_AFTER_MAX_MS ? REG_RETRY_AFTER_MAX_MS : ra;
        return RETRY;
    }
    return FAILED;
}

static bool is_redirect(long status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 ||
           status == 308;
}

/* One attempt: a request and the redirections it leads to. */
static outcome attempt(transfer *t, int *auth_rounds, long long *wait_ms, char **why)
{
    char *url = xstrdup(t->url);
    const char *post = t->post;
    outcome o = FAILED;
    for (int hops = 0;; hops++) {
        exchange e;
        exchange_init(&e, t);
        if (!exchange_run(&e, url, post, t->post_len, why)) {
            exchange_free(&e);
            break;
        }
        bool redirect = e.headers_done && is_redirect(e.status) && e.location &&
                        (e.code == CURLE_OK || e.stop == STOP_COLLECTED);
        if (!redirect) {
            o = judge(t, &e, auth_rounds, wait_ms, why);
            exchange_free(&e);
            break;
        }
        if (hops == REG_MAX_REDIRECTS) {
            *why = xstrdup("too many redirections");
            exchange_free(&e);
            break;
        }
        char *next = redirect_target(t, url, e.location, why);
        if (e.status == 303)
            post = NULL;
        exchange_free(&e);
        free(url);
        url = next;
        if (!url)
            break;
    }
    free(url);
    return o;
}

static void sleep_ms(long long ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Exponential backoff with jitter: half the delay fixed, half random, so
 * that clients that failed together do not retry together. */
static long long backoff_ms(unsigned failures)
{
    unsigned long long d = REG_BACKOFF_FIRST_MS;
    for (unsigned i = 1; i < failures && d < REG_BACKOFF_MAX_MS; i++)
        d *= 2;
    if (d > REG_BACKOFF_MAX_MS)
        d = REG_BACKOFF_MAX_MS;
    return (long long)(d / 2 + arc4random_uniform((uint32_t)(d / 2) + 1));
}

bool transfer_run(transfer *t)
{
    unsigned failures = 0;
    int auth_rounds = 0;
    for (;;) {
        if (!t->resumable && t->delivered > 0) {
            /* An in-memory body starts again from its first byte. */
            t->delivered = 0;
            t->restart(t);
        }
        int64_t before = t->delivered;
        long long wait = -1;
        char *why = NULL;
        outcome o = attempt(t, &auth_rounds, &wait, &why);
        if (o == DONE) {
            free(why);
            return true;
        }
        if (o == FAILED) {
            free(t->err);
            t->err = why ? why : xstrdup("failed");
            return false;
        }
        if (o == AGAIN) {
            free(why);
            continue;
        }
        if (t->delivered - before >= PROGRESS_RESETS_RETRIES)
            failures = 0;
        if (failures >= t->c->retries) {
            free(t->err);
            t->err = xasprintf("%s (gave up after %u attempts)", why, failures + 1);
            free(why);
            return false;
        }
        failures++;
        free(why);
        sleep_ms(wait >= 0 ? wait : backoff_ms(failures));
    }
}

void transfer_cleanup(transfer *t)
{
    free(t->content_type);
    free(t->docker_digest);
    free(t->www_auth);
    free(t->err);
    t->content_type = t->docker_digest = t->www_auth = t->err = NULL;
}
