/*
 * Source text and positions.
 *
 * A `source` is one input file held in memory. Parsers build derived texts
 * (a Dockerfile instruction joined from continuation lines, a shell script
 * rebuilt from a RUN and its heredocs, the string given to `sh -c`) and keep
 * a `srcmap` from each derived text back to byte offsets of the source, so
 * every finding can point at the exact line and column of its token.
 */
#ifndef BOSUN_UTIL_SOURCE_H
#define BOSUN_UTIL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

typedef struct source {
    const char *name;  /* as reported (the path given on the command line) */
    const char *data;  /* the bytes; not necessarily NUL-terminated */
    size_t len;
    uint32_t *line_starts; /* byte offset of each line's first byte */
    uint32_t nlines;
} source;

typedef struct src_pos {
    uint32_t line; /* 1-based */
    uint32_t col;  /* 1-based, in Unicode code points */
} src_pos;

/* Index the line starts of `data` (which must outlive the source). */
void source_init(source *src, arena *a, const char *name, const char *data,
                 size_t len);
src_pos source_position(const source *src, size_t offset);
/* 1-based line number holding `offset`. */
uint32_t source_line_of(const source *src, size_t offset);
/* The bytes of line `line` (1-based) without its line terminator. */
const char *source_line_text(const source *src, uint32_t line, size_t *len);

/*
 * A srcmap maps offsets of a derived text to offsets in the source. It is a
 * sorted list of segments; inside a segment the mapping is a translation.
 */
typedef struct srcmap_seg {
    uint32_t dst; /* first offset of the segment in the derived text */
    uint32_t src; /* the source offset it maps to */
} srcmap_seg;

typedef struct srcmap {
    srcmap_seg *segs;
    size_t n, cap;
} srcmap;

/* Declare that derived offset `dst` maps to source offset `src`; adds a
 * segment only where the translation changes. Calls must come with
 * non-decreasing `dst`. */
void srcmap_add(srcmap *m, arena *a, size_t dst, size_t src);
/* Map a derived offset (identity when the map is NULL or empty). */
size_t srcmap_lookup(const srcmap *m, size_t dst);
/*
 * srcmap_lookup for callers whose offsets mostly grow (a parser walking its
 * text): `*hint` holds the index of the segment found last (start it at 0)
 * and is updated. The result is srcmap_lookup's for any hint; a hint that is
 * wrong only costs a search, a right one makes the lookup constant time.
 */
size_t srcmap_lookup_hint(const srcmap *m, size_t dst, size_t *hint);
/* Compose: the result maps offsets of the text that `inner` maps into
 * `outer`'s derived text straight to source offsets. */
srcmap *srcmap_compose(arena *a, const srcmap *inner, size_t inner_len,
                       const srcmap *outer);

#endif
