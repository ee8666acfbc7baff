/* Standard base64 (RFC 4648), for Basic credentials and auth files. */
#ifndef BOSUN_REGISTRY_BASE64_H
#define BOSUN_REGISTRY_BASE64_H

#include <stdbool.h>
#include <stddef.h>

/* Encode s[0..n) into a malloc'd, NUL-terminated string. */
char *b64_encode(const void *s, size_t n);
/*
 * Decode s[0..n) into a malloc'd buffer (NUL-terminated, *out_len bytes).
 * Padding may be left out; CR and LF are skipped (as Go's decoder does).
 * NULL when s is not base64. The buffer may hold a secret: wipe it.
 */
char *b64_decode(const char *s, size_t n, size_t *out_len);

#endif
