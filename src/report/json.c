/* --format json: the output contract of RULES.md. */
#include "report/jsonw.h"
#include "report/report.h"

static void write_finding(jsonw *w, const bosun_finding *f)
{
    jw_object_begin(w);
    jw_kv_string(w, "rule", f->rule);
    jw_kv_string(w, "severity", bosun_severity_name(f->severity));
    jw_kv_string(w, "file", f->file);
    if (f->line) {
        jw_kv_int(w, "line", f->line);
        jw_kv_int(w, "column", f->column);
        jw_kv_int(w, "end_line", f->end_line);
        jw_kv_int(w, "token_line", f->token_line);
        jw_kv_int(w, "end_column", f->token_end_column);
    }
    if (f->layer_index >= 0) {
        jw_kv_int(w, "layer_index", f->layer_index);
        jw_kv_string(w, "layer_digest", f->layer_digest);
    }
    if (f->path)
        jw_kv_string(w, "path", f->path);
    if (f->deleted_in_layer >= 0)
        jw_kv_int(w, "deleted_in_layer", f->deleted_in_layer);
    if (f->history_index >= 0)
        jw_kv_int(w, "history_index", f->history_index);
    jw_kv_string(w, "message", f->message);
    if (f->stage)
        jw_kv_string(w, "stage", f->stage);
    jw_object_end(w);
}

bool report_write_json(const bosun_report *r, FILE *out)
{
    jsonw w;
    jw_init(&w, out);
    jw_object_begin(&w);
    jw_key(&w, "tool");
    jw_object_begin(&w);
    jw_kv_string(&w, "name", "bosun");
    jw_kv_string(&w, "version", bosun_version());
    jw_object_end(&w);

    jw_key(&w, "findings");
    jw_array_begin(&w);
    for (size_t i = 0; i < r->nfindings; i++)
        write_finding(&w, &r->findings[i]);
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
    jw_object_end(&w);
    return jw_finish(&w);
}
