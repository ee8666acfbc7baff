/*
 * Directory arguments: `bosun lint .` checks every Dockerfile below the
 * directory, in a stable (sorted) order, without following symbolic links
 * to directories (no loops) and without entering VCS metadata.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "util/xalloc.h"

/* Deeper trees are not searched (a symlink-free loop is impossible, but a
 * hostile tree can still be absurdly deep). */
#define MAX_DEPTH 64

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

bool cli_is_dockerfile_name(const char *name)
{
    /* Files that share the prefix but are not Dockerfiles: BuildKit's
     * per-Dockerfile ignore files, editor and patch leftovers. */
    static const char *const not_dockerfiles[] = {
        ".dockerignore", "~", ".swp", ".orig", ".rej", ".bak", NULL,
    };
    for (const char *const *s = not_dockerfiles; *s; s++)
        if (has_suffix(name, *s))
            return false;
    return strncmp(name, "Dockerfile", 10) == 0 ||
           strncmp(name, "Containerfile", 13) == 0 ||
           has_suffix(name, ".Dockerfile") || has_suffix(name, ".dockerfile");
}

static bool skipped_dir(const char *name)
{
    return !strcmp(name, ".git") || !strcmp(name, ".hg") ||
           !strcmp(name, ".svn");
}

void cli_paths_add(cli_paths *p, const char *path)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->items = xreallocarray(p->items, p->cap, sizeof(char *));
    }
    p->items[p->n++] = xstrdup(path);
}

void cli_paths_free(cli_paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i]);
    free(p->items);
    memset(p, 0, sizeof(*p));
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* `dir`/`name`, without a "./" prefix for the current directory. */
static char *join(const char *dir, const char *name)
{
    if (strcmp(dir, ".") == 0)
        return xstrdup(name);
    size_t n = strlen(dir);
    bool slash = n && dir[n - 1] == '/';
    size_t len = n + !slash + strlen(name) + 1;
    char *path = xmalloc(len);
    snprintf(path, len, "%s%s%s", dir, slash ? "" : "/", name);
    return path;
}

static void walk(const char *dir, int depth, cli_paths *out)
{
    if (depth > MAX_DEPTH)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    cli_paths names = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            cli_paths_add(&names, e->d_name);
    closedir(d);
    if (names.n)
        qsort(names.items, names.n, sizeof(char *), compare_names);

    for (size_t i = 0; i < names.n; i++) {
        char *path = join(dir, names.items[i]);
        struct stat st;
        if (lstat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                if (!skipped_dir(names.items[i]))
                    walk(path, depth + 1, out);
            } else if (cli_is_dockerfile_name(names.items[i]) &&
                       stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                cli_paths_add(out, path);
            }
        }
        free(path);
    }
    cli_paths_free(&names);
}

size_t cli_find_dockerfiles(const char *dir, cli_paths *out)
{
    size_t before = out->n;
    walk(dir, 0, out);
    return out->n - before;
}

bool cli_is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
