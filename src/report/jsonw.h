/*
 * A streaming JSON writer for reports. Findings are written once, in
 * order, so building a document tree first (as a DOM library does) would
 * only cost time; this writes straight to the stream, with indentation,
 * and guarantees valid UTF-8 output whatever bytes the strings hold.
 */
#ifndef BOSUN_REPORT_JSONW_H
#define BOSUN_REPORT_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define JSONW_MAX_DEPTH 32

#define JSONW_BUFFER (64 * 1024)

typedef struct jsonw {
    FILE *out;
    char buf[JSONW_BUFFER]; /* written to `out` when full */
    size_t len;
    bool failed;
    int depth;
    bool has_items[JSONW_MAX_DEPTH]; /* per level: an item was written */
    bool after_key;
} jsonw;

void jw_init(jsonw *w, FILE *out);
void jw_object_begin(jsonw *w);
void jw_object_end(jsonw *w);
void jw_array_begin(jsonw *w);
void jw_array_end(jsonw *w);
void jw_key(jsonw *w, const char *key);
void jw_string(jsonw *w, const char *s);
void jw_string_n(jsonw *w, const char *s, size_t n);
void jw_int(jsonw *w, long long v);
void jw_bool(jsonw *w, bool v);
void jw_null(jsonw *w);
/* Shorthands: "key": value */
void jw_kv_string(jsonw *w, const char *key, const char *s);
void jw_kv_int(jsonw *w, const char *key, long long v);
/* Ends the document with a newline, flushes and frees the buffer; false if
 * the stream failed. */
bool jw_finish(jsonw *w);

#endif
