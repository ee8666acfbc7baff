/*
 * hadolint's rule codes and the bosun rules they correspond to: one table
 * (hadolint_map.c) that `bosun explain DLxxxx`, `# hadolint ignore=`
 * comments, `bosun config import --hadolint` and the generated docs all
 * read.
 *
 * A code maps to a bosun rule only when the rule catches what the code
 * catches (it may catch more: bosun's rules are coarser, e.g. from-latest
 * is both DL3006 and DL3007). Codes hadolint has that bosun has no
 * equivalent for (style, build hygiene, ShellCheck's SCxxxx) are listed
 * with a NULL rule, so they can be told from codes hadolint never had.
 */
#ifndef BOSUN_RULES_HADOLINT_MAP_H
#define BOSUN_RULES_HADOLINT_MAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct hadolint_mapping {
    const char *code;    /* "DL3008" */
    const char *rule_id; /* the bosun rule; NULL when there is none */
    /* What hadolint checks, in a few words (for tables and explain). */
    const char *checks;
    /* How bosun's rule differs from the code, or NULL. */
    const char *note;
    bool removed;        /* no longer in hadolint (old pragmas still name it) */
} hadolint_mapping;

size_t hadolint_map_count(void);
const hadolint_mapping *hadolint_map_at(size_t i);
/* The entry of `code` (exact, upper case as hadolint writes it), or NULL
 * when hadolint has no such DL code. */
const hadolint_mapping *hadolint_map_find(const char *code);
/* Is `code` shaped like a hadolint or ShellCheck code (DL or SC followed by
 * digits)? Case-sensitive, as hadolint's pragmas are. */
bool hadolint_is_code(const char *code);
/* The other codes that map to the same rule as `m`, comma-separated, into
 * buf (empty when there are none). */
void hadolint_map_siblings(const hadolint_mapping *m, char *buf, size_t size);

#endif
