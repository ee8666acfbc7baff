/*
 * What BuildKit's instruction stage (frontend/dockerfile/instructions)
 * rejects in a file its parser accepted: unknown instructions and flags,
 * bad flag values, `RUN --mount` specs, FROM arity, stage names...
 * These do not make the file unparseable; they are reported as findings.
 */
#ifndef BOSUN_DOCKERFILE_VALIDATE_H
#define BOSUN_DOCKERFILE_VALIDATE_H

#include "dockerfile/dockerfile.h"

typedef struct df_problem {
    size_t inst;          /* index of the instruction */
    uint32_t off;         /* source offset of the offending token */
    const char *message;
} df_problem;

/* Appends the problems of every instruction to *out (arena array). */
size_t df_validate(arena *a, const df_file *f, df_problem **out);

typedef enum df_mount_type {
    DF_MOUNT_BIND,
    DF_MOUNT_CACHE,
    DF_MOUNT_TMPFS,
    DF_MOUNT_SECRET,
    DF_MOUNT_SSH,
} df_mount_type;

/* One `RUN --mount=...` spec. */
typedef struct df_mount {
    df_mount_type type;
    const char *from, *source, *target, *id, *env, *sharing;
    bool readonly;
    bool required;
} df_mount;

/*
 * Parse a --mount value (CSV of key=value, BuildKit's parseMount). Returns
 * NULL with *error set when BuildKit would reject it. Values holding `$`
 * are taken as written (they are expanded at build time).
 */
df_mount *df_parse_mount(arena *a, const char *spec, const char **error);

#endif
