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
 *
 * What git ignores is skipped too, and what the configuration's
 * `exclude:` globs and --exclude name (relative to the walked directory).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* ------------------------------------------------------------ git */

/*
 * Which files git does not ignore, asked of git itself rather than by
 * reading .gitignore files: git's rules (nested .gitignore files,
 * negation, .git/info/exclude, core.excludesFile, and tracked files that
 * a pattern matches but that git still tracks) are git's to define, and
 * any reimplementation drifts from them. `git ls-files --cached --others
 * --exclude-standard -z` lists, relative to the directory it runs in,
 * the tracked files and the untracked ones that are not ignored; it
 * reads no untracked directory that is ignored, so node_modules or build
 * output costs nothing. git is run without a shell, with core.fsmonitor
 * off (a repository's own configuration must not run a program of its
 * choice), and when it cannot say (git missing, not a work tree), the
 * walk takes every file.
 */

/* A listing larger than this is not read: the walk takes every file. */
#define GIT_LIST_MAX (256u << 20)

typedef struct git_files {
    char *buf;          /* NUL-separated paths, malloc'd */
    char **paths;       /* into buf, sorted, malloc'd */
    size_t n;
} git_files;

static void git_files_free(git_files *g)
{
    if (!g)
        return;
    free(g->buf);
    free(g->paths);
    free(g);
}

extern char **environ;

/* Did git's stderr (`err`) say the repository is not safe to use? */
static bool git_refused(FILE *err)
{
    char line[512];
    rewind(err);
    while (fgets(line, sizeof(line), err))
        if (strstr(line, "dubious ownership") || strstr(line, "safe.directory"))
            return true;
    return false;
}

/* Runs `git -C dir ls-files ...`; NULL when git cannot say. */
static git_files *git_list(const char *dir)
{
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
                                     O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    /* git's complaint, read when it fails: a repository owned by another
     * user (CI containers) is refused unless safe.directory allows it,
     * and then the walk takes every file, which deserves a note. */
    FILE *err = tmpfile();
    if (err)
        posix_spawn_file_actions_adddup2(&fa, fileno(err), STDERR_FILENO);
    else
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
                                         O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    char *argv[] = {"git", "-C", (char *)dir, "-c", "core.fsmonitor=false",
                    "ls-files", "--cached", "--others", "--exclude-standard",
                    "-z", NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        if (err)
            fclose(err);
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    bool too_big = false;
    for (;;) {
        if (len + 65536 > cap) {
            cap = cap ? 2 * cap : 65536 * 2;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t got = read(fds[0], buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
        if (len > GIT_LIST_MAX) {
            too_big = true;
            break;
        }
    }
    close(fds[0]); /* git gets SIGPIPE if it was still writing */
    int status = 0;
    pid_t waited;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    bool failed = too_big || waited != pid || !WIFEXITED(status) ||
                  WEXITSTATUS(status) != 0;
    if (too_big)
        cli_note("%s: git lists more than %u MiB of files: .gitignore is "
                 "not applied", dir, GIT_LIST_MAX >> 20);
    else if (failed && err && git_refused(err))
        cli_note("%s: git refuses the repository (owned by another user; "
                 "see git's safe.directory): .gitignore is not applied",
                 dir);
    if (err)
        fclose(err);
    if (failed) {
        free(buf);
        return NULL;
    }
    git_files *g = xcalloc(1, sizeof(*g));
    g->buf = buf ? buf : xmalloc(1);
    g->buf[len] = '\0';
    size_t cap_paths = 0;
    for (size_t i = 0; i < len; i += strlen(g->buf + i) + 1) {
        if (g->n == cap_paths) {
            cap_paths = cap_paths ? 2 * cap_paths : 256;
            g->paths = xreallocarray(g->paths, cap_paths, sizeof(char *));
        }
        g->paths[g->n++] = g->buf + i;
    }
    if (g->n)
        qsort(g->paths, g->n, sizeof(char *), compare_names);
    return g;
}

/* Is the file `rel` (relative to git's directory) listed? */
static bool git_has_file(const git_files *g, const char *rel)
{
    return bsearch(&rel, g->paths, g->n, sizeof(char *), compare_names) !=
           NULL;
}

/* Does git list the directory `rel` or anything below it? A submodule
 * is listed as its path, an untracked repository as "rel/". */
static bool git_has_dir(const git_files *g, const char *rel)
{
    size_t n = strlen(rel);
    size_t lo = 0, hi = g->n;
    while (lo < hi) { /* the first path not below `rel` + "/" */
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(g->paths[mid], rel, n);
        if (c < 0 || (c == 0 && g->paths[mid][n] < '/'))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < g->n && !strncmp(g->paths[i], rel, n); i++) {
        char next = g->paths[i][n];
        if (next == '/' || next == '\0')
            return true;
        if (next > '/')
            break;
    }
    return false;
}

/* ------------------------------------------------------------ the walk */

typedef struct walk_ctx {
    const char *root;              /* the walked directory, resolved */
    const bosun_config *cfg;       /* exclude: (NULL: none) */
    cli_paths *out;
} walk_ctx;

/* Does `dir` hold a repository of its own (.git, a directory or, in a
 * submodule or worktree, a file)? */
static bool has_git(const char *dir)
{
    char *p = join(dir, ".git");
    struct stat st;
    bool yes = lstat(p, &st) == 0;
    free(p);
    return yes;
}

/*
 * Walks `dir`, `rel` below the walked directory ("" for itself); `git`
 * lists what git keeps of the work tree that starts at `rel_git` bytes
 * into `rel`'s components (NULL: no work tree, every file is taken). A
 * directory with a repository of its own (a submodule, a nested clone)
 * is asked of its own git.
 */
static void walk(walk_ctx *w, const char *dir, const char *rel,
                 const git_files *git, size_t rel_git, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    git_files *own = NULL;
    if (depth > 0 && has_git(dir)) {
        own = git_list(dir);
        git = own;
        rel_git = strlen(rel) + 1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        git_files_free(own);
        return;
    }
    cli_paths names = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            cli_paths_add(&names, e->d_name);
    closedir(d);
    if (names.n)
        qsort(names.items, names.n, sizeof(char *), compare_names);

    for (size_t i = 0; i < names.n; i++) {
        const char *name = names.items[i];
        char *path = join(dir, name);
        char *sub = *rel ? join(rel, name) : xstrdup(name);
        const char *in_git = sub + rel_git;
        struct stat st;
        if (bosun_config_excluded(w->cfg, sub) || lstat(path, &st) != 0) {
            /* skipped */
        } else if (S_ISDIR(st.st_mode)) {
            if (!skipped_dir(name) && (!git || git_has_dir(git, in_git)))
                walk(w, path, sub, git, rel_git, depth + 1);
        } else if (cli_is_dockerfile_name(name) &&
                   (!git || git_has_file(git, in_git)) &&
                   (S_ISREG(st.st_mode) ||
                    readable_link(path, &st, w->root))) {
            cli_paths_add(w->out, path);
        }
        free(sub);
        free(path);
    }
    cli_paths_free(&names);
    git_files_free(own);
}

size_t cli_find_dockerfiles(const char *dir, const bosun_config *cfg,
                            cli_paths *out)
{
    size_t before = out->n;
    char *root = realpath(dir, NULL);
    if (!root)
        return 0;
    walk_ctx w = {.root = root, .cfg = cfg, .out = out};
    git_files *git = git_list(dir);
    walk(&w, dir, "", git, 0, 0);
    git_files_free(git);
    free(root);
    return out->n - before;
}

bool cli_is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
