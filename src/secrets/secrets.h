/*
 * What a secret looks like, in one place for the whole tool: file names
 * (a COPY source, a file in an image layer) and credential formats (a word
 * of a RUN or ENV, the content of a file in a layer).
 *
 * The credential patterns are plain regular expressions in the common
 * subset of POSIX extended regexes and Hyperscan's syntax, so the same
 * table drives the short-string matcher used on Dockerfiles and the
 * multi-pattern database that scans image layers.
 */
#ifndef BOSUN_SECRETS_SECRETS_H
#define BOSUN_SECRETS_SECRETS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/* --------------------------------------------------------- file names */

/* A short description ("SSH private key", ".npmrc with registry tokens")
 * when `path` names a secret-looking file, NULL otherwise. Matching is
 * case-insensitive and looks at the basename and, for files such as
 * .aws/credentials, at the parent directory. */
const char *secret_file_kind(const char *path, size_t len);

/* The file name says it is an example or template, not the real thing
 * (.env.example, npmrc.sample, id_rsa.test). */
bool secret_file_sample(const char *path, size_t len);

/* ------------------------------------------------------ variable names */

/*
 * What an environment variable or build argument named `name` holds when
 * the name says it is a secret: "PASSWORD", "SECRET", "TOKEN", "API_KEY",
 * "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL" (matched anywhere in the name,
 * without case: PGPASSWORD, my_token), or NULL. Names that say where or
 * how a secret is kept (DB_PASSWORD_FILE, TOKEN_URL, SECRET_NAME,
 * PASSWORD_MIN_LENGTH) and words such as SECRETARY are not secrets.
 */
const char *secret_var_name(const char *name, size_t len);

/* A value that cannot be a secret: empty, numeric, boolean, a path or a
 * secret file's name, or a placeholder (see below). Quotes are ignored. */
bool secret_value_trivial(const char *value, size_t len);
/* A placeholder: "**None**", "changeit", "<your-token>", "xxxx", "-". */
bool secret_value_placeholder(const char *value, size_t len);

/* ---------------------------------------------------------- credentials */

enum credential_flags {
    CRED_CASELESS = 1u << 0, /* match regardless of case */
};

typedef struct credential_pattern {
    const char *id;       /* stable, kebab-case: "aws-access-key-id" */
    const char *name;     /* for messages: "AWS access key id" */
    const char *regex;    /* ERE/Hyperscan common subset */
    const char *keywords; /* '|'-separated literals, one of which every
                             match contains: a cheap prefilter */
    unsigned flags;
} credential_pattern;

extern const credential_pattern credential_patterns[];
extern const size_t credential_pattern_count;

typedef struct credential_match {
    const credential_pattern *pattern;
    size_t off, len;      /* the match within the searched text */
} credential_match;

/*
 * Searches short texts (a word, a value) for known credential formats.
 * The matcher compiles each pattern the first time a text holds one of its
 * keywords, so texts without any cost one scan and a file without secrets
 * compiles nothing. One matcher per thread.
 */
typedef struct credential_matcher credential_matcher;

credential_matcher *credential_matcher_new(void);
void credential_matcher_free(credential_matcher *cm);
/* The first pattern (in table order) that matches; false when none does. */
bool credential_find(credential_matcher *cm, const char *s, size_t len,
                     credential_match *m);

/*
 * Is a matched credential (`s`, matched by pattern `pattern_id`) an obvious
 * placeholder rather than a secret: documentation examples (AWS's
 * ...EXAMPLE keys, "user:password@example.com"), template variables
 * ("${TOKEN}", "<password>", "%s"), masked values ("xxxx", "****")?
 */
bool secret_is_placeholder(const char *pattern_id, const char *s, size_t len);

/* A secret made safe to print: a short prefix, then "…" and the length. */
const char *secret_redact(arena *a, const char *s, size_t len);

#endif
