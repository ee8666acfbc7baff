/*
 * --format github: GitHub Actions workflow commands. Each finding becomes
 * an annotation on the pull request's diff:
 *
 *   ::error file=Dockerfile,line=7,endLine=7,col=52,endColumn=59,title=pipe-to-shell::piping ...
 *
 * Inputs that could not be checked are annotated as errors too.
 */
#include <string.h>

#include "report/report.h"
#include "util/utf8.h"

static const char *command(bosun_severity s)
{
    switch (s) {
    case BOSUN_ERROR: return "error";
    case BOSUN_WARNING: return "warning";
    case BOSUN_INFO: return "notice";
    }
    return "warning";
}

/* The runner reads a command up to the end of the line and splits its
 * properties on ',' and '::', so these are percent-encoded (`property`
 * also encodes ':' and ','). The log viewer renders terminal escapes, so
 * other control characters are replaced, as is invalid UTF-8. */
static void put_escaped(FILE *out, const char *s, bool property)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' || c == '\r' || c == '\n' ||
            (property && (c == ':' || c == ','))) {
            fprintf(out, "%%%02X", c);
            i++;
            continue;
        }
        size_t k = utf8_valid_len(s + i, n - i);
        bool control = c < 0x20 || c == 0x7F ||
                       (k == 2 && c == 0xC2 && (unsigned char)s[i + 1] < 0xA0);
        if (k == 0 || control) {
            fputs(UTF8_REPLACEMENT, out);
            i += k ? k : 1;
        } else {
            fwrite(s + i, 1, k, out);
            i += k;
        }
    }
}

static void put_finding(FILE *out, const bosun_finding *f)
{
    fprintf(out, "::%s file=", command(f->severity));
    put_escaped(out, report_path(f->file), true);
    if (f->line) {
        unsigned end_line, end_column;
        report_token_end(f, &end_line, &end_column);
        fprintf(out, ",line=%u,endLine=%u,col=%u,endColumn=%u", f->line,
                end_line, f->column, end_column);
    }
    fputs(",title=", out);
    put_escaped(out, f->rule, true);
    fputs("::", out);
    if (!f->line) {
        if (f->layer_index >= 0)
            fprintf(out, "layer %d: ", f->layer_index);
        else if (f->history_index >= 0)
            fprintf(out, "history %d: ", f->history_index);
        if (f->path) {
            put_escaped(out, f->path, false);
            fputs(": ", out);
        }
    }
    put_escaped(out, f->message, false);
    fputc('\n', out);
}

bool report_write_github(const bosun_report *r, FILE *out)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (!r->findings[i].suppressed) /* accepted: no annotation */
            put_finding(out, &r->findings[i]);
    for (size_t i = 0; i < r->nerrors; i++) {
        const bosun_error *e = &r->errors[i];
        fputs("::error file=", out);
        put_escaped(out, report_path(e->file), true);
        if (e->line)
            fprintf(out, ",line=%u", e->line);
        fputs(",title=bosun::", out);
        put_escaped(out, e->message, false);
        fputc('\n', out);
    }
    return !ferror(out);
}
