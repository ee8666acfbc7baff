/*
 * A client for the registry HTTP API (the OCI distribution specification,
 * Docker Registry v2): references, manifests and blobs, with Docker's and
 * the containers tools' authentication and TLS configuration. It knows
 * nothing about layers: the image side reads what it fetches.
 *
 * The client is synchronous and callback-based; threads and buffering are
 * the caller's business. Errors (`char **err`, malloc'd, the caller frees)
 * are one line: "<registry>: <what>: <why>", with the HTTP status and the
 * registry's error codes when there are some. They never contain a
 * credential or a token, and control characters in them are escaped.
 */
#ifndef BOSUN_REGISTRY_REGISTRY_H
#define BOSUN_REGISTRY_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/digest.h"
#include "util/arena.h"

typedef struct reg_ref {            /* a normalised reference (distribution grammar) */
    const char *domain;             /* "docker.io", "ghcr.io", "127.0.0.1:5000" */
    const char *path;               /* "library/alpine" */
    const char *tag;                /* NULL when none */
    const char *digest;             /* "sha256:..." or NULL */
} reg_ref;
/* Parse `s` ("alpine:3.20", "ghcr.io/org/app@sha256:...", without "docker://").
 * Strings live in `a`. False with a one-line reason in *err (static or in a).
 * A reference may have a tag and a digest; the digest is what identifies
 * the manifest then (the tag is only kept for display). */
bool reg_ref_parse(arena *a, const char *s, reg_ref *out, const char **err);
/* "docker.io/library/alpine:3.20@sha256:..." */
const char *reg_ref_string(arena *a, const reg_ref *r);

typedef struct reg_options {
    bool tls_verify;                /* default true; false: plain HTTP and unverified TLS */
    const char *cert_dir;           /* containers certs.d layout, or NULL (then the
                                       first of ~/.config/containers/certs.d/HOST,
                                       /etc/containers/certs.d/HOST and
                                       /etc/docker/certs.d/HOST that exists) */
    const char *username, *password;/* explicit credentials, or NULL (then the auth files) */
    const char *auth_file;          /* --authfile, or NULL: $REGISTRY_AUTH_FILE, else
                                       ${XDG_RUNTIME_DIR}/containers/auth.json, then
                                       ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json,
                                       then $DOCKER_CONFIG/config.json or
                                       ~/.docker/config.json (registry/creds.h) */
    unsigned connect_timeout_ms;    /* 0: default 30 s */
    unsigned stall_timeout_ms;      /* no byte for this long: the transfer fails and is
                                       retried; 0: default 60 s. In fact: under one byte
                                       a second for that long, in whole seconds
                                       (rounded up), libcurl's low-speed check */
    unsigned max_retries;           /* 0: default 5 */
} reg_options;
/* The defaults: a zeroed reg_options has tls_verify false, so start from this. */
#define REG_OPTIONS_INIT {.tls_verify = true}

typedef struct reg_client reg_client;
/* One client per repository. Thread-safe: several threads may fetch at once.
 * Contacts the registry (GET /v2/) to learn its scheme and authentication;
 * NULL with *err when it cannot be reached. The options' strings are copied. */
reg_client *reg_client_new(const reg_ref *ref, const reg_options *o, char **err);
void reg_client_free(reg_client *c);

/* A manifest by tag or digest ("3.20" or "sha256:..."), at most `max` bytes, with the
 * Accept header for OCI and Docker schema 2 manifests and indexes. Fills the bytes
 * (malloc'd, NUL-terminated; caller frees), the media type (malloc'd) and the digest of
 * the bytes; checks the digest when `reference` is one, and Docker-Content-Digest when
 * the registry sends it. Schema 1 is refused with a message saying so.
 * The media type is the response's Content-Type without parameters; when that is
 * missing or generic ("application/json", "text/plain"), the manifest's own
 * "mediaType" field, else "". The digest is sha256 unless `reference` is a
 * digest of another algorithm. */
bool reg_get_manifest(reg_client *c, const char *reference, size_t max,
                      char **data, size_t *len, char **media_type,
                      char digest[DIGEST_MAX + 1], char **err);
/* A small blob (a config) in memory, at most `max` bytes, digest checked. */
bool reg_get_blob(reg_client *c, const char *digest, size_t max,
                  char **data, size_t *len, char **err);

/* Stream a blob: `fn` is called with consecutive pieces, each byte exactly once and in
 * order, whatever retries and resumes happen underneath (a resume with Range continues
 * at the next byte; when the server cannot resume after bytes were delivered, the fetch
 * fails). `fn` returns false to abort. The client does NOT hash: the caller does.
 * `size` is the descriptor's size (-1 unknown): more bytes than that is an error.
 * Fewer bytes than `size` when the server ends the body is treated as a dropped
 * connection (resumed). When `fn` aborts, the error says "aborted". */
typedef bool (*reg_piece_fn)(void *ctx, const uint8_t *p, size_t n);
bool reg_fetch_blob(reg_client *c, const char *digest, int64_t size,
                    reg_piece_fn fn, void *ctx, char **err);

#endif
