#include "image/digest.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const struct {
    const char *name;
    size_t hex_len;
} algorithms[] = {
    {"sha256", 64},
    {"sha512", 128},
};

bool digest_valid(const char *s, const char **why)
{
    const char *colon = s ? strchr(s, ':') : NULL;
    if (!colon) {
        *why = "not a digest (expected sha256:<hex>)";
        return false;
    }
    size_t alg_len = (size_t)(colon - s);
    for (size_t i = 0; i < sizeof(algorithms) / sizeof(algorithms[0]); i++) {
        if (strlen(algorithms[i].name) != alg_len ||
            strncmp(s, algorithms[i].name, alg_len) != 0)
            continue;
        const char *hex = colon + 1;
        size_t n = strspn(hex, "0123456789abcdef");
        if (n != algorithms[i].hex_len || hex[n] != '\0') {
            *why = "malformed digest (wrong length or not lowercase hex)";
            return false;
        }
        return true;
    }
    *why = "unsupported digest algorithm (bosun verifies sha256 and sha512)";
    return false;
}

const char *digest_hex(const char *digest)
{
    const char *colon = strchr(digest, ':');
    return colon ? colon + 1 : digest;
}

struct hasher {
    EVP_MD_CTX *ctx;
    const EVP_MD *md;
    char name[8];
};

hasher *hasher_new(const char *digest)
{
    hasher *h = xcalloc(1, sizeof(*h));
    size_t alg_len = strcspn(digest, ":");
    if (alg_len >= sizeof(h->name))
        alg_len = 0;
    memcpy(h->name, digest, alg_len);
    h->md = strcmp(h->name, "sha512") == 0 ? EVP_sha512() : EVP_sha256();
    if (strcmp(h->name, "sha512") != 0)
        strcpy(h->name, "sha256");
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || !EVP_DigestInit_ex(h->ctx, h->md, NULL))
        xalloc_die();
    return h;
}

void hasher_update(hasher *h, const void *data, size_t len)
{
    if (len)
        EVP_DigestUpdate(h->ctx, data, len);
}

void hasher_final(hasher *h, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(h->ctx, md, &n);
    size_t k = strlen(h->name);
    memcpy(out, h->name, k);
    out[k++] = ':';
    static const char hexdig[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[k++] = hexdig[md[i] >> 4];
        out[k++] = hexdig[md[i] & 15];
    }
    out[k] = '\0';
    EVP_DigestInit_ex(h->ctx, h->md, NULL);
}

void hasher_free(hasher *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}
