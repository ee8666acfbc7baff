#include "rules/perms.h"

#include <string.h>

#include "rules/download.h"

/* The permissions a class usually has on a file (0644-ish, owner rw), for
 * copies such as `g=u`: the OpenShift-era `chmod g=u /etc/passwd` gives the
 * group the owner's write bit. */
static unsigned typical_class_bits(char who)
{
    switch (who) {
    case 'u': return 06; /* rw */
    case 'g': return 04; /* r */
    default: return 04;
    }
}

static bool parse_octal(const char *m, mode_grant *g)
{
    unsigned v = 0;
    size_t n = 0;
    for (; m[n]; n++) {
        if (m[n] < '0' || m[n] > '7' || n >= 5)
            return false;
        v = v * 8 + (unsigned)(m[n] - '0');
    }
    if (n == 0)
        return false;
    g->known = true;
    g->bits = v & 0777;
    g->sticky = (v & 01000) != 0;
    return true;
}

/* One clause of a symbolic mode: [ugoa]*([-+=]([rwxXst]*|[ugo]))+ */
static bool parse_clause(const char *s, const char *end, mode_grant *g)
{
    unsigned who = 0;
    while (s < end && strchr("ugoa", *s)) {
        who |= *s == 'u' ? 0700 : *s == 'g' ? 0070 : *s == 'o' ? 0007 : 0777;
        s++;
    }
    if (s == end)
        return false;
    unsigned mask = who ? who : 0755; /* no who: the umask (022) applies */
    while (s < end) {
        char op = *s++;
        if (op != '+' && op != '-' && op != '=')
            return false;
        unsigned perm = 0;
        bool sticky = false;
        while (s < end && !strchr("+-=", *s)) {
            switch (*s) {
            case 'r': perm |= 0444; break;
            case 'w': perm |= 0222; break;
            case 'x':
            case 'X': perm |= 0111; break;
            case 's': break; /* setuid/setgid: not a write bit */
            case 't': sticky = true; break;
            case 'u':
            case 'g':
            case 'o': {
                unsigned b = typical_class_bits(*s);
                perm |= b * 0111; /* the same bits for every class */
                break;
            }
            default:
                return false;
            }
            s++;
        }
        if (op != '-') {
            g->bits |= perm & mask;
            g->sticky |= sticky;
        }
    }
    return true;
}

mode_grant mode_parse(const char *mode)
{
    mode_grant g = {0};
    if (!mode || !*mode)
        return g;
    if (mode[0] >= '0' && mode[0] <= '7') {
        parse_octal(mode, &g);
        return g;
    }
    const char *p = mode;
    while (*p) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        if (!parse_clause(p, end, &g)) {
            g.known = false;
            g.bits = 0;
            return g;
        }
        p = comma ? comma + 1 : end;
    }
    g.known = true;
    return g;
}

static bool looks_like_mode(const char *v)
{
    if (!*v)
        return false;
    for (const char *p = v; *p; p++)
        if (!strchr("0123456789ugoa+-=rwxXst,", *p))
            return false;
    return true;
}

/* The value of `--mode=VALUE` as a word of its own. */
static const sh_word *value_after_eq(lint_ctx *ctx, const sh_word *w)
{
    sh_word *v = arena_alloc(ctx->a, sizeof(*v));
    *v = *w;
    const char *eq = strchr(w->value, '=');
    v->value = eq + 1;
    v->len = strlen(eq + 1);
    v->off = w->off + (uint32_t)(eq + 1 - w->value);
    return v;
}

bool chmod_call_parse(lint_ctx *ctx, const sh_command *c, chmod_call *out)
{
    memset(out, 0, sizeof(*out));
    const sh_word *args;
    size_t n;
    const char *name = command_name(c, &args, &n);
    if (!name)
        return false;
    bool is_chmod = !strcmp(name, "chmod");
    bool is_mkdir = !strcmp(name, "mkdir");
    bool is_install = !strcmp(name, "install");
    if (!is_chmod && !is_mkdir && !is_install)
        return false;

    bool options_done = false;
    size_t first_path = n;
    for (size_t i = 0; i < n; i++) {
        const char *v = lint_word(&args[i]);
        if (!options_done && !strcmp(v, "--")) {
            options_done = true;
            continue;
        }
        if (!options_done && v[0] == '-' && v[1]) {
            if (!strcmp(v, "-R") || !strcmp(v, "--recursive")) {
                out->recursive = true;
                continue;
            }
            if (!strncmp(v, "--mode=", 7) && (is_mkdir || is_install)) {
                out->mode = value_after_eq(ctx, &args[i]);
                continue;
            }
            if (!strcmp(v, "-m") && (is_mkdir || is_install) && i + 1 < n) {
                out->mode = &args[++i];
                continue;
            }
            if (!strncmp(v, "--reference", 11))
                return false; /* the mode comes from another file */
            /* chmod -w file: a mode that looks like an option */
            if (is_chmod && !out->mode && looks_like_mode(v + 1) &&
                strchr("rwxXst", v[1])) {
                out->mode = &args[i];
                continue;
            }
            if (is_install && (!strcmp(v, "-o") || !strcmp(v, "-g") ||
                               !strcmp(v, "-t") || !strcmp(v, "-S")) &&
                i + 1 < n)
                i++;
            continue;
        }
        if (is_chmod && !out->mode) {
            out->mode = &args[i];
            continue;
        }
        first_path = i;
        break;
    }
    if (first_path < n) {
        out->paths = &args[first_path];
        out->npaths = n - first_path;
    }
    return out->mode != NULL;
}

bool perms_is_root(const char *s)
{
    if (!s || !*s)
        return false;
    if (!strcmp(s, "root"))
        return true;
    for (const char *p = s; *p; p++)
        if (*p != '0')
            return false;
    return true;
}

bool chown_call_parse(lint_ctx *ctx, const sh_command *c, chown_call *out)
{
    memset(out, 0, sizeof(*out));
    const sh_word *args;
    size_t n;
    const char *name = command_name(c, &args, &n);
    if (!name)
        return false;
    bool is_chgrp = !strcmp(name, "chgrp");
    if (strcmp(name, "chown") != 0 && !is_chgrp)
        return false;
    size_t i = 0;
    for (; i < n; i++) {
        const char *v = lint_word(&args[i]);
        if (!strcmp(v, "--")) {
            i++;
            break;
        }
        if (v[0] != '-' || !v[1])
            break;
        if (!strncmp(v, "--reference", 11))
            return false;
        if (!strcmp(v, "-R") || !strcmp(v, "--recursive"))
            out->recursive = true;
    }
    if (i >= n || (args[i].flags & SHW_DYNAMIC))
        return false;
    out->spec = &args[i];
    const char *spec = lint_word(&args[i]);
    if (is_chgrp) {
        out->group = spec;
    } else {
        size_t u = strcspn(spec, ":.");
        out->user = u ? arena_strndup(ctx->a, spec, u) : NULL;
        if (spec[u] && spec[u + 1])
            out->group = spec + u + 1;
    }
    out->paths = &args[i + 1];
    out->npaths = n - i - 1;
    return true;
}
