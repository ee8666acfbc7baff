/*
 * Fuzz the registry client's JSON reader on what a registry or a token
 * server sends (error bodies, token answers): the reader must accept or
 * refuse any input without harm, report strings no longer than the input,
 * and the error codes it extracts must stay one line of bounded length.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/client_internal.h"
#include "registry/jscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(void *ctx, const jscan_path *p, jscan_kind k, const char *v, size_t n)
{
    size_t size = *(size_t *)ctx;
    if (p->depth > JSCAN_MAX_DEPTH || n > size || (k == JSCAN_STRING && v[n] != '\0'))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *err;
    jscan((const char *)data, size, check, &size, &err);
    char *codes = reg_error_codes((const char *)data, size);
    if (codes && strlen(codes) > 3 * 420)
        abort();
    free(codes);
    return 0;
}
