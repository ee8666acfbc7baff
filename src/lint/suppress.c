#include "lint/suppress.h"

#include "rules/hadolint_map.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct cursor {
    const char *s;     /* the comment line, from its '#' */
    size_t i, n;
    uint32_t base;     /* source offset of s[0] */
} cursor;

static void skip_blanks(cursor *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
        c->i++;
}

/* Consumes `word` (case-insensitive) when it is followed by a non-letter. */
static bool take_word(cursor *c, const char *word)
{
    size_t k = strlen(word);
    if (c->n - c->i < k || strncasecmp(c->s + c->i, word, k) != 0)
        return false;
    char next = c->i + k < c->n ? c->s[c->i + k] : ' ';
    if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
        next == '-')
        return false;
    c->i += k;
    return true;
}

static bool is_id_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
}

/* Records what is wrong, from the cursor to the end of the line; true,
 * since a malformed pragma is still a pragma (and is reported). */
static bool malformed(lint_pragma *p, const cursor *c, const char *problem)
{
    p->problem = problem;
    p->off = c->base + (uint32_t)c->i;
    p->end = c->base + (uint32_t)(c->i < c->n ? c->n : c->i + 1);
    return true;
}

/* Reads the comma-separated rule ids after `ignore=`. */
static void parse_ids(arena *a, cursor *c, lint_pragma *p)
{
    size_t cap = 0;
    for (;;) {
        skip_blanks(c);
        size_t start = c->i;
        while (c->i < c->n && is_id_char(c->s[c->i]))
            c->i++;
        if (c->i == start) {
            malformed(p, c, "expected a rule id after `ignore=`");
            return;
        }
        lint_pragma_id *id = ARENA_PUSH(a, p->ids, p->nids, cap);
        id->id = arena_strndup(a, c->s + start, c->i - start);
        id->rule = rules_find(id->id);
        id->off = c->base + (uint32_t)start;
        id->end = c->base + (uint32_t)c->i;
        skip_blanks(c);
        if (c->i < c->n && c->s[c->i] == ',') {
            c->i++;
            continue;
        }
        if (c->i < c->n && c->s[c->i] != '#') /* else the end, or a reason */
            malformed(p, c, "unexpected text after the rule ids: separate ids "
                            "with commas and put a reason after a second `#`");
        return;
    }
}

/* A cursor after the '#' of comment `cm`, to the end of its line;
 * false when the comment is not where its line says. */
static bool comment_cursor(const df_file *f, const df_comment *cm, cursor *c)
{
    size_t len;
    const char *line = source_line_text(&f->src, cm->line, &len);
    size_t at = cm->off - (size_t)(line - f->src.data);
    if (at >= len)
        return false;
    *c = (cursor){.s = line + at, .i = 1, .n = len - at, .base = cm->off};
    if (c->n && c->s[c->n - 1] == '\r')
        c->n--;
    return true;
}

/*
 * Parses the comment at `off` (its '#'). Returns false when it is no
 * pragma at all: a comment that merely starts with "bosun" followed by
 * something other than `ignore` or `global` is prose.
 */
static bool parse_pragma(arena *a, const df_file *f, const df_comment *cm,
                         lint_pragma *p)
{
    cursor c;
    if (!comment_cursor(f, cm, &c))
        return false;
    skip_blanks(&c);
    if (!take_word(&c, "bosun"))
        return false;
    if (c.i < c.n && c.s[c.i] != ' ' && c.s[c.i] != '\t')
        return false; /* "bosun:", "bosun's": prose */
    skip_blanks(&c);
    memset(p, 0, sizeof(*p));
    if (take_word(&c, "global")) {
        p->global = true;
        skip_blanks(&c);
        if (!take_word(&c, "ignore"))
            return malformed(p, &c, "expected `global ignore=rule-a,rule-b`");
    } else if (!take_word(&c, "ignore")) {
        return false;
    }
    skip_blanks(&c);
    if (c.i >= c.n || c.s[c.i] != '=')
        return malformed(p, &c, "expected `ignore=rule-a,rule-b`");
    c.i++;
    parse_ids(a, &c, p);
    return true;
}

/* Consumes `word` (case-sensitive, as hadolint reads it) when at least
 * one blank follows it, and the blanks. */
static bool take_hadolint_word(cursor *c, const char *word)
{
    size_t k = strlen(word);
    if (c->n - c->i <= k || strncmp(c->s + c->i, word, k) != 0 ||
        (c->s[c->i + k] != ' ' && c->s[c->i + k] != '\t'))
        return false;
    c->i += k;
    skip_blanks(c);
    return true;
}

static bool is_hadolint_code_char(char ch)
{
    return ch == 'D' || ch == 'L' || ch == 'S' || ch == 'C' ||
           (ch >= '0' && ch <= '9');
}

/* The rule hadolint's code s[0, len) corresponds to, or NULL. */
static const rule_def *hadolint_rule(const char *s, size_t len)
{
    char code[16];
    if (len >= sizeof(code))
        return NULL; /* no code is that long */
    memcpy(code, s, len);
    code[len] = '\0';
    const hadolint_mapping *m = hadolint_map_find(code);
    return m && m->rule_id ? rules_find(m->rule_id) : NULL;
}

static bool has_rule(const lint_pragma_id *ids, size_t n, const rule_def *r)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i].rule == r)
            return true;
    return false;
}

/*
 * Parses a hadolint pragma, `# hadolint [global] ignore=CODE[, CODE...]`
 * with an optional `# reason`, exactly as strictly as hadolint does: the
 * codes are made of the letters D, L, S, C and digits, and anything else
 * makes the whole comment prose (hadolint then ignores nothing either).
 * Keeps the codes that map to a bosun rule. Returns false when the comment
 * is no hadolint pragma.
 */
static bool parse_hadolint_pragma(arena *a, const df_file *f,
                                  const df_comment *cm, lint_pragma *p)
{
    cursor c;
    if (!comment_cursor(f, cm, &c))
        return false;
    skip_blanks(&c);
    if (!take_hadolint_word(&c, "hadolint"))
        return false;
    memset(p, 0, sizeof(*p));
    p->hadolint = true;
    p->global = take_hadolint_word(&c, "global");
    if (c.n - c.i < 6 || strncmp(c.s + c.i, "ignore", 6) != 0)
        return false;
    c.i += 6;
    skip_blanks(&c);
    if (c.i >= c.n || c.s[c.i] != '=')
        return false;
    c.i++;
    /* Each rule once: fewer than the table's entries. */
    lint_pragma_id ids[32];
    size_t nids = 0, cap = 0;
    for (;;) {
        skip_blanks(&c);
        size_t start = c.i;
        while (c.i < c.n && is_hadolint_code_char(c.s[c.i]))
            c.i++;
        if (c.i == start)
            return false;
        const rule_def *rule = hadolint_rule(c.s + start, c.i - start);
        if (rule && !has_rule(ids, nids, rule) &&
            nids < sizeof(ids) / sizeof(ids[0]))
            ids[nids++] = (lint_pragma_id){
                .rule = rule,
                .off = c.base + (uint32_t)start,
                .end = c.base + (uint32_t)c.i,
            };
        skip_blanks(&c);
        if (c.i >= c.n || c.s[c.i] == '#')
            break; /* the end, or a reason */
        if (c.s[c.i] != ',')
            return false;
        c.i++;
    }
    for (size_t k = 0; k < nids; k++) {
        lint_pragma_id *id = ARENA_PUSH(a, p->ids, p->nids, cap);
        *id = ids[k];
        id->id = arena_strndup(a, c.s + (id->off - c.base), id->end - id->off);
    }
    return true;
}

/* The first instruction that starts after `line`, or the last one. */
static size_t next_instruction(const df_file *f, uint32_t line)
{
    size_t lo = 0, hi = f->ninsts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->insts[mid].line <= line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->ninsts ? lo : (f->ninsts ? f->ninsts - 1 : 0);
}

static void add_global(arena *a, lint_suppressions *s, const rule_def *r,
                       size_t *cap)
{
    for (size_t i = 0; i < s->nglobal; i++)
        if (s->global[i] == r)
            return;
    *ARENA_PUSH(a, s->global, s->nglobal, *cap) = r;
}

static int compare_inst(const void *pa, const void *pb)
{
    const lint_pragma *a = pa, *b = pb;
    if (a->inst != b->inst)
        return a->inst < b->inst ? -1 : 1;
    return a->off < b->off ? -1 : a->off > b->off;
}

static bool listed(const rule_def *const *rules, size_t from, size_t to,
                   const rule_def *r)
{
    for (size_t i = from; i < to; i++)
        if (rules[i] == r)
            return true;
    return false;
}

/* The distinct rules each instruction's well-formed, local pragmas
 * silence: at most one entry per rule and instruction. */
static void index_silenced(arena *a, lint_suppressions *s, size_t ninsts)
{
    const rule_def **rules = NULL;
    size_t n = 0, cap = 0;
    s->silenced_first = ARENA_ARRAY(a, size_t, ninsts + 1);
    for (size_t inst = 0; inst < ninsts; inst++) {
        s->silenced_first[inst] = n;
        for (size_t i = s->first[inst]; i < s->first[inst + 1]; i++) {
            const lint_pragma *p = &s->pragmas[i];
            if (p->global || p->problem)
                continue;
            for (size_t k = 0; k < p->nids; k++) {
                const rule_def *r = p->ids[k].rule;
                if (r && !listed(rules, s->silenced_first[inst], n, r))
                    *ARENA_PUSH(a, rules, n, cap) = r;
            }
        }
    }
    s->silenced_first[ninsts] = n;
    s->silenced = rules;
}

/*
 * Reads comment `cm` as a hadolint pragma, and places it as hadolint does:
 * a local one applies to the instruction that starts on the very next
 * line, and to nothing when there is none. hadolint does not see comments
 * among a continued instruction's lines, so neither is done here.
 */
static bool place_hadolint_pragma(arena *a, const df_file *f,
                                  const df_comment *cm, lint_pragma *p)
{
    if (cm->kind != DF_COMMENT_PLAIN || !parse_hadolint_pragma(a, f, cm, p) ||
        p->nids == 0)
        return false;
    p->inst = next_instruction(f, cm->line);
    return p->global || f->insts[p->inst].line == cm->line + 1;
}

void lint_parse_suppressions(arena *a, const df_file *f, bool hadolint,
                             lint_suppressions *out)
{
    memset(out, 0, sizeof(*out));
    lint_pragma *pragmas = NULL;
    size_t n = 0, cap = 0, global_cap = 0;
    for (size_t i = 0; i < f->ncomments; i++) {
        const df_comment *cm = &f->comments[i];
        if (cm->kind == DF_COMMENT_DIRECTIVE || f->ninsts == 0)
            continue;
        lint_pragma p;
        if (parse_pragma(a, f, cm, &p)) {
            p.inst = cm->kind == DF_COMMENT_CONTINUATION &&
                             cm->instruction >= 0
                         ? (size_t)cm->instruction
                         : next_instruction(f, cm->line);
        } else if (!hadolint || !place_hadolint_pragma(a, f, cm, &p)) {
            continue;
        }
        if (p.inst >= f->ninsts)
            p.inst = f->ninsts - 1;
        if (p.global && !p.problem)
            for (size_t k = 0; k < p.nids; k++)
                if (p.ids[k].rule)
                    add_global(a, out, p.ids[k].rule, &global_cap);
        *ARENA_PUSH(a, pragmas, n, cap) = p;
    }
    out->pragmas = pragmas;
    out->n = n;
    if (!n)
        return;
    /* Index them by instruction. Comments come in source order, so this
     * sort rarely moves anything. */
    qsort(pragmas, n, sizeof(*pragmas), compare_inst);
    out->first = ARENA_ARRAY(a, size_t, f->ninsts + 1);
    size_t k = 0;
    for (size_t inst = 0; inst <= f->ninsts; inst++) {
        while (k < n && pragmas[k].inst < inst)
            k++;
        out->first[inst] = k;
    }
    index_silenced(a, out, f->ninsts);
}

bool lint_is_suppressed(const lint_suppressions *s, size_t inst,
                        const rule_def *rule)
{
    for (size_t i = 0; i < s->nglobal; i++)
        if (s->global[i] == rule)
            return true;
    if (!s->silenced_first)
        return false;
    return listed(s->silenced, s->silenced_first[inst],
                  s->silenced_first[inst + 1], rule);
}
