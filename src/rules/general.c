/* Checks that belong to no principle: what `docker build` would reject. */
#include "rules/rule.h"

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
