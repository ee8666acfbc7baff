/* bosun rules, bosun explain RULE */
#include <stdio.h>
#include <string.h>

#include "bosun/bosun.h"
#include "cli/cli.h"

int cmd_rules(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("%-22s %-8s %s  %s\n", "RULE", "SEVERITY", "P", "SUMMARY");
    for (size_t i = 0; i < bosun_rule_count(); i++) {
        const bosun_rule_info *r = bosun_rule_at(i);
        char p[4] = "-";
        if (r->principle)
            snprintf(p, sizeof(p), "%d", r->principle);
        printf("%-22s %-8s %s  %s\n", r->id, bosun_severity_name(r->severity),
               p, r->summary);
    }
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
        printf(", principle %d", r->principle);
    printf(")\n\n%s.\n\nWhy:\n%s\n\nBad:\n", r->summary, r->rationale);
    print_indented(r->bad);
    puts("\nGood:");
    print_indented(r->good);
    printf("\nFix:\n%s\n", r->fix);
    return EXIT_CLEAN;
}
