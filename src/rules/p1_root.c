/*
 * Principle 1: do not run as root.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "lint/config.h"
#include "rules/download.h"
#include "rules/perms.h"
#include "rules/rule.h"
#include "util/userspec.h"

/* Known non-root base images (nonroot-bases in the configuration adds more):
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

static bool matches_any(const char *const *globs, size_t n, const char *image)
{
    for (size_t i = 0; i < n; i++)
        if (lint_glob_match(globs[i], image))
            return true;
    return false;
}

/* A base known to run as non-root: built in, or listed in the
 * configuration's nonroot-bases. A digest does not change the user, so
 * `image:tag@sha256:...` is matched without it too. */
static bool is_nonroot_base(const lint_ctx *c, const char *image)
{
    const char *at = strchr(image, '@');
    const char *name = at ? arena_strndup(c->a, image, (size_t)(at - image))
                          : image;
    size_t nbuiltin = sizeof(nonroot_base_globs) / sizeof(char *) - 1;
    const config_list *extra = &c->cfg->nonroot_bases;
    return matches_any(nonroot_base_globs, nbuiltin, image) ||
           matches_any(nonroot_base_globs, nbuiltin, name) ||
           matches_any((const char *const *)extra->items, extra->n, image) ||
           matches_any((const char *const *)extra->items, extra->n, name);
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

/* The user the image runs as: the last USER of the target stage or of the
 * stages it is built FROM. */
typedef struct final_user {
    long inst;               /* -1: no USER anywhere in the chain */
    df_value value;          /* its expansion (unknown: a build argument) */
    const df_stage *root;    /* the first stage of the chain */
} final_user;

static final_user find_final_user(lint_ctx *c)
{
    const df_model *m = c->model;
    final_user fu = {.inst = -1};
    const df_stage *target = &m->stages[m->target];
    for (const df_stage *st = target; st;
         st = st->parent >= 0 ? &m->stages[st->parent] : NULL) {
        fu.root = st;
        long u = last_user(c, st);
        if (u < 0)
            continue;
        const df_instruction *in = &c->file->insts[u];
        fu.inst = u;
        if (in->nargs == 0) {
            fu.value.unknown = true;
        } else {
            fu.value = df_expand(c->a, m, (size_t)u, in->args[0].s,
                                 in->args[0].len);
        }
        break;
    }
    return fu;
}

static void check_root_user(lint_ctx *c)
{
    const df_model *m = c->model;
    if (m->nstages == 0)
        return;
    const df_stage *target = &m->stages[m->target];
    final_user fu = find_final_user(c);

    if (fu.inst >= 0) {
        if (fu.value.error || fu.value.unknown)
            return; /* decided by a build argument */
        user_spec u;
        user_spec_parse(fu.value.s, &u);
        if (!user_spec_is_root(&u))
            return;
        const df_instruction *in = &c->file->insts[fu.inst];
        bool expanded = strcmp(fu.value.s, in->args[0].s) != 0;
        lint_report(c, "root-user", (size_t)fu.inst, in->args[0].off,
                    in->args[0].end,
                    "the image runs as root: the last USER is %s%s%s%s%s; "
                    "switch to a non-root numeric UID (e.g. USER 10001) "
                    "after the steps that need root",
                    lint_quote(c, in->args[0].s, in->args[0].len),
                    expanded ? " (" : "", expanded ? fu.value.s : "",
                    expanded ? ")" : "", user_spec_root_reason(&u));
        return;
    }

    /* No USER anywhere in the chain. */
    const df_stage *root = fu.root;
    if (!root->from)
        return; /* a snippet: its base is unknown */
    if (!root->base.unknown && is_nonroot_base(c, root->base.s))
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
            "FROM, and expands ARG and ENV values in USER. USER is read as "
            "containerd and runc read it: an empty user part (USER :1000), "
            "a signed zero (USER +0) and a multiple of 2^32 (USER "
            "4294967296, which older containerd truncates to 0) are root.",
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

/* ----------------------------------------------------- user-name-not-uid */

static void check_user_name_not_uid(lint_ctx *c)
{
    if (c->model->nstages == 0)
        return;
    final_user fu = find_final_user(c);
    if (fu.inst < 0 || fu.value.error || fu.value.unknown)
        return;
    const char *v = fu.value.s;
    user_spec u;
    user_spec_parse(v, &u);
    if (user_spec_is_root(&u) || !u.name)
        return; /* root is root-user's; a number (as Atoi reads it) is fine */
    size_t ulen = u.name_len;
    /* Windows users are names by design. */
    if (strncasecmp(v, "ContainerUser", ulen) == 0 && ulen == 13)
        return;
    const df_instruction *in = &c->file->insts[fu.inst];
    lint_report(c, "user-name-not-uid", (size_t)fu.inst, in->args[0].off,
                in->args[0].end,
                "USER %.*s is a name: Kubernetes runAsNonRoot and OpenShift "
                "cannot verify that a name is not root; use its numeric UID "
                "(e.g. USER 10001%s%.*s)",
                (int)ulen, v, v[ulen] ? ":" : "",
                v[ulen] ? (int)strlen(v + ulen + 1) : 0,
                v[ulen] ? v + ulen + 1 : "");
}

const rule_def rule_user_name_not_uid = {
    .info = {
        .id = "user-name-not-uid",
        .severity = BOSUN_INFO,
        .principle = 1,
        .scope = "dockerfile",
        .summary = "the final USER is a name, not a numeric UID",
        .rationale =
            "A platform that refuses to run containers as root (Kubernetes "
            "with runAsNonRoot, OpenShift) can only check a numeric UID: "
            "`USER app` could map to UID 0 in the image's /etc/passwd, so "
            "such pods are rejected or must be given an explicit "
            "runAsUser. A numeric UID is checkable and works even when the "
            "image has no passwd entry for it.",
        .bad = "RUN useradd -u 10001 app\nUSER app",
        .good = "RUN useradd -u 10001 app\nUSER 10001",
        .fix = "Give the user a fixed UID when you create it and name that "
               "UID (optionally with a numeric group, e.g. 10001:0) in USER.",
    },
    .check = check_user_name_not_uid,
    .dockerfile_only = true,
};

/* ------------------------------------------------------------------ sudo */

static bool is_sudo_word(const sh_word *w)
{
    if (!w || (w->flags & SHW_DYNAMIC) || !w->value)
        return false;
    const char *b = strrchr(w->value, '/');
    b = b ? b + 1 : w->value;
    return !strcmp(b, "sudo") || !strcmp(b, "doas");
}

/* The word that runs sudo in `cmd`: argv[0] or a later wrapper
 * (env X=1 sudo ...), or NULL. */
static const sh_word *sudo_word(const sh_command *cmd)
{
    for (size_t w = 0; w < cmd->argc && w <= cmd->cmd_index; w++)
        if (is_sudo_word(&cmd->argv[w]))
            return &cmd->argv[w];
    return NULL;
}

/* One finding per RUN, on its first sudo: a script full of `sudo` has one
 * problem (the step runs as the wrong USER), not one per command. */
static void check_sudo(lint_ctx *c)
{
    for (size_t i = 0; i < c->file->ninsts; i++) {
        const sh_script *s = c->scripts[i];
        if (!s)
            continue;
        const sh_word *first = NULL;
        size_t more = 0;
        for (size_t k = 0; k < s->ncmds; k++) {
            const sh_word *w = sudo_word(s->cmds[k]);
            if (w && !first)
                first = w;
            else if (w)
                more++;
        }
        if (!first)
            continue;
        lint_report(c, "sudo", i, first->off, first->end,
                    "`%s` in a RUN%s: build steps already run as the current "
                    "USER, and sudo in an image invites privilege escalation "
                    "at run time; run the step before switching to the "
                    "unprivileged USER", first->value,
                    more ? arena_printf(c->a, " (and %zu more use%s in it)",
                                        more, more == 1 ? "" : "s")
                         : "");
    }
}

const rule_def rule_sudo = {
    .info = {
        .id = "sudo",
        .severity = BOSUN_WARNING,
        .principle = 1,
        .scope = "both",
        .summary = "sudo used in a RUN",
        .rationale =
            "Build steps run as the current USER; to run one as root, put "
            "it before `USER`, or switch with `USER root` and back. sudo in "
            "a Dockerfile means the sudo package and a sudoers rule are in "
            "the image, so anything that later runs in the container as "
            "that user can become root again, and sudo's TTY and signal "
            "handling misbehaves as PID 1.",
        .bad = "USER app\nRUN sudo apt-get install -y curl",
        .good = "RUN apt-get install -y curl\nUSER 10001",
        .fix = "Order the steps so those that need root come before the "
               "final `USER`; if a process must switch users at run time, "
               "use gosu or su-exec in the entrypoint instead.",
    },
    .check = check_sudo,
};

/* -------------------------------------------------------- world-writable */

static void report_world_writable(lint_ctx *c, size_t inst, uint32_t off,
                                  uint32_t end, const char *mode,
                                  const char *what)
{
    lint_report(c, "world-writable", inst, off, end,
                "mode %s makes %s writable by every user of the container; "
                "grant write to the owner or group 0 only (e.g. g+w, 775, "
                "664)",
                mode, what);
}

static const char *paths_text(lint_ctx *c, const chmod_call *call)
{
    if (call->npaths == 0)
        return "its files";
    const sh_word *p = &call->paths[0];
    const char *first = lint_quote(c, p->raw, strlen(p->raw));
    return call->npaths > 1 ? arena_printf(c->a, "%s and %zu more", first,
                                           call->npaths - 1)
                            : first;
}

/* Is `w` removed by an `rm` later in the same script? (A temporary
 * directory made writable for one step and deleted in the same RUN never
 * reaches a layer.) */
static bool removed_later_in_script(const sh_script *s, size_t k,
                                    const sh_word *w)
{
    for (size_t j = k + 1; j < s->ncmds; j++) {
        const sh_word *args;
        size_t n;
        const char *name = command_name(s->cmds[j], &args, &n);
        if (!name || strcmp(name, "rm") != 0)
            continue;
        for (size_t a = 0; a < n; a++)
            if (!strcmp(args[a].raw, w->raw))
                return true;
    }
    return false;
}

static bool all_removed_later(const sh_script *s, size_t k,
                              const chmod_call *call)
{
    if (call->npaths == 0)
        return false;
    for (size_t p = 0; p < call->npaths; p++)
        if (!removed_later_in_script(s, k, &call->paths[p]))
            return false;
    return true;
}

static void check_world_writable(lint_ctx *c)
{
    for (size_t i = 0; i < c->file->ninsts; i++) {
        const df_instruction *in = lint_run_instruction(c, i);
        if (in->kind == DF_COPY || in->kind == DF_ADD) {
            const df_flag *f = df_find_flag(in, "chmod");
            if (f && f->value) {
                mode_grant g = mode_parse(f->value);
                if (g.known && (g.bits & 0002) && !g.sticky)
                    report_world_writable(c, i, f->value_off,
                                          f->value_off + (uint32_t)strlen(f->value),
                                          f->value, "the copied files");
            }
        }
        const sh_script *s = c->scripts[i];
        if (!s)
            continue;
        for (size_t k = 0; k < s->ncmds; k++) {
            chmod_call call;
            if (!chmod_call_parse(c, s->cmds[k], &call) ||
                (call.mode->flags & SHW_DYNAMIC))
                continue;
            mode_grant g = mode_parse(call.mode->value);
            /* A sticky directory (1777, like /tmp) is fine. */
            if (!g.known || !(g.bits & 0002) || g.sticky ||
                all_removed_later(s, k, &call))
                continue;
            report_world_writable(c, i, call.mode->off, call.mode->end,
                                  call.mode->value, paths_text(c, &call));
        }
    }
}

const rule_def rule_world_writable = {
    .info = {
        .id = "world-writable",
        .severity = BOSUN_WARNING,
        .principle = 1,
        .scope = "dockerfile",
        .summary = "a file or directory made writable by everyone",
        .rationale =
            "chmod 777 is the usual answer to \"permission denied\" when an "
            "image is run as a non-root user, and it lets any process in "
            "the container replace programs, configuration or data it "
            "should only read. Containers on OpenShift run under an "
            "arbitrary UID that is a member of group 0: making the few "
            "directories the process writes to owned by group 0 and "
            "group-writable is enough, and nothing needs to be "
            "world-writable. A sticky directory mode (1777, as /tmp has) "
            "is not reported.",
        .bad = "RUN chmod -R 777 /app\nCOPY --chmod=666 config.yml /etc/app/",
        .good = "RUN chgrp -R 0 /app/data && chmod -R g=u /app/data\n"
                "COPY --chmod=644 config.yml /etc/app/",
        .fix = "Make only the directories the process writes to writable, "
               "by group 0 (`chgrp -R 0 DIR && chmod -R g=u DIR`), and keep "
               "everything else read-only.",
    },
    .check = check_world_writable,
    .dockerfile_only = true,
};
