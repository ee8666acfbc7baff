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

/* The root of the git work tree holding the current directory (the
 * directory holding .git), malloc'd, or NULL when there is none. */
static char *work_tree_root(void)
{
    char *dir = getcwd(NULL, 0);
    if (!dir)
        return NULL;
    for (;;) {
        char *git = path_in(dir, ".git");
        bool root = exists(git);
        free(git);
        if (root)
            return dir;
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            break;
        *slash = '\0';
    }
    free(dir);
    return NULL;
}

/* The configuration file that applies here, malloc'd, or NULL; *root:
 * the directory it must stay in (the work tree, else the current
 * directory), malloc'd. */
static char *find_config(char **root)
{
    *root = work_tree_root();
    if (exists(CONFIG_NAME)) {
        if (!*root)
            *root = getcwd(NULL, 0);
        return xstrdup(CONFIG_NAME);
    }
    if (!*root)
        return NULL; /* no work tree: none */
    char *candidate = path_in(*root, CONFIG_NAME);
    if (exists(candidate))
        return candidate;
    free(candidate);
    return NULL;
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

bool cli_load_config(bosun_config *cfg, const char *path)
{
    char *root = NULL;
    char *found = path ? NULL : find_config(&root);
    if (!path && !found) {
        free(root);
        return true; /* no configuration: the defaults */
    }
    const char *file = path ? path : found;
    if (found && !stays_inside(found, root)) {
        fprintf(stderr, "%s: a symbolic link out of %s: not read (name a "
                        "configuration file with --config)\n",
                found, root ? root : "the current directory");
        free(found);
        free(root);
        return false;
    }
    free(root);
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
    free(found);
    return ok;
}
