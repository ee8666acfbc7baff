#include "secrets/secrets.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

/* ------------------------------------------------------------ file names */

typedef struct name_rule {
    const char *name;     /* basename, compared without case */
    const char *kind;
} name_rule;

static const name_rule exact_names[] = {
    {"id_rsa", "SSH private key"},
    {"id_dsa", "SSH private key"},
    {"id_ecdsa", "SSH private key"},
    {"id_ed25519", "SSH private key"},
    {"id_ecdsa_sk", "SSH private key"},
    {"id_ed25519_sk", "SSH private key"},
    {".npmrc", ".npmrc (registry tokens)"},
    {".yarnrc.yml", ".yarnrc.yml (registry tokens)"},
    {".pypirc", ".pypirc (index credentials)"},
    {".netrc", ".netrc (login credentials)"},
    {"_netrc", "_netrc (login credentials)"},
    {".git-credentials", "git credential store"},
    {".pgpass", "PostgreSQL password file"},
    {".my.cnf", "MySQL client credentials"},
    {".dockercfg", "Docker registry credentials"},
    {".s3cfg", "S3 client credentials"},
    {".boto", "cloud storage credentials"},
    {".vault-token", "Vault token"},
    {"credentials.json", "credentials file"},
    {"client_secret.json", "OAuth client secret"},
    {"service-account.json", "cloud service account key"},
    {"htpasswd", "htpasswd password file"},
    {".htpasswd", "htpasswd password file"},
    {".env", ".env file (application secrets)"},
    {".ssh", "SSH directory"},
    {".gnupg", "GnuPG directory (private keys)"},
    {".aws", "AWS credentials directory"},
};

/* parent/basename pairs */
static const struct {
    const char *dir;
    const char *name;
    const char *kind;
} dir_names[] = {
    {".aws", "credentials", "AWS credentials"},
    {".docker", "config.json", "Docker registry credentials"},
    {".kube", "config", "Kubernetes credentials"},
    {".azure", "accesstokens.json", "Azure access tokens"},
    {"gcloud", "credentials.db", "Google Cloud credentials"},
    {"gcloud", "application_default_credentials.json",
     "Google Cloud credentials"},
    {".config", "hub", "GitHub token"},
};

/* Extensions of key material. */
static const struct {
    const char *ext;
    const char *kind;
} key_extensions[] = {
    {".pem", "PEM key file"},
    {".key", "private key file"},
    {".p12", "PKCS#12 key store"},
    {".pfx", "PKCS#12 key store"},
    {".jks", "Java key store"},
    {".keystore", "key store"},
    {".ppk", "PuTTY private key"},
};

/*
 * Names that say "public": certificates, CA bundles, signing keys fetched
 * for a package repository. A .pem or .key file so named is not reported.
 */
static const char *const public_markers[] = {
    "cert", "crt", "chain", "bundle", "ca.", "ca-", "ca_", "-ca", "_ca",
    "pub", "sign", "gpg", "pgp", "apt", "repo", "release", "archive",
    "trust", "root", NULL,
};

static bool contains_ci(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(s + i, needle, k) == 0)
            return true;
    return false;
}

static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

static bool equals_ci(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* .env, .env.local, .env.production; not .env.example and friends */
static bool is_env_file(const char *b, size_t n)
{
    if (equals_ci(b, n, ".env"))
        return true;
    if (n < 6 || strncasecmp(b, ".env.", 5) != 0)
        return false;
    static const char *const samples[] = {"example", "sample", "template",
                                          "dist", "defaults", "default",
                                          "test", "ci", "tmpl", NULL};
    for (const char *const *s = samples; *s; s++)
        if (contains_ci(b + 5, n - 5, *s))
            return false;
    return true;
}

const char *secret_file_kind(const char *path, size_t len)
{
    /* Ignore trailing slashes: `.ssh/` is the directory .ssh. */
    while (len > 1 && path[len - 1] == '/')
        len--;
    size_t b = len;
    while (b > 0 && path[b - 1] != '/')
        b--;
    const char *base = path + b;
    size_t blen = len - b;
    if (blen == 0)
        return NULL;

    for (size_t i = 0; i < sizeof(exact_names) / sizeof(exact_names[0]); i++)
        if (equals_ci(base, blen, exact_names[i].name))
            return exact_names[i].kind;
    if (is_env_file(base, blen))
        return ".env file (application secrets)";

    if (b > 0) {
        size_t d = b - 1;
        size_t ds = d;
        while (ds > 0 && path[ds - 1] != '/')
            ds--;
        for (size_t i = 0; i < sizeof(dir_names) / sizeof(dir_names[0]); i++)
            if (equals_ci(path + ds, d - ds, dir_names[i].dir) &&
                equals_ci(base, blen, dir_names[i].name))
                return dir_names[i].kind;
        /* Anything in .ssh/ but the public parts. */
        if (equals_ci(path + ds, d - ds, ".ssh") &&
            !ends_with_ci(base, blen, ".pub") &&
            !equals_ci(base, blen, "known_hosts") &&
            !equals_ci(base, blen, "config") &&
            !equals_ci(base, blen, "authorized_keys"))
            return "file from an .ssh directory";
    }

    for (size_t i = 0; i < sizeof(key_extensions) / sizeof(key_extensions[0]);
         i++) {
        if (!ends_with_ci(base, blen, key_extensions[i].ext))
            continue;
        size_t stem = blen - strlen(key_extensions[i].ext);
        if (stem == 0)
            return NULL;
        for (const char *const *m = public_markers; *m; m++)
            if (contains_ci(base, stem, *m))
                return NULL;
        return key_extensions[i].kind;
    }
    return NULL;
}

/* ---------------------------------------------------------- credentials */

#define SP "[[:space:]]*"

const credential_pattern credential_patterns[] = {
    {"private-key", "private key block",
     "-----BEGIN (RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----",
     "PRIVATE KEY", 0},
    {"aws-access-key-id", "AWS access key id",
     "(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
     "A3T|AKIA|ASIA|ABIA|ACCA", 0},
    {"aws-secret-access-key", "AWS secret access key",
     "aws_?secret_?(access_?)?key" SP "[=:]" SP "[\"']?[A-Za-z0-9/+]{40}",
     "secret", CRED_CASELESS},
    {"github-token", "GitHub token", "gh[pousr]_[A-Za-z0-9]{36}",
     "ghp_|gho_|ghu_|ghs_|ghr_", 0},
    {"github-fine-grained-token", "GitHub token",
     "github_pat_[A-Za-z0-9_]{82}", "github_pat_", 0},
    {"gitlab-token", "GitLab token", "glpat-[A-Za-z0-9_-]{20}", "glpat-", 0},
    {"slack-token", "Slack token", "xox[abposr]-[A-Za-z0-9-]{10,}", "xox", 0},
    {"slack-webhook", "Slack webhook URL",
     "hooks\\.slack\\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{20,}",
     "hooks.slack.com", 0},
    {"stripe-key", "Stripe secret key", "[rs]k_live_[A-Za-z0-9]{20,}", "k_live_",
     0},
    {"google-api-key", "Google API key", "AIza[0-9A-Za-z_-]{35}", "AIza", 0},
    {"npm-token", "npm token", "npm_[A-Za-z0-9]{36}", "npm_", 0},
    {"npmrc-auth", "npm registry token",
     "_auth(Token)?" SP "=" SP "[A-Za-z0-9+/=_.-]{16,}", "_auth", 0},
    {"docker-config-auth", "Docker registry credentials",
     "\"auths?\"" SP ":" SP "[{]?" SP "(\"[^\"]+\"" SP ":" SP "[{]" SP ")?"
     "\"auth\"" SP ":" SP "\"[A-Za-z0-9+/]{12,}={0,2}\"",
     "\"auth", 0},
    {"url-password", "password in a URL",
     "[a-zA-Z][a-zA-Z0-9+.-]*://[^/[:space:]:@\"'$]{1,64}:[^/[:space:]:@\"'$]{3,64}@[A-Za-z0-9.-]+",
     "://", 0},
};

const size_t credential_pattern_count =
    sizeof(credential_patterns) / sizeof(credential_patterns[0]);

/* Words that mark a value as an example or a template. */
static const char *const placeholder_markers[] = {
    "example", "sample", "dummy", "placeholder", "changeme", "change_me",
    "redacted", "your_", "your-", "yourpass", "xxxxxx", "******", "......",
    "${", "{{", "<", ">", "%s", "%(", NULL,
};

/* Passwords that only say "a password goes here". */
static const char *const placeholder_passwords[] = {
    "password", "passwd", "pass", "pwd", "pw", "secret", "token", "apikey",
    "api_key", "mypassword", "mysecret", "pa55word", "p@ssw0rd", "xxx",
    "***", "...", NULL,
};

static const char *const example_hosts[] = {
    "example.com", "example.org", "example.net", "host", "hostname",
    "server", "domain.com", "somehost", "myhost", NULL,
};

/* scheme://user:password@host: is the password or the host a stand-in? */
static bool url_password_is_placeholder(const char *s, size_t len)
{
    const char *sep = memmem(s, len, "://", 3);
    if (!sep)
        return false;
    const char *user = sep + 3, *end = s + len;
    const char *colon = memchr(user, ':', (size_t)(end - user));
    const char *at = colon ? memchr(colon, '@', (size_t)(end - colon)) : NULL;
    if (!colon || !at)
        return false;
    const char *pw = colon + 1, *host = at + 1;
    size_t ulen = (size_t)(colon - user), plen = (size_t)(at - pw);
    size_t hlen = (size_t)(end - host);
    if (plen == ulen && strncmp(user, pw, plen) == 0)
        return true; /* user:user, a default */
    if (pw[0] == '$' || pw[0] == '%' || pw[0] == '*')
        return true;
    for (const char *const *p = placeholder_passwords; *p; p++)
        if (equals_ci(pw, plen, *p))
            return true;
    for (const char *const *h = example_hosts; *h; h++)
        if (equals_ci(host, hlen, *h) ||
            (hlen > strlen(*h) && ends_with_ci(host, hlen, *h) &&
             host[hlen - strlen(*h) - 1] == '.'))
            return true;
    return false;
}

bool secret_is_placeholder(const char *pattern_id, const char *s, size_t len)
{
    for (const char *const *m = placeholder_markers; *m; m++)
        if (contains_ci(s, len, *m))
            return true;
    if (strcmp(pattern_id, "url-password") == 0)
        return url_password_is_placeholder(s, len);
    return false;
}

const char *secret_redact(arena *a, const char *s, size_t len)
{
    size_t keep = len / 5;
    if (keep > 4)
        keep = 4;
    return arena_printf(a, "%.*s... (%zu characters)", (int)keep, s, len);
}

/* ------------------------------------------------------------- matcher */

struct credential_matcher {
    regex_t *compiled;  /* one per pattern, valid when state[i] == 1 */
    signed char *state; /* 0: not compiled yet, 1: ready, -1: failed */
};

credential_matcher *credential_matcher_new(void)
{
    credential_matcher *cm = xcalloc(1, sizeof(*cm));
    cm->compiled = xcalloc(credential_pattern_count, sizeof(regex_t));
    cm->state = xcalloc(credential_pattern_count, 1);
    return cm;
}

void credential_matcher_free(credential_matcher *cm)
{
    if (!cm)
        return;
    for (size_t i = 0; i < credential_pattern_count; i++)
        if (cm->state[i] == 1)
            regfree(&cm->compiled[i]);
    free(cm->compiled);
    free(cm->state);
    free(cm);
}

static bool has_keyword(const credential_pattern *p, const char *s, size_t n)
{
    const char *k = p->keywords;
    while (*k) {
        size_t klen = strcspn(k, "|");
        for (size_t i = 0; i + klen <= n; i++) {
            bool eq = (p->flags & CRED_CASELESS)
                          ? strncasecmp(s + i, k, klen) == 0
                          : memcmp(s + i, k, klen) == 0;
            if (eq)
                return true;
        }
        k += klen;
        if (*k == '|')
            k++;
    }
    return false;
}

bool credential_find(credential_matcher *cm, const char *s, size_t len,
                     credential_match *m)
{
    for (size_t i = 0; i < credential_pattern_count; i++) {
        const credential_pattern *p = &credential_patterns[i];
        if (cm->state[i] < 0 || !has_keyword(p, s, len))
            continue;
        if (cm->state[i] == 0) {
            int flags = REG_EXTENDED | ((p->flags & CRED_CASELESS) ? REG_ICASE : 0);
            cm->state[i] = regcomp(&cm->compiled[i], p->regex, flags) == 0 ? 1 : -1;
            if (cm->state[i] < 0)
                continue;
        }
        regmatch_t rm[1];
        rm[0].rm_so = 0;
        rm[0].rm_eo = (regoff_t)len;
        if (regexec(&cm->compiled[i], s, 1, rm, REG_STARTEND) == 0) {
            m->pattern = p;
            m->off = (size_t)rm[0].rm_so;
            m->len = (size_t)(rm[0].rm_eo - rm[0].rm_so);
            return true;
        }
    }
    return false;
}
