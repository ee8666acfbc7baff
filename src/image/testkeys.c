#include "image/testkeys.h"

#include <openssl/evp.h>
#include <string.h>

/* The fingerprint: SHA-256 of the first KEY_PREFIX base64 characters of
 * the body (fewer when the body is shorter), line breaks, blanks, quotes
 * and "\n" escapes left out (keys in C strings are written in pieces), as
 * 32 hex digits (the first 128 bits). */
#define KEY_PREFIX 128

/* GnuTLS's self-test keys (lib/crypto-selftests-pk.c, unchanged from 3.6
 * to 3.8): RSA 2048, DSA, EC on five curves and GOST, some twice. */
static const char *const public_keys[] = {
    "d92a81006ae8ae4a5b23593905c997f7", /* rsa_key2048 */
    "ba8452f2bdd08fd9b2c43d4da216e5ad", /* ecc_key */
    "073f1a1b1cf79d7d89ce1cf6eb658393", /* dsa_key */
    "c7daf66c197dddb6a64b7e38d27dda15", /* gost01_key */
    "47382ff9d653f755cef7040ebb464eb4", /* gost12_256_key */
    "3ea41471f0d584fb8e3fb650dcfb039d", /* gost12_512_key */
    "7992d4e6056d22c06473752be07ccc5d", /* ecdsa_secp256r1_privkey */
    "9edda6e311d9055a2a5dab99f83a9f89", /* ecdsa_secp192r1_privkey */
    "4f13b50eaff416c460b569afe759884c", /* ecdsa_secp224r1_privkey */
    "df46d7e57d8bcbfd1c6e1c760640f30c", /* ecdsa_secp384r1_privkey */
    "3ccbbcf5ca80b346b9c6ed4af8e4ca50", /* ecdsa_secp521r1_privkey */
    "391a6e56c5ec5ca64e4744bbe04a7e94", /* dsa_privkey */
    "6d03bbf47115fad00d6f990593a6465c", /* gost01_privkey */
    "cadf1e62661d5d21a7fce2c80b331902", /* gost12_256_privkey */
    "a1989fb02f9fd2603308393d0a9747f1", /* gost12_512_privkey */
};

static bool base64_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

bool testkey_is_public(const uint8_t *p, size_t n)
{
    char body[KEY_PREFIX];
    size_t len = 0;
    for (size_t i = 0; i < n && len < KEY_PREFIX; i++) {
        if (p[i] == '\\' && i + 1 < n && p[i + 1] == 'n')
            i++;
        else if (base64_char(p[i]))
            body[len++] = (char)p[i];
        else if (!strchr("\r\n \t\"", p[i]))
            break; /* the END line, or the end of the string */
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (len == 0 || !EVP_Digest(body, len, md, &mdlen, EVP_sha256(), NULL) ||
        mdlen < 16)
        return false;
    char hex[33];
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[32] = '\0';
    for (size_t i = 0; i < sizeof(public_keys) / sizeof(public_keys[0]); i++)
        if (strcmp(hex, public_keys[i]) == 0)
            return true;
    return false;
}
