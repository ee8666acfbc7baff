/*
 * --format checkstyle: Checkstyle's XML report, which CI servers
 * (Jenkins' warnings plugin, reviewdog, ...) import. Findings are grouped
 * by file; inputs that could not be checked are reported as errors of
 * their file, so that they show up where the findings do.
 */
#include <string.h>

#include "report/report.h"
#include "util/utf8.h"

/* Attribute text: XML escapes, and bytes XML 1.0 cannot hold (control
 * characters, invalid UTF-8) replaced. */
static void put_attr(FILE *out, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': fputs("&amp;", out); i++; continue;
        case '<': fputs("&lt;", out); i++; continue;
        case '>': fputs("&gt;", out); i++; continue;
        case '"': fputs("&quot;", out); i++; continue;
        case '\'': fputs("&apos;", out); i++; continue;
        case '\t': fputs("&#9;", out); i++; continue;
        case '\n': fputs("&#10;", out); i++; continue;
        case '\r': fputs("&#13;", out); i++; continue;
        default: break;
        }
        size_t k = utf8_valid_len(s + i, n - i);
        bool nonchar = k == 3 && c == 0xEF && (unsigned char)s[i + 1] == 0xBF &&
                       (unsigned char)s[i + 2] >= 0xBE; /* U+FFFE, U+FFFF */
        if (c < 0x20 || k == 0 || nonchar) {
            fputs(UTF8_REPLACEMENT, out);
            i += k ? k : 1;
        } else {
            fwrite(s + i, 1, k, out);
            i += k;
        }
    }
}

static void begin_file(FILE *out, const char *name)
{
    fputs("  <file name=\"", out);
    put_attr(out, name);
    fputs("\">\n", out);
}

/* Image findings have no line: their place in the image leads the message. */
static void put_image_place(FILE *out, const bosun_finding *f)
{
    if (f->layer_index >= 0)
        fprintf(out, "layer %d: ", f->layer_index);
    else if (f->history_index >= 0)
        fprintf(out, "history %d: ", f->history_index);
    if (f->path) {
        put_attr(out, f->path);
        fputs(": ", out);
    }
}

static void put_finding(FILE *out, const bosun_finding *f)
{
    fputs("    <error", out);
    if (f->line)
        fprintf(out, " line=\"%u\" column=\"%u\"", f->line, f->column);
    fprintf(out, " severity=\"%s\" message=\"",
            bosun_severity_name(f->severity));
    if (!f->line)
        put_image_place(out, f);
    put_attr(out, f->message);
    fputs("\" source=\"", out);
    put_attr(out, f->rule);
    fputs("\"/>\n", out);
}

bool report_write_checkstyle(const bosun_report *r, FILE *out)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<checkstyle version=\"4.3\">\n", out);
    /* Accepted findings are left out: Checkstyle has no way to say so. */
    const bosun_finding *open_file = NULL;
    for (size_t i = 0; i < r->nfindings; i++) {
        const bosun_finding *f = &r->findings[i];
        if (f->suppressed)
            continue;
        if (open_file && strcmp(f->file, open_file->file) != 0) {
            fputs("  </file>\n", out);
            open_file = NULL;
        }
        if (!open_file)
            begin_file(out, f->file);
        open_file = f;
        put_finding(out, f);
    }
    if (open_file)
        fputs("  </file>\n", out);
    for (size_t i = 0; i < r->nerrors; i++) {
        const bosun_error *e = &r->errors[i];
        begin_file(out, e->file);
        fputs("    <error", out);
        if (e->line)
            fprintf(out, " line=\"%u\"", e->line);
        fputs(" severity=\"error\" message=\"", out);
        put_attr(out, e->message);
        fputs("\" source=\"bosun\"/>\n  </file>\n", out);
    }
    fputs("</checkstyle>\n", out);
    return !ferror(out);
}
