#include "lint/config.h"

#include <stdlib.h>
#include <string.h>

#include "dockerfile/lex.h"
#include "rules/rule.h"
#include "util/xalloc.h"

void config_list_add(config_list *l, const char *s)
{
    l->items = xreallocarray(l->items, l->n + 1, sizeof(char *));
    l->items[l->n++] = xstrdup(s);
}

bool config_list_has(const config_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return true;
    return false;
}

static void config_list_free(config_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
}

bosun_config *bosun_config_new(void)
{
    bosun_config *c = xcalloc(1, sizeof(bosun_config));
    c->failure_threshold = BOSUN_WARNING;
    return c;
}

void bosun_config_free(bosun_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nbuild_args; i++) {
        free((char *)c->build_args[i].name);
        free((char *)c->build_args[i].value);
    }
    free(c->build_args);
    config_list_free(&c->ignored);
    for (size_t i = 0; i < c->nseverities; i++)
        free(c->severities[i].rule_id);
    free(c->severities);
    config_list_free(&c->trusted_registries);
    config_list_free(&c->nonroot_bases);
    free(c->target);
    free(c->patterns);
    for (size_t i = 0; i < c->naccepts; i++) {
        free(c->accepts[i].rule_id);
        config_list_free(&c->accepts[i].paths);
        free(c->accepts[i].reason);
    }
    free(c->accepts);
    config_list_free(&c->exclude);
    free(c);
}

void bosun_config_add_build_arg(bosun_config *c, const char *name,
                                const char *value)
{
    c->build_args = xreallocarray(c->build_args, c->nbuild_args + 1,
                                  sizeof(*c->build_args));
    c->build_args[c->nbuild_args].name = xstrdup(name);
    c->build_args[c->nbuild_args].value = xstrdup(value);
    c->nbuild_args++;
}

void bosun_config_set_target(bosun_config *c, const char *stage)
{
    free(c->target);
    c->target = stage ? xstrdup(stage) : NULL;
}

bool bosun_config_ignore(bosun_config *c, const char *rule_id)
{
    if (!rules_find(rule_id))
        return false;
    if (!config_list_has(&c->ignored, rule_id))
        config_list_add(&c->ignored, rule_id);
    return true;
}

bool config_is_ignored(const bosun_config *c, const char *rule_id)
{
    return config_list_has(&c->ignored, rule_id);
}

bool bosun_threshold_parse(const char *s, int *out)
{
    bosun_severity sev;
    if (strcmp(s, "none") == 0) {
        *out = BOSUN_THRESHOLD_NONE;
        return true;
    }
    if (!bosun_severity_parse(s, &sev))
        return false;
    *out = (int)sev;
    return true;
}

void bosun_config_set_failure_threshold(bosun_config *c, int threshold)
{
    c->failure_threshold = threshold;
}

int bosun_config_failure_threshold(const bosun_config *c)
{
    return c->failure_threshold;
}

bool bosun_config_set_severity(bosun_config *c, const char *rule_id,
                               bosun_severity s)
{
    if (!rules_find(rule_id))
        return false;
    for (size_t i = 0; i < c->nseverities; i++)
        if (strcmp(c->severities[i].rule_id, rule_id) == 0) {
            c->severities[i].severity = s;
            return true;
        }
    c->severities = xreallocarray(c->severities, c->nseverities + 1,
                                  sizeof(*c->severities));
    c->severities[c->nseverities].rule_id = xstrdup(rule_id);
    c->severities[c->nseverities].severity = s;
    c->nseverities++;
    return true;
}

bosun_severity config_severity_of(const bosun_config *c, const char *rule_id,
                                  bosun_severity fallback)
{
    for (size_t i = 0; i < c->nseverities; i++)
        if (strcmp(c->severities[i].rule_id, rule_id) == 0)
            return c->severities[i].severity;
    return fallback;
}

void bosun_config_add_trusted_registry(bosun_config *c, const char *glob)
{
    c->registries_restricted = true;
    config_list_add(&c->trusted_registries, glob);
}

void bosun_config_add_nonroot_base(bosun_config *c, const char *glob)
{
    config_list_add(&c->nonroot_bases, glob);
}

void bosun_config_set_hadolint_pragmas(bosun_config *c, bool honour)
{
    c->no_hadolint_pragmas = !honour;
}

void bosun_config_set_patterns(bosun_config *c, const char *path)
{
    free(c->patterns);
    c->patterns = path ? xstrdup(path) : NULL;
}

const char *bosun_config_patterns(const bosun_config *c)
{
    return c->patterns;
}

bool bosun_config_add_accept(bosun_config *c, const char *rule_id,
                             const char *const *globs, size_t nglobs,
                             const char *reason)
{
    if (!rules_find(rule_id))
        return false;
    c->accepts = xreallocarray(c->accepts, c->naccepts + 1,
                               sizeof(*c->accepts));
    config_accept *a = &c->accepts[c->naccepts++];
    memset(a, 0, sizeof(*a));
    a->rule_id = xstrdup(rule_id);
    for (size_t i = 0; i < nglobs; i++)
        config_list_add(&a->paths, globs[i]);
    a->reason = reason ? xstrdup(reason) : NULL;
    return true;
}

void bosun_config_set_skip_base(bosun_config *c, bool skip)
{
    c->skip_base = skip;
}

bool bosun_config_skip_base(const bosun_config *c)
{
    return c->skip_base;
}

/* A path component: where it starts and its length; *s moves past it.
 * Empty components and "." are skipped ("./a//b/" is "a", "b"). False at
 * the end of the path. */
static bool next_component(const char **s, const char **start, size_t *len)
{
    for (;;) {
        while (**s == '/')
            (*s)++;
        if (!**s)
            return false;
        *start = *s;
        *len = strcspn(*s, "/");
        *s += *len;
        if (!(*len == 1 && **start == '.'))
            return true;
    }
}

/*
 * Does `glob` match `path` (or, with or_parent, one of its parent
 * directories)? One component of the glob matches one of the path with the
 * Dockerfile glob matcher (df_glob_match: `*`, `?`, `[...]`, backslash
 * escapes), which never crosses a '/' since each side is one component;
 * `**` matches any number of components. Components are the symbols of the
 * classic wildcard matcher with one backtracking point: linear in practice
 * and never exponential whatever the glob, at any depth. A glob or a path
 * without components matches nothing.
 */
static bool path_glob_match(const char *glob, const char *path, bool or_parent)
{
    const char *g = glob, *p = path;
    const char *star_g = NULL, *star_p = NULL;
    const char *gc, *pc;
    size_t gn, pn;
    const char *g0 = glob, *p0 = path;
    if (!next_component(&g0, &gc, &gn) || !next_component(&p0, &pc, &pn))
        return false;
    for (;;) {
        const char *p_before = p;
        if (!next_component(&p, &pc, &pn)) {
            /* The path is done: only `**` may be left. */
            while (next_component(&g, &gc, &gn))
                if (gn != 2 || memcmp(gc, "**", 2) != 0)
                    return false;
            return true;
        }
        bool have_g = next_component(&g, &gc, &gn);
        /* The whole glob matched a parent directory of the path. */
        if (!have_g && or_parent)
            return true;
        if (have_g && gn == 2 && memcmp(gc, "**", 2) == 0) {
            star_g = g;        /* just after the `**` */
            star_p = p_before; /* which matches nothing, for now */
            p = p_before;
            continue;
        }
        if (have_g && df_glob_match(gc, gn, pc, pn))
            continue;
        if (!star_g)
            return false;
        /* The last `**` takes one more component, and the rest of the
         * glob starts again after it. */
        g = star_g;
        p = star_p;
        next_component(&p, &pc, &pn);
        star_p = p;
    }
}

bool config_path_match(const char *glob, const char *path)
{
    return path_glob_match(glob, path, false);
}

const config_accept *config_accepted(const bosun_config *c,
                                     const char *rule_id, const char *path)
{
    if (!c || !path)
        return NULL;
    for (size_t i = 0; i < c->naccepts; i++) {
        const config_accept *a = &c->accepts[i];
        if (strcmp(a->rule_id, rule_id) != 0)
            continue;
        for (size_t k = 0; k < a->paths.n; k++)
            if (config_path_match(a->paths.items[k], path))
                return a;
    }
    return NULL;
}

void bosun_config_add_exclude(bosun_config *c, const char *glob)
{
    config_list_add(&c->exclude, glob);
}

bool bosun_config_excluded(const bosun_config *c, const char *path)
{
    for (size_t i = 0; c && i < c->exclude.n; i++)
        if (path_glob_match(c->exclude.items[i], path, true))
            return true;
    return false;
}
