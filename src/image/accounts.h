/*
 * Account databases. An empty password field in /etc/shadow or
 * /etc/passwd lets anyone log in as that user without a password (su,
 * login, sshd with PermitEmptyPasswords); a user name in the image's
 * configuration is looked up in /etc/passwd by the runtime.
 *
 * The final /etc/shadow may be any file of any layer (through symbolic
 * and hard links), so every regular file is read as an account database
 * while its bytes stream by, line by line, in constant memory whatever
 * its size or the length of its lines; what is kept of a file is only
 * its users with an empty password and the line of the user name the
 * configuration names, when it has them.
 */
#ifndef BOSUN_IMAGE_ACCOUNTS_H
#define BOSUN_IMAGE_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/findings.h"
#include "util/arena.h"

/* Most users with an empty password kept per file (the rest are
 * counted). */
#define ACCOUNTS_EMPTY_MAX 64
/* Bytes of a user name kept (longer names are cut in messages, and
 * still recognised). */
#define ACCOUNTS_NAME_MAX 256

typedef struct accounts_user {
    const char *name;          /* at most ACCOUNTS_NAME_MAX bytes */
    size_t name_len;           /* its length in the file */
    uint64_t line;
} accounts_user;

/* What a file holds as an account database. */
typedef struct accounts_summary {
    accounts_user *empty;      /* users with an empty password, in order */
    size_t nempty;             /* kept */
    uint64_t nempty_all;       /* in the file */
    /* The first line of the user name looked up (see accounts_uid). */
    const char *user;
    bool user_found;
    int64_t user_uid;          /* as runc reads it */
    uint64_t user_line;
} accounts_summary;

/* Reading a file as an account database, as its bytes come; one per
 * thread. */
typedef struct accounts_scan accounts_scan;

accounts_scan *accounts_scan_new(void);
void accounts_scan_free(accounts_scan *s);
/* Start a file; `user` (may be NULL) is a user name to find the uid of;
 * `like_db` asks whether the file looks like an account database (see
 * accounts_scan_end). Without it, only lines that can have an empty
 * password ("name::") or hold the user name are read, the others passed
 * over in one vectorised pass. */
void accounts_scan_begin(accounts_scan *s, const char *user, bool like_db);
void accounts_scan_data(accounts_scan *s, const uint8_t *p, size_t n);
/* End the file: its summary in `a` when it has users with an empty
 * password or the line of the user, NULL otherwise; *bytes is what the
 * summary takes. *db_like says whether the file has a line of the form
 * name:password:number (passwd, group, shadow): only such a file is worth
 * keeping as a possible /etc/passwd or /etc/group for its modes. */
accounts_summary *accounts_scan_end(accounts_scan *s, arena *a, size_t *bytes,
                                   bool *db_like);

/* The uid runc gives `name` (the User of the configuration, a name)
 * according to `passwd`, the final /etc/passwd: false when it has no line
 * for the name (then runc refuses to start the container). Like runc
 * (github.com/moby/sys/user), the first line whose first field, blanks
 * around the line trimmed, is the name; the uid is its third field read
 * as Go's strconv.Atoi reads it, 0 when that fails (an empty, missing or
 * malformed field), so "app" or "app:x::0" alone mean root. */
bool accounts_uid(const accounts_summary *passwd, const char *name,
                  int64_t *uid, uint64_t *line);

/* Report the users of `s` with an empty password: `path` is the file of
 * `layer` that the final filesystem has at `as` (/etc/shadow, or
 * /etc/passwd), `how` says how (NULL when it is the file at `as`). */
void accounts_report(img_findings *f, int layer, const char *path,
                     const char *as, const char *how,
                     const accounts_summary *s);

#endif
