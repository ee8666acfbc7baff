/*
 * Principle 3: do not upgrade the base image in your build.
 */
#include <string.h>

#include "rules/download.h"
#include "rules/rule.h"

/* The package managers and how they read their command line. */
typedef struct manager {
    const char *const *names;
    const char *const *value_opts; /* options that take the next word */
    const char *const *blanket;    /* sub-commands that upgrade everything */
    const char *const *unless_packages; /* ...unless packages are named */
} manager;

static const char *const apt_names[] = {"apt-get", "apt", "aptitude", NULL};
static const char *const apt_values[] = {
    "-o", "-c", "-t", "-a", "--option", "--config-file", "--target-release",
    "--default-release", "--host-architecture", NULL,
};
static const char *const apt_blanket[] = {"upgrade", "dist-upgrade",
                                          "full-upgrade", "safe-upgrade",
                                          NULL};

static const char *const rpm_names[] = {"yum", "dnf", "microdnf", "tdnf",
                                        "dnf5", NULL};
static const char *const rpm_values[] = {
    "-c", "-x", "-d", "-e", "-R", "--exclude", "--setopt", "--releasever",
    "--installroot", "--enablerepo", "--disablerepo", "--repo", "--repoid",
    "--config", "--debuglevel", "--errorlevel", "--color", "--downloaddir",
    "--destdir", "--forcearch", "--advisory", "--advisories", "--cve",
    "--bz", "--sec-severity", "--secseverity", "--comment", "--rpmverbosity",
    NULL,
};
static const char *const rpm_blanket[] = {
    "update", "upgrade", "update-minimal", "upgrade-minimal", "distro-sync",
    "distrosync", "distribution-synchronization", "dist-upgrade", NULL,
};

static const char *const apk_names[] = {"apk", NULL};
static const char *const apk_values[] = {
    "-X", "--repository", "-p", "--root", "--arch", "--keys-dir",
    "--repositories-file", "--cache-dir", "--cache-max-age", "--timeout",
    NULL,
};
static const char *const apk_blanket[] = {"upgrade", NULL};

static const char *const zypper_names[] = {"zypper", NULL};
static const char *const zypper_values[] = {
    "--root", "-R", "--reposd-dir", "-D", "--cache-dir", "-C", "--config",
    "-c", "--raw-cache-dir", "--solv-cache-dir", "--pkg-cache-dir",
    "--userdata", "-t", "--type", "-r", "--repo", "--from", NULL,
};
static const char *const zypper_blanket[] = {"dup", "dist-upgrade", "patch",
                                             NULL};
static const char *const zypper_unless[] = {"update", "up", NULL};

static const char *const none[] = {NULL};

static const manager managers[] = {
    {apt_names, apt_values, apt_blanket, none},
    {rpm_names, rpm_values, none, rpm_blanket},
    {apk_names, apk_values, none, apk_blanket},
    {zypper_names, zypper_values, zypper_blanket, zypper_unless},
};

/* The first operand (sub-command) of `args`, skipping options and their
 * values; *next is the index after it. */
static const sh_word *first_operand(const sh_word *args, size_t n,
                                    const char *const *value_opts,
                                    size_t *next)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = lint_word(&args[i]);
        if (v[0] == '-') {
            if (!strchr(v, '=') && lint_name_in(v, value_opts))
                i++;
            continue;
        }
        *next = i + 1;
        return &args[i];
    }
    return NULL;
}

static bool has_operand(const sh_word *args, size_t n,
                        const char *const *value_opts)
{
    size_t next;
    return first_operand(args, n, value_opts, &next) != NULL;
}

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

static void check_command(lint_ctx *c, size_t inst, const sh_command *cmd)
{
    const sh_word *args;
    size_t n;
    const char *name = command_name(cmd, &args, &n);
    if (!name)
        return;
    if (!strcmp(name, "pacman")) {
        const sh_word *w = pacman_sysupgrade(args, n);
        if (w)
            lint_report(c, "package-upgrade", inst, w->off, w->end,
                        "`pacman %s` upgrades every package of the base "
                        "image during the build; use an up-to-date base "
                        "image instead", lint_word(w));
        return;
    }
    for (size_t k = 0; k < sizeof(managers) / sizeof(managers[0]); k++) {
        const manager *m = &managers[k];
        if (!lint_name_in(name, m->names))
            continue;
        size_t next;
        const sh_word *sub = first_operand(args, n, m->value_opts, &next);
        if (!sub || (sub->flags & SHW_DYNAMIC))
            return;
        const char *s = lint_word(sub);
        bool blanket = lint_name_in(s, m->blanket);
        if (!blanket && lint_name_in(s, m->unless_packages))
            blanket = !has_operand(args + next, n - next, m->value_opts);
        if (!blanket)
            return;
        lint_report(c, "package-upgrade", inst, sub->off, sub->end,
                    "`%s %s` upgrades the packages of the base image during "
                    "the build, so each build ships different, untested "
                    "bits; use a base image that is kept up to date (and "
                    "install only what you need)",
                    name, s);
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
            check_command(c, i, s->cmds[k]);
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
