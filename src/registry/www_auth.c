#include "registry/www_auth.h"

#include <string.h>

/* RFC 7230 tchar. */
static bool is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 7235 token68 characters (before the trailing '='s). */
static bool is_t68char(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

typedef struct scan {
    const char *s;
    size_t n, i;
} scan;

static void skip_ows(scan *t)
{
    while (t->i < t->n && (t->s[t->i] == ' ' || t->s[t->i] == '\t'))
        t->i++;
}

static size_t token_len(const scan *t)
{
    size_t k = t->i;
    while (k < t->n && is_tchar((unsigned char)t->s[k]))
        k++;
    return k - t->i;
}

static char *lower_dup(arena *a, const char *s, size_t n)
{
    char *d = arena_strndup(a, s, n);
    for (size_t i = 0; i < n; i++)
        if (d[i] >= 'A' && d[i] <= 'Z')
            d[i] = (char)(d[i] - 'A' + 'a');
    return d;
}

/* quoted-string at t->i (the opening quote): unescaped into the arena, or
 * NULL when it is not terminated or holds a character it may not. Two
 * passes (check, then copy) so the arena gets only what the value needs. */
static const char *quoted_string(arena *a, scan *t)
{
    size_t len = 0, k;
    for (k = t->i + 1; k < t->n && t->s[k] != '"'; k++, len++) {
        unsigned char c = (unsigned char)t->s[k];
        if (c == '\\') {
            if (++k == t->n)
                return NULL;
            c = (unsigned char)t->s[k];
        }
        if (c != '\t' && (c < 0x20 || c == 0x7f))
            return NULL;
    }
    if (k == t->n)
        return NULL;
    char *out = arena_alloc(a, len + 1);
    size_t o = 0;
    for (k = t->i + 1; t->s[k] != '"'; k++) {
        if (t->s[k] == '\\')
            k++;
        out[o++] = t->s[k];
    }
    out[o] = '\0';
    t->i = k + 1;
    return out;
}

/* After "scheme 1*SP": is what follows a token68 (and not auth-params)?
 * It is when the token68 characters and their '=' padding run to the end
 * of the element. */
static size_t token68_len(const scan *t)
{
    size_t k = t->i;
    while (k < t->n && is_t68char((unsigned char)t->s[k]))
        k++;
    if (k == t->i)
        return 0;
    while (k < t->n && t->s[k] == '=')
        k++;
    size_t end = k;
    while (k < t->n && (t->s[k] == ' ' || t->s[k] == '\t'))
        k++;
    return k == t->n || t->s[k] == ',' ? end - t->i : 0;
}

/* At an element: is it "token BWS =" (a parameter)? */
static bool at_param(const scan *t)
{
    size_t k = t->i + token_len(t);
    if (k == t->i)
        return false;
    while (k < t->n && (t->s[k] == ' ' || t->s[k] == '\t'))
        k++;
    return k < t->n && t->s[k] == '=';
}

/* Skip OWS and empty list elements; true when an element follows. */
static bool next_element(scan *t)
{
    for (;;) {
        skip_ows(t);
        if (t->i < t->n && t->s[t->i] == ',') {
            t->i++;
            continue;
        }
        return t->i < t->n;
    }
}

/* token BWS "=" BWS ( token / quoted-string ), at_param() being true. */
static bool parse_param(arena *a, scan *t, www_challenge *c)
{
    size_t nlen = token_len(t);
    const char *name = lower_dup(a, t->s + t->i, nlen);
    t->i += nlen;
    skip_ows(t);
    t->i++; /* '=' */
    skip_ows(t);
    const char *value;
    if (t->i < t->n && t->s[t->i] == '"') {
        value = quoted_string(a, t);
        if (!value)
            return false;
    } else {
        size_t vlen = token_len(t);
        if (vlen == 0)
            return false;
        value = arena_strndup(a, t->s + t->i, vlen);
        t->i += vlen;
    }
    if (c->nparams == WWW_AUTH_MAX_PARAMS)
        return false;
    c->params[c->nparams].name = name;
    c->params[c->nparams].value = value;
    c->nparams++;
    return true;
}

/* After an element: OWS, then the end or a comma. */
static bool element_end(scan *t)
{
    skip_ows(t);
    if (t->i == t->n)
        return true;
    if (t->s[t->i] != ',')
        return false;
    t->i++;
    return true;
}

bool www_auth_parse(arena *a, const char *s, size_t n, www_challenge *ch,
                    size_t *count)
{
    scan t = {s, n, 0};
    *count = 0;
    while (next_element(&t)) {
        size_t slen = token_len(&t);
        if (slen == 0 || *count == WWW_AUTH_MAX_CHALLENGES)
            return false;
        www_challenge *c = &ch[*count];
        memset(c, 0, sizeof(*c));
        c->scheme = lower_dup(a, s + t.i, slen);
        t.i += slen;
        size_t before = t.i;
        skip_ows(&t);
        bool spaced = t.i > before;
        if (t.i == n || t.s[t.i] == ',') {      /* a scheme alone */
            (*count)++;
            continue;
        }
        if (!spaced)
            return false;
        size_t t68 = token68_len(&t);
        if (t68) {
            c->token68 = arena_strndup(a, s + t.i, t68);
            t.i += t68;
            (*count)++;
            if (!element_end(&t))
                return false;
            continue;
        }
        /* Parameters: the first must be one; after a comma, an element
         * that is not "token =" starts the next challenge. */
        if (!at_param(&t))
            return false;
        for (;;) {
            if (!parse_param(a, &t, c))
                return false;
            if (!element_end(&t))
                return false;
            if (!next_element(&t) || !at_param(&t))
                break;
        }
        (*count)++;
    }
    return true;
}

const char *www_auth_param(const www_challenge *c, const char *name)
{
    const char *v = NULL;
    for (size_t i = 0; i < c->nparams; i++)
        if (strcmp(c->params[i].name, name) == 0)
            v = c->params[i].value;
    return v;
}

www_auth_choice www_auth_choose(const www_challenge *ch, size_t count)
{
    www_auth_choice r = {WWW_AUTH_NONE, NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < count; i++) {
        const char *realm = www_auth_param(&ch[i], "realm");
        if (strcmp(ch[i].scheme, "bearer") == 0 && realm && *realm) {
            r.kind = WWW_AUTH_BEARER;
            r.realm = realm;
            r.service = www_auth_param(&ch[i], "service");
            r.scope = www_auth_param(&ch[i], "scope");
            r.error = www_auth_param(&ch[i], "error");
            return r;
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (strcmp(ch[i].scheme, "basic") == 0) {
            r.kind = WWW_AUTH_BASIC;
            r.realm = www_auth_param(&ch[i], "realm");
            return r;
        }
    }
    return r;
}
