/*
 * Principle 2: use nss_wrapper instead of a writable /etc/passwd.
 */
#include <string.h>

#include "rules/exec.h"
#include "rules/perms.h"
#include "rules/rule.h"

/* Does the path name /etc/passwd or /etc/group, or a directory that holds
 * them when the change is recursive? Returns the file, or NULL. */
static const char *account_file(lint_ctx *c, size_t inst, const sh_word *w,
                                bool recursive)
{
    if ((w->flags & SHW_DYNAMIC) || !w->value || !*w->value)
        return NULL;
    /* A path relative to a directory bosun cannot know stays under
     * EXEC_DIR_UNKNOWN and matches nothing below. */
    const char *p = exec_absolute(c, exec_workdirs(c)[inst], w->value);
    if (!strcmp(p, "/etc/passwd") || !strcmp(p, "/etc/group"))
        return p;
    if (recursive && (!strcmp(p, "/etc") || !strcmp(p, "/")))
        return "/etc/passwd";
    return NULL;
}

static void report(lint_ctx *c, size_t inst, const sh_word *at,
                   const char *file, const char *how)
{
    lint_report(c, "passwd-writable", inst, at->off, at->end,
                "%s makes %s writable by a non-root %s, so any process in "
                "the container can add a root user; give an arbitrary UID a "
                "name with nss_wrapper (LD_PRELOAD=libnss_wrapper.so, "
                "NSS_WRAPPER_PASSWD, NSS_WRAPPER_GROUP) instead",
                how, file, strstr(how, "chown") ? "user" : "user or group");
}

static void check_command(lint_ctx *c, size_t inst, const sh_command *cmd)
{
    chmod_call ch;
    if (chmod_call_parse(c, cmd, &ch) && !(ch.mode->flags & SHW_DYNAMIC)) {
        mode_grant g = mode_parse(ch.mode->value);
        if (!g.known || !(g.bits & 0022))
            return;
        for (size_t k = 0; k < ch.npaths; k++) {
            const char *f = account_file(c, inst, &ch.paths[k], ch.recursive);
            if (f) {
                report(c, inst, &ch.paths[k], f,
                       arena_printf(c->a, "`chmod %s`", ch.mode->value));
                return;
            }
        }
        return;
    }
    chown_call co;
    if (chown_call_parse(c, cmd, &co) && co.user && !perms_is_root(co.user)) {
        for (size_t k = 0; k < co.npaths; k++) {
            const char *f = account_file(c, inst, &co.paths[k], co.recursive);
            if (f) {
                report(c, inst, &co.paths[k], f,
                       arena_printf(c->a, "`chown %s`", co.spec->value));
                return;
            }
        }
    }
}

static void check_passwd_writable(lint_ctx *c)
{
    for (size_t i = 0; i < c->file->ninsts; i++) {
        const sh_script *s = c->scripts[i];
        if (!s)
            continue;
        for (size_t k = 0; k < s->ncmds; k++)
            check_command(c, i, s->cmds[k]);
    }
}

const rule_def rule_passwd_writable = {
    .info = {
        .id = "passwd-writable",
        .severity = BOSUN_WARNING,
        .principle = 2,
        .scope = "dockerfile",
        .summary = "/etc/passwd or /etc/group made writable by non-root",
        .rationale =
            "An image meant to run under an arbitrary UID sometimes makes "
            "/etc/passwd group-writable so its entrypoint can append an "
            "entry for that UID. The same permission lets any process in "
            "the container add a user with UID 0, or change root's "
            "password hash, and become root. nss_wrapper solves the "
            "original problem without it: preload libnss_wrapper.so and "
            "point NSS_WRAPPER_PASSWD and NSS_WRAPPER_GROUP at files the "
            "entrypoint writes in a writable directory.",
        .bad = "RUN chgrp 0 /etc/passwd && chmod g=u /etc/passwd",
        .good = "RUN apt-get install -y libnss-wrapper=1.1.13-1\\n"
                "ENV LD_PRELOAD=libnss_wrapper.so \\\\\\n"
                "    NSS_WRAPPER_PASSWD=/tmp/passwd NSS_WRAPPER_GROUP=/tmp/group",
        .fix = "Leave /etc/passwd and /etc/group owned by root and not "
               "writable by others; have the entrypoint write a passwd line "
               "for the current UID to a file in a writable directory and "
               "use nss_wrapper to make it visible.",
    },
    .check = check_passwd_writable,
    .dockerfile_only = true,
};
