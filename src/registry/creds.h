/*
 * Registry credentials, found where Docker and the containers tools
 * (podman, skopeo, buildah) keep them, in this order:
 *
 *  1. the explicit username and password of reg_options;
 *  2. the auth file given as reg_options.auth_file or $REGISTRY_AUTH_FILE,
 *     and then that file alone (as the containers tools do with
 *     --authfile); otherwise, in turn:
 *     ${XDG_RUNTIME_DIR}/containers/auth.json (without XDG_RUNTIME_DIR:
 *     /run/containers/$UID/auth.json),
 *     ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json,
 *     ${DOCKER_CONFIG:-~/.docker}/config.json.
 *
 * In each file (the same JSON schema for all of them):
 *  - "credHelpers": {"<registry>": "<name>"} runs docker-credential-<name>;
 *  - "credsStore": "<name>" likewise for every registry;
 *  - "auths": {"<key>": {"auth": base64("user:pass"), "identitytoken": ...}}
 *    where the most specific key wins: "host/ns/repo", "host/ns", "host",
 *    then keys written as URLs ("https://host/...", and
 *    "https://index.docker.io/v1/" for Docker Hub).
 * The first file that has credentials for the registry gives them.
 *
 * A credential helper gets the server URL on stdin and answers JSON
 * {"Username", "Secret"} on stdout; the username "<token>" means the
 * secret is an identity token. It runs without a shell, with its stderr
 * discarded and a timeout; the secret goes through pipes only.
 *
 * Everything that holds a secret is wiped (explicit_bzero) before it is
 * freed.
 */
#ifndef BOSUN_REGISTRY_CREDS_H
#define BOSUN_REGISTRY_CREDS_H

#include <stdbool.h>

#include "registry/registry.h"

typedef struct reg_creds {
    char *username;       /* with password; NULL when none */
    char *password;
    char *identity_token; /* an OAuth2 refresh token for the token server, or NULL */
    char *source;         /* where they came from, for messages (no secret), or NULL */
    char *note;           /* why none were found although some were configured
                             (a helper that failed), or NULL */
} reg_creds;

/* Longest auth file read. */
#define CREDS_FILE_MAX (4u << 20)
/* How long a credential helper may take. */
#define CREDS_HELPER_TIMEOUT_MS 30000

/*
 * The credentials for repository `path` on `domain` (as reg_ref has them).
 * True with *out filled (everything NULL: anonymous). False with a one-line
 * *err (malloc'd) when an auth file cannot be read or is not JSON. A
 * credential helper that fails is not an error: it leaves a note.
 */
bool creds_lookup(const reg_options *o, const char *domain, const char *path,
                  reg_creds *out, char **err);
void creds_wipe(reg_creds *c);

/* Outcome of one credential helper run. */
typedef enum cred_helper_result {
    CRED_HELPER_FOUND,
    CRED_HELPER_NOT_FOUND,  /* the helper knows no credentials for that server */
    CRED_HELPER_FAILED,     /* *why says what happened */
} cred_helper_result;

/* Run docker-credential-<name> get for `server_url`. */
cred_helper_result cred_helper_get(const char *name, const char *server_url,
                                   unsigned timeout_ms, reg_creds *out, char **why);

#endif
