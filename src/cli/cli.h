/* The command-line tool: one function per sub-command. */
#ifndef BOSUN_CLI_CLI_H
#define BOSUN_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

/* Exit statuses (RULES.md). */
enum {
    EXIT_CLEAN = 0,
    EXIT_FINDINGS = 1,
    EXIT_BAD_INPUT = 2,
};

int cmd_lint(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_image(int argc, char **argv);
/* Run `bosun image` in the bosun-image executable (exec; returns only on
 * failure). */
int cli_run_image(int argc, char **argv);

/* Reads a whole file (or stdin for "-") of at most `max` bytes into a
 * malloc'd buffer. On failure returns NULL and sets *error. */
char *cli_read_file(const char *path, size_t max, size_t *len,
                    const char **error);

/* Prints "bosun: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
