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

/* user-info made of variable references only ($USER:${TOKEN}) shows no
 * secret itself. */
static bool only_variables(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        bool part_start = i == 0 || s[i - 1] == ':';
        if (part_start && s[i] != '$')
            return false;
    }
    return len > 0;
}

const char *lint_quote_url(lint_ctx *c, const char *s, size_t len)
{
    const char *scheme_end = memmem(s, len, "://", 3);
    if (!scheme_end)
        return lint_quote(c, s, len);
    const char *user = scheme_end + 3;
    size_t rest = len - (size_t)(user - s);
    size_t authority = strcspn(user, "/?#");
    if (authority > rest)
        authority = rest;
    const char *at = NULL;
    for (size_t i = 0; i < authority; i++)
        if (user[i] == '@')
            at = user + i;
    if (!at || only_variables(user, (size_t)(at - user)))
        return lint_quote(c, s, len);
    const char *shown = arena_printf(
        c->a, "%.*s%s%.*s", (int)(user - s), s,
        secret_redact(c->a, user, (size_t)(at - user)),
        (int)(len - (size_t)(at - s)), at);
    return lint_quote(c, shown, strlen(shown));
}

bool lint_glob_match(const char *pattern, const char *s)
{
    /* Iterative, with one backtracking point (the last '*'): linear in
     * practice, never exponential, whatever the pattern. */
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*pattern == '*') {
            star = pattern++;
            resume = s;
        } else if (*pattern == *s) {
            pattern++;
            s++;
        } else if (star) {
            pattern = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return !*pattern;
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
