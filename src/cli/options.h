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
    CLI_OPT_SEVERITY,
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
    {"no-color", no_argument, NULL, CLI_OPT_NO_COLOR},                      \
    {"output", required_argument, NULL, 'o'},                                \
    {"severity", required_argument, NULL, CLI_OPT_SEVERITY}

/* Their lines in a command's --help. */
#define CLI_HELP_FORMAT                                                      \
    "  -f, --format FMT           tty (default on a terminal), plain (default\n" \
    "                             otherwise), json, sarif, checkstyle, gitlab,\n" \
    "                             github, gnu\n"                              \
    "  -o, --output FILE          write the report to FILE instead of standard\n" \
    "                             output\n"                                    \
    "      --severity LEVELS      show only findings of these severities\n"   \
    "                             (error,warning,info); the exit status\n"    \
    "                             counts only what is shown\n"
#define CLI_HELP_COMMON                                                      \
    "      --ignore RULE[,RULE]   do not report these rules, repeatable\n"    \
    "      --failure-threshold L  lowest severity that fails the run:\n"       \
    "                             info, warning (default), error, none\n"     \
    "  -c, --config FILE          read this configuration file (also\n"      \
    "                             BOSUN_CONFIG) instead of the nearest\n"    \
    "                             .bosun.yaml: in the Dockerfile's directory\n" \
    "                             or above, up to the git work tree's root\n" \
    "      --no-config            do not read a configuration file\n"         \
    "      --no-color             no colour in tty output (also NO_COLOR)\n"

/* Their short forms, for the getopt string. */
#define CLI_COMMON_SHORT_OPTIONS "f:c:o:"

/* --severity: one bit per bosun_severity. */
#define CLI_SEVERITY_ALL 0x7u

typedef struct cli_options {
    const char *command;   /* "lint", "image": for messages */
    bosun_format format;
    bool format_given;     /* --format: else chosen by where output goes */
    bool no_color;
    const char *output;    /* -o FILE, or NULL: standard output */
    unsigned shown;        /* --severity: severities shown (bit mask) */
    const char *config_path;
    bool no_config;
    int threshold;      /* -1: not given */
    cli_paths ignored;  /* applied after the configuration file */
} cli_options;

/* Defaults: tty on a terminal, else plain; NO_COLOR from the
 * environment. `command` is the command's name, for messages. */
void cli_options_init(cli_options *o, const char *command);
void cli_options_free(cli_options *o);

/*
 * Handles getopt's `c` (with `arg`) when it is a shared option. Returns
 * 1 when handled, 0 when it is not a shared option, and -1 after printing
 * why `arg` is not valid.
 */
int cli_options_handle(cli_options *o, int c, const char *arg);

/*
 * getopt's complaint about an unknown option or a missing value, said in
 * one line ("bosun lint: unknown option --foo (see 'bosun lint --help')")
 * rather than by getopt: getopt repeats the whole argument, and a
 * mistyped option (--cred=USER:PASS) would show a password. `c` is what
 * getopt returned (':' or '?'; the option string starts with ':' and
 * opterr is 0); `long_options` the command's table.
 */
void cli_bad_option(const char *command, int c, char **argv,
                    const struct option *long_options);

/*
 * Which configuration file applies to `path` (a linted file; NULL: the
 * current directory, for standard input and images): --config FILE, else
 * $BOSUN_CONFIG, else the one cli_find_config finds; *file is NULL when
 * none applies (or --no-config). *root: NULL for a file named by the
 * user, else the directory a found one must stay in. Both malloc'd.
 * False after saying that --config and --no-config exclude each other.
 */
bool cli_options_config_file(const cli_options *o, const char *path,
                             char **file, char **root);

/* Applies the command line (--ignore, --failure-threshold) over a
 * configuration read from a file. */
void cli_options_apply(cli_options *o, bosun_config *cfg);

/*
 * The configuration that applies to `path` (a linted file; NULL: the
 * current directory's, for standard input and images): --config FILE,
 * else $BOSUN_CONFIG, else the nearest .bosun.yaml found by looking
 * (cli_find_config), else none; --no-config: none. Loads it into `cfg`,
 * then applies the command line over it. Returns false after printing
 * the error (a bad file, or --config with --no-config).
 */
bool cli_options_configure(cli_options *o, bosun_config *cfg,
                           const char *path);

/* Does a finding of `report` from index `from` on fail the run: shown
 * (--severity) and at or above `cfg`'s failure threshold? */
bool cli_options_fails(const cli_options *o, const bosun_config *cfg,
                       const bosun_report *report, size_t from);

/*
 * Drops what --severity hides, sorts and writes `report` (errors to
 * stderr as `file:line: message`, findings in the chosen format to
 * standard output or -o FILE; in the formats for people a summary line
 * follows: `inputs` inputs checked, each called `noun`) and returns the
 * exit status: 2 when an input could not be read or the output written,
 * 1 when `failed`, else 0.
 */
int cli_options_finish(const cli_options *o, bosun_report *report,
                       bool failed, const char *noun, size_t inputs);

#endif
