#include "cli/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void cli_options_init(cli_options *o)
{
    const char *no_color = getenv("NO_COLOR");
    *o = (cli_options){
        .format = isatty(STDOUT_FILENO) ? BOSUN_FORMAT_TTY : BOSUN_FORMAT_PLAIN,
        .no_color = no_color && *no_color,
        .threshold = -1,
    };
}

void cli_options_free(cli_options *o)
{
    cli_paths_free(&o->ignored);
}

int cli_options_handle(cli_options *o, int c, const char *arg)
{
    switch (c) {
    case 'f':
        if (!bosun_format_parse(arg, &o->format)) {
            cli_error("unknown format '%s' (%s)", arg, bosun_format_names());
            return -1;
        }
        return 1;
    case CLI_OPT_IGNORE:
        if (!bosun_rule_find(arg)) {
            cli_error("--ignore: unknown rule '%s' (see 'bosun rules')", arg);
            return -1;
        }
        cli_paths_add(&o->ignored, arg);
        return 1;
    case CLI_OPT_THRESHOLD:
        if (!bosun_threshold_parse(arg, &o->threshold)) {
            cli_error("--failure-threshold: expected info, warning, error or "
                      "none, not '%s'", arg);
            return -1;
        }
        return 1;
    case 'c':
        o->config_path = arg;
        return 1;
    case CLI_OPT_NO_CONFIG:
        o->no_config = true;
        return 1;
    case CLI_OPT_NO_COLOR:
        o->no_color = true;
        return 1;
    default:
        return 0;
    }
}

bool cli_options_configure(cli_options *o, bosun_config *cfg)
{
    if (o->config_path && o->no_config) {
        cli_error("--config and --no-config exclude each other");
        return false;
    }
    if (!o->no_config && !cli_load_config(cfg, o->config_path))
        return false;
    for (size_t i = 0; i < o->ignored.n; i++)
        bosun_config_ignore(cfg, o->ignored.items[i]);
    if (o->threshold >= 0)
        bosun_config_set_failure_threshold(cfg, o->threshold);
    if (o->format == BOSUN_FORMAT_TTY && o->no_color)
        o->format = BOSUN_FORMAT_PLAIN;
    return true;
}

static void print_error(const bosun_error *e)
{
    if (e->line)
        fprintf(stderr, "%s:%u: %s\n", e->file, e->line, e->message);
    else
        fprintf(stderr, "%s: %s\n", e->file, e->message);
}

int cli_options_finish(const cli_options *o, const bosun_config *cfg,
                       bosun_report *report)
{
    bosun_report_sort(report);
    for (size_t i = 0; i < bosun_report_error_count(report); i++)
        print_error(bosun_report_error(report, i));
    bool written = bosun_report_write(report, o->format, stdout) &&
                   fflush(stdout) == 0;
    if (!written)
        cli_error("error writing the report");
    if (bosun_report_error_count(report) || !written)
        return EXIT_BAD_INPUT;
    if (bosun_report_max_severity(report) >=
        bosun_config_failure_threshold(cfg))
        return EXIT_FINDINGS;
    return EXIT_CLEAN;
}
