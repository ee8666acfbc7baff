/*
 * The build model: stages, ARG/ENV scoping and expansion, as BuildKit's
 * dispatcher sees them (frontend/dockerfile/dockerfile2llb), without
 * building anything.
 *
 * Scopes are immutable linked lists in the arena: each ARG/ENV pushes a
 * variable in front of the previous scope, so the scope *before* every
 * instruction is one pointer, and a stage built FROM another one starts
 * from its parent's final scope.
 */
#ifndef BOSUN_DOCKERFILE_MODEL_H
#define BOSUN_DOCKERFILE_MODEL_H

#include "dockerfile/dockerfile.h"
#include "dockerfile/lex.h"

typedef struct df_var df_var;

struct df_var {
    const char *name;
    const char *value;   /* NULL when not statically known */
    size_t len;
    bool is_env;         /* ENV (else ARG) */
    const df_instruction *origin; /* NULL for automatic and --build-arg */
    const df_var *next;
};

typedef struct df_build_arg {
    const char *name;
    const char *value;
} df_build_arg;

/* A word after BuildKit's processing for its instruction. */
typedef struct df_value {
    const char *s;
    size_t len;
    bool unknown;                /* depends on a value bosun cannot know */
    const df_span *unknown_spans; /* where, in s */
    size_t nunknown;
    const char *error;           /* BuildKit would fail here */
} df_value;

typedef struct df_stage {
    size_t index;
    const char *name;            /* lower case, or NULL */
    const df_instruction *from;  /* NULL: a snippet with no FROM */
    df_value base;               /* the image reference after ARG expansion */
    int parent;                  /* stage it is built FROM, or -1 */
    bool scratch;
    size_t first, last;          /* instructions [first, last), FROM included */
    const df_var *scope_end;     /* variables in scope at the end */
    bool ships;                  /* the target stage or one it builds on */
} df_stage;

typedef struct df_model {
    const df_file *file;
    df_stage *stages;
    size_t nstages;
    size_t target;               /* the stage that becomes the image */
    bool target_missing;         /* --target named no stage */
    const df_var *meta_args;     /* ARGs before the first FROM */
    const df_var **scope_before; /* per instruction */
    int32_t *stage_of;           /* per instruction; -1 before the first FROM */
    /* What every expansion of the file, while building the model and
     * later in the rules, may still cost (see lex.h): bounded per file,
     * not only per value. */
    df_lex_budget *budget;
} df_model;

typedef struct df_model_opts {
    const df_build_arg *build_args;
    size_t nbuild_args;
    const char *target;          /* NULL: the last stage */
} df_model_opts;

df_model *df_model_build(arena *a, const df_file *f, const df_model_opts *o);

/*
 * Expand `s` as BuildKit does for instruction `inst` (quotes and escapes
 * processed, variables substituted from the scope before it; FROM sees only
 * the global ARGs).
 */
df_value df_expand(arena *a, const df_model *m, size_t inst, const char *s,
                   size_t len);
/* The same with an explicit scope (NULL: nothing declared). `strict`: an
 * undeclared name is empty (FROM) rather than unknown (it may come from the
 * base image's environment). */
df_value df_expand_in(arena *a, const df_model *m, const df_var *scope,
                      bool strict, const char *s, size_t len);

/* Look a variable up: ENV wins over ARG, the latest declaration wins. */
const df_var *df_scope_lookup(const df_var *scope, const char *name,
                              size_t len);

/* The stage an instruction belongs to (NULL before the first FROM). */
const df_stage *df_stage_of(const df_model *m, size_t inst);

/* The stage named `name` (case-insensitive) defined before stage `before`,
 * or NULL. Numeric names ("0") refer to stages by index, as --from does. */
const df_stage *df_find_stage(const df_model *m, const char *name,
                              size_t before);

#endif
