/*
 * Private keys that are not secret: test vectors that libraries compile
 * in for their self-tests, published with their source and shipped by
 * every image of a distribution (GnuTLS's, in Debian's libgnutls30, which
 * apt needs). A key block is recognised by a fingerprint of its first
 * bytes, so a key is only excused for being this very key, never for
 * where it is.
 */
#ifndef BOSUN_IMAGE_TESTKEYS_H
#define BOSUN_IMAGE_TESTKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is the key block whose text follows its BEGIN line (p[0..n)) one of the
 * known public test keys? */
bool testkey_is_public(const uint8_t *p, size_t n);

#endif
