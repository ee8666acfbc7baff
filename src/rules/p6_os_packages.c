/*
 * Principle 6: freeze dependencies - operating system packages.
 *
 * unpinned-apt, unpinned-apk and unpinned-rpm read the install commands
 * of every RUN (heredocs, `sh -c` strings and ONBUILD triggers included)
 * with pkgmgr's option parsing, so option values (`-t bookworm`, `-X URL`,
 * `--virtual .deps`, `--enablerepo=x`) are never taken for packages. The
 * packages a command names without a version make one finding at the
 * first of them; a range or a release instead of a version is reported at
 * its word. A version that comes from a variable (`curl=$CURL_VERSION`)
 * is a pin; a word that is wholly unknown (`$PACKAGES`) is not judged;
 * package files given by path are pinned by nature, and groups and
 * modules are not packages.
 */
#include <ctype.h>
#include <string.h>

#include "rules/pinning.h"
#include "rules/pkgmgr.h"
#include "rules/rule.h"

static bool is(const char *s, const char *lit)
{
    return strcmp(s, lit) == 0;
}

/* `v` starts with an alphanumeric and holds only alphanumerics and
 * characters of `extra`: what a package name (or a glob of names) may
 * look like, so that stray shell syntax is never taken for a package. */
static bool name_like(const char *v, const char *extra)
{
    if (!isalnum((unsigned char)v[0]))
        return false;
    for (const char *p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(extra, *p))
            return false;
    return true;
}

/* Judges each operand of `p` from args[from] on with `check`, which
 * reports ranges itself and collects the names without a version. */
typedef void check_fn(lint_ctx *c, size_t inst, const pkg_cmd *p,
                      const sh_word *w, pin_names *bare);

static void each_operand(lint_ctx *c, size_t inst, const pkg_cmd *p,
                         size_t from, check_fn *check, pin_names *bare)
{
    for (size_t i = from; i < p->nargs; i++)
        if (!p->args[i].opt)
            check(c, inst, p, p->args[i].word, bare);
}

/* ------------------------------------------------------------- apt */

/* Options after which apt installs nothing. */
static const char *const apt_no_install[] = {
    "-s", "--simulate", "--dry-run", "--just-print", "--no-act", "--recon",
    "-d", "--download-only", NULL,
};

static void check_apt_package(lint_ctx *c, size_t inst, const pkg_cmd *p,
                              const sh_word *w, pin_names *bare)
{
    (void)p;
    const char *v = w->value;
    if (strchr(v, '=') || (w->flags & SHW_DYNAMIC))
        return; /* pinned, or not known */
    if (pkg_is_local_path(v) || pkg_has_suffix(v, ".deb"))
        return;
    /* name[:arch][/release], or a glob; name- removes a package */
    if (!name_like(v, "+.-:/*?[]") || v[w->len - 1] == '-')
        return;
    const char *slash = strchr(v, '/');
    if (!slash) {
        pin_names_add(bare, w, lint_quote(c, v, w->len));
        return;
    }
    const char *name = lint_quote(c, v, (size_t)(slash - v));
    lint_report(c, "unpinned-apt", inst, w->off, w->end,
                "`%s` selects a release, not a version, so each build gets "
                "whatever that release holds that day; pin it: "
                "%s=<version> (with -t <release> to take it from there)",
                lint_quote(c, v, w->len), name);
}

static void visit_apt(lint_ctx *c, size_t inst, const pkg_cmd *p, void *data)
{
    (void)data;
    if (!is(pkg_subcommand(p), "install") || pkg_option(p, apt_no_install))
        return;
    pin_names bare = {0};
    each_operand(c, inst, p, p->sub + 1, check_apt_package, &bare);
    pin_names_report(c, "unpinned-apt", inst, &bare, "the archive",
                     "=<version>", NULL);
}

static void check_unpinned_apt(lint_ctx *c)
{
    pkg_for_each(c, PKG_MASK(PKG_APT), visit_apt, NULL);
}

/* ------------------------------------------------------------- apk */

static void check_apk_package(lint_ctx *c, size_t inst, const pkg_cmd *p,
                              const sh_word *w, pin_names *bare)
{
    (void)p;
    const char *v = w->value;
    /* name=1.2-r0, name~1.2 (fuzzy), name~=1.2: pinned */
    if (strpbrk(v, "=~") || (w->flags & SHW_DYNAMIC))
        return;
    if (pkg_is_local_path(v) || pkg_has_suffix(v, ".apk"))
        return;
    if (!name_like(v, "+._-:@<>*?"))
        return; /* !name (a conflict), shell syntax */
    size_t nlen = strcspn(v, "<>");
    if (v[nlen] == '\0') {
        pin_names_add(bare, w, lint_quote(c, v, w->len));
        return;
    }
    lint_report(c, "unpinned-apk", inst, w->off, w->end,
                "`%s` is a version range, so each build may get a different "
                "release; pin an exact version: %s=<version>",
                lint_quote(c, v, w->len), lint_quote(c, v, strcspn(v, "<>@")));
}

static void visit_apk(lint_ctx *c, size_t inst, const pkg_cmd *p, void *data)
{
    (void)data;
    static const char *const no_install[] = {"-s", "--simulate", NULL};
    if (!is(pkg_subcommand(p), "add") || pkg_option(p, no_install))
        return;
    pin_names bare = {0};
    each_operand(c, inst, p, p->sub + 1, check_apk_package, &bare);
    pin_names_report(c, "unpinned-apk", inst, &bare, "the repository",
                     "=<version>", NULL);
}

static void check_unpinned_apk(lint_ctx *c)
{
    pkg_for_each(c, PKG_MASK(PKG_APK), visit_apk, NULL);
}

/* ------------------------------------------------- yum, dnf, zypper */

/*
 * name-version[-release][.arch] or name-epoch:version-...: the version is
 * the part after a dash that starts with a digit, and it comes last or
 * before the release (java-17-openjdk is a name; java-17-openjdk-17.0.9
 * is pinned).
 */
static bool rpm_has_version(const char *v)
{
    const char *dash = strrchr(v, '-');
    return dash && isdigit((unsigned char)dash[1]);
}

static void check_rpm_package(lint_ctx *c, size_t inst, const pkg_cmd *p,
                              const sh_word *w, pin_names *bare)
{
    const char *v = w->value;
    if (w->flags & SHW_DYNAMIC)
        return;
    if (pkg_is_local_path(v) || pkg_is_url(v) || pkg_has_suffix(v, ".rpm"))
        return;
    if (p->tool == PKG_ZYPPER && !strncmp(v, "package:", 8))
        v += 8;
    if (strcspn(v, ":") < strcspn(v, "-=<>"))
        return; /* zypper's pattern:x, patch:x; module streams */
    /* @group, @module:stream, capabilities such as perl(Foo) and shell
     * syntax are not package names */
    if (!name_like(v, "+._-:=<>*?[]"))
        return;
    if (strchr(v, '=') && !strpbrk(v, "<>"))
        return; /* name=version (zypper) */
    size_t nlen = strcspn(v, "<>=");
    const char *name = lint_quote(c, v, nlen);
    if (v[nlen] == '<' || v[nlen] == '>')
        lint_report(c, "unpinned-rpm", inst, w->off, w->end,
                    "`%s` is a version range, so each build may get a "
                    "different release; pin an exact version: %s%s",
                    lint_quote(c, v, strlen(v)), name,
                    p->tool == PKG_ZYPPER ? "=<version>" : "-<version>");
    else if (!rpm_has_version(v))
        pin_names_add(bare, w, name);
}

static bool is_install(const pkg_cmd *p)
{
    const char *sub = pkg_subcommand(p);
    /* group install, groupinstall and module install are not reported;
     * localinstall installs files */
    return is(sub, "install") || is(sub, "in") ||
           (p->tool == PKG_YUM && is(sub, "reinstall"));
}

static void visit_rpm(lint_ctx *c, size_t inst, const pkg_cmd *p, void *data)
{
    (void)data;
    static const char *const no_install[] = {
        "--downloadonly", "--download-only", "--dry-run", NULL,
    };
    static const char *const type[] = {"-t", "--type", NULL};
    if (!is_install(p) || pkg_option(p, no_install))
        return;
    const pkg_arg *t = pkg_option(p, type);
    if (t && t->value && !sh_word_is(t->value, "package"))
        return; /* zypper -t pattern|patch|product */
    pin_names bare = {0};
    each_operand(c, inst, p, p->sub + 1, check_rpm_package, &bare);
    pin_names_report(c, "unpinned-rpm", inst, &bare, "the repositories",
                     p->tool == PKG_ZYPPER ? "=<version>" : "-<version>",
                     NULL);
}

static void check_unpinned_rpm(lint_ctx *c)
{
    pkg_for_each(c, PKG_MASK(PKG_YUM) | PKG_MASK(PKG_ZYPPER), visit_rpm,
                 NULL);
}

/* ------------------------------------------------------------ rules */

const rule_def rule_unpinned_apt = {
    .info = {
        .id = "unpinned-apt",
        .severity = BOSUN_WARNING,
        .principle = 6,
        .scope = "both",
        .summary = "apt-get/apt install of a package without =version",
        .rationale =
            "`apt-get install curl` installs whatever version the mirror "
            "serves on the day of the build, so two builds of the same "
            "Dockerfile can ship different software, and a build that "
            "passed review is not the one that ships. Pinning "
            "(`curl=7.88.1-10+deb12u5`) makes the build repeatable and "
            "every upgrade a visible change in review. bosun reads apt's "
            "own options, so `-t bookworm-backports` or `-o ...` values are "
            "never taken for packages; a version from a build argument "
            "(`curl=${CURL_VERSION}`) counts as pinned, a list it cannot "
            "know (`$PACKAGES`) is not judged, and local `.deb` files are "
            "fine. `pkg/release` selects a release, not a version, and is "
            "reported.",
        .bad = "RUN apt-get update \\\n"
               " && apt-get install -y --no-install-recommends curl ca-certificates",
        .good = "RUN apt-get update \\\n"
                " && apt-get install -y --no-install-recommends \\\n"
                "      curl=7.88.1-10+deb12u5 ca-certificates=20230311",
        .fix = "Add `=<version>` to each package (`apt-cache policy NAME` "
               "shows the candidate version), and update the pins "
               "deliberately, e.g. with a dependency bot; or install from a "
               "snapshot archive (snapshot.debian.org) fixed by date.",
    },
    .check = check_unpinned_apt,
};

const rule_def rule_unpinned_apk = {
    .info = {
        .id = "unpinned-apk",
        .severity = BOSUN_WARNING,
        .principle = 6,
        .scope = "both",
        .summary = "apk add of a package without =version",
        .rationale =
            "`apk add curl` installs whatever the Alpine repository holds on "
            "the day of the build: rebuilding the same Dockerfile gives a "
            "different image, and nobody reviewed the difference. bosun "
            "understands apk's options (`-X URL`, `--repository`, "
            "`--virtual NAME`, `-t NAME`), treats `name=version` and the "
            "fuzzy `name~version` as pinned, versions from build arguments "
            "as pinned, and local `.apk` files as fine; ranges "
            "(`name>1.2`) are reported.",
        .bad = "RUN apk add --no-cache --virtual .build-deps gcc musl-dev",
        .good = "RUN apk add --no-cache --virtual .build-deps \\\n"
                "      gcc=13.2.1_git20231014-r0 musl-dev=1.2.4_git20230717-r4",
        .fix = "Add `=<version>` to each package (`apk policy NAME` shows "
               "the available versions; `~1.2` accepts patch releases), and "
               "pin the base image's Alpine release so the versions exist.",
    },
    .check = check_unpinned_apk,
};

const rule_def rule_unpinned_rpm = {
    .info = {
        .id = "unpinned-rpm",
        .severity = BOSUN_WARNING,
        .principle = 6,
        .scope = "both",
        .summary = "yum/dnf/microdnf/tdnf/zypper install of a package without a version",
        .rationale =
            "`yum install httpd` installs whatever the enabled repositories "
            "hold on the day of the build, so rebuilding the same "
            "Dockerfile gives different software. A version in the name "
            "(`httpd-2.4.57`, `name-version-release.arch`, zypper's "
            "`name=version`) freezes it. bosun reads each tool's options "
            "(`--enablerepo`, `--setopt`, `-x`, zypper's global options), "
            "counts versions from build arguments as pinned, and does not "
            "report local or remote `.rpm` files, groups (`@group`, "
            "`group install`), modules (`module install`) or zypper "
            "patterns.",
        .bad = "RUN dnf install -y httpd mod_ssl && dnf clean all",
        .good = "RUN dnf install -y httpd-2.4.57-5.el9 mod_ssl-2.4.57-5.el9 \\\n"
                " && dnf clean all",
        .fix = "Name each package with its version (`yum list --showduplicates "
               "NAME` lists them), or install from a repository snapshot "
               "fixed in time.",
    },
    .check = check_unpinned_rpm,
};
