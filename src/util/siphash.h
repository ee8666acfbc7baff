/*
 * SipHash-2-4 with a 128-bit output (Aumasson and Bernstein, "SipHash: a
 * fast short-input PRF"): a keyed hash of short strings. Without the key,
 * nobody can compute it, so nobody can precompute two strings whose hashes
 * collide; bosun keys it with random bytes for each scan.
 */
#ifndef BOSUN_UTIL_SIPHASH_H
#define BOSUN_UTIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct sip_key {
    uint64_t k0, k1;           /* the 16 key bytes, read little-endian */
} sip_key;

/* The two 64-bit words of the output: the reference implementation writes
 * first, then second, each little-endian. */
typedef struct sip128 {
    uint64_t first, second;
} sip128;

sip128 siphash128(const sip_key *key, const void *data, size_t len);

/* The same over data given in pieces; sip_stream_final() leaves the stream
 * as it is, so the hashes of a string's prefixes cost one pass over it
 * (a copy of the stream is 48 bytes). */
typedef struct sip_stream {
    uint64_t v0, v1, v2, v3;
    uint64_t tail;             /* the bytes not yet compressed (< 8) */
    size_t len;                /* every byte given */
} sip_stream;

void sip_stream_init(sip_stream *s, const sip_key *key);
void sip_stream_update(sip_stream *s, const void *data, size_t len);
sip128 sip_stream_final(const sip_stream *s);

#endif
