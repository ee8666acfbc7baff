/* Checks that belong to no principle: what `docker build` would reject,
 * and suppression comments that suppress nothing. */
#include <string.h>

#include "lint/suppress.h"
#include "rules/hadolint_map.h"
#include "rules/rule.h"
#include "util/text.h"

static void check_invalid_instruction(lint_ctx *c)
{
    for (size_t i = 0; i < c->nproblems; i++) {
        const df_problem *p = &c->problems[i];
        lint_report(c, "invalid-instruction", p->inst, p->off, p->off + 1,
                    "%s", p->message);
    }
}

const rule_def rule_invalid_instruction = {
    .info = {
        .id = "invalid-instruction",
        .severity = BOSUN_ERROR,
        .principle = 0,
        .scope = "dockerfile",
        .summary = "an instruction that the build would reject",
        .rationale =
            "The Dockerfile parses, but the build would stop at this "
            "instruction: an unknown instruction or flag, a malformed "
            "--mount, a FROM with the wrong number of arguments, a SHELL "
            "that is not in JSON form. The message is the build's own. "
            "bosun still checks the rest of the file.",
        .bad = "COPY --chmod=rwx app /app\nRUN --mount=type=secrets,id=npm npm ci",
        .good = "COPY --chmod=755 app /app\nRUN --mount=type=secret,id=npm npm ci",
        .fix = "Correct the instruction as the message says; the build "
               "reference lists each instruction's flags and forms.",
    },
    .check = check_invalid_instruction,
    .dockerfile_only = true,
};

/* The rule id closest to `id`, or NULL when none is close. */
static const char *closest_rule(const char *id)
{
    const char *best = NULL;
    size_t best_d = 3; /* more edits than that is not a typo */
    for (size_t i = 0; i < rules_count(); i++) {
        size_t d = text_edit_distance(id, rules_at(i)->info.id, false);
        if (d < best_d) {
            best_d = d;
            best = rules_at(i)->info.id;
        }
    }
    return best;
}

static void check_invalid_suppression(lint_ctx *c)
{
    const lint_suppressions *s = c->suppressions;
    /* A file can repeat one unknown id many times: its suggestion is
     * looked for once. */
    const char *last_id = NULL, *near = NULL;
    for (size_t i = 0; s && i < s->n; i++) {
        const lint_pragma *p = &s->pragmas[i];
        if (p->problem) {
            lint_report(c, "invalid-suppression", p->inst, p->off, p->end,
                        "malformed suppression comment, it suppresses "
                        "nothing: %s", p->problem);
            continue;
        }
        for (size_t k = 0; k < p->nids; k++) {
            const lint_pragma_id *id = &p->ids[k];
            if (id->rule)
                continue;
            if (!last_id || strcmp(last_id, id->id) != 0) {
                /* A hadolint code is named as what it maps to. */
                const hadolint_mapping *m = hadolint_map_find(id->id);
                near = m && m->rule_id ? m->rule_id : closest_rule(id->id);
                last_id = id->id;
            }
            lint_report(c, "invalid-suppression", p->inst, id->off, id->end,
                        "%s is not a rule id, so this suppression does "
                        "nothing; %s%s%s",
                        lint_quote(c, id->id, strlen(id->id)),
                        near ? "did you mean " : "use an id from `bosun rules`",
                        near ? near : "", near ? "?" : "");
        }
    }
}

const rule_def rule_invalid_suppression = {
    .info = {
        .id = "invalid-suppression",
        .severity = BOSUN_WARNING,
        .principle = 0,
        .scope = "dockerfile",
        .summary = "a `# bosun ignore=` comment that names no rule or is "
                   "malformed",
        .rationale =
            "A suppression comment is a promise that a finding was looked "
            "at. When it names a rule that does not exist (a typo, or a "
            "rule id from another tool), it silences nothing, and the "
            "reader of the Dockerfile believes something was reviewed that "
            "was not. bosun reads `# bosun ignore=rule-a,rule-b` before an "
            "instruction (or among the comment lines of a continued one) "
            "and `# bosun global ignore=rule-a` for the whole file; a "
            "reason may follow after another `#`.",
        .bad = "# bosun ignore=root-usr\nFROM debian:12.5",
        .good = "# bosun ignore=root-user  # runs as root by design\n"
                "FROM debian:12.5",
        .fix = "Spell the rule id as `bosun rules` lists it and separate "
               "several ids with commas; put any explanation after a second "
               "`#`.",
    },
    .check = check_invalid_suppression,
    .dockerfile_only = true,
};
