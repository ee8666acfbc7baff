/*
 * A small JSON reader for the documents that carry secrets (auth files,
 * credential helpers' answers, token responses) and for registries' error
 * bodies. It walks the document and reports every value with its path, so
 * the caller copies only what it wants; the decoded strings live in one
 * scratch buffer that is wiped before it is freed. A tree library would
 * leave copies of passwords and tokens in freed memory.
 *
 * The syntax is RFC 8259 (one value, nothing after it). Nesting deeper
 * than JSCAN_MAX_DEPTH is refused; memory is one buffer of the document's
 * size.
 */
#ifndef BOSUN_REGISTRY_JSCAN_H
#define BOSUN_REGISTRY_JSCAN_H

#include <stdbool.h>
#include <stddef.h>

#define JSCAN_MAX_DEPTH 16

typedef enum jscan_kind {
    JSCAN_STRING,
    JSCAN_NUMBER,   /* the number's text as written */
    JSCAN_TRUE,
    JSCAN_FALSE,
    JSCAN_NULL,
    JSCAN_OBJECT,   /* reported when it starts (v NULL) */
    JSCAN_ARRAY,    /* likewise */
} jscan_kind;

/* Where a value is: depth 0 is the document itself; level i < depth is the
 * member name (key[i], decoded, key_len[i] bytes) or, in an array
 * (key[i] NULL), the element index[i]. */
typedef struct jscan_path {
    size_t depth;
    const char *key[JSCAN_MAX_DEPTH];
    size_t key_len[JSCAN_MAX_DEPTH];
    size_t index[JSCAN_MAX_DEPTH];
} jscan_path;

/* A value: v[0..n) (a string is decoded and NUL-terminated; it is wiped
 * after the scan, so copy what you keep). */
typedef void (*jscan_fn)(void *ctx, const jscan_path *p, jscan_kind k,
                         const char *v, size_t n);

/* Scan doc[0..len). False with a static reason in *err when it is not
 * JSON (values before the error have been reported). */
bool jscan(const char *doc, size_t len, jscan_fn fn, void *ctx, const char **err);

/* Is level `i` of `p` the member `name`? ASCII case is ignored, as Go's
 * encoding/json matches struct fields. */
bool jscan_field(const jscan_path *p, size_t i, const char *name);
/* Is level `i` of `p` exactly the member `name` (a map key)? */
bool jscan_key(const jscan_path *p, size_t i, const char *name);

/* explicit_bzero() then free(), for buffers that held secrets. */
void wipe_free(void *p, size_t n);
void wipe_free_str(char *s);

#endif
