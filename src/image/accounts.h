/*
 * /etc/shadow and /etc/passwd entries: an empty password field lets anyone
 * log in as that user without a password (su, login, sshd with
 * PermitEmptyPasswords).
 */
#ifndef BOSUN_IMAGE_ACCOUNTS_H
#define BOSUN_IMAGE_ACCOUNTS_H

#include <stddef.h>

#include "image/findings.h"

typedef enum accounts_kind {
    ACCOUNTS_NONE,
    ACCOUNTS_SHADOW,
    ACCOUNTS_PASSWD,
} accounts_kind;

/* Which account database an absolute image path is. */
accounts_kind accounts_file_kind(const char *path);

/* Report the users of `data` (the file at `path` in `layer`) whose
 * password field is empty. */
void accounts_check(img_findings *f, int layer, const char *path,
                    const char *data, size_t len);

#endif
