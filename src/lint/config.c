#include "lint/config.h"

#include <stdlib.h>
#include <string.h>

#include "rules/rule.h"
#include "util/xalloc.h"

bosun_config *bosun_config_new(void)
{
    return xcalloc(1, sizeof(bosun_config));
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
    for (size_t i = 0; i < c->nignored; i++)
        free(c->ignored[i]);
    free(c->ignored);
    free(c->target);
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
    if (config_is_ignored(c, rule_id))
        return true;
    c->ignored = xreallocarray(c->ignored, c->nignored + 1, sizeof(char *));
    c->ignored[c->nignored++] = xstrdup(rule_id);
    return true;
}

bool config_is_ignored(const bosun_config *c, const char *rule_id)
{
    for (size_t i = 0; i < c->nignored; i++)
        if (strcmp(c->ignored[i], rule_id) == 0)
            return true;
    return false;
}
