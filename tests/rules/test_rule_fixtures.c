/*
 * Rule fixtures: tests/rules/fixtures/<rule-id>/<name>.Dockerfile.
 *
 * A fixture is a Dockerfile annotated with comments:
 *   # expect: RULE[@LINE:COL] [, RULE...]   findings on the next instruction
 *   # bosun-test: build-arg NAME=VALUE | target STAGE | ignore RULE
 *                 | trusted-registry GLOB | nonroot-base GLOB
 * The runner lints each file and compares, for the directory's rule and
 * every rule named in an `expect`, the findings with the expectations:
 * each expected finding must be there (on the instruction's first line,
 * and at LINE:COL of the token when given), and nothing else may be.
 *
 * usage: test_rule_fixtures DIR...
 */
#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bosun/bosun.h"

typedef struct expectation {
    char rule[64];
    unsigned line;            /* instruction line */
    unsigned tok_line, tok_col; /* 0: any */
    bool matched;
} expectation;

typedef struct fixture {
    expectation items[256];
    size_t n;
    char checked[32][64];     /* rules compared */
    size_t nchecked;
} fixture;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap)
            buf = realloc(buf, cap *= 2);
    fclose(f);
    *len = n;
    return buf;
}

static void add_checked(fixture *fx, const char *rule)
{
    for (size_t i = 0; i < fx->nchecked; i++)
        if (!strcmp(fx->checked[i], rule))
            return;
    if (fx->nchecked < 32)
        snprintf(fx->checked[fx->nchecked++], 64, "%s", rule);
}

static bool is_checked(const fixture *fx, const char *rule)
{
    for (size_t i = 0; i < fx->nchecked; i++)
        if (!strcmp(fx->checked[i], rule))
            return true;
    return false;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Reads annotations; pending expectations attach to the next instruction. */
static bool read_fixture(const char *data, size_t len, fixture *fx,
                         bosun_config *cfg, const char *path)
{
    size_t pending_from = fx->n;
    unsigned line = 0;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        line++;
        char buf[1024];
        size_t n = (size_t)(eol - p) < sizeof(buf) - 1 ? (size_t)(eol - p)
                                                       : sizeof(buf) - 1;
        memcpy(buf, p, n);
        buf[n] = '\0';
        if (n && buf[n - 1] == '\r')
            buf[--n] = '\0';
        const char *s = skip_ws(buf);
        if (!strncmp(s, "# expect:", 9)) {
            char *list = (char *)s + 9;
            for (char *tok = strtok(list, ", "); tok; tok = strtok(NULL, ", ")) {
                if (fx->n == 256)
                    return false;
                expectation *e = &fx->items[fx->n++];
                memset(e, 0, sizeof(*e));
                char *at = strchr(tok, '@');
                if (at) {
                    *at = '\0';
                    if (sscanf(at + 1, "%u:%u", &e->tok_line, &e->tok_col) != 2) {
                        fprintf(stderr, "%s:%u: bad position '%s'\n", path,
                                line, at + 1);
                        return false;
                    }
                }
                snprintf(e->rule, sizeof(e->rule), "%s", tok);
                add_checked(fx, tok);
            }
        } else if (!strncmp(s, "# bosun-test:", 13)) {
            char key[64], value[512];
            if (sscanf(s + 13, " %63s %511s", key, value) != 2) {
                fprintf(stderr, "%s:%u: bad bosun-test line\n", path, line);
                return false;
            }
            if (!strcmp(key, "build-arg")) {
                char *eq = strchr(value, '=');
                if (!eq)
                    return false;
                *eq = '\0';
                bosun_config_add_build_arg(cfg, value, eq + 1);
            } else if (!strcmp(key, "target")) {
                bosun_config_set_target(cfg, value);
            } else if (!strcmp(key, "ignore")) {
                bosun_config_ignore(cfg, value);
            } else if (!strcmp(key, "trusted-registry")) {
                bosun_config_add_trusted_registry(cfg, value);
            } else if (!strcmp(key, "nonroot-base")) {
                bosun_config_add_nonroot_base(cfg, value);
            } else {
                fprintf(stderr, "%s:%u: unknown bosun-test key %s\n", path,
                        line, key);
                return false;
            }
        } else if (*s && *s != '#' && pending_from < fx->n) {
            for (size_t i = pending_from; i < fx->n; i++)
                fx->items[i].line = line;
            pending_from = fx->n;
        }
        p = nl ? nl + 1 : end;
    }
    if (pending_from < fx->n) {
        fprintf(stderr, "%s: an expect annotation precedes no instruction\n",
                path);
        return false;
    }
    return true;
}

static int run_fixture(const char *rule, const char *path)
{
    size_t len;
    char *data = slurp(path, &len);
    if (!data) {
        fprintf(stderr, "%s: cannot read\n", path);
        return 1;
    }
    fixture *fx = calloc(1, sizeof(*fx));
    add_checked(fx, rule);
    bosun_config *cfg = bosun_config_new();
    int failures = 0;
    if (!read_fixture(data, len, fx, cfg, path)) {
        failures++;
        goto out;
    }
    bosun_report *r = bosun_report_new();
    if (!bosun_lint_dockerfile(cfg, path, data, len, r)) {
        const bosun_error *e = bosun_report_error(r, 0);
        fprintf(stderr, "%s:%u: unexpected error: %s\n", path, e->line,
                e->message);
        failures++;
    }
    for (size_t i = 0; i < bosun_report_count(r); i++) {
        const bosun_finding *f = bosun_report_finding(r, i);
        if (!is_checked(fx, f->rule))
            continue;
        bool found = false;
        for (size_t k = 0; k < fx->n && !found; k++) {
            expectation *e = &fx->items[k];
            if (e->matched || strcmp(e->rule, f->rule) || e->line != f->instruction_line)
                continue;
            if (e->tok_line && (e->tok_line != f->line ||
                                e->tok_col != f->column))
                continue;
            e->matched = found = true;
        }
        if (!found) {
            fprintf(stderr, "%s:%u:%u: unexpected %s: %s\n", path,
                    f->line, f->column, f->rule, f->message);
            failures++;
        }
    }
    for (size_t k = 0; k < fx->n; k++) {
        const expectation *e = &fx->items[k];
        if (!e->matched) {
            fprintf(stderr, "%s:%u: expected %s", path, e->line, e->rule);
            if (e->tok_line)
                fprintf(stderr, " at %u:%u", e->tok_line, e->tok_col);
            fprintf(stderr, ", not reported\n");
            failures++;
        }
    }
    bosun_report_free(r);
out:
    bosun_config_free(cfg);
    free(fx);
    free(data);
    return failures;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
    int failures = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        const char *dir = argv[i];
        const char *rule = strrchr(dir, '/');
        rule = rule ? rule + 1 : dir;
        if (!bosun_rule_find(rule)) {
            fprintf(stderr, "%s: no rule named %s\n", dir, rule);
            failures++;
            continue;
        }
        DIR *d = opendir(dir);
        if (!d) {
            fprintf(stderr, "%s: cannot open\n", dir);
            failures++;
            continue;
        }
        char *names[1024];
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL && n < 1024)
            if (strstr(e->d_name, ".Dockerfile"))
                names[n++] = strdup(e->d_name);
        closedir(d);
        qsort(names, n, sizeof(char *), cmp_names);
        int positives = 0, negatives = 0;
        for (size_t k = 0; k < n; k++) {
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", dir, names[k]);
            failures += run_fixture(rule, path);
            files++;
            if (!strncmp(names[k], "bad", 3))
                positives++;
            else if (!strncmp(names[k], "good", 4))
                negatives++;
            free(names[k]);
        }
        printf("%s: %zu fixtures (%d bad, %d good)\n", rule, n, positives,
               negatives);
        if (positives < 3 || negatives < 3) {
            fprintf(stderr, "%s: each rule needs at least 3 bad-* and 3 "
                            "good-* fixtures\n", rule);
            failures++;
        }
    }
    printf("%d fixture files, %d failures\n", files, failures);
    return failures ? 1 : 0;
}
