/*
 * What `bosun lint` and `bosun image` share on their command lines: the
 * report format, the configuration file and what overrides it (--ignore,
 * --failure-threshold), colour, and how a finished report becomes output
 * and an exit status.
 */
#ifndef BOSUN_CLI_OPTIONS_H
#define BOSUN_CLI_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

#include "bosun/bosun.h"
#include "cli/cli.h"

/* getopt values of the shared long options; a command's own start at
 * CLI_OPT_OWN. */
enum {
    CLI_OPT_IGNORE = 256,
    CLI_OPT_THRESHOLD,
    CLI_OPT_NO_CONFIG,
    CLI_OPT_NO_COLOR,
    CLI_OPT_OWN,
};

/* The shared long options ("format", "ignore", ...; -f and -c): a
 * command's table starts with them. */
#define CLI_COMMON_LONG_OPTIONS                                              \
    {"format", required_argument, NULL, 'f'},                                \
    {"ignore", required_argument, NULL, CLI_OPT_IGNORE},                     \
    {"failure-threshold", required_argument, NULL, CLI_OPT_THRESHOLD},       \
    {"config", required_argument, NULL, 'c'},                                \
    {"no-config", no_argument, NULL, CLI_OPT_NO_CONFIG},                     \
    {"no-color", no_argument, NULL, CLI_OPT_NO_COLOR}

/* Their lines in a command's --help. */
#define CLI_HELP_FORMAT                                                      \
    "  -f, --format FMT           tty (default on a terminal), plain (default\n" \
    "                             otherwise), json, sarif, checkstyle, gitlab,\n" \
    "                             github\n"
#define CLI_HELP_COMMON                                                      \
    "      --ignore RULE          do not report RULE, repeatable\n"            \
    "      --failure-threshold L  lowest severity that fails the run:\n"       \
    "                             info, warning (default), error, none\n"     \
    "  -c, --config FILE          read this configuration file instead of\n"  \
    "                             .bosun.yaml (current directory, then the\n" \
    "                             root of the git work tree)\n"               \
    "      --no-config            do not read a configuration file\n"         \
    "      --no-color             no colour in tty output (also NO_COLOR)\n"

/* Their short forms, for the getopt string. */
#define CLI_COMMON_SHORT_OPTIONS "f:c:"

typedef struct cli_options {
    bosun_format format;
    bool no_color;
    const char *config_path;
    bool no_config;
    int threshold;      /* -1: not given */
    cli_paths ignored;  /* applied after the configuration file */
} cli_options;

/* Defaults: tty on a terminal, else plain; NO_COLOR from the
 * environment. */
void cli_options_init(cli_options *o);
void cli_options_free(cli_options *o);

/*
 * Handles getopt's `c` (with `arg`) when it is a shared option. Returns
 * 1 when handled, 0 when it is not a shared option, and -1 after printing
 * why `arg` is not valid.
 */
int cli_options_handle(cli_options *o, int c, const char *arg);

/*
 * Reads the configuration file (unless --no-config) into `cfg`, then
 * applies the command line over it. Returns false after printing the
 * error (bad file, or --config with --no-config).
 */
bool cli_options_configure(cli_options *o, bosun_config *cfg);

/*
 * Sorts and writes `report` (errors to stderr as `file:line: message`,
 * findings to stdout in the chosen format) and returns the exit status:
 * 2 when an input could not be read or the output written, 1 with
 * findings at or above the failure threshold, else 0.
 */
int cli_options_finish(const cli_options *o, const bosun_config *cfg,
                       bosun_report *report);

#endif
