/* The settings a lint run uses, built from the command line and the
 * configuration file (.bosun.yaml, see config_yaml.c). */
#ifndef BOSUN_LINT_CONFIG_H
#define BOSUN_LINT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "bosun/bosun.h"
#include "dockerfile/model.h"

/* A list of malloc'd strings. */
typedef struct config_list {
    char **items;
    size_t n;
} config_list;

/* accept: an image rule's findings about paths matching one of `paths`
 * (globs, see config_path_match), accepted for `reason` (NULL: none). */
typedef struct config_accept {
    char *rule_id;
    config_list paths;
    char *reason;
} config_accept;

typedef struct config_severity {
    char *rule_id;
    bosun_severity severity;
} config_severity;

struct bosun_config {
    df_build_arg *build_args;   /* malloc'd, names and values too */
    size_t nbuild_args;
    char *target;
    config_list ignored;        /* rule ids */
    int failure_threshold;      /* bosun_severity or BOSUN_THRESHOLD_NONE */
    config_severity *severities; /* overrides, malloc'd */
    size_t nseverities;
    /* trusted-registries: globs; the list is in force once set, even when
     * empty (then no registry is trusted). */
    config_list trusted_registries;
    bool registries_restricted;
    config_list nonroot_bases;  /* globs */
    /* `# hadolint ignore=` comments are not read (they are by default:
     * the zero value, also of a NULL configuration). */
    bool no_hadolint_pragmas;
    char *patterns;             /* patterns: a file (bosun image), or NULL */
    config_list exclude;        /* globs a directory walk skips */
    /* Linting the instructions rebuilt from an image's history: rules
     * marked dockerfile_only do not run. */
    bool image_history;
    config_accept *accepts;     /* malloc'd, in the file's order */
    size_t naccepts;
    bool skip_base;             /* skip-base: true */
};

bool config_is_ignored(const bosun_config *c, const char *rule_id);
/* The severity findings of `rule_id` are reported at. */
bosun_severity config_severity_of(const bosun_config *c, const char *rule_id,
                                  bosun_severity fallback);
void config_list_add(config_list *l, const char *s);
/* The first accept entry for `rule_id` with a glob matching `path`, or
 * NULL. */
const config_accept *config_accepted(const bosun_config *c,
                                     const char *rule_id, const char *path);
/*
 * Does the absolute `path` match `glob`? Both are split at '/'; a glob
 * component `**` stands for any number of components (none too), any
 * other is matched against one component with the Dockerfile's glob
 * matcher (df_glob_match: `*`, `?`, [...] classes, `\` escapes), so `*`
 * never crosses a '/'. Repeated and trailing slashes are ignored.
 */
bool config_path_match(const char *glob, const char *path);
bool config_list_has(const config_list *l, const char *s);

/*
 * A YAML configuration file read with bosun's limits (config_yaml.c): at
 * most 1 MiB, nested at most 16 deep, one document. open loads the first
 * document (false with *err set, nothing to close); close frees it and,
 * when `ok`, checks that no second document follows. Returns `ok` or
 * false.
 */
typedef struct config_yaml {
    yaml_parser_t parser;
    yaml_document_t doc;
} config_yaml;

bool config_yaml_open(config_yaml *y, const char *data, size_t len,
                      bosun_config_error *err);
bool config_yaml_close(config_yaml *y, bool ok, bosun_config_error *err);

#endif
