#include "dockerfile/model.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Platform ARGs BuildKit defines in the global scope. Their values depend
 * on the build, so they are unknown here unless given with --build-arg. */
static const char *const automatic_args[] = {
    "BUILDPLATFORM", "BUILDOS",       "BUILDARCH",     "BUILDVARIANT",
    "TARGETPLATFORM", "TARGETOS",     "TARGETARCH",    "TARGETVARIANT",
    "TARGETSTAGE",
};

const df_var *df_scope_lookup(const df_var *scope, const char *name,
                              size_t len)
{
    const df_var *arg = NULL;
    for (const df_var *v = scope; v; v = v->next) {
        if (strlen(v->name) != len || memcmp(v->name, name, len) != 0)
            continue;
        if (v->is_env)
            return v;
        if (!arg)
            arg = v;
    }
    return arg;
}

typedef struct lookup_ctx {
    const df_var *scope;
    bool strict;
} lookup_ctx;

static df_var_state scope_lookup_cb(void *ctx, const char *name, size_t len,
                                    const char **value, size_t *value_len)
{
    const lookup_ctx *lc = ctx;
    const df_var *v = df_scope_lookup(lc->scope, name, len);
    if (!v)
        return lc->strict ? DF_VAR_UNSET : DF_VAR_UNKNOWN;
    if (!v->value)
        return DF_VAR_UNKNOWN;
    *value = v->value;
    *value_len = v->len;
    return DF_VAR_SET;
}

df_value df_expand_in(arena *a, const df_model *m, const df_var *scope,
                      bool strict, const char *s, size_t len)
{
    lookup_ctx lc = {scope, strict};
    df_lex_opts o = {
        .escape = m->file->escape,
        .lookup = scope_lookup_cb,
        .lookup_ctx = &lc,
        .budget = m->budget,
    };
    df_lex_result r;
    df_value v = {0};
    if (!df_lex_process(a, s, len, &o, &r)) {
        v.s = "";
        v.error = r.error;
        v.unknown = true;
        return v;
    }
    v.s = r.value;
    v.len = r.len;
    v.unknown = r.unknown;
    v.unknown_spans = r.unknown_spans;
    v.nunknown = r.nunknown;
    return v;
}

df_value df_expand(arena *a, const df_model *m, size_t inst, const char *s,
                   size_t len)
{
    const df_instruction *in = &m->file->insts[inst];
    if (in->kind == DF_FROM || m->stage_of[inst] < 0)
        return df_expand_in(a, m, m->meta_args, true, s, len);
    return df_expand_in(a, m, m->scope_before[inst], false, s, len);
}

const df_stage *df_stage_of(const df_model *m, size_t inst)
{
    int32_t s = m->stage_of[inst];
    return s < 0 ? NULL : &m->stages[s];
}

const df_stage *df_find_stage(const df_model *m, const char *name,
                              size_t before)
{
    if (!name || !*name)
        return NULL;
    bool numeric = true;
    for (const char *p = name; *p; p++)
        numeric = numeric && isdigit((unsigned char)*p);
    if (numeric) {
        size_t idx = 0;
        for (const char *p = name; *p && idx < before; p++)
            idx = idx * 10 + (size_t)(*p - '0');
        return idx < before ? &m->stages[idx] : NULL;
    }
    for (size_t i = 0; i < before && i < m->nstages; i++)
        if (m->stages[i].name && strcasecmp(m->stages[i].name, name) == 0)
            return &m->stages[i];
    return NULL;
}

/* ------------------------------------------------------------ building */

typedef struct builder {
    arena *a;
    df_model *m;
    const df_model_opts *o;
} builder;

static const df_build_arg *find_build_arg(const builder *b, const char *name,
                                          size_t len)
{
    const df_build_arg *found = NULL;
    for (size_t i = 0; i < b->o->nbuild_args; i++) {
        const df_build_arg *ba = &b->o->build_args[i];
        if (strlen(ba->name) == len && memcmp(ba->name, name, len) == 0)
            found = ba; /* the last --build-arg wins */
    }
    return found;
}

static const df_var *push_var(builder *b, const df_var *scope,
                              const char *name, size_t nlen, const char *value,
                              size_t vlen, bool is_env,
                              const df_instruction *origin)
{
    df_var *v = ARENA_NEW(b->a, df_var);
    v->name = arena_strndup(b->a, name, nlen);
    v->value = value;
    v->len = vlen;
    v->is_env = is_env;
    v->origin = origin;
    v->next = scope;
    return v;
}

/* ARG NAME[=default]: the --build-arg wins, then the default, then a
 * global ARG of the same name; otherwise the value is unknown. */
static const df_var *declare_arg(builder *b, const df_var *scope,
                                 const df_var *globals, bool strict,
                                 const df_instruction *in, const df_text *word)
{
    const char *eq = memchr(word->s, '=', word->len);
    size_t nlen = eq ? (size_t)(eq - word->s) : word->len;
    /* The key is processed like a word too (quotes). */
    df_value key = df_expand_in(b->a, b->m, scope, strict, word->s, nlen);
    const char *name = key.error ? word->s : key.s;
    size_t klen = key.error ? nlen : key.len;

    const char *value = NULL;
    size_t vlen = 0;
    const df_build_arg *ba = find_build_arg(b, name, klen);
    if (ba) {
        value = ba->value;
        vlen = strlen(ba->value);
    } else if (eq) {
        df_value dv = df_expand_in(b->a, b->m, scope, strict, eq + 1,
                                   word->len - nlen - 1);
        if (!dv.unknown && !dv.error) {
            value = dv.s;
            vlen = dv.len;
        }
    } else if (globals && globals != scope) {
        const df_var *g = df_scope_lookup(globals, name, klen);
        if (g) {
            value = g->value;
            vlen = g->len;
        }
    }
    return push_var(b, scope, name, klen, value, vlen, false, in);
}

/* ENV: every value is expanded with the scope from before the instruction. */
static const df_var *declare_env(builder *b, const df_var *scope,
                                 const df_instruction *in)
{
    const df_var *before = scope;
    for (size_t i = 0; i + 1 < in->nargs; i += 2) {
        df_value k = df_expand_in(b->a, b->m, before, false, in->args[i].s,
                                  in->args[i].len);
        df_value v = df_expand_in(b->a, b->m, before, false,
                                  in->args[i + 1].s, in->args[i + 1].len);
        const char *name = k.error ? in->args[i].s : k.s;
        size_t nlen = k.error ? in->args[i].len : k.len;
        bool known = !v.unknown && !v.error;
        scope = push_var(b, scope, name, nlen, known ? v.s : NULL,
                         known ? v.len : 0, true, in);
    }
    return scope;
}

static void start_stage(builder *b, df_stage *st, const df_instruction *from,
                        size_t index, size_t first)
{
    df_model *m = b->m;
    memset(st, 0, sizeof(*st));
    st->index = index;
    st->first = first;
    st->from = from;
    st->parent = -1;
    if (!from) {
        st->base.s = "";
        st->base.unknown = true;
        return;
    }
    if (from->nargs >= 1) {
        st->base = df_expand_in(b->a, m, m->meta_args, true, from->args[0].s,
                                from->args[0].len);
        if (!st->base.unknown && !st->base.error) {
            const df_stage *parent = df_find_stage(m, st->base.s, index);
            /* Only names refer to stages in FROM, never indices. */
            if (parent && parent->name)
                st->parent = (int)parent->index;
            st->scratch = strcmp(st->base.s, "scratch") == 0;
        }
    } else {
        st->base.s = "";
    }
    if (from->nargs == 3 && strcasecmp(from->args[1].s, "as") == 0) {
        char *name = arena_strdup(b->a, from->args[2].s);
        for (char *p = name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        st->name = name;
    }
}

df_model *df_model_build(arena *a, const df_file *f, const df_model_opts *o)
{
    static const df_model_opts no_opts;
    if (!o)
        o = &no_opts;
    df_model *m = ARENA_NEW(a, df_model);
    m->file = f;
    m->budget = ARENA_NEW(a, df_lex_budget);
    df_lex_budget_init(m->budget);
    m->scope_before = ARENA_ARRAY(a, const df_var *, f->ninsts + 1);
    m->stage_of = ARENA_ARRAY(a, int32_t, f->ninsts + 1);
    builder b = {a, m, o};

    size_t nfrom = 0;
    for (size_t i = 0; i < f->ninsts; i++)
        nfrom += f->insts[i].kind == DF_FROM;
    m->stages = ARENA_ARRAY(a, df_stage, nfrom ? nfrom : 1);

    /* Automatic platform ARGs, then the global ARGs before the first FROM. */
    const df_var *globals = NULL;
    for (size_t k = 0; k < sizeof(automatic_args) / sizeof(automatic_args[0]);
         k++) {
        const char *n = automatic_args[k];
        const df_build_arg *ba = find_build_arg(&b, n, strlen(n));
        globals = push_var(&b, globals, n, strlen(n), ba ? ba->value : NULL,
                           ba ? strlen(ba->value) : 0, false, NULL);
    }

    size_t i = 0;
    for (; i < f->ninsts && (nfrom == 0 || f->insts[i].kind != DF_FROM); i++) {
        const df_instruction *in = &f->insts[i];
        m->stage_of[i] = nfrom ? -1 : 0;
        m->scope_before[i] = globals;
        if (nfrom == 0)
            break; /* a snippet: the whole file is one stage */
        if (in->kind == DF_ARG)
            for (size_t k = 0; k < in->nargs; k++)
                globals = declare_arg(&b, globals, NULL, true, in,
                                      &in->args[k]);
    }
    m->meta_args = globals;

    if (nfrom == 0) {
        start_stage(&b, &m->stages[0], NULL, 0, 0);
        m->nstages = 1;
    }

    const df_var *scope = NULL;
    df_stage *cur = nfrom == 0 ? &m->stages[0] : NULL;
    for (; i < f->ninsts; i++) {
        const df_instruction *in = &f->insts[i];
        if (in->kind == DF_FROM) {
            if (cur) {
                cur->last = i;
                cur->scope_end = scope;
            }
            cur = &m->stages[m->nstages];
            start_stage(&b, cur, in, m->nstages, i);
            m->nstages++;
            scope = cur->parent >= 0 ? m->stages[cur->parent].scope_end : NULL;
        }
        m->stage_of[i] = (int32_t)cur->index;
        m->scope_before[i] = scope;
        if (in->kind == DF_ARG) {
            for (size_t k = 0; k < in->nargs; k++)
                scope = declare_arg(&b, scope, m->meta_args, false, in,
                                    &in->args[k]);
        } else if (in->kind == DF_ENV) {
            scope = declare_env(&b, scope, in);
        }
    }
    if (cur) {
        cur->last = f->ninsts;
        cur->scope_end = scope;
    }

    /* The target: --target, or the last stage; it ships with its parents. */
    m->target = m->nstages ? m->nstages - 1 : 0;
    if (o->target && *o->target) {
        const df_stage *t = NULL;
        for (size_t s = 0; s < m->nstages; s++)
            if (m->stages[s].name && strcasecmp(m->stages[s].name, o->target) == 0)
                t = &m->stages[s];
        if (t)
            m->target = t->index;
        else
            m->target_missing = true;
    }
    for (int s = (int)m->target; s >= 0 && m->nstages;
         s = m->stages[s].parent) {
        if (m->stages[s].ships)
            break; /* cannot loop: parents come earlier, but be safe */
        m->stages[s].ships = true;
    }
    return m;
}
