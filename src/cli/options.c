#include "cli/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

void cli_options_init(cli_options *o, const char *command)
{
    const char *no_color = getenv("NO_COLOR");
    *o = (cli_options){
        .command = command,
        .format = isatty(STDOUT_FILENO) ? BOSUN_FORMAT_TTY : BOSUN_FORMAT_PLAIN,
        .no_color = no_color && *no_color,
        .shown = CLI_SEVERITY_ALL,
        .threshold = -1,
    };
}

void cli_options_free(cli_options *o)
{
    cli_paths_free(&o->ignored);
}

/* --ignore a,b: each id of a comma-separated list, as in pragmas (spaces
 * around an id are allowed). False after saying which id is unknown. */
static bool add_ignored(cli_options *o, const char *arg)
{
    const char *p = arg;
    for (;;) {
        size_t len = strcspn(p, ",");
        const char *start = p, *end = p + len;
        while (start < end && (*start == ' ' || *start == '\t'))
            start++;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        char *id = xstrndup(start, (size_t)(end - start));
        bool known = bosun_rule_find(id) != NULL;
        if (!known)
            cli_error("--ignore: unknown rule '%s' (see 'bosun rules')", id);
        else
            cli_paths_add(&o->ignored, id);
        free(id);
        if (!known)
            return false;
        if (!p[len])
            return true;
        p += len + 1;
    }
}

/* --severity error,warning: the mask of the severities shown. */
static bool parse_severities(const char *arg, unsigned *shown)
{
    unsigned mask = 0;
    const char *p = arg;
    for (;;) {
        size_t len = strcspn(p, ",");
        char *name = xstrndup(p, len);
        bosun_severity s;
        bool ok = bosun_severity_parse(name, &s);
        free(name);
        if (!ok)
            return false;
        mask |= 1u << s;
        if (!p[len])
            break;
        p += len + 1;
    }
    *shown = mask;
    return true;
}

int cli_options_handle(cli_options *o, int c, const char *arg)
{
    switch (c) {
    case 'f':
        if (!bosun_format_parse(arg, &o->format)) {
            cli_error("unknown format '%s' (%s)", arg, bosun_format_names());
            return -1;
        }
        o->format_given = true;
        return 1;
    case 'o':
        if (!*arg) {
            cli_error("--output: expected a file name");
            return -1;
        }
        o->output = strcmp(arg, "-") ? arg : NULL;
        return 1;
    case CLI_OPT_SEVERITY:
        if (!parse_severities(arg, &o->shown)) {
            cli_error("--severity: expected a comma-separated list of error, "
                      "warning and info, not '%s'", arg);
            return -1;
        }
        return 1;
    case CLI_OPT_IGNORE:
        return add_ignored(o, arg) ? 1 : -1;
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

/* How many long options start with the `len` bytes at `name`: more than
 * one makes an abbreviation ambiguous. */
static size_t prefix_matches(const struct option *long_options,
                             const char *name, size_t len)
{
    size_t n = 0;
    for (const struct option *lo = long_options; lo->name; lo++)
        n += len && !strncmp(lo->name, name, len);
    return n;
}

void cli_bad_option(const char *command, int c, char **argv,
                    const struct option *long_options)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    int name = (int)strcspn(arg, "=");
    /* optopt is the short option, or the long option's value (0 when
     * unknown); in "-xq", argv[optind - 1] is still the argument before. */
    bool is_long = !strncmp(arg, "--", 2);
    if (is_long && optopt > 0 && optopt < 256) {
        is_long = false;
        for (const struct option *lo = long_options; lo->name; lo++)
            if (lo->val == optopt && name > 2 &&
                !strncmp(lo->name, arg + 2, (size_t)name - 2))
                is_long = true;
    }
    fprintf(stderr, "bosun %s: ", command);
    if (!is_long) {
        fprintf(stderr, c == ':' ? "option -%c needs a value"
                                 : "unknown option -%c", optopt);
    } else if (c == ':') {
        fprintf(stderr, "option %.*s needs a value", name, arg);
    } else if (optopt) {
        fprintf(stderr, "option %.*s takes no value", name, arg);
    } else if (prefix_matches(long_options, arg + 2, (size_t)name - 2) > 1) {
        fprintf(stderr, "ambiguous option %.*s", name, arg);
    } else {
        fprintf(stderr, "unknown option %.*s", name, arg);
    }
    fprintf(stderr, " (see 'bosun %s --help')\n", command);
}

bool cli_options_config_file(const cli_options *o, const char *path,
                             char **file, char **root)
{
    *file = *root = NULL;
    if (o->config_path && o->no_config) {
        cli_error("--config and --no-config exclude each other");
        return false;
    }
    if (o->no_config)
        return true;
    const char *named = o->config_path;
    const char *env = getenv("BOSUN_CONFIG");
    if (!named && env && *env)
        named = env;
    if (named) {
        *file = xstrdup(named);
        return true;
    }
    *file = cli_find_config(path, root);
    return true;
}

void cli_options_apply(cli_options *o, bosun_config *cfg)
{
    for (size_t i = 0; i < o->ignored.n; i++)
        bosun_config_ignore(cfg, o->ignored.items[i]);
    if (o->threshold >= 0)
        bosun_config_set_failure_threshold(cfg, o->threshold);
}

bool cli_options_configure(cli_options *o, bosun_config *cfg,
                           const char *path)
{
    char *file, *root;
    if (!cli_options_config_file(o, path, &file, &root))
        return false;
    bool ok = !file || cli_load_config(cfg, file, root);
    free(file);
    free(root);
    if (ok)
        cli_options_apply(o, cfg);
    return ok;
}

bool cli_options_fails(const cli_options *o, const bosun_config *cfg,
                       const bosun_report *report, size_t from)
{
    int threshold = bosun_config_failure_threshold(cfg);
    for (size_t i = from; i < bosun_report_count(report); i++) {
        const bosun_finding *f = bosun_report_finding(report, i);
        bosun_severity s = f->severity;
        if (!f->suppressed && (o->shown & (1u << s)) && (int)s >= threshold)
            return true;
    }
    return false;
}

static void print_error(const bosun_error *e)
{
    if (e->line)
        fprintf(stderr, "%s:%u: %s\n", e->file, e->line, e->message);
    else
        fprintf(stderr, "%s: %s\n", e->file, e->message);
}

/* The format the report is written in: tty (colour) only when asked for,
 * or by default on a terminal; never with --no-color or NO_COLOR. */
static bosun_format chosen_format(const cli_options *o)
{
    bosun_format f = o->format;
    if (!o->format_given && o->output)
        f = BOSUN_FORMAT_PLAIN; /* a file, not the terminal */
    if (f == BOSUN_FORMAT_TTY && o->no_color)
        f = BOSUN_FORMAT_PLAIN;
    return f;
}

/* The report and, for people, the summary line. */
static bool write_report(const bosun_report *report, bosun_format format,
                         const char *noun, size_t inputs, size_t hidden,
                         FILE *out)
{
    bool ok = bosun_report_write(report, format, out);
    if (format == BOSUN_FORMAT_TTY || format == BOSUN_FORMAT_PLAIN)
        ok &= bosun_report_write_summary(report, noun, inputs, hidden, out);
    return ok;
}

/* Writes the report to -o FILE, created or truncated only now that it is
 * ready. False after saying why. */
static bool write_to_file(const char *path, const bosun_report *report,
                          bosun_format format, const char *noun,
                          size_t inputs, size_t hidden)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        cli_error("%s: %s", path, strerror(errno));
        return false;
    }
    errno = 0;
    bool ok = write_report(report, format, noun, inputs, hidden, f) &&
              fflush(f) == 0;
    int saved = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok)
        cli_error("%s: error writing the report%s%s", path,
                  saved ? ": " : "", saved ? strerror(saved) : "");
    return ok;
}

/* The git work tree the current directory is in (the nearest directory
 * up with a .git, directory or file), or NULL; malloc'd. */
static char *work_tree_root(void)
{
    char *dir = getcwd(NULL, 0);
    while (dir && dir[0] == '/') {
        size_t n = strlen(dir);
        char *git = xmalloc(n + 6);
        snprintf(git, n + 6, "%s/.git", n == 1 ? "" : dir);
        bool found = access(git, F_OK) == 0;
        free(git);
        if (found)
            return dir;
        char *slash = strrchr(dir, '/');
        if (slash == dir && !dir[1])
            break;
        slash[slash == dir ? 1 : 0] = '\0';
    }
    free(dir);
    return NULL;
}

int cli_options_finish(const cli_options *o, bosun_report *report,
                       bool failed, const char *noun, size_t inputs)
{
    /* SARIF and GitLab name files of the repository relative to its
     * root, from whatever directory bosun runs in. */
    char *root = work_tree_root();
    bosun_report_set_source_root(report, root);
    free(root);
    size_t hidden = bosun_report_keep_severities(report, o->shown);
    bosun_report_sort(report);
    for (size_t i = 0; i < bosun_report_error_count(report); i++)
        print_error(bosun_report_error(report, i));
    bosun_format format = chosen_format(o);
    bool written;
    if (o->output) {
        written = write_to_file(o->output, report, format, noun, inputs,
                                hidden);
    } else {
        written = write_report(report, format, noun, inputs, hidden, stdout) &&
                  fflush(stdout) == 0;
        if (!written)
            cli_error("error writing the report");
    }
    if (bosun_report_error_count(report) || !written)
        return EXIT_BAD_INPUT;
    return failed ? EXIT_FINDINGS : EXIT_CLEAN;
}
