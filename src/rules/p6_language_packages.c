/*
 * Principle 6: freeze dependencies - language package managers.
 *
 * unpinned-pip, unpinned-npm, unpinned-gem, unpinned-go and unpinned-cargo
 * read each tool's install command line (pkgmgr.h) and judge every
 * package it names by that ecosystem's own version syntax: PEP 440/508
 * requirements for pip, npm's specs (scopes, dist-tags, ranges, git and
 * tarball specs), gem's -v and name:version, Go's module queries, cargo's
 * --version. An exact version is a pin, and so is a version that comes
 * from a variable; a range, a moving tag or a branch is not. Lock files,
 * requirement and constraint files, local paths and package files are
 * fine. URLs of archives are left to latest-url.
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

static bool is_dynamic(const sh_word *w)
{
    return (w->flags & SHW_DYNAMIC) != 0;
}

/* Archives and packages given as files rather than names. */
static bool is_package_file(const char *v)
{
    static const char *const suffixes[] = {
        ".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz", ".tar",
        ".egg", ".gem", NULL,
    };
    for (const char *const *s = suffixes; *s; s++)
        if (pkg_has_suffix(v, *s))
            return true;
    return false;
}

/* MAJOR.MINOR.PATCH with optional -prerelease and +build. */
static bool is_exact_semver(const char *v, size_t len)
{
    size_t i = 0;
    for (int part = 0; part < 3; part++) {
        if (part && (i >= len || v[i++] != '.'))
            return false;
        size_t start = i;
        while (i < len && isdigit((unsigned char)v[i]))
            i++;
        if (i == start)
            return false;
    }
    if (i < len && v[i] != '-' && v[i] != '+')
        return false;
    for (; i < len; i++)
        if (!isalnum((unsigned char)v[i]) && !strchr("-+.", v[i]))
            return false;
    return true;
}

/* ------------------------------------------------------------- pip */

/* The revision after '@' in the path of a VCS URL
 * (git+https://host/x/y.git@v1.2#egg=y), or NULL. */
static const char *vcs_ref(const char *url, size_t *len)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : strchr(url, ':');
    if (!p)
        return NULL;
    size_t end = strcspn(p, "#");
    const char *at = NULL;
    for (size_t i = 0; i < end; i++)
        if (p[i] == '@')
            at = p + i;
    if (!at)
        return NULL;
    *len = (size_t)(p + end - at - 1);
    return at + 1;
}

static bool is_vcs(const char *v)
{
    return !strncmp(v, "git+", 4) || !strncmp(v, "hg+", 3) ||
           !strncmp(v, "svn+", 4) || !strncmp(v, "bzr+", 4);
}

static void check_vcs(lint_ctx *c, size_t inst, const char *rule,
                      const sh_word *w, const char *url, const char *how)
{
    size_t len = 0;
    const char *ref = vcs_ref(url, &len);
    if (ref && pkg_ref_is_fixed(ref, len))
        return;
    const char *what = ref ? arena_printf(c->a, "follows the branch `%s`",
                                          lint_quote(c, ref, len))
                           : "follows the default branch";
    lint_report(c, rule, inst, w->off, w->end,
                "`%s` %s, which moves, so each build may install different "
                "code; pin a commit or tag: %s",
                lint_quote_url(c, w->value, w->len), what, how);
}

/* A PEP 508 name, then [extras], then the version specifiers up to an
 * environment marker. Returns false when `v` is no requirement. */
static bool pip_split(const char *v, size_t *name_len, const char **spec,
                      size_t *spec_len)
{
    size_t i = 0;
    while (isalnum((unsigned char)v[i]) || (i && v[i] && strchr("._-", v[i])))
        i++;
    if (i == 0)
        return false;
    *name_len = i;
    if (v[i] == '[') {
        const char *close = strchr(v + i, ']');
        if (!close)
            return false;
        i = (size_t)(close - v) + 1;
    }
    while (v[i] == ' ')
        i++;
    *spec = v + i;
    *spec_len = strcspn(v + i, ";");
    while (*spec_len && (*spec)[*spec_len - 1] == ' ')
        (*spec_len)--;
    /* what a specifier may hold: operators, versions, commas, spaces */
    for (size_t k = 0; k < *spec_len; k++)
        if (!isalnum((unsigned char)(*spec)[k]) &&
            !strchr("=<>!~*.,+-_ ", (*spec)[k]))
            return false;
    return *spec_len == 0 || strchr("=<>!~", (*spec)[0]);
}

/* One specifier clause is ==X or ===X, without a wildcard. */
static bool pip_spec_exact(const char *spec, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (spec[i] == ' ' || spec[i] == ','))
            i++;
        size_t start = i;
        while (i < len && spec[i] != ',')
            i++;
        const char *clause = spec + start;
        size_t n = i - start;
        if (n > 2 && clause[0] == '=' && clause[1] == '=' &&
            !memchr(clause, '*', n))
            return true;
    }
    return false;
}

static void check_pip_requirement(lint_ctx *c, size_t inst, const sh_word *w,
                                  pin_names *bare)
{
    const char *v = w->value;
    if (is_dynamic(w))
        return; /* pkg==$VERSION is pinned; $PKG is not known */
    const char *vcs = is_vcs(v) ? v : NULL;
    if (!vcs) {
        const char *direct = strstr(v, "@ ");
        if (!direct)
            direct = strchr(v, '@');
        if (direct) {
            direct += strspn(direct, "@ ");
            if (is_vcs(direct))
                vcs = direct; /* name @ git+https://... */
            else
                return;       /* name @ https://.../x.whl */
        }
    }
    if (vcs) {
        check_vcs(c, inst, "unpinned-pip", w, vcs, "...@<commit>");
        return;
    }
    if (pkg_is_local_path(v) || pkg_is_url(v) || strchr(v, '/') ||
        is_package_file(v))
        return;
    size_t name_len, spec_len;
    const char *spec;
    if (!pip_split(v, &name_len, &spec, &spec_len))
        return;
    const char *name = lint_quote(c, v, name_len);
    if (spec_len == 0)
        pin_names_add(bare, w, name);
    else if (!pip_spec_exact(spec, spec_len))
        lint_report(c, "unpinned-pip", inst, w->off, w->end,
                    "`%s` is a version range, so each build may get a "
                    "different release; pin an exact version: %s==<version>",
                    lint_quote(c, v, w->len), name);
}

static void visit_pip(lint_ctx *c, size_t inst, const pkg_cmd *p, void *data)
{
    (void)data;
    /* Versions fixed elsewhere: a constraints file, hashes, or only the
     * local packages of --no-index. */
    static const char *const pinned_elsewhere[] = {
        "-c", "--constraint", "--require-hashes", "--no-index", "--dry-run",
        NULL,
    };
    static const char *const editable[] = {"-e", "--editable", NULL};
    if (!is(pkg_subcommand(p), "install") || pkg_option(p, pinned_elsewhere))
        return;
    pin_names bare = {0};
    for (size_t i = p->sub + 1; i < p->nargs; i++) {
        const pkg_arg *a = &p->args[i];
        if (!a->opt)
            check_pip_requirement(c, inst, a->word, &bare);
        else if (a->value && lint_name_in(a->opt, editable))
            check_pip_requirement(c, inst, a->value, &bare);
    }
    pin_names_report(c, "unpinned-pip", inst, &bare, "the package index",
                     "==<version>",
                     "(or install a requirements file with hashes)");
}

static void check_unpinned_pip(lint_ctx *c)
{
    pkg_for_each(c, PKG_MASK(PKG_PIP) | PKG_MASK(PKG_PIPX), visit_pip, NULL);
}

/* ------------------------------------------------------------- npm */

/* npm's spellings of install (it accepts these abbreviations and typos). */
static const char *const npm_install[] = {
    "install", "i", "add", "in", "ins", "inst", "insta", "instal", "isnt",
    "isnta", "isntal", "isntall", NULL,
};

static bool is_npm_git(const char *v)
{
    static const char *const prefixes[] = {
        "git+", "git://", "github:", "gitlab:", "bitbucket:", "gist:", NULL,
    };
    for (const char *const *p = prefixes; *p; p++)
        if (!strncmp(v, *p, strlen(*p)))
            return true;
    /* user/repo[#ref]: GitHub shorthand */
    const char *slash = strchr(v, '/');
    return v[0] != '@' && slash && !strchr(slash + 1, '/') &&
           !strchr(v, ':') && !strchr(v, '@');
}

static void check_npm_git(lint_ctx *c, size_t inst, const sh_word *w)
{
    const char *hash = strchr(w->value, '#');
    const char *ref = hash ? hash + 1 : "";
    if (!strncmp(ref, "semver:", 7)) {
        lint_report(c, "unpinned-npm", inst, w->off, w->end,
                    "`%s` is a version range of a git dependency, so each "
                    "build may get different code; pin a commit: ...#<commit>",
                    lint_quote_url(c, w->value, w->len));
        return;
    }
    if (*ref && pkg_ref_is_fixed(ref, strlen(ref)))
        return;
    lint_report(c, "unpinned-npm", inst, w->off, w->end,
                "`%s` follows %s, which moves, so each build may install "
                "different code; pin a commit: ...#<commit>",
                lint_quote_url(c, w->value, w->len),
                *ref ? arena_printf(c->a, "the branch `%s`",
                                    lint_quote(c, ref, strlen(ref)))
                     : "the default branch");
}

/* [@scope/]name[@spec]: the length of the name and the spec (after '@'). */
static bool npm_split(const char *v, size_t *name_len, const char **spec)
{
    size_t i = 0;
    if (v[0] == '@') {
        const char *slash = strchr(v, '/');
        if (!slash)
            return false;
        i = (size_t)(slash - v) + 1;
    }
    size_t start = i;
    while (v[i] && (isalnum((unsigned char)v[i]) || strchr("._~-", v[i])))
        i++;
    if (i == start || (v[i] && v[i] != '@'))
        return false;
    *name_len = i;
    *spec = v[i] ? v + i + 1 : NULL;
    return true;
}

static void check_npm_package(lint_ctx *c, size_t inst, const sh_word *w,
                              pin_names *bare)
{
    const char *v = w->value;
    if (is_dynamic(w) || pkg_is_local_path(v) || pkg_is_url(v) ||
        is_package_file(v))
        return; /* tarball URLs are latest-url's */
    if (is_npm_git(v)) {
        check_npm_git(c, inst, w);
        return;
    }
    const char *alias = strstr(v, "@npm:");
    if (alias)
        v = alias + 5; /* name@npm:real@1.2.3 */
    size_t name_len;
    const char *spec;
    if (!npm_split(v, &name_len, &spec))
        return;
    const char *name = lint_quote(c, v, name_len);
    const char *shown = lint_quote(c, w->value, w->len);
    if (!spec || !*spec) {
        pin_names_add(bare, w, name);
        return;
    }
    const char *exact = spec + (spec[0] == '=' || spec[0] == 'v');
    if (is_exact_semver(exact, strlen(exact)))
        return;
    if (isdigit((unsigned char)spec[0]) || strchr("^~<>=*xXv", spec[0]))
        lint_report(c, "unpinned-npm", inst, w->off, w->end,
                    "`%s` is a version range, so each build may get a "
                    "different release; pin an exact version: %s@<x.y.z>",
                    shown, name);
    else
        lint_report(c, "unpinned-npm", inst, w->off, w->end,
                    "`%s` follows the dist-tag `%s`, which moves with every "
                    "release; pin an exact version: %s@<x.y.z>",
                    shown, lint_quote(c, spec, strlen(spec)), name);
}

static void visit_npm(lint_ctx *c, size_t inst, const pkg_cmd *p, void *data)
{
    (void)data;
    static const char *const dry_run[] = {"--dry-run", NULL};
    const char *sub = pkg_subcommand(p);
    size_t from = p->sub + 1;
    bool install;
    if (p->tool == PKG_NPM) {
        install = lint_name_in(sub, npm_install);
    } else if (p->tool == PKG_YARN && is(sub, "global")) {
        /* yarn global add NAME */
        const pkg_arg *next = pkg_next_operand(p, from);
        install = next && sh_word_is(next->word, "add");
        from = next ? (size_t)(next - p->args) + 1 : p->nargs;
    } else {
        install = is(sub, "add");
    }
    if (!install || pkg_option(p, dry_run))
        return;
    pin_names bare = {0};
    for (size_t i = from; i < p->nargs; i++)
        if (!p->args[i].opt)
            check_npm_package(c, inst, p->args[i].word, &bare);
    pin_names_report(c, "unpinned-npm", inst, &bare, "the registry",
                     "@<version>",
                     "(or install from a lock file with npm ci)");
}

static void check_unpinned_npm(lint_ctx *c)
{
    pkg_for_each(c, PKG_MASK(PKG_NPM) | PKG_MASK(PKG_YARN) | PKG_MASK(PKG_PNPM),
                 visit_npm, NULL);
}

/* ------------------------------------------------------------- gem */

/* A gem version requirement: exact unless it has an operator other
 * than `=`. */
static bool gem_version_exact(const char *v)
{
    while (*v == ' ' || *v == '=')
        v++;
    if (!isdigit((unsigned char)*v))
        return false;
    for (; *v; v++)
        if (!isalnum((unsigned char)*v) && *v != '.' && *v != '-')
            return false;
    return true;
}

static void report_gem_range(lint_ctx *c, size_t inst, const sh_word *w,
                             const char *name)
{
    lint_report(c, "unpinned-gem", inst, w->off, w->end,
                "`%s` is a version range, so each build may get a different "
                "release; pin an exact version: gem install %s -v <version>",
                lint_quote(c, w->value, w->len), name);
}

static void visit_gem(lint_ctx *c, size_t inst, const pkg_cmd *p, void *data)
{
    (void)data;
    static const char *const version[] = {"-v", "--version", NULL};
    static const char *const gemfile[] = {"-g", "--file", NULL};
    const char *sub = pkg_subcommand(p);
    if ((!is(sub, "install") && !is(sub, "i")) || pkg_option(p, gemfile))
        return; /* gem install -g Gemfile: versions from the Gemfile */
    const pkg_arg *opt = pkg_option(p, version);
    const pkg_arg *first = pkg_next_operand(p, p->sub + 1);
    if (opt && opt->value) {
        const sh_word *vw = opt->value;
        if (!is_dynamic(vw) && !gem_version_exact(vw->value) && first)
            report_gem_range(c, inst, vw,
                             lint_quote(c, first->word->value,
                                        first->word->len));
        return; /* -v applies to the (single) gem */
    }
    pin_names bare = {0};
    for (size_t i = p->sub + 1; i < p->nargs; i++) {
        const sh_word *w = p->args[i].word;
        const char *v = w->value;
        if (p->args[i].opt || is_dynamic(w) || pkg_is_local_path(v) ||
            is_package_file(v) || strchr(v, '/'))
            continue;
        const char *colon = strchr(v, ':');
        size_t nlen = colon ? (size_t)(colon - v) : w->len;
        bool valid = nlen > 0;
        for (size_t k = 0; k < nlen; k++)
            valid &= isalnum((unsigned char)v[k]) || strchr("_.-", v[k]);
        if (!valid)
            continue;
        const char *name = lint_quote(c, v, nlen);
        if (!colon)
            pin_names_add(&bare, w, name);
        else if (!gem_version_exact(colon + 1))
            report_gem_range(c, inst, w, name);
    }
    pin_names_report(c, "unpinned-gem", inst, &bare, "the gem source",
                     ":<version>", "(or -v <version> for a single gem)");
}

static void check_unpinned_gem(lint_ctx *c)
{
    pkg_for_each(c, PKG_MASK(PKG_GEM), visit_gem, NULL);
}

/* -------------------------------------------------------------- go */

/* A module path outside this build: its first element is a host name. */
static bool go_is_remote(const char *path, size_t len)
{
    if (len == 0 || path[0] == '.' || path[0] == '/')
        return false;
    size_t first = strcspn(path, "/");
    if (first > len)
        first = len;
    return memchr(path, '.', first) != NULL;
}

static void check_go_package(lint_ctx *c, size_t inst, const pkg_cmd *p,
                             const char *sub, const sh_word *w)
{
    const char *v = w->value;
    if (is_dynamic(w) || pkg_has_suffix(v, ".go"))
        return; /* pkg@$VERSION; local files */
    const char *at = strchr(v, '@');
    size_t plen = at ? (size_t)(at - v) : w->len;
    if (!go_is_remote(v, plen))
        return; /* ./cmd/x, std, a package of this module */
    const char *path = lint_quote(c, v, plen);
    if (!at) {
        /* go install and go run without a version build what go.mod (or
         * GOPATH) holds; only go get fetches the newest. GOPATH mode
         * users then often check out a revision of the repository. */
        if (!is(sub, "get") ||
            pkg_checkout_fixed_after(c, inst, p->cmd->index,
                                     arena_strndup(c->a, v, plen)))
            return;
        lint_report(c, "unpinned-go", inst, w->off, w->end,
                    "`go get %s` has no version, so it takes the newest "
                    "code of the day; pin it: %s@v<x.y.z> (or a commit)",
                    path, path);
        return;
    }
    const char *ver = at + 1;
    size_t vlen = strlen(ver);
    if (is(ver, "none"))
        return;
    bool fixed;
    if (ver[0] == 'v' && isdigit((unsigned char)ver[1]))
        fixed = is_exact_semver(ver + 1, vlen - 1); /* v1, v1.2: prefixes */
    else
        fixed = !strchr("<>", ver[0]) && !is(ver, "upgrade") &&
                !is(ver, "patch") && pkg_ref_is_fixed(ver, vlen);
    if (!fixed)
        lint_report(c, "unpinned-go", inst, w->off, w->end,
                    "`%s` asks for `@%s`, which moves, so each build may get "
                    "different code; pin it: %s@v<x.y.z> (or a commit)",
                    lint_quote(c, v, w->len), lint_quote(c, ver, vlen), path);
}

static void visit_go(lint_ctx *c, size_t inst, const pkg_cmd *p, void *data)
{
    (void)data;
    const char *sub = pkg_subcommand(p);
    bool run = is(sub, "run");
    if (!run && !is(sub, "install") && !is(sub, "get"))
        return;
    for (size_t i = p->sub + 1; i < p->nargs; i++) {
        if (p->args[i].opt)
            continue;
        check_go_package(c, inst, p, sub, p->args[i].word);
        if (run)
            return; /* what follows are the program's arguments */
    }
}

static void check_unpinned_go(lint_ctx *c)
{
    pkg_for_each(c, PKG_MASK(PKG_GO), visit_go, NULL);
}

/* ----------------------------------------------------------- cargo */

/* cargo's --version: a bare version must be MAJOR.MINOR.PATCH and means
 * exactly it; anything with an operator is a requirement. */
static bool cargo_version_exact(const char *v)
{
    if (v[0] == '=')
        v++;
    return is_exact_semver(v, strlen(v));
}

static void visit_cargo(lint_ctx *c, size_t inst, const pkg_cmd *p,
                        void *data)
{
    (void)data;
    static const char *const path[] = {"--path", "--list", NULL};
    static const char *const git[] = {"--git", NULL};
    static const char *const fixed_rev[] = {"--rev", "--tag", NULL};
    static const char *const branch[] = {"--branch", NULL};
    static const char *const version[] = {"--version", "--vers", NULL};
    if (!is(pkg_subcommand(p), "install") || pkg_option(p, path))
        return;
    const pkg_arg *g = pkg_option(p, git);
    if (g && g->value) {
        if (pkg_option(p, fixed_rev) || is_dynamic(g->value))
            return;
        const pkg_arg *b = pkg_option(p, branch);
        const sh_word *at = b && b->value ? b->value : g->value;
        if (b && b->value && is_dynamic(b->value))
            return;
        lint_report(c, "unpinned-cargo", inst, at->off, at->end,
                    "`cargo install --git %s` builds %s, which moves, so "
                    "each build may get different code; pin it: --rev "
                    "<commit> or --tag <tag>",
                    lint_quote_url(c, g->value->value, g->value->len),
                    b && b->value
                        ? arena_printf(c->a, "the branch `%s`",
                                       lint_quote(c, b->value->value,
                                              b->value->len))
                        : "the default branch");
        return;
    }
    const pkg_arg *ver = pkg_option(p, version);
    if (ver && ver->value) {
        const sh_word *vw = ver->value;
        if (!is_dynamic(vw) && !cargo_version_exact(vw->value))
            lint_report(c, "unpinned-cargo", inst, vw->off, vw->end,
                        "`--version %s` is a version range, so each build "
                        "may get a different release; pin an exact version "
                        "(MAJOR.MINOR.PATCH)",
                        lint_quote(c, vw->value, vw->len));
        return;
    }
    pin_names bare = {0};
    for (size_t i = p->sub + 1; i < p->nargs; i++) {
        const sh_word *w = p->args[i].word;
        if (p->args[i].opt || is_dynamic(w))
            continue;
        const char *v = w->value;
        const char *at = strchr(v, '@');
        size_t nlen = at ? (size_t)(at - v) : w->len;
        bool valid = nlen > 0;
        for (size_t k = 0; k < nlen; k++)
            valid &= isalnum((unsigned char)v[k]) || strchr("_-", v[k]);
        if (!valid)
            continue;
        const char *name = lint_quote(c, v, nlen);
        if (!at)
            pin_names_add(&bare, w, name);
        else if (!cargo_version_exact(at + 1))
            lint_report(c, "unpinned-cargo", inst, w->off, w->end,
                        "`%s` is a version range, so each build may get a "
                        "different release; pin an exact version: %s@<x.y.z>",
                        lint_quote(c, v, w->len), name);
    }
    pin_names_report(c, "unpinned-cargo", inst, &bare, "crates.io",
                     "@<x.y.z>", "(and add --locked)");
}

static void check_unpinned_cargo(lint_ctx *c)
{
    pkg_for_each(c, PKG_MASK(PKG_CARGO), visit_cargo, NULL);
}

/* ------------------------------------------------------------ rules */

const rule_def rule_unpinned_pip = {
    .info = {
        .id = "unpinned-pip",
        .severity = BOSUN_WARNING,
        .principle = 6,
        .scope = "both",
        .summary = "pip install of a requirement without ==version",
        .rationale =
            "`pip install flask` installs the newest release on the day of "
            "the build, together with whatever its dependencies resolve to; "
            "`flask>=2` or `flask~=2.3` do the same within a range. The "
            "image then changes without a change to the Dockerfile. bosun "
            "reads pip's options (also `python -m pip` and pipx), so "
            "`--index-url` or `-t` values are not packages, understands "
            "PEP 508 requirements (extras, markers, `===`), counts versions "
            "from build arguments as pinned, and does not report "
            "requirement files (`-r`), installs under a constraints file "
            "(`-c`), `--require-hashes`, `--no-index`, local paths or "
            "wheels. VCS URLs must name a commit or tag "
            "(`git+https://...@<commit>`).",
        .bad = "RUN pip install --no-cache-dir flask 'gunicorn>=21'",
        .good = "COPY requirements.txt .\n"
                "RUN pip install --no-cache-dir --require-hashes -r requirements.txt",
        .fix = "Pin each requirement with `==<version>`; better, list them "
               "with hashes in a requirements or lock file (pip-compile "
               "--generate-hashes, poetry export, uv pip compile) and "
               "install that with `--require-hashes`.",
    },
    .check = check_unpinned_pip,
};

const rule_def rule_unpinned_npm = {
    .info = {
        .id = "unpinned-npm",
        .severity = BOSUN_WARNING,
        .principle = 6,
        .scope = "both",
        .summary = "npm/yarn/pnpm install of a package without an exact version",
        .rationale =
            "`npm install -g typescript` takes whatever the registry's "
            "`latest` tag points to on the day of the build, and ranges "
            "(`^5.0`, `~5.4`, `5`, `5.x`) or dist-tags (`@next`) move the "
            "same way. bosun reads npm, yarn (`add`, `global add`) and "
            "pnpm (`add`) command lines: scoped packages, aliases, git "
            "specs (which must name a commit or tag) and versions from "
            "build arguments are understood; `npm ci`, an install without "
            "package names (from package-lock.json), local folders and "
            "tarballs are fine.",
        .bad = "RUN npm install -g npm@latest typescript@^5",
        .good = "RUN npm install -g npm@10.5.2 typescript@5.4.5\n"
                "COPY package.json package-lock.json ./\n"
                "RUN npm ci",
        .fix = "Name an exact version (`name@x.y.z`) for global tools, and "
               "install project dependencies from the lock file with "
               "`npm ci`, `yarn install --frozen-lockfile` or "
               "`pnpm install --frozen-lockfile`.",
    },
    .check = check_unpinned_npm,
};

const rule_def rule_unpinned_gem = {
    .info = {
        .id = "unpinned-gem",
        .severity = BOSUN_WARNING,
        .principle = 6,
        .scope = "both",
        .summary = "gem install without -v/--version or name:version",
        .rationale =
            "`gem install bundler` installs the newest release on the day "
            "of the build, so two builds of the same Dockerfile can differ. "
            "bosun accepts `-v <version>`, `--version <version>` and "
            "`name:version`, counts versions from build arguments as "
            "pinned, reports requirements with an operator (`-v '~> 2.4'`), "
            "and does not report local `.gem` files. `bundle install` "
            "installs from Gemfile.lock and is fine.",
        .bad = "RUN gem install bundler rake",
        .good = "RUN gem install bundler:2.5.9 rake:13.2.1\n"
                "RUN gem install bundler -v \"$BUNDLER_VERSION\"",
        .fix = "Add `-v <version>` (one gem) or write `name:version` for "
               "each gem; install application gems with Bundler from a "
               "committed Gemfile.lock.",
    },
    .check = check_unpinned_gem,
};

const rule_def rule_unpinned_go = {
    .info = {
        .id = "unpinned-go",
        .severity = BOSUN_WARNING,
        .principle = 6,
        .scope = "both",
        .summary = "go install/get/run of a remote module at @latest, a branch, or no version",
        .rationale =
            "`go install example.com/tool@latest` resolves the newest "
            "release when the image is built; a branch (`@main`), a version "
            "prefix (`@v1`) or `go get example.com/x` without a version "
            "move the same way. A full version (`@v1.2.3`), a "
            "pseudo-version or a commit pins the module, and go.sum "
            "pins its dependencies. `go install` and `go run` without a "
            "version build what go.mod (or GOPATH) already holds and are "
            "not reported, nor are packages of the module being built "
            "(`./cmd/x`, `./...`), the standard library, or a GOPATH "
            "`go get` whose repository the same RUN checks out at a "
            "fixed revision.",
        .bad = "RUN go install golang.org/x/tools/gopls@latest",
        .good = "RUN go install golang.org/x/tools/gopls@v0.15.3",
        .fix = "Append `@v<major>.<minor>.<patch>` (or a commit) to every "
               "remote module you install, and update it deliberately; "
               "for tools a project uses, track them in go.mod and run "
               "`go install` from the module.",
    },
    .check = check_unpinned_go,
};

const rule_def rule_unpinned_cargo = {
    .info = {
        .id = "unpinned-cargo",
        .severity = BOSUN_WARNING,
        .principle = 6,
        .scope = "both",
        .summary = "cargo install without --version",
        .rationale =
            "`cargo install ripgrep` builds the newest release from "
            "crates.io on the day of the build. `--version 14.1.0` (or "
            "`ripgrep@14.1.0`) pins the crate, `--locked` also pins its "
            "dependencies to the crate's Cargo.lock. A requirement with an "
            "operator (`--version ^14`) is a range and is reported; "
            "`--git` needs `--rev` or `--tag`; `--path` builds local code "
            "and is fine.",
        .bad = "RUN cargo install ripgrep cargo-watch",
        .good = "RUN cargo install --locked ripgrep@14.1.0 cargo-watch@8.5.2",
        .fix = "Give every crate an exact version (`--version x.y.z` or "
               "`name@x.y.z`) and add `--locked`; for git sources add "
               "`--rev <commit>` or `--tag <tag>`.",
    },
    .check = check_unpinned_cargo,
};
