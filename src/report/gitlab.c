/*
 * --format gitlab: GitLab's Code Quality report (a subset of the Code
 * Climate issue format), shown in merge requests. GitLab tells new
 * findings from known ones by their fingerprint, so it must not change
 * when unrelated lines move (see fingerprint.c).
 */
#include <stdlib.h>

#include "report/jsonw.h"
#include "report/report.h"
#include "util/strbuf.h"

static const char *gitlab_severity(bosun_severity s)
{
    switch (s) {
    case BOSUN_ERROR: return "critical";
    case BOSUN_WARNING: return "major";
    case BOSUN_INFO: return "info";
    }
    return "major";
}

/* Image findings have no line: their place in the image leads the text. */
static void put_description(jsonw *w, const bosun_finding *f)
{
    strbuf sb;
    sb_init(&sb);
    if (!f->line) {
        if (f->layer_index >= 0)
            sb_printf(&sb, "layer %d: ", f->layer_index);
        else if (f->history_index >= 0)
            sb_printf(&sb, "history %d: ", f->history_index);
        if (f->path)
            sb_printf(&sb, "%s: ", f->path);
    }
    sb_puts(&sb, f->message);
    jw_kv_string(w, "description", sb.data);
    sb_free(&sb);
}

/*
 * location.path: an image's name (--name, its reference, or its path when
 * it has none); a file inside the source root (a git work tree) relative
 * to the root, as GitLab looks it up in the repository. Outside it, the
 * path as given (an absolute one stays absolute: there is no repository
 * file to point at).
 */
static void put_path(jsonw *w, const bosun_report *r, const char *file)
{
    const report_image *img = report_image_of(r, file);
    const char *name = img ? img->name : file;
    char *in_root =
        !img || img->name_is_path ? report_source_path(r, name) : NULL;
    jw_kv_string(w, "path", in_root ? in_root : report_path(name));
    free(in_root);
}

static void put_issue(jsonw *w, const bosun_report *r, const bosun_finding *f,
                      const char *fp)
{
    jw_object_begin(w);
    jw_kv_string(w, "type", "issue");
    jw_kv_string(w, "check_name", f->rule);
    put_description(w, f);
    jw_key(w, "categories");
    jw_array_begin(w);
    jw_string(w, "Security");
    jw_array_end(w);
    jw_kv_string(w, "fingerprint", fp);
    jw_kv_string(w, "severity", gitlab_severity(f->severity));
    jw_key(w, "location");
    jw_object_begin(w);
    put_path(w, r, f->file);
    jw_key(w, "lines");
    jw_object_begin(w);
    jw_kv_int(w, "begin", f->line ? f->line : 1);
    jw_object_end(w);
    jw_object_end(w);
    jw_object_end(w);
}

bool report_write_gitlab(const bosun_report *r, FILE *out)
{
    report_fingerprint *fps = report_fingerprints(r);
    jsonw w;
    jw_init(&w, out);
    jw_array_begin(&w);
    for (size_t i = 0; i < r->nfindings; i++)
        if (!r->findings[i].suppressed) /* accepted: no issue */
            put_issue(&w, r, &r->findings[i], fps[i]);
    jw_array_end(&w);
    free(fps);
    return jw_finish(&w);
}
