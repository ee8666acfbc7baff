/*
 * `gnu`: one line per finding in the GNU Coding Standards' format for
 * messages, which Emacs's compilation mode and Vim's default errorformat
 * read, so that an editor can jump to each finding:
 *
 *   Dockerfile:7:52: error: piping into python3 ... [pipe-to-shell]
 *
 * A finding in a built image has no line in a file an editor could open
 * (the image is an archive, or in a registry): it takes the standard's
 * form without a position, "IMAGE: severity: message", with the layer (or
 * history entry) and path at the start of the message:
 *
 *   app.tar: error: layer 2: /root/.ssh/id_rsa: ... [image-secret-file]
 *
 * Nothing else is written: no excerpt, no summary.
 */
#include "report/report.h"

/* A finding about a built image rather than a Dockerfile's line. */
static bool of_image(const bosun_finding *f)
{
    return f->layer_index >= 0 || f->history_index >= 0 || !f->line;
}

static void put_finding(FILE *out, const bosun_finding *f)
{
    report_put_text(out, f->file);
    if (!of_image(f))
        fprintf(out, ":%u:%u", f->line, f->column ? f->column : 1);
    fprintf(out, ": %s: ", bosun_severity_name(f->severity));
    if (f->layer_index >= 0)
        fprintf(out, "layer %d: ", f->layer_index);
    else if (f->history_index >= 0)
        fprintf(out, "history %d: ", f->history_index);
    if (f->path) {
        report_put_text(out, f->path);
        fputs(": ", out);
    }
    report_put_text(out, f->message);
    fprintf(out, " [%s]\n", f->rule);
}

bool report_write_gnu(const bosun_report *r, FILE *out)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (!r->findings[i].suppressed) /* accepted: not shown */
            put_finding(out, &r->findings[i]);
    return !ferror(out);
}
