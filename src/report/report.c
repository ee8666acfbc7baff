#include "report/report.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

const char *bosun_version(void)
{
    return BOSUN_VERSION;
}

const char *bosun_severity_name(bosun_severity s)
{
    switch (s) {
    case BOSUN_INFO: return "info";
    case BOSUN_WARNING: return "warning";
    case BOSUN_ERROR: return "error";
    }
    return "error";
}

bool bosun_severity_parse(const char *s, bosun_severity *out)
{
    static const bosun_severity all[] = {BOSUN_INFO, BOSUN_WARNING,
                                         BOSUN_ERROR};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(s, bosun_severity_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    return false;
}

bosun_report *bosun_report_new(void)
{
    bosun_report *r = xcalloc(1, sizeof(*r));
    arena_init(&r->strings);
    return r;
}

void bosun_report_free(bosun_report *r)
{
    if (!r)
        return;
    arena_release(&r->strings);
    free(r->findings);
    free(r->errors);
    free(r->images);
    free(r->source_root);
    free(r->cwd);
    free(r);
}

size_t bosun_report_count(const bosun_report *r)
{
    return r->nfindings;
}

const bosun_finding *bosun_report_finding(const bosun_report *r, size_t i)
{
    return i < r->nfindings ? &r->findings[i] : NULL;
}

size_t bosun_report_error_count(const bosun_report *r)
{
    return r->nerrors;
}

const bosun_error *bosun_report_error(const bosun_report *r, size_t i)
{
    return i < r->nerrors ? &r->errors[i] : NULL;
}

static const char *keep(bosun_report *r, const char *s)
{
    return s ? arena_strdup(&r->strings, s) : NULL;
}

void report_add_finding(bosun_report *r, const bosun_finding *f)
{
    if (r->nfindings == r->findings_cap) {
        r->findings_cap = r->findings_cap ? 2 * r->findings_cap : 16;
        r->findings = xreallocarray(r->findings, r->findings_cap,
                                    sizeof(*r->findings));
    }
    bosun_finding *d = &r->findings[r->nfindings++];
    const bosun_finding *prev = r->nfindings > 1 ? d - 1 : NULL;
    *d = *f;
    d->rule = keep(r, f->rule);
    /* Findings come file by file: share the previous one's copy of the
     * name, which also lets the sort skip comparing equal names. */
    d->file = prev && f->file && prev->file && !strcmp(prev->file, f->file)
                  ? prev->file
                  : keep(r, f->file);
    d->message = keep(r, f->message);
    d->stage = keep(r, f->stage);
    d->layer_digest = keep(r, f->layer_digest);
    d->path = keep(r, f->path);
    d->source_line = keep(r, f->source_line);
    d->suppress_reason = keep(r, f->suppress_reason);
}

void report_expect_images(bosun_report *r)
{
    r->of_images = true;
}

void report_add_image(bosun_report *r, const report_image *img)
{
    r->of_images = true;
    if (r->nimages == r->images_cap) {
        r->images_cap = r->images_cap ? 2 * r->images_cap : 4;
        r->images = xreallocarray(r->images, r->images_cap,
                                  sizeof(*r->images));
    }
    report_image *d = &r->images[r->nimages++];
    report_layer *layers = ARENA_ARRAY(&r->strings, report_layer,
                                       img->nlayers + 1);
    for (size_t i = 0; i < img->nlayers; i++) {
        layers[i] = img->layers[i];
        layers[i].digest = keep(r, img->layers[i].digest);
        layers[i].diff_id = keep(r, img->layers[i].diff_id);
        layers[i].blob_digest = keep(r, img->layers[i].blob_digest);
        layers[i].media_type = keep(r, img->layers[i].media_type);
        layers[i].created_by = keep(r, img->layers[i].created_by);
    }
    *d = (report_image){
        .file = keep(r, img->file),
        .name = keep(r, img->name ? img->name : img->file),
        .name_is_path = img->name ? img->name_is_path : true,
        .digest = keep(r, img->digest),
        .platform = keep(r, img->platform),
        .layers = layers,
        .nlayers = img->nlayers,
        .base_layers = img->base_layers,
        .base_history = img->base_history,
        .base_how = keep(r, img->base_how),
        .base_name = keep(r, img->base_name),
        .base_digest = keep(r, img->base_digest),
    };
}

const char *report_path(const char *file)
{
    while (file[0] == '.' && file[1] == '/' && file[2])
        file += 2;
    return file;
}

void report_token_end(const bosun_finding *f, unsigned *line,
                      unsigned *column)
{
    if (f->end_line > f->line ||
        (f->end_line == f->line && f->end_column > f->column)) {
        *line = f->end_line;
        *column = f->end_column;
    } else {
        *line = f->line;
        *column = f->column + 1;
    }
}

const report_image *report_image_of(const bosun_report *r, const char *file)
{
    for (size_t i = 0; file && i < r->nimages; i++)
        if (strcmp(r->images[i].file, file) == 0)
            return &r->images[i];
    return NULL;
}

const char *report_display_name(const bosun_report *r, const char *file)
{
    const report_image *img = report_image_of(r, file);
    return img ? img->name : file;
}

void bosun_report_set_source_root(bosun_report *r, const char *root)
{
    free(r->source_root);
    free(r->cwd);
    r->source_root = root ? xstrdup(root) : NULL;
    r->cwd = root ? getcwd(NULL, 0) : NULL;
    if (!r->cwd) {
        free(r->source_root);
        r->source_root = NULL;
    }
}

/* `path` (absolute) without "." and "" components, ".." applied: in
 * place. Names are compared as text: a link is not followed. */
static void normalize_path(char *path)
{
    char *out = path;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *end = strchrnul(p, '/');
        size_t n = (size_t)(end - p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (out > path && *--out != '/')
                ;
        } else {
            *out++ = '/';
            memmove(out, p, n);
            out += n;
        }
        p = end;
    }
    if (out == path)
        *out++ = '/';
    *out = '\0';
}

char *report_source_path(const bosun_report *r, const char *file)
{
    /* "-" and "<stdin>" name the standard input, not a file. */
    if (!r->source_root || !file || !*file || !strcmp(file, "-") ||
        file[0] == '<')
        return NULL;
    size_t need = strlen(r->cwd) + strlen(file) + 2;
    char *abs = xmalloc(need);
    if (file[0] == '/')
        snprintf(abs, need, "%s", file);
    else
        snprintf(abs, need, "%s/%s", r->cwd, file);
    normalize_path(abs);
    /* The directory as the system names it (the root and the current
     * directory are physical paths): /tmp/x through a link is its
     * target; the file itself stays as named. */
    char *slash = strrchr(abs, '/');
    if (slash && slash != abs) {
        *slash = '\0';
        char *dir = realpath(abs, NULL);
        *slash = '/';
        if (dir) {
            size_t n = strlen(dir) + strlen(slash) + 1;
            char *joined = xmalloc(n);
            snprintf(joined, n, "%s%s", strcmp(dir, "/") ? dir : "", slash);
            free(dir);
            free(abs);
            abs = joined;
        }
    }
    size_t k = strlen(r->source_root);
    while (k > 1 && r->source_root[k - 1] == '/')
        k--;
    char *out = NULL;
    if (strncmp(abs, r->source_root, k) == 0 && abs[k] == '/' && abs[k + 1])
        out = xstrdup(abs + k + 1);
    free(abs);
    return out;
}

void bosun_report_add_error(bosun_report *r, const char *file, unsigned line,
                            const char *message)
{
    if (r->nerrors == r->errors_cap) {
        r->errors_cap = r->errors_cap ? 2 * r->errors_cap : 4;
        r->errors = xreallocarray(r->errors, r->errors_cap, sizeof(*r->errors));
    }
    bosun_error *e = &r->errors[r->nerrors++];
    e->file = keep(r, file);
    e->line = line;
    e->message = keep(r, message);
}

static int compare_findings(const void *pa, const void *pb)
{
    const bosun_finding *a = pa, *b = pb;
    int c = a->file == b->file ? 0 : strcmp(a->file, b->file);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->column != b->column)
        return a->column < b->column ? -1 : 1;
    if (a->layer_index != b->layer_index)
        return a->layer_index < b->layer_index ? -1 : 1;
    c = strcmp(a->rule, b->rule);
    if (c)
        return c;
    if ((a->path == NULL) != (b->path == NULL))
        return a->path ? 1 : -1;
    if (a->path && (c = strcmp(a->path, b->path)) != 0)
        return c;
    return strcmp(a->message, b->message);
}

void bosun_report_sort(bosun_report *r)
{
    if (r->nfindings > 1)
        qsort(r->findings, r->nfindings, sizeof(*r->findings),
              compare_findings);
}

int bosun_report_max_severity(const bosun_report *r)
{
    int max = -1;
    for (size_t i = 0; i < r->nfindings; i++)
        if (!r->findings[i].suppressed && (int)r->findings[i].severity > max)
            max = (int)r->findings[i].severity;
    return max;
}

size_t bosun_report_keep_severities(bosun_report *r, unsigned shown)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->nfindings; i++)
        if (shown & (1u << r->findings[i].severity))
            r->findings[kept++] = r->findings[i];
    size_t dropped = r->nfindings - kept;
    r->nfindings = kept;
    return dropped;
}

static bool write_tty(const bosun_report *r, FILE *out)
{
    return report_write_plain(r, out, true);
}

static bool write_plain(const bosun_report *r, FILE *out)
{
    return report_write_plain(r, out, false);
}

static const struct {
    const char *name;
    bosun_format format;
    bool (*write)(const bosun_report *r, FILE *out);
} formats[] = {
    {"tty", BOSUN_FORMAT_TTY, write_tty},
    {"plain", BOSUN_FORMAT_PLAIN, write_plain},
    {"json", BOSUN_FORMAT_JSON, report_write_json},
    {"sarif", BOSUN_FORMAT_SARIF, report_write_sarif},
    {"checkstyle", BOSUN_FORMAT_CHECKSTYLE, report_write_checkstyle},
    {"gitlab", BOSUN_FORMAT_GITLAB, report_write_gitlab},
    {"github", BOSUN_FORMAT_GITHUB, report_write_github},
    {"gnu", BOSUN_FORMAT_GNU, report_write_gnu},
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

bool bosun_format_parse(const char *s, bosun_format *out)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (strcmp(s, formats[i].name) == 0) {
            *out = formats[i].format;
            return true;
        }
    return false;
}

const char *bosun_format_names(void)
{
    return "tty, plain, json, sarif, checkstyle, gitlab, github, gnu";
}

bool bosun_report_write(const bosun_report *r, bosun_format format, FILE *out)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (formats[i].format == format)
            return formats[i].write(r, out);
    return write_plain(r, out);
}
