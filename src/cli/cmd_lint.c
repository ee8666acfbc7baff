/* bosun lint [options] FILE... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bosun/bosun.h"
#include "cli/cli.h"

static void lint_usage(FILE *out)
{
    fputs("usage: bosun lint [options] FILE...\n"
          "\n"
          "Checks Dockerfiles. FILE `-` reads standard input.\n"
          "\n"
          "options:\n"
          "  -f, --format FMT           tty (default on a terminal), plain, json\n"
          "      --build-arg NAME[=V]   value of a build argument (NAME alone:\n"
          "                             from the environment), repeatable\n"
          "      --target STAGE         the stage that becomes the image\n"
          "      --ignore RULE          do not report RULE, repeatable\n"
          "      --failure-threshold L  lowest severity that fails the run:\n"
          "                             info, warning (default), error, none\n"
          "      --no-config            do not read a configuration file\n"
          "      --no-color             no colour in tty output (also NO_COLOR)\n"
          "      --stdin-filename NAME  name used for `-` in the report\n"
          "  -h, --help                 show this help\n"
          "\n"
          "exit status: 0 clean, 1 findings at or above the threshold,\n"
          "2 bad usage or a file that cannot be read or parsed\n",
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
    {"no-config", no_argument, NULL, OPT_NO_CONFIG},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"stdin-filename", required_argument, NULL, OPT_STDIN_NAME},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void print_error(const bosun_error *e)
{
    if (e->line)
        fprintf(stderr, "%s:%u: %s\n", e->file, e->line, e->message);
    else
        fprintf(stderr, "%s: %s\n", e->file, e->message);
}

int cmd_lint(int argc, char **argv)
{
    bosun_config *cfg = bosun_config_new();
    bosun_format format = isatty(STDOUT_FILENO) ? BOSUN_FORMAT_TTY
                                                : BOSUN_FORMAT_PLAIN;
    int threshold = BOSUN_WARNING; /* -1 never... 3 means none */
    bool no_color = getenv("NO_COLOR") && *getenv("NO_COLOR");
    const char *stdin_name = "<stdin>";
    int status = EXIT_CLEAN;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", long_options, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!bosun_format_parse(optarg, &format)) {
                cli_error("unknown format '%s' (tty, plain, json)", optarg);
                status = EXIT_BAD_INPUT;
                goto out;
            }
            break;
        case OPT_BUILD_ARG: {
            const char *eq = strchr(optarg, '=');
            if (eq) {
                char *name = strndup(optarg, (size_t)(eq - optarg));
                bosun_config_add_build_arg(cfg, name, eq + 1);
                free(name);
            } else if (getenv(optarg)) {
                bosun_config_add_build_arg(cfg, optarg, getenv(optarg));
            }
            break;
        }
        case OPT_TARGET:
            bosun_config_set_target(cfg, optarg);
            break;
        case OPT_IGNORE:
            if (!bosun_config_ignore(cfg, optarg)) {
                cli_error("--ignore: unknown rule '%s' (see 'bosun rules')",
                          optarg);
                status = EXIT_BAD_INPUT;
                goto out;
            }
            break;
        case OPT_THRESHOLD: {
            bosun_severity s;
            if (!strcmp(optarg, "none")) {
                threshold = BOSUN_ERROR + 1;
            } else if (bosun_severity_parse(optarg, &s)) {
                threshold = (int)s;
            } else {
                cli_error("--failure-threshold: expected info, warning, "
                          "error or none, not '%s'", optarg);
                status = EXIT_BAD_INPUT;
                goto out;
            }
            break;
        }
        case OPT_NO_CONFIG:
            break; /* no configuration file is read yet */
        case OPT_NO_COLOR:
            no_color = true;
            break;
        case OPT_STDIN_NAME:
            stdin_name = optarg;
            break;
        case 'h':
            lint_usage(stdout);
            goto out;
        default:
            lint_usage(stderr);
            status = EXIT_BAD_INPUT;
            goto out;
        }
    }
    if (optind >= argc) {
        cli_error("lint: no Dockerfile given (try 'bosun lint --help')");
        status = EXIT_BAD_INPUT;
        goto out;
    }
    if (format == BOSUN_FORMAT_TTY && no_color)
        format = BOSUN_FORMAT_PLAIN;

    bosun_report *report = bosun_report_new();
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        const char *name = strcmp(path, "-") == 0 ? stdin_name : path;
        size_t len;
        const char *err;
        char *data = cli_read_file(path, BOSUN_MAX_DOCKERFILE_SIZE, &len, &err);
        if (!data) {
            bosun_report_add_error(report, name, 0, err);
            continue;
        }
        bosun_lint_dockerfile(cfg, name, data, len, report);
        free(data);
    }
    bosun_report_sort(report);
    for (size_t i = 0; i < bosun_report_error_count(report); i++)
        print_error(bosun_report_error(report, i));
    if (!bosun_report_write(report, format, stdout))
        cli_error("error writing the report");

    if (bosun_report_error_count(report))
        status = EXIT_BAD_INPUT;
    else if (bosun_report_max_severity(report) >= threshold)
        status = EXIT_FINDINGS;
    bosun_report_free(report);
out:
    bosun_config_free(cfg);
    return status;
}
