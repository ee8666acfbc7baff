/*
 * Principle 1: do not run as root.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "rules/rule.h"

/* Known non-root base images (built in; config adds more later):
 * distroless' nonroot tags, and Windows Nano Server, whose default user is
 * ContainerUser (Server Core's is ContainerAdministrator). */
static const char *const nonroot_base_globs[] = {
    "gcr.io/distroless/*:nonroot",
    "gcr.io/distroless/*:debug-nonroot",
    "gcr.io/distroless/*:nonroot-*",
    "gcr.io/distroless/*:debug-nonroot-*",
    "mcr.microsoft.com/windows/nanoserver*",
    "mcr.microsoft.com/powershell:*nanoserver*",
    "mcr.microsoft.com/dotnet/*nanoserver*",
    NULL,
};

static bool glob_simple(const char *pat, const char *s)
{
    /* '*' matches any run of characters (including '/'). */
    if (!*pat)
        return !*s;
    if (*pat == '*') {
        for (;; s++) {
            if (glob_simple(pat + 1, s))
                return true;
            if (!*s)
                return false;
        }
    }
    return *s && *pat == *s && glob_simple(pat + 1, s + 1);
}

static bool is_nonroot_base(const char *image)
{
    for (const char *const *g = nonroot_base_globs; *g; g++)
        if (glob_simple(*g, image))
            return true;
    return false;
}

bool rules_user_is_root(const char *user)
{
    size_t n = strcspn(user, ":");
    if (n == 4 && strncmp(user, "root", 4) == 0)
        return true;
    if (n > 0) {
        size_t i = 0;
        while (i < n && user[i] == '0')
            i++;
        if (i == n)
            return true;
    }
    return n == 22 && strncasecmp(user, "ContainerAdministrator", 22) == 0;
}

/* The last USER of a stage, or -1. */
static long last_user(const lint_ctx *c, const df_stage *st)
{
    long found = -1;
    for (size_t i = st->first; i < st->last; i++)
        if (c->file->insts[i].kind == DF_USER)
            found = (long)i;
    return found;
}

static void check_root_user(lint_ctx *c)
{
    const df_model *m = c->model;
    if (m->nstages == 0)
        return;
    const df_stage *target = &m->stages[m->target];

    /* Walk the chain: the target, then the stages it is built FROM. */
    const df_stage *root_of_chain = target;
    for (const df_stage *st = target; st;
         st = st->parent >= 0 ? &m->stages[st->parent] : NULL) {
        root_of_chain = st;
        long u = last_user(c, st);
        if (u < 0)
            continue;
        const df_instruction *in = &c->file->insts[u];
        if (in->nargs == 0)
            return;
        df_value v = df_expand(c->a, m, (size_t)u, in->args[0].s,
                               in->args[0].len);
        if (v.error || v.unknown)
            return; /* decided by a build argument */
        if (rules_user_is_root(v.s)) {
            bool expanded = strcmp(v.s, in->args[0].s) != 0;
            lint_report(c, "root-user", (size_t)u, in->args[0].off,
                        in->args[0].end,
                        "the image runs as root: the last USER is %s%s%s%s; "
                        "switch to a non-root numeric UID (e.g. USER 10001) "
                        "after the steps that need root",
                        lint_quote(c, in->args[0].s, in->args[0].len),
                        expanded ? " (" : "", expanded ? v.s : "",
                        expanded ? ")" : "");
        }
        return;
    }

    /* No USER anywhere in the chain. */
    if (!root_of_chain->from)
        return; /* a snippet: its base is unknown */
    if (!root_of_chain->base.unknown && is_nonroot_base(root_of_chain->base.s))
        return;
    const df_instruction *from = target->from;
    const char *where = target->name ? target->name : "";
    lint_report(c, "root-user", target->first, from->keyword.off,
                from->keyword.end,
                "the image runs as root: no USER in %s%s%s%s; add "
                "`USER <uid>` with a non-root numeric UID after the steps "
                "that need root",
                *where ? "stage '" : "the final stage", where,
                *where ? "'" : "",
                target->parent >= 0 ? " or the stages it is built from" : "");
}

const rule_def rule_root_user = {
    .info = {
        .id = "root-user",
        .severity = BOSUN_ERROR,
        .principle = 1,
        .scope = "dockerfile",
        .summary = "the image runs as root",
        .rationale =
            "A process that runs as root inside a container is one kernel "
            "bug or one misconfigured mount away from root on the host. "
            "Unless a USER says otherwise, an image runs as the user of its "
            "base image, which is root for almost every base. Platforms "
            "such as OpenShift run containers under an arbitrary non-root "
            "UID in group 0, so an image that works without root runs "
            "everywhere. bosun follows the stage that becomes the image "
            "(the last one, or --target) through the stages it is built "
            "FROM, and expands ARG and ENV values in USER.",
        .bad = "FROM debian:12.5\nRUN useradd app\nCMD [\"app\"]",
        .good = "FROM debian:12.5\nRUN useradd -u 10001 app\nUSER 10001\n"
                "CMD [\"app\"]",
        .fix = "Create an unprivileged user with a fixed UID and end the "
               "final stage with `USER <uid>`; make only the directories the "
               "process writes to owned by group 0 and group-writable.",
    },
    .check = check_root_user,
    .dockerfile_only = true,
};
