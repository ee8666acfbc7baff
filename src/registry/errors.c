/*
 * Messages: one line, what failed and where, in words a user can act on.
 * Text from the registry (error codes and messages) is untrusted: control
 * characters are escaped and the length is capped. A registry could even
 * echo a credential back, so every secret the client holds is blanked out
 * of the message before anyone sees it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry/client_internal.h"
#include "registry/jscan.h"
#include "util/xalloc.h"

/* Longest message, and longest piece of registry text in it. */
#define ERROR_MAX 1024
#define REGISTRY_TEXT_MAX 200

long long reg_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Replace every occurrence of `secret` in `s` (in place, same length). */
static void blank(char *s, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n < 4)  /* too short to tell from ordinary words */
        return;
    for (char *p = strstr(s, secret); p; p = strstr(p + n, secret))
        memset(p, '*', n);
}

static void blank_secrets(reg_client *c, char *s)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->auth_lock);
    blank(s, c->password);
    blank(s, c->creds.password);
    blank(s, c->creds.identity_token);
    if (c->creds.username) {
        /* What the token server got: a server that repeats its request's
         * Authorization would show the password in base64. */
        char *basic = auth_basic_secret(&c->creds);
        blank(s, basic);
        wipe_free_str(basic);
    }
    if (c->auth_header) {
        const char *sp = strrchr(c->auth_header, ' ');
        blank(s, sp ? sp + 1 : c->auth_header);
    }
    pthread_mutex_unlock(&c->auth_lock);
}

/* Escape control characters, then cap the length. */
static char *escape(const char *s)
{
    strbuf sb;
    sb_init(&sb);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (sb.len >= ERROR_MAX) {
            sb_puts(&sb, "...");
            break;
        }
        if (*p < 0x20 || *p == 0x7f)
            sb_printf(&sb, "\\x%02x", *p);
        else
            sb_putc(&sb, (char)*p);
    }
    sb_reserve(&sb, 1);
    return sb.data;
}

char *reg_error(reg_client *c, const char *what, char *why)
{
    char *raw = xasprintf("%s: %s: %s", c ? c->domain : "registry", what,
                          why ? why : "failed");
    free(why);
    blank_secrets(c, raw);
    char *out = escape(raw);
    free(raw);
    return out;
}

typedef struct codes {
    strbuf sb;
    size_t count;
    char code[REGISTRY_TEXT_MAX + 1], message[REGISTRY_TEXT_MAX + 1];
    size_t index;
    bool open;
} codes;

static void flush_code(codes *k)
{
    if (!k->open || k->count >= 3)
        return;
    if (!k->code[0] && !k->message[0])
        return;
    if (k->count++)
        sb_puts(&k->sb, "; ");
    sb_puts(&k->sb, k->code[0] ? k->code : "error");
    if (k->message[0])
        sb_printf(&k->sb, ": %s", k->message);
    k->open = false;
}

static void copy_text(char *dst, const char *v, size_t n)
{
    if (n > REGISTRY_TEXT_MAX)
        n = REGISTRY_TEXT_MAX;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

/* {"errors": [{"code": "...", "message": "...", "detail": ...}, ...]} */
static void on_error_body(void *ctx, const jscan_path *p, jscan_kind k, const char *v,
                          size_t n)
{
    codes *c = ctx;
    if (p->depth == 2 && k == JSCAN_OBJECT && jscan_field(p, 0, "errors") &&
        !p->key[1]) {
        flush_code(c);
        c->open = true;
        c->index = p->index[1];
        c->code[0] = c->message[0] = '\0';
    } else if (p->depth == 3 && k == JSCAN_STRING && c->open &&
               jscan_field(p, 0, "errors") && !p->key[1] && p->index[1] == c->index) {
        if (jscan_field(p, 2, "code"))
            copy_text(c->code, v, n);
        else if (jscan_field(p, 2, "message"))
            copy_text(c->message, v, n);
    }
}

char *reg_error_codes(const char *body, size_t len)
{
    if (!body || len == 0)
        return NULL;
    codes k;
    memset(&k, 0, sizeof(k));
    sb_init(&k.sb);
    const char *jerr;
    jscan(body, len, on_error_body, &k, &jerr);
    flush_code(&k);
    if (k.count == 0) {
        sb_free(&k.sb);
        return NULL;
    }
    return k.sb.data;
}
