/* bosun lint [options] PATH... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bosun/bosun.h"
#include "cli/cli.h"

static void lint_usage(FILE *out)
{
    fputs("usage: bosun lint [options] PATH...\n"
          "\n"
          "Checks Dockerfiles. PATH is a file, a directory (every Dockerfile*,\n"
          "Containerfile*, *.Dockerfile and *.dockerfile below it) or `-` for\n"
          "standard input.\n"
          "\n"
          "options:\n"
          "  -f, --format FMT           tty (default on a terminal), plain (default\n"
          "                             otherwise), json, sarif, checkstyle, gitlab,\n"
          "                             github\n"
          "      --build-arg NAME[=V]   value of a build argument (NAME alone: from\n"
          "                             the environment), repeatable\n"
          "      --target STAGE         the stage that becomes the image\n"
          "      --ignore RULE          do not report RULE, repeatable\n"
          "      --failure-threshold L  lowest severity that fails the run:\n"
          "                             info, warning (default), error, none\n"
          "  -c, --config FILE          read this configuration file instead of\n"
          "                             .bosun.yaml (current directory, then the\n"
          "                             root of the git work tree)\n"
          "      --no-config            do not read a configuration file\n"
          "      --no-color             no colour in tty output (also NO_COLOR)\n"
          "      --stdin-filename NAME  name used for `-` in the report\n"
          "  -h, --help                 show this help\n"
          "\n"
          "Suppress findings with a comment before an instruction:\n"
          "  # bosun ignore=rule-a,rule-b      or, for the whole file,\n"
          "  # bosun global ignore=rule-a\n"
          "\n"
          "exit status: 0 clean, 1 findings at or above the threshold,\n"
          "2 bad usage, a bad configuration, or a file that cannot be read or\n"
          "parsed (the other files are still checked)\n",
          out);
}

enum {
    OPT_BUILD_ARG = 256,
    OPT_TARGET,
    OPT_IGNORE,
    OPT_THRESHOLD,
    OPT_NO_CONFIG,
    OPT_NO_COLOR,
    OPT_STDIN_NAME,
};

static const struct option long_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"build-arg", required_argument, NULL, OPT_BUILD_ARG},
    {"target", required_argument, NULL, OPT_TARGET},
    {"ignore", required_argument, NULL, OPT_IGNORE},
    {"failure-threshold", required_argument, NULL, OPT_THRESHOLD},
    {"config", required_argument, NULL, 'c'},
    {"no-config", no_argument, NULL, OPT_NO_CONFIG},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"stdin-filename", required_argument, NULL, OPT_STDIN_NAME},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* What the command line asked for. Rules to ignore and the threshold are
 * applied after the configuration file, which they override. */
typedef struct lint_options {
    bosun_format format;
    bool no_color;
    const char *stdin_name;
    const char *config_path;
    bool no_config;
    int threshold;             /* -1: not given */
    cli_paths ignored;
} lint_options;

static void print_error(const bosun_error *e)
{
    if (e->line)
        fprintf(stderr, "%s:%u: %s\n", e->file, e->line, e->message);
    else
        fprintf(stderr, "%s: %s\n", e->file, e->message);
}

static void add_build_arg(bosun_config *cfg, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (eq) {
        char *name = strndup(arg, (size_t)(eq - arg));
        bosun_config_add_build_arg(cfg, name, eq + 1);
        free(name);
    } else if (getenv(arg)) {
        bosun_config_add_build_arg(cfg, arg, getenv(arg));
    }
}

/* Parses the options; returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, lint_options *o,
                         bosun_config *cfg)
{
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:c:h", long_options, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!bosun_format_parse(optarg, &o->format)) {
                cli_error("unknown format '%s' (%s)", optarg,
                          bosun_format_names());
                return EXIT_BAD_INPUT;
            }
            break;
        case OPT_BUILD_ARG:
            add_build_arg(cfg, optarg);
            break;
        case OPT_TARGET:
            bosun_config_set_target(cfg, optarg);
            break;
        case OPT_IGNORE:
            if (!bosun_rule_find(optarg)) {
                cli_error("--ignore: unknown rule '%s' (see 'bosun rules')",
                          optarg);
                return EXIT_BAD_INPUT;
            }
            cli_paths_add(&o->ignored, optarg);
            break;
        case OPT_THRESHOLD:
            if (!bosun_threshold_parse(optarg, &o->threshold)) {
                cli_error("--failure-threshold: expected info, warning, "
                          "error or none, not '%s'", optarg);
                return EXIT_BAD_INPUT;
            }
            break;
        case 'c':
            o->config_path = optarg;
            break;
        case OPT_NO_CONFIG:
            o->no_config = true;
            break;
        case OPT_NO_COLOR:
            o->no_color = true;
            break;
        case OPT_STDIN_NAME:
            o->stdin_name = optarg;
            break;
        case 'h':
            lint_usage(stdout);
            return EXIT_CLEAN;
        default:
            lint_usage(stderr);
            return EXIT_BAD_INPUT;
        }
    }
    if (o->config_path && o->no_config) {
        cli_error("--config and --no-config exclude each other");
        return EXIT_BAD_INPUT;
    }
    if (optind >= argc) {
        cli_error("lint: no Dockerfile given (try 'bosun lint .' or "
                  "'bosun lint --help')");
        return EXIT_BAD_INPUT;
    }
    return -1;
}

/* Lints one file (or standard input for "-"). */
static void lint_file(const bosun_config *cfg, const char *path,
                      const char *name, bosun_report *report)
{
    size_t len;
    const char *err;
    char *data = cli_read_file(path, BOSUN_MAX_DOCKERFILE_SIZE, &len, &err);
    if (!data) {
        bosun_report_add_error(report, name, 0, err);
        return;
    }
    bosun_lint_dockerfile(cfg, name, data, len, report);
    free(data);
}

/* Lints what the command line names: files, directories, "-". */
static void lint_paths(const bosun_config *cfg, const lint_options *o,
                       char **paths, int npaths, bosun_report *report)
{
    bool stdin_read = false;
    for (int i = 0; i < npaths; i++) {
        const char *path = paths[i];
        if (strcmp(path, "-") == 0) {
            if (stdin_read)
                bosun_report_add_error(report, o->stdin_name, 0,
                                       "standard input is given twice");
            else
                lint_file(cfg, path, o->stdin_name, report);
            stdin_read = true;
        } else if (cli_is_directory(path)) {
            cli_paths found = {0};
            if (cli_find_dockerfiles(path, &found) == 0)
                bosun_report_add_error(report, path, 0,
                                       "no Dockerfile in this directory "
                                       "(Dockerfile*, Containerfile*, "
                                       "*.Dockerfile, *.dockerfile)");
            for (size_t k = 0; k < found.n; k++)
                lint_file(cfg, found.items[k], found.items[k], report);
            cli_paths_free(&found);
        } else {
            lint_file(cfg, path, path, report);
        }
    }
}

int cmd_lint(int argc, char **argv)
{
    const char *no_color_env = getenv("NO_COLOR");
    lint_options o = {
        .format = isatty(STDOUT_FILENO) ? BOSUN_FORMAT_TTY : BOSUN_FORMAT_PLAIN,
        .no_color = no_color_env && *no_color_env,
        .stdin_name = "<stdin>",
        .threshold = -1,
    };
    bosun_config *cfg = bosun_config_new();
    int status = parse_options(argc, argv, &o, cfg);
    if (status >= 0)
        goto out;
    status = EXIT_BAD_INPUT;
    if (!o.no_config && !cli_load_config(cfg, o.config_path))
        goto out;
    for (size_t i = 0; i < o.ignored.n; i++)
        bosun_config_ignore(cfg, o.ignored.items[i]);
    if (o.threshold >= 0)
        bosun_config_set_failure_threshold(cfg, o.threshold);
    if (o.format == BOSUN_FORMAT_TTY && o.no_color)
        o.format = BOSUN_FORMAT_PLAIN;

    bosun_report *report = bosun_report_new();
    lint_paths(cfg, &o, argv + optind, argc - optind, report);
    bosun_report_sort(report);
    for (size_t i = 0; i < bosun_report_error_count(report); i++)
        print_error(bosun_report_error(report, i));
    bool written = bosun_report_write(report, o.format, stdout) &&
                   fflush(stdout) == 0;
    if (!written)
        cli_error("error writing the report");

    if (bosun_report_error_count(report) || !written)
        status = EXIT_BAD_INPUT;
    else if (bosun_report_max_severity(report) >=
             bosun_config_failure_threshold(cfg))
        status = EXIT_FINDINGS;
    else
        status = EXIT_CLEAN;
    bosun_report_free(report);
out:
    cli_paths_free(&o.ignored);
    bosun_config_free(cfg);
    return status;
}
