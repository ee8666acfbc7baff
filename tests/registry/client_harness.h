/*
 * For the client's behaviour tests: a scripted registry
 * (tests/registry/fake_registry.py) started per test on 127.0.0.1, blobs
 * written to a temporary directory, a clean environment (no proxy, a
 * HOME of its own so that no real auth file is read), and a watchdog that
 * kills a test that outlives its time bound.
 */
#ifndef BOSUN_TEST_CLIENT_HARNESS_H
#define BOSUN_TEST_CLIENT_HARNESS_H

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "image/digest.h"
#include "registry/registry.h"

extern char **environ;

/* Every test finishes well within this, or is killed. */
#define TEST_TIME_BOUND_S 60

typedef struct fake {
    pid_t pid;
    int port;
    char dir[160];
    char log[200];
} fake;

static char h_root[64];
static int h_servers;

static inline const char *h_data_dir(void)
{
    const char *d = getenv("BOSUN_TEST_DATA");
    return d && *d ? d : NULL;
}

static inline void h_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        abort();
    }
}

static inline char *h_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static inline long long h_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void h_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Group setup: a temporary root, an environment of its own. */
static inline int h_setup_group(void **state)
{
    (void)state;
    strcpy(h_root, "/tmp/bosun-regtest-XXXXXX");
    if (!mkdtemp(h_root))
        return -1;
    char path[160];
    static const char *const dirs[] = {"home", "run", "run/containers", "config", "docker"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", h_root, dirs[i]);
        mkdir(path, 0700);
    }
    snprintf(path, sizeof(path), "%s/home", h_root);
    setenv("HOME", path, 1);
    snprintf(path, sizeof(path), "%s/run", h_root);
    setenv("XDG_RUNTIME_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/config", h_root);
    setenv("XDG_CONFIG_HOME", path, 1);
    snprintf(path, sizeof(path), "%s/docker", h_root);
    setenv("DOCKER_CONFIG", path, 1);
    unsetenv("REGISTRY_AUTH_FILE");
    static const char *const proxies[] = {"http_proxy", "https_proxy", "HTTP_PROXY",
                                          "HTTPS_PROXY", "ALL_PROXY", "all_proxy"};
    for (size_t i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
        unsetenv(proxies[i]);
    setenv("NO_PROXY", "*", 1);
    return 0;
}

static inline int h_teardown_group(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h_root);
    return system(cmd) == 0 ? 0 : -1;
}

/* Per test: the watchdog. */
static inline int h_setup(void **state)
{
    (void)state;
    alarm(TEST_TIME_BOUND_S);
    return 0;
}

static inline int h_teardown(void **state)
{
    (void)state;
    alarm(0);
    return 0;
}

/*
 * Start a fake registry with the configuration members `members` (JSON
 * text without the braces; may be empty). The log file is added.
 */
static inline void fake_start(fake *f, const char *members)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "%s/server%d", h_root, ++h_servers);
    mkdir(f->dir, 0700);
    snprintf(f->log, sizeof(f->log), "%s/log", f->dir);
    char config[200], port_file[200], script[512];
    snprintf(config, sizeof(config), "%s/config.json", f->dir);
    snprintf(port_file, sizeof(port_file), "%s/port", f->dir);
    const char *data = h_data_dir();
    if (data)
        snprintf(script, sizeof(script), "%s/registry/fake_registry.py", data);
    else
        snprintf(script, sizeof(script), "%.*s/fake_registry.py",
                 (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__);
    size_t n = strlen(members) + strlen(f->log) + 64;
    char *text = malloc(n);
    snprintf(text, n, "{\"log\": \"%s\", \"lifetime\": %d%s%s}", f->log,
             TEST_TIME_BOUND_S + 10, *members ? ", " : "", members);
    h_write(config, text, strlen(text));
    free(text);
    char *argv[] = {(char *)"python3", script, config, port_file, NULL};
    if (posix_spawnp(&f->pid, "python3", NULL, NULL, argv, environ) != 0) {
        fprintf(stderr, "cannot start python3\n");
        abort();
    }
    for (int i = 0; i < 200; i++) {
        char *port = h_read(port_file);
        f->port = atoi(port);
        free(port);
        if (f->port > 0)
            return;
        h_sleep_ms(50);
    }
    fprintf(stderr, "the fake registry did not start\n");
    abort();
}

static inline void fake_stop(fake *f)
{
    if (f->pid > 0) {
        kill(f->pid, SIGTERM);
        waitpid(f->pid, NULL, 0);
    }
    f->pid = 0;
}

/* Lines of the request log that contain every one of the strings. */
static inline int fake_count(const fake *f, const char *a, const char *b)
{
    char *log = h_read(f->log);
    int n = 0;
    for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n"))
        if (strstr(line, a) && (!b || strstr(line, b)))
            n++;
    free(log);
    return n;
}

/* A file of `n` deterministic bytes; its digest in `digest`. */
static inline char *h_blob(const char *name, size_t n, unsigned seed, char digest[DIGEST_MAX + 1],
                    unsigned char **bytes)
{
    unsigned char *b = malloc(n ? n : 1);
    unsigned x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (unsigned char)(x >> 16);
    }
    static char path[4][200];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof(path[k]), "%s/%s", h_root, name);
    h_write(path[k], b, n);
    hasher *h = hasher_new("sha256:");
    hasher_update(h, b, n);
    hasher_final(h, digest);
    hasher_free(h);
    if (bytes)
        *bytes = b;
    else
        free(b);
    return path[k];
}

/* `s` as a JSON string literal (malloc'd). */
static inline char *h_quote(const char *s)
{
    char *out = malloc(strlen(s) * 6 + 3), *o = out;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *o++ = '\\';
            *o++ = (char)*p;
        } else if (*p < 0x20) {
            o += sprintf(o, "\\u%04x", *p);
        } else {
            *o++ = (char)*p;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* A reference to the fake's repository. */
static inline reg_ref h_ref(const fake *f, arena *a, const char *repo)
{
    reg_ref r;
    const char *err;
    char *s = arena_printf(a, "127.0.0.1:%d/%s", f->port, repo);
    if (!reg_ref_parse(a, s, &r, &err)) {
        fprintf(stderr, "%s: %s\n", s, err);
        abort();
    }
    return r;
}

/* Options for a plain-HTTP fake with short timeouts. */
static inline reg_options h_options(void)
{
    reg_options o = REG_OPTIONS_INIT;
    o.tls_verify = false;
    o.connect_timeout_ms = 3000;
    o.stall_timeout_ms = 3000;
    o.max_retries = 2;
    return o;
}

/* Collects streamed pieces. */
typedef struct sink {
    unsigned char *data;
    size_t len, cap;
    size_t calls;
    size_t stop_after;   /* pieces before answering false (0: never) */
} sink;

static inline bool sink_piece(void *ctx, const uint8_t *p, size_t n)
{
    sink *s = ctx;
    s->calls++;
    if (s->stop_after && s->calls > s->stop_after)
        return false;
    if (s->len + n > s->cap) {
        s->cap = (s->len + n) * 2;
        s->data = realloc(s->data, s->cap);
    }
    memcpy(s->data + s->len, p, n);
    s->len += n;
    return true;
}

#endif
