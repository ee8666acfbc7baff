#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define ARENA_ALIGN 16
#define ARENA_CHUNK_MIN (32 * 1024)

struct arena_chunk {
    arena_chunk *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    /* data follows, aligned */
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

void arena_init(arena *a)
{
    a->head = NULL;
    a->bytes_reserved = 0;
}

void arena_release(arena *a)
{
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->bytes_reserved = 0;
}

static size_t align_up(size_t n)
{
    return (n + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
}

void *arena_alloc(arena *a, size_t size)
{
    size = align_up(size ? size : 1);
    arena_chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        size_t want = size > ARENA_CHUNK_MIN ? size : ARENA_CHUNK_MIN;
        /* Grow chunks with the arena so big inputs take few mallocs. */
        if (a->bytes_reserved / 2 > want && a->bytes_reserved < (size_t)64 << 20)
            want = a->bytes_reserved / 2;
        c = xmalloc(sizeof(*c) + want);
        c->size = want;
        c->used = 0;
        /* A large one-off block goes behind the head so the head's spare
         * room stays usable for small allocations. */
        if (a->head && want == size && a->head->size - a->head->used > 256) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
        a->bytes_reserved += want;
    }
    void *p = c->data + c->used;
    c->used += size;
    return p;
}

void *arena_calloc(arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        xalloc_die();
    void *p = arena_alloc(a, count * size);
    memset(p, 0, count * size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return arena_strdup(a, "");
    }
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void *arena_grow(arena *a, void *old, size_t have, size_t want, size_t elem)
{
    if (elem && want > SIZE_MAX / elem)
        xalloc_die();
    void *p = arena_alloc(a, want * elem);
    if (have)
        memcpy(p, old, have * elem);
    return p;
}
