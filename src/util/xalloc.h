/* malloc wrappers that abort on exhaustion (see arena.h for the rationale). */
#ifndef BOSUN_UTIL_XALLOC_H
#define BOSUN_UTIL_XALLOC_H

#include <stddef.h>

_Noreturn void xalloc_die(void);
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc for arrays: count * size, checked for overflow. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
