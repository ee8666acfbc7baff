/*
 * The registry credentials of `bosun image`: --creds USER[:PASS],
 * --password-stdin and $BOSUN_REGISTRY_PASSWORD, checked against each
 * other. The password is held in a buffer of the CLI's own, wiped when
 * the run ends, and no message ever holds it.
 */
#ifndef BOSUN_CLI_CREDS_H
#define BOSUN_CLI_CREDS_H

#include <stdbool.h>
#include <stddef.h>

/* Longest password read from the standard input: registry tokens run to
 * a few kilobytes. */
#define CLI_PASSWORD_MAX (64u << 10)

typedef struct cli_creds {
    char *username;       /* malloc'd, or NULL: the auth files */
    char *password;       /* malloc'd, `password_size` bytes, or NULL */
    size_t password_size; /* all of it is wiped, not just the string */
    bool password_stdin;  /* --password-stdin */
} cli_creds;

/*
 * --creds USER[:PASS]. The PASS part of `arg` (an argv string) is copied
 * and then overwritten, so that it shows no longer in the process's
 * command line. False after printing why `arg` is not valid (without it).
 */
bool cli_creds_parse(cli_creds *c, char *arg);

/*
 * Decides the password once the options are read: PASS, or the first line
 * of the standard input (--password-stdin), or $BOSUN_REGISTRY_PASSWORD
 * when --creds gave a user alone. `stdin_is_input`: an image is read from
 * the standard input, which then cannot hold the password. False after
 * printing why (two passwords, a password without a user, a user without
 * a password, an unreadable or empty line).
 */
bool cli_creds_finish(cli_creds *c, bool stdin_is_input);

/* Wipes the password and frees both strings. */
void cli_creds_free(cli_creds *c);

#endif
