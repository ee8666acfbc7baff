/* bosun rules [--docs DIR], bosun explain RULE */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bosun/bosun.h"
#include "cli/cli.h"

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
    if ((ferror(index) | fclose(index)) != 0) {
        cli_error("%s/README.md: write error", dir);
        return EXIT_BAD_INPUT;
    }
    return EXIT_CLEAN;
}

int cmd_rules(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--docs") == 0)
        return write_docs(argv[2]);
    if (argc != 1) {
        cli_error("usage: bosun rules [--docs DIR]");
        return EXIT_BAD_INPUT;
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

int cmd_explain(int argc, char **argv)
{
    if (argc != 2) {
        cli_error("usage: bosun explain RULE");
        return EXIT_BAD_INPUT;
    }
    const bosun_rule_info *r = bosun_rule_find(argv[1]);
    if (!r) {
        cli_error("unknown rule '%s' (see 'bosun rules')", argv[1]);
        return EXIT_BAD_INPUT;
    }
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
    return EXIT_CLEAN;
}
