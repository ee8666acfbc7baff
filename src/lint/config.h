/* The settings a lint run uses (built from the command line and, later,
 * the configuration file). */
#ifndef BOSUN_LINT_CONFIG_H
#define BOSUN_LINT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "bosun/bosun.h"
#include "dockerfile/model.h"

struct bosun_config {
    df_build_arg *build_args;   /* malloc'd, names and values too */
    size_t nbuild_args;
    char *target;
    char **ignored;             /* rule ids */
    size_t nignored;
    /* Linting the instructions rebuilt from an image's history: rules
     * marked dockerfile_only do not run. */
    bool image_history;
};

bool config_is_ignored(const bosun_config *c, const char *rule_id);

#endif
