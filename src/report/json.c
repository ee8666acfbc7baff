/* --format json: the output contract of RULES.md. */
#include "report/jsonw.h"
#include "report/report.h"

void report_put_stage(jsonw *w, const bosun_finding *f, const char *key)
{
    if (f->stage) {
        jw_kv_string(w, key, f->stage);
    } else if (f->line && f->stage_index >= 0) {
        jw_kv_int(w, key, f->stage_index);
    }
}

/* The digest of the blob that holds a finding's layer, when a descriptor
 * names it. */
static const char *layer_blob_digest(const bosun_report *r,
                                     const bosun_finding *f)
{
    const report_image *img = report_image_of(r, f->file);
    if (!img || f->layer_index < 0 || (size_t)f->layer_index >= img->nlayers)
        return NULL;
    return img->layers[f->layer_index].blob_digest;
}

static void write_finding(jsonw *w, const bosun_report *r,
                          const bosun_finding *f)
{
    jw_object_begin(w);
    jw_kv_string(w, "rule", f->rule);
    jw_kv_string(w, "severity", bosun_severity_name(f->severity));
    jw_kv_string(w, "file", f->file);
    if (f->line) {
        jw_kv_int(w, "line", f->line);
        jw_kv_int(w, "column", f->column);
        jw_kv_int(w, "end_line", f->end_line);
        jw_kv_int(w, "end_column", f->end_column);
        jw_kv_int(w, "instruction_line", f->instruction_line);
    }
    if (f->layer_index >= 0) {
        jw_kv_int(w, "layer_index", f->layer_index);
        jw_kv_string(w, "layer_digest", f->layer_digest);
        const char *blob = layer_blob_digest(r, f);
        if (blob)
            jw_kv_string(w, "layer_blob_digest", blob);
    }
    if (f->path)
        jw_kv_string(w, "path", f->path);
    if (f->deleted_in_layer >= 0)
        jw_kv_int(w, "deleted_in_layer", f->deleted_in_layer);
    if (f->history_index >= 0)
        jw_kv_int(w, "history_index", f->history_index);
    jw_kv_string(w, "message", f->message);
    report_put_stage(w, f, "stage");
    if (f->base) {
        jw_key(w, "base");
        jw_bool(w, true);
    }
    if (f->suppressed) {
        jw_key(w, "suppressed");
        jw_object_begin(w);
        jw_kv_string(w, "kind", "accept");
        if (f->suppress_reason)
            jw_kv_string(w, "reason", f->suppress_reason);
        jw_object_end(w);
    }
    jw_object_end(w);
}

static void kv_string_or_null(jsonw *w, const char *key, const char *s)
{
    jw_key(w, key);
    if (s)
        jw_string(w, s);
    else
        jw_null(w);
}

static void kv_count_or_null(jsonw *w, const char *key, long long v)
{
    jw_key(w, key);
    if (v >= 0)
        jw_int(w, v);
    else
        jw_null(w);
}

/* An entry of `images`: what is unknown is null, never left out. */
static void write_image(jsonw *w, const report_image *img)
{
    jw_object_begin(w);
    jw_kv_string(w, "file", img->file);
    jw_kv_string(w, "name", img->name);
    kv_string_or_null(w, "digest", img->digest);
    kv_string_or_null(w, "platform", img->platform);
    jw_key(w, "layers");
    jw_array_begin(w);
    for (size_t i = 0; i < img->nlayers; i++) {
        const report_layer *ly = &img->layers[i];
        jw_object_begin(w);
        jw_kv_int(w, "index", ly->index);
        kv_string_or_null(w, "digest", ly->digest);
        kv_string_or_null(w, "diff_id", ly->diff_id);
        kv_string_or_null(w, "media_type", ly->media_type);
        kv_count_or_null(w, "size", ly->size);
        kv_count_or_null(w, "uncompressed_size", ly->uncompressed_size);
        kv_count_or_null(w, "files", ly->files);
        kv_string_or_null(w, "created_by", ly->created_by);
        jw_object_end(w);
    }
    jw_array_end(w);
    /* Where the base image ends (null: not known), and what the
     * manifest's annotations name as the base. */
    jw_key(w, "base");
    if (!img->base_how && !img->base_name && !img->base_digest) {
        jw_null(w);
    } else {
        jw_object_begin(w);
        kv_count_or_null(w, "layers", img->base_how ? img->base_layers : -1);
        kv_count_or_null(w, "history_entries",
                         img->base_how ? img->base_history : -1);
        kv_string_or_null(w, "from", img->base_how);
        kv_string_or_null(w, "name", img->base_name);
        kv_string_or_null(w, "digest", img->base_digest);
        jw_object_end(w);
    }
    jw_object_end(w);
}

void report_put_tool(jsonw *w)
{
    jw_key(w, "tool");
    jw_object_begin(w);
    jw_kv_string(w, "name", "bosun");
    jw_kv_string(w, "version", bosun_version());
    jw_object_end(w);
}

bool report_write_json(const bosun_report *r, FILE *out)
{
    jsonw w;
    jw_init(&w, out);
    jw_object_begin(&w);
    report_put_tool(&w);

    jw_key(&w, "findings");
    jw_array_begin(&w);
    for (size_t i = 0; i < r->nfindings; i++)
        write_finding(&w, r, &r->findings[i]);
    jw_array_end(&w);

    jw_key(&w, "errors");
    jw_array_begin(&w);
    for (size_t i = 0; i < r->nerrors; i++) {
        const bosun_error *e = &r->errors[i];
        jw_object_begin(&w);
        jw_kv_string(&w, "file", e->file);
        if (e->line)
            jw_kv_int(&w, "line", e->line);
        jw_kv_string(&w, "message", e->message);
        jw_object_end(&w);
    }
    jw_array_end(&w);

    if (r->of_images) {
        jw_key(&w, "images");
        jw_array_begin(&w);
        for (size_t i = 0; i < r->nimages; i++)
            write_image(&w, &r->images[i]);
        jw_array_end(&w);
    }
    jw_object_end(&w);
    return jw_finish(&w);
}
