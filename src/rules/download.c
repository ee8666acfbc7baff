#include "rules/download.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "rules/exec.h"

const char *command_name(const sh_command *c, const sh_word **args,
                         size_t *nargs)
{
    const char *name = c->name;
    *args = c->args;
    *nargs = c->nargs;
    if (name && strcmp(name, "busybox") == 0 && c->nargs > 0 &&
        !(c->args[0].flags & SHW_DYNAMIC)) {
        name = c->args[0].value;
        *args = c->args + 1;
        *nargs = c->nargs - 1;
    }
    return name;
}

/* Short options that take a value, per tool. */
static const char curl_short_values[] = "AbcCdDeEFHKmoPQrTtuUwxXyYz";
static const char wget_short_values[] = "aABDeiIloOPQRtTUwX";

static const char *const curl_long_values[] = {
    "--abstract-unix-socket", "--alt-svc", "--aws-sigv4", "--cacert",
    "--capath", "--cert", "--cert-type", "--ciphers", "--config",
    "--connect-timeout", "--connect-to", "--continue-at", "--cookie",
    "--cookie-jar", "--create-file-mode", "--crlfile", "--curves", "--data",
    "--data-ascii", "--data-binary", "--data-raw", "--data-urlencode",
    "--delegation", "--dns-interface", "--dns-ipv4-addr", "--dns-ipv6-addr",
    "--dns-servers", "--doh-url", "--dump-header", "--ech", "--egd-file",
    "--engine", "--etag-compare", "--etag-save", "--expect100-timeout",
    "--form", "--form-string", "--ftp-account", "--ftp-alternative-to-user",
    "--ftp-method", "--ftp-port", "--ftp-ssl-ccc-mode", "--happy-eyeballs-timeout-ms",
    "--haproxy-clientip", "--header", "--hostpubmd5", "--hostpubsha256",
    "--hsts", "--interface", "--ip-tos", "--json", "--keepalive-time",
    "--key", "--key-type", "--krb", "--libcurl", "--limit-rate",
    "--local-port", "--login-options", "--mail-auth", "--mail-from",
    "--mail-rcpt", "--max-filesize", "--max-redirs", "--max-time",
    "--netrc-file", "--noproxy", "--oauth2-bearer", "--output",
    "--output-dir", "--parallel-max", "--pass", "--pinnedpubkey",
    "--preproxy", "--proto", "--proto-default", "--proto-redir", "--proxy",
    "--proxy-cacert", "--proxy-capath", "--proxy-cert", "--proxy-cert-type",
    "--proxy-ciphers", "--proxy-crlfile", "--proxy-header", "--proxy-key",
    "--proxy-key-type", "--proxy-pass", "--proxy-pinnedpubkey",
    "--proxy-service-name", "--proxy-tls13-ciphers", "--proxy-tlsauthtype",
    "--proxy-tlspassword", "--proxy-tlsuser", "--proxy-user", "--quote",
    "--random-file", "--range", "--rate", "--referer", "--request",
    "--request-target", "--resolve", "--retry", "--retry-delay",
    "--retry-max-time", "--sasl-authzid", "--service-name", "--socks4",
    "--socks4a", "--socks5", "--socks5-gssapi-service", "--socks5-hostname",
    "--speed-limit", "--speed-time", "--stderr", "--telnet-option",
    "--tftp-blksize", "--time-cond", "--tls-max", "--tls13-ciphers",
    "--tlsauthtype", "--tlspassword", "--tlsuser", "--trace",
    "--trace-ascii", "--trace-config", "--unix-socket", "--upload-file",
    "--url", "--url-query", "--user", "--user-agent", "--variable",
    "--write-out", NULL,
};

static const char *const wget_long_values[] = {
    "--append-output", "--base", "--bind-address", "--body-data",
    "--body-file", "--ca-certificate", "--ca-directory", "--certificate",
    "--certificate-type", "--config", "--connect-timeout", "--crl-file",
    "--cut-dirs", "--default-page", "--directory-prefix", "--dns-timeout",
    "--domains", "--egd-file", "--exclude-directories", "--exclude-domains",
    "--execute", "--follow-tags", "--ftp-password", "--ftp-user", "--header",
    "--http-password", "--http-user", "--ignore-tags", "--include-directories",
    "--input-file", "--level", "--limit-rate", "--load-cookies",
    "--local-encoding", "--max-redirect", "--method", "--output-document",
    "--output-file", "--password", "--post-data", "--post-file",
    "--private-key", "--private-key-type", "--progress", "--proxy-password",
    "--proxy-user", "--quota", "--random-file", "--read-timeout", "--referer",
    "--reject", "--accept", "--remote-encoding", "--restrict-file-names",
    "--save-cookies", "--secure-protocol", "--tries", "--timeout", "--user",
    "--user-agent", "--wait", "--waitretry", "--warc-file", NULL,
};

typedef enum tool { TOOL_CURL, TOOL_WGET, TOOL_FETCH } tool;

static bool long_takes_value(tool t, const char *opt)
{
    const char *const *list = t == TOOL_CURL ? curl_long_values
                                             : wget_long_values;
    return lint_name_in(opt, list);
}

const char *download_url_basename(lint_ctx *ctx, const char *url)
{
    const char *start = strstr(url, "://");
    start = start ? start + 3 : url;
    size_t end = strcspn(start, "?#");
    const char *last = start;
    for (size_t i = 0; i < end; i++)
        if (start[i] == '/')
            last = start + i + 1;
    size_t n = (size_t)(start + end - last);
    if (n == 0)
        return "index.html";
    return arena_strndup(ctx->a, last, n);
}

bool download_url_plaintext(const char *url)
{
    return strncasecmp(url, "http://", 7) == 0 ||
           strncasecmp(url, "ftp://", 6) == 0;
}

bool download_url_is_local(const char *url)
{
    const char *host = strstr(url, "://");
    if (!host)
        return false;
    host += 3;
    size_t n = strcspn(host, "/?#");
    const char *at = memchr(host, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    if (n >= 5 && !strncmp(host, "[::1]", 5))
        return true;
    size_t hlen = strcspn(host, ":/?#");
    if (hlen > n)
        hlen = n;
    static const char *const names[] = {"localhost", "0.0.0.0", NULL};
    for (const char *const *nm = names; *nm; nm++)
        if (hlen == strlen(*nm) && !strncasecmp(host, *nm, hlen))
            return true;
    return hlen >= 4 && !strncmp(host, "127.", 4);
}

/* user@host:path, git's scp-like syntax. */
static bool scp_like(const char *s)
{
    const char *at = strchr(s, '@');
    const char *colon = strchr(s, ':');
    if (!at || !colon || colon < at || at == s)
        return false;
    for (const char *p = s; p < at; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
            return false;
    return true;
}

/* BuildKit's reading of an ADD source as a git repository: git:// and
 * ssh:// URLs, user@host:path, and http(s) URLs whose path ends in .git. */
bool download_add_source_is_git(const char *s)
{
    if (!strncasecmp(s, "git://", 6) || !strncasecmp(s, "ssh://", 6))
        return true;
    if (!strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8)) {
        size_t path_end = strcspn(s, "?#");
        return path_end >= 4 && !strncmp(s + path_end - 4, ".git", 4);
    }
    return !strstr(s, "://") && scp_like(s);
}

bool download_add_source_is_url(const char *s)
{
    return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

const char *download_add_destination(lint_ctx *ctx, const char *workdir,
                                     const char *url, const char *dest)
{
    size_t n = strlen(dest);
    bool dir = n == 0 || dest[n - 1] == '/' || !strcmp(dest, ".") ||
               !strcmp(dest, "..");
    const char *file = dir ? arena_printf(ctx->a, "%s/%s", dest,
                                          download_url_basename(ctx, url))
                           : dest;
    return exec_absolute(ctx, workdir, file);
}

/* Reads a short-option group such as -fsSLo; *value is set when an option
 * taking a value ends the group (its value is the rest of the word or the
 * next one). Returns the option letter that took the value, or 0. */
static char short_group(const char *g, const char *takes_value,
                        const char **attached, char *flags, size_t nflags)
{
    size_t nf = 0;
    for (const char *p = g + 1; *p; p++) {
        if (nf + 1 < nflags)
            flags[nf++] = *p;
        if (strchr(takes_value, *p)) {
            *attached = p[1] ? p + 1 : NULL;
            flags[nf] = '\0';
            return *p;
        }
    }
    flags[nf] = '\0';
    *attached = NULL;
    return 0;
}

/* Where one URL's content goes: a file named by -o, the URL's own name
 * (-O, wget's default), or standard output. */
typedef struct output_spec {
    const sh_word *word; /* -o VALUE; NULL with `remote` */
    bool remote;
} output_spec;

typedef struct parse_state {
    tool t;
    output_spec outs[16]; /* curl: one per URL, in order */
    size_t nouts;
    output_spec single;   /* wget -O / fetch -o: every URL */
    bool has_single;
    bool remote_all;
    const sh_word *dir;   /* --output-dir, -P */
} parse_state;

static const sh_word *word_with_value(lint_ctx *ctx, const sh_word *w,
                                      const char *value)
{
    sh_word *tmp = arena_alloc(ctx->a, sizeof(sh_word));
    *tmp = *w;
    tmp->value = value;
    tmp->len = strlen(value);
    return tmp;
}

static void add_output(parse_state *p, const sh_word *w, bool remote)
{
    output_spec spec = {w, remote};
    if (p->t != TOOL_CURL) {
        p->single = spec;
        p->has_single = true;
    } else if (p->nouts < sizeof(p->outs) / sizeof(p->outs[0])) {
        p->outs[p->nouts++] = spec;
    }
}

static void add_url(lint_ctx *ctx, download *d, const sh_word *w,
                    size_t *cap)
{
    if (!d->url)
        d->url = w;
    *ARENA_PUSH(ctx->a, d->urls, d->nurls, *cap) = w;
}

/* A long option (--name or --name=value); *i moves past its value. */
static void long_option(lint_ctx *ctx, download *d, parse_state *p,
                        const sh_word *args, size_t nargs, size_t *i,
                        size_t *ucap)
{
    const sh_word *w = &args[*i];
    const char *v = lint_word(w);
    const char *eq = strchr(v, '=');
    char opt[64];
    size_t olen = eq ? (size_t)(eq - v) : strlen(v);
    if (olen >= sizeof(opt))
        return;
    memcpy(opt, v, olen);
    opt[olen] = '\0';
    const sh_word *val = NULL;
    if (eq)
        val = word_with_value(ctx, w, eq + 1);
    else if (long_takes_value(p->t, opt) && *i + 1 < nargs)
        val = &args[++*i];
    if (!strcmp(opt, "--output") || !strcmp(opt, "--output-document")) {
        if (val)
            add_output(p, val, false);
    } else if (!strcmp(opt, "--remote-name")) {
        add_output(p, NULL, true);
    } else if (!strcmp(opt, "--remote-name-all")) {
        p->remote_all = true;
    } else if (!strcmp(opt, "--output-dir") ||
               !strcmp(opt, "--directory-prefix")) {
        p->dir = val;
    } else if (!strcmp(opt, "--insecure") ||
               !strcmp(opt, "--no-check-certificate")) {
        d->insecure = w;
    } else if (!strcmp(opt, "--head") || !strcmp(opt, "--spider")) {
        d->no_content = true;
    } else if (!strcmp(opt, "--url") && val) {
        add_url(ctx, d, val, ucap);
    }
}

/* A short-option group such as -fsSLo FILE; *i moves past its value. */
static void short_options(lint_ctx *ctx, download *d, parse_state *p,
                          const sh_word *args, size_t nargs, size_t *i)
{
    const sh_word *w = &args[*i];
    const char *shorts = p->t == TOOL_CURL ? curl_short_values
                         : p->t == TOOL_WGET ? wget_short_values
                                             : "o";
    char flags[32];
    const char *attached;
    char opt = short_group(lint_word(w), shorts, &attached, flags,
                           sizeof(flags));
    if (p->t == TOOL_CURL && strchr(flags, 'k'))
        d->insecure = w;
    if (p->t == TOOL_CURL && strchr(flags, 'I'))
        d->no_content = true;
    if (p->t == TOOL_CURL)
        for (const char *f = flags; *f; f++)
            if (*f == 'O')
                add_output(p, NULL, true);
    if (!opt)
        return;
    const sh_word *val = NULL;
    if (attached)
        val = word_with_value(ctx, w, attached);
    else if (*i + 1 < nargs)
        val = &args[++*i];
    if (!val)
        return;
    if ((p->t == TOOL_WGET && opt == 'O') || (p->t != TOOL_WGET && opt == 'o'))
        add_output(p, val, false);
    else if (p->t == TOOL_WGET && opt == 'P')
        p->dir = val;
}

/* The file `spec` writes for `url` (NULL: standard output or nowhere);
 * *to_stdout is set when the content goes to standard output. */
static const char *output_file(lint_ctx *ctx, const parse_state *p,
                               const output_spec *spec, const sh_word *url,
                               bool *to_stdout)
{
    const char *name;
    if (spec->remote) {
        name = download_url_basename(ctx, lint_word(url));
    } else if (spec->word) {
        name = lint_word(spec->word);
        if (!strcmp(name, "-") || !strcmp(name, "/dev/stdout")) {
            *to_stdout = true;
            return NULL;
        }
        if (!strncmp(name, "/dev/", 5) || !*name)
            return NULL;
    } else {
        *to_stdout = true;
        return NULL;
    }
    if (p->dir && name[0] != '/' && *lint_word(p->dir))
        return arena_printf(ctx->a, "%s/%s", lint_word(p->dir), name);
    return name;
}

static void add_file(lint_ctx *ctx, download *d, const char *file,
                     const sh_word *word, size_t *cap)
{
    if (d->nfiles == *cap) {
        size_t want = *cap ? 2 * *cap : 4;
        d->files = arena_grow(ctx->a, d->files, d->nfiles, want,
                              sizeof(*d->files));
        d->file_words = arena_grow(ctx->a, d->file_words, d->nfiles, want,
                                   sizeof(*d->file_words));
        *cap = want;
    }
    d->files[d->nfiles] = file;
    d->file_words[d->nfiles++] = word;
    if (!d->output) {
        d->output = file;
        d->output_word = word;
    }
}

/* Works out every file the command writes and whether content reaches
 * standard output, then follows a `> file` redirection of that output. */
static void resolve_outputs(lint_ctx *ctx, download *d, const parse_state *p)
{
    size_t cap = 0;
    d->to_stdout = false;
    if (d->no_content)
        return;
    for (size_t i = 0; i < d->nurls; i++) {
        output_spec curl_default = {NULL, p->remote_all};
        output_spec own_name = {NULL, true}; /* wget, fetch */
        const output_spec *spec;
        if (p->t == TOOL_CURL)
            spec = i < p->nouts ? &p->outs[i] : &curl_default;
        else
            spec = p->has_single ? &p->single : &own_name;
        const char *file = output_file(ctx, p, spec, d->urls[i],
                                       &d->to_stdout);
        const sh_word *word = spec->word ? spec->word : d->urls[i];
        if (file && !(d->nfiles && p->has_single))
            add_file(ctx, d, file, word, &cap);
    }
    if (!d->to_stdout)
        return;
    for (size_t r = 0; r < d->cmd->nredirs; r++) {
        const sh_redir *rd = &d->cmd->redirs[r];
        bool out = rd->op == SH_REDIR_OUT || rd->op == SH_REDIR_APPEND ||
                   rd->op == SH_REDIR_CLOBBER || rd->op == SH_REDIR_OUT_ERR ||
                   rd->op == SH_REDIR_APPEND_ERR;
        if (!out || (rd->fd != -1 && rd->fd != 1))
            continue;
        d->to_stdout = false;
        const char *target = lint_word(&rd->target);
        if (strncmp(target, "/dev/", 5) != 0 && *target)
            add_file(ctx, d, target, &rd->target, &cap);
    }
}

bool download_parse(lint_ctx *ctx, const sh_command *c, download *d)
{
    memset(d, 0, sizeof(*d));
    const sh_word *args;
    size_t nargs;
    const char *name = command_name(c, &args, &nargs);
    if (!name || (name[0] != 'c' && name[0] != 'w' && name[0] != 'f'))
        return false;
    parse_state p;
    memset(&p, 0, sizeof(p));
    if (strcmp(name, "curl") == 0)
        p.t = TOOL_CURL;
    else if (strcmp(name, "wget") == 0)
        p.t = TOOL_WGET;
    else if (strcmp(name, "fetch") == 0)
        p.t = TOOL_FETCH;
    else
        return false;
    d->cmd = c;
    d->tool = name;
    size_t ucap = 0;
    bool options_done = false;
    for (size_t i = 0; i < nargs; i++) {
        const char *v = lint_word(&args[i]);
        if (!options_done && strcmp(v, "--") == 0)
            options_done = true;
        else if (!options_done && v[0] == '-' && v[1] == '-')
            long_option(ctx, d, &p, args, nargs, &i, &ucap);
        else if (!options_done && v[0] == '-' && v[1])
            short_options(ctx, d, &p, args, nargs, &i);
        else
            add_url(ctx, d, &args[i], &ucap); /* an operand: a URL */
    }
    resolve_outputs(ctx, d, &p);
    return true;
}
