/* Small helpers shared by the rule files. */
#include <string.h>

#include "rules/rule.h"

const char *lint_word(const sh_word *w)
{
    return w && w->value ? w->value : "";
}

bool lint_word_is_option(const sh_word *w)
{
    return w && w->value && w->value[0] == '-' && w->value[1] != '\0';
}

bool lint_name_in(const char *name, const char *const *names)
{
    if (!name)
        return false;
    for (; *names; names++)
        if (strcmp(name, *names) == 0)
            return true;
    return false;
}

const char *lint_quote(lint_ctx *c, const char *s, size_t len)
{
    enum { MAX = 60 };
    if (len <= MAX)
        return arena_strndup(c->a, s, len);
    return arena_printf(c->a, "%.*s...", MAX - 3, s);
}
