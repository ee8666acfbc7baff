#include "registry/creds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/base64.h"
#include "registry/jscan.h"
#include "registry/msg.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Docker Hub's names: reg_ref says "docker.io"; `docker login` files its
 * credentials under the old index URL. */
#define HUB "docker.io"
#define HUB_INDEX "index.docker.io"
#define HUB_URL "https://index.docker.io/v1/"

void creds_wipe(reg_creds *c)
{
    wipe_free_str(c->username);
    wipe_free_str(c->password);
    wipe_free_str(c->identity_token);
    free(c->source);
    free(c->note);
    memset(c, 0, sizeof(*c));
}

/* ---- one auth file, as far as we need it ---- */

typedef struct auth_entry {
    char *key;
    char *auth;           /* base64 "user:pass" */
    char *identity_token;
} auth_entry;

typedef struct named {
    char *key, *value;
} named;

typedef struct auth_file {
    auth_entry *auths;
    size_t nauths, cap_auths;
    named *helpers;       /* credHelpers */
    size_t nhelpers, cap_helpers;
    char *store;          /* credsStore */
} auth_file;

static void auth_file_free(auth_file *f)
{
    for (size_t i = 0; i < f->nauths; i++) {
        free(f->auths[i].key);
        wipe_free_str(f->auths[i].auth);
        wipe_free_str(f->auths[i].identity_token);
    }
    free(f->auths);
    for (size_t i = 0; i < f->nhelpers; i++) {
        free(f->helpers[i].key);
        free(f->helpers[i].value);
    }
    free(f->helpers);
    free(f->store);
    memset(f, 0, sizeof(*f));
}

/* The entry for map key `key` (a repeated key starts afresh: Go decodes
 * each map value into a new struct). */
static auth_entry *entry_for(auth_file *f, const char *key, size_t n, bool reset)
{
    for (size_t i = 0; i < f->nauths; i++) {
        auth_entry *e = &f->auths[i];
        if (strlen(e->key) == n && memcmp(e->key, key, n) == 0) {
            if (reset) {
                wipe_free_str(e->auth);
                wipe_free_str(e->identity_token);
                e->auth = e->identity_token = NULL;
            }
            return e;
        }
    }
    if (f->nauths == f->cap_auths) {
        f->cap_auths = f->cap_auths ? 2 * f->cap_auths : 8;
        f->auths = xreallocarray(f->auths, f->cap_auths, sizeof(*f->auths));
    }
    auth_entry *e = &f->auths[f->nauths++];
    e->key = xstrndup(key, n);
    e->auth = e->identity_token = NULL;
    return e;
}

static void set_str(char **slot, const char *v, size_t n)
{
    wipe_free_str(*slot);
    *slot = xstrndup(v, n);
}

static void on_auth_file(void *ctx, const jscan_path *p, jscan_kind k, const char *v,
                         size_t n)
{
    auth_file *f = ctx;
    if (p->depth == 1 && k == JSCAN_STRING && jscan_field(p, 0, "credsStore")) {
        set_str(&f->store, v, n);
    } else if (p->depth == 2 && k == JSCAN_STRING && p->key[1] &&
               jscan_field(p, 0, "credHelpers")) {
        for (size_t i = 0; i < f->nhelpers; i++) {
            if (jscan_key(p, 1, f->helpers[i].key)) {
                set_str(&f->helpers[i].value, v, n);
                return;
            }
        }
        if (f->nhelpers == f->cap_helpers) {
            f->cap_helpers = f->cap_helpers ? 2 * f->cap_helpers : 8;
            f->helpers = xreallocarray(f->helpers, f->cap_helpers, sizeof(*f->helpers));
        }
        f->helpers[f->nhelpers].key = xstrndup(p->key[1], p->key_len[1]);
        f->helpers[f->nhelpers].value = xstrndup(v, n);
        f->nhelpers++;
    } else if (p->depth == 2 && k == JSCAN_OBJECT && p->key[1] &&
               jscan_field(p, 0, "auths")) {
        entry_for(f, p->key[1], p->key_len[1], true);
    } else if (p->depth == 3 && k == JSCAN_STRING && p->key[1] &&
               jscan_field(p, 0, "auths")) {
        auth_entry *e = entry_for(f, p->key[1], p->key_len[1], false);
        if (jscan_field(p, 2, "auth"))
            set_str(&e->auth, v, n);
        else if (jscan_field(p, 2, "identitytoken"))
            set_str(&e->identity_token, v, n);
    }
}

/* 1: read, 0: no such file, -1: error in *err. The buffer is wiped by the
 * caller. */
static int read_auth_file(const char *path, char **data, size_t *len, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        *err = xstrdup(strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        *err = xstrdup("not a regular file");
        return -1;
    }
    if (st.st_size > (off_t)CREDS_FILE_MAX) {
        close(fd);
        *err = xstrdup("larger than 4 MiB");
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *err = xstrdup(strerror(errno));
            wipe_free(buf, cap);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n == cap) {         /* grew since fstat */
            *err = xstrdup("changed while being read");
            wipe_free(buf, cap);
            close(fd);
            return -1;
        }
    }
    close(fd);
    *data = buf;
    *len = n;
    return 1;
}

/* "docker.io" and its aliases are one registry for key matching. */
static const char *normalize_registry(const char *r, size_t n, size_t *out_n)
{
    if ((n == strlen(HUB) && memcmp(r, HUB, n) == 0) ||
        (n == strlen("registry-1.docker.io") && memcmp(r, "registry-1.docker.io", n) == 0)) {
        *out_n = strlen(HUB_INDEX);
        return HUB_INDEX;
    }
    *out_n = n;
    return r;
}

/* An auths key written as a URL or a bare host, reduced to the host. */
static bool key_names_registry(const char *key, const char *domain)
{
    const char *k = key;
    bool url = false;
    if (strncmp(k, "https://", 8) == 0) {
        k += 8;
        url = true;
    } else if (strncmp(k, "http://", 7) == 0) {
        k += 7;
        url = true;
    }
    size_t klen = url ? strcspn(k, "/") : strlen(k);
    size_t a_n, b_n;
    const char *a = normalize_registry(k, klen, &a_n);
    const char *b = normalize_registry(domain, strlen(domain), &b_n);
    return a_n == b_n && memcmp(a, b, a_n) == 0;
}

static const auth_entry *find_entry(const auth_file *f, const char *key)
{
    for (size_t i = 0; i < f->nauths; i++)
        if (strcmp(f->auths[i].key, key) == 0)
            return &f->auths[i];
    return NULL;
}

/* The most specific auths entry: "domain/path", its parents, "domain",
 * then keys naming the registry in another form. */
static const auth_entry *best_entry(const auth_file *f, const char *domain,
                                    const char *path)
{
    char *key = xasprintf("%s/%s", domain, path);
    const auth_entry *e = NULL;
    for (;;) {
        e = find_entry(f, key);
        if (e)
            break;
        char *slash = strrchr(key, '/');
        if (!slash)
            break;
        *slash = '\0';
    }
    free(key);
    for (size_t i = 0; !e && i < f->nauths; i++)
        if (key_names_registry(f->auths[i].key, domain))
            e = &f->auths[i];
    return e;
}

/* Credentials of an auths entry; false when it holds none (Docker leaves
 * "auths": {"host": {}} behind when a helper keeps the secret). */
static bool entry_creds(const auth_entry *e, reg_creds *out)
{
    if (e->identity_token && *e->identity_token) {
        out->identity_token = xstrdup(e->identity_token);
        return true;
    }
    if (!e->auth || !*e->auth)
        return false;
    size_t n;
    char *raw = b64_decode(e->auth, strlen(e->auth), &n);
    if (!raw)
        return false;
    char *colon = memchr(raw, ':', n);
    if (!colon) {
        wipe_free(raw, n + 1);
        return false;
    }
    /* containers/image trims NULs around the password. */
    char *pass = colon + 1, *end = raw + n;
    while (pass < end && *pass == '\0')
        pass++;
    while (end > pass && end[-1] == '\0')
        end--;
    out->username = xstrndup(raw, (size_t)(colon - raw));
    out->password = xstrndup(pass, (size_t)(end - pass));
    wipe_free(raw, n + 1);
    return true;
}

static const char *helper_for(const auth_file *f, const char *domain)
{
    static const char *const hub_keys[] = {HUB_URL, HUB, HUB_INDEX, "registry-1.docker.io"};
    bool hub = strcmp(domain, HUB) == 0;
    for (size_t k = 0; k < (hub ? 4 : 1); k++) {
        const char *want = hub ? hub_keys[k] : domain;
        for (size_t i = 0; i < f->nhelpers; i++)
            if (strcmp(f->helpers[i].key, want) == 0 && *f->helpers[i].value)
                return f->helpers[i].value;
    }
    return NULL;
}

/* Ask helper `name`, Docker Hub under both of its names. 1: found,
 * 0: not found, -1: the helper failed (noted). */
static int ask_helper(const char *name, const char *domain, reg_creds *out)
{
    bool hub = strcmp(domain, HUB) == 0;
    const char *urls[2] = {hub ? HUB_URL : domain, hub ? HUB : NULL};
    for (size_t i = 0; i < 2 && urls[i]; i++) {
        char *why = NULL;
        reg_creds got;
        cred_helper_result r = cred_helper_get(name, urls[i], CREDS_HELPER_TIMEOUT_MS,
                                               &got, &why);
        if (r == CRED_HELPER_FOUND) {
            char *note = out->note;
            *out = got;
            out->note = note;
            out->source = xasprintf("docker-credential-%s", name);
            return 1;
        }
        if (r == CRED_HELPER_FAILED) {
            if (!out->note)
                out->note = xasprintf("credential helper docker-credential-%s %s", name, why);
            free(why);
            return -1;
        }
    }
    return 0;
}

/* 1: found, 0: nothing for this registry, -1: error in *err. */
static int lookup_file(const char *file, const char *domain, const char *path,
                       reg_creds *out, char **err)
{
    char *data = NULL;
    size_t len = 0;
    char *why = NULL;
    int r = read_auth_file(file, &data, &len, &why);
    if (r <= 0) {
        if (r < 0) {
            *err = xasprintf("reading %s: %s", file, why);
            free(why);
        }
        return r;
    }
    auth_file f = {0};
    const char *jerr = NULL;
    bool parsed = jscan(data, len, on_auth_file, &f, &jerr);
    wipe_free(data, len + 1);
    if (!parsed) {
        auth_file_free(&f);
        *err = xasprintf("reading %s: not JSON (%s)", file, jerr);
        return -1;
    }

    int found = 0;
    const char *helper = helper_for(&f, domain);
    if (helper) {
        /* A per-registry helper is the only place to look. */
        found = ask_helper(helper, domain, out) > 0;
    } else {
        if (f.store && *f.store)
            found = ask_helper(f.store, domain, out) > 0;
        const auth_entry *e = found ? NULL : best_entry(&f, domain, path);
        if (e && entry_creds(e, out)) {
            out->source = xstrdup(file);
            found = 1;
        }
    }
    auth_file_free(&f);
    return found;
}

static char *join(const char *dir, const char *rel)
{
    return xasprintf("%s/%s", dir, rel);
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* The files to look at, in order (malloc'd paths, NULL-terminated). */
static void auth_files(const reg_options *o, char *files[5])
{
    size_t n = 0;
    const char *given = o->auth_file ? o->auth_file : env("REGISTRY_AUTH_FILE");
    if (given) {
        files[n++] = xstrdup(given);
    } else {
        const char *home = env("HOME");
        const char *runtime = env("XDG_RUNTIME_DIR");
        if (runtime) {
            files[n++] = join(runtime, "containers/auth.json");
        } else {
            char buf[64];
            snprintf(buf, sizeof(buf), "/run/containers/%u/auth.json", (unsigned)getuid());
            files[n++] = xstrdup(buf);
        }
        const char *config = env("XDG_CONFIG_HOME");
        if (config)
            files[n++] = join(config, "containers/auth.json");
        else if (home)
            files[n++] = join(home, ".config/containers/auth.json");
        const char *docker = env("DOCKER_CONFIG");
        if (docker)
            files[n++] = join(docker, "config.json");
        else if (home)
            files[n++] = join(home, ".docker/config.json");
    }
    files[n] = NULL;
}

bool creds_lookup(const reg_options *o, const char *domain, const char *path,
                  reg_creds *out, char **err)
{
    memset(out, 0, sizeof(*out));
    *err = NULL;
    if (o->username) {
        out->username = xstrdup(o->username);
        out->password = xstrdup(o->password ? o->password : "");
        out->source = xstrdup("the given credentials");
        return true;
    }
    char *files[5];
    auth_files(o, files);
    int r = 0;
    for (size_t i = 0; files[i] && r == 0; i++)
        r = lookup_file(files[i], domain, path, out, err);
    for (size_t i = 0; files[i]; i++)
        free(files[i]);
    if (r < 0) {
        creds_wipe(out);
        return false;
    }
    return true;
}
