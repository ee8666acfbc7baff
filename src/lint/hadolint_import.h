/*
 * `bosun config import --hadolint`: a hadolint configuration file
 * (.hadolint.yaml) turned into the equivalent .bosun.yaml, through the
 * code-to-rule table of rules/hadolint_map.h.
 *
 *   ignored: [codes]              ignore: [rule ids]
 *   override: {error|warning|     severity: {rule id: level}
 *     info|style: [codes]}          (bosun has no style: info)
 *   failure-threshold: LEVEL      failure-threshold: LEVEL
 *   no-fail: true                 failure-threshold: none
 *   trustedRegistries: [hosts]    trusted-registries: [globs]
 *   disable-ignore-pragma: true   hadolint-pragmas: false
 *
 * Whatever has no equivalent (a code, a key, a level) is listed in
 * comments at the top of the output and returned as notes. The input is
 * untrusted: bad YAML or a value of the wrong type is an error with its
 * line, and nothing of the input reaches the output unquoted.
 */
#ifndef BOSUN_LINT_HADOLINT_IMPORT_H
#define BOSUN_LINT_HADOLINT_IMPORT_H

#include <stddef.h>

#include "bosun/bosun.h"

typedef struct hadolint_note {
    unsigned line;    /* 1-based line of the input it is about */
    char *text;       /* malloc'd, printable */
} hadolint_note;

typedef struct hadolint_import {
    char *yaml;             /* the .bosun.yaml text, malloc'd */
    hadolint_note *notes;   /* malloc'd */
    size_t nnotes;
    size_t more_notes;      /* not listed, past the first hundred */
} hadolint_import;

/*
 * Converts the hadolint configuration `data` (named `name` in the output's
 * header) into *out, which hadolint_import_free() releases. Returns false
 * with *err set (and nothing to free) when the file cannot be read as a
 * hadolint configuration.
 */
bool hadolint_import_yaml(const char *name, const char *data, size_t len,
                          hadolint_import *out, bosun_config_error *err);
void hadolint_import_free(hadolint_import *out);

#endif
