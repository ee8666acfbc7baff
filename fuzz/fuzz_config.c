/*
 * Fuzz the configuration file reader: a .bosun.yaml comes with the
 * repository being linted, so it is as hostile as the Dockerfiles.
 */
#include <stddef.h>
#include <stdint.h>

#include "bosun/bosun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bosun_config *cfg = bosun_config_new();
    bosun_config_error err;
    bosun_config_load_yaml(cfg, (const char *)data, size, &err);
    bosun_config_free(cfg);
    return 0;
}
