#include "secrets/secrets.h"

#include <ctype.h>
#include <regex.h>
#include <stdint.h>
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
    {"kubeconfig", "Kubernetes credentials"},
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
    int first = tolower((unsigned char)needle[0]);
    for (size_t i = 0; i + k <= n; i++)
        if (tolower((unsigned char)s[i]) == first &&
            strncasecmp(s + i, needle, k) == 0)
            return true;
    return false;
}

/* These run for every name checked: the last or first byte decides most
 * cases before a call. */
static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && k > 0 &&
           tolower((unsigned char)s[n - 1]) ==
               tolower((unsigned char)suffix[k - 1]) &&
           strncasecmp(s + n - k, suffix, k) == 0;
}

static bool equals_ci(const char *s, size_t n, const char *word)
{
    return n > 0 &&
           tolower((unsigned char)s[0]) == tolower((unsigned char)word[0]) &&
           strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* Words that name an example or a template. Short ones ("ci", "test")
 * only count as the whole suffix of a .env file (.env.ci). */
static const char *const sample_words[] = {"example", "sample", "template",
                                           "dist", "default", "tmpl", NULL};

static bool has_sample_word(const char *s, size_t n)
{
    for (const char *const *w = sample_words; *w; w++)
        if (contains_ci(s, n, *w))
            return true;
    return false;
}

/* .env, .env.local, .env.production; not .env.example and friends */
static bool is_env_file(const char *b, size_t n)
{
    if (equals_ci(b, n, ".env"))
        return true;
    if (n < 6 || strncasecmp(b, ".env.", 5) != 0)
        return false;
    return !has_sample_word(b + 5, n - 5) &&
           !contains_ci(b + 5, n - 5, "test") && !equals_ci(b + 5, n - 5, "ci");
}

bool secret_file_sample(const char *path, size_t len)
{
    size_t b = len;
    while (b > 0 && path[b - 1] != '/')
        b--;
    return has_sample_word(path + b, len - b);
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
    if (ends_with_ci(base, blen, ".kubeconfig"))
        return "Kubernetes credentials";

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

/* ------------------------------------------------------ variable names */

/* Words that make a variable name secret-looking, and longer words that
 * contain them without meaning a secret. */
static const char *const secret_words[] = {
    "PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY",
    "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL", NULL,
};
static const char *const innocent_words[] = {"SECRETARY", "TOKENIZER",
                                             NULL};

/* Names that hold where or how a secret is, not the secret. */
static const char *const innocent_suffixes[] = {
    "_FILE", "_FILES", "_PATH", "_DIR", "_URL", "_URI", "_ENDPOINT",
    "_HOST", "_PORT", "_NAME", "_USER", "_USERNAME", "_TYPE", "_MODE",
    "_LENGTH", "_LEN", "_SIZE", "_TTL", "_TIMEOUT", "_EXPIRY", "_EXPIRES",
    "_ENABLED", "_REQUIRED", "_HEADER", "_VERSION", "_ALGORITHM", NULL,
};

/* Does `word` occur in name[0..n) at a position not covered by one of the
 * innocent words? */
static bool has_secret_word(const char *name, size_t n, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = 0; i + k <= n; i++) {
        if (toupper((unsigned char)name[i]) != word[0] ||
            strncasecmp(name + i, word, k) != 0)
            continue;
        bool innocent = false;
        for (const char *const *w = innocent_words; *w && !innocent; w++) {
            size_t wl = strlen(*w);
            innocent = i + wl <= n && strncasecmp(name + i, *w, wl) == 0;
        }
        if (!innocent)
            return true;
    }
    return false;
}

const char *secret_var_name(const char *name, size_t len)
{
    static const char *const nouns[] = {
        "password", "password", "secret", "token", "API key", "API key",
        "private key", "access key", "credential",
    };
    for (size_t i = 0; secret_words[i]; i++) {
        if (!has_secret_word(name, len, secret_words[i]))
            continue;
        for (const char *const *s = innocent_suffixes; *s; s++)
            if (ends_with_ci(name, len, *s))
                return NULL;
        return nouns[i];
    }
    return NULL;
}

static bool all_digits(const char *v, size_t n)
{
    size_t i = (n > 0 && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
    if (i == n)
        return false;
    bool dot = false;
    for (; i < n; i++) {
        if (v[i] == '.' && !dot)
            dot = true;
        else if (!isdigit((unsigned char)v[i]))
            return false;
    }
    return true;
}

/* xxxx, ****, 0000-0000: one character repeated, separators aside. */
static bool one_char_repeated(const char *v, size_t n)
{
    char first = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '-' || v[i] == '_')
            continue;
        if (!first)
            first = (char)tolower((unsigned char)v[i]);
        else if (tolower((unsigned char)v[i]) != first)
            return false;
    }
    return true;
}

bool secret_value_placeholder(const char *v, size_t n)
{
    static const char *const words[] = {
        "**none**", "none", "null", "nil", "undefined", "unset", "notset",
        "empty", "ignored", "example", "fake", "dummy", "tbd", "todo", "-",
        "changeit", NULL,
    };
    while (n > 0 && (v[0] == '"' || v[0] == '\''))
        v++, n--;
    while (n > 0 && (v[n - 1] == '"' || v[n - 1] == '\''))
        n--;
    if (n == 0 || one_char_repeated(v, n))
        return true;
    for (const char *const *w = words; *w; w++)
        if (equals_ci(v, n, *w))
            return true;
    if (v[0] == '<' && v[n - 1] == '>')
        return true; /* <your-token> */
    return contains_ci(v, n, "your") || contains_ci(v, n, "placeholder") ||
           contains_ci(v, n, "replace");
}

bool secret_value_trivial(const char *v, size_t n)
{
    while (n > 0 && (v[0] == '"' || v[0] == '\''))
        v++, n--;
    while (n > 0 && (v[n - 1] == '"' || v[n - 1] == '\''))
        n--;
    static const char *const booleans[] = {"true", "false", "yes", "no",
                                           "on", "off", NULL};
    if (n == 0 || all_digits(v, n) || secret_value_placeholder(v, n))
        return true;
    for (const char *const *b = booleans; *b; b++)
        if (equals_ci(v, n, *b))
            return true;
    /* A path to the secret, not the secret: /run/secrets/x, ./db.pass */
    if (v[0] == '/' || (n > 1 && v[0] == '.' && v[1] == '/') ||
        (n > 1 && v[0] == '~' && v[1] == '/'))
        return true;
    return secret_file_kind(v, n) != NULL;
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

#define PATTERN_COUNT \
    (sizeof(credential_patterns) / sizeof(credential_patterns[0]))
_Static_assert(PATTERN_COUNT <= 32, "the keyword tables are 32-bit masks");
#define PAIR_BITS 8192

struct credential_matcher {
    regex_t *compiled;  /* one per pattern, valid when state[i] == 1 */
    signed char *state; /* 0: not compiled yet, 1: ready, -1: failed */
    /* For every byte, the patterns with a keyword starting with it; and
     * one bit for every pair of bytes that starts a keyword: a cheap
     * filter before comparing keywords. */
    uint32_t first[256];
    uint8_t pairs[PAIR_BITS / 8];
};

/* The length of the keyword at k, up to the next '|'. */
static size_t keyword_len(const char *k)
{
    size_t n = 0;
    while (k[n] && k[n] != '|')
        n++;
    return n;
}

/* Pairs of bytes hash into PAIR_BITS bits: a few false hits, and tables
 * small enough to clear cheaply for every file. */

static unsigned pair_bit(unsigned char a, unsigned char b)
{
    return ((unsigned)a << 5 ^ b) & (PAIR_BITS - 1);
}

static void mark_pair(credential_matcher *cm, unsigned char a, unsigned char b)
{
    unsigned bit = pair_bit(a, b);
    cm->pairs[bit >> 3] |= (uint8_t)(1u << (bit & 7));
}

static void add_keyword(credential_matcher *cm, size_t i, const char *k,
                        size_t klen, bool caseless)
{
    unsigned char a = (unsigned char)k[0], b = (unsigned char)k[1];
    cm->first[a] |= UINT32_C(1) << i;
    if (klen == 1) { /* any byte may follow */
        for (unsigned any = 0; any < 256; any++)
            mark_pair(cm, a, (unsigned char)any);
        return;
    }
    mark_pair(cm, a, b);
    if (!caseless)
        return;
    unsigned char variants[2][2] = {
        {(unsigned char)tolower(a), (unsigned char)toupper(a)},
        {(unsigned char)tolower(b), (unsigned char)toupper(b)},
    };
    for (int x = 0; x < 2; x++) {
        cm->first[variants[0][x]] |= UINT32_C(1) << i;
        for (int y = 0; y < 2; y++)
            mark_pair(cm, variants[0][x], variants[1][y]);
    }
}

credential_matcher *credential_matcher_new(void)
{
    /* malloc and memset: glibc's calloc clears a block byte by byte. */
    credential_matcher *cm = xmalloc(sizeof(*cm));
    memset(cm, 0, sizeof(*cm));
    cm->compiled = xcalloc(credential_pattern_count, sizeof(regex_t));
    cm->state = xcalloc(credential_pattern_count, 1);
    for (size_t i = 0; i < PATTERN_COUNT; i++) {
        const credential_pattern *p = &credential_patterns[i];
        for (const char *k = p->keywords; *k;) {
            size_t klen = keyword_len(k);
            if (klen > 0)
                add_keyword(cm, i, k, klen, (p->flags & CRED_CASELESS) != 0);
            k += klen;
            if (*k == '|')
                k++;
        }
    }
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

/* Does one of p's keywords start at s[0..n)? */
static bool keyword_at(const credential_pattern *p, const char *s, size_t n)
{
    for (const char *k = p->keywords; *k;) {
        size_t klen = keyword_len(k);
        if (klen <= n && ((p->flags & CRED_CASELESS)
                              ? strncasecmp(s, k, klen) == 0
                              : memcmp(s, k, klen) == 0))
            return true;
        k += klen;
        if (*k == '|')
            k++;
    }
    return false;
}

/* The patterns one of whose keywords the text holds: one pass over it. */
static uint32_t keywords_present(const credential_matcher *cm, const char *s,
                                 size_t len)
{
    uint32_t present = 0;
    for (size_t j = 0; j + 1 < len; j++) {
        uint32_t cand = cm->first[(unsigned char)s[j]] & ~present;
        if (!cand)
            continue;
        unsigned bit = pair_bit((unsigned char)s[j], (unsigned char)s[j + 1]);
        if (!(cm->pairs[bit >> 3] & (1u << (bit & 7))))
            continue;
        while (cand) {
            int i = __builtin_ctz(cand);
            cand &= cand - 1;
            if (keyword_at(&credential_patterns[i], s + j, len - j))
                present |= UINT32_C(1) << i;
        }
    }
    return present;
}

/* scheme://user:password@ - one colon, a password of 3 or more
 * characters, no variable. */
static bool url_userinfo_with_password(const char *s, size_t n)
{
    if (!memchr(s, '@', n))
        return false;
    for (size_t i = 0; i + 3 <= n; i++) {
        const char *scheme_end = memchr(s + i, ':', n - i);
        if (!scheme_end)
            return false;
        i = (size_t)(scheme_end - s);
        if (i + 3 > n || s[i + 1] != '/' || s[i + 2] != '/')
            continue;
        size_t colon = 0, j = i + 3;
        for (; j < n && !strchr("/ \t\r\n\"'@$", s[j]); j++)
            if (s[j] == ':' && !colon)
                colon = j;
        if (j < n && s[j] == '@' && colon > i + 3 && j - colon > 3)
            return true;
    }
    return false;
}

/* `prefix` followed by at least `count` letters or digits. */
static bool token_after(const char *s, size_t n, const char *prefix,
                        size_t count)
{
    size_t k = strlen(prefix);
    for (size_t i = 0; i + k + count <= n; i++) {
        if (memcmp(s + i, prefix, k) != 0)
            continue;
        size_t j = i + k;
        while (j < n && isalnum((unsigned char)s[j]))
            j++;
        if (j - i - k >= count)
            return true;
    }
    return false;
}

/*
 * Cheap structural checks for patterns whose keywords are common in
 * ordinary text ("://" in every URL, "secret" in /run/secrets, "npm_" in
 * npm_config_*), so that most texts never compile or run their regex.
 */
static bool plausible(const credential_pattern *p, const char *s, size_t n)
{
    if (!strcmp(p->id, "url-password"))
        return url_userinfo_with_password(s, n);
    if (!strcmp(p->id, "aws-secret-access-key"))
        return contains_ci(s, n, "aws");
    if (!strcmp(p->id, "npm-token"))
        return token_after(s, n, "npm_", 36);
    return true;
}

/* regexec() on s[0..len): texts need not end with a NUL (a heredoc body
 * inside the Dockerfile), and regexec may read up to one, so the text is
 * copied when a pattern has to run, which is rare. */
static bool regex_find(const regex_t *re, const char *s, size_t len,
                       credential_match *m)
{
    char small[512];
    char *text = len < sizeof(small) ? small : xmalloc(len + 1);
    memcpy(text, s, len);
    text[len] = '\0';
    regmatch_t rm[1];
    rm[0].rm_so = 0;
    rm[0].rm_eo = (regoff_t)len;
    bool found = regexec(re, text, 1, rm, REG_STARTEND) == 0;
    if (found) {
        m->off = (size_t)rm[0].rm_so;
        m->len = (size_t)(rm[0].rm_eo - rm[0].rm_so);
    }
    if (text != small)
        free(text);
    return found;
}

bool credential_find(credential_matcher *cm, const char *s, size_t len,
                     credential_match *m)
{
    uint32_t present = keywords_present(cm, s, len);
    while (present) {
        int i = __builtin_ctz(present);
        present &= present - 1;
        const credential_pattern *p = &credential_patterns[i];
        if (cm->state[i] < 0 || !plausible(p, s, len))
            continue;
        if (cm->state[i] == 0) {
            int flags = REG_EXTENDED | ((p->flags & CRED_CASELESS) ? REG_ICASE : 0);
            cm->state[i] = regcomp(&cm->compiled[i], p->regex, flags) == 0 ? 1 : -1;
            if (cm->state[i] < 0)
                continue;
        }
        if (regex_find(&cm->compiled[i], s, len, m)) {
            m->pattern = p;
            return true;
        }
    }
    return false;
}
