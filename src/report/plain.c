/*
 * The compiler-style formats: `file:line:col: severity: message [rule]`,
 * one finding per line (tty adds colour).
 */
#include "report/report.h"

static const char *severity_color(bosun_severity s)
{
    switch (s) {
    case BOSUN_ERROR: return "\033[1;31m";
    case BOSUN_WARNING: return "\033[1;33m";
    case BOSUN_INFO: return "\033[1;36m";
    }
    return "";
}

bool report_write_plain(const bosun_report *r, FILE *out, bool color)
{
    for (size_t i = 0; i < r->nfindings; i++) {
        const bosun_finding *f = &r->findings[i];
        if (color)
            fputs("\033[1m", out);
        fputs(f->file, out);
        if (f->token_line)
            fprintf(out, ":%u:%u", f->token_line, f->column);
        else if (f->layer_index >= 0)
            fprintf(out, ":layer %d", f->layer_index);
        else if (f->history_index >= 0)
            fprintf(out, ":history %d", f->history_index);
        if (f->path)
            fprintf(out, ":%s", f->path);
        fputs(":", out);
        if (color)
            fputs("\033[0m", out);
        fprintf(out, " %s%s%s: %s [%s]\n", color ? severity_color(f->severity) : "",
                bosun_severity_name(f->severity), color ? "\033[0m" : "",
                f->message, f->rule);
    }
    return !ferror(out);
}
