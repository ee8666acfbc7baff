/*
 * Directory arguments: `bosun lint .` checks every Dockerfile below the
 * directory, in a stable (sorted) order, without following symbolic links
 * to directories (no loops) and without entering VCS metadata.
 *
 * A tree is untrusted input: a repository can commit `Dockerfile ->
 * /proc/self/environ` and have CI print its environment in the report, or
 * a FIFO that blocks the read for ever. So a Dockerfile that is a
 * symbolic link is read only when it resolves to a regular file inside
 * the walked directory, and anything else that is not a regular file is
 * skipped, each with a note on stderr.
 */
#include <dirent.h>
#include <limits.h>
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

bool cli_path_within(const char *path, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return path[0] == '/';
    return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* A Dockerfile-named entry that lstat says is not a regular file: is it a
 * symbolic link to be read? If not, a note says why it is skipped. */
static bool readable_link(const char *path, const struct stat *lst,
                          const char *root)
{
    if (!S_ISLNK(lst->st_mode)) {
        cli_note("%s: not a regular file (a FIFO, device or socket), "
                 "skipped", path);
        return false;
    }
    char *target = realpath(path, NULL);
    struct stat st;
    bool ok = false;
    if (!target)
        cli_note("%s: a symbolic link that resolves to nothing, skipped",
                 path);
    else if (!cli_path_within(target, root))
        cli_note("%s: a symbolic link out of the directory, skipped", path);
    else if (stat(target, &st) != 0 || !S_ISREG(st.st_mode))
        cli_note("%s: a symbolic link to something else than a regular "
                 "file, skipped", path);
    else
        ok = true;
    free(target);
    return ok;
}

static void walk(const char *dir, const char *root, int depth,
                 cli_paths *out)
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
                    walk(path, root, depth + 1, out);
            } else if (cli_is_dockerfile_name(names.items[i]) &&
                       (S_ISREG(st.st_mode) ||
                        readable_link(path, &st, root))) {
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
    char *root = realpath(dir, NULL);
    if (!root)
        return 0;
    walk(dir, root, 0, out);
    free(root);
    return out->n - before;
}

bool cli_is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
