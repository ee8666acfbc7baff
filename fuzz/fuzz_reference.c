/*
 * Fuzz the reference parser. An accepted reference must display as a
 * string that parses back to itself, with a valid domain, path, tag and
 * digest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/reference.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = xstrndup((const char *)data, size);
    arena a;
    arena_init(&a);
    reg_ref r;
    const char *err = NULL;
    if (reg_ref_parse(&a, s, &r, &err)) {
        const char *why;
        if (!reg_domain_valid(r.domain, strlen(r.domain)) ||
            !reg_path_valid(r.path, strlen(r.path)) || strlen(r.path) > REG_PATH_MAX ||
            (r.tag && !reg_tag_valid(r.tag, strlen(r.tag))) ||
            (r.digest && !reg_digest_valid(r.digest, &why)))
            abort();
        const char *shown = reg_ref_string(&a, &r);
        reg_ref again;
        if (!reg_ref_parse(&a, shown, &again, &err) ||
            strcmp(reg_ref_string(&a, &again), shown) != 0)
            abort();
    } else if (!err || !*err) {
        abort();
    }
    arena_release(&a);
    free(s);
    return 0;
}
