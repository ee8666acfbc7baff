#include "report/report.h"

#include <stdlib.h>
#include <string.h>

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
    *d = *f;
    d->rule = keep(r, f->rule);
    d->file = keep(r, f->file);
    d->message = keep(r, f->message);
    d->stage = keep(r, f->stage);
    d->layer_digest = keep(r, f->layer_digest);
    d->path = keep(r, f->path);
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
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->layer_index != b->layer_index)
        return a->layer_index < b->layer_index ? -1 : 1;
    c = strcmp(a->rule, b->rule);
    if (c)
        return c;
    if (a->token_line != b->token_line)
        return a->token_line < b->token_line ? -1 : 1;
    if (a->column != b->column)
        return a->column < b->column ? -1 : 1;
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
        if ((int)r->findings[i].severity > max)
            max = (int)r->findings[i].severity;
    return max;
}

bool bosun_format_parse(const char *s, bosun_format *out)
{
    if (strcmp(s, "plain") == 0)
        *out = BOSUN_FORMAT_PLAIN;
    else if (strcmp(s, "tty") == 0)
        *out = BOSUN_FORMAT_TTY;
    else if (strcmp(s, "json") == 0)
        *out = BOSUN_FORMAT_JSON;
    else
        return false;
    return true;
}

bool bosun_report_write(const bosun_report *r, bosun_format format, FILE *out)
{
    switch (format) {
    case BOSUN_FORMAT_JSON:
        return report_write_json(r, out);
    case BOSUN_FORMAT_TTY:
        return report_write_plain(r, out, true);
    case BOSUN_FORMAT_PLAIN:
        break;
    }
    return report_write_plain(r, out, false);
}
