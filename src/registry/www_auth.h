/*
 * WWW-Authenticate (RFC 7235): the challenges a registry answers 401 with.
 *
 *   WWW-Authenticate = 1#challenge
 *   challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param = token BWS "=" BWS ( token / quoted-string )
 *
 * Commas separate both challenges and their parameters: an element that is
 * a token followed by "=" is a parameter of the current challenge, any
 * other token starts a new challenge. Scheme and parameter names are case
 * insensitive (stored lower-cased); quoted strings are unescaped.
 */
#ifndef BOSUN_REGISTRY_WWW_AUTH_H
#define BOSUN_REGISTRY_WWW_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/* Bounds on one header: more is a malformed (or hostile) header. */
#define WWW_AUTH_MAX_CHALLENGES 16
#define WWW_AUTH_MAX_PARAMS 32

typedef struct www_param {
    const char *name;   /* lower case */
    const char *value;  /* unescaped */
} www_param;

typedef struct www_challenge {
    const char *scheme; /* lower case: "bearer", "basic" */
    const char *token68;/* or NULL */
    www_param params[WWW_AUTH_MAX_PARAMS];
    size_t nparams;
} www_challenge;

/*
 * Parse the value of one header (several headers are one list: join them
 * with ", "). Fills ch[0..*count) (space for WWW_AUTH_MAX_CHALLENGES),
 * strings in `a`. Returns false when the header is malformed somewhere;
 * the challenges complete before that point are still filled in, so a
 * registry's slightly broken header still yields what can be read of it.
 */
bool www_auth_parse(arena *a, const char *s, size_t n, www_challenge *ch,
                    size_t *count);

/* The value of a parameter (the last one of that name), or NULL. */
const char *www_auth_param(const www_challenge *c, const char *name);

typedef enum www_auth_kind {
    WWW_AUTH_NONE,      /* no challenge bosun can answer */
    WWW_AUTH_BASIC,
    WWW_AUTH_BEARER,
} www_auth_kind;

/* What the client answers: Bearer (with a realm) before Basic. */
typedef struct www_auth_choice {
    www_auth_kind kind;
    const char *realm;   /* Bearer: the token server's URL; Basic: the realm or NULL */
    const char *service; /* Bearer, or NULL */
    const char *scope;   /* Bearer, or NULL */
    const char *error;   /* Bearer's error= ("insufficient_scope"), or NULL */
} www_auth_choice;

www_auth_choice www_auth_choose(const www_challenge *ch, size_t count);

#endif
