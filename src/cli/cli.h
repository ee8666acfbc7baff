/* The command-line tool: one function per sub-command. */
#ifndef BOSUN_CLI_CLI_H
#define BOSUN_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "bosun/bosun.h"

/* Exit statuses (RULES.md). */
enum {
    EXIT_CLEAN = 0,
    EXIT_FINDINGS = 1,
    EXIT_BAD_INPUT = 2,
};

int cmd_lint(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_image(int argc, char **argv);
/* Run `bosun image` in the bosun-image executable (exec; returns only on
 * failure). */
int cli_run_image(int argc, char **argv);

/* Reads a whole file (or stdin for "-") of at most `max` bytes into a
 * malloc'd buffer. On failure returns NULL and sets *error. A named file
 * must be a regular file: a FIFO, device or socket is refused, without
 * blocking on it. */
char *cli_read_file(const char *path, size_t max, size_t *len,
                    const char **error);

/* Prints "bosun: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Flushes standard output and returns `status`, or EXIT_BAD_INPUT after
 * saying so when anything written to it was lost (a full disk, /dev/full):
 * output that was not written must never exit 0. */
int cli_flush_stdout(int status);

/* Prints "bosun: note: <message>" to stderr: something skipped. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable list of malloc'd paths (walk.c). */
typedef struct cli_paths {
    char **items;
    size_t n, cap;
} cli_paths;

void cli_paths_add(cli_paths *p, const char *path);
void cli_paths_free(cli_paths *p);
bool cli_is_directory(const char *path);
/* Dockerfile*, Containerfile*, *.Dockerfile, *.dockerfile (not
 * Dockerfile.dockerignore, nor editor backups). */
bool cli_is_dockerfile_name(const char *name);
/* Appends the Dockerfiles below `dir`, sorted; returns how many. Symbolic
 * links are followed only to regular files inside `dir`; what is skipped
 * gets a note on stderr. What git ignores is not walked (in a work tree),
 * nor what `cfg`'s exclude globs match (cfg may be NULL). */
size_t cli_find_dockerfiles(const char *dir, const bosun_config *cfg,
                            cli_paths *out);
/* Is the resolved path `path` `root` or below it (both absolute, without
 * symbolic links)? */
bool cli_path_within(const char *path, const char *root);

/*
 * The .bosun.yaml that applies to `path` (a file; NULL: the current
 * directory), found by looking (config_file.c): the nearest one in the
 * file's directory or above it, up to the root of the git work tree that
 * holds the directory; outside a work tree, only the directory itself.
 * When there is none there (and `path` is not NULL), the current
 * directory's the same way. Returns a malloc'd path, or NULL; *root is
 * the directory the file must stay in (the work tree, else the directory
 * it is in), malloc'd.
 */
char *cli_find_config(const char *path, char **root);

/*
 * Loads the configuration file `file` into `cfg`; `root`: NULL for a file
 * the user named, else (a found one) the directory it must resolve into,
 * and a relative `patterns:` too. A relative `patterns:` path is taken
 * from the file's directory. Returns false after printing `file:line:
 * message` when the file cannot be read or is invalid.
 */
bool cli_load_config(bosun_config *cfg, const char *file, const char *root);

#endif
