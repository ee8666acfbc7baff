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

void bosun_config_add_exclude(bosun_config *c, const char *glob)
{
    config_list_add(&c->exclude, glob);
}

/* Paths and globs deeper than this many components are not matched (the
 * walk goes 64 directories deep). */
#define EXCLUDE_MAX_PARTS 128

/* Splits `s` at '/' into at most `max` (start, length) components,
 * dropping empty ones and "." (so "./a//b/" is "a", "b"). Returns how
 * many, or max + 1 when there are more. */
static size_t split_path(const char *s, const char **part, size_t *len,
                         size_t max)
{
    size_t n = 0;
    while (*s) {
        size_t k = strcspn(s, "/");
        if (k && !(k == 1 && s[0] == '.')) {
            if (n == max)
                return max + 1;
            part[n] = s;
            len[n++] = k;
        }
        s += k + (s[k] == '/');
    }
    return n;
}

/*
 * Does the glob `g` match `path` or one of its parent directories? One
 * component of the glob matches one of the path with the Dockerfile glob
 * matcher (df_glob_match: `*`, `?`, `[...]`, backslash escapes), which
 * never crosses a '/' here since each side is one component; `**` matches
 * any number of components. Dynamic programming over the two lists of
 * components: time np * ns, whatever the number of `**`.
 */
static bool exclude_match(const char *g, const char *path)
{
    const char *gp[EXCLUDE_MAX_PARTS], *sp[EXCLUDE_MAX_PARTS];
    size_t gl[EXCLUDE_MAX_PARTS], sl[EXCLUDE_MAX_PARTS];
    size_t np = split_path(g, gp, gl, EXCLUDE_MAX_PARTS);
    size_t ns = split_path(path, sp, sl, EXCLUDE_MAX_PARTS);
    if (np == 0 || np > EXCLUDE_MAX_PARTS || ns > EXCLUDE_MAX_PARTS)
        return false;
    /* m[j]: glob components i.. match path components j.. (row i), with
     * a glob used up matching whatever is left (the parents rule). */
    bool next[EXCLUDE_MAX_PARTS + 1], cur[EXCLUDE_MAX_PARTS + 1];
    for (size_t j = 0; j <= ns; j++)
        next[j] = true;
    for (size_t i = np; i-- > 0;) {
        bool globstar = gl[i] == 2 && gp[i][0] == '*' && gp[i][1] == '*';
        cur[ns] = globstar && next[ns];
        for (size_t j = ns; j-- > 0;) {
            if (globstar)
                cur[j] = next[j] || cur[j + 1];
            else
                cur[j] = next[j + 1] &&
                         df_glob_match(gp[i], gl[i], sp[j], sl[j]);
        }
        memcpy(next, cur, sizeof(next));
    }
    return ns > 0 && next[0];
}

bool bosun_config_excluded(const bosun_config *c, const char *path)
{
    for (size_t i = 0; c && i < c->exclude.n; i++)
        if (exclude_match(c->exclude.items[i], path))
            return true;
    return false;
}
