/* bosun: the command-line entry point. */
#include <stdio.h>
#include <string.h>

#include "bosun/bosun.h"
#include "cli/cli.h"

static void usage(FILE *out)
{
    fputs("usage: bosun <command> [options] [args]\n"
          "\n"
          "Checks that container images are built securely.\n"
          "\n"
          "commands:\n"
          "  lint PATH...      check Dockerfiles: files, directories, `-` for stdin\n"
          "  image IMAGE...    check built images layer by layer\n"
          "  rules             list the rules (--format json: the catalog)\n"
          "  explain RULE      describe a rule: why, and how to fix it (also a\n"
          "                    hadolint code: DL3008)\n"
          "  config import --hadolint FILE\n"
          "                    convert a .hadolint.yaml into a .bosun.yaml\n"
          "\n"
          "options:\n"
          "  -h, --help        show this help (`bosun lint --help` for lint)\n"
          "  -V, --version     print the version\n"
          "\n"
          "Configuration: the nearest .bosun.yaml, or BOSUN_CONFIG (ignore,\n"
          "severity, failure-threshold, trusted-registries, nonroot-bases,\n"
          "hadolint-pragmas, patterns, exclude, accept, skip-base); see\n"
          "`man bosun`.\n"
          "\n"
          "exit status: 0 clean, 1 findings at or above the failure "
          "threshold,\n2 bad usage, a bad configuration or unreadable "
          "input\n",
          out);
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return EXIT_CLEAN;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") ||
        !strcmp(cmd, "version")) {
        printf("bosun %s\n", bosun_version());
        return EXIT_CLEAN;
    }
    if (!strcmp(cmd, "lint"))
        return cmd_lint(argc - 1, argv + 1);
    if (!strcmp(cmd, "image"))
        return cli_run_image(argc - 1, argv + 1);
    if (!strcmp(cmd, "rules"))
        return cmd_rules(argc - 1, argv + 1);
    if (!strcmp(cmd, "explain"))
        return cmd_explain(argc - 1, argv + 1);
    if (!strcmp(cmd, "config"))
        return cmd_config(argc - 1, argv + 1);
    if (cmd[0] == '-' && cmd[1])
        cli_error("unknown option %.*s (see 'bosun --help')",
                  (int)strcspn(cmd, "="), cmd);
    else
        cli_error("unknown command '%s' (try 'bosun --help')", cmd);
    return EXIT_BAD_INPUT;
}

int main(int argc, char **argv)
{
    return cli_flush_stdout(run(argc, argv));
}
