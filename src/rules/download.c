#include "rules/download.h"

#include <string.h>

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

static void set_output(download *d, const sh_word *w)
{
    const char *v = lint_word(w);
    if (strcmp(v, "-") == 0 || strcmp(v, "/dev/stdout") == 0) {
        d->to_stdout = true;
        d->output = NULL;
    } else {
        d->to_stdout = false;
        d->output = v;
    }
    d->output_word = w;
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

bool download_parse(lint_ctx *ctx, const sh_command *c, download *d)
{
    memset(d, 0, sizeof(*d));
    const sh_word *args;
    size_t nargs;
    const char *name = command_name(c, &args, &nargs);
    if (!name)
        return false;
    tool t;
    if (strcmp(name, "curl") == 0)
        t = TOOL_CURL;
    else if (strcmp(name, "wget") == 0)
        t = TOOL_WGET;
    else if (strcmp(name, "fetch") == 0)
        t = TOOL_FETCH;
    else
        return false;
    d->cmd = c;
    d->tool = name;
    d->to_stdout = t == TOOL_CURL; /* curl writes to stdout by default */
    bool remote_name = false;
    const char *shorts = t == TOOL_CURL ? curl_short_values
                         : t == TOOL_WGET ? wget_short_values
                                          : "o";
    bool options_done = false;

    for (size_t i = 0; i < nargs; i++) {
        const sh_word *w = &args[i];
        const char *v = lint_word(w);
        if (!options_done && strcmp(v, "--") == 0) {
            options_done = true;
            continue;
        }
        if (!options_done && v[0] == '-' && v[1] == '-') {
            const char *eq = strchr(v, '=');
            char opt[64];
            size_t olen = eq ? (size_t)(eq - v) : strlen(v);
            if (olen >= sizeof(opt))
                continue;
            memcpy(opt, v, olen);
            opt[olen] = '\0';
            const sh_word *val = NULL;
            sh_word tmp;
            if (eq) {
                tmp = *w;
                tmp.value = eq + 1;
                tmp.len = strlen(eq + 1);
                val = arena_alloc(ctx->a, sizeof(sh_word));
                *(sh_word *)val = tmp;
            } else if (long_takes_value(t, opt) && i + 1 < nargs) {
                val = &args[++i];
            }
            if (!strcmp(opt, "--output") || !strcmp(opt, "--output-document")) {
                if (val)
                    set_output(d, val);
            } else if (!strcmp(opt, "--remote-name") ||
                       !strcmp(opt, "--remote-name-all")) {
                remote_name = true;
                d->to_stdout = false;
            } else if (!strcmp(opt, "--insecure") ||
                       !strcmp(opt, "--no-check-certificate")) {
                d->insecure = w;
            } else if (!strcmp(opt, "--url") && val) {
                if (!d->url)
                    d->url = val;
                d->nurls++;
            }
            continue;
        }
        if (!options_done && v[0] == '-' && v[1]) {
            char flags[32];
            const char *attached;
            char opt = short_group(v, shorts, &attached, flags, sizeof(flags));
            if (t == TOOL_CURL && strchr(flags, 'k'))
                d->insecure = w;
            if (t == TOOL_CURL && strchr(flags, 'O')) {
                remote_name = true;
                d->to_stdout = false;
            }
            if (opt) {
                const sh_word *val = NULL;
                if (attached) {
                    sh_word *tmp = arena_alloc(ctx->a, sizeof(sh_word));
                    *tmp = *w;
                    tmp->value = attached;
                    tmp->len = strlen(attached);
                    val = tmp;
                } else if (i + 1 < nargs) {
                    val = &args[++i];
                }
                bool is_output = (t == TOOL_CURL && opt == 'o') ||
                                 (t == TOOL_WGET && opt == 'O') ||
                                 (t == TOOL_FETCH && opt == 'o');
                if (is_output && val)
                    set_output(d, val);
            }
            continue;
        }
        /* An operand: a URL. */
        if (!d->url)
            d->url = w;
        d->nurls++;
    }
    if (!d->to_stdout && !d->output && d->url &&
        (remote_name || t != TOOL_CURL)) {
        d->output = download_url_basename(ctx, lint_word(d->url));
        d->output_word = d->url;
    }
    return true;
}
