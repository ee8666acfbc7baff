/*
 * Fuzz the whole Dockerfile path: parser, instruction checks, model,
 * expansion, shell parsing of every RUN, and every rule.
 */
#include <stddef.h>
#include <stdint.h>

#include "bosun/bosun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bosun_config *cfg;
    if (!cfg) {
        cfg = bosun_config_new();
        bosun_config_add_build_arg(cfg, "TAG", "latest");
    }
    bosun_report *r = bosun_report_new();
    bosun_lint_dockerfile(cfg, "Dockerfile", (const char *)data, size, r);
    bosun_report_sort(r);
    bosun_report_free(r);
    return 0;
}
