/* bosun lint [options] PATH... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bosun/bosun.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "util/xalloc.h"

static void lint_usage(FILE *out)
{
    fputs("usage: bosun lint [options] PATH...\n"
          "\n"
          "Checks Dockerfiles. PATH is a file, a directory (every Dockerfile*,\n"
          "Containerfile*, *.Dockerfile and *.dockerfile below it, except what\n"
          "git ignores and what exclude globs match) or `-` for standard input.\n"
          "\n"
          "options:\n"
          CLI_HELP_FORMAT
          "      --build-arg NAME[=V]   value of a build argument (NAME alone: from\n"
          "                             the environment), repeatable\n"
          "      --target STAGE         the stage that becomes the image\n"
          "      --exclude GLOB[,GLOB]  in a directory, do not check the paths\n"
          "                             these globs match (relative to it, `**`\n"
          "                             for any depth), repeatable\n"
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
    OPT_EXCLUDE,
};

static const struct option long_options[] = {
    CLI_COMMON_LONG_OPTIONS,
    {"build-arg", required_argument, NULL, OPT_BUILD_ARG},
    {"target", required_argument, NULL, OPT_TARGET},
    {"stdin-filename", required_argument, NULL, OPT_STDIN_NAME},
    {"no-hadolint-pragmas", no_argument, NULL, OPT_NO_HADOLINT_PRAGMAS},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* What the lint command line says beyond the shared options; applied
 * over each configuration file read. */
typedef struct lint_args {
    const char *stdin_name;
    bool no_hadolint_pragmas;
    const char *target;
    cli_paths build_args;   /* NAME=VALUE or NAME, as given */
    cli_paths excludes;     /* --exclude globs, split at commas */
} lint_args;

/* --exclude a,b: each glob of a comma-separated list (a glob with a comma
 * in it goes in the configuration file). */
static bool add_excludes(lint_args *args, const char *arg)
{
    for (const char *p = arg;;) {
        size_t len = strcspn(p, ",");
        if (len == 0) {
            cli_error("--exclude: expected a comma-separated list of globs, "
                      "not '%s'", arg);
            return false;
        }
        char *glob = xstrndup(p, len);
        cli_paths_add(&args->excludes, glob);
        free(glob);
        if (!p[len])
            return true;
        p += len + 1;
    }
}

static void add_build_arg(bosun_config *cfg, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (eq) {
        char *name = xstrndup(arg, (size_t)(eq - arg));
        bosun_config_add_build_arg(cfg, name, eq + 1);
        free(name);
    } else if (getenv(arg)) {
        bosun_config_add_build_arg(cfg, arg, getenv(arg));
    }
}

/* Parses the options; returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, cli_options *o,
                         lint_args *args)
{
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":" CLI_COMMON_SHORT_OPTIONS "h",
                            long_options, NULL)) != -1) {
        int shared = cli_options_handle(o, c, optarg);
        if (shared < 0)
            return EXIT_BAD_INPUT;
        if (shared)
            continue;
        switch (c) {
        case OPT_BUILD_ARG:
            cli_paths_add(&args->build_args, optarg);
            break;
        case OPT_TARGET:
            args->target = optarg;
            break;
        case OPT_STDIN_NAME:
            args->stdin_name = optarg;
            break;
        case OPT_NO_HADOLINT_PRAGMAS:
            args->no_hadolint_pragmas = true;
            break;
        case OPT_EXCLUDE:
            if (!add_excludes(args, optarg))
                return EXIT_BAD_INPUT;
            break;
        case 'h':
            lint_usage(stdout);
            return EXIT_CLEAN;
        default:
            cli_bad_option("lint", c, argv, long_options);
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

/*
 * The configurations read in a run: linted files in different projects
 * (or directories) may each have their own .bosun.yaml. Keyed by the
 * file's path ("" for none); each is read once.
 */
typedef struct config_entry {
    char *file;
    bosun_config *cfg;
} config_entry;

typedef struct lint_run {
    cli_options *o;
    const lint_args *args;
    config_entry *configs;
    size_t nconfigs;
    /* The last directory looked up from and its configuration: files come
     * directory by directory. */
    char *last_dir;
    bosun_config *last_cfg;
    bosun_report *report;
    size_t inputs;       /* files checked */
    bool failed;         /* a finding shown fails the run */
} lint_run;

static void lint_run_free(lint_run *run)
{
    for (size_t i = 0; i < run->nconfigs; i++) {
        free(run->configs[i].file);
        bosun_config_free(run->configs[i].cfg);
    }
    free(run->configs);
    free(run->last_dir);
}

/* A new configuration read from `file` (NULL: none), with the command
 * line over it; NULL after saying why it cannot be read. */
static bosun_config *read_config(lint_run *run, const char *file,
                                 const char *root)
{
    bosun_config *cfg = bosun_config_new();
    if (file && !cli_load_config(cfg, file, root)) {
        bosun_config_free(cfg);
        return NULL;
    }
    cli_options_apply(run->o, cfg);
    for (size_t i = 0; i < run->args->build_args.n; i++)
        add_build_arg(cfg, run->args->build_args.items[i]);
    if (run->args->target)
        bosun_config_set_target(cfg, run->args->target);
    if (run->args->no_hadolint_pragmas)
        bosun_config_set_hadolint_pragmas(cfg, false);
    for (size_t i = 0; i < run->args->excludes.n; i++)
        bosun_config_add_exclude(cfg, run->args->excludes.items[i]);
    return cfg;
}

/* The configuration for `path` (NULL: standard input), read once per
 * configuration file; NULL after saying why it cannot be read. */
static bosun_config *config_for(lint_run *run, const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    char *dir = slash ? xstrndup(path, (size_t)(slash - path + 1))
                      : xstrdup(path ? "." : "-");
    if (run->last_cfg && !strcmp(dir, run->last_dir)) {
        free(dir);
        return run->last_cfg;
    }
    char *file, *root;
    if (!cli_options_config_file(run->o, path, &file, &root)) {
        free(dir);
        return NULL;
    }
    const char *key = file ? file : "";
    bosun_config *cfg = NULL;
    for (size_t i = 0; i < run->nconfigs && !cfg; i++)
        if (!strcmp(run->configs[i].file, key))
            cfg = run->configs[i].cfg;
    if (!cfg && (cfg = read_config(run, file, root)) != NULL) {
        run->configs = xreallocarray(run->configs, run->nconfigs + 1,
                                     sizeof(*run->configs));
        run->configs[run->nconfigs++] = (config_entry){xstrdup(key), cfg};
    }
    free(file);
    free(root);
    free(run->last_dir);
    run->last_dir = dir;
    run->last_cfg = cfg;
    return cfg;
}

/*
 * The files to lint, as named: "-", a file, or the Dockerfiles found in
 * a directory, walked with the exclude globs of the configuration that
 * applies to the directory itself (as to a Dockerfile in it) and of the
 * command line. A directory without any is not an error: CI templates run
 * `bosun lint .` in every repository. False when that configuration
 * cannot be read (said already).
 */
static bool collect_paths(lint_run *run, char **paths, int npaths,
                          cli_paths *files)
{
    for (int i = 0; i < npaths; i++) {
        const char *path = paths[i];
        if (strcmp(path, "-") != 0 && cli_is_directory(path)) {
            size_t n = strlen(path), len = n + sizeof("/Dockerfile");
            char *probe = xmalloc(len);
            snprintf(probe, len, "%s%sDockerfile", path,
                     n && path[n - 1] == '/' ? "" : "/");
            const bosun_config *cfg = config_for(run, probe);
            free(probe);
            if (!cfg)
                return false;
            cli_paths found = {0};
            if (cli_find_dockerfiles(path, cfg, &found) == 0)
                fprintf(stderr, "bosun: no Dockerfile found under %s\n",
                        path);
            for (size_t k = 0; k < found.n; k++)
                cli_paths_add(files, found.items[k]);
            cli_paths_free(&found);
        } else {
            cli_paths_add(files, path);
        }
    }
    return true;
}

/* Lints one file (or standard input for "-") with `cfg`. */
static void lint_file(lint_run *run, const bosun_config *cfg,
                      const char *path, const char *name)
{
    size_t len;
    const char *err;
    size_t before = bosun_report_count(run->report);
    run->inputs++;
    char *data = cli_read_file(path, BOSUN_MAX_DOCKERFILE_SIZE, &len, &err);
    if (!data) {
        bosun_report_add_error(run->report, name, 0, err);
        return;
    }
    bosun_lint_dockerfile(cfg, name, data, len, run->report);
    free(data);
    run->failed |= cli_options_fails(run->o, cfg, run->report, before);
}

/*
 * Reads every file's configuration first, so that a bad one stops the
 * run before anything is linted (as a bad --config does), then lints.
 * Returns false when a configuration cannot be read.
 */
static bool lint_files(lint_run *run, const cli_paths *files)
{
    for (size_t i = 0; i < files->n; i++) {
        const char *path = files->items[i];
        if (!config_for(run, strcmp(path, "-") ? path : NULL))
            return false;
    }
    bool stdin_read = false;
    for (size_t i = 0; i < files->n; i++) {
        const char *path = files->items[i];
        bool is_stdin = strcmp(path, "-") == 0;
        const bosun_config *cfg = config_for(run, is_stdin ? NULL : path);
        if (is_stdin && stdin_read)
            bosun_report_add_error(run->report, run->args->stdin_name, 0,
                                   "standard input is given twice");
        else
            lint_file(run, cfg, path,
                      is_stdin ? run->args->stdin_name : path);
        stdin_read |= is_stdin;
    }
    return true;
}

int cmd_lint(int argc, char **argv)
{
    cli_options o;
    cli_options_init(&o, "lint");
    lint_args args = {.stdin_name = "<stdin>"};
    int status = parse_options(argc, argv, &o, &args);
    if (status >= 0)
        goto out;
    bosun_report *report = bosun_report_new();
    lint_run run = {.o = &o, .args = &args, .report = report};
    cli_paths files = {0};
    if (collect_paths(&run, argv + optind, argc - optind, &files) &&
        lint_files(&run, &files))
        status = cli_options_finish(&o, report, run.failed, "file",
                                    run.inputs);
    else
        status = EXIT_BAD_INPUT;
    cli_paths_free(&files);
    lint_run_free(&run);
    bosun_report_free(report);
out:
    cli_paths_free(&args.build_args);
    cli_paths_free(&args.excludes);
    cli_options_free(&o);
    return status;
}
