/*
 * The client's parts, shared between client.c (the API), transfer.c (one
 * GET or POST with retries, redirects and resumes over libcurl), auth.c
 * (challenges and tokens), tls.c (certificates) and errors.c (messages).
 */
#ifndef BOSUN_REGISTRY_CLIENT_INTERNAL_H
#define BOSUN_REGISTRY_CLIENT_INTERNAL_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "registry/creds.h"
#include "registry/msg.h"
#include "registry/registry.h"
#include "registry/www_auth.h"
#include "util/strbuf.h"

/* ---- TLS (tls.c) ---- */

typedef struct tls_config {
    void **cas;          /* X509 *: extra certificate authorities (*.crt) */
    size_t ncas;
    char *client_cert;   /* *.cert and its *.key, or NULL */
    char *client_key;
} tls_config;

/* The certs.d directory for `hostport`: `cert_dir` itself when given, else
 * the first of ~/.config/containers/certs.d/HOSTPORT,
 * /etc/containers/certs.d/HOSTPORT, /etc/docker/certs.d/HOSTPORT that
 * exists. False with *err (malloc'd) for an unreadable or inconsistent one. */
bool tls_config_load(tls_config *t, const char *cert_dir, const char *hostport,
                     char **err);
void tls_config_free(tls_config *t);
/* Set the TLS options of a request. */
CURLcode tls_apply(CURL *h, const tls_config *t, bool verify);

/* ---- the client ---- */

/* Defaults of reg_options. */
#define REG_CONNECT_TIMEOUT_MS 30000u
#define REG_STALL_TIMEOUT_MS 60000u
#define REG_MAX_RETRIES 5u
/* Longest wait a Retry-After may ask for. */
#define REG_RETRY_AFTER_MAX_MS 60000u
/* Backoff: first delay and cap, before jitter. */
#define REG_BACKOFF_FIRST_MS 500u
#define REG_BACKOFF_MAX_MS 30000u
/* Redirections followed for one request. */
#define REG_MAX_REDIRECTS 10
/* Most of an error body kept for its message, and of a token response. */
#define REG_ERROR_BODY_MAX (64u << 10)
#define REG_TOKEN_BODY_MAX (1u << 20)
/* A token is renewed this long before the server says it expires. */
#define REG_TOKEN_MARGIN_S 10
/* A token without expires_in lasts this long (distribution's minimum). */
#define REG_TOKEN_MIN_S 60

struct reg_client {
    /* Fixed once reg_client_new returns. */
    char *domain;        /* as in the reference, for messages */
    char *path;          /* repository */
    char *host;          /* host[:port] of the API */
    char *base;          /* "https://host" (or http when TLS verification is off) */
    char *scope;         /* "repository:<path>:pull" */
    bool tls_verify;
    unsigned connect_ms, stall_ms, retries;
    char *username, *password, *auth_file; /* copies of the options (wiped) */
    tls_config tls;

    /* DNS and TLS sessions shared between requests (not connections:
     * see client.c). */
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    /* Idle easy handles, for reuse. */
    pthread_mutex_t pool_lock;
    CURL **pool;
    size_t npool, cap_pool;

    /* Authentication, under auth_lock. */
    pthread_mutex_t auth_lock;
    www_auth_kind kind;  /* what the registry asked for */
    char *realm, *service;
    bool creds_loaded;
    reg_creds creds;
    char *auth_header;   /* "Authorization: ..." sent to the registry, or NULL */
    uint64_t auth_gen;   /* bumped whenever auth_header changes */
    long long token_expiry_ms; /* monotonic; 0: does not expire */
};

/* ---- one request (transfer.c) ---- */

typedef struct transfer transfer;
/* Receives the body of a 2xx answer; false to stop (with t->err set, or
 * t->aborted for the consumer's own stop). */
typedef bool (*body_fn)(transfer *t, const uint8_t *p, size_t n);

struct transfer {
    reg_client *c;
    const char *url;          /* absolute */
    const char *accept;       /* Accept header, or NULL */
    /* Credentials: to the registry (its current Authorization, refreshed
     * on 401), or a fixed header sent only to `fixed_origin`'s origin. */
    bool registry_auth;
    const char *fixed_auth;
    const char *fixed_origin;
    const char *post;         /* form body (POST), or NULL: GET */
    size_t post_len;
    bool ping;                /* GET /v2/: a 401 is an answer, not a failure */
    bool no_retry_tls;        /* the first HTTPS try of a plain-HTTP-capable client */
    int64_t limit;            /* most bytes the body may have (-1: none) */
    bool resumable;           /* resume with Range after a drop */
    bool expect_exact;        /* the body must be exactly `limit` bytes */
    body_fn body;
    void (*restart)(transfer *t); /* forget the body (when not resumable) */
    void *ctx;

    /* Results. */
    int64_t delivered;
    long status;              /* of the last answer */
    char *content_type, *docker_digest, *www_auth;
    bool aborted;             /* body() stopped */
    CURLcode curl_code;       /* of a failed attempt */
    char *err;                /* malloc'd message (not yet prefixed) */
};

/* Run `t`: retries on 429, 5xx and dropped connections with backoff,
 * redirects by hand, Range resumes. True for a 2xx answer (and a 401 with
 * t->ping). False with t->err or t->aborted. */
bool transfer_run(transfer *t);
void transfer_cleanup(transfer *t);

/* Handles (pooled per client). */
CURL *client_handle(reg_client *c);
void client_release(reg_client *c, CURL *h);

/* ---- authentication (auth.c) ---- */

/* The Authorization header for the registry now (malloc'd, wiped by the
 * caller with wipe_free_str) and its generation; NULL when none. Fetches
 * a token first when the registry wants one and there is none valid. */
bool auth_current(reg_client *c, char **header, uint64_t *gen, char **err);
/* The registry answered 401 to a request made with generation `gen`:
 * learn the challenge and get new credentials. False with *err when there
 * is nothing more to try. */
bool auth_refresh(reg_client *c, uint64_t gen, const char *www_auth, char **err);
/* Learn the challenge of the ping. */
void auth_learn(reg_client *c, const char *www_auth);
void auth_free(reg_client *c);
/* base64("user:password") of Basic credentials (`cr->username` set),
 * malloc'd: the caller wipes it with wipe_free_str. */
char *auth_basic_secret(const reg_creds *cr);
/* Where the credentials came from, or that there were none, to explain a
 * refusal ("no credentials found"), malloc'd. */
char *auth_hint(reg_client *c);

/* ---- messages (errors.c) ---- */

/* "<domain>: <what>: <why>", control characters escaped, secrets the
 * client knows replaced, capped in length. Takes `why` (malloc'd). */
char *reg_error(reg_client *c, const char *what, char *why);
/* The registry's error codes in an error body ("NAME_UNKNOWN: repository
 * name not known to registry"), malloc'd, or NULL. */
char *reg_error_codes(const char *body, size_t len);

long long reg_now_ms(void);

#endif
