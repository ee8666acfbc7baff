/* bosun lint [options] PATH... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bosun/bosun.h"
#include "cli/cli.h"
#include "cli/options.h"

static void lint_usage(FILE *out)
{
    fputs("usage: bosun lint [options] PATH...\n"
          "\n"
          "Checks Dockerfiles. PATH is a file, a directory (every Dockerfile*,\n"
          "Containerfile*, *.Dockerfile and *.dockerfile below it) or `-` for\n"
          "standard input.\n"
          "\n"
          "options:\n"
          CLI_HELP_FORMAT
          "      --build-arg NAME[=V]   value of a build argument (NAME alone: from\n"
          "                             the environment), repeatable\n"
          "      --target STAGE         the stage that becomes the image\n"
          CLI_HELP_COMMON
          "      --stdin-filename NAME  name used for `-` in the report\n"
          "      --no-hadolint-pragmas  do not honour `# hadolint ignore=` comments\n"
          "  -h, --help                 show this help\n"
          "\n"
          "Suppress findings with a comment before an instruction:\n"
          "  # bosun ignore=rule-a,rule-b      or, for the whole file,\n"
          "  # bosun global ignore=rule-a\n"
          "`# hadolint ignore=DL3008` on the line before an instruction (and\n"
          "`# hadolint global ignore=`) silence the bosun rules those codes\n"
          "correspond to (`bosun rules --hadolint`).\n"
          "\n"
          "exit status: 0 clean, 1 findings at or above the threshold,\n"
          "2 bad usage, a bad configuration, or a file that cannot be read or\n"
          "parsed (the other files are still checked)\n",
          out);
}

enum {
    OPT_BUILD_ARG = CLI_OPT_OWN,
    OPT_TARGET,
    OPT_STDIN_NAME,
    OPT_NO_HADOLINT_PRAGMAS,
};

static const struct option long_options[] = {
    CLI_COMMON_LONG_OPTIONS,
    {"build-arg", required_argument, NULL, OPT_BUILD_ARG},
    {"target", required_argument, NULL, OPT_TARGET},
    {"stdin-filename", required_argument, NULL, OPT_STDIN_NAME},
    {"no-hadolint-pragmas", no_argument, NULL, OPT_NO_HADOLINT_PRAGMAS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

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

/* What the lint command line says beyond the shared options. */
typedef struct lint_args {
    const char *stdin_name;
    bool no_hadolint_pragmas; /* applied over the configuration file */
} lint_args;

/* Parses the options; returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, cli_options *o,
                         lint_args *args, bosun_config *cfg)
{
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT_OPTIONS "h",
                            long_options, NULL)) != -1) {
        int shared = cli_options_handle(o, c, optarg);
        if (shared < 0)
            return EXIT_BAD_INPUT;
        if (shared)
            continue;
        switch (c) {
        case OPT_BUILD_ARG:
            add_build_arg(cfg, optarg);
            break;
        case OPT_TARGET:
            bosun_config_set_target(cfg, optarg);
            break;
        case OPT_STDIN_NAME:
            args->stdin_name = optarg;
            break;
        case OPT_NO_HADOLINT_PRAGMAS:
            args->no_hadolint_pragmas = true;
            break;
        case 'h':
            lint_usage(stdout);
            return EXIT_CLEAN;
        default:
            lint_usage(stderr);
            return EXIT_BAD_INPUT;
        }
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
static void lint_paths(const bosun_config *cfg, const char *stdin_name,
                       char **paths, int npaths, bosun_report *report)
{
    bool stdin_read = false;
    for (int i = 0; i < npaths; i++) {
        const char *path = paths[i];
        if (strcmp(path, "-") == 0) {
            if (stdin_read)
                bosun_report_add_error(report, stdin_name, 0,
                                       "standard input is given twice");
            else
                lint_file(cfg, path, stdin_name, report);
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
    cli_options o;
    cli_options_init(&o);
    lint_args args = {.stdin_name = "<stdin>"};
    bosun_config *cfg = bosun_config_new();
    int status = parse_options(argc, argv, &o, &args, cfg);
    if (status >= 0)
        goto out;
    status = EXIT_BAD_INPUT;
    if (!cli_options_configure(&o, cfg))
        goto out;
    if (args.no_hadolint_pragmas)
        bosun_config_set_hadolint_pragmas(cfg, false);
    bosun_report *report = bosun_report_new();
    lint_paths(cfg, args.stdin_name, argv + optind, argc - optind, report);
    status = cli_options_finish(&o, cfg, report);
    bosun_report_free(report);
out:
    cli_options_free(&o);
    bosun_config_free(cfg);
    return status;
}
