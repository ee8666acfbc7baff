/*
 * Fuzz the WWW-Authenticate parser: a registry's 401 (or anything a
 * redirect leads to) is untrusted. Checks what the parser promises: no
 * more challenges and parameters than its bounds, names lower case, and
 * the chosen challenge one of those parsed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/www_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_lower(const char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a;
    arena_init(&a);
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    size_t n = 0;
    www_auth_parse(&a, (const char *)data, size, ch, &n);
    if (n > WWW_AUTH_MAX_CHALLENGES)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (!ch[i].scheme || !*ch[i].scheme || ch[i].nparams > WWW_AUTH_MAX_PARAMS)
            abort();
        check_lower(ch[i].scheme);
        for (size_t k = 0; k < ch[i].nparams; k++)
            check_lower(ch[i].params[k].name);
    }
    www_auth_choice c = www_auth_choose(ch, n);
    if (c.kind == WWW_AUTH_BEARER && (!c.realm || !*c.realm))
        abort();
    arena_release(&a);
    return 0;
}
