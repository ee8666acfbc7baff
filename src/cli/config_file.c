/* Finding and reading .bosun.yaml. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/xalloc.h"

#define CONFIG_NAME ".bosun.yaml"
#define CONFIG_MAX_SIZE (1u << 20)

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* `dir`/`name` in a malloc'd string. */
static char *path_in(const char *dir, const char *name)
{
    size_t len = strlen(dir) + 1 + strlen(name) + 1;
    char *p = xmalloc(len);
    snprintf(p, len, "%s%s%s", dir,
             dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    return p;
}

/* The directory holding `path` (a file; NULL: the current directory),
 * absolute and without symbolic links, so that walking up is taking off
 * the last component; malloc'd, or NULL when it does not resolve. */
static char *start_dir(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash)
        return realpath(".", NULL);
    if (slash == path)
        return xstrdup("/");
    char *dir = xstrndup(path, (size_t)(slash - path));
    char *real = realpath(dir, NULL);
    free(dir);
    return real;
}

/* Takes the last component off the absolute `dir`; false at "/". */
static bool to_parent(char *dir)
{
    char *slash = strrchr(dir, '/');
    if (!slash || (slash == dir && !dir[1]))
        return false;
    slash[slash == dir ? 1 : 0] = '\0';
    return true;
}

/*
 * The nearest .bosun.yaml in `start` or above, up to the root of the git
 * work tree (the directory holding .git) that holds `start`. Outside a
 * work tree only `start`'s own: a directory further up (/tmp, /home) is
 * anybody's, and its file no project's policy. *root: the work tree, or
 * `start`; both malloc'd, or NULL.
 */
static char *look_up(const char *start, char **root)
{
    char *dir = xstrdup(start);
    char *found = NULL;
    *root = NULL;
    for (;;) {
        if (!found) {
            char *candidate = path_in(dir, CONFIG_NAME);
            if (exists(candidate))
                found = candidate;
            else
                free(candidate);
        }
        char *git = path_in(dir, ".git");
        bool top = exists(git);
        free(git);
        if (top) {
            *root = dir;
            return found;
        }
        if (!to_parent(dir))
            break;
    }
    free(dir);
    char *own = path_in(start, CONFIG_NAME);
    if (found && !strcmp(found, own)) {
        free(own);
        *root = xstrdup(start);
        return found;
    }
    free(own);
    free(found);
    return NULL;
}

/* `file` (absolute) relative to the current directory when it is below
 * it, for messages. Takes `file`; returns a malloc'd string. */
static char *shorten(char *file)
{
    char *cwd = getcwd(NULL, 0);
    size_t n = cwd ? strlen(cwd) : 0;
    char *shown = file;
    if (cwd && n > 1 && !strncmp(file, cwd, n) && file[n] == '/') {
        shown = xstrdup(file + n + 1);
        free(file);
    }
    free(cwd);
    return shown;
}

char *cli_find_config(const char *path, char **root)
{
    *root = NULL;
    char *start = start_dir(path);
    char *found = start ? look_up(start, root) : NULL;
    free(start);
    if (!found && path) {
        free(*root);
        start = start_dir(NULL);
        found = start ? look_up(start, root) : NULL;
        free(start);
    }
    if (!found) {
        free(*root);
        *root = NULL;
        return NULL;
    }
    return shorten(found);
}

/*
 * A configuration file found by looking (not named on the command line)
 * is part of the repository: a symbolic link out of it (to a file of the
 * machine's, or /proc/self/environ) is not read, so that an outside
 * file's content never shows in an error message.
 */
static bool stays_inside(const char *file, const char *root)
{
    char *real_root = root ? realpath(root, NULL) : NULL;
    char *real_file = realpath(file, NULL);
    bool ok = real_root && real_file && cli_path_within(real_file, real_root);
    free(real_root);
    free(real_file);
    return ok;
}

/* The directory part of `file`, malloc'd ("." when it has none). */
static char *dir_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        return xstrdup(".");
    return slash == file ? xstrdup("/") : xstrndup(file, (size_t)(slash - file));
}

/*
 * patterns: a relative path is taken from the configuration file's
 * directory, wherever bosun runs. A found file's patterns must stay in
 * its work tree, as the file itself does: an error about a patterns file
 * may quote it.
 */
static bool resolve_patterns(bosun_config *cfg, const char *file,
                             const char *root)
{
    const char *patterns = bosun_config_patterns(cfg);
    if (!patterns)
        return true;
    char *resolved = NULL;
    if (patterns[0] != '/') {
        char *dir = dir_of(file);
        resolved = path_in(dir, patterns);
        free(dir);
    } else {
        resolved = xstrdup(patterns);
    }
    if (root && exists(resolved) && !stays_inside(resolved, root)) {
        fprintf(stderr, "%s: 'patterns' names a file out of %s: not read "
                        "(name it with --patterns)\n", file, root);
        free(resolved);
        return false;
    }
    bosun_config_set_patterns(cfg, resolved);
    free(resolved);
    return true;
}

bool cli_load_config(bosun_config *cfg, const char *file, const char *root)
{
    if (root && !stays_inside(file, root)) {
        fprintf(stderr, "%s: a symbolic link out of %s: not read (name a "
                        "configuration file with --config)\n",
                file, root);
        return false;
    }
    size_t len;
    const char *error;
    char *data = cli_read_file(file, CONFIG_MAX_SIZE, &len, &error);
    bool ok = data != NULL;
    if (!data) {
        fprintf(stderr, "%s: %s\n", file, error);
    } else {
        bosun_config_error err;
        ok = bosun_config_load_yaml(cfg, data, len, &err);
        if (!ok && err.line)
            fprintf(stderr, "%s:%u: %s\n", file, err.line, err.message);
        else if (!ok)
            fprintf(stderr, "%s: %s\n", file, err.message);
        free(data);
    }
    return ok && resolve_patterns(cfg, file, root);
}
