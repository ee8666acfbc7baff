/* bosun config import --hadolint FILE [-o FILE] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bosun/bosun.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "lint/hadolint_import.h"

/* A hadolint configuration is no larger than a bosun one. */
#define IMPORT_MAX_SIZE (1u << 20)

static void config_usage(FILE *out)
{
    fputs("usage: bosun config import --hadolint FILE [-o OUTPUT]\n"
          "\n"
          "Writes the .bosun.yaml equivalent to a hadolint configuration\n"
          "(.hadolint.yaml) to standard output, or to OUTPUT: ignored codes\n"
          "become `ignore`, override becomes `severity`, trustedRegistries\n"
          "`trusted-registries`, failure-threshold and no-fail\n"
          "`failure-threshold`, disable-ignore-pragma `hadolint-pragmas`.\n"
          "What has no equivalent is listed in comments at the top of the\n"
          "output and on standard error.\n"
          "\n"
          "options:\n"
          "      --hadolint FILE  the hadolint configuration to read\n"
          "  -o, --output FILE    write here instead of standard output\n"
          "  -h, --help           show this help\n"
          "\n"
          "exit status: 0 written, 2 bad usage or a file that cannot be read\n",
          out);
}

static const struct option long_options[] = {
    {"hadolint", required_argument, NULL, 'H'},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Writes `text` to `path` ("-" or NULL: standard output). */
static bool write_output(const char *path, const char *text)
{
    if (!path || !strcmp(path, "-"))
        return fputs(text, stdout) >= 0;
    FILE *f = fopen(path, "w");
    if (!f) {
        cli_error("%s: %s", path, strerror(errno));
        return false;
    }
    bool ok = fputs(text, f) >= 0;
    ok &= (ferror(f) | fclose(f)) == 0;
    if (!ok)
        cli_error("%s: write error", path);
    return ok;
}

static int import_hadolint(const char *path, const char *output)
{
    size_t len;
    const char *error;
    char *data = cli_read_file(path, IMPORT_MAX_SIZE, &len, &error);
    if (!data) {
        fprintf(stderr, "%s: %s\n", path, error);
        return EXIT_BAD_INPUT;
    }
    hadolint_import im;
    bosun_config_error err;
    bool ok = hadolint_import_yaml(path, data, len, &im, &err);
    free(data);
    if (!ok) {
        if (err.line)
            fprintf(stderr, "%s:%u: %s\n", path, err.line, err.message);
        else
            fprintf(stderr, "%s: %s\n", path, err.message);
        return EXIT_BAD_INPUT;
    }
    for (size_t i = 0; i < im.nnotes; i++)
        fprintf(stderr, "%s:%u: note: %s\n", path, im.notes[i].line,
                im.notes[i].text);
    if (im.more_notes)
        fprintf(stderr, "%s: note: %zu more not converted\n", path,
                im.more_notes);
    ok = write_output(output, im.yaml);
    hadolint_import_free(&im);
    return ok ? EXIT_CLEAN : EXIT_BAD_INPUT;
}

int cmd_config(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "import") != 0) {
        if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
            config_usage(stdout);
            return EXIT_CLEAN;
        }
        /* One line, as for an unknown option: not the whole usage. */
        if (argc < 2)
            fputs("bosun config: name a command: import (see 'bosun config "
                  "--help')\n", stderr);
        else if (argv[1][0] == '-' && argv[1][1])
            fprintf(stderr, "bosun config: unknown option %.*s (see 'bosun "
                            "config --help')\n",
                    (int)strcspn(argv[1], "="), argv[1]);
        else
            fprintf(stderr, "bosun config: unknown command '%s' (see 'bosun "
                            "config --help')\n", argv[1]);
        return EXIT_BAD_INPUT;
    }
    const char *hadolint = NULL, *output = NULL;
    int c;
    optind = 1;
    argc--;
    argv++;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", long_options, NULL)) != -1) {
        switch (c) {
        case 'H':
            hadolint = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            config_usage(stdout);
            return EXIT_CLEAN;
        default:
            cli_bad_option("config import", c, argv, long_options);
            return EXIT_BAD_INPUT;
        }
    }
    if (!hadolint || optind != argc) {
        cli_error("config import: name the file to convert with --hadolint "
                  "FILE (try 'bosun config --help')");
        return EXIT_BAD_INPUT;
    }
    return import_hadolint(hadolint, output);
}
