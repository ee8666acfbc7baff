#include "rules/pkgmgr.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "rules/download.h"
#include "rules/exec.h"

/* ------------------------------------------------------------ syntaxes */

/* The options a tool reads in one position (before or after its
 * sub-command): short letters and long names that take a value. */
typedef struct pkg_options {
    const char *short_values;
    const char *const *long_values;
} pkg_options;

typedef struct pkg_syntax {
    pkg_options before; /* global options, before the sub-command */
    pkg_options after;  /* the sub-command's options */
    /* Go's flag package: -name, -name=value, -name value (one or two
     * dashes, no clusters); options end at the first operand. */
    bool go_flags;
    /* npm's option parser: a boolean option may be followed by a literal
     * true or false, which it consumes. */
    bool nopt_bools;
    /* `--` ends what the tool itself reads (gem passes the rest to the
     * extension build). */
    bool dashdash_ends;
} pkg_syntax;

static const char *const apt_long[] = {
    "--option", "--config-file", "--target-release", "--default-release",
    "--host-architecture", "--build-profiles", NULL,
};

static const char *const apk_long[] = {
    "--root", "--repository", "--progress-fd", "--wait", "--keys-dir",
    "--repositories-file", "--cache-dir", "--arch", "--cache-max-age",
    "--virtual", "--timeout", NULL,
};

static const char *const yum_long[] = {
    "--exclude", "--excludepkgs", "--includepkgs", "--setopt",
    "--releasever", "--installroot", "--enablerepo", "--disablerepo",
    "--repo", "--repoid", "--repofrompath", "--config", "--debuglevel",
    "--errorlevel", "--color", "--downloaddir", "--destdir", "--forcearch",
    "--advisory", "--advisories", "--cve", "--bz", "--sec-severity",
    "--secseverity", "--comment", "--rpmverbosity", "--disableplugin",
    "--enableplugin", "--disableexcludes", "--platform-id", NULL,
};

static const char *const zypper_global_long[] = {
    "--root", "--reposd-dir", "--cache-dir", "--config", "--raw-cache-dir",
    "--solv-cache-dir", "--pkg-cache-dir", "--userdata", NULL,
};
static const char *const zypper_command_long[] = {
    "--repo", "--from", "--type", "--download", NULL,
};

static const char *const pip_global_long[] = {
    "--log", "--log-file", "--local-log", "--proxy", "--retries",
    "--timeout", "--exists-action", "--trusted-host", "--cert",
    "--client-cert", "--cache-dir", "--python", "--use-feature",
    "--use-deprecated", "--keyring-provider", NULL,
};
static const char *const pip_install_long[] = {
    "--requirement", "--constraint", "--editable", "--target", "--platform",
    "--python-version", "--implementation", "--abi", "--root", "--prefix",
    "--src", "--upgrade-strategy", "--index-url", "--extra-index-url",
    "--find-links", "--trusted-host", "--global-option", "--install-option",
    "--config-settings", "--no-binary", "--only-binary", "--progress-bar",
    "--root-user-action", "--report", "--cache-dir", "--log", "--log-file",
    "--proxy", "--retries", "--timeout", "--exists-action", "--cert",
    "--client-cert", "--keyring-provider", "--use-feature",
    "--use-deprecated", "--python", "--build", "--build-option",
    "--group", NULL,
};

static const char *const pipx_long[] = {
    "--python", "--suffix", "--index-url", "--pip-args", "--spec",
    "--preinstall", "--backend", NULL,
};

static const char *const npm_long[] = {
    "--prefix", "--registry", "--cache", "--userconfig", "--globalconfig",
    "--loglevel", "--tag", "--workspace", "--omit", "--include",
    "--install-strategy", "--before", "--otp", "--scope", "--location",
    "--save-prefix", "--only", "--also", "--proxy", "--https-proxy",
    "--cafile", "--ca", "--node-options", "--script-shell",
    "--fetch-retries", "--fetch-timeout", "--fetch-retry-mintimeout",
    "--fetch-retry-maxtimeout", "--maxsockets", "--user-agent", "--python",
    "--target", "--target_arch", "--arch", "--platform", "--cpu", "--os",
    "--libc", NULL,
};

static const char *const yarn_long[] = {
    "--cwd", "--modules-folder", "--cache-folder", "--mutex",
    "--network-timeout", "--registry", "--global-folder", "--link-folder",
    "--prefix", "--network-concurrency", "--use-yarnrc",
    "--preferred-cache-folder", "--https-proxy", "--proxy", "--otp", NULL,
};

static const char *const pnpm_long[] = {
    "--filter", "--dir", "--store-dir", "--registry", "--reporter",
    "--loglevel", "--virtual-store-dir", "--modules-dir", "--lockfile-dir",
    "--global-dir", NULL,
};

static const char *const gem_long[] = {
    "--version", "--install-dir", "--bindir", "--source", "--http-proxy",
    "--platform", "--trust-policy", "--build-root", "--config-file", NULL,
};

/* Go flags that take a value (for go install/get/run and build flags). */
static const char *const go_values[] = {
    "-C", "-o", "-p", "-asmflags", "-buildmode", "-compiler",
    "-gccgoflags", "-gcflags", "-installsuffix", "-ldflags", "-mod",
    "-modfile", "-overlay", "-pgo", "-pkgdir", "-tags", "-toolexec",
    "-exec", "-covermode", "-coverpkg", NULL,
};

static const char *const cargo_long[] = {
    "--version", "--vers", "--git", "--branch", "--tag", "--rev", "--path",
    "--root", "--index", "--registry", "--features", "--jobs", "--target",
    "--target-dir", "--profile", "--bin", "--example", "--config",
    "--color", "--message-format", "--lockfile-path", NULL,
};

static const char *const git_global_long[] = {
    "--git-dir", "--work-tree", "--namespace", "--config-env", NULL,
};
/* clone, checkout, switch, reset, fetch */
static const char *const git_command_long[] = {
    "--branch", "--origin", "--upload-pack", "--template", "--config",
    "--depth", "--shallow-since", "--shallow-exclude", "--reference",
    "--reference-if-able", "--separate-git-dir", "--jobs", "--filter",
    "--server-option", "--bundle-uri", "--revision", "--ref-format",
    "--orphan", "--create", "--force-create", "--pathspec-from-file",
    NULL,
};

/* The same options before and after the sub-command. */
#define SAME(shorts, longs) .before = {shorts, longs}, .after = {shorts, longs}

static const pkg_syntax syntaxes[PKG_NTOOLS] = {
    [PKG_APT] = {SAME("octaP", apt_long)},
    [PKG_APK] = {SAME("pXt", apk_long)},
    [PKG_YUM] = {SAME("cdexR", yum_long)},
    [PKG_ZYPPER] = {.before = {"RDCc", zypper_global_long},
                    .after = {"rt", zypper_command_long}},
    [PKG_PIP] = {.before = {"", pip_global_long},
                 .after = {"rcetifbC", pip_install_long}},
    [PKG_PIPX] = {SAME("", pipx_long)},
    [PKG_NPM] = {SAME("wC", npm_long), .nopt_bools = true},
    [PKG_YARN] = {SAME("", yarn_long), .nopt_bools = true},
    [PKG_PNPM] = {SAME("FC", pnpm_long), .nopt_bools = true},
    [PKG_GEM] = {.before = {"", gem_long}, .after = {"vinspP", gem_long},
                 .dashdash_ends = true},
    [PKG_GO] = {SAME("", go_values), .go_flags = true},
    [PKG_CARGO] = {SAME("jFZ", cargo_long)},
    [PKG_GIT] = {.before = {"Cc", git_global_long},
                 .after = {"boucjBC", git_command_long}},
};

#undef SAME

/* ------------------------------------------------------------ tools */

static bool is(const char *name, const char *lit)
{
    return strcmp(name, lit) == 0;
}

/* By name alone; `python` needs its arguments (python -m pip). Dispatched
 * on the first letter: this runs for every command of every RUN. */
static pkg_tool tool_named(const char *n)
{
    switch (n[0]) {
    case 'a':
        if (is(n, "apt-get") || is(n, "apt") || is(n, "aptitude"))
            return PKG_APT;
        return is(n, "apk") ? PKG_APK : PKG_NONE;
    case 'c':
        return is(n, "cargo") ? PKG_CARGO : PKG_NONE;
    case 'd':
        return is(n, "dnf") || is(n, "dnf5") ? PKG_YUM : PKG_NONE;
    case 'g':
        if (is(n, "go"))
            return PKG_GO;
        if (is(n, "git"))
            return PKG_GIT;
        return is(n, "gem") ? PKG_GEM : PKG_NONE;
    case 'm':
        return is(n, "microdnf") ? PKG_YUM : PKG_NONE;
    case 'n':
        return is(n, "npm") ? PKG_NPM : PKG_NONE;
    case 'p':
        if (is(n, "pipx"))
            return PKG_PIPX;
        if (is(n, "pnpm"))
            return PKG_PNPM;
        return exec_name_is_versioned(n, "pip") ? PKG_PIP : PKG_NONE;
    case 't':
        return is(n, "tdnf") ? PKG_YUM : PKG_NONE;
    case 'y':
        if (is(n, "yum"))
            return PKG_YUM;
        return is(n, "yarn") ? PKG_YARN : PKG_NONE;
    case 'z':
        return is(n, "zypper") ? PKG_ZYPPER : PKG_NONE;
    default:
        return PKG_NONE;
    }
}

/* python [options] -m pip ARGS: the index of ARGS[0] in args, or 0 when
 * python runs something else. */
static size_t python_m_pip(const sh_word *args, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const sh_word *w = &args[i];
        if (w->flags & SHW_DYNAMIC)
            return 0;
        const char *v = w->value;
        if (is(v, "-m"))
            return i + 1 < n && sh_word_is(&args[i + 1], "pip") ? i + 2 : 0;
        if (v[0] != '-' || v[1] == '\0' || is(v, "-c"))
            return 0; /* a script, stdin or inline code */
        if (!strncmp(v, "-m", 2))
            return is(v + 2, "pip") ? i + 1 : 0;
        if ((is(v, "-W") || is(v, "-X")) && i + 1 < n)
            i++;
    }
    return 0;
}

/* The tool, its name and the arguments it reads. */
static pkg_tool tool_args(const sh_command *cmd, const char **name,
                          const sh_word **args, size_t *n)
{
    *name = command_name(cmd, args, n);
    if (!*name)
        return PKG_NONE;
    pkg_tool t = tool_named(*name);
    if (t == PKG_NONE && (*name)[0] == 'p' &&
        exec_name_is_versioned(*name, "python")) {
        size_t at = python_m_pip(*args, *n);
        if (at) {
            *args += at;
            *n -= at;
            t = PKG_PIP;
        }
    }
    return t;
}

pkg_tool pkg_tool_of(const sh_command *cmd)
{
    const char *name;
    const sh_word *args;
    size_t n;
    return tool_args(cmd, &name, &args, &n);
}

/* ------------------------------------------------------------ parsing */

/* A word for part of `w`: the value v[from, from + len). When the word is
 * written as its value, the part's span is exact; otherwise (quotes,
 * expanded variables) it is the whole word's. */
static const sh_word *part_of(lint_ctx *c, const sh_word *w, size_t from,
                              size_t len)
{
    sh_word *p = arena_alloc(c->a, sizeof(*p));
    *p = *w;
    p->value = arena_strndup(c->a, w->value + from, len);
    p->len = len;
    if (w->raw && strcmp(w->raw, w->value) == 0 &&
        w->end - w->off == w->len) {
        p->off = w->off + (uint32_t)from;
        p->end = p->off + (uint32_t)len;
    }
    return p;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n';
}

/* The words the tool receives: an unquoted, statically known word holding
 * blanks (an ARG or ENV value such as "curl git") is split into fields, as
 * the shell's field splitting would. */
static const sh_word **fields_of(lint_ctx *c, const sh_word *args, size_t n,
                                 size_t *nfields)
{
    const sh_word **out = NULL;
    size_t count = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        const sh_word *w = &args[i];
        bool split = !(w->flags & (SHW_QUOTED | SHW_DYNAMIC)) &&
                     strpbrk(w->value, " \t\n") != NULL;
        if (!split) {
            *ARENA_PUSH(c->a, out, count, cap) = w;
            continue;
        }
        size_t k = 0;
        while (k < w->len) {
            while (k < w->len && is_blank(w->value[k]))
                k++;
            size_t start = k;
            while (k < w->len && !is_blank(w->value[k]))
                k++;
            if (k > start)
                *ARENA_PUSH(c->a, out, count, cap) = part_of(c, w, start,
                                                             k - start);
        }
    }
    *nfields = count;
    return out;
}

typedef struct parser {
    lint_ctx *c;
    const pkg_syntax *syn;
    const sh_word **words;
    size_t nwords;
    size_t i;           /* the word being read */
    pkg_cmd *out;
    size_t cap;
} parser;

static pkg_arg *push_arg(parser *P, const sh_word *w, const char *opt,
                         const sh_word *value)
{
    pkg_arg *a = ARENA_PUSH(P->c->a, P->out->args, P->out->nargs, P->cap);
    a->word = w;
    a->opt = opt;
    a->value = value;
    return a;
}

static const sh_word *next_word(parser *P)
{
    if (P->i + 1 >= P->nwords)
        return NULL;
    return P->words[++P->i];
}

static bool is_bool_literal(const sh_word *w)
{
    return sh_word_is(w, "true") || sh_word_is(w, "false");
}

/* --name, --name=value, --name value */
static void read_long(parser *P, const sh_word *w, const pkg_options *o,
                      bool go)
{
    const char *v = w->value;
    const char *eq = strchr(v, '=');
    size_t nlen = eq ? (size_t)(eq - v) : w->len;
    const char *name;
    if (go && v[1] == '-') /* Go reads --flag as -flag */
        name = arena_strndup(P->c->a, v + 1, nlen - 1);
    else
        name = eq ? arena_strndup(P->c->a, v, nlen) : v;
    const sh_word *value = NULL;
    if (eq)
        value = part_of(P->c, w, nlen + 1, w->len - nlen - 1);
    else if (lint_name_in(name, o->long_values))
        value = next_word(P);
    else if (P->syn->nopt_bools && P->i + 1 < P->nwords &&
             is_bool_literal(P->words[P->i + 1]))
        P->i++;
    push_arg(P, w, name, value);
}

/* -abc, -t VALUE, -tVALUE */
static void read_short(parser *P, const sh_word *w, const pkg_options *o)
{
    const char *v = w->value;
    for (size_t k = 1; k < w->len; k++) {
        char *name = arena_strndup(P->c->a, v + k - 1, 2);
        name[0] = '-';
        if (v[k] == '\0' || !strchr(o->short_values, v[k])) {
            push_arg(P, w, name, NULL);
            continue;
        }
        const sh_word *value = k + 1 < w->len
                                   ? part_of(P->c, w, k + 1, w->len - k - 1)
                                   : next_word(P);
        push_arg(P, w, name, value);
        return;
    }
}

/* An instruction keyword in capitals (COPY, RUN...) among the operands:
 * a line continuation ran into the next instruction (an empty line
 * after a trailing backslash), and the rest is not meant for the tool. */
static bool swallowed_instruction(const sh_word *w)
{
    if (w->flags & (SHW_DYNAMIC | SHW_QUOTED))
        return false;
    for (const char *p = w->value; *p; p++)
        if (!isupper((unsigned char)*p))
            return false;
    return df_kind_from_keyword(w->value, w->len) != DF_UNKNOWN;
}

bool pkg_parse(lint_ctx *c, const sh_command *cmd, pkg_cmd *out)
{
    memset(out, 0, sizeof(*out));
    const sh_word *args;
    size_t n;
    pkg_tool tool = tool_args(cmd, &out->name, &args, &n);
    if (tool == PKG_NONE)
        return false;
    out->tool = tool;
    out->cmd = cmd;
    parser P = {.c = c, .syn = &syntaxes[tool], .out = out};
    P.words = fields_of(c, args, n, &P.nwords);

    bool options = true, before = true;
    out->sub = SIZE_MAX;
    out->dashdash = SIZE_MAX;
    for (P.i = 0; P.i < P.nwords; P.i++) {
        const sh_word *w = P.words[P.i];
        const char *v = w->value;
        bool dynamic = (w->flags & SHW_DYNAMIC) != 0;
        const pkg_options *o = before ? &P.syn->before : &P.syn->after;
        if (options && !dynamic && is(v, "--")) {
            if (P.syn->dashdash_ends && !before)
                break;
            options = false;
            out->dashdash = out->nargs;
            continue;
        }
        if (options && v[0] == '-' && v[1] != '\0') {
            if (v[1] == '-' || P.syn->go_flags)
                read_long(&P, w, o, P.syn->go_flags);
            else
                read_short(&P, w, o);
            continue;
        }
        if (options && before && tool == PKG_CARGO && v[0] == '+') {
            push_arg(&P, w, v, NULL); /* cargo +toolchain */
            continue;
        }
        if (!before && swallowed_instruction(w))
            break;
        push_arg(&P, w, NULL, NULL);
        if (before) {
            out->sub = out->nargs - 1;
            before = false;
        } else if (P.syn->go_flags) {
            options = false; /* Go stops at the first operand */
        }
    }
    if (out->sub == SIZE_MAX)
        out->sub = out->nargs;
    if (out->dashdash == SIZE_MAX)
        out->dashdash = out->nargs;
    return true;
}

const char *pkg_subcommand(const pkg_cmd *p)
{
    if (p->sub >= p->nargs)
        return "";
    const sh_word *w = p->args[p->sub].word;
    return w->flags & SHW_DYNAMIC ? "" : w->value;
}

const pkg_arg *pkg_next_operand(const pkg_cmd *p, size_t from)
{
    for (size_t i = from; i < p->nargs; i++)
        if (!p->args[i].opt)
            return &p->args[i];
    return NULL;
}

const pkg_arg *pkg_option(const pkg_cmd *p, const char *const *names)
{
    const pkg_arg *found = NULL;
    for (size_t i = 0; i < p->nargs; i++)
        if (p->args[i].opt && lint_name_in(p->args[i].opt, names))
            found = &p->args[i];
    return found;
}

/* One command of a script: its tool, and its parsed command line once
 * a rule asked for it. */
typedef struct pkg_entry {
    pkg_tool tool;
    const pkg_cmd *parsed;
} pkg_entry;

struct pkg_memo {
    pkg_entry **entries; /* per instruction; NULL when it has no script */
    /* per instruction: 1 + the index of the script's last command that
     * checks out a fixed revision (0: none), once worked out */
    size_t *last_pin;
    bool *last_pin_known;
};

/* The entries of instruction inst, classified on first use. */
static pkg_entry *entries_of(lint_ctx *c, size_t inst)
{
    if (!c->pkg_memo) {
        c->pkg_memo = ARENA_NEW(c->a, struct pkg_memo);
        c->pkg_memo->entries = ARENA_ARRAY(c->a, pkg_entry *,
                                           c->file->ninsts + 1);
        c->pkg_memo->last_pin = ARENA_ARRAY(c->a, size_t,
                                            c->file->ninsts + 1);
        c->pkg_memo->last_pin_known = ARENA_ARRAY(c->a, bool,
                                                  c->file->ninsts + 1);
    }
    const sh_script *s = c->scripts[inst];
    pkg_entry **e = &c->pkg_memo->entries[inst];
    if (!*e && s) {
        *e = ARENA_ARRAY(c->a, pkg_entry, s->ncmds + 1);
        for (size_t k = 0; k < s->ncmds; k++)
            (*e)[k].tool = pkg_tool_of(s->cmds[k]);
    }
    return *e;
}

const pkg_cmd *pkg_command(lint_ctx *c, size_t inst, size_t k)
{
    pkg_entry *e = entries_of(c, inst);
    if (!e || e[k].tool == PKG_NONE)
        return NULL;
    if (!e[k].parsed) {
        pkg_cmd *p = ARENA_NEW(c->a, pkg_cmd);
        if (!pkg_parse(c, c->scripts[inst]->cmds[k], p)) {
            e[k].tool = PKG_NONE;
            return NULL;
        }
        e[k].parsed = p;
    }
    return e[k].parsed;
}

void pkg_for_each(lint_ctx *c, unsigned mask, pkg_visit_fn fn, void *data)
{
    for (size_t i = 0; i < c->file->ninsts; i++) {
        const sh_script *s = c->scripts[i];
        if (!s)
            continue;
        const pkg_entry *e = entries_of(c, i);
        for (size_t k = 0; k < s->ncmds; k++) {
            if (!(mask & PKG_MASK(e[k].tool)) || e[k].tool == PKG_NONE)
                continue;
            const pkg_cmd *p = pkg_command(c, i, k);
            if (p)
                fn(c, i, p, data);
        }
    }
}

/* ------------------------------------------------------------ shapes */

bool pkg_is_local_path(const char *v)
{
    return v[0] == '/' || v[0] == '~' || is(v, ".") || is(v, "..") ||
           !strncmp(v, "./", 2) || !strncmp(v, "../", 3) ||
           !strncmp(v, "file:", 5);
}

bool pkg_is_url(const char *v)
{
    const char *sep = strstr(v, "://");
    if (!sep || sep == v)
        return false;
    for (const char *p = v; p < sep; p++)
        if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' &&
            *p != '.')
            return false;
    return true;
}

bool pkg_has_suffix(const char *v, const char *suffix)
{
    size_t n = strlen(v), k = strlen(suffix);
    return n > k && strcasecmp(v + n - k, suffix) == 0;
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
    size_t k = strlen(prefix);
    return len >= k && memcmp(s, prefix, k) == 0;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t k = strlen(suffix);
    return len >= k && strncasecmp(s + len - k, suffix, k) == 0;
}

bool pkg_ref_is_fixed(const char *ref, size_t len)
{
    /* Names that move by design, as branches or channels. */
    static const char *const moving[] = {
        "main", "master", "develop", "development", "dev", "devel",
        "trunk", "head", "stable", "unstable", "next", "nightly", "latest",
        "edge", "default", "canary", "beta", "alpha", "testing", "current",
        "release", "rc", "lts", NULL,
    };
    if (starts_with(ref, len, "refs/tags/") || starts_with(ref, len, "tags/"))
        return true;
    if (len == 0 || memchr(ref, '/', len))
        return false; /* refs/heads/x, origin/x, release/1.2: branches */
    bool hex = len >= 7 && len <= 64, digit = false;
    for (size_t i = 0; i < len; i++) {
        hex &= isxdigit((unsigned char)ref[i]) != 0;
        digit |= isdigit((unsigned char)ref[i]) != 0;
    }
    if (hex)
        return true;
    for (const char *const *m = moving; *m; m++)
        if (strlen(*m) == len && strncasecmp(ref, *m, len) == 0)
            return false;
    /* A tag names a release, so it carries a number; 1.x, 2.0-dev or
     * 3-stable are branch names that do too. */
    return digit && !ends_with(ref, len, ".x") && !ends_with(ref, len, "-x") &&
           !ends_with(ref, len, "-dev") && !ends_with(ref, len, "-stable") &&
           !ends_with(ref, len, "-branch");
}

/* ------------------------------------------------------------ git */

/* The length of the path component at p. */
static size_t component_len(const char *p)
{
    return strcspn(p, "/");
}

/* Do the components of `a` and `b` agree until one of them ends? */
static bool components_agree(const char *a, const char *b)
{
    while (*a && *b) {
        size_t n = component_len(a);
        if (component_len(b) != n || strncmp(a, b, n) != 0)
            return false;
        a += n;
        b += n;
        a += *a == '/';
        b += *b == '/';
    }
    return true;
}

/* Does directory `where` (as written after cd or git -C) lead into the
 * checkout `dir`, a run of path components? From the place where `where`
 * names dir's first component, one must continue the other:
 * cd /src/tool/sub is in "tool"; cd /go/src/golang.org/x/net holds
 * "golang.org/x/net/context". */
static bool dir_reaches(const char *where, const char *dir)
{
    size_t first = component_len(dir);
    for (const char *p = where; *p;) {
        size_t n = component_len(p);
        if (n == first && !strncmp(p, dir, n) && components_agree(p, dir))
            return true;
        p += n;
        p += *p == '/';
    }
    return false;
}

/* A revision that fixes a checkout: a commit, a tag, FETCH_HEAD (what a
 * fetch of a given revision left) or a variable. */
static bool rev_is_fixed(const sh_word *w)
{
    return (w->flags & SHW_DYNAMIC) || sh_word_is(w, "FETCH_HEAD") ||
           pkg_ref_is_fixed(w->value, w->len);
}

/* git checkout <rev>, git reset --hard <rev>, git switch --detach <rev>
 * with a fixed revision. */
static bool pins_checkout(const pkg_cmd *p)
{
    static const char *const hard[] = {"--hard", NULL};
    static const char *const detach[] = {"--detach", "-d", NULL};
    const char *sub = pkg_subcommand(p);
    if (is(sub, "reset")) {
        if (!pkg_option(p, hard))
            return false;
    } else if (is(sub, "switch")) {
        if (!pkg_option(p, detach))
            return false;
    } else if (!is(sub, "checkout")) {
        return false;
    }
    const pkg_arg *rev = pkg_next_operand(p, p->sub + 1);
    if (!rev || (size_t)(rev - p->args) >= p->dashdash)
        return false; /* git checkout -- FILES */
    return rev_is_fixed(rev->word);
}

/* The directory given to git with -C, --git-dir or --work-tree (before
 * the sub-command), or NULL. */
static const sh_word *git_dir_option(const pkg_cmd *p)
{
    static const char *const dir_opts[] = {"-C", "--git-dir", "--work-tree",
                                           NULL};
    const sh_word *dir = NULL;
    for (size_t i = 0; i < p->sub && i < p->nargs; i++)
        if (p->args[i].opt && p->args[i].value &&
            lint_name_in(p->args[i].opt, dir_opts))
            dir = p->args[i].value;
    return dir;
}

/* 1 + the index of the last command of instruction inst's script that
 * checks out a fixed revision, 0 when none does. */
static size_t last_pinning_checkout(lint_ctx *c, size_t inst)
{
    entries_of(c, inst);
    struct pkg_memo *m = c->pkg_memo;
    if (!m->last_pin_known[inst]) {
        const sh_script *s = c->scripts[inst];
        for (size_t j = s->ncmds; j-- > 0 && !m->last_pin[inst];) {
            const pkg_cmd *p = pkg_command(c, inst, j);
            if (p && p->tool == PKG_GIT && pins_checkout(p))
                m->last_pin[inst] = j + 1;
        }
        m->last_pin_known[inst] = true;
    }
    return m->last_pin[inst];
}

/* Is the checkout in `dir` fixed by a command of instruction inst's
 * script from cmds[from] on? */
static bool fixed_in_script(lint_ctx *c, size_t inst, size_t from,
                            const char *dir)
{
    /* The checkout follows the clone closely; a bound keeps a script of
     * thousands of clones linear. Past it, when a checkout of a fixed
     * revision is still to come, the clone counts as pinned: better
     * silent than wrong. */
    enum { LOOKAHEAD = 64 };
    size_t last = last_pinning_checkout(c, inst);
    if (last <= from)
        return false;
    const sh_script *s = c->scripts[inst];
    const sh_word *cwd = NULL;
    for (size_t j = from; j < last; j++) {
        if (j - from >= LOOKAHEAD)
            return true;
        const sh_command *cmd = s->cmds[j];
        if (cmd->name && (is(cmd->name, "cd") || is(cmd->name, "pushd"))) {
            cwd = cmd->nargs ? &cmd->args[cmd->nargs - 1] : NULL;
            continue;
        }
        const pkg_cmd *p = pkg_command(c, inst, j);
        if (!p || p->tool != PKG_GIT || !pins_checkout(p))
            continue;
        const sh_word *where = git_dir_option(p);
        if (!where)
            where = cwd;
        if (!dir || !where || (where->flags & SHW_DYNAMIC) ||
            dir_reaches(where->value, dir))
            return true;
    }
    return false;
}

bool pkg_checkout_fixed_after(lint_ctx *c, size_t inst, size_t k,
                              const char *dir)
{
    /* RUNs that follow the clone closely (git clone, then WORKDIR, then
     * RUN git checkout); a bound keeps a file of thousands of clones
     * linear. */
    enum { LATER_INSTRUCTIONS = 16 };
    if (fixed_in_script(c, inst, k + 1, dir))
        return true;
    const df_model *m = c->model;
    size_t end = c->file->ninsts;
    if (end > inst + 1 + LATER_INSTRUCTIONS)
        end = inst + 1 + LATER_INSTRUCTIONS;
    for (size_t i = inst + 1; i < end && m->stage_of[i] == m->stage_of[inst];
         i++)
        if (c->scripts[i] && fixed_in_script(c, i, 0, dir))
            return true;
    return false;
}
