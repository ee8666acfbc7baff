/* The exec form's JSON string array (see json_args.c). */
#ifndef BOSUN_DOCKERFILE_JSON_ARGS_H
#define BOSUN_DOCKERFILE_JSON_ARGS_H

#include <stddef.h>

#include "util/arena.h"

typedef enum df_json_status {
    DF_JSON_OK,          /* a JSON array of strings */
    DF_JSON_INVALID,     /* not JSON (or not an array): the shell form */
    DF_JSON_NOT_STRINGS, /* a JSON array with non-strings: an error */
} df_json_status;

typedef struct df_json_item {
    const char *s;  /* decoded, NUL-terminated */
    size_t len;
    size_t lo, hi;  /* offsets of the string token (quotes included) */
} df_json_item;

df_json_status df_json_string_array(arena *a, const char *s, size_t n,
                                    df_json_item **items, size_t *count);

#endif
