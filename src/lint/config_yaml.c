/*
 * .bosun.yaml: the configuration file, read with libyaml's document
 * loader. The file is strict on purpose: an unknown key, a value of the
 * wrong type or an unknown rule id is an error, because a typo in a policy
 * that is silently ignored is a policy that does not apply.
 *
 *   ignore: [rule-id, ...]
 *   severity: {rule-id: info|warning|error, ...}
 *   failure-threshold: info|warning|error|none
 *   trusted-registries: [glob, ...]
 *   nonroot-bases: [glob, ...]
 *   hadolint-pragmas: true|false
 *   patterns: FILE  (bosun image's --patterns; the command line resolves a
 *                    relative path against the file's directory)
 *   accept:          (bosun image: findings accepted, still listed in JSON
 *                     and SARIF)
 *     - rule: image-rule-id
 *       paths: [/absolute/glob, ...]
 *       reason: text (optional)
 *   skip-base: true|false  (bosun image's --skip-base)
 *   exclude: [glob, ...]  (paths `bosun lint DIR` does not walk into)
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "lint/config.h"
#include "rules/hadolint_map.h"
#include "rules/rule.h"
#include "util/xalloc.h"

/* Larger files are refused rather than parsed. */
#define CONFIG_MAX_SIZE (1u << 20)
/* Deeper nesting is refused before the file is loaded: libyaml's scanner
 * takes time quadratic in the nesting depth, and no setting nests deeper
 * than two levels. */
#define CONFIG_MAX_DEPTH 16

typedef struct loader {
    yaml_document_t *doc;
    bosun_config *cfg;
    bosun_config_error *err;
} loader;

static bool fail(loader *l, const yaml_node_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(loader *l, const yaml_node_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->err->message, sizeof(l->err->message), fmt, ap);
    va_end(ap);
    l->err->line = at ? (unsigned)at->start_mark.line + 1 : 0;
    return false;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
                                            : NULL;
}

/* A scalar that holds a string: anything but an empty plain scalar (YAML's
 * null, as in `key:` with no value). NUL bytes make it no string either. */
static const char *string_value(const yaml_node_t *n)
{
    const char *s = scalar(n);
    if (!s || strlen(s) != n->data.scalar.length)
        return NULL;
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
         !strcmp(s, "NULL")))
        return NULL;
    return s;
}

typedef bool (*item_fn)(loader *l, const char *key, const yaml_node_t *item,
                        const char *value);

/* Calls `fn` for every item of the list `n`, which must hold strings. */
static bool each_string(loader *l, const char *key, const yaml_node_t *n,
                        const char *what, item_fn fn)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(l, n, "'%s' must be a list of %s", key, what);
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top; it++) {
        const yaml_node_t *item = yaml_document_get_node(l->doc, *it);
        const char *s = string_value(item);
        if (!s || !*s)
            return fail(l, item ? item : n, "'%s' must be a list of %s", key,
                        what);
        if (!fn(l, key, item, s))
            return false;
    }
    return true;
}

/* An unknown rule id: a hadolint code is named as what it maps to. */
static bool unknown_rule(loader *l, const yaml_node_t *at, const char *id,
                         const char *key)
{
    const hadolint_mapping *m = hadolint_map_find(id);
    if (m && m->rule_id)
        return fail(l, at, "unknown rule '%s' in '%s': hadolint's %s is "
                           "bosun's %s (see 'bosun config import')",
                    id, key, id, m->rule_id);
    return fail(l, at, "unknown rule '%s' in '%s' (see 'bosun rules')", id,
                key);
}

static bool add_ignore(loader *l, const char *key, const yaml_node_t *item,
                       const char *id)
{
    if (!bosun_config_ignore(l->cfg, id))
        return unknown_rule(l, item, id, key);
    return true;
}

static bool add_registry(loader *l, const char *key, const yaml_node_t *item,
                         const char *glob)
{
    if (strstr(glob, "://"))
        return fail(l, item, "'%s': write '%s' as a registry host name "
                             "(e.g. registry.example.com), without a scheme",
                    key, glob);
    bosun_config_add_trusted_registry(l->cfg, glob);
    return true;
}

static bool add_nonroot_base(loader *l, const char *key,
                             const yaml_node_t *item, const char *glob)
{
    bosun_config_add_nonroot_base(l->cfg, glob);
    return true;
}

static bool add_exclude(loader *l, const char *key, const yaml_node_t *item,
                        const char *glob)
{
    (void)key;
    (void)item;
    bosun_config_add_exclude(l->cfg, glob);
    return true;
}

static bool load_exclude(loader *l, const char *key, const yaml_node_t *n)
{
    return each_string(l, key, n, "path globs", add_exclude);
}

static bool load_ignore(loader *l, const char *key, const yaml_node_t *n)
{
    return each_string(l, key, n, "rule ids", add_ignore);
}

static bool load_trusted_registries(loader *l, const char *key,
                                    const yaml_node_t *n)
{
    /* An empty list is a policy too: no registry is trusted. */
    l->cfg->registries_restricted = true;
    return each_string(l, key, n, "registries (globs such as *.example.com)",
                       add_registry);
}

static bool load_nonroot_bases(loader *l, const char *key,
                               const yaml_node_t *n)
{
    return each_string(l, key, n, "image globs", add_nonroot_base);
}

static bool load_severity(loader *l, const char *key, const yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(l, n, "'%s' must map rule ids to info, warning or error",
                    key);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        const char *id = string_value(k), *level = string_value(v);
        bosun_severity s;
        if (!id)
            return fail(l, k ? k : n, "'%s' must map rule ids to info, "
                                      "warning or error", key);
        if (!rules_find(id))
            return unknown_rule(l, k, id, key);
        if (!level || !bosun_severity_parse(level, &s))
            return fail(l, v ? v : k, "'%s' of %s must be info, warning or "
                                      "error, not '%s'", key, id,
                        level ? level : scalar(v) ? scalar(v) : "a list");
        bosun_config_set_severity(l->cfg, id, s);
    }
    return true;
}

static bool load_threshold(loader *l, const char *key, const yaml_node_t *n)
{
    const char *s = string_value(n);
    const char *shown = s ? s : scalar(n) ? scalar(n) : "a list";
    int threshold;
    if (!s || !bosun_threshold_parse(s, &threshold))
        return fail(l, n, "'%s' must be info, warning, error or none, not "
                          "'%s'", key, shown);
    bosun_config_set_failure_threshold(l->cfg, threshold);
    return true;
}

/* YAML's booleans, as a YAML 1.2 core schema reads them. */
static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", NULL};
    static const char *const no[] = {"false", "False", "FALSE", NULL};
    for (size_t i = 0; yes[i]; i++) {
        if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
            *out = !strcmp(s, yes[i]);
            return true;
        }
    }
    return false;
}

static bool load_hadolint_pragmas(loader *l, const char *key,
                                  const yaml_node_t *n)
{
    const char *s = string_value(n);
    bool honour;
    if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        !parse_bool(s, &honour))
        return fail(l, n, "'%s' must be true or false, not '%s'", key,
                    s ? s : scalar(n) ? scalar(n) : "a list");
    bosun_config_set_hadolint_pragmas(l->cfg, honour);
    return true;
}

static bool load_patterns(loader *l, const char *key, const yaml_node_t *n)
{
    const char *s = string_value(n);
    if (!s || !*s)
        return fail(l, n, "'%s' must be the path of a patterns file", key);
    bosun_config_set_patterns(l->cfg, s);
    return true;
}

static bool load_skip_base(loader *l, const char *key, const yaml_node_t *n)
{
    const char *s = string_value(n);
    bool skip;
    if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        !parse_bool(s, &skip))
        return fail(l, n, "'%s' must be true or false, not '%s'", key,
                    s ? s : scalar(n) ? scalar(n) : "a list");
    bosun_config_set_skip_base(l->cfg, skip);
    return true;
}

/* Most globs in one accept entry, and most entries: a policy, not data. */
#define ACCEPT_MAX_PATHS 4096
#define ACCEPT_MAX_ENTRIES 4096

/* One entry of accept: {rule: ID, paths: [GLOB, ...], reason: TEXT}. */
static bool load_accept_entry(loader *l, const char *key,
                              const yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(l, n, "each entry of '%s' must be a mapping with rule, "
                          "paths and an optional reason", key);
    const yaml_node_t *rule = NULL, *paths = NULL, *reason = NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        const char *name = string_value(k);
        const yaml_node_t **slot = NULL;
        if (name && !strcmp(name, "rule"))
            slot = &rule;
        else if (name && !strcmp(name, "paths"))
            slot = &paths;
        else if (name && !strcmp(name, "reason"))
            slot = &reason;
        if (!slot || !v)
            return fail(l, k ? k : n, "unknown key '%s' in an entry of '%s' "
                                      "(known keys: rule, paths, reason)",
                        name ? name : "?", key);
        if (*slot)
            return fail(l, k, "'%s' is set twice in an entry of '%s'", name,
                        key);
        *slot = v;
    }
    if (!rule)
        return fail(l, n, "an entry of '%s' has no 'rule'", key);
    const char *id = string_value(rule);
    if (!id)
        return fail(l, rule, "'rule' in '%s' must be a rule id", key);
    const rule_def *def = rules_find(id);
    if (!def)
        return unknown_rule(l, rule, id, key);
    if (!strcmp(def->info.scope, "dockerfile"))
        return fail(l, rule, "'%s': %s is a Dockerfile rule; accept applies "
                             "to image rules (use an inline '# bosun "
                             "ignore=%s' for a Dockerfile)", key, id, id);
    if (!paths)
        return fail(l, n, "the entry of '%s' for %s has no 'paths' (a list "
                          "of absolute path globs)", key, id);
    const char *why = NULL;
    if (reason && !(why = string_value(reason)))
        return fail(l, reason, "'reason' in '%s' must be a text", key);
    if (paths->type != YAML_SEQUENCE_NODE ||
        paths->data.sequence.items.top == paths->data.sequence.items.start)
        return fail(l, paths, "'paths' in '%s' must be a non-empty list of "
                              "absolute path globs", key);
    size_t count = (size_t)(paths->data.sequence.items.top -
                            paths->data.sequence.items.start);
    if (count > ACCEPT_MAX_PATHS)
        return fail(l, paths, "'paths' in '%s' lists more than %d globs", key,
                    ACCEPT_MAX_PATHS);
    const char **globs = xcalloc(count, sizeof(*globs));
    size_t k = 0;
    for (yaml_node_item_t *it = paths->data.sequence.items.start;
         it < paths->data.sequence.items.top; it++) {
        const yaml_node_t *item = yaml_document_get_node(l->doc, *it);
        const char *g = string_value(item);
        if (!g || g[0] != '/') {
            free(globs);
            return fail(l, item ? item : paths,
                        "'paths' in '%s' must hold absolute path globs "
                        "(/usr/bin/su, /app/tests/**), not '%s'", key,
                        g ? g : scalar(item) ? scalar(item) : "a list");
        }
        globs[k++] = g;
    }
    bosun_config_add_accept(l->cfg, id, globs, k, why);
    free(globs);
    return true;
}

static bool load_accept(loader *l, const char *key, const yaml_node_t *n)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(l, n, "'%s' must be a list of {rule, paths, reason} "
                          "entries", key);
    if (n->data.sequence.items.top - n->data.sequence.items.start >
        ACCEPT_MAX_ENTRIES)
        return fail(l, n, "'%s' has more than %d entries", key,
                    ACCEPT_MAX_ENTRIES);
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top; it++) {
        const yaml_node_t *item = yaml_document_get_node(l->doc, *it);
        if (!item)
            return fail(l, n, "'%s' must be a list of entries", key);
        if (!load_accept_entry(l, key, item))
            return false;
    }
    return true;
}

static const struct {
    const char *key;
    bool (*load)(loader *l, const char *key, const yaml_node_t *value);
} settings[] = {
    {"ignore", load_ignore},
    {"severity", load_severity},
    {"failure-threshold", load_threshold},
    {"trusted-registries", load_trusted_registries},
    {"nonroot-bases", load_nonroot_bases},
    {"hadolint-pragmas", load_hadolint_pragmas},
    {"patterns", load_patterns},
    {"accept", load_accept},
    {"skip-base", load_skip_base},
    {"exclude", load_exclude},
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))
#define KNOWN_KEYS "ignore, severity, failure-threshold, trusted-registries, " \
                   "nonroot-bases, hadolint-pragmas, patterns, accept, " \
                   "skip-base, exclude"

static bool load_root(loader *l, const yaml_node_t *root)
{
    if (!root || (root->type == YAML_SCALAR_NODE && !string_value(root)))
        return true; /* an empty file (or document): the defaults */
    if (root->type != YAML_MAPPING_NODE)
        return fail(l, root, "expected a mapping of settings (" KNOWN_KEYS ")");
    bool seen[NSETTINGS] = {false};
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        const char *key = string_value(k);
        if (!key || !v)
            return fail(l, k ? k : root, "a setting's name must be one of: "
                                         KNOWN_KEYS);
        size_t i = 0;
        while (i < NSETTINGS && strcmp(settings[i].key, key) != 0)
            i++;
        if (i == NSETTINGS)
            return fail(l, k, "unknown key '%s' (known keys: " KNOWN_KEYS ")",
                        key);
        if (seen[i])
            return fail(l, k, "'%s' is set twice", key);
        seen[i] = true;
        if (!settings[i].load(l, key, v))
            return false;
    }
    return true;
}

/*
 * A first pass over the parser's events that stops at the first collection
 * nested too deep, before the scanner gets slow. Syntax errors are left
 * for the loader to report.
 */
static bool nesting_ok(const char *data, size_t len, bosun_config_error *err)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return true;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    int depth = 0;
    bool ok = true, done = false;
    while (!done) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event))
            break;
        switch (event.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > CONFIG_MAX_DEPTH) {
                err->line = (unsigned)event.start_mark.line + 1;
                snprintf(err->message, sizeof(err->message),
                         "nested more than %d levels deep", CONFIG_MAX_DEPTH);
                ok = false;
                done = true;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    return ok;
}

bool config_yaml_open(config_yaml *y, const char *data, size_t len,
                      bosun_config_error *err)
{
    memset(err, 0, sizeof(*err));
    if (len > CONFIG_MAX_SIZE) {
        snprintf(err->message, sizeof(err->message),
                 "configuration file too large");
        return false;
    }
    if (!nesting_ok(data, len, err))
        return false;
    if (!yaml_parser_initialize(&y->parser)) {
        snprintf(err->message, sizeof(err->message), "out of memory");
        return false;
    }
    yaml_parser_set_input_string(&y->parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&y->parser, &y->doc)) {
        err->line = (unsigned)y->parser.problem_mark.line + 1;
        snprintf(err->message, sizeof(err->message), "invalid YAML: %s%s%s",
                 y->parser.context ? y->parser.context : "",
                 y->parser.context ? ": " : "",
                 y->parser.problem ? y->parser.problem : "cannot parse");
        yaml_parser_delete(&y->parser);
        return false;
    }
    return true;
}

bool config_yaml_close(config_yaml *y, bool ok, bosun_config_error *err)
{
    yaml_document_delete(&y->doc);
    /* One document only: a second one would be silently ignored. */
    if (ok) {
        yaml_document_t next;
        if (!yaml_parser_load(&y->parser, &next)) {
            err->line = (unsigned)y->parser.problem_mark.line + 1;
            snprintf(err->message, sizeof(err->message), "invalid YAML: %s",
                     y->parser.problem ? y->parser.problem : "cannot parse");
            ok = false;
        } else {
            const yaml_node_t *root = yaml_document_get_root_node(&next);
            if (root) {
                err->line = (unsigned)root->start_mark.line + 1;
                snprintf(err->message, sizeof(err->message),
                         "a configuration file holds one YAML document, not "
                         "several");
                ok = false;
            }
            yaml_document_delete(&next);
        }
    }
    yaml_parser_delete(&y->parser);
    return ok;
}

bool bosun_config_load_yaml(bosun_config *c, const char *data, size_t len,
                            bosun_config_error *err)
{
    config_yaml y;
    if (!config_yaml_open(&y, data, len, err))
        return false;
    loader l = {.doc = &y.doc, .cfg = c, .err = err};
    bool ok = load_root(&l, yaml_document_get_root_node(&y.doc));
    return config_yaml_close(&y, ok, err);
}
