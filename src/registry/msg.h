/* Small helpers for building messages in the registry client. */
#ifndef BOSUN_REGISTRY_MSG_H
#define BOSUN_REGISTRY_MSG_H

/* malloc'd printf (aborts when out of memory, as xmalloc does). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
