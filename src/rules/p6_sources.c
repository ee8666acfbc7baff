/*
 * Principle 6: freeze dependencies - sources fetched by URL.
 *
 * unpinned-git: a `git clone` whose checkout is never fixed. A clone is
 * pinned by `--branch <tag>` (or --revision), or by a later checkout of a
 * fixed revision in the cloned directory, in the same RUN or one that
 * follows (pkg_checkout_fixed_after).
 *
 * latest-url: a URL that names a moving target (a `latest` release,
 * a branch archive, a raw file on a branch) in a RUN download (curl, wget,
 * fetch), a package manager's URL operand or an `ADD <url>`. A download
 * whose checksum the same RUN verifies, or an ADD with --checksum, is
 * frozen by that check and not reported.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "rules/download.h"
#include "rules/exec.h"
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

/* ------------------------------------------------------ unpinned-git */

/* The last path component of `path` (trailing slashes ignored), into the
 * arena; "name" for ".../name.git". */
static const char *last_component(lint_ctx *c, const char *path)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && path[start - 1] != '/' && path[start - 1] != ':')
        start--;
    size_t n = len - start;
    if (n > 4 && !strncmp(path + start + n - 4, ".git", 4))
        n -= 4;
    return arena_strndup(c->a, path + start, n);
}

/* A repository on the local file system: a path, file://, or a bare
 * relative name (no scheme, no host:path). */
static bool is_local_repo(const char *v)
{
    return pkg_is_local_path(v) || (!strstr(v, "://") && !strchr(v, ':'));
}

static void check_clone(lint_ctx *c, size_t inst, const pkg_cmd *p)
{
    static const char *const no_checkout[] = {"-n", "--no-checkout",
                                              "--bare", "--mirror", NULL};
    static const char *const branch[] = {"-b", "--branch", "--revision",
                                         NULL};
    if (pkg_option(p, no_checkout))
        return;
    const pkg_arg *url = pkg_next_operand(p, p->sub + 1);
    if (!url)
        return;
    const sh_word *u = url->word;
    if (!is_dynamic(u) && is_local_repo(u->value))
        return;
    const pkg_arg *b = pkg_option(p, branch);
    if (b && b->value && (is_dynamic(b->value) ||
                          pkg_ref_is_fixed(b->value->value, b->value->len)))
        return;
    const pkg_arg *dir = pkg_next_operand(p, (size_t)(url - p->args) + 1);
    const char *name = NULL;
    if (dir && !is_dynamic(dir->word))
        name = sh_word_is(dir->word, ".") ? NULL
                                         : last_component(c, dir->word->value);
    else if (!dir && !is_dynamic(u))
        name = last_component(c, u->value);
    if (pkg_checkout_fixed_after(c, inst, p->cmd->index, name))
        return;
    const char *shown = lint_quote_url(c, u->value, u->len);
    if (b && b->value)
        lint_report(c, "unpinned-git", inst, b->value->off, b->value->end,
                    "`git clone %s %s %s` checks out a branch, which moves, "
                    "so each build may get different code; clone a tag "
                    "(--branch <tag>) or run `git checkout <commit>` after "
                    "the clone",
                    b->opt, lint_quote(c, b->value->value, b->value->len),
                    shown);
    else
        lint_report(c, "unpinned-git", inst, u->off, u->end,
                    "`git clone %s` is never checked out at a fixed commit "
                    "or tag, so each build may get different code; clone a "
                    "tag (--branch <tag>) or run `git checkout <commit>` "
                    "after the clone",
                    shown);
}

static void visit_git(lint_ctx *c, size_t inst, const pkg_cmd *p, void *data)
{
    (void)data;
    if (is(pkg_subcommand(p), "clone"))
        check_clone(c, inst, p);
}

static void check_unpinned_git(lint_ctx *c)
{
    pkg_for_each(c, PKG_MASK(PKG_GIT), visit_git, NULL);
}

/* -------------------------------------------------------- latest-url */

/* Names that a URL uses for a ref that moves. */
static bool is_moving_name(const char *s, size_t len)
{
    static const char *const names[] = {
        "master", "main", "develop", "development", "trunk", "head",
        "nightly", "latest", NULL,
    };
    for (const char *const *n = names; *n; n++)
        if (strlen(*n) == len && !strncasecmp(s, *n, len))
            return true;
    return false;
}

/* The length of `seg` without an archive suffix (.zip, .tar.gz...). */
static size_t archive_stem(const char *seg, size_t len)
{
    static const char *const suffixes[] = {".zip", ".tar.gz", ".tgz",
                                           ".tar.bz2", ".tar.xz", ".tar",
                                           NULL};
    for (const char *const *s = suffixes; *s; s++) {
        size_t k = strlen(*s);
        if (len > k && !strncasecmp(seg + len - k, *s, k))
            return len - k;
    }
    return len;
}

/* Does `seg` hold the word `latest` between non-alphanumerics
 * (latest.tar.gz, app-latest-linux.zip, epel-release-latest-9.rpm)? */
static bool has_latest_token(const char *seg, size_t len)
{
    for (size_t i = 0; i + 6 <= len; i++) {
        if (strncasecmp(seg + i, "latest", 6))
            continue;
        bool before = i == 0 || !isalnum((unsigned char)seg[i - 1]);
        bool after = i + 6 == len || !isalnum((unsigned char)seg[i + 6]);
        if (before && after)
            return true;
    }
    return false;
}

/* A piece of a URL: a path segment, a query parameter. */
typedef struct segment {
    const char *s;
    size_t len;
} segment;

static bool segment_is(const segment *g, const char *lit)
{
    return strlen(lit) == g->len && !strncasecmp(g->s, lit, g->len);
}

/* "the branch `main`" for a segment naming a ref that moves (an archive
 * suffix dropped: master.zip), NULL otherwise. */
static const char *moving_ref(lint_ctx *c, const segment *g)
{
    size_t stem = archive_stem(g->s, g->len);
    if (!is_moving_name(g->s, stem))
        return NULL;
    return arena_printf(c->a, "the branch `%.*s`", (int)stem, g->s);
}

/* Segments after which a ref follows: archive/<ref>.zip, raw/<ref>/...,
 * blob/<ref>/..., zipball/<ref>, tarball/<ref>, get/<ref>.zip. */
static bool ref_follows(const segment *g)
{
    static const char *const names[] = {"archive", "zipball", "tarball",
                                        "raw", "blob", "get", NULL};
    for (const char *const *n = names; *n; n++)
        if (strlen(*n) == g->len && !strncmp(g->s, *n, g->len))
            return true;
    return false;
}

/* What in the path segments makes a URL move. `raw_host`: the URL is on
 * raw.githubusercontent.com, where the third segment is the ref. */
static const char *moving_path(lint_ctx *c, const segment *seg, size_t n,
                               bool raw_host)
{
    for (size_t k = 0; k < n; k++) {
        const segment *g = &seg[k];
        bool last = k + 1 == n;
        /* /releases/latest/, latest.tar.gz, app-latest-linux.zip,
         * /dist/latest-v20.x/ */
        if (segment_is(g, "latest") ||
            (last && has_latest_token(g->s, g->len)) ||
            (g->len > 7 && !strncasecmp(g->s, "latest-", 7)))
            return "latest";
        /* .../refs/heads/<branch>... */
        if (segment_is(g, "heads") && k > 0 && segment_is(&seg[k - 1], "refs"))
            return last ? "a branch"
                        : arena_printf(c->a, "the branch `%.*s`",
                                       (int)archive_stem(seg[k + 1].s,
                                                         seg[k + 1].len),
                                       seg[k + 1].s);
        const char *ref = NULL;
        if (!last && (ref_follows(g) || (raw_host && k == 1)))
            ref = moving_ref(c, &seg[k + 1]);
        else if (last && archive_stem(g->s, g->len) < g->len)
            ref = moving_ref(c, g); /* .../master.zip on any host */
        if (ref)
            return ref;
    }
    return NULL;
}

/* ?version=latest, ?ref=master, &branch=main */
static const char *moving_query(lint_ctx *c, const char *q)
{
    while (*q && *q != '#') {
        size_t len = strcspn(q, "&#");
        const char *eq = memchr(q, '=', len);
        if (eq) {
            segment key = {q, (size_t)(eq - q)};
            segment value = {eq + 1, len - key.len - 1};
            if (segment_is(&value, "latest"))
                return "latest";
            if (segment_is(&key, "ref") || segment_is(&key, "branch")) {
                const char *ref = moving_ref(c, &value);
                if (ref)
                    return ref;
            }
        }
        q += len;
        q += *q == '&';
    }
    return NULL;
}

/* What makes `url` a moving target, for the message ("latest", "the
 * branch `master`"), or NULL. The host is never looked at. */
static const char *moving_target(lint_ctx *c, const char *url)
{
    enum { MAXSEG = 32 };
    const char *p = strstr(url, "://");
    if (!p)
        return NULL;
    const char *host = p + 3;
    size_t host_len = strcspn(host, "/?#");
    const char *path = host + host_len;
    size_t path_len = strcspn(path, "?#");
    segment seg[MAXSEG];
    size_t n = 0;
    for (size_t i = 0; i < path_len && n < MAXSEG;) {
        while (i < path_len && path[i] == '/')
            i++;
        size_t start = i;
        while (i < path_len && path[i] != '/')
            i++;
        if (i > start)
            seg[n++] = (segment){path + start, i - start};
    }
    segment h = {host, host_len};
    const char *why = moving_path(c, seg, n,
                                  segment_is(&h, "raw.githubusercontent.com"));
    if (!why && path[path_len] == '?')
        why = moving_query(c, path + path_len + 1);
    return why;
}

static bool is_web_url(const char *v)
{
    return !strncasecmp(v, "http://", 7) || !strncasecmp(v, "https://", 8) ||
           !strncasecmp(v, "ftp://", 6);
}

/* What makes `url` (a web URL) a moving target, or NULL. */
static const char *moving_web_url(lint_ctx *c, const char *url)
{
    return is_web_url(url) ? moving_target(c, url) : NULL;
}

static void report_url(lint_ctx *c, size_t inst, uint32_t off, uint32_t end,
                       const char *url, size_t len, const char *why)
{
    lint_report(c, "latest-url", inst, off, end,
                "`%s` names a moving target (%s), so each build may "
                "download something different; use the URL of a fixed "
                "release or commit and verify its checksum",
                lint_quote_url(c, url, len), why);
}

static void check_word(lint_ctx *c, size_t inst, const sh_word *w)
{
    const char *why = moving_web_url(c, w->value);
    if (why)
        report_url(c, inst, w->off, w->end, w->value, w->len, why);
}

/* The index of the script's last command that checks a checksum or a
 * signature, or -1: a download before it is frozen by that check (or
 * download-unverified says it is not). Worked out once per script. */
static long last_verification(const sh_script *s)
{
    for (size_t j = s->ncmds; j-- > 0;)
        if (exec_is_verification(s->cmds[j]))
            return (long)j;
    return -1;
}

/* Package managers that take URLs of packages or archives. */
static void check_package_urls(lint_ctx *c, size_t inst, const pkg_cmd *p)
{
    for (size_t i = p->sub + 1; i < p->nargs; i++) {
        const pkg_arg *a = &p->args[i];
        if (a->opt)
            continue;
        const char *v = a->word->value;
        const char *at = strstr(v, "@ ");
        if (p->tool == PKG_PIP && at)
            v = at + 2; /* name @ https://... */
        const char *why = moving_web_url(c, v);
        if (why)
            report_url(c, inst, a->word->off, a->word->end, v, strlen(v),
                       why);
    }
}

static void check_script_urls(lint_ctx *c, size_t inst, const sh_script *s)
{
    long verified = -2; /* not worked out yet */
    const unsigned url_tools = PKG_MASK(PKG_YUM) | PKG_MASK(PKG_ZYPPER) |
                               PKG_MASK(PKG_PIP) | PKG_MASK(PKG_PIPX) |
                               PKG_MASK(PKG_NPM) | PKG_MASK(PKG_YARN) |
                               PKG_MASK(PKG_PNPM);
    for (size_t k = 0; k < s->ncmds; k++) {
        const sh_command *cmd = s->cmds[k];
        download d;
        if (download_parse(c, cmd, &d)) {
            const char *why = d.url ? moving_web_url(c, d.url->value) : NULL;
            if (why && verified == -2)
                verified = last_verification(s);
            if (why && verified < (long)k)
                report_url(c, inst, d.url->off, d.url->end, d.url->value,
                           d.url->len, why);
            continue;
        }
        if (cmd->name && is(cmd->name, "rpm")) {
            for (size_t i = 0; i < cmd->nargs; i++)
                check_word(c, inst, &cmd->args[i]);
            continue;
        }
        const pkg_cmd *p = pkg_command(c, inst, k);
        if (p && (url_tools & PKG_MASK(p->tool)))
            check_package_urls(c, inst, p);
    }
}

/* ADD <url>: each http(s) source, after ARG/ENV expansion. Git sources
 * (a branch or no ref) are add-url-unverified's. */
static void check_add_urls(lint_ctx *c, size_t i, const df_instruction *in)
{
    if (in->nargs < 2 || df_find_flag(in, "checksum"))
        return;
    for (size_t k = 0; k + 1 < in->nargs; k++) {
        const df_text *t = &in->args[k];
        df_value v = df_expand(c->a, c->model, i, t->s, t->len);
        if (v.error || (v.unknown && !strstr(v.s, "://")))
            continue;
        size_t path_len = strcspn(v.s, "?#");
        if (pkg_has_suffix(arena_strndup(c->a, v.s, path_len), ".git") ||
            strstr(v.s, ".git#"))
            continue;
        const char *why = moving_web_url(c, v.s);
        if (why)
            report_url(c, i, t->off, t->end, v.s, v.len, why);
    }
}

static void check_latest_url(lint_ctx *c)
{
    for (size_t i = 0; i < c->file->ninsts; i++) {
        const df_instruction *in = &c->file->insts[i];
        if (in->kind == DF_ONBUILD && in->trigger)
            in = in->trigger;
        if (in->kind == DF_ADD)
            check_add_urls(c, i, in);
        if (c->scripts[i])
            check_script_urls(c, i, c->scripts[i]);
    }
}

/* ------------------------------------------------------------ rules */

const rule_def rule_unpinned_git = {
    .info = {
        .id = "unpinned-git",
        .severity = BOSUN_WARNING,
        .principle = 6,
        .scope = "both",
        .summary = "git clone whose checkout is never fixed to a commit or tag",
        .rationale =
            "`git clone URL` checks out whatever the default branch holds "
            "when the image is built, and `--branch main` or "
            "`--depth 1` do not change that: the build compiles code nobody "
            "reviewed, and two builds of the same Dockerfile differ. bosun "
            "accepts a clone of a tag (`--branch v1.2.3`) or one that is "
            "checked out at a commit or tag afterwards, in the same RUN or "
            "one that follows (`git checkout <commit>`, `git reset --hard "
            "<commit>`, `git switch --detach <tag>`, in the cloned "
            "directory through `cd`, `git -C` or WORKDIR); a revision from "
            "a build argument counts as fixed.",
        .bad = "RUN git clone --depth 1 https://github.com/example/tool.git \\\n"
               " && make -C tool install",
        .good = "ARG TOOL_COMMIT=<full commit hash>\n"
                "RUN git clone https://github.com/example/tool.git \\\n"
                " && git -C tool checkout --detach \"$TOOL_COMMIT\" \\\n"
                " && make -C tool install",
        .fix = "Clone a release tag (`git clone --depth 1 --branch v1.2.3 "
               "URL`) or check out a full commit hash right after the "
               "clone; a commit hash also protects against a tag being "
               "moved.",
    },
    .check = check_unpinned_git,
};

const rule_def rule_latest_url = {
    .info = {
        .id = "latest-url",
        .severity = BOSUN_WARNING,
        .principle = 6,
        .scope = "both",
        .summary = "a download URL that names a moving target",
        .rationale =
            "URLs such as `.../releases/latest/download/tool`, "
            "`latest.tar.gz`, `.../archive/refs/heads/main.zip`, "
            "`.../archive/master.zip`, a raw file on a branch "
            "(`raw.githubusercontent.com/owner/repo/master/...`) or "
            "`?version=latest` return something different whenever "
            "upstream publishes: the image changes without a change to the "
            "Dockerfile, and a compromised release reaches the build at "
            "once. bosun checks the URLs of curl, wget and fetch, of "
            "package managers that install from URLs (pip, npm, yum, dnf, "
            "zypper, rpm) and of `ADD`, after ARG expansion. A download "
            "that the same RUN verifies against a checksum, or an `ADD "
            "--checksum`, is frozen by that check and not reported.",
        .bad = "RUN curl -fsSLo /usr/local/bin/tool \\\n"
               "      https://github.com/example/tool/releases/latest/download/tool-linux-amd64",
        .good = "ARG TOOL_VERSION=1.4.2\n"
                "ADD --checksum=sha256:<sha256> \\\n"
                "    https://github.com/example/tool/releases/download/v${TOOL_VERSION}/tool-linux-amd64 \\\n"
                "    /usr/local/bin/tool",
        .fix = "Download a specific release or commit (put the version in "
               "an ARG) and verify it: `ADD --checksum=sha256:...`, or "
               "`sha256sum -c` in the same RUN.",
    },
    .check = check_latest_url,
};
