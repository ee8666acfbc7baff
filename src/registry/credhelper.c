/*
 * docker-credential-<name> get: the protocol of Docker's credential
 * helpers. The server URL goes in on stdin, the answer comes back as JSON
 * on stdout. The helper is found on $PATH (absolute directories only: a
 * helper is never run from the current directory), started with fork and
 * exec (no shell), its stderr sent to /dev/null so that nothing it prints
 * reaches the terminal, and killed when it overruns its time.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "registry/creds.h"
#include "registry/jscan.h"
#include "registry/msg.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Most a helper may print: its answer is a few hundred bytes. */
#define HELPER_OUTPUT_MAX (64u << 10)

static bool helper_name_valid(const char *name)
{
    if (!*name || strlen(name) > 64 || name[0] == '.' || name[0] == '-')
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
            return false;
    return true;
}

/* The program's path on $PATH, malloc'd, or NULL. Resolved before fork:
 * the child may only make async-signal-safe calls. */
static char *find_program(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    strbuf sb;
    sb_init(&sb);
    for (const char *p = path; *p;) {
        size_t len = strcspn(p, ":");
        if (len > 0 && p[0] == '/') {
            sb_reset(&sb);
            sb_append(&sb, p, len);
            sb_putc(&sb, '/');
            sb_puts(&sb, prog);
            struct stat st;
            if (stat(sb.data, &st) == 0 && S_ISREG(st.st_mode) &&
                access(sb.data, X_OK) == 0)
                return sb.data;
        }
        p += len;
        if (*p == ':')
            p++;
    }
    sb_free(&sb);
    return NULL;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct answer {
    char *username, *secret;
} answer;

static void on_answer(void *ctx, const jscan_path *p, jscan_kind k, const char *v,
                      size_t n)
{
    answer *a = ctx;
    if (p->depth != 1 || k != JSCAN_STRING)
        return;
    char **slot = jscan_field(p, 0, "Username") ? &a->username
                  : jscan_field(p, 0, "Secret") ? &a->secret
                                                : NULL;
    if (!slot)
        return;
    wipe_free_str(*slot);
    *slot = xstrndup(v, n);
}

/* Start the helper with stdin already holding the URL; returns the pid and
 * the read end of its stdout, or -1. */
static pid_t spawn(const char *path, const char *argv0, const char *input,
                   int *out_fd, char **why)
{
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) {
        *why = xstrdup("cannot create a pipe");
        return -1;
    }
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        *why = xstrdup("cannot create a pipe");
        return -1;
    }
    /* The URL is far below the pipe's capacity: written before the child
     * exists, it cannot block, nor raise SIGPIPE if the helper never
     * reads it. */
    size_t len = strlen(input);
    bool wrote = write(in[1], input, len) == (ssize_t)len;
    close(in[1]);
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    pid_t pid = wrote && devnull >= 0 ? fork() : -1;
    if (pid == 0) {
        char *const argv[] = {(char *)argv0, (char *)"get", NULL};
        if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(devnull, 2) < 0)
            _exit(127);
        close_range(3, ~0u, 0);
        execv(path, argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    if (devnull >= 0)
        close(devnull);
    if (pid < 0) {
        close(out[0]);
        *why = xstrdup("cannot start it");
        return -1;
    }
    *out_fd = out[0];
    return pid;
}

/* Read the helper's stdout until EOF, the cap or the deadline. */
static bool read_output(int fd, long long deadline, strbuf *sb, char **why)
{
    char buf[4096];
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            *why = xstrdup("timed out");
            return false;
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        int r = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *why = xstrdup("cannot read its output");
            return false;
        }
        if (r == 0)
            continue;
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            explicit_bzero(buf, sizeof(buf));
            if (n < 0)
                *why = xstrdup("cannot read its output");
            return n == 0;
        }
        if (sb->len + (size_t)n > HELPER_OUTPUT_MAX) {
            explicit_bzero(buf, sizeof(buf));
            *why = xstrdup("printed too much");
            return false;
        }
        sb_append(sb, buf, (size_t)n);
    }
}

/* Wait for the helper to exit, killing it at the deadline. */
static int reap(pid_t pid, long long deadline, bool kill_now)
{
    int status;
    if (kill_now)
        kill(pid, SIGKILL);
    for (;;) {
        pid_t r = waitpid(pid, &status, kill_now ? 0 : WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (r < 0 && errno != EINTR)
            return -1;
        if (r == 0) {
            if (now_ms() >= deadline) {
                kill(pid, SIGKILL);
                kill_now = true;
                continue;
            }
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
}

static void wipe_sb(strbuf *sb)
{
    explicit_bzero(sb->data, sb->cap);
    sb_free(sb);
}

cred_helper_result cred_helper_get(const char *name, const char *server_url,
                                   unsigned timeout_ms, reg_creds *out, char **why)
{
    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (!helper_name_valid(name)) {
        *why = xstrdup("is not a valid helper name");
        return CRED_HELPER_FAILED;
    }
    char *prog = xasprintf("docker-credential-%s", name);
    char *path = find_program(prog);
    if (!path) {
        free(prog);
        *why = xstrdup("is not on PATH");
        return CRED_HELPER_FAILED;
    }
    int fd;
    pid_t pid = spawn(path, prog, server_url, &fd, why);
    free(path);
    free(prog);
    if (pid < 0)
        return CRED_HELPER_FAILED;

    long long deadline = now_ms() + timeout_ms;
    strbuf sb;
    sb_init(&sb);
    bool read_ok = read_output(fd, deadline, &sb, why);
    close(fd);
    int status = reap(pid, deadline, !read_ok);
    if (!read_ok) {
        wipe_sb(&sb);
        return CRED_HELPER_FAILED;
    }
    if (status != 0) {
        /* The helpers' own words for "no credentials for this server". The
         * rest of what it printed is not repeated: it might hold a secret. */
        bool not_found = strstr(sb.data, "credentials not found") != NULL;
        wipe_sb(&sb);
        if (not_found)
            return CRED_HELPER_NOT_FOUND;
        char msg[64];
        if (status < 0)
            snprintf(msg, sizeof(msg), "was killed or could not be waited for");
        else
            snprintf(msg, sizeof(msg), "exited with status %d", status);
        *why = xstrdup(msg);
        return CRED_HELPER_FAILED;
    }
    answer ans = {NULL, NULL};
    const char *jerr;
    bool parsed = jscan(sb.data, sb.len, on_answer, &ans, &jerr);
    wipe_sb(&sb);
    if (!parsed || !ans.secret || !*ans.secret) {
        wipe_free_str(ans.username);
        wipe_free_str(ans.secret);
        if (parsed)
            return CRED_HELPER_NOT_FOUND;
        *why = xstrdup("answered something that is not JSON");
        return CRED_HELPER_FAILED;
    }
    if (ans.username && strcmp(ans.username, "<token>") == 0) {
        wipe_free_str(ans.username);
        out->identity_token = ans.secret;
    } else {
        out->username = ans.username ? ans.username : xstrdup("");
        out->password = ans.secret;
    }
    return CRED_HELPER_FOUND;
}
