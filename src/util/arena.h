/*
 * Region allocator.
 *
 * Everything produced while linting one input (parse trees, expanded words,
 * findings' messages) lives in one arena and is released in one call. This
 * keeps ownership trivial ("the arena owns it") and allocation cheap.
 * Allocation failure aborts the process: inputs are size-capped before
 * parsing, so running out of memory is a bug or a hostile environment, not a
 * condition the parsers should thread through every call.
 */
#ifndef BOSUN_UTIL_ARENA_H
#define BOSUN_UTIL_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
    arena_chunk *head;
    size_t bytes_reserved; /* sum of chunk sizes, for accounting */
} arena;

void arena_init(arena *a);
void arena_release(arena *a);

/* Uninitialised, 16-byte aligned. */
void *arena_alloc(arena *a, size_t size);
/* Zeroed. */
void *arena_calloc(arena *a, size_t count, size_t size);
/* Copy of s[0..n) with a terminating NUL. */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
/* printf into the arena. */
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Grow an array that lives in the arena: returns a block with room for
 * `want` elements holding the `have` elements of `old`. The old block is
 * abandoned (reclaimed with the arena), so callers double capacities.
 */
void *arena_grow(arena *a, void *old, size_t have, size_t want, size_t elem);

#define ARENA_NEW(a, type) ((type *)arena_calloc((a), 1, sizeof(type)))
#define ARENA_ARRAY(a, type, n) ((type *)arena_calloc((a), (n), sizeof(type)))

/* Append-only vector stored in an arena. */
#define ARENA_PUSH(a, items, count, cap)                                     \
    (((count) == (cap)                                                       \
          ? ((items) = arena_grow((a), (items), (count),                     \
                                  (cap) = (cap) ? 2 * (cap) : 4,             \
                                  sizeof(*(items))))                         \
          : (items)),                                                        \
     &(items)[(count)++])

#endif
