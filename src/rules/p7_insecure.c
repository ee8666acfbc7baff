/*
 * Principle 7: verify content you download - the transport.
 *
 * insecure-download reports what switches verification off where the
 * content is fetched: plain-HTTP downloads, TLS checks disabled for curl,
 * wget, git, pip, npm, conda, signature checks disabled for apt, apk and
 * the rpm tools, in options, in environment variables (ENV, ARG and
 * assignments in RUN), and in configuration text a RUN writes. A download
 * whose files the same RUN verifies against a checksum or signature is
 * safe whatever the transport, so it is not reported.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "rules/flow.h"
#include "rules/rule.h"

#define RULE "insecure-download"

static const char *word_text(lint_ctx *c, const sh_word *w)
{
    const char *v = lint_word(w);
    return lint_quote(c, v, strlen(v));
}

static bool is_falsy(const char *v, size_t n)
{
    static const char *const no[] = {"0", "false", "no", "off", NULL};
    for (const char *const *p = no; *p; p++)
        if (strlen(*p) == n && !strncasecmp(v, *p, n))
            return true;
    return false;
}

static bool is_truthy(const char *v, size_t n)
{
    static const char *const yes[] = {"1", "true", "yes", "on", NULL};
    for (const char *const *p = yes; *p; p++)
        if (strlen(*p) == n && !strncasecmp(v, *p, n))
            return true;
    return false;
}

static bool falsy_str(const char *v)
{
    return is_falsy(v, strlen(v));
}

/* http:// or ftp:// to another machine. */
static bool plaintext_remote(const char *url)
{
    return download_url_plaintext(url) && !download_url_is_local(url);
}

/* ------------------------------------------------ environment settings */

/* Is NAME one of the variables insecure_setting() knows? */
static bool setting_name(const char *name, size_t nlen)
{
    static const char *const names[] = {
        "PYTHONHTTPSVERIFY", "NODE_TLS_REJECT_UNAUTHORIZED",
        "GIT_SSL_NO_VERIFY", "NPM_CONFIG_STRICT_SSL", "PIP_TRUSTED_HOST",
        "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS",
        "NPM_CONFIG_REGISTRY", NULL,
    };
    if (nlen < 13 || !strchr("GNPgnp", name[0]))
        return false;
    for (const char *const *n = names; *n; n++)
        if (strlen(*n) == nlen && !strncasecmp(name, *n, nlen))
            return true;
    return false;
}

/* What NAME=VALUE switches off, or NULL. */
static const char *insecure_setting(const char *name, size_t nlen,
                                    const char *value, size_t vlen)
{
    if (!setting_name(name, nlen))
        return NULL;
#define NAME_IS(s) (nlen == sizeof(s) - 1 && !strncasecmp(name, s, nlen))
    if (NAME_IS("PYTHONHTTPSVERIFY") && vlen == 1 && value[0] == '0')
        return "PYTHONHTTPSVERIFY=0 turns off Python's HTTPS certificate "
               "checks";
    if (NAME_IS("NODE_TLS_REJECT_UNAUTHORIZED") && vlen == 1 &&
        value[0] == '0')
        return "NODE_TLS_REJECT_UNAUTHORIZED=0 turns off Node.js TLS "
               "certificate checks";
    if (NAME_IS("GIT_SSL_NO_VERIFY"))
        return "GIT_SSL_NO_VERIFY (any value) turns off git's TLS "
               "certificate checks";
    if (NAME_IS("NPM_CONFIG_STRICT_SSL") && is_falsy(value, vlen))
        return "NPM_CONFIG_STRICT_SSL=false turns off npm's TLS certificate "
               "checks";
    if (NAME_IS("PIP_TRUSTED_HOST") && vlen > 0)
        return "PIP_TRUSTED_HOST makes pip accept that host without a valid "
               "certificate";
    if ((NAME_IS("PIP_INDEX_URL") || NAME_IS("PIP_EXTRA_INDEX_URL") ||
         NAME_IS("PIP_FIND_LINKS") || NAME_IS("NPM_CONFIG_REGISTRY")) &&
        plaintext_remote(value))
        return "a package index over plain HTTP lets anyone on the path "
               "change what is installed";
#undef NAME_IS
    return NULL;
}

/* ENV and ARG: NAME=VALUE pairs with their values expanded. */
static void check_env_settings(lint_ctx *c, size_t i, const df_instruction *in)
{
    bool env = in->kind == DF_ENV;
    size_t step = env ? 2 : 1;
    for (size_t k = 0; k + (env ? 1 : 0) < in->nargs; k += step) {
        const df_text *key = &in->args[k];
        const char *name = key->s;
        size_t nlen = key->len;
        const char *raw_value = NULL;
        size_t raw_len = 0;
        if (env) {
            raw_value = in->args[k + 1].s;
            raw_len = in->args[k + 1].len;
        } else {
            const char *eq = memchr(key->s, '=', key->len);
            if (!eq)
                continue; /* ARG without a default sets nothing */
            nlen = (size_t)(eq - key->s);
            raw_value = eq + 1;
            raw_len = key->len - nlen - 1;
        }
        if (!setting_name(name, nlen))
            continue;
        df_value v = df_expand(c->a, c->model, i, raw_value, raw_len);
        if (v.unknown || v.error)
            continue;
        const char *what = insecure_setting(name, nlen, v.s, v.len);
        if (what)
            lint_report(c, RULE, i, key->off, env ? in->args[k + 1].end
                                                  : key->end,
                        "%s; remove it and fix the certificate or the "
                        "index URL instead", what);
    }
}

/* NAME=VALUE words of a RUN: assignments, `export`, `env`. */
static void check_assignment(lint_ctx *c, size_t inst, const sh_word *w)
{
    if (w->flags & SHW_DYNAMIC)
        return;
    const char *v = lint_word(w);
    const char *eq = strchr(v, '=');
    if (!eq || eq == v)
        return;
    const char *what = insecure_setting(v, (size_t)(eq - v), eq + 1,
                                        strlen(eq + 1));
    if (what)
        lint_report(c, RULE, inst, w->off, w->end,
                    "%s; remove it and fix the certificate or the index "
                    "URL instead", what);
}

static void check_assignments(lint_ctx *c, size_t inst, const sh_command *cmd)
{
    for (size_t i = 0; i < cmd->nassigns; i++)
        check_assignment(c, inst, &cmd->assigns[i]);
    /* env NAME=VALUE cmd: the words before the command */
    for (size_t i = 0; i < cmd->cmd_index && i < cmd->argc; i++)
        check_assignment(c, inst, &cmd->argv[i]);
    static const char *const exporters[] = {"export", "declare", "typeset",
                                            NULL};
    if (cmd->nargs && lint_name_in(cmd->name, exporters))
        for (size_t i = 0; i < cmd->nargs; i++)
            check_assignment(c, inst, &cmd->args[i]);
}

/* ------------------------------------------------------- downloads */

/* A detached signature (x.tar.gz.asc, x.jar.sig): checked against a key,
 * it is as good over any transport. A key (KEYS.asc) is not one. */
static bool detached_signature(const char *path)
{
    static const char *const exts[] = {".asc", ".sig", ".sign", ".minisig",
                                       NULL};
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    for (const char *const *e = exts; *e; e++) {
        size_t k = strlen(*e);
        if (n > k && !strcmp(base + n - k, *e))
            return memchr(base, '.', n - k) != NULL;
    }
    return false;
}

static bool only_signatures(const fetch *f)
{
    for (size_t k = 0; k < f->nfiles; k++)
        if (!detached_signature(f->files[k].path))
            return false;
    return f->nfiles > 0;
}

static void check_fetch(lint_ctx *c, size_t inst, const fetch *f)
{
    if (fetch_is_verified(f) || f->d.no_content || only_signatures(f))
        return; /* checked content: the transport does not matter */
    for (size_t k = 0; k < f->d.nurls; k++) {
        const sh_word *u = f->d.urls[k];
        const char *url = lint_word(u);
        if (plaintext_remote(url))
            lint_report(c, RULE, inst, u->off, u->end,
                        "%s fetches %s over plain %s: anyone on the path "
                        "can change it; use https:// (and verify the file "
                        "against a pinned checksum)",
                        f->d.tool, word_text(c, u),
                        strncasecmp(url, "ftp", 3) ? "HTTP" : "FTP");
    }
    if (f->d.insecure)
        lint_report(c, RULE, inst, f->d.insecure->off, f->d.insecure->end,
                    "%s %s turns off TLS certificate checks: anyone on the "
                    "path can serve the download; remove it (install the CA "
                    "certificate if the server uses a private one)",
                    f->d.tool, word_text(c, f->d.insecure));
}

/* ------------------------------------------------- package managers */

/* git -c http.sslVerify=false, git config http.sslVerify false,
 * git clone http://... */
static bool sslverify_key(const char *key, size_t n)
{
    return n >= 14 && !strncasecmp(key, "http.", 5) &&
           !strncasecmp(key + n - 9, "sslverify", 9);
}

static void check_git(lint_ctx *c, size_t inst, const sh_word *args,
                      size_t n)
{
    static const char *const value_opts[] = {"-C", "-c", "--git-dir",
                                             "--work-tree", "--namespace",
                                             NULL};
    static const char *const fetching[] = {"clone", "fetch", "pull",
                                           "ls-remote", "submodule", NULL};
    const char *sub = NULL;
    for (size_t i = 0; i < n; i++) {
        const sh_word *w = &args[i];
        const char *v = lint_word(w);
        if (!sub && !strcmp(v, "-c") && i + 1 < n) {
            const char *kv = lint_word(&args[i + 1]);
            const char *eq = strchr(kv, '=');
            if (eq && sslverify_key(kv, (size_t)(eq - kv)) && falsy_str(eq + 1))
                lint_report(c, RULE, inst, args[i + 1].off, args[i + 1].end,
                            "git -c %s turns off TLS certificate checks; "
                            "remove it (install the CA certificate if the "
                            "server uses a private one)", kv);
            i++;
            continue;
        }
        if (!sub) {
            if (v[0] == '-') {
                if (lint_name_in(v, value_opts))
                    i++;
                continue;
            }
            sub = v;
            continue;
        }
        if (!strcmp(sub, "config") && sslverify_key(v, strlen(v)) &&
            i + 1 < n && falsy_str(lint_word(&args[i + 1]))) {
            lint_report(c, RULE, inst, w->off, args[i + 1].end,
                        "git config %s %s turns off TLS certificate checks; "
                        "remove it (install the CA certificate if the server "
                        "uses a private one)",
                        v, lint_word(&args[i + 1]));
            return;
        }
        if (lint_name_in(sub, fetching) && v[0] != '-' &&
            (plaintext_remote(v) ||
             (!strncasecmp(v, "git://", 6) && !download_url_is_local(v))))
            lint_report(c, RULE, inst, w->off, w->end,
                        "git %s %s uses an unencrypted, unauthenticated "
                        "protocol: anyone on the path can change the code; "
                        "use https:// or ssh", sub, word_text(c, w));
    }
}

/* pip, pip3, pip3.12, python -m pip: the arguments after `pip`. */
static bool pip_args(const sh_command *cmd, const sh_word **args, size_t *n)
{
    const char *name = cmd->name;
    if (!name)
        return false;
    if (!strncmp(name, "pip", 3) &&
        (!name[3] || isdigit((unsigned char)name[3]))) {
        *args = cmd->args;
        *n = cmd->nargs;
        return true;
    }
    if (strncmp(name, "python", 6) != 0)
        return false;
    for (size_t i = 0; i + 1 < cmd->nargs; i++)
        if (!strcmp(lint_word(&cmd->args[i]), "-m")) {
            if (strcmp(lint_word(&cmd->args[i + 1]), "pip") != 0)
                return false;
            *args = cmd->args + i + 2;
            *n = cmd->nargs - i - 2;
            return true;
        }
    return false;
}

/* --opt VALUE or --opt=VALUE: the value word (a copy for the = form). */
static bool option_value(lint_ctx *c, const sh_word *args, size_t n,
                         size_t *i, const char *const *names,
                         sh_word *value)
{
    const char *v = lint_word(&args[*i]);
    const char *eq = strchr(v, '=');
    size_t olen = eq ? (size_t)(eq - v) : strlen(v);
    for (const char *const *nm = names; *nm; nm++) {
        if (strlen(*nm) != olen || strncmp(v, *nm, olen) != 0)
            continue;
        if (eq) {
            *value = args[*i];
            value->value = arena_strdup(c->a, eq + 1);
            return true;
        }
        if (*i + 1 >= n)
            return false;
        *value = args[++*i];
        return true;
    }
    return false;
}

static void check_pip(lint_ctx *c, size_t inst, const sh_word *args, size_t n)
{
    static const char *const trusted[] = {"--trusted-host", NULL};
    static const char *const indexes[] = {"-i", "--index-url",
                                          "--extra-index-url", "-f",
                                          "--find-links", NULL};
    bool config_set = n >= 2 && !strcmp(lint_word(&args[0]), "config") &&
                      !strcmp(lint_word(&args[1]), "set");
    for (size_t i = 0; i < n; i++) {
        const sh_word *w = &args[i];
        const char *v = lint_word(w);
        sh_word value;
        if (option_value(c, args, n, &i, trusted, &value) ||
            (config_set && strstr(v, "trusted-host"))) {
            lint_report(c, RULE, inst, w->off, w->end,
                        "pip %s accepts that host without a valid "
                        "certificate; remove it (give pip the CA "
                        "certificate with --cert if the index uses a "
                        "private one)", v);
            continue;
        }
        const sh_word *url = NULL;
        if (option_value(c, args, n, &i, indexes, &value))
            url = &value;
        else if (config_set && strstr(v, "index-url") && i + 1 < n)
            url = &args[++i];
        else if (v[0] != '-')
            url = w; /* a requirement, possibly a URL */
        if (url && plaintext_remote(lint_word(url)))
            lint_report(c, RULE, inst, url->off, url->end,
                        "pip downloads from %s over plain HTTP: anyone on "
                        "the path can change what is installed; use "
                        "https://", word_text(c, url));
    }
}

/* npm, yarn, pnpm: strict-ssl false, registry http://. */
static void check_npm(lint_ctx *c, size_t inst, const char *tool,
                      const sh_word *args, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const sh_word *w = &args[i];
        const char *v = lint_word(w);
        const char *key = v[0] == '-' && v[1] == '-' ? v + 2 : v;
        size_t klen = strcspn(key, "=");
        const char *value = key[klen] == '=' ? key + klen + 1
                            : i + 1 < n      ? lint_word(&args[i + 1])
                                             : "";
        bool strict = klen == 10 && !strncmp(key, "strict-ssl", 10);
        bool registry = klen == 8 && !strncmp(key, "registry", 8);
        if (strict && falsy_str(value))
            lint_report(c, RULE, inst, w->off, w->end,
                        "%s strict-ssl false turns off TLS certificate "
                        "checks for the registry; remove it (set cafile if "
                        "the registry uses a private CA)", tool);
        else if (registry && plaintext_remote(value))
            lint_report(c, RULE, inst, w->off, w->end,
                        "%s uses the registry %s over plain HTTP: anyone on "
                        "the path can change what is installed; use "
                        "https://", tool, value);
    }
}

/* -o Acquire::AllowInsecureRepositories=true and friends. */
static bool apt_option_insecure(const char *opt)
{
    const char *eq = strchr(opt, '=');
    if (!eq)
        return false;
    const char *key = opt;
    for (const char *p = opt; p < eq; p++)
        if (*p == ':')
            key = p + 1;
    size_t n = (size_t)(eq - key);
    const char *value = eq + 1;
    size_t vlen = strlen(value);
    if ((n == 20 && !strncasecmp(key, "AllowUnauthenticated", n)) ||
        (n == 25 && !strncasecmp(key, "AllowInsecureRepositories", n)) ||
        (n == 36 && !strncasecmp(key, "AllowDowngradeToInsecureRepositories",
                                 n)))
        return is_truthy(value, vlen);
    if ((n == 11 && !strncasecmp(key, "Verify-Peer", n)) ||
        (n == 11 && !strncasecmp(key, "Verify-Host", n)))
        return is_falsy(value, vlen);
    return false;
}

static void check_apt(lint_ctx *c, size_t inst, const char *tool,
                      const sh_word *args, size_t n)
{
    static const char *const flags[] = {"--allow-unauthenticated",
                                        "--allow-insecure-repositories",
                                        NULL};
    for (size_t i = 0; i < n; i++) {
        const sh_word *w = &args[i];
        const char *v = lint_word(w);
        const char *opt = NULL;
        if (!strcmp(v, "--force-yes")) {
            lint_report(c, RULE, inst, w->off, w->end,
                        "%s --force-yes also installs packages that fail "
                        "signature checks (and is deprecated); use -y, and "
                        "import the repository's signing key if apt "
                        "complains", tool);
            continue;
        }
        if (lint_name_in(v, flags)) {
            lint_report(c, RULE, inst, w->off, w->end,
                        "%s %s installs packages without checking their "
                        "signatures; remove it and import the repository's "
                        "signing key instead", tool, v);
            continue;
        }
        if ((!strcmp(v, "-o") || !strcmp(v, "--option")) && i + 1 < n)
            w = &args[++i], opt = lint_word(w);
        else if (!strncmp(v, "-o", 2) && v[2])
            opt = v + 2;
        else if (!strncmp(v, "--option=", 9))
            opt = v + 9;
        if (opt && apt_option_insecure(opt))
            lint_report(c, RULE, inst, w->off, w->end,
                        "%s -o %s turns off signature or certificate checks "
                        "for package downloads; remove it and import the "
                        "repository's signing key instead", tool, opt);
    }
}

/* yum, dnf, microdnf, tdnf, zypper, *-config-manager; rpm itself. */
static void check_rpm_tools(lint_ctx *c, size_t inst, const char *tool,
                            const sh_word *args, size_t n)
{
    static const char *const flags[] = {
        "--nogpgcheck", "--no-gpg-checks", "--no-gpgcheck", "--nosignature",
        "--nodigest", "--nofiledigest", NULL,
    };
    for (size_t i = 0; i < n; i++) {
        const sh_word *w = &args[i];
        const char *v = lint_word(w);
        if (lint_name_in(v, flags)) {
            lint_report(c, RULE, inst, w->off, w->end,
                        "%s %s installs packages without checking their "
                        "signatures; remove it and import the repository's "
                        "signing key instead", tool, v);
            continue;
        }
        const char *set = NULL;
        if (!strcmp(v, "--setopt") && i + 1 < n)
            w = &args[++i], set = lint_word(w);
        else if (!strncmp(v, "--setopt=", 9))
            set = v + 9;
        const char *eq = set ? strchr(set, '=') : NULL;
        if (!eq || !falsy_str(eq + 1))
            continue;
        const char *key = set;
        for (const char *p = set; p < eq; p++)
            if (*p == '.')
                key = p + 1;
        size_t n2 = (size_t)(eq - key);
        if ((n2 == 8 && !strncasecmp(key, "gpgcheck", 8)) ||
            (n2 == 9 && !strncasecmp(key, "sslverify", 9)))
            lint_report(c, RULE, inst, w->off, w->end,
                        "%s --setopt=%s turns off signature or certificate "
                        "checks for package downloads; remove it", tool,
                        set);
    }
}

static void check_apk(lint_ctx *c, size_t inst, const sh_word *args,
                      size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(lint_word(&args[i]), "--allow-untrusted"))
            lint_report(c, RULE, inst, args[i].off, args[i].end,
                        "apk --allow-untrusted installs packages without "
                        "checking their signatures; add the signing key to "
                        "/etc/apk/keys instead");
}

/* conda config --set ssl_verify false */
static void check_conda(lint_ctx *c, size_t inst, const char *tool,
                        const sh_word *args, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++)
        if (!strcmp(lint_word(&args[i]), "--set") &&
            !strcmp(lint_word(&args[i + 1]), "ssl_verify") &&
            falsy_str(lint_word(&args[i + 2])))
            lint_report(c, RULE, inst, args[i + 1].off, args[i + 2].end,
                        "%s ssl_verify false turns off TLS certificate "
                        "checks for package downloads; remove it", tool);
}

static bool is_rpm_tool(const char *name)
{
    static const char *const tools[] = {
        "yum", "dnf", "dnf5", "microdnf", "tdnf", "zypper", "rpm", "rpmkeys",
        "yum-config-manager", "dnf-config-manager", NULL,
    };
    return lint_name_in(name, tools);
}

static void check_switches(lint_ctx *c, size_t inst, const sh_command *cmd)
{
    static const char *const apt[] = {"apt-get", "apt", "aptitude", NULL};
    static const char *const npm[] = {"npm", "yarn", "pnpm", NULL};
    static const char *const conda[] = {"conda", "mamba", "micromamba", NULL};
    const sh_word *args;
    size_t n;
    const char *name = command_name(cmd, &args, &n);
    if (!name || !n)
        return;
    /* Most commands are none of these: dispatch on the first byte. */
    switch (name[0]) {
    case 'a':
        if (lint_name_in(name, apt))
            check_apt(c, inst, name, args, n);
        else if (!strcmp(name, "apk"))
            check_apk(c, inst, args, n);
        return;
    case 'g':
        if (!strcmp(name, "git"))
            check_git(c, inst, args, n);
        return;
    case 'c': case 'm':
        if (lint_name_in(name, conda))
            check_conda(c, inst, name, args, n);
        else if (is_rpm_tool(name))
            check_rpm_tools(c, inst, name, args, n);
        return;
    case 'n': case 'p': case 'y':
        if (lint_name_in(name, npm))
            check_npm(c, inst, name, args, n);
        else if (is_rpm_tool(name))
            check_rpm_tools(c, inst, name, args, n);
        else if (pip_args(cmd, &args, &n))
            check_pip(c, inst, args, n);
        return;
    case 'd': case 'r': case 't': case 'z':
        if (is_rpm_tool(name))
            check_rpm_tools(c, inst, name, args, n);
        return;
    default:
        return;
    }
}

/* -------------------------------------------- configuration written */

/* The value after a key in configuration text: `key = "value"`. */
static bool value_after(const char *s, size_t n, size_t at,
                        bool (*test)(const char *, size_t))
{
    while (at < n && strchr(" \t=:\"'", s[at]))
        at++;
    size_t start = at;
    while (at < n && (isalnum((unsigned char)s[at])))
        at++;
    return at > start && test(s + start, at - start);
}

static size_t find_ci(const char *s, size_t n, const char *needle,
                      size_t from)
{
    size_t k = strlen(needle);
    int first = tolower((unsigned char)needle[0]);
    for (size_t i = from; i + k <= n; i++)
        if (tolower((unsigned char)s[i]) == first &&
            !strncasecmp(s + i, needle, k))
            return i;
    return (size_t)-1;
}

/* deb [trusted=yes] file:/dir ./ - a repository of packages built in
 * the same RUN, on this machine: nothing travels over a network. */
static bool local_apt_source(const char *s, size_t n, size_t at)
{
    while (at < n && s[at] != ']' && s[at] != '\n')
        at++;
    if (at >= n || s[at] != ']')
        return false;
    at++;
    while (at < n && (s[at] == ' ' || s[at] == '\t'))
        at++;
    return (n - at >= 5 && !strncmp(s + at, "file:", 5)) ||
           (n - at >= 5 && !strncmp(s + at, "copy:", 5));
}

/* Settings that switch checks off, as they appear in sources lists,
 * repository files, apt.conf, .npmrc, .wgetrc, pip.conf, .gitconfig. */
static const char *insecure_config(const char *s, size_t n, size_t *at,
                                   size_t *len)
{
    static const struct {
        const char *key;
        bool (*test)(const char *, size_t); /* NULL: the key alone */
        bool word_start;
        const char *what;
        bool apt_source;  /* an option of a `deb [...] URI` line */
    } marks[] = {
        {"trusted=yes", NULL, false,
         "[trusted=yes] makes apt install from that source without "
         "signature checks", true},
        {"allow-insecure=yes", NULL, false,
         "[allow-insecure=yes] makes apt accept that source unsigned", true},
        {"gpgcheck", is_falsy, true,
         "gpgcheck=0 makes the rpm tools install packages without checking "
         "their signatures", false},
        {"sslverify", is_falsy, true,
         "sslverify=false turns off TLS certificate checks for downloads",
         false},
        {"AllowUnauthenticated", is_truthy, false,
         "AllowUnauthenticated makes apt install unsigned packages", false},
        {"AllowInsecureRepositories", is_truthy, false,
         "AllowInsecureRepositories makes apt accept unsigned sources", false},
        {"Verify-Peer", is_falsy, false,
         "Verify-Peer false turns off apt's TLS certificate checks", false},
        {"strict-ssl", is_falsy, true,
         "strict-ssl false turns off npm's TLS certificate checks", false},
        {"check_certificate", is_falsy, true,
         "check_certificate = off turns off wget's certificate checks", false},
        {"trusted-host", NULL, true,
         "trusted-host makes pip accept a host without a valid certificate",
         false},
    };
    for (size_t m = 0; m < sizeof(marks) / sizeof(marks[0]); m++) {
        size_t k = strlen(marks[m].key);
        for (size_t i = find_ci(s, n, marks[m].key, 0); i != (size_t)-1;
             i = find_ci(s, n, marks[m].key, i + 1)) {
            if (marks[m].word_start && i > 0 &&
                (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_'))
                continue; /* repo_gpgcheck is another setting */
            if (marks[m].test && !value_after(s, n, i + k, marks[m].test))
                continue;
            if (marks[m].apt_source && local_apt_source(s, n, i))
                continue;
            *at = i;
            *len = k;
            return marks[m].what;
        }
    }
    return NULL;
}

static void report_config(lint_ctx *c, size_t inst, const char *what,
                          uint32_t off, uint32_t end)
{
    lint_report(c, RULE, inst, off, end,
                "the RUN writes configuration where %s; remove the setting "
                "and install the signing key or CA certificate instead",
                what);
}

static void check_text_word(lint_ctx *c, size_t inst, const sh_word *w)
{
    const char *v = lint_word(w);
    size_t at, len;
    const char *what = insecure_config(v, strlen(v), &at, &len);
    if (what)
        report_config(c, inst, what, w->off, w->end);
}

static bool writes_stdout_to_file(const sh_command *cmd)
{
    for (size_t r = 0; r < cmd->nredirs; r++) {
        sh_redir_op op = cmd->redirs[r].op;
        if ((op == SH_REDIR_OUT || op == SH_REDIR_APPEND ||
             op == SH_REDIR_CLOBBER) &&
            (cmd->redirs[r].fd == -1 || cmd->redirs[r].fd == 1))
            return true;
    }
    return cmd->pipe_next && cmd->pipe_next->name &&
           !strcmp(cmd->pipe_next->name, "tee");
}

/* echo/printf into a file, cat/tee of a here-document, sed -i,
 * add-apt-repository. */
static void check_config_writes(lint_ctx *c, size_t inst,
                                const sh_command *cmd)
{
    static const char *const printers[] = {"echo", "printf", NULL};
    static const char *const repo_adders[] = {"add-apt-repository",
                                              "apt-add-repository", NULL};
    const char *name = cmd->name;
    if (!name || !strchr("acepst", name[0]))
        return; /* none of the writers below */
    bool heredoc_writer = (!strcmp(name, "cat") &&
                           writes_stdout_to_file(cmd)) ||
                          (!strcmp(name, "tee") && cmd->nargs > 0);
    if ((lint_name_in(name, printers) && writes_stdout_to_file(cmd)) ||
        lint_name_in(name, repo_adders) || !strcmp(name, "sed")) {
        if (!strcmp(name, "sed")) {
            bool in_place = false;
            for (size_t i = 0; i < cmd->nargs; i++) {
                const char *v = lint_word(&cmd->args[i]);
                in_place |= !strncmp(v, "-i", 2) ||
                            !strncmp(v, "--in-place", 10);
            }
            if (!in_place)
                return;
        }
        for (size_t i = 0; i < cmd->nargs; i++)
            check_text_word(c, inst, &cmd->args[i]);
        return;
    }
    if (!heredoc_writer)
        return;
    for (size_t r = 0; r < cmd->nredirs; r++) {
        const sh_redir *rd = &cmd->redirs[r];
        size_t at, len;
        if (rd->op == SH_REDIR_HERESTRING) {
            check_text_word(c, inst, &rd->target);
        } else if ((rd->op == SH_REDIR_HEREDOC ||
                    rd->op == SH_REDIR_HEREDOC_TAB) && rd->body) {
            const char *what = insecure_config(rd->body, rd->body_len, &at,
                                               &len);
            if (!what)
                continue;
            /* Bodies map byte for byte, but <<- drops tabs. */
            uint32_t off = rd->body_off;
            uint32_t end = off + 1;
            if (rd->op == SH_REDIR_HEREDOC) {
                off += (uint32_t)at;
                end = off + (uint32_t)len;
            }
            report_config(c, inst, what, off, end);
        }
    }
}

/* ---------------------------------------------------------- the rule */

static void check_add(lint_ctx *c, size_t i, const df_instruction *add)
{
    if (add->nargs < 2 || df_find_flag(add, "checksum"))
        return;
    for (size_t k = 0; k + 1 < add->nargs; k++) {
        const df_text *t = &add->args[k];
        df_value v = lint_expand(c, i, t);
        if (v.error)
            continue;
        bool git = download_add_source_is_git(v.s);
        bool plain = plaintext_remote(v.s) ||
                     (git && !strncasecmp(v.s, "git://", 6) &&
                      !download_url_is_local(v.s));
        if (plain)
            lint_report(c, RULE, i, t->off, t->end,
                        "ADD fetches %s over an unencrypted, "
                        "unauthenticated protocol and without --checksum: "
                        "anyone on the path can change it; use https:// and "
                        "add --checksum",
                        lint_quote(c, v.s, v.len));
    }
}

static void check_insecure_download(lint_ctx *c)
{
    const df_file *f = c->file;
    for (size_t i = 0; i < f->ninsts; i++) {
        const df_instruction *in = &f->insts[i];
        if (in->kind == DF_ONBUILD && in->trigger)
            in = in->trigger;
        if (in->kind == DF_ENV || in->kind == DF_ARG)
            check_env_settings(c, i, in);
        else if (in->kind == DF_ADD)
            check_add(c, i, in);
        const sh_script *s = c->scripts[i];
        if (!s)
            continue;
        for (size_t k = 0; k < s->ncmds; k++) {
            const sh_command *cmd = s->cmds[k];
            check_assignments(c, i, cmd);
            check_switches(c, i, cmd);
            check_config_writes(c, i, cmd);
        }
        const script_flow *flow = flow_of(c, i);
        for (size_t k = 0; flow && k < flow->nfetches; k++)
            check_fetch(c, i, &flow->fetches[k]);
    }
}

const rule_def rule_insecure_download = {
    .info = {
        .id = "insecure-download",
        .severity = BOSUN_ERROR,
        .principle = 7,
        .scope = "both",
        .summary = "verification switched off or missing at the transport",
        .rationale =
            "TLS and package signatures are what stop a network attacker, "
            "a hijacked mirror or a poisoned proxy from changing what the "
            "build installs. Plain-HTTP and FTP downloads, `curl -k`, "
            "`wget --no-check-certificate`, `git -c http.sslVerify=false`, "
            "`GIT_SSL_NO_VERIFY`, `pip --trusted-host`, npm's "
            "`strict-ssl false`, `apt-get --allow-unauthenticated`, "
            "`[trusted=yes]` sources, `apk --allow-untrusted`, "
            "`--nogpgcheck`, `rpm --nosignature`, `PYTHONHTTPSVERIFY=0` and "
            "`NODE_TLS_REJECT_UNAUTHORIZED=0` all remove that protection, "
            "usually to work around a certificate problem that has a real "
            "fix. bosun reads these in command options, ENV and ARG values, "
            "assignments in RUN and configuration text a RUN writes; URLs "
            "that are only mentioned (not fetched) and URLs of this machine "
            "are not reported, and neither is a download the same RUN "
            "verifies against a checksum or signature.",
        .bad = "RUN curl -k -o /tmp/tool.tgz https://example.com/tool.tgz\n"
               "RUN apt-get install -y --allow-unauthenticated mytool\n"
               "ENV NODE_TLS_REJECT_UNAUTHORIZED=0",
        .good = "COPY corp-ca.crt /usr/local/share/ca-certificates/\n"
                "RUN update-ca-certificates \\\n"
                " && curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz",
        .fix = "Remove the switch. If a server uses a private certificate "
               "authority, install its CA certificate "
               "(`update-ca-certificates`, `--cacert`, pip `--cert`, npm "
               "`cafile`); if a repository is unsigned, import its signing "
               "key; use https:// URLs.",
    },
    .check = check_insecure_download,
};
