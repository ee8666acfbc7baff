#include "lint/config.h"

#include <stdlib.h>
#include <string.h>

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
