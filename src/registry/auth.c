/*
 * Authentication to the registry, as Docker does it:
 *
 * - The ping (GET /v2/) is made anonymously; a 401 carries the challenge.
 * - Bearer: a token for "repository:<path>:pull" from the realm, with
 *   ?service=&scope=, sending Basic credentials to the token server when
 *   there are some (over HTTPS only while TLS is verified). An identity
 *   token is an OAuth2 refresh token: POSTed as grant_type=refresh_token.
 *   The answer's "token" or "access_token" (access_token wins, as in
 *   distribution) is used until expires_in runs out (60 s when absent or
 *   shorter) or the registry answers 401 to it.
 * - Basic: the credentials go to the registry itself.
 *
 * Credentials are looked up once, when a challenge first needs them.
 * Everything here runs under auth_lock: one thread renews the token while
 * the others wait for it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/base64.h"
#include "registry/client_internal.h"
#include "registry/jscan.h"
#include "util/xalloc.h"

static void set_header(reg_client *c, char *header, long long expiry_ms)
{
    wipe_free_str(c->auth_header);
    c->auth_header = header;
    c->token_expiry_ms = expiry_ms;
    c->auth_gen++;
}

static bool load_creds(reg_client *c, char **err)
{
    if (c->creds_loaded)
        return true;
    reg_options o = {.username = c->username, .password = c->password,
                     .auth_file = c->auth_file};
    char *why = NULL;
    if (!creds_lookup(&o, c->domain, c->path, &c->creds, &why)) {
        *err = xasprintf("credentials: %s", why);
        free(why);
        return false;
    }
    c->creds_loaded = true;
    return true;
}

char *auth_basic_secret(const reg_creds *cr)
{
    const char *password = cr->password ? cr->password : "";
    size_t n = strlen(cr->username) + 1 + strlen(password);
    char *pair = xmalloc(n + 1);
    strcpy(pair, cr->username);
    strcat(pair, ":");
    strcat(pair, password);
    char *b64 = b64_encode(pair, n);
    wipe_free(pair, n + 1);
    return b64;
}

static char *basic_header(const reg_creds *cr)
{
    char *b64 = auth_basic_secret(cr);
    char *h = xasprintf("Authorization: Basic %s", b64);
    wipe_free_str(b64);
    return h;
}

/* Percent-encoding for a query or form value (RFC 3986 unreserved kept). */
static void put_escaped(strbuf *sb, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~')
            sb_putc(sb, (char)*p);
        else
            sb_printf(sb, "%%%02X", *p);
    }
}

typedef struct token_answer {
    char *token, *access_token;
    long long expires_in;
} token_answer;

static void on_token(void *ctx, const jscan_path *p, jscan_kind k, const char *v, size_t n)
{
    token_answer *a = ctx;
    if (p->depth != 1)
        return;
    if (k == JSCAN_STRING && jscan_field(p, 0, "token")) {
        wipe_free_str(a->token);
        a->token = xstrndup(v, n);
    } else if (k == JSCAN_STRING && jscan_field(p, 0, "access_token")) {
        wipe_free_str(a->access_token);
        a->access_token = xstrndup(v, n);
    } else if (k == JSCAN_NUMBER && jscan_field(p, 0, "expires_in")) {
        /* An integer number of seconds; anything else is ignored. */
        a->expires_in = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i] < '0' || v[i] > '9' || a->expires_in > 100000000) {
                a->expires_in = 0;
                break;
            }
            a->expires_in = a->expires_in * 10 + (v[i] - '0');
        }
    }
}

static bool collect(transfer *t, const uint8_t *p, size_t n)
{
    sb_append(t->ctx, (const char *)p, n);
    return true;
}

static void forget(transfer *t)
{
    strbuf *sb = t->ctx;
    explicit_bzero(sb->data, sb->cap);
    sb_reset(sb);
}

static bool is_https(const char *url)
{
    return strncasecmp(url, "https://", 8) == 0;
}

/* Get a token from the realm; sets the header. */
static bool fetch_token(reg_client *c, char **err)
{
    if (!c->realm || (!is_https(c->realm) && strncasecmp(c->realm, "http://", 7) != 0)) {
        *err = xstrdup("the registry's token server (realm) is not an HTTP URL");
        return false;
    }
    if (!load_creds(c, err))
        return false;
    const reg_creds *cr = &c->creds;
    bool has_creds = cr->identity_token || cr->username;
    if (has_creds && !is_https(c->realm) && c->tls_verify) {
        *err = xstrdup("the token server is plain HTTP: credentials are sent to it "
                       "only when TLS verification is off");
        return false;
    }

    strbuf query, form, body;
    sb_init(&query);
    sb_init(&form);
    sb_init(&body);
    sb_puts(&query, c->realm);
    char sep = strchr(c->realm, '?') ? '&' : '?';
    if (c->service) {
        sb_printf(&query, "%cservice=", sep);
        put_escaped(&query, c->service);
        sep = '&';
    }
    sb_printf(&query, "%cscope=", sep);
    put_escaped(&query, c->scope);

    transfer t = {.c = c, .limit = REG_TOKEN_BODY_MAX,
                  .body = collect, .restart = forget, .ctx = &body};
    char *basic = NULL;
    if (cr->identity_token) {
        sb_puts(&form, "grant_type=refresh_token&client_id=bosun&refresh_token=");
        put_escaped(&form, cr->identity_token);
        if (c->service) {
            sb_puts(&form, "&service=");
            put_escaped(&form, c->service);
        }
        sb_puts(&form, "&scope=");
        put_escaped(&form, c->scope);
        t.url = c->realm;
        t.post = form.data;
        t.post_len = form.len;
    } else {
        if (cr->username) {
            sb_puts(&query, "&account=");
            put_escaped(&query, cr->username);
            basic = basic_header(cr);
            t.fixed_auth = basic;
            t.fixed_origin = c->realm;
        }
        t.url = query.data;
    }

    bool ok = transfer_run(&t);
    wipe_free_str(basic);
    explicit_bzero(form.data, form.cap);
    sb_free(&form);
    if (!ok) {
        char *hint = auth_hint(c);
        *err = xasprintf("token server: %s%s", t.err, hint);
        free(hint);
    } else {
        token_answer a = {NULL, NULL, 0};
        const char *jerr;
        if (!jscan(body.data, body.len, on_token, &a, &jerr)) {
            *err = xasprintf("token server: the answer is not JSON (%s)", jerr);
            ok = false;
        } else {
            const char *tok = a.access_token && *a.access_token ? a.access_token : a.token;
            if (!tok || !*tok) {
                *err = xstrdup("token server: the answer has no token");
                ok = false;
            } else {
                long long life = a.expires_in < REG_TOKEN_MIN_S ? REG_TOKEN_MIN_S : a.expires_in;
                set_header(c, xasprintf("Authorization: Bearer %s", tok),
                           reg_now_ms() + (life - REG_TOKEN_MARGIN_S) * 1000);
            }
        }
        wipe_free_str(a.token);
        wipe_free_str(a.access_token);
    }
    explicit_bzero(body.data, body.cap);
    sb_free(&body);
    sb_free(&query);
    transfer_cleanup(&t);
    return ok;
}

static void learn_locked(reg_client *c, const char *www_auth)
{
    if (!www_auth)
        return;
    arena a;
    arena_init(&a);
    www_challenge ch[WWW_AUTH_MAX_CHALLENGES];
    size_t n;
    www_auth_parse(&a, www_auth, strlen(www_auth), ch, &n);
    www_auth_choice pick = www_auth_choose(ch, n);
    if (pick.kind != WWW_AUTH_NONE) {
        c->kind = pick.kind;
        free(c->realm);
        free(c->service);
        c->realm = pick.kind == WWW_AUTH_BEARER ? xstrdup(pick.realm) : NULL;
        c->service = pick.service ? xstrdup(pick.service) : NULL;
    }
    arena_release(&a);
}

void auth_learn(reg_client *c, const char *www_auth)
{
    pthread_mutex_lock(&c->auth_lock);
    learn_locked(c, www_auth);
    pthread_mutex_unlock(&c->auth_lock);
}

bool auth_current(reg_client *c, char **header, uint64_t *gen, char **err)
{
    bool ok = true;
    pthread_mutex_lock(&c->auth_lock);
    if (c->kind == WWW_AUTH_BEARER &&
        (!c->auth_header || (c->token_expiry_ms && reg_now_ms() >= c->token_expiry_ms))) {
        ok = fetch_token(c, err);
    } else if (c->kind == WWW_AUTH_BASIC && !c->auth_header) {
        ok = load_creds(c, err);
        if (ok && c->creds.username)
            set_header(c, basic_header(&c->creds), 0);
    }
    *header = ok && c->auth_header ? xstrdup(c->auth_header) : NULL;
    *gen = c->auth_gen;
    pthread_mutex_unlock(&c->auth_lock);
    return ok;
}

bool auth_refresh(reg_client *c, uint64_t gen, const char *www_auth, char **err)
{
    bool ok = true;
    pthread_mutex_lock(&c->auth_lock);
    if (gen != c->auth_gen)
        goto out; /* another thread renewed them meanwhile */
    bool had_header = c->auth_header != NULL;
    learn_locked(c, www_auth);
    switch (c->kind) {
    case WWW_AUTH_BEARER:
        ok = fetch_token(c, err);
        break;
    case WWW_AUTH_BASIC:
        if (had_header && strncmp(c->auth_header, "Authorization: Basic ", 21) == 0) {
            char *hint = auth_hint(c);
            *err = xasprintf("the registry refused the credentials%s", hint);
            free(hint);
            ok = false;
        } else if (!load_creds(c, err)) {
            ok = false;
        } else if (!c->creds.username) {
            char *hint = auth_hint(c);
            *err = xasprintf("the registry wants a user name and password%s", hint);
            free(hint);
            ok = false;
        } else {
            set_header(c, basic_header(&c->creds), 0);
        }
        break;
    case WWW_AUTH_NONE:
        *err = xstrdup("the registry asks for an authentication bosun cannot give");
        ok = false;
        break;
    }
out:
    pthread_mutex_unlock(&c->auth_lock);
    return ok;
}

/* Under auth_lock. */
char *auth_hint(reg_client *c)
{
    const reg_creds *cr = &c->creds;
    const char *note = cr->note;
    if (!c->creds_loaded)
        return xstrdup("");
    if (cr->username || cr->identity_token)
        return xasprintf(" (credentials from %s)", cr->source ? cr->source : "the options");
    if (note)
        return xasprintf(" (no credentials: %s)", note);
    return xasprintf(" (no credentials found for %s)", c->domain);
}

void auth_free(reg_client *c)
{
    creds_wipe(&c->creds);
    wipe_free_str(c->auth_header);
    free(c->realm);
    free(c->service);
    c->auth_header = c->realm = c->service = NULL;
}
