#include "image/regex_cost.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define MAX_NESTING 256

static uint64_t add(uint64_t a, uint64_t b)
{
    return a + b >= REGEX_COST_INFINITE ? REGEX_COST_INFINITE : a + b;
}

static uint64_t mul(uint64_t a, uint64_t b)
{
    if (a == 0 || b == 0)
        return 0;
    return a >= REGEX_COST_INFINITE / b ? REGEX_COST_INFINITE : a * b;
}

/* Reads a decimal number at *p (none: false); large ones saturate. */
static bool number(const char **p, uint64_t *n)
{
    if (!isdigit((unsigned char)**p))
        return false;
    *n = 0;
    while (isdigit((unsigned char)**p)) {
        *n = add(mul(*n, 10), (uint64_t)(**p - '0'));
        (*p)++;
    }
    return true;
}

/* `{m}`, `{m,}` or `{m,n}` at p: the copies it makes of its atom, and
 * the end of the quantifier (NULL: not a quantifier, a literal '{'). */
static const char *braces(const char *p, uint64_t optional,
                          uint64_t *copies)
{
    uint64_t m, n;
    p++;
    if (!number(&p, &m))
        return NULL;
    if (*p == '}') {
        *copies = m;
        return p + 1;
    }
    if (*p++ != ',')
        return NULL;
    if (*p == '}') {
        *copies = add(m, 1);
        return p + 1;
    }
    if (!number(&p, &n) || *p != '}' || n < m)
        return NULL;
    *copies = add(m, mul(n - m, optional));
    return p + 1;
}

/* The end of the bracket expression at p ('['), or of the string. */
static const char *skip_class(const char *p)
{
    p++;
    if (*p == '^')
        p++;
    if (*p == ']')
        p++;
    while (*p && *p != ']') {
        if (p[0] == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
            const char *close = strchr(p + 2, p[1]);
            if (close && close[1] == ']') {
                p = close + 2;
                continue;
            }
        }
        if (*p == '\\' && p[1])
            p++;
        p++;
    }
    return *p ? p + 1 : p;
}

uint64_t regex_cost(const char *re, uint64_t optional)
{
    /* Per open group: the cost of its finished branches, and of the
     * sequence before it in the enclosing group. */
    uint64_t branches[MAX_NESTING], outer[MAX_NESTING];
    size_t depth = 0;
    uint64_t seq = 0, alts = 0, atom = 0;
    const char *p = re;
    while (*p) {
        char c = *p;
        if (c == '(') {
            if (depth == MAX_NESTING)
                return REGEX_COST_INFINITE;
            branches[depth] = alts;
            outer[depth++] = seq;
            seq = alts = atom = 0;
            p++;
            if (*p == '?') /* (?:...), (?i), (?i:...): no position */
                while (*p && *p != ':' && *p != ')')
                    p++;
            if (*p == ':')
                p++;
            continue;
        }
        if (c == ')' && depth > 0) {
            uint64_t group = add(alts, seq);
            depth--;
            alts = branches[depth];
            seq = add(outer[depth], group);
            atom = group;
            p++;
            continue;
        }
        if (c == '|') {
            alts = add(alts, seq);
            seq = atom = 0;
            p++;
            continue;
        }
        uint64_t copies;
        const char *after;
        if (c == '{' && (after = braces(p, optional, &copies)) != NULL) {
            /* seq already holds one copy of the atom. */
            seq = add(seq - atom, mul(atom, copies));
            atom = mul(atom, copies);
            p = after;
            continue;
        }
        if (c == '*' || c == '+' || c == '?') {
            p++;
            continue;
        }
        if (c == '[')
            p = skip_class(p);
        else if (c == '\\' && p[1] && strchr("xpP", p[1]) && p[2] == '{' &&
                 strchr(p + 3, '}'))
            p = strchr(p + 3, '}') + 1; /* \x{41}, \p{L}: one position */
        else if (c == '\\' && p[1])
            p += 2;
        else
            p++;
        atom = 1;
        seq = add(seq, 1);
    }
    while (depth > 0) { /* unclosed: the compiler will say so */
        depth--;
        seq = add(outer[depth], add(alts, seq));
        alts = branches[depth];
    }
    return add(alts, seq);
}
