/*
 * Instruction-stage checks, after BuildKit's instructions/parse.go,
 * bflag.go and commands_run*.go. Messages follow BuildKit's wording so a
 * user recognises what `docker build` would say.
 */
#include "dockerfile/validate.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strbuf.h"
#include "util/text.h"

typedef enum flag_type { FLAG_BOOL, FLAG_STRING, FLAG_STRINGS } flag_type;

typedef struct flag_spec {
    df_kind kind;
    const char *name;
    flag_type type;
} flag_spec;

static const flag_spec flag_specs[] = {
    {DF_ADD, "chown", FLAG_STRING},
    {DF_ADD, "chmod", FLAG_STRING},
    {DF_ADD, "link", FLAG_BOOL},
    {DF_ADD, "keep-git-dir", FLAG_BOOL},
    {DF_ADD, "checksum", FLAG_STRING},
    {DF_ADD, "unpack", FLAG_BOOL},
    {DF_ADD, "exclude", FLAG_STRINGS},
    {DF_COPY, "chown", FLAG_STRING},
    {DF_COPY, "chmod", FLAG_STRING},
    {DF_COPY, "from", FLAG_STRING},
    {DF_COPY, "link", FLAG_BOOL},
    {DF_COPY, "parents", FLAG_BOOL},
    {DF_COPY, "exclude", FLAG_STRINGS},
    {DF_FROM, "platform", FLAG_STRING},
    {DF_RUN, "mount", FLAG_STRINGS},
    {DF_RUN, "network", FLAG_STRING},
    {DF_RUN, "security", FLAG_STRING},
    {DF_RUN, "device", FLAG_STRINGS},
    {DF_HEALTHCHECK, "interval", FLAG_STRING},
    {DF_HEALTHCHECK, "timeout", FLAG_STRING},
    {DF_HEALTHCHECK, "start-period", FLAG_STRING},
    {DF_HEALTHCHECK, "start-interval", FLAG_STRING},
    {DF_HEALTHCHECK, "retries", FLAG_STRING},
};

#define NSPECS (sizeof(flag_specs) / sizeof(flag_specs[0]))

typedef struct checker {
    arena *a;
    const df_file *f;
    df_problem *items;
    size_t n, cap;
    size_t inst;
    const char *prefix; /* "ONBUILD trigger: " inside ONBUILD */
} checker;

static void report(checker *c, uint32_t off, const char *msg)
{
    df_problem *p = ARENA_PUSH(c->a, c->items, c->n, c->cap);
    p->inst = c->inst;
    p->off = off;
    p->message = c->prefix ? arena_printf(c->a, "%s%s", c->prefix, msg) : msg;
}

#define reportf(c, off, ...) report((c), (off), arena_printf((c)->a, __VA_ARGS__))

/* ------------------------------------------------------- suggestions */

/* The closest of `options` to `word`, if close enough to be a typo. */
static const char *suggest(const char *word, const char *const *options,
                           size_t n)
{
    const char *best = NULL;
    size_t best_d = 3;
    size_t len = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t d = text_edit_distance(word, options[i], true);
        if (d < best_d && d <= (len + 1) / 2) {
            best_d = d;
            best = options[i];
        }
    }
    return best;
}

/* ------------------------------------------------------------- flags */

static const flag_spec *find_spec(df_kind kind, const char *name)
{
    for (size_t i = 0; i < NSPECS; i++)
        if (flag_specs[i].kind == kind && strcmp(flag_specs[i].name, name) == 0)
            return &flag_specs[i];
    return NULL;
}

static void check_flags(checker *c, const df_instruction *in)
{
    for (size_t i = 0; i < in->nflags; i++) {
        const df_flag *fl = &in->flags[i];
        const flag_spec *spec = find_spec(in->kind, fl->name);
        if (!spec) {
            const char *names[NSPECS];
            size_t n = 0;
            for (size_t k = 0; k < NSPECS; k++)
                if (flag_specs[k].kind == in->kind)
                    names[n++] = flag_specs[k].name;
            const char *s = suggest(fl->name, names, n);
            if (s)
                reportf(c, fl->raw.off, "unknown flag: %s (did you mean %s?)",
                        fl->name, s);
            else
                reportf(c, fl->raw.off, "unknown flag: %s", fl->name);
            continue;
        }
        if (spec->type != FLAG_STRINGS) {
            for (size_t k = 0; k < i; k++)
                if (strcmp(in->flags[k].name, fl->name) == 0) {
                    reportf(c, fl->raw.off, "duplicate flag specified: %s",
                            fl->name);
                    break;
                }
        }
        if (spec->type == FLAG_BOOL) {
            if (fl->value && !*fl->value)
                reportf(c, fl->raw.off, "missing a value on flag: %s",
                        fl->name);
            else if (fl->value && strcasecmp(fl->value, "true") != 0 &&
                     strcasecmp(fl->value, "false") != 0)
                reportf(c, fl->value_off,
                        "expecting boolean value for flag %s, not: %s",
                        fl->name, fl->value);
        } else if (!fl->value) {
            reportf(c, fl->raw.off, "missing a value on flag: %s", fl->name);
        }
    }
}

static bool has_dollar(const char *s)
{
    return strchr(s, '$') != NULL;
}

/* time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ or "0", into
 * nanoseconds. False when malformed. */
static bool parse_go_duration(const char *s, long double *ns)
{
    bool neg = false;
    *ns = 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (strcmp(s, "0") == 0)
        return true;
    if (!*s)
        return false;
    long double total = 0;
    while (*s) {
        if (!(isdigit((unsigned char)*s) || *s == '.'))
            return false;
        const char *num = s;
        while (isdigit((unsigned char)*s) || *s == '.')
            s++;
        char *end;
        long double v = strtold(num, &end);
        if (end != s)
            return false;
        s = end;
        const char *u = s;
        while (*s && !isdigit((unsigned char)*s) && *s != '.')
            s++;
        size_t ul = (size_t)(s - u);
        long double mult;
        if (ul == 2 && !strncmp(u, "ns", 2))
            mult = 1;
        else if ((ul == 2 && !strncmp(u, "us", 2)) ||
                 (ul == 3 && (!strncmp(u, "\xc2\xb5s", 3) ||
                              !strncmp(u, "\xce\xbcs", 3))))
            mult = 1e3;
        else if (ul == 2 && !strncmp(u, "ms", 2))
            mult = 1e6;
        else if (ul == 1 && *u == 's')
            mult = 1e9;
        else if (ul == 1 && *u == 'm')
            mult = 60e9;
        else if (ul == 1 && *u == 'h')
            mult = 3600e9;
        else
            return false;
        total += v * mult;
    }
    *ns = neg ? -total : total;
    return true;
}

static void check_healthcheck_flags(checker *c, const df_instruction *in)
{
    static const char *const durations[] = {"interval", "timeout",
                                            "start-period", "start-interval"};
    for (size_t k = 0; k < 4; k++) {
        const df_flag *fl = df_find_flag(in, durations[k]);
        if (!fl || !fl->value || !*fl->value || has_dollar(fl->value))
            continue;
        long double d;
        if (!parse_go_duration(fl->value, &d))
            reportf(c, fl->value_off, "time: invalid duration \"%s\"",
                    fl->value);
        else if (d != 0 && d < 1e6)
            reportf(c, fl->value_off,
                    "Interval \"%s\" cannot be less than 1ms", durations[k]);
    }
    const df_flag *r = df_find_flag(in, "retries");
    if (r && r->value && *r->value && !has_dollar(r->value)) {
        char *end;
        long v = strtol(r->value, &end, 10);
        if (*end || end == r->value)
            reportf(c, r->value_off,
                    "strconv.ParseInt: parsing \"%s\": invalid syntax",
                    r->value);
        else if (v < 0)
            reportf(c, r->value_off, "--retries cannot be negative (%ld)", v);
    }
}

static bool valid_chmod(const char *v)
{
    if (!*v)
        return false;
    bool octal = true;
    for (const char *p = v; *p; p++)
        octal = octal && *p >= '0' && *p <= '7';
    if (octal)
        return strlen(v) <= 11;
    /* Symbolic: [ugoa]*[-+=][rwxXst]* , comma separated. */
    const char *p = v;
    while (*p) {
        while (*p && strchr("ugoa", *p))
            p++;
        if (!*p || !strchr("+-=", *p))
            return false;
        while (*p && strchr("+-=", *p)) {
            p++;
            while (*p && strchr("rwxXstugo", *p))
                p++;
        }
        if (*p == ',')
            p++;
        else if (*p)
            return false;
    }
    return true;
}

static bool valid_checksum(const char *v)
{
    static const struct {
        const char *alg;
        size_t hex;
    } algs[] = {{"sha256", 64}, {"sha384", 96}, {"sha512", 128}};
    const char *colon = strchr(v, ':');
    if (!colon)
        return false;
    for (size_t i = 0; i < 3; i++) {
        if ((size_t)(colon - v) == strlen(algs[i].alg) &&
            strncmp(v, algs[i].alg, strlen(algs[i].alg)) == 0) {
            const char *h = colon + 1;
            size_t n = 0;
            for (; h[n]; n++)
                if (!isxdigit((unsigned char)h[n]) ||
                    isupper((unsigned char)h[n]))
                    return false;
            return n == algs[i].hex;
        }
    }
    return false;
}

/* ------------------------------------------------------------- mounts */

/* Splits a CSV record the way Go's encoding/csv reads one line. */
static size_t csv_fields(arena *a, const char *s, const char ***out)
{
    const char **items = NULL;
    size_t n = 0, cap = 0;
    strbuf f;
    sb_init(&f);
    const char *p = s;
    for (;;) {
        sb_reset(&f);
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p)
                    break;
                if (*p == '"') {
                    if (p[1] == '"') {
                        sb_putc(&f, '"');
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                sb_putc(&f, *p++);
            }
            while (*p && *p != ',')
                sb_putc(&f, *p++);
        } else {
            while (*p && *p != ',')
                sb_putc(&f, *p++);
        }
        *ARENA_PUSH(a, items, n, cap) = sb_to_arena(&f, a);
        if (*p != ',')
            break;
        p++;
    }
    sb_free(&f);
    *out = items;
    return n;
}

static bool parse_go_bool(const char *v, bool *out)
{
    static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < 6; i++) {
        if (strcmp(v, t[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(v, f[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool parse_uint_base(const char *v, int base)
{
    if (!*v)
        return false;
    char *end;
    unsigned long long x = strtoull(v, &end, base);
    return !*end && x <= 0xFFFFFFFFull && v[0] != '-' && v[0] != '+';
}

df_mount *df_parse_mount(arena *a, const char *spec, const char **error)
{
    *error = NULL;
    df_mount *m = ARENA_NEW(a, df_mount);
    m->type = DF_MOUNT_BIND;
    bool ro_auto = true;
    bool has_mode = false, has_uid = false, has_gid = false;
    const char **fields;
    size_t n = csv_fields(a, spec, &fields);
    static const char *const types[] = {"bind", "cache", "tmpfs", "secret",
                                        "ssh"};
    const char *tname = "bind";
    for (size_t i = 0; i < n; i++) {
        const char *field = fields[i];
        const char *eq = strchr(field, '=');
        char *key = arena_strndup(a, field, eq ? (size_t)(eq - field)
                                               : strlen(field));
        for (char *k = key; *k; k++)
            *k = (char)tolower((unsigned char)*k);
        const char *value = eq ? eq + 1 : NULL;
        bool dyn = value && has_dollar(value);

        if (!value) {
            if (!strcmp(key, "readonly") || !strcmp(key, "ro")) {
                m->readonly = true;
                ro_auto = false;
            } else if (!strcmp(key, "readwrite") || !strcmp(key, "rw")) {
                m->readonly = false;
                ro_auto = false;
            } else if (!strcmp(key, "required")) {
                if (m->type != DF_MOUNT_SECRET && m->type != DF_MOUNT_SSH)
                    goto unexpected_for_type;
                m->required = true;
            } else {
                *error = arena_printf(a, "invalid field '%s' must be a "
                                         "key=value pair", field);
                return NULL;
            }
            continue;
        }
        if (!strcmp(key, "type")) {
            size_t t = 0;
            while (t < 5 && strcasecmp(value, types[t]) != 0)
                t++;
            if (t == 5 && !dyn) {
                const char *s = suggest(value, types, 5);
                *error = s ? arena_printf(a, "unsupported mount type \"%s\" "
                                             "(did you mean %s?)", value, s)
                           : arena_printf(a, "unsupported mount type \"%s\"",
                                          value);
                return NULL;
            }
            if (t < 5) {
                m->type = (df_mount_type)t;
                tname = types[t];
            }
        } else if (!strcmp(key, "from")) {
            m->from = value;
        } else if (!strcmp(key, "source") || !strcmp(key, "src")) {
            m->source = value;
        } else if (!strcmp(key, "target") || !strcmp(key, "dst") ||
                   !strcmp(key, "destination")) {
            m->target = value;
        } else if (!strcmp(key, "readonly") || !strcmp(key, "ro") ||
                   !strcmp(key, "readwrite") || !strcmp(key, "rw")) {
            bool b;
            if (!dyn && !parse_go_bool(value, &b)) {
                *error = arena_printf(a, "invalid value for %s: %s", key,
                                      value);
                return NULL;
            }
            bool is_ro = !strcmp(key, "readonly") || !strcmp(key, "ro");
            if (!dyn)
                m->readonly = is_ro ? b : !b;
            ro_auto = false;
        } else if (!strcmp(key, "required")) {
            if (m->type != DF_MOUNT_SECRET && m->type != DF_MOUNT_SSH)
                goto unexpected_for_type;
            bool b;
            if (!dyn && !parse_go_bool(value, &b)) {
                *error = arena_printf(a, "invalid value for %s: %s", key,
                                      value);
                return NULL;
            }
            m->required = dyn || b;
        } else if (!strcmp(key, "id")) {
            m->id = value;
        } else if (!strcmp(key, "sharing")) {
            if (!dyn && strcasecmp(value, "shared") &&
                strcasecmp(value, "private") && strcasecmp(value, "locked")) {
                *error = arena_printf(a, "unsupported sharing value \"%s\"",
                                      value);
                return NULL;
            }
            m->sharing = value;
        } else if (!strcmp(key, "mode") || !strcmp(key, "uid") ||
                   !strcmp(key, "gid")) {
            if (!dyn && !parse_uint_base(value, key[0] == 'm' ? 8 : 10)) {
                *error = arena_printf(a, "invalid value %s for %s", value, key);
                return NULL;
            }
            has_mode |= key[0] == 'm';
            has_uid |= key[0] == 'u';
            has_gid |= key[0] == 'g';
        } else if (!strcmp(key, "size")) {
            if (m->type != DF_MOUNT_TMPFS)
                goto unexpected_for_type;
        } else if (!strcmp(key, "env")) {
            if (m->type != DF_MOUNT_SECRET)
                goto unexpected_for_type;
            m->env = value;
        } else {
            *error = arena_printf(a, "unexpected key '%s' in '%s'", key, field);
            return NULL;
        }
        continue;
    unexpected_for_type:
        *error = arena_printf(a, "unexpected key '%s' for mount type '%s'",
                              key, tname);
        return NULL;
    }

    bool file_info = m->type == DF_MOUNT_SECRET || m->type == DF_MOUNT_SSH ||
                     m->type == DF_MOUNT_CACHE;
    if ((has_mode || has_uid || has_gid) && !file_info) {
        *error = arena_printf(a, "%s not allowed for \"%s\" type mounts",
                              has_mode ? "mode" : has_uid ? "uid" : "gid",
                              tname);
        return NULL;
    }
    if (ro_auto)
        m->readonly = !(m->type == DF_MOUNT_CACHE || m->type == DF_MOUNT_TMPFS);
    if (m->sharing && m->type != DF_MOUNT_CACHE) {
        *error = arena_printf(a, "invalid cache sharing set for %s mount",
                              tname);
        return NULL;
    }
    if (m->type == DF_MOUNT_SECRET) {
        if (m->from) {
            *error = "secret mount should not have a from";
            return NULL;
        }
        if (!m->source && !m->target && !m->id && !m->env) {
            *error = "invalid secret mount. one of source, target required";
            return NULL;
        }
        if (m->source && m->id) {
            *error = "both source and id can't be set";
            return NULL;
        }
    }
    return m;
}

/* ------------------------------------------------------- instructions */

static const char *const instruction_names[] = {
    "add",   "arg",     "cmd",        "copy",       "entrypoint", "env",
    "expose", "from",   "healthcheck", "label",     "maintainer", "onbuild",
    "run",   "shell",   "stopsignal", "user",       "volume",     "workdir",
};

static void check_run_flags(checker *c, const df_instruction *in)
{
    for (size_t i = 0; i < in->nflags; i++) {
        const df_flag *fl = &in->flags[i];
        if (!fl->value || has_dollar(fl->value))
            continue;
        if (!strcmp(fl->name, "mount")) {
            const char *err;
            if (!df_parse_mount(c->a, fl->value, &err))
                report(c, fl->value_off, err);
        } else if (!strcmp(fl->name, "network")) {
            if (strcmp(fl->value, "default") && strcmp(fl->value, "none") &&
                strcmp(fl->value, "host"))
                reportf(c, fl->value_off, "unsupported network mode \"%s\"",
                        fl->value);
        } else if (!strcmp(fl->name, "security")) {
            if (strcmp(fl->value, "sandbox") && strcmp(fl->value, "insecure"))
                reportf(c, fl->value_off, "unsupported security mode \"%s\"",
                        fl->value);
        }
    }
}

static void check_copy_flags(checker *c, const df_instruction *in)
{
    const df_flag *chmod = df_find_flag(in, "chmod");
    if (chmod && chmod->value && !has_dollar(chmod->value) &&
        !valid_chmod(chmod->value))
        reportf(c, chmod->value_off, "invalid chmod parameter: %s",
                chmod->value);
    const df_flag *sum = df_find_flag(in, "checksum");
    if (sum && sum->value && !has_dollar(sum->value) &&
        !valid_checksum(sum->value))
        reportf(c, sum->value_off, "invalid checksum digest format: %s",
                sum->value);
}

static void check_instruction(checker *c, const df_instruction *in,
                              bool in_onbuild);

static void check_arity(checker *c, const df_instruction *in)
{
    const char *kw = df_kind_name(in->kind);
    uint32_t at = in->keyword.off;
    switch (in->kind) {
    case DF_FROM:
        if (in->nargs == 3 && strcasecmp(in->args[1].s, "as") == 0) {
            const char *name = in->args[2].s;
            bool ok = isalpha((unsigned char)name[0]);
            for (const char *p = name; ok && *p; p++)
                ok = isalnum((unsigned char)*p) || *p == '-' || *p == '_' ||
                     *p == '.';
            if (!ok && !has_dollar(name))
                reportf(c, in->args[2].off,
                        "invalid name for build stage: \"%s\", name can't "
                        "start with a number or contain symbols", name);
        } else if (in->nargs != 1) {
            report(c, at, "FROM requires either one or three arguments");
        }
        break;
    case DF_ADD:
    case DF_COPY:
        if (in->nargs < 2)
            reportf(c, at, "%s requires at least two arguments, but only one "
                           "was provided. Destination could not be "
                           "determined", kw);
        break;
    case DF_ENV:
    case DF_LABEL:
        if (in->nargs == 0)
            reportf(c, at, "%s requires at least one argument", kw);
        for (size_t i = 0; i + 1 < in->nargs; i += 2)
            if (in->args[i].len == 0)
                reportf(c, in->args[i].off, "%s names can not be blank", kw);
        break;
    case DF_ARG:
        if (in->nargs == 0)
            report(c, at, "ARG requires at least one argument");
        for (size_t i = 0; i < in->nargs; i++)
            if (in->args[i].s[0] == '=')
                report(c, in->args[i].off, "ARG names can not be blank");
        break;
    case DF_EXPOSE:
    case DF_VOLUME:
        if (in->nargs == 0)
            reportf(c, at, "%s requires at least one argument", kw);
        if (in->kind == DF_VOLUME)
            for (size_t i = 0; i < in->nargs; i++)
                if (in->args[i].len == 0)
                    report(c, in->args[i].off,
                           "VOLUME specified can not be an empty string");
        break;
    case DF_USER:
    case DF_WORKDIR:
    case DF_STOPSIGNAL:
    case DF_MAINTAINER:
        if (in->nargs != 1)
            reportf(c, at, "%s requires exactly one argument", kw);
        break;
    case DF_SHELL:
        if (in->nargs == 0)
            report(c, at, "SHELL requires at least one argument");
        else if (!in->json)
            report(c, at, "SHELL requires the arguments to be in JSON form");
        break;
    case DF_HEALTHCHECK:
        if (in->nargs == 0) {
            report(c, at, "HEALTHCHECK requires at least one argument");
        } else if (strcasecmp(in->args[0].s, "NONE") == 0) {
            if (in->nargs > 1)
                report(c, in->args[1].off, "HEALTHCHECK NONE takes no "
                                           "arguments");
        } else if (strcasecmp(in->args[0].s, "CMD") == 0) {
            if (in->nargs < 2)
                report(c, in->args[0].off, "Missing command after "
                                           "HEALTHCHECK CMD");
        } else {
            char *up = arena_strdup(c->a, in->args[0].s);
            for (char *p = up; *p; p++)
                *p = (char)toupper((unsigned char)*p);
            reportf(c, in->args[0].off,
                    "Unknown type \"%s\" in HEALTHCHECK (try CMD)", up);
        }
        check_healthcheck_flags(c, in);
        break;
    case DF_ONBUILD:
        if (!in->trigger) {
            report(c, at, "ONBUILD requires at least one argument");
        } else if (in->trigger->kind == DF_ONBUILD) {
            report(c, in->trigger->keyword.off,
                   "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        } else if (in->trigger->kind == DF_FROM ||
                   in->trigger->kind == DF_MAINTAINER) {
            reportf(c, in->trigger->keyword.off,
                    "%s isn't allowed as an ONBUILD trigger",
                    df_kind_name(in->trigger->kind));
        } else {
            check_instruction(c, in->trigger, true);
        }
        break;
    default:
        break;
    }
}

static void check_instruction(checker *c, const df_instruction *in,
                              bool in_onbuild)
{
    const char *saved = c->prefix;
    if (in_onbuild)
        c->prefix = "ONBUILD trigger: ";
    if (in->kind == DF_UNKNOWN) {
        if (in->keyword.len) {
            const char *s = suggest(in->keyword.s, instruction_names,
                                    sizeof(instruction_names) /
                                        sizeof(instruction_names[0]));
            if (s)
                reportf(c, in->keyword.off,
                        "unknown instruction: %s (did you mean %s?)",
                        in->keyword.s, s);
            else
                reportf(c, in->keyword.off, "unknown instruction: %s",
                        in->keyword.s);
        }
        c->prefix = saved;
        return;
    }
    check_flags(c, in);
    if (in->kind == DF_RUN)
        check_run_flags(c, in);
    if (in->kind == DF_COPY || in->kind == DF_ADD)
        check_copy_flags(c, in);
    check_arity(c, in);
    c->prefix = saved;
}

size_t df_validate(arena *a, const df_file *f, df_problem **out)
{
    checker c = {.a = a, .f = f};
    bool has_from = false;
    for (size_t i = 0; i < f->ninsts; i++)
        has_from |= f->insts[i].kind == DF_FROM;
    bool seen_from = false;
    for (size_t i = 0; i < f->ninsts; i++) {
        const df_instruction *in = &f->insts[i];
        c.inst = i;
        seen_from |= in->kind == DF_FROM;
        if (has_from && !seen_from && in->kind != DF_ARG &&
            in->kind != DF_UNKNOWN)
            report(&c, in->keyword.off, "no build stage in current context");
        check_instruction(&c, in, false);
    }
    *out = c.items;
    return c.n;
}
