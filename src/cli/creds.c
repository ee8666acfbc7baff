#include "cli/creds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/xalloc.h"

#define PASSWORD_ENV "BOSUN_REGISTRY_PASSWORD"

static void wipe_password(cli_creds *c)
{
    if (c->password) {
        explicit_bzero(c->password, c->password_size);
        free(c->password);
    }
    c->password = NULL;
    c->password_size = 0;
}

void cli_creds_free(cli_creds *c)
{
    wipe_password(c);
    free(c->username);
    c->username = NULL;
}

/* A copy of `s` in a buffer of its own size, so that all of it is wiped. */
static void keep_password(cli_creds *c, const char *s)
{
    wipe_password(c);
    c->password_size = strlen(s) + 1;
    c->password = xmalloc(c->password_size);
    memcpy(c->password, s, c->password_size);
}

bool cli_creds_parse(cli_creds *c, char *arg)
{
    char *colon = strchr(arg, ':');
    size_t user_len = colon ? (size_t)(colon - arg) : strlen(arg);
    bool empty_password = colon && !colon[1];
    if (colon) {
        /* Copied before any check: a refused argument is wiped too. */
        keep_password(c, colon + 1);
        explicit_bzero(colon + 1, strlen(colon + 1));
    } else {
        wipe_password(c);
    }
    if (user_len == 0) {
        cli_error("--creds: expected USER[:PASS], with a user name");
        return false;
    }
    if (empty_password) {
        cli_error("--creds USER:PASS: the password is empty");
        return false;
    }
    free(c->username);
    c->username = xstrndup(arg, user_len);
    return true;
}

/*
 * The first line of `fd`, without its line break ("\n" or "\r\n"), in a
 * buffer of CLI_PASSWORD_MAX + 1 bytes that c->password then owns (what
 * was read past the line is in it too, and wiped with it). False with
 * the reason in *why.
 */
static bool read_password_line(cli_creds *c, int fd, const char **why)
{
    wipe_password(c);
    c->password_size = CLI_PASSWORD_MAX + 1;
    c->password = xmalloc(c->password_size);
    char *buf = c->password;
    size_t len = 0;
    bool eol = false;
    while (!eol && len < CLI_PASSWORD_MAX) {
        ssize_t n = read(fd, buf + len, CLI_PASSWORD_MAX - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *why = strerror(errno);
            return false;
        }
        if (n == 0)
            break;
        char *nl = memchr(buf + len, '\n', (size_t)n);
        if (nl) {
            len = (size_t)(nl - buf);
            eol = true;
        } else {
            len += (size_t)n;
        }
    }
    if (!eol && len == CLI_PASSWORD_MAX) {
        *why = "the line is longer than 64 KiB";
        return false;
    }
    if (len && buf[len - 1] == '\r')
        len--;
    buf[len] = '\0';
    if (memchr(buf, '\0', len)) {
        *why = "the line holds a NUL byte";
        return false;
    }
    if (!len) {
        *why = "no password on it (an empty line)";
        return false;
    }
    return true;
}

bool cli_creds_finish(cli_creds *c, bool stdin_is_input)
{
    if (c->password_stdin && !c->username) {
        cli_error("--password-stdin: give the user name with --creds USER");
        return false;
    }
    if (c->password_stdin && c->password) {
        cli_error("--creds USER:PASS and --password-stdin both give a "
                  "password: use one");
        return false;
    }
    if (c->password_stdin && stdin_is_input) {
        cli_error("--password-stdin: the standard input is an image to "
                  "check ('-'), it cannot hold the password too (use "
                  PASSWORD_ENV ")");
        return false;
    }
    if (c->password_stdin) {
        const char *why;
        if (!read_password_line(c, STDIN_FILENO, &why)) {
            wipe_password(c);
            cli_error("--password-stdin: cannot read the password from the "
                      "standard input: %s", why);
            return false;
        }
        return true;
    }
    if (c->username && !c->password) {
        const char *env = getenv(PASSWORD_ENV);
        if (!env || !*env) {
            cli_error("--creds USER: no password (give USER:PASS, "
                      "--password-stdin or " PASSWORD_ENV ")");
            return false;
        }
        keep_password(c, env);
    }
    return true;
}
