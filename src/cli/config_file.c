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

/* The configuration file that applies here, malloc'd, or NULL. */
static char *find_config(void)
{
    if (exists(CONFIG_NAME))
        return xstrdup(CONFIG_NAME);
    char *dir = getcwd(NULL, 0);
    if (!dir)
        return NULL;
    /* Up to the root of the work tree: the directory holding .git. */
    char *found = NULL;
    for (;;) {
        char *git = path_in(dir, ".git");
        bool root = exists(git);
        free(git);
        if (root) {
            char *candidate = path_in(dir, CONFIG_NAME);
            if (exists(candidate))
                found = candidate;
            else
                free(candidate);
            break;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            break;
        *slash = '\0';
    }
    free(dir);
    return found;
}

bool cli_load_config(bosun_config *cfg, const char *path)
{
    char *found = path ? NULL : find_config();
    if (!path && !found)
        return true; /* no configuration: the defaults */
    const char *file = path ? path : found;
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
