/* Small helpers shared by the rule files. */
#include <string.h>

#include "rules/rule.h"
#include "secrets/secrets.h"

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
    /* Most names differ in the first byte: compare it before calling. */
    for (; *names; names++)
        if ((*names)[0] == name[0] && strcmp(name, *names) == 0)
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

df_value lint_expand(lint_ctx *c, size_t inst, const df_text *t)
{
    for (size_t i = 0; i < t->len; i++) {
        char ch = t->s[i];
        if (ch == '$' || ch == '"' || ch == '\'' || ch == c->file->escape)
            return df_expand(c->a, c->model, inst, t->s, t->len);
    }
    df_value v = {.s = t->s, .len = t->len};
    return v;
}

credential_matcher *lint_credentials(lint_ctx *c)
{
    if (!c->credentials)
        c->credentials = credential_matcher_new();
    return c->credentials;
}
