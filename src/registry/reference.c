/*
 * distribution/reference's grammar, matched by hand: every production is a
 * small scanner over [s, s+n) so that the parse is linear whatever the
 * input (the grammar has no ambiguity a scanner would need to back out of).
 */
#include "registry/reference.h"

#include <string.h>

#define DOCKER_HUB "docker.io"
#define DOCKER_HUB_LEGACY "index.docker.io"
#define DOCKER_HUB_API "registry-1.docker.io"
#define OFFICIAL_PREFIX "library/"

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_word(char c)
{
    return is_alnum(c) || c == '_';
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

static bool has_upper(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            return true;
    return false;
}

/* component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )* */
static bool component_valid(const char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        size_t start = i;
        while (i < n && is_lower_alnum(s[i]))
            i++;
        if (i == start)
            return false;       /* empty run: leading, trailing or doubled separator */
        if (i == n)
            return true;
        if (s[i] == '.') {
            i++;
        } else if (s[i] == '_') {
            i++;
            if (i < n && s[i] == '_')
                i++;
        } else if (s[i] == '-') {
            while (i < n && s[i] == '-')
                i++;
        } else {
            return false;
        }
    }
}

bool reg_path_valid(const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '/') {
            if (!component_valid(s + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

/* A DNS label as the grammar has it: alphanumerics with inner hyphens. */
static bool label_valid(const char *s, size_t n)
{
    if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return false;
    for (size_t i = 1; i + 1 < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

static bool domain_name_valid(const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (!label_valid(s + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

/* host [":" port]: a DNS name or IPv4 address, or "[" hex and colons "]"
 * (no zone, no embedded IPv4); the port is digits. */
bool reg_domain_valid(const char *s, size_t n)
{
    size_t host_end;
    if (n > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close || close == s + 1)
            return false;
        for (const char *p = s + 1; p < close; p++)
            if (!is_hex(*p) && *p != ':')
                return false;
        host_end = (size_t)(close - s) + 1;
    } else {
        const char *colon = memchr(s, ':', n);
        host_end = colon ? (size_t)(colon - s) : n;
        if (!domain_name_valid(s, host_end))
            return false;
    }
    if (host_end == n)
        return true;
    if (s[host_end] != ':' || host_end + 1 == n)
        return false;
    for (size_t i = host_end + 1; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool reg_tag_valid(const char *s, size_t n)
{
    if (n == 0 || n > REG_TAG_MAX || !is_word(s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_word(s[i]) && s[i] != '.' && s[i] != '-')
            return false;
    return true;
}

/* The digest production of the reference grammar:
 * [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)* ":" [0-9a-fA-F]{32,} */
static bool digest_syntax(const char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        if (i >= n || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
            return false;
        while (i < n && is_alnum(s[i]))
            i++;
        if (i < n && (s[i] == '-' || s[i] == '_' || s[i] == '+' || s[i] == '.')) {
            i++;
            continue;
        }
        break;
    }
    if (i >= n || s[i] != ':')
        return false;
    size_t hex = n - i - 1;
    if (hex < 32)
        return false;
    for (size_t k = i + 1; k < n; k++)
        if (!is_hex(s[k]))
            return false;
    return true;
}

/* go-digest's validation after the grammar: a known algorithm, then the
 * length, then lower-case hex. The client verifies sha256 and sha512. */
bool reg_digest_valid(const char *s, const char **why)
{
    static const struct {
        const char *name;
        size_t hex;
    } algs[] = {{"sha256", 64}, {"sha512", 128}};
    size_t n = strlen(s);
    if (!digest_syntax(s, n)) {
        *why = "invalid checksum digest format";
        return false;
    }
    const char *colon = strchr(s, ':');
    size_t alen = (size_t)(colon - s);
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        if (strlen(algs[i].name) != alen || memcmp(s, algs[i].name, alen) != 0)
            continue;
        const char *hex = colon + 1;
        if (strlen(hex) != algs[i].hex) {
            *why = "invalid checksum digest length";
            return false;
        }
        if (strspn(hex, "0123456789abcdef") != algs[i].hex) {
            *why = "invalid checksum digest format";
            return false;
        }
        return true;
    }
    *why = "unsupported digest algorithm";
    return false;
}

const char *reg_api_host(const char *domain)
{
    return strcmp(domain, DOCKER_HUB) == 0 ? DOCKER_HUB_API : domain;
}

/* distribution's splitDockerDomain: is the first component a domain? */
static bool looks_like_domain(const char *s, size_t n)
{
    if (n == 9 && memcmp(s, "localhost", 9) == 0)
        return true;
    if (memchr(s, '.', n) || memchr(s, ':', n))
        return true;
    return has_upper(s, n);
}

static bool is_identifier(const char *s)
{
    size_t n = strlen(s);
    return n == 64 && strspn(s, "0123456789abcdef") == 64;
}

bool reg_ref_parse(arena *a, const char *s, reg_ref *out, const char **err)
{
    memset(out, 0, sizeof(*out));
    if (*s == '\0') {
        *err = "invalid reference format: empty reference";
        return false;
    }
    /* A bare image ID is not a name (Docker would read it as an ID). */
    if (is_identifier(s)) {
        *err = arena_printf(a, "invalid repository name (%s), cannot specify "
                               "64-byte hexadecimal strings", s);
        return false;
    }

    /* Split off the domain. */
    const char *rest = s;
    const char *slash = strchr(s, '/');
    const char *domain = DOCKER_HUB;
    size_t domain_len = strlen(DOCKER_HUB);
    if (slash && looks_like_domain(s, (size_t)(slash - s))) {
        domain = s;
        domain_len = (size_t)(slash - s);
        rest = slash + 1;
        if (domain_len == strlen(DOCKER_HUB_LEGACY) &&
            memcmp(domain, DOCKER_HUB_LEGACY, domain_len) == 0) {
            domain = DOCKER_HUB;
            domain_len = strlen(DOCKER_HUB);
        }
    }
    if (!reg_domain_valid(domain, domain_len)) {
        *err = "invalid reference format: malformed registry host";
        return false;
    }

    /* rest = path [":" tag] ["@" digest]: neither a path nor a tag has
     * ':' or '@', so the first of them ends the path. */
    size_t path_len = strcspn(rest, ":@");
    const char *tag = NULL, *digest = NULL;
    size_t tag_len = 0;
    const char *p = rest + path_len;
    if (*p == ':') {
        tag = p + 1;
        tag_len = strcspn(tag, "@");
        p = tag + tag_len;
    }
    if (*p == '@')
        digest = p + 1;

    /* distribution checks the case of everything before the first ':'. */
    size_t remote_len = strcspn(rest, ":");
    if (has_upper(rest, remote_len)) {
        *err = arena_printf(a, "invalid reference format: repository name (%.*s) "
                               "must be lowercase", (int)remote_len, rest);
        return false;
    }
    if (!reg_path_valid(rest, path_len)) {
        *err = path_len == 0 ? "invalid reference format: no repository name"
                             : "invalid reference format: malformed repository name";
        return false;
    }
    if (tag && !reg_tag_valid(tag, tag_len)) {
        *err = "invalid reference format: malformed tag (at most 128 of "
               "[A-Za-z0-9_.-], not starting with '.' or '-')";
        return false;
    }
    if (digest) {
        const char *why;
        if (!digest_syntax(digest, strlen(digest))) {
            *err = "invalid reference format: malformed digest";
            return false;
        }
        if (!reg_digest_valid(digest, &why)) {
            *err = why;
            return false;
        }
    }

    /* One-component names on Docker Hub are official images. */
    bool official = domain_len == strlen(DOCKER_HUB) &&
                    memcmp(domain, DOCKER_HUB, domain_len) == 0 &&
                    memchr(rest, '/', path_len) == NULL;
    size_t full_path_len = path_len + (official ? strlen(OFFICIAL_PREFIX) : 0);
    if (full_path_len > REG_PATH_MAX) {
        *err = "repository name must not be more than 255 characters";
        return false;
    }

    out->domain = arena_strndup(a, domain, domain_len);
    out->path = official ? arena_printf(a, OFFICIAL_PREFIX "%.*s", (int)path_len, rest)
                         : arena_strndup(a, rest, path_len);
    out->tag = tag ? arena_strndup(a, tag, tag_len) : NULL;
    out->digest = digest ? arena_strdup(a, digest) : NULL;
    return true;
}

const char *reg_ref_string(arena *a, const reg_ref *r)
{
    return arena_printf(a, "%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "",
                        r->tag ? r->tag : "", r->digest ? "@" : "",
                        r->digest ? r->digest : "");
}
