/*
 * --format sarif: SARIF 2.1.0, the format code-scanning services (GitHub
 * code scanning, Azure DevOps, IDE viewers) read.
 *
 * One run: the tool with a descriptor (from the rule metadata) for every
 * rule that has a result, one result per finding with its token as the region
 * (columns count code points, as `columnKind` says), a stable fingerprint,
 * and inputs that could not be checked as tool execution notifications.
 * Findings in image layers have no lines: their artifact is the image,
 * by its name, and a logical location names the layer (by its diff_id)
 * and the path. Files in the source root (a git work tree) are relative
 * to it, with the uriBaseId %SRCROOT%.
 */
#include <stdlib.h>
#include <string.h>

#include "report/jsonw.h"
#include "report/report.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/" \
                     "errata01/os/schemas/sarif-schema-2.1.0.json"

static const char *sarif_level(bosun_severity s)
{
    switch (s) {
    case BOSUN_ERROR: return "error";
    case BOSUN_WARNING: return "warning";
    case BOSUN_INFO: return "note";
    }
    return "warning";
}

/* GitHub code scanning ranks security alerts by this score (0.0-10.0). */
static const char *security_severity(bosun_severity s)
{
    switch (s) {
    case BOSUN_ERROR: return "8.0";
    case BOSUN_WARNING: return "5.0";
    case BOSUN_INFO: return "2.0";
    }
    return "5.0";
}

/* Appends `path` percent-encoded: every byte outside the unreserved set
 * (and '/') becomes %XX, so that "app:1.4" is not read as a scheme. */
static void put_encoded(strbuf *sb, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
            sb_putc(sb, (char)*p);
        } else {
            sb_putc(sb, '%');
            sb_putc(sb, hex[*p >> 4]);
            sb_putc(sb, hex[*p & 15]);
        }
    }
}

#define SRCROOT "%SRCROOT%"

/*
 * An input as an artifact location. A file inside the source root (a git
 * work tree) is relative to it, with the uriBaseId %SRCROOT%, whatever
 * the current directory. Other relative paths stay relative (consumers
 * resolve them against the checkout), absolute ones become file: URIs.
 * An image is named by its name (--name, its reference, or its path when
 * it has no reference), never by where its archive sits.
 */
static void put_uri(jsonw *w, const bosun_report *r, const char *file)
{
    const report_image *img = report_image_of(r, file);
    const char *name = img ? img->name : file;
    char *in_root =
        !img || img->name_is_path ? report_source_path(r, name) : NULL;
    strbuf sb;
    sb_init(&sb);
    const char *path = in_root ? in_root : report_path(name);
    if (path[0] == '/')
        sb_puts(&sb, "file://");
    put_encoded(&sb, path);
    jw_kv_string(w, "uri", sb.data);
    if (in_root)
        jw_kv_string(w, "uriBaseId", SRCROOT);
    sb_free(&sb);
    free(in_root);
}

/* {"text": s} */
static void put_message(jsonw *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_object_begin(w);
    jw_kv_string(w, "text", s);
    jw_object_end(w);
}

/* A rule's summary as a sentence: capitalised, with a full stop. */
static void put_sentence(jsonw *w, const char *key, const char *summary)
{
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, summary);
    if (sb.len && sb.data[0] >= 'a' && sb.data[0] <= 'z')
        sb.data[0] = (char)(sb.data[0] - 'a' + 'A');
    sb_putc(&sb, '.');
    put_message(w, key, sb.data);
    sb_free(&sb);
}

static void put_help(jsonw *w, const bosun_rule_info *info)
{
    strbuf text, md;
    sb_init(&text);
    sb_init(&md);
    sb_printf(&text, "%s\n\nBad:\n%s\n\nGood:\n%s", info->fix, info->bad,
              info->good);
    sb_printf(&md, "%s\n\nBad:\n\n```dockerfile\n%s\n```\n\nGood:\n\n"
                   "```dockerfile\n%s\n```", info->fix, info->bad, info->good);
    jw_key(w, "help");
    jw_object_begin(w);
    jw_kv_string(w, "text", text.data);
    jw_kv_string(w, "markdown", md.data);
    jw_object_end(w);
    sb_free(&text);
    sb_free(&md);
}

/* A rule's documentation: docs/rules/<id>.md in the repository at
 * BOSUN_HOMEPAGE (CMake's HOMEPAGE_URL). */
static void put_help_uri(jsonw *w, const char *id)
{
    strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "%s/blob/main/docs/rules/", BOSUN_HOMEPAGE);
    put_encoded(&sb, id);
    sb_puts(&sb, ".md");
    jw_kv_string(w, "helpUri", sb.data);
    sb_free(&sb);
}

/* `severity` is the rule's in this run: its default, or what the
 * configuration set it to (severity: in .bosun.yaml), which is what
 * code-scanning services should rank its results by. */
static void put_rule(jsonw *w, const bosun_rule_info *info,
                     bosun_severity severity)
{
    jw_object_begin(w);
    jw_kv_string(w, "id", info->id);
    put_sentence(w, "shortDescription", info->summary);
    put_message(w, "fullDescription", info->rationale);
    put_help_uri(w, info->id);
    put_help(w, info);
    jw_key(w, "defaultConfiguration");
    jw_object_begin(w);
    jw_kv_string(w, "level", sarif_level(severity));
    jw_object_end(w);
    jw_key(w, "properties");
    jw_object_begin(w);
    jw_key(w, "tags");
    jw_array_begin(w);
    jw_string(w, "security");
    jw_string(w, info->scope);
    jw_array_end(w);
    jw_kv_string(w, "precision", "high");
    jw_kv_string(w, "security-severity", security_severity(severity));
    jw_object_end(w);
    jw_object_end(w);
}

/* The rules that have results, in catalog order: slot[i] is the index
 * of rule i in driver.rules, or -1; severity[i] its severity in this run
 * (that of its results: the configuration sets one per rule). */
typedef struct rule_table {
    int *slot;
    bosun_severity *severity;
    size_t nrules;
} rule_table;

static int catalog_index(const char *id)
{
    for (size_t i = 0; i < bosun_rule_count(); i++)
        if (strcmp(bosun_rule_at(i)->id, id) == 0)
            return (int)i;
    return -1;
}

static rule_table used_rules(const bosun_report *r)
{
    rule_table t = {xcalloc(bosun_rule_count() + 1, sizeof(int)),
                    xcalloc(bosun_rule_count() + 1, sizeof(bosun_severity)),
                    bosun_rule_count()};
    for (size_t i = 0; i < r->nfindings; i++) {
        int k = catalog_index(r->findings[i].rule);
        if (k >= 0 && !t.slot[k]) {
            t.slot[k] = 1;
            t.severity[k] = r->findings[i].severity;
        }
    }
    int next = 0;
    for (size_t i = 0; i < t.nrules; i++)
        t.slot[i] = t.slot[i] ? next++ : -1;
    return t;
}

static void put_tool(jsonw *w, const rule_table *rules)
{
    jw_key(w, "tool");
    jw_object_begin(w);
    jw_key(w, "driver");
    jw_object_begin(w);
    jw_kv_string(w, "name", "bosun");
    jw_kv_string(w, "version", bosun_version());
    jw_kv_string(w, "semanticVersion", bosun_version());
    jw_key(w, "rules");
    jw_array_begin(w);
    for (size_t i = 0; i < rules->nrules; i++)
        if (rules->slot[i] >= 0)
            put_rule(w, bosun_rule_at(i), rules->severity[i]);
    jw_array_end(w);
    jw_object_end(w);
    jw_object_end(w);
}

static void put_region(jsonw *w, const bosun_finding *f)
{
    unsigned end_line, end_column;
    report_token_end(f, &end_line, &end_column);
    jw_key(w, "region");
    jw_object_begin(w);
    jw_kv_int(w, "startLine", f->line);
    jw_kv_int(w, "startColumn", f->column);
    jw_kv_int(w, "endLine", end_line);
    jw_kv_int(w, "endColumn", end_column);
    jw_object_end(w);
}

/* Where an image finding is inside the image: "layer N (diff_id)/path"
 * (kind member: a file of the layer), "layer N (diff_id)" (module),
 * "history N" (element). */
static void put_logical_location(jsonw *w, const bosun_finding *f)
{
    strbuf name;
    sb_init(&name);
    if (f->layer_index >= 0) {
        sb_printf(&name, "layer %d", f->layer_index);
        if (f->layer_digest)
            sb_printf(&name, " (%s)", f->layer_digest);
    } else if (f->history_index >= 0) {
        sb_printf(&name, "history %d", f->history_index);
    }
    if (f->path)
        sb_printf(&name, "%s%s", f->path[0] == '/' || !name.len ? "" : "/",
                  f->path);
    if (name.len) {
        jw_key(w, "logicalLocations");
        jw_array_begin(w);
        jw_object_begin(w);
        if (f->path)
            jw_kv_string(w, "name", f->path);
        jw_kv_string(w, "fullyQualifiedName", name.data);
        jw_kv_string(w, "kind", f->path                ? "member"
                                : f->layer_index >= 0 ? "module"
                                                      : "element");
        jw_object_end(w);
        jw_array_end(w);
    }
    sb_free(&name);
}

/* Opens "physicalLocation": {"artifactLocation": {"uri": ...}, ... */
static void begin_physical_location(jsonw *w, const bosun_report *r,
                                    const char *file)
{
    jw_key(w, "physicalLocation");
    jw_object_begin(w);
    jw_key(w, "artifactLocation");
    jw_object_begin(w);
    put_uri(w, r, file);
    jw_object_end(w);
}

static void put_location(jsonw *w, const bosun_report *r,
                         const bosun_finding *f)
{
    jw_key(w, "locations");
    jw_array_begin(w);
    jw_object_begin(w);
    begin_physical_location(w, r, f->file);
    if (f->line)
        put_region(w, f);
    jw_object_end(w);
    put_logical_location(w, f);
    jw_object_end(w);
    jw_array_end(w);
}

static void put_properties(jsonw *w, const bosun_finding *f)
{
    jw_key(w, "properties");
    jw_object_begin(w);
    jw_kv_string(w, "security-severity", security_severity(f->severity));
    report_put_stage(w, f, "stage");
    if (f->layer_index >= 0) {
        jw_kv_int(w, "layerIndex", f->layer_index);
        if (f->layer_digest)
            jw_kv_string(w, "layerDigest", f->layer_digest);
    }
    if (f->deleted_in_layer >= 0)
        jw_kv_int(w, "deletedInLayer", f->deleted_in_layer);
    if (f->history_index >= 0)
        jw_kv_int(w, "historyIndex", f->history_index);
    if (f->base) {
        jw_key(w, "base");
        jw_bool(w, true);
    }
    jw_object_end(w);
}

/* An accepted finding: suppressed in the configuration, outside the
 * scanned artifact (SARIF's "external" kind). */
static void put_suppressions(jsonw *w, const bosun_finding *f)
{
    if (!f->suppressed)
        return;
    jw_key(w, "suppressions");
    jw_array_begin(w);
    jw_object_begin(w);
    jw_kv_string(w, "kind", "external");
    if (f->suppress_reason)
        jw_kv_string(w, "justification", f->suppress_reason);
    jw_object_end(w);
    jw_array_end(w);
}

static void put_result(jsonw *w, const bosun_report *r,
                       const bosun_finding *f, const char *fp,
                       const rule_table *rules)
{
    jw_object_begin(w);
    jw_kv_string(w, "ruleId", f->rule);
    int k = catalog_index(f->rule);
    if (k >= 0)
        jw_kv_int(w, "ruleIndex", rules->slot[k]);
    jw_kv_string(w, "level", sarif_level(f->severity));
    put_message(w, "message", f->message);
    put_location(w, r, f);
    jw_key(w, "partialFingerprints");
    jw_object_begin(w);
    jw_kv_string(w, "bosunFingerprint/v1", fp);
    jw_object_end(w);
    put_properties(w, f);
    put_suppressions(w, f);
    jw_object_end(w);
}

/* Inputs that could not be checked. */
static void put_invocation(jsonw *w, const bosun_report *r)
{
    jw_key(w, "invocations");
    jw_array_begin(w);
    jw_object_begin(w);
    jw_key(w, "executionSuccessful");
    jw_bool(w, r->nerrors == 0);
    if (r->nerrors) {
        jw_key(w, "toolExecutionNotifications");
        jw_array_begin(w);
        for (size_t i = 0; i < r->nerrors; i++) {
            const bosun_error *e = &r->errors[i];
            jw_object_begin(w);
            jw_kv_string(w, "level", "error");
            put_message(w, "message", e->message);
            jw_key(w, "locations");
            jw_array_begin(w);
            jw_object_begin(w);
            begin_physical_location(w, r, e->file);
            if (e->line) {
                jw_key(w, "region");
                jw_object_begin(w);
                jw_kv_int(w, "startLine", e->line);
                jw_object_end(w);
            }
            jw_object_end(w);
            jw_object_end(w);
            jw_array_end(w);
            jw_object_end(w);
        }
        jw_array_end(w);
    }
    jw_object_end(w);
    jw_array_end(w);
}

/* Does any location name a file relative to the source root? */
static bool uses_source_root(const bosun_report *r)
{
    for (size_t i = 0; i < r->nfindings + r->nerrors; i++) {
        const char *file = i < r->nfindings ? r->findings[i].file
                                            : r->errors[i - r->nfindings].file;
        const report_image *img = report_image_of(r, file);
        if (img && !img->name_is_path)
            continue;
        char *p = report_source_path(r, img ? img->name : file);
        free(p);
        if (p)
            return true;
    }
    return false;
}

/* "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///root/"}} */
static void put_base_ids(jsonw *w, const bosun_report *r)
{
    if (!uses_source_root(r))
        return;
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, "file://");
    put_encoded(&sb, r->source_root);
    if (sb.data[sb.len - 1] != '/')
        sb_putc(&sb, '/');
    jw_key(w, "originalUriBaseIds");
    jw_object_begin(w);
    jw_key(w, SRCROOT);
    jw_object_begin(w);
    jw_kv_string(w, "uri", sb.data);
    jw_object_end(w);
    jw_object_end(w);
    sb_free(&sb);
}

bool report_write_sarif(const bosun_report *r, FILE *out)
{
    report_fingerprint *fps = report_fingerprints(r);
    rule_table rules = used_rules(r);
    jsonw w;
    jw_init(&w, out);
    jw_object_begin(&w);
    jw_kv_string(&w, "$schema", SARIF_SCHEMA);
    jw_kv_string(&w, "version", "2.1.0");
    jw_key(&w, "runs");
    jw_array_begin(&w);
    jw_object_begin(&w);
    put_tool(&w, &rules);
    put_invocation(&w, r);
    put_base_ids(&w, r);
    jw_kv_string(&w, "columnKind", "unicodeCodePoints");
    jw_key(&w, "results");
    jw_array_begin(&w);
    for (size_t i = 0; i < r->nfindings; i++)
        put_result(&w, r, &r->findings[i], fps[i], &rules);
    jw_array_end(&w);
    jw_object_end(&w);
    jw_array_end(&w);
    jw_object_end(&w);
    free(fps);
    free(rules.slot);
    free(rules.severity);
    return jw_finish(&w);
}
