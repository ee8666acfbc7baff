/* bosun rules [--docs DIR], bosun explain RULE */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bosun/bosun.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "report/jsonw.h"
#include "report/report.h"
#include "rules/hadolint_map.h"

static const char *const principle_names[] = {
    "General",
    "1. Do not run as root",
    "2. Use nss_wrapper instead of a writable /etc/passwd",
    "3. Do not upgrade the base image in your build",
    "4. Avoid curl | bash",
    "5. :latest is not a version",
    "6. Freeze dependencies",
    "7. Verify what you download",
    "8. Every layer ships",
};

static const char *principle_name(int p)
{
    return p >= 0 && p <= 8 ? principle_names[p] : "";
}

static void print_table(void)
{
    printf("%-26s %-8s %s  %s\n", "RULE", "SEVERITY", "P", "SUMMARY");
    for (size_t i = 0; i < bosun_rule_count(); i++) {
        const bosun_rule_info *r = bosun_rule_at(i);
        char p[4] = "-";
        if (r->principle)
            snprintf(p, sizeof(p), "%d", r->principle);
        printf("%-26s %-8s %s  %s\n", r->id, bosun_severity_name(r->severity),
               p, r->summary);
    }
}

/* `bosun rules --hadolint`: every hadolint code and its bosun rule. */
static void print_hadolint_table(void)
{
    printf("%-8s %-20s %s\n", "HADOLINT", "RULE", "HADOLINT CHECKS");
    for (size_t i = 0; i < hadolint_map_count(); i++) {
        const hadolint_mapping *m = hadolint_map_at(i);
        printf("%-8s %-20s %s%s\n", m->code, m->rule_id ? m->rule_id : "-",
               m->checks, m->removed ? " (removed from hadolint)" : "");
    }
}

/* The same as Markdown, for docs/rules/hadolint.md and the README. */
static void write_hadolint_markdown(FILE *out)
{
    fputs("| hadolint | what hadolint checks | bosun rule | difference |\n"
          "|---|---|---|---|\n", out);
    for (size_t i = 0; i < hadolint_map_count(); i++) {
        const hadolint_mapping *m = hadolint_map_at(i);
        if (m->rule_id)
            fprintf(out, "| %s | %s%s | `%s` | %s |\n", m->code, m->checks,
                    m->removed ? " (removed from hadolint)" : "", m->rule_id,
                    m->note ? m->note : "");
    }
    fputs("\nNo equivalent in bosun (style and build hygiene, and every "
          "ShellCheck SC code):", out);
    bool first = true;
    for (size_t i = 0; i < hadolint_map_count(); i++) {
        const hadolint_mapping *m = hadolint_map_at(i);
        if (!m->rule_id) {
            fprintf(out, "%s %s", first ? "" : ",", m->code);
            first = false;
        }
    }
    fputs(".\n", out);
}

/* The summary as a sentence: capitalised, with a full stop. */
static void print_sentence(FILE *out, const char *s)
{
    if (*s >= 'a' && *s <= 'z')
        fputc(*s++ - 'a' + 'A', out);
    fprintf(out, "%s.", s);
}

/* Where a rule looks, from its scope. */
static const char *scope_text(const char *scope)
{
    if (!strcmp(scope, "dockerfile"))
        return "Dockerfiles (bosun lint)";
    if (!strcmp(scope, "image"))
        return "built images (bosun image)";
    if (!strcmp(scope, "both"))
        return "Dockerfiles (bosun lint) and the history of built images "
               "(bosun image)";
    return scope;
}

/* One rule's page in Markdown. */
static void write_markdown(FILE *out, const bosun_rule_info *r)
{
    fprintf(out, "# %s\n\n", r->id);
    print_sentence(out, r->summary);
    fputs("\n\n", out);
    fprintf(out, "- Severity: %s\n", bosun_severity_name(r->severity));
    fprintf(out, "- Principle: %s\n", principle_name(r->principle));
    fprintf(out, "- Checks: %s\n\n", scope_text(r->scope));
    fprintf(out, "## Why\n\n%s\n\n", r->rationale);
    fprintf(out, "## Bad\n\n```dockerfile\n%s\n```\n\n", r->bad);
    fprintf(out, "## Good\n\n```dockerfile\n%s\n```\n\n", r->good);
    fprintf(out, "## Fix\n\n%s\n", r->fix);
}

/* DIR/hadolint.md: the correspondence table. */
static int write_hadolint_docs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/hadolint.md", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        cli_error("%s: %s", path, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    fputs("# hadolint codes and bosun rules\n\nGenerated from "
          "src/rules/hadolint_map.c by `bosun rules --docs docs/rules`; do "
          "not edit by hand.\n\n", f);
    write_hadolint_markdown(f);
    if ((ferror(f) | fclose(f)) != 0) {
        cli_error("%s: write error", path);
        return EXIT_BAD_INPUT;
    }
    return EXIT_CLEAN;
}

static int write_docs(const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        cli_error("%s: %s", dir, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/README.md", dir);
    FILE *index = fopen(path, "w");
    if (!index) {
        cli_error("%s: %s", path, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    fputs("# Rules\n\nGenerated from the rule metadata by "
          "`bosun rules --docs docs/rules`; do not edit by hand.\n",
          index);
    for (int p = 1; p <= 9; p++) {
        int principle = p % 9; /* general checks last */
        bool heading = false;
        for (size_t i = 0; i < bosun_rule_count(); i++) {
            const bosun_rule_info *r = bosun_rule_at(i);
            if (r->principle != principle)
                continue;
            if (!heading) {
                fprintf(index, "\n## %s\n\n| rule | severity | summary |\n"
                               "|---|---|---|\n",
                        principle_name(principle));
                heading = true;
            }
            fprintf(index, "| [`%s`](%s.md) | %s | %s |\n", r->id, r->id,
                    bosun_severity_name(r->severity), r->summary);
            snprintf(path, sizeof(path), "%s/%s.md", dir, r->id);
            FILE *f = fopen(path, "w");
            if (!f) {
                cli_error("%s: %s", path, strerror(errno));
                fclose(index);
                return EXIT_BAD_INPUT;
            }
            write_markdown(f, r);
            if ((ferror(f) | fclose(f)) != 0) {
                cli_error("%s: write error", path);
                fclose(index);
                return EXIT_BAD_INPUT;
            }
        }
    }
    fputs("\n## Coming from hadolint\n\nThe hadolint codes bosun reads in "
          "`# hadolint ignore=` comments and converts with `bosun config "
          "import --hadolint`: [hadolint.md](hadolint.md).\n", index);
    if ((ferror(index) | fclose(index)) != 0) {
        cli_error("%s/README.md: write error", dir);
        return EXIT_BAD_INPUT;
    }
    return write_hadolint_docs(dir);
}

/* `bosun rules --format json`: the catalog, for tools. */
static bool write_rules_json(FILE *out)
{
    jsonw w;
    jw_init(&w, out);
    jw_object_begin(&w);
    report_put_tool(&w);
    jw_key(&w, "rules");
    jw_array_begin(&w);
    for (size_t i = 0; i < bosun_rule_count(); i++) {
        const bosun_rule_info *r = bosun_rule_at(i);
        jw_object_begin(&w);
        jw_kv_string(&w, "id", r->id);
        jw_kv_string(&w, "severity", bosun_severity_name(r->severity));
        jw_kv_int(&w, "principle", r->principle);
        jw_kv_string(&w, "principle_name", principle_name(r->principle));
        jw_kv_string(&w, "scope", r->scope);
        jw_kv_string(&w, "summary", r->summary);
        jw_kv_string(&w, "rationale", r->rationale);
        jw_kv_string(&w, "bad", r->bad);
        jw_kv_string(&w, "good", r->good);
        jw_kv_string(&w, "fix", r->fix);
        jw_key(&w, "hadolint");
        jw_array_begin(&w);
        for (size_t k = 0; k < hadolint_map_count(); k++) {
            const hadolint_mapping *m = hadolint_map_at(k);
            if (m->rule_id && !strcmp(m->rule_id, r->id))
                jw_string(&w, m->code);
        }
        jw_array_end(&w);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_object_end(&w);
    return jw_finish(&w);
}

static void rules_usage(FILE *out)
{
    fputs("usage: bosun rules [--format table|json | --hadolint | --docs DIR]\n"
          "\n"
          "Lists the rules: id, severity, principle and summary.\n"
          "\n"
          "options:\n"
          "  -f, --format FMT   table (default) or json (every field of the\n"
          "                     catalog, and the hadolint codes of each rule)\n"
          "      --hadolint     the hadolint codes and the rules they\n"
          "                     correspond to\n"
          "      --docs DIR     write the rule pages (Markdown) into DIR\n"
          "  -h, --help         show this help\n",
          out);
}

enum { RULES_OPT_HADOLINT = 256, RULES_OPT_DOCS };

static const struct option rules_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"hadolint", no_argument, NULL, RULES_OPT_HADOLINT},
    {"docs", required_argument, NULL, RULES_OPT_DOCS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_rules(int argc, char **argv)
{
    const char *docs = NULL;
    bool hadolint = false, json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:h", rules_options, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") && strcmp(optarg, "table")) {
                cli_error("rules: unknown format '%s' (table, json)", optarg);
                return EXIT_BAD_INPUT;
            }
            json = !strcmp(optarg, "json");
            break;
        case RULES_OPT_HADOLINT:
            hadolint = true;
            break;
        case RULES_OPT_DOCS:
            docs = optarg;
            break;
        case 'h':
            rules_usage(stdout);
            return EXIT_CLEAN;
        default:
            cli_bad_option("rules", c, argv, rules_options);
            return EXIT_BAD_INPUT;
        }
    }
    if (optind < argc || (docs != NULL) + hadolint + json > 1) {
        cli_error("usage: bosun rules [--format table|json | --hadolint | "
                  "--docs DIR]");
        return EXIT_BAD_INPUT;
    }
    if (docs)
        return write_docs(docs);
    if (hadolint) {
        print_hadolint_table();
        return EXIT_CLEAN;
    }
    if (json) {
        if (!write_rules_json(stdout)) {
            cli_error("error writing the rules");
            return EXIT_BAD_INPUT;
        }
        return EXIT_CLEAN;
    }
    print_table();
    return EXIT_CLEAN;
}

static void print_indented(const char *text)
{
    fputs("    ", stdout);
    for (const char *p = text; *p; p++) {
        putchar(*p);
        if (*p == '\n' && p[1])
            fputs("    ", stdout);
    }
    putchar('\n');
}

/* The explanation of one rule. */
static void explain_rule(const bosun_rule_info *r)
{
    printf("%s (%s", r->id, bosun_severity_name(r->severity));
    if (r->principle)
        printf(", principle %s", principle_name(r->principle));
    fputs(")\n\n", stdout);
    print_sentence(stdout, r->summary);
    printf("\n\nChecks: %s\n", scope_text(r->scope));
    printf("\nWhy:\n%s\n\nBad:\n", r->rationale);
    print_indented(r->bad);
    puts("\nGood:");
    print_indented(r->good);
    printf("\nFix:\n%s\n", r->fix);
}

/* `arg` in upper case into code[size] when it is shaped like a hadolint
 * or ShellCheck code (hadolint writes them in upper case; a lower-case one
 * typed at the prompt is taken too). */
static bool as_hadolint_code(const char *arg, char *code, size_t size)
{
    size_t len = strlen(arg);
    if (len >= size)
        return false;
    for (size_t i = 0; i <= len; i++)
        code[i] = arg[i] >= 'a' && arg[i] <= 'z' ? (char)(arg[i] - 'a' + 'A')
                                                 : arg[i];
    return hadolint_is_code(code);
}

/*
 * `bosun explain DL3008`: the bosun rule a hadolint code corresponds to,
 * then that rule's explanation. A code without an equivalent is an error,
 * as an unknown rule id is.
 */
static int explain_hadolint(const char *code)
{
    const hadolint_mapping *m = hadolint_map_find(code);
    const bosun_rule_info *r = m && m->rule_id ? bosun_rule_find(m->rule_id)
                                               : NULL;
    if (!m && code[0] == 'D') {
        cli_error("%s is not a hadolint code bosun knows (see 'bosun rules "
                  "--hadolint')", code);
        return EXIT_BAD_INPUT;
    }
    if (!r) {
        cli_error("%s %s%s%s%s has no equivalent in bosun: bosun checks that "
                  "images are built securely and leaves style, build hygiene "
                  "and shell scripting advice to hadolint and ShellCheck "
                  "(see 'bosun rules --hadolint')",
                  m ? "hadolint" : "ShellCheck", code, m ? " (" : "",
                  m ? m->checks : "", m ? ")" : "");
        return EXIT_BAD_INPUT;
    }
    printf("hadolint %s corresponds to %s%s.\n", code, r->id,
           m->removed ? " (hadolint has since removed the code)" : "");
    if (m->note)
        printf("Difference: %s.\n", m->note);
    putchar('\n');
    explain_rule(r);
    return EXIT_CLEAN;
}

int cmd_explain(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        puts("usage: bosun explain RULE\n\nDescribes a rule: why it matters, "
             "an example, how to fix it.\nRULE is a rule id (see 'bosun "
             "rules') or a hadolint code (DL3008).");
        return EXIT_CLEAN;
    }
    if (argc >= 2 && argv[1][0] == '-' && argv[1][1]) {
        fprintf(stderr, "bosun explain: unknown option %.*s (see 'bosun "
                        "explain --help')\n",
                (int)strcspn(argv[1], "="), argv[1]);
        return EXIT_BAD_INPUT;
    }
    if (argc != 2) {
        cli_error("usage: bosun explain RULE");
        return EXIT_BAD_INPUT;
    }
    const bosun_rule_info *r = bosun_rule_find(argv[1]);
    char code[16];
    if (!r && as_hadolint_code(argv[1], code, sizeof(code)))
        return explain_hadolint(code);
    if (!r) {
        cli_error("unknown rule '%s' (see 'bosun rules')", argv[1]);
        return EXIT_BAD_INPUT;
    }
    explain_rule(r);
    return EXIT_CLEAN;
}
