/*
 * Fuzz the way from a hostile Dockerfile to every report format: the
 * formatters see tokens, messages and source lines taken from the input,
 * and suppression comments are parsed on the way.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bosun/bosun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    bosun_report *r = bosun_report_new();
    bosun_lint_dockerfile(NULL, "Dockerfile", (const char *)data, size, r);
    bosun_report_sort(r);
    static const bosun_format formats[] = {
        BOSUN_FORMAT_PLAIN, BOSUN_FORMAT_TTY, BOSUN_FORMAT_JSON,
        BOSUN_FORMAT_SARIF, BOSUN_FORMAT_CHECKSTYLE, BOSUN_FORMAT_GITLAB,
        BOSUN_FORMAT_GITHUB,
    };
    for (size_t i = 0; sink && i < sizeof(formats) / sizeof(*formats); i++)
        bosun_report_write(r, formats[i], sink);
    bosun_report_free(r);
    return 0;
}
