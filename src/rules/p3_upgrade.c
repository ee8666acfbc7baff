/*
 * Principle 3: do not upgrade the base image in your build.
 */
#include <string.h>

#include "rules/download.h"
#include "rules/pkgmgr.h"
#include "rules/rule.h"

/* Sub-commands that upgrade everything, per package manager; the
 * command-line syntax itself is pkgmgr's. */
typedef struct manager {
    pkg_tool tool;
    const char *const *blanket;         /* always a blanket upgrade */
    const char *const *unless_packages; /* ...unless packages are named */
} manager;

static const char *const apt_blanket[] = {"upgrade", "dist-upgrade",
                                          "full-upgrade", "safe-upgrade",
                                          NULL};
static const char *const rpm_blanket[] = {
    "update", "upgrade", "update-minimal", "upgrade-minimal", "distro-sync",
    "distrosync", "distribution-synchronization", "dist-upgrade", NULL,
};
static const char *const apk_blanket[] = {"upgrade", NULL};
static const char *const zypper_blanket[] = {"dup", "dist-upgrade", "patch",
                                             NULL};
static const char *const zypper_unless[] = {"update", "up", NULL};
static const char *const none[] = {NULL};

static const manager managers[] = {
    {PKG_APT, apt_blanket, none},
    {PKG_YUM, none, rpm_blanket},
    {PKG_APK, none, apk_blanket},
    {PKG_ZYPPER, zypper_blanket, zypper_unless},
};

/* pacman -Syu, -Su, --sync --sysupgrade */
static const sh_word *pacman_sysupgrade(const sh_word *args, size_t n)
{
    bool sync = false;
    const sh_word *at = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *v = lint_word(&args[i]);
        if (!strcmp(v, "--sync"))
            sync = true;
        else if (!strcmp(v, "--sysupgrade"))
            at = &args[i];
        else if (v[0] == '-' && v[1] != '-') {
            if (strchr(v, 'S'))
                sync = true;
            if (strchr(v, 'u'))
                at = &args[i];
        }
    }
    return sync ? at : NULL;
}

static void check_pacman(lint_ctx *c, size_t inst, const sh_command *cmd)
{
    const sh_word *args;
    size_t n;
    const char *name = command_name(cmd, &args, &n);
    if (!name || strcmp(name, "pacman") != 0)
        return;
    const sh_word *w = pacman_sysupgrade(args, n);
    if (w)
        lint_report(c, "package-upgrade", inst, w->off, w->end,
                    "`pacman %s` upgrades every package of the base "
                    "image during the build; use an up-to-date base "
                    "image instead", lint_word(w));
}

static void check_command(lint_ctx *c, size_t inst, size_t k)
{
    const pkg_cmd *p = pkg_command(c, inst, k);
    if (!p) {
        check_pacman(c, inst, c->scripts[inst]->cmds[k]);
        return;
    }
    for (size_t i = 0; i < sizeof(managers) / sizeof(managers[0]); i++) {
        const manager *m = &managers[i];
        if (m->tool != p->tool)
            continue;
        const char *s = pkg_subcommand(p);
        bool blanket = lint_name_in(s, m->blanket);
        if (!blanket && lint_name_in(s, m->unless_packages))
            blanket = !pkg_next_operand(p, p->sub + 1);
        if (!blanket)
            return;
        const sh_word *sub = p->args[p->sub].word;
        lint_report(c, "package-upgrade", inst, sub->off, sub->end,
                    "`%s %s` upgrades the packages of the base image during "
                    "the build, so each build ships different, untested "
                    "bits; use a base image that is kept up to date (and "
                    "install only what you need)",
                    p->name, s);
        return;
    }
}

static void check_package_upgrade(lint_ctx *c)
{
    for (size_t i = 0; i < c->file->ninsts; i++) {
        const sh_script *s = c->scripts[i];
        if (!s)
            continue;
        for (size_t k = 0; k < s->ncmds; k++)
            check_command(c, i, k);
    }
}

const rule_def rule_package_upgrade = {
    .info = {
        .id = "package-upgrade",
        .severity = BOSUN_WARNING,
        .principle = 3,
        .scope = "both",
        .summary = "a blanket upgrade of the base image's packages",
        .rationale =
            "`apt-get upgrade`, `yum update` and their kin replace the "
            "packages of the base image with whatever the mirrors hold on "
            "the day of the build. The image then contains a combination "
            "nobody tested, two builds of the same commit differ, and the "
            "base image's own maintainers can no longer vouch for it. "
            "Keeping the base current is the base image provider's job; "
            "pick a base that is rebuilt when its packages change and "
            "rebuild on top of it. Installing or upgrading named packages "
            "is not reported.",
        .bad = "FROM debian:12.5\nRUN apt-get update && apt-get -y upgrade",
        .good = "FROM debian:12.5-slim  # rebuilt upstream with fixes\n"
                "RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5",
        .fix = "Drop the upgrade and use a newer tag or digest of the base "
               "image; if one package needs a fix, install that package at "
               "the fixed version.",
    },
    .check = check_package_upgrade,
};
