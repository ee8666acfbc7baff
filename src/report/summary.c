/*
 * The line that ends a report for people, as linters print one:
 *
 *   3 files, 5 findings: 1 error, 3 warnings, 1 info
 *   1 image (1 with errors), no findings
 *   2 files, 1 finding: 1 error (4 hidden by --severity)
 *   1 image, 3 findings: 3 warnings (2 in base layers; 5 accepted)
 *
 * Accepted findings (suppressed by the configuration) are not counted as
 * findings, only as accepted.
 */
#include <string.h>

#include "report/report.h"

/* "1 error", "3 warnings", "1 info": info is not counted in the plural. */
static void put_count(FILE *out, size_t n, const char *noun)
{
    fprintf(out, "%zu %s%s", n, noun,
            n == 1 || !strcmp(noun, "info") ? "" : "s");
}

/* Inputs that had an error: errors come input by input, so an input's
 * errors are next to each other. */
static size_t inputs_with_errors(const bosun_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nerrors; i++)
        if (i == 0 || strcmp(r->errors[i].file, r->errors[i - 1].file) != 0)
            n++;
    return n;
}

bool bosun_report_write_summary(const bosun_report *r, const char *noun,
                                size_t inputs, size_t hidden, FILE *out)
{
    size_t by_severity[3] = {0, 0, 0};
    size_t accepted = 0, base = 0;
    for (size_t i = 0; i < r->nfindings; i++) {
        if (r->findings[i].suppressed) {
            accepted++;
            continue;
        }
        by_severity[r->findings[i].severity]++;
        base += r->findings[i].base;
    }
    size_t shown = r->nfindings - accepted;

    put_count(out, inputs, noun);
    size_t failed = inputs_with_errors(r);
    if (failed)
        fprintf(out, " (%zu with errors)", failed);
    if (shown == 0) {
        fputs(", no findings", out);
    } else {
        fputs(", ", out);
        put_count(out, shown, "finding");
        const char *sep = ": ";
        for (int s = BOSUN_ERROR; s >= BOSUN_INFO; s--) {
            if (!by_severity[s])
                continue;
            fputs(sep, out);
            put_count(out, by_severity[s], bosun_severity_name(s));
            sep = ", ";
        }
    }
    if (base || accepted) {
        fputs(" (", out);
        if (base)
            fprintf(out, "%zu in base layers", base);
        if (accepted)
            fprintf(out, "%s%zu accepted", base ? "; " : "", accepted);
        fputc(')', out);
    }
    if (hidden)
        fprintf(out, " (%zu hidden by --severity)", hidden);
    fputc('\n', out);
    return !ferror(out);
}
