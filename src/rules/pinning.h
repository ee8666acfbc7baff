/*
 * What the principle 6 rule files (p6_*.c) share: the finding for the
 * packages an install command names without any version.
 *
 * Those are reported once per command, at the first of them, with their
 * names in the message: an `apt-get install` of forty packages is one
 * problem with one fix, not forty. Ranges, moving tags and branches are
 * rarer and each gets its own finding at its word.
 */
#ifndef BOSUN_RULES_PINNING_H
#define BOSUN_RULES_PINNING_H

#include "rules/rule.h"

typedef struct pin_names {
    const sh_word *first; /* where the finding points */
    const char *shown[3]; /* the first names, for the message */
    size_t count;
} pin_names;

/* Adds a package named without a version: `name` (as shown) from word w. */
void pin_names_add(pin_names *n, const sh_word *w, const char *name);

/*
 * Reports the names collected, if any, as one finding of `rule`:
 * "`curl`, `git` and 3 more are installed without a version, so each build
 * gets the newest version from <origin> that day; pin each one:
 * curl<pin>, ...". `origin` names where versions come from ("the
 * archive"), `pin` is
 * what pins a name ("=<version>"), `hint` (may be NULL) another way to
 * fix it.
 */
void pin_names_report(lint_ctx *c, const char *rule, size_t inst,
                      const pin_names *n, const char *origin,
                      const char *pin, const char *hint);

#endif
