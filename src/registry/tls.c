/*
 * TLS as the containers tools configure it: a certs.d directory per
 * registry holding extra certificate authorities (*.crt, added to the
 * system's) and a client certificate (*.cert with the *.key of the same
 * name). The authorities are read once, here, and added to each TLS
 * context libcurl makes (CURLOPT_SSL_CTX_FUNCTION, OpenSSL).
 */
#include <dirent.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/client_internal.h"
#include "util/xalloc.h"

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Every certificate of a PEM file. */
static bool add_cas(tls_config *t, const char *path, char **err)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return false;
    }
    size_t before = t->ncas;
    X509 *x;
    while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        t->cas = xreallocarray(t->cas, t->ncas + 1, sizeof(*t->cas));
        t->cas[t->ncas++] = x;
    }
    ERR_clear_error(); /* the end of the file reads as an error */
    fclose(f);
    if (t->ncas == before) {
        *err = xasprintf("%s: no PEM certificate in it", path);
        return false;
    }
    return true;
}

/* The directory's entries, sorted so that the first client pair is the
 * same on every run. */
static char **list_dir(const char *dir, size_t *count, char **err)
{
    DIR *d = opendir(dir);
    if (!d) {
        *err = xasprintf("%s: %s", dir, strerror(errno));
        return NULL;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == 4096)  /* a certs.d directory holds a handful of files */
            break;
        names = xreallocarray(names, n + 1, sizeof(*names));
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), compare_names);
    *count = n;
    return names;
}

static bool load_dir(tls_config *t, const char *dir, char **err)
{
    size_t n = 0;
    char **names = list_dir(dir, &n, err);
    if (!names && *err)
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]);
        if (has_suffix(names[i], ".crt")) {
            ok = add_cas(t, path, err);
        } else if (has_suffix(names[i], ".cert")) {
            char *key = xasprintf("%.*s.key", (int)(strlen(path) - 5), path);
            if (!file_exists(key)) {
                *err = xasprintf("missing key %s for client certificate %s", key, path);
                ok = false;
                free(key);
            } else if (!t->client_cert) {
                t->client_cert = xstrdup(path);
                t->client_key = key;
            } else {
                free(key);
            }
        } else if (has_suffix(names[i], ".key")) {
            char *cert = xasprintf("%.*s.cert", (int)(strlen(path) - 4), path);
            if (!file_exists(cert)) {
                *err = xasprintf("missing client certificate %s for key %s", cert, path);
                ok = false;
            }
            free(cert);
        }
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return ok;
}

bool tls_config_load(tls_config *t, const char *cert_dir, const char *hostport,
                     char **err)
{
    memset(t, 0, sizeof(*t));
    *err = NULL;
    if (cert_dir)
        return load_dir(t, cert_dir, err);
    const char *home = getenv("HOME");
    char *candidates[3] = {
        home && *home ? xasprintf("%s/.config/containers/certs.d/%s", home, hostport) : NULL,
        xasprintf("/etc/containers/certs.d/%s", hostport),
        xasprintf("/etc/docker/certs.d/%s", hostport),
    };
    bool ok = true;
    for (size_t i = 0; i < 3; i++) {
        if (candidates[i] && is_dir(candidates[i])) {
            ok = load_dir(t, candidates[i], err);
            break;
        }
    }
    for (size_t i = 0; i < 3; i++)
        free(candidates[i]);
    return ok;
}

void tls_config_free(tls_config *t)
{
    for (size_t i = 0; i < t->ncas; i++)
        X509_free(t->cas[i]);
    free(t->cas);
    free(t->client_cert);
    free(t->client_key);
    memset(t, 0, sizeof(*t));
}

static CURLcode add_to_context(CURL *h, void *ssl_ctx, void *arg)
{
    (void)h;
    const tls_config *t = arg;
    X509_STORE *store = SSL_CTX_get_cert_store(ssl_ctx);
    for (size_t i = 0; i < t->ncas; i++)
        X509_STORE_add_cert(store, t->cas[i]); /* a duplicate is harmless */
    ERR_clear_error();
    return CURLE_OK;
}

CURLcode tls_apply(CURL *h, const tls_config *t, bool verify)
{
    CURLcode r = CURLE_OK;
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
    if (t->ncas) {
        /* The store libcurl caches would keep our additions between
         * handles of different clients. */
        curl_easy_setopt(h, CURLOPT_CA_CACHE_TIMEOUT, 0L);
        r = curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, add_to_context);
        if (r == CURLE_OK)
            r = curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, (void *)t);
    }
    if (r == CURLE_OK && t->client_cert) {
        r = curl_easy_setopt(h, CURLOPT_SSLCERT, t->client_cert);
        if (r == CURLE_OK)
            r = curl_easy_setopt(h, CURLOPT_SSLKEY, t->client_key);
    }
    return r;
}
