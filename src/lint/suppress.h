/*
 * Inline suppressions: comments that silence rules.
 *
 *   # bosun ignore=rule-a,rule-b      the next instruction (or, inside a
 *                                     continued instruction, that one)
 *   # bosun global ignore=rule-a      the whole file
 *
 * A reason may follow after another '#'. Rule ids that name no rule and
 * malformed pragmas are kept so the invalid-suppression rule can report
 * them: a suppression that silently does nothing is worse than none.
 *
 * hadolint's comments are read too, as hadolint reads them, for the codes
 * that have a bosun equivalent (rules/hadolint_map.h):
 *
 *   # hadolint ignore=DL3008,DL3009   the instruction on the next line
 *                                     only (not across blank lines or
 *                                     other comments)
 *   # hadolint global ignore=DL3008   the whole file
 *
 * Codes without an equivalent are skipped, and a comment hadolint would
 * not take as a pragma is prose: they are hadolint's business, never
 * invalid-suppression findings.
 */
#ifndef BOSUN_LINT_SUPPRESS_H
#define BOSUN_LINT_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dockerfile/dockerfile.h"
#include "rules/rule.h"

typedef struct lint_pragma_id {
    const char *id;
    const rule_def *rule;   /* NULL when no rule has this id */
    uint32_t off, end;      /* source span of the id */
} lint_pragma_id;

typedef struct lint_pragma {
    size_t inst;            /* the instruction it applies to (global ones:
                               the next instruction, for reporting) */
    bool global;
    lint_pragma_id *ids;
    size_t nids;
    bool hadolint;          /* a `# hadolint ...` comment: only the ids
                               that map to a rule are kept */
    const char *problem;    /* why it is malformed; NULL when it is not */
    uint32_t off, end;      /* source span of the problem */
} lint_pragma;

struct lint_suppressions {
    const lint_pragma *pragmas;
    size_t n;
    /* Pragmas [first[i], first[i + 1]) sit before or inside instruction i
     * (ninsts + 1 entries; NULL when there are no pragmas). */
    size_t *first;
    /* Rules silenced for instruction i, each once (a file can repeat a
     * pragma a hundred thousand times: a lookup must not read them all):
     * silenced[silenced_first[i], silenced_first[i + 1]). */
    const rule_def **silenced;
    size_t *silenced_first;
    const rule_def **global; /* rules silenced for the whole file */
    size_t nglobal;
};

/* Finds every `# bosun ...ignore=` comment of the file, and the
 * `# hadolint ...ignore=` ones when `hadolint` is true. */
void lint_parse_suppressions(arena *a, const df_file *f, bool hadolint,
                             lint_suppressions *out);

/* Is `rule` silenced for instruction `inst`? */
bool lint_is_suppressed(const lint_suppressions *s, size_t inst,
                        const rule_def *rule);

#endif
