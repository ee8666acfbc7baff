/* bosun image [options] IMAGE... */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bosun/bosun.h"
#include "cli/cli.h"
#include "cli/creds.h"
#include "cli/options.h"

static void image_usage(FILE *out)
{
    fputs("usage: bosun image [options] IMAGE...\n"
          "\n"
          "Checks built images layer by layer: every layer's files (deleted\n"
          "ones too) for secrets by name and content, setuid and\n"
          "world-writable files, accounts; the configuration's user and\n"
          "environment; the Dockerfile rules on the build history; every\n"
          "blob's digest.\n"
          "\n"
          "IMAGE is a docker-archive (docker save) or an OCI image layout\n"
          "(a directory or a tar), found out from its content, or written\n"
          "with a transport: docker-archive:PATH[:REF], oci:DIR[:REF],\n"
          "oci-archive:PATH[:REF]. An archive on the standard input is `-`\n"
          "(docker save app | bosun image -), docker-archive:- or\n"
          "oci-archive:-. An image in a registry is docker://REF\n"
          "(docker://ghcr.io/org/app:1.4,\n"
          "docker://registry.example/app@sha256:...), or the bare reference\n"
          "(alpine:3.20) when no file or directory of that name exists.\n"
          "\n"
          "options:\n"
          CLI_HELP_FORMAT
          "      --platform OS/ARCH[/V] image to check in a multi-platform index\n"
          "                             (default: the host's)\n"
          "      --ref NAME             image to check by reference name or tag\n"
          "      --name NAME            what reports call the image (one IMAGE\n"
          "                             only; default: its reference, else its\n"
          "                             path)\n"
          "      --no-verify            do not check blob digests\n"
          "  -j, --jobs N               threads (default: one per core)\n"
          "      --patterns FILE        more credential patterns, one `ID REGEX`\n"
          "                             a line (also `patterns:` in the\n"
          "                             configuration file)\n"
          "      --max-file-size SIZE   scan at most SIZE bytes of each file\n"
          "                             (K, M, G suffixes; default: all)\n"
          "      --max-ratio N          refuse a layer that expands more than N\n"
          "                             times, a decompression bomb (default\n"
          "                             1000; 0: no limit)\n"
          "      --base REF             the base image (an archive, layout or\n"
          "                             registry reference): its layers must be\n"
          "                             the image's first ones (default: told\n"
          "                             from the history, when it can be)\n"
          "      --skip-base            report only what the image adds over its\n"
          "                             base (also `skip-base: true` in the\n"
          "                             configuration file)\n"
          "  -q, --quiet                no progress line on the terminal\n"
          CLI_HELP_COMMON
          "  -h, --help                 show this help\n"
          "\n"
          "registry options:\n"
          "      --creds USER[:PASS]    log in as USER; without PASS, the password\n"
          "                             comes from --password-stdin or\n"
          "                             BOSUN_REGISTRY_PASSWORD (default: the\n"
          "                             credentials of the auth files)\n"
          "      --password-stdin       read the password from the first line of\n"
          "                             the standard input\n"
          "      --authfile FILE        read credentials from FILE (default:\n"
          "                             REGISTRY_AUTH_FILE, else\n"
          "                             $XDG_RUNTIME_DIR/containers/auth.json,\n"
          "                             then $DOCKER_CONFIG/config.json or\n"
          "                             ~/.docker/config.json)\n"
          "      --cert-dir DIR         certificates for the registry: *.crt\n"
          "                             authorities, *.cert and *.key client\n"
          "                             certificate (default: the registry's\n"
          "                             directory in /etc/containers/certs.d,\n"
          "                             /etc/docker/certs.d)\n"
          "      --tls-verify=true|false\n"
          "                             false: plain HTTP, or TLS without\n"
          "                             verifying certificates (default: true)\n"
          "\n"
          "exit status: 0 clean, 1 findings at or above the threshold,\n"
          "2 bad usage or an image that cannot be read\n",
          out);
}

enum {
    OPT_PLATFORM = CLI_OPT_OWN,
    OPT_REF,
    OPT_NAME,
    OPT_NO_VERIFY,
    OPT_PATTERNS,
    OPT_MAX_FILE_SIZE,
    OPT_MAX_RATIO,
    OPT_CREDS,
    OPT_PASSWORD_STDIN,
    OPT_AUTHFILE,
    OPT_CERT_DIR,
    OPT_TLS_VERIFY,
    OPT_BASE,
    OPT_SKIP_BASE,
};

static const struct option long_options[] = {
    CLI_COMMON_LONG_OPTIONS,
    {"platform", required_argument, NULL, OPT_PLATFORM},
    {"ref", required_argument, NULL, OPT_REF},
    {"name", required_argument, NULL, OPT_NAME},
    {"no-verify", no_argument, NULL, OPT_NO_VERIFY},
    {"jobs", required_argument, NULL, 'j'},
    {"patterns", required_argument, NULL, OPT_PATTERNS},
    {"max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE},
    {"max-ratio", required_argument, NULL, OPT_MAX_RATIO},
    {"quiet", no_argument, NULL, 'q'},
    {"base", required_argument, NULL, OPT_BASE},
    {"skip-base", no_argument, NULL, OPT_SKIP_BASE},
    {"creds", required_argument, NULL, OPT_CREDS},
    {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
    {"authfile", required_argument, NULL, OPT_AUTHFILE},
    {"cert-dir", required_argument, NULL, OPT_CERT_DIR},
    {"tls-verify", optional_argument, NULL, OPT_TLS_VERIFY},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* A count: digits only, at most `max`. */
static bool parse_count(const char *s, unsigned long long max,
                        unsigned long long *out)
{
    if (!*s || *s == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

/* 123, 64K, 10M, 2G */
static bool parse_size(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift)
        end++;
    if (errno || *end || v > (ULLONG_MAX >> shift))
        return false;
    *out = v << shift;
    return true;
}

/* "linux/amd64", "linux/arm/v7" */
static bool valid_platform(const char *s)
{
    int slashes = 0;
    for (const char *p = s; *p; p++)
        if (*p == '/')
            slashes++;
    return slashes >= 1 && slashes <= 2 && s[0] != '/' &&
           s[strlen(s) - 1] != '/' && !strstr(s, "//");
}

/* Does `input` read the standard input: -, docker-archive:-[:REF],
 * oci-archive:-[:REF]? */
static bool reads_stdin(const char *input)
{
    static const char *const prefixes[] = {"", "docker-archive:",
                                           "oci-archive:"};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t k = strlen(prefixes[i]);
        if (strncmp(input, prefixes[i], k) == 0 && input[k] == '-' &&
            (input[k + 1] == '\0' || (k && input[k + 1] == ':')))
            return true;
    }
    return false;
}

/* --tls-verify, --tls-verify=true, --tls-verify=false; `next` is the
 * argument after the option. */
static bool parse_tls_verify(const char *arg, const char *next, bool *no_verify)
{
    if (!arg && next && (!strcmp(next, "false") || !strcmp(next, "true"))) {
        /* Else "false" would be taken for an image to check. */
        cli_error("--tls-verify takes its value after '=': "
                  "--tls-verify=%s", next);
        return false;
    }
    if (!arg || !strcmp(arg, "true")) {
        *no_verify = false;
        return true;
    }
    if (!strcmp(arg, "false")) {
        *no_verify = true;
        return true;
    }
    cli_error("--tls-verify: expected true or false, not '%s'", arg);
    return false;
}

int cmd_image(int argc, char **argv)
{
    bosun_config *cfg = bosun_config_new();
    bosun_image_options opt = {.max_ratio = 1000};
    cli_options o;
    cli_options_init(&o, "image");
    cli_creds creds = {0};
    bool quiet = false;
    int status = EXIT_CLEAN;
    unsigned long long n;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":" CLI_COMMON_SHORT_OPTIONS "j:qh",
                            long_options, NULL)) != -1) {
        int shared = cli_options_handle(&o, c, optarg);
        if (shared < 0) {
            status = EXIT_BAD_INPUT;
            goto out;
        }
        if (shared)
            continue;
        switch (c) {
        case OPT_PLATFORM:
            if (!valid_platform(optarg)) {
                cli_error("--platform: expected OS/ARCH[/VARIANT] "
                          "(linux/amd64, linux/arm64, linux/arm/v7), not "
                          "'%s'", optarg);
                status = EXIT_BAD_INPUT;
                goto out;
            }
            opt.platform = optarg;
            break;
        case OPT_REF:
            opt.ref = optarg;
            break;
        case OPT_NAME:
            if (!*optarg) {
                cli_error("--name: expected a name, not an empty string");
                status = EXIT_BAD_INPUT;
                goto out;
            }
            opt.name = optarg;
            break;
        case OPT_NO_VERIFY:
            opt.no_verify = true;
            break;
        case 'j':
            if (!parse_count(optarg, 1024, &n) || n == 0) {
                cli_error("--jobs: expected a number from 1 to 1024, not '%s'",
                          optarg);
                status = EXIT_BAD_INPUT;
                goto out;
            }
            opt.jobs = (unsigned)n;
            break;
        case OPT_PATTERNS:
            opt.patterns_file = optarg;
            break;
        case OPT_MAX_FILE_SIZE:
            if (!parse_size(optarg, &opt.max_file_size) || !opt.max_file_size) {
                cli_error("--max-file-size: expected a size such as 512K, "
                          "64M or 1G, not '%s'", optarg);
                status = EXIT_BAD_INPUT;
                goto out;
            }
            break;
        case OPT_MAX_RATIO:
            if (!parse_count(optarg, UINT_MAX, &n)) {
                cli_error("--max-ratio: expected a number (0: no limit), not "
                          "'%s'", optarg);
                status = EXIT_BAD_INPUT;
                goto out;
            }
            opt.max_ratio = (unsigned)n;
            break;
        case 'q':
            quiet = true;
            break;
        case OPT_BASE:
            if (!*optarg || reads_stdin(optarg)) {
                cli_error("--base: expected an image archive, layout or "
                          "registry reference (read in place, not from the "
                          "standard input), not '%s'", optarg);
                status = EXIT_BAD_INPUT;
                goto out;
            }
            opt.base = optarg;
            break;
        case OPT_SKIP_BASE:
            opt.skip_base = true;
            break;
        case OPT_CREDS:
            if (!cli_creds_parse(&creds, optarg)) {
                status = EXIT_BAD_INPUT;
                goto out;
            }
            break;
        case OPT_PASSWORD_STDIN:
            creds.password_stdin = true;
            break;
        case OPT_AUTHFILE:
            opt.registry.auth_file = optarg;
            break;
        case OPT_CERT_DIR:
            opt.registry.cert_dir = optarg;
            break;
        case OPT_TLS_VERIFY:
            if (!parse_tls_verify(optarg, optind < argc ? argv[optind] : NULL,
                                  &opt.registry.tls_no_verify)) {
                status = EXIT_BAD_INPUT;
                goto out;
            }
            break;
        case 'h':
            image_usage(stdout);
            goto out;
        default:
            cli_bad_option("image", c, argv, long_options);
            status = EXIT_BAD_INPUT;
            goto out;
        }
    }
    if (optind >= argc) {
        cli_error("image: no image given (try 'bosun image --help')");
        status = EXIT_BAD_INPUT;
        goto out;
    }
    if (opt.name && argc - optind > 1) {
        cli_error("--name names one image, and %d are given", argc - optind);
        status = EXIT_BAD_INPUT;
        goto out;
    }
    status = EXIT_BAD_INPUT;
    bool stdin_is_input = false;
    for (int i = optind; i < argc; i++)
        stdin_is_input |= reads_stdin(argv[i]);
    if (!cli_options_configure(&o, cfg, NULL) ||
        !cli_creds_finish(&creds, stdin_is_input))
        goto out;
    if (!opt.patterns_file)
        opt.patterns_file = bosun_config_patterns(cfg);
    opt.registry.username = creds.username;
    opt.registry.password = creds.password;
    opt.progress = !quiet && isatty(STDERR_FILENO) ? stderr : NULL;
    bosun_report *report = bosun_report_new();
    for (int i = optind; i < argc; i++)
        bosun_scan_image(cfg, argv[i], &opt, report);
    status = cli_options_finish(&o, report,
                                cli_options_fails(&o, cfg, report, 0),
                                "image", (size_t)(argc - optind));
    bosun_report_free(report);
out:
    cli_creds_free(&creds);
    cli_options_free(&o);
    bosun_config_free(cfg);
    return status;
}
