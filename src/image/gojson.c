#include "image/gojson.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* ---------------------------------------------------------------- types */

/*
 * The fields of the Go structs that Docker (moby: image.Image, V1Image,
 * container.Config, tarexport's manifestItem) and containerd (the OCI
 * image-spec types, its importer's manifest.json struct, images'
 * unknownDocument) decode these documents into. Where they disagree on a
 * type, the stricter one is listed: a document that fails either reader
 * is refused. Fields neither reads are not listed (any value is fine, as
 * for Go).
 */
static const gj_type t_any = {GJ_ANY, NULL, NULL};
static const gj_type t_string = {GJ_STRING, NULL, NULL};
static const gj_type t_bool = {GJ_BOOL, NULL, NULL};
static const gj_type t_int = {GJ_INT, NULL, NULL};
static const gj_type t_strings = {GJ_ARRAY, &t_string, NULL};
static const gj_type t_anys = {GJ_ARRAY, &t_any, NULL};
static const gj_type t_string_map = {GJ_MAP, &t_string, NULL};
static const gj_field no_fields[] = {{NULL, NULL}};
static const gj_type t_empty = {GJ_STRUCT, NULL, no_fields};
static const gj_type t_set = {GJ_MAP, &t_empty, NULL}; /* map[string]struct{} */

static const gj_field platform_fields[] = {
    {"architecture", &t_string}, {"os", &t_string},
    {"os.version", &t_string},   {"os.features", &t_strings},
    {"variant", &t_string},      {NULL, NULL},
};
static const gj_type t_platform = {GJ_STRUCT, NULL, platform_fields};

static const gj_field descriptor_fields[] = {
    {"mediaType", &t_string},   {"digest", &t_string},
    {"size", &t_int},           {"urls", &t_strings},
    {"annotations", &t_string_map},
    {"data", &t_string},        /* []byte: base64 (not checked) */
    {"platform", &t_platform},  {"artifactType", &t_string},
    {NULL, NULL},
};
static const gj_type t_descriptor = {GJ_STRUCT, NULL, descriptor_fields};
static const gj_type t_descriptors = {GJ_ARRAY, &t_descriptor, NULL};

/* containerd reads every index and manifest into its unknownDocument too
 * (config as raw JSON, layers/manifests/fsLayers as arrays of it) to tell
 * one from the other. */
static const gj_field index_fields[] = {
    {"schemaVersion", &t_int},  {"mediaType", &t_string},
    {"artifactType", &t_string}, {"manifests", &t_descriptors},
    {"subject", &t_descriptor}, {"annotations", &t_string_map},
    {"config", &t_any},         {"layers", &t_anys},
    {"fsLayers", &t_anys},      {NULL, NULL},
};
const gj_type gj_index_doc = {GJ_STRUCT, NULL, index_fields};

static const gj_field manifest_fields[] = {
    {"schemaVersion", &t_int},  {"mediaType", &t_string},
    {"artifactType", &t_string}, {"config", &t_descriptor},
    {"layers", &t_descriptors}, {"subject", &t_descriptor},
    {"annotations", &t_string_map}, {"manifests", &t_anys},
    {"fsLayers", &t_anys},      {NULL, NULL},
};
const gj_type gj_manifest_doc = {GJ_STRUCT, NULL, manifest_fields};

static const gj_field health_fields[] = {
    {"Test", &t_strings},     {"Interval", &t_int},
    {"Timeout", &t_int},      {"StartPeriod", &t_int},
    {"StartInterval", &t_int}, {"Retries", &t_int},
    {NULL, NULL},
};
static const gj_type t_health = {GJ_STRUCT, NULL, health_fields};

/* moby's container.Config and the image-spec's ImageConfig in one:
 * Cmd, Entrypoint and Shell are []string for the image-spec (moby's
 * StrSlice also takes a lone string, which containerd refuses). */
static const gj_field run_config_fields[] = {
    {"Hostname", &t_string},     {"Domainname", &t_string},
    {"User", &t_string},         {"AttachStdin", &t_bool},
    {"AttachStdout", &t_bool},   {"AttachStderr", &t_bool},
    {"ExposedPorts", &t_set},    {"Tty", &t_bool},
    {"OpenStdin", &t_bool},      {"StdinOnce", &t_bool},
    {"Env", &t_strings},         {"Cmd", &t_strings},
    {"Healthcheck", &t_health},  {"ArgsEscaped", &t_bool},
    {"Image", &t_string},        {"Volumes", &t_set},
    {"WorkingDir", &t_string},   {"Entrypoint", &t_strings},
    {"NetworkDisabled", &t_bool}, {"MacAddress", &t_string},
    {"OnBuild", &t_strings},     {"Labels", &t_string_map},
    {"StopSignal", &t_string},   {"StopTimeout", &t_int},
    {"Shell", &t_strings},       {NULL, NULL},
};
static const gj_type t_run_config = {GJ_STRUCT, NULL, run_config_fields};

static const gj_field rootfs_fields[] = {
    {"type", &t_string}, {"diff_ids", &t_strings}, {NULL, NULL},
};
static const gj_type t_rootfs = {GJ_STRUCT, NULL, rootfs_fields};

static const gj_field history_fields[] = {
    {"created", &t_string},  {"created_by", &t_string},
    {"author", &t_string},   {"comment", &t_string},
    {"empty_layer", &t_bool}, {NULL, NULL},
};
static const gj_type t_history_entry = {GJ_STRUCT, NULL, history_fields};
static const gj_type t_history = {GJ_ARRAY, &t_history_entry, NULL};

static const gj_field config_fields[] = {
    /* image-spec Image (with its Platform) */
    {"created", &t_string},      {"author", &t_string},
    {"architecture", &t_string}, {"os", &t_string},
    {"os.version", &t_string},   {"os.features", &t_strings},
    {"variant", &t_string},      {"config", &t_run_config},
    {"rootfs", &t_rootfs},       {"history", &t_history},
    /* moby's V1Image */
    {"id", &t_string},           {"parent", &t_string},
    {"comment", &t_string},      {"container", &t_string},
    {"container_config", &t_run_config},
    {"docker_version", &t_string}, {"size", &t_int},
    {NULL, NULL},
};
const gj_type gj_config_doc = {GJ_STRUCT, NULL, config_fields};

static const gj_type t_descriptor_map = {GJ_MAP, &t_descriptor, NULL};
static const gj_field docker_entry_fields[] = {
    {"Config", &t_string},  {"RepoTags", &t_strings},
    {"Layers", &t_strings}, {"Parent", &t_string},
    {"LayerSources", &t_descriptor_map}, {NULL, NULL},
};
static const gj_type t_docker_entry = {GJ_STRUCT, NULL, docker_entry_fields};
const gj_type gj_docker_manifest_doc = {GJ_ARRAY, &t_docker_entry, NULL};

const gj_type gj_repositories_doc = {GJ_MAP, &t_string_map, NULL};

static const gj_field oci_layout_fields[] = {
    {"imageLayoutVersion", &t_string}, {NULL, NULL},
};
const gj_type gj_oci_layout_doc = {GJ_STRUCT, NULL, oci_layout_fields};

/* ------------------------------------------------------------- folding */

/* The next character of a key as Go folds field names (bytes.EqualFold):
 * ASCII letters to upper case, U+017F to 'S', U+212A to 'K'. Other
 * non-ASCII characters are kept as they are: no field name bosun reads
 * has one, so they never make two keys name the same field. */
static int fold_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    if (s[0] == 0xC5 && s[1] == 0xBF) {
        *p += 2;
        return 'S';
    }
    if (s[0] == 0xE2 && s[1] == 0x84 && s[2] == 0xAA) {
        *p += 3;
        return 'K';
    }
    *p += 1;
    return s[0] >= 'a' && s[0] <= 'z' ? s[0] - 'a' + 'A' : s[0];
}

bool gj_key_equal(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;
    for (;;) {
        int x = fold_next(&p), y = fold_next(&q);
        if (x != y)
            return false;
        if (x == 0)
            return true;
    }
}

/* The folded form of a key, for sorting many of them (caller frees). */
static char *fold_key(const char *key)
{
    char *out = xmalloc(strlen(key) + 1);
    const unsigned char *p = (const unsigned char *)key;
    size_t n = 0;
    int c;
    while ((c = fold_next(&p)) != 0)
        out[n++] = (char)c;
    out[n] = '\0';
    return out;
}

/* ------------------------------------------------------------ checking */

typedef struct checker {
    char *err;
    size_t errlen;
    char path[200];        /* where in the document, for messages */
    size_t plen;
    bool failed;
} checker;

/* A key (or other text from the document) for a message: quoted, control
 * characters escaped, cut after 48 bytes. */
static void quote_text(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; s[i] && n + 8 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= 48 && (c & 0xC0) != 0x80) {
            n += (size_t)snprintf(out + n, cap - n, "...");
            break;
        }
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
            n += (size_t)snprintf(out + n, cap - n, "\\x%02x", c);
        else
            out[n++] = (char)c;
    }
    out[n++] = '"';
    out[n] = '\0';
}

/* A value that Go cannot store: "PATH is ..., where Go reads ...". */
static void fail_value(checker *ck, const json_t *v, const gj_type *t);

static void fail(checker *ck, const char *msg)
{
    if (ck->failed)
        return;
    ck->failed = true;
    snprintf(ck->err, ck->errlen, "%s", msg);
}

/* Path segments: ".key" (the first without the dot) or "[i]". Returns
 * the length to restore. */
static size_t push_key(checker *ck, const char *key)
{
    size_t old = ck->plen, cap = sizeof(ck->path) - 1;
    if (ck->plen && ck->plen < cap)
        ck->path[ck->plen++] = '.';
    for (size_t i = 0; key[i] && i < 40 && ck->plen < cap; i++) {
        unsigned char c = (unsigned char)key[i];
        ck->path[ck->plen++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    ck->path[ck->plen] = '\0';
    return old;
}

static size_t push_index(checker *ck, size_t i)
{
    size_t old = ck->plen;
    int n = snprintf(ck->path + ck->plen, sizeof(ck->path) - ck->plen,
                     "[%zu]", i);
    if (n > 0)
        ck->plen += (size_t)n;
    if (ck->plen >= sizeof(ck->path))
        ck->plen = sizeof(ck->path) - 1;
    return old;
}

static void pop(checker *ck, size_t old)
{
    ck->plen = old;
    ck->path[old] = '\0';
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

static const char *go_kind(const gj_type *t)
{
    switch (t->kind) {
    case GJ_STRING:
        return "a string";
    case GJ_BOOL:
        return "a boolean";
    case GJ_INT:
        return "an integer";
    case GJ_ARRAY:
        return "an array";
    case GJ_MAP:
    case GJ_STRUCT:
        return "an object";
    case GJ_ANY:
        break;
    }
    return "a value";
}

static void fail_value(checker *ck, const json_t *v, const gj_type *t)
{
    char msg[300];
    snprintf(msg, sizeof(msg), "%s is %s, where Go reads %s (Docker and "
             "containerd refuse it)", ck->plen ? ck->path : "the document",
             json_kind(v), go_kind(t));
    fail(ck, msg);
}

static int cmp_folded(const void *a, const void *b, void *ctx)
{
    char *const *folded = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(folded[i], folded[j]);
    return c ? c : (i > j) - (i < j);
}

/* Two keys of `obj` that Go reads as one field: refuse. Small objects
 * compare every pair; large ones sort their folded keys. */
static void check_keys(checker *ck, const json_t *obj)
{
    size_t n = json_object_size(obj);
    if (n < 2)
        return;
    const char **keys = xcalloc(n, sizeof(char *));
    size_t k = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
        keys[k++] = key;
    size_t first = 0, second = 0;
    bool found = false;
    if (n <= 16) {
        for (size_t i = 0; i < n && !found; i++)
            for (size_t j = i + 1; j < n && !found; j++)
                if (gj_key_equal(keys[i], keys[j])) {
                    first = i;
                    second = j;
                    found = true;
                }
    } else {
        char **folded = xcalloc(n, sizeof(char *));
        size_t *order = xcalloc(n, sizeof(size_t));
        for (size_t i = 0; i < n; i++) {
            folded[i] = fold_key(keys[i]);
            order[i] = i;
        }
        qsort_r(order, n, sizeof(size_t), cmp_folded, folded);
        for (size_t i = 1; i < n && !found; i++)
            if (strcmp(folded[order[i - 1]], folded[order[i]]) == 0) {
                first = order[i - 1];
                second = order[i];
                found = true;
            }
        for (size_t i = 0; i < n; i++)
            free(folded[i]);
        free(folded);
        free(order);
    }
    if (found) {
        char a[80], b[80], msg[512];
        quote_text(a, sizeof(a), keys[first]);
        quote_text(b, sizeof(b), keys[second]);
        snprintf(msg, sizeof(msg), "two keys %s and %s that Go reads as one "
                 "(%s%s%sDocker and containerd take the last)", a, b,
                 ck->plen ? "in " : "", ck->path, ck->plen ? "; " : "");
        fail(ck, msg);
    }
    free(keys);
}

static const gj_field *find_field(const gj_type *t, const char *key)
{
    for (const gj_field *f = t->fields; f->name; f++)
        if (gj_key_equal(f->name, key))
            return f;
    return NULL;
}

static void check(checker *ck, const json_t *v, const gj_type *t);

static void check_elements(checker *ck, const json_t *arr, const gj_type *t)
{
    for (size_t i = 0; i < json_array_size(arr) && !ck->failed; i++) {
        size_t old = push_index(ck, i);
        check(ck, json_array_get(arr, i), t);
        pop(ck, old);
    }
}

static void check_members(checker *ck, const json_t *obj, const gj_type *t)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        if (ck->failed)
            return;
        const gj_type *ft = &t_any;
        if (t->kind == GJ_MAP) {
            ft = t->elem;
        } else if (t->kind == GJ_STRUCT) {
            const gj_field *f = find_field(t, key);
            if (f)
                ft = f->type;
        }
        size_t old = push_key(ck, key);
        check(ck, v, ft);
        pop(ck, old);
    }
}

static bool type_fits(const json_t *v, const gj_type *t)
{
    switch (t->kind) {
    case GJ_ANY:
        return true;
    case GJ_STRING:
        return json_is_string(v);
    case GJ_BOOL:
        return json_is_boolean(v);
    case GJ_INT:
        return json_is_integer(v);
    case GJ_ARRAY:
        return json_is_array(v);
    case GJ_MAP:
    case GJ_STRUCT:
        return json_is_object(v);
    }
    return false;
}

/* Every object's keys, whatever its type; the types of modelled fields.
 * Nesting is bounded by jansson's parser (JSON_PARSER_MAX_DEPTH). */
static void check(checker *ck, const json_t *v, const gj_type *t)
{
    if (ck->failed || json_is_null(v))
        return; /* null: as if absent, for Go */
    if (!type_fits(v, t)) {
        fail_value(ck, v, t);
        return;
    }
    if (json_is_object(v)) {
        check_keys(ck, v);
        check_members(ck, v, t);
    } else if (json_is_array(v)) {
        check_elements(ck, v, t->kind == GJ_ARRAY ? t->elem : &t_any);
    }
}

/*
 * What jansson's tree of a document would take, estimated from one pass
 * over its text: about 232 bytes an object, 136 an array, 88 a string (or
 * key) plus its text, 40 a number (measured with jansson 2.14). Sixteen
 * MiB of "{}," would take 1.3 GB: refused before it is built.
 */
static uint64_t tree_estimate(const char *data, size_t len, size_t *values)
{
    uint64_t bytes = len;
    size_t n = 0;
    bool in_string = false, in_number = false;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
            continue;
        }
        bool number_char = (c >= '0' && c <= '9') || c == '-' || c == '+' ||
                           c == '.' || c == 'e' || c == 'E';
        if (number_char && !in_number && c != 'e' && c != 'E') {
            bytes += 40;
            n++;
        }
        in_number = number_char;
        if (c == '"') {
            in_string = true;
            bytes += 88;
            n++;
        } else if (c == '{') {
            bytes += 232;
            n++;
        } else if (c == '[') {
            bytes += 136;
            n++;
        }
    }
    *values = n;
    return bytes;
}

json_t *gj_parse(const char *data, size_t len, const gj_type *type, char *err,
                 size_t errlen)
{
    size_t values;
    uint64_t tree = tree_estimate(data, len, &values);
    if (tree > GJ_MAX_TREE) {
        snprintf(err, errlen, "%zu JSON values that would take about %llu "
                 "MiB in memory, more than the %u MiB bosun allows",
                 values, (unsigned long long)(tree >> 20), GJ_MAX_TREE >> 20);
        return NULL;
    }
    json_error_t jerr;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        snprintf(err, errlen, "invalid JSON at line %d: %s", jerr.line,
                 jerr.text);
        return NULL;
    }
    checker ck = {.err = err, .errlen = errlen};
    check(&ck, doc, type);
    if (ck.failed) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* ------------------------------------------------------------- lookups */

json_t *gj_get(const json_t *obj, const char *field)
{
    if (!json_is_object(obj))
        return NULL;
    /* gj_parse() left at most one key per field. */
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
        if (gj_key_equal(key, field))
            return json_is_null(v) ? NULL : v;
    return NULL;
}

bool gj_has(const json_t *obj, const char *field)
{
    if (!json_is_object(obj))
        return false;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
        if (gj_key_equal(key, field))
            return true;
    return false;
}

const char *gj_str(const json_t *obj, const char *field)
{
    json_t *v = gj_get(obj, field);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *gj_map_get(const json_t *map, const char *key)
{
    json_t *v = json_is_object(map) ? json_object_get(map, key) : NULL;
    return json_is_null(v) ? NULL : v;
}

const char *gj_map_str(const json_t *map, const char *key)
{
    json_t *v = gj_map_get(map, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}
