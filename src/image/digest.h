/*
 * Content digests ("sha256:<hex>", as OCI descriptors and Docker configs
 * write them) and incremental hashing while a blob streams by.
 */
#ifndef BOSUN_IMAGE_DIGEST_H
#define BOSUN_IMAGE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

/* Longest digest text: "sha512:" and 128 hex digits. */
#define DIGEST_MAX 136

/*
 * Checks `s` is "<algorithm>:<lowercase hex>" with an algorithm bosun can
 * compute (sha256, sha512) and the right number of digits. On failure
 * returns false and sets *why.
 */
bool digest_valid(const char *s, const char **why);
/* The hex part of a valid digest. */
const char *digest_hex(const char *digest);

typedef struct hasher hasher;

/* A hasher for the algorithm of `digest` (a valid one). */
hasher *hasher_new(const char *digest);
void hasher_update(hasher *h, const void *data, size_t len);
/* Writes "<algorithm>:<hex>" of everything hashed into out[DIGEST_MAX+1]
 * and starts again. */
void hasher_final(hasher *h, char *out);
void hasher_free(hasher *h);

#endif
