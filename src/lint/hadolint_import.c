#include "lint/hadolint_import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lint/config.h"
#include "rules/hadolint_map.h"
#include "rules/rule.h"
#include "util/arena.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Notes beyond this many are counted, not listed: the output stays small
 * whatever the input lists. */
#define MAX_NOTES 100
/* Bytes of an input string shown in a note. */
#define MAX_SHOWN 60

typedef struct importer {
    yaml_document_t *doc;
    bosun_config_error *err;
    hadolint_import *out;
    arena a;                 /* strings of this run */
    size_t notes_cap, notes_dropped;
    /* Per entry of the table (hadolint_map_at's index). */
    bool *ignored;
    int *level;              /* bosun_severity from `override`, or -1 */
    const char **level_name; /* the hadolint level it was given */
    const char *threshold;   /* bosun's failure-threshold, or NULL */
    const char *threshold_from;
    bool no_fail, no_pragmas;
    strbuf registries;       /* the trusted-registries items */
    config_list registry_names; /* each once */
} importer;

static unsigned line_of(const yaml_node_t *n)
{
    return n ? (unsigned)n->start_mark.line + 1 : 0;
}

static bool fail(importer *im, const yaml_node_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(importer *im, const yaml_node_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(im->err->message, sizeof(im->err->message), fmt, ap);
    va_end(ap);
    im->err->line = line_of(at);
    return false;
}

static void note(importer *im, const yaml_node_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(importer *im, const yaml_node_t *at, const char *fmt, ...)
{
    hadolint_import *out = im->out;
    if (out->nnotes >= MAX_NOTES) {
        im->notes_dropped++;
        return;
    }
    strbuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    if (out->nnotes == im->notes_cap) {
        im->notes_cap = im->notes_cap ? 2 * im->notes_cap : 16;
        out->notes = xreallocarray(out->notes, im->notes_cap,
                                   sizeof(*out->notes));
    }
    out->notes[out->nnotes++] = (hadolint_note){line_of(at), sb.data};
}

/* Appends s[0, len) as a YAML double-quoted scalar, escaping quotes,
 * backslashes, control characters and the characters YAML reads as line
 * breaks, so that nothing of the input can end a comment or a value. At
 * most `max` bytes of it (0: all), cut between characters. */
static void put_quoted(strbuf *sb, const char *s, size_t len, size_t max)
{
    bool cut = max && len > max;
    if (cut) {
        len = max;
        while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    sb_putc(sb, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            sb_putc(sb, '\\');
            sb_putc(sb, (char)ch);
        } else if (ch < 0x20 || ch == 0x7F) {
            sb_printf(sb, "\\x%02X", ch);
        } else if (ch == 0xC2 && i + 1 < len &&
                   (unsigned char)s[i + 1] == 0x85) {
            sb_puts(sb, "\\N"); /* NEXT LINE */
            i++;
        } else if (ch == 0xE2 && i + 2 < len &&
                   (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xA8 ||
                    (unsigned char)s[i + 2] == 0xA9)) {
            sb_puts(sb, (unsigned char)s[i + 2] == 0xA8 ? "\\L" : "\\P");
            i += 2;
        } else {
            sb_putc(sb, (char)ch);
        }
    }
    sb_putc(sb, '"');
    if (cut)
        sb_puts(sb, "...");
}

/* An input string as it may be shown in a note or comment. */
static const char *shown(importer *im, const char *s)
{
    strbuf sb;
    sb_init(&sb);
    put_quoted(&sb, s, strlen(s), MAX_SHOWN);
    char *copy = sb_to_arena(&sb, &im->a);
    sb_free(&sb);
    return copy;
}

/* A scalar that holds a string (not YAML's null, no NUL byte). */
static const char *string_of(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE)
        return NULL;
    const char *s = (const char *)n->data.scalar.value;
    if (strlen(s) != n->data.scalar.length)
        return NULL;
    return s;
}

static bool is_null(const yaml_node_t *n)
{
    const char *s = string_of(n);
    return s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (!*s || !strcmp(s, "~") || !strcmp(s, "null") ||
            !strcmp(s, "Null") || !strcmp(s, "NULL"));
}

/* A YAML boolean (core schema); false when `n` is none. */
static bool bool_of(const yaml_node_t *n, bool *out)
{
    const char *s = string_of(n);
    if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        return *out = true;
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
        *out = false;
        return true;
    }
    return false;
}

static const yaml_node_t *node(importer *im, int id)
{
    return yaml_document_get_node(im->doc, id);
}

/*
 * The table entry of the code `s` (written at `n` in setting `where`)
 * when it has a bosun rule; otherwise NULL, after a note that says why it
 * is not converted.
 */
static const hadolint_mapping *mapped_code(importer *im, const yaml_node_t *n,
                                           const char *s, const char *where)
{
    const hadolint_mapping *m = hadolint_map_find(s);
    if (m && m->rule_id)
        return m;
    if (m)
        note(im, n, "%s: %s (%s) has no equivalent in bosun", where, s,
             m->checks);
    else if (hadolint_is_code(s) && s[0] == 'S')
        note(im, n, "%s: ShellCheck %s has no equivalent in bosun", where, s);
    else
        note(im, n, "%s: %s is not a hadolint code bosun knows", where,
             shown(im, s));
    return NULL;
}

typedef void (*code_fn)(importer *im, const yaml_node_t *n, size_t entry,
                        const char *arg);

/* Calls `fn` for every code of the list `n` that has a bosun rule. */
static bool each_code(importer *im, const char *where, const yaml_node_t *n,
                      code_fn fn, const char *arg)
{
    if (is_null(n))
        return true;
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(im, n, "'%s' must be a list of rule codes", where);
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top; it++) {
        const yaml_node_t *item = node(im, *it);
        const char *s = string_of(item);
        if (!s || !*s)
            return fail(im, item ? item : n,
                        "'%s' must be a list of rule codes", where);
        const hadolint_mapping *m = mapped_code(im, item, s, where);
        if (m)
            fn(im, item, (size_t)(m - hadolint_map_at(0)), arg);
    }
    return true;
}

static void ignore_code(importer *im, const yaml_node_t *n, size_t entry,
                        const char *arg)
{
    im->ignored[entry] = true;
}

static bool load_ignored(importer *im, const char *key, const yaml_node_t *v)
{
    return each_code(im, key, v, ignore_code, NULL);
}

/* hadolint's severities as bosun's; style has no bosun level. */
static int level_of(const char *name)
{
    if (!strcmp(name, "error"))
        return BOSUN_ERROR;
    if (!strcmp(name, "warning"))
        return BOSUN_WARNING;
    if (!strcmp(name, "info") || !strcmp(name, "style"))
        return BOSUN_INFO;
    return -1;
}

static void override_code(importer *im, const yaml_node_t *n, size_t entry,
                          const char *level)
{
    const hadolint_mapping *m = hadolint_map_at(entry);
    if (!strcmp(level, "style"))
        note(im, n, "override: style: bosun has no style level, so %s "
                    "(%s) is set to info", m->code, m->rule_id);
    int l = level_of(level);
    if (l > im->level[entry]) {
        im->level[entry] = l;
        im->level_name[entry] = level;
    }
}

static bool load_override(importer *im, const char *key, const yaml_node_t *v)
{
    if (is_null(v))
        return true;
    if (v->type != YAML_MAPPING_NODE)
        return fail(im, v, "'%s' must map error, warning, info or style to "
                           "lists of rule codes", key);
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
         p < v->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = node(im, p->key), *val = node(im, p->value);
        const char *level = string_of(k);
        if (!level || !val)
            return fail(im, k ? k : v, "'%s' must map error, warning, info "
                                       "or style to lists of rule codes", key);
        if (level_of(level) < 0) {
            note(im, k, "override: %s is not a hadolint level (error, "
                        "warning, info, style): not converted",
                 shown(im, level));
            continue;
        }
        char where[64];
        snprintf(where, sizeof(where), "override: %s", level);
        /* The level names are the literals of level_of: they outlive the
         * document. */
        static const char *const names[] = {"error", "warning", "info",
                                            "style"};
        const char *name = NULL;
        for (size_t i = 0; i < 4; i++)
            if (!strcmp(names[i], level))
                name = names[i];
        if (!each_code(im, where, val, override_code, name))
            return false;
    }
    return true;
}

static bool load_threshold(importer *im, const char *key, const yaml_node_t *v)
{
    if (is_null(v))
        return true;
    const char *s = string_of(v);
    static const struct {
        const char *hadolint, *bosun, *why;
    } levels[] = {
        {"error", "error", NULL},
        {"warning", "warning", NULL},
        {"info", "info", NULL},
        {"style", "info", "bosun has no style level: info, its lowest, is "
                          "used"},
        /* hadolint's none and ignore are its lowest level: every finding
         * fails the run. bosun's none means the opposite. */
        {"ignore", "info", "in hadolint every finding fails the run, so "
                           "bosun's lowest level, info, is used"},
        {"none", "info", "in hadolint every finding fails the run, so "
                         "bosun's lowest level, info, is used (bosun's "
                         "none would fail on nothing)"},
    };
    for (size_t i = 0; s && i < sizeof(levels) / sizeof(*levels); i++) {
        if (strcmp(s, levels[i].hadolint) != 0)
            continue;
        im->threshold = levels[i].bosun;
        im->threshold_from = levels[i].hadolint;
        if (levels[i].why)
            note(im, v, "%s: %s: %s", key, s, levels[i].why);
        return true;
    }
    return fail(im, v, "'%s' must be error, warning, info, style, ignore or "
                       "none, not %s", key,
                s ? shown(im, s) : "a collection");
}

static bool load_no_fail(importer *im, const char *key, const yaml_node_t *v)
{
    if (is_null(v))
        return true;
    if (!bool_of(v, &im->no_fail))
        return fail(im, v, "'%s' must be true or false", key);
    return true;
}

static bool load_disable_pragma(importer *im, const char *key,
                                const yaml_node_t *v)
{
    if (is_null(v))
        return true;
    if (!bool_of(v, &im->no_pragmas))
        return fail(im, v, "'%s' must be true or false", key);
    return true;
}

static bool add_registry(importer *im, const char *key, const yaml_node_t *n)
{
    const char *s = string_of(n);
    if (!s)
        return fail(im, n, "'%s' must be a registry or a list of registries",
                    key);
    if (!*s) {
        note(im, n, "%s: an empty name: not converted", key);
        return true;
    }
    if (strstr(s, "://")) {
        note(im, n, "%s: %s is a URL, not a registry name: not converted",
             key, shown(im, s));
        return true;
    }
    if (!strcmp(s, "hub.docker.com")) {
        /* hadolint's second name for Docker Hub; bosun's is docker.io. */
        note(im, n, "%s: hub.docker.com is written docker.io", key);
        s = "docker.io";
    }
    if (config_list_has(&im->registry_names, s))
        return true;
    config_list_add(&im->registry_names, s);
    sb_puts(&im->registries, "  - ");
    put_quoted(&im->registries, s, strlen(s), 0);
    sb_putc(&im->registries, '\n');
    return true;
}

static bool load_registries(importer *im, const char *key,
                            const yaml_node_t *v)
{
    if (is_null(v))
        return true;
    if (v->type == YAML_SCALAR_NODE)
        return add_registry(im, key, v);
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(im, v, "'%s' must be a registry or a list of registries",
                    key);
    for (yaml_node_item_t *it = v->data.sequence.items.start;
         it < v->data.sequence.items.top; it++)
        if (!add_registry(im, key, node(im, *it)))
            return false;
    return true;
}

static const struct {
    const char *key;
    bool (*load)(importer *im, const char *key, const yaml_node_t *v);
    const char *why; /* when there is nothing to load: why */
} settings[] = {
    {"ignored", load_ignored, NULL},
    {"override", load_override, NULL},
    {"failure-threshold", load_threshold, NULL},
    {"no-fail", load_no_fail, NULL},
    {"trustedRegistries", load_registries, NULL},
    {"disable-ignore-pragma", load_disable_pragma, NULL},
    {"no-color", NULL, "bosun has no setting for it: use --no-color or "
                       "NO_COLOR"},
    {"verbose", NULL, "bosun has no verbose mode"},
    {"format", NULL, "bosun has no setting for it: use --format"},
    {"formats", NULL, "bosun has no setting for it: use --format"},
    {"label-schema", NULL, "bosun does not check labels"},
    {"strict-labels", NULL, "bosun does not check labels"},
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static bool load_root(importer *im, const yaml_node_t *root)
{
    if (!root || is_null(root))
        return true; /* an empty file: hadolint's defaults */
    if (root->type != YAML_MAPPING_NODE)
        return fail(im, root, "expected a mapping of hadolint settings "
                              "(ignored, override, trustedRegistries, ...)");
    bool seen[NSETTINGS] = {false};
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = node(im, p->key), *v = node(im, p->value);
        const char *key = string_of(k);
        if (!key || !v)
            return fail(im, k ? k : root, "a setting's name must be a string");
        size_t i = 0;
        while (i < NSETTINGS && strcmp(settings[i].key, key) != 0)
            i++;
        if (i == NSETTINGS) {
            note(im, k, "%s is not a hadolint setting bosun knows: not "
                        "converted", shown(im, key));
            continue;
        }
        if (seen[i])
            return fail(im, k, "'%s' is set twice", key);
        seen[i] = true;
        if (!settings[i].load)
            note(im, k, "%s: not converted: %s", key, settings[i].why);
        else if (!settings[i].load(im, key, v))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------ output */

/* Does the rule of table entry `e` belong to bosun rule `id`? */
static bool maps_to(size_t e, const char *id)
{
    const char *r = hadolint_map_at(e)->rule_id;
    return r && !strcmp(r, id);
}

/* ", also what DL3037, DL3041 catch": the current codes of rule `id` not
 * among the `chosen` ones, which the setting covers too. */
static void put_also(strbuf *sb, const char *id, const bool *chosen)
{
    size_t n = 0;
    for (size_t e = 0; e < hadolint_map_count(); e++) {
        if (!maps_to(e, id) || chosen[e] || hadolint_map_at(e)->removed)
            continue;
        sb_printf(sb, "%s%s", n ? ", " : "; also what ",
                  hadolint_map_at(e)->code);
        n++;
    }
    if (n)
        sb_puts(sb, n > 1 ? " catch" : " catches");
}

static void put_ignore(importer *im, strbuf *sb)
{
    bool any = false;
    for (size_t i = 0; i < rules_count(); i++) {
        const char *id = rules_at(i)->info.id;
        bool first = true;
        for (size_t e = 0; e < hadolint_map_count(); e++) {
            if (!maps_to(e, id) || !im->ignored[e])
                continue;
            if (!any)
                sb_puts(sb, "ignore:\n");
            any = true;
            if (first)
                sb_printf(sb, "  - %s  # %s", id, hadolint_map_at(e)->code);
            else
                sb_printf(sb, ", %s", hadolint_map_at(e)->code);
            first = false;
        }
        if (!first) {
            put_also(sb, id, im->ignored);
            sb_putc(sb, '\n');
        }
    }
}

static void put_severity(importer *im, strbuf *sb)
{
    bool any = false;
    size_t n = hadolint_map_count();
    bool *chosen = xcalloc(n, sizeof(bool));
    for (size_t i = 0; i < rules_count(); i++) {
        const char *id = rules_at(i)->info.id;
        int level = -1;
        bool differ = false;
        for (size_t e = 0; e < n; e++) {
            chosen[e] = maps_to(e, id) && !im->ignored[e] &&
                        im->level[e] >= 0;
            if (!chosen[e])
                continue;
            differ |= level >= 0 && im->level[e] != level;
            if (im->level[e] > level)
                level = im->level[e];
        }
        if (level < 0)
            continue;
        /* An ignored code's rule is ignored: no level for it. */
        bool ignored = false;
        for (size_t e = 0; e < n; e++)
            ignored |= maps_to(e, id) && im->ignored[e];
        if (ignored)
            continue;
        if (!any)
            sb_puts(sb, "severity:\n");
        any = true;
        sb_printf(sb, "  %s: %s  #", id,
                  bosun_severity_name((bosun_severity)level));
        bool first = true;
        for (size_t e = 0; e < n; e++) {
            if (!chosen[e])
                continue;
            sb_printf(sb, "%s %s: %s", first ? "" : ",",
                      hadolint_map_at(e)->code, im->level_name[e]);
            first = false;
        }
        if (differ)
            sb_puts(sb, " (the highest is kept)");
        put_also(sb, id, chosen);
        sb_putc(sb, '\n');
    }
    free(chosen);
}

static void put_output(importer *im, const char *name)
{
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, "# .bosun.yaml converted from the hadolint configuration ");
    put_quoted(&sb, name, strlen(name), MAX_SHOWN);
    sb_puts(&sb, "\n# by `bosun config import --hadolint`.\n");
    hadolint_import *out = im->out;
    if (out->nnotes) {
        sb_puts(&sb, "#\n# Not converted, or converted approximately:\n");
        for (size_t i = 0; i < out->nnotes; i++)
            sb_printf(&sb, "#   line %u: %s\n", out->notes[i].line,
                      out->notes[i].text);
        if (out->more_notes)
            sb_printf(&sb, "#   and %zu more\n", out->more_notes);
    }
    put_ignore(im, &sb);
    put_severity(im, &sb);
    if (im->no_fail)
        sb_printf(&sb, "failure-threshold: none  # no-fail: true%s\n",
                  im->threshold ? " (over failure-threshold, as in hadolint)"
                                : "");
    else if (im->threshold)
        sb_printf(&sb, "failure-threshold: %s  # failure-threshold: %s\n",
                  im->threshold, im->threshold_from);
    if (im->registries.len)
        sb_printf(&sb, "trusted-registries:\n%s", im->registries.data);
    if (im->no_pragmas)
        sb_puts(&sb, "hadolint-pragmas: false  # disable-ignore-pragma: "
                     "true\n");
    out->yaml = sb.data;
}

void hadolint_import_free(hadolint_import *out)
{
    for (size_t i = 0; i < out->nnotes; i++)
        free(out->notes[i].text);
    free(out->notes);
    free(out->yaml);
    memset(out, 0, sizeof(*out));
}

bool hadolint_import_yaml(const char *name, const char *data, size_t len,
                          hadolint_import *out, bosun_config_error *err)
{
    memset(out, 0, sizeof(*out));
    config_yaml y;
    if (!config_yaml_open(&y, data, len, err))
        return false;
    size_t n = hadolint_map_count();
    importer im = {
        .doc = &y.doc,
        .err = err,
        .out = out,
        .ignored = xcalloc(n, sizeof(bool)),
        .level = xcalloc(n, sizeof(int)),
        .level_name = xcalloc(n, sizeof(char *)),
    };
    for (size_t e = 0; e < n; e++)
        im.level[e] = -1;
    arena_init(&im.a);
    sb_init(&im.registries);
    bool ok = load_root(&im, yaml_document_get_root_node(&y.doc));
    ok = config_yaml_close(&y, ok, err);
    out->more_notes = im.notes_dropped;
    if (ok)
        put_output(&im, name);
    else
        hadolint_import_free(out);
    sb_free(&im.registries);
    for (size_t i = 0; i < im.registry_names.n; i++)
        free(im.registry_names.items[i]);
    free(im.registry_names.items);
    arena_release(&im.a);
    free(im.ignored);
    free(im.level);
    free(im.level_name);
    return ok;
}
