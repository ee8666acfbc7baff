#include "image/history.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lint/config.h"
#include "report/report.h"
#include "util/xalloc.h"

/* Longest created_by rebuilt (longer ones are not linted). */
#define HISTORY_MAX_COMMAND (1u << 20)

void history_doc_free(history_doc *d)
{
    sb_free(&d->text);
    free(d->line_entry);
    memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------ name sets */

/* A set of names, so that a history of 200,000 ENV entries is not
 * 200,000 scans of a list. */
static void set_free(name_set *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i]);
    free(s->slots);
    memset(s, 0, sizeof(*s));
}

static uint64_t set_hash(const name_set *s, const char *name, size_t len)
{
    uint64_t h = 1469598103934665603ull ^ s->seed; /* FNV-1a, seeded */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 1099511628211ull;
    h ^= h >> 33; /* mix the high bits into the slot index */
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

static char **set_slot(const name_set *s, const char *name, size_t len)
{
    size_t i = (size_t)set_hash(s, name, len) & (s->cap - 1);
    while (s->slots[i] && !(strlen(s->slots[i]) == len &&
                            memcmp(s->slots[i], name, len) == 0))
        i = (i + 1) & (s->cap - 1);
    return &s->slots[i];
}

static bool set_has(const name_set *s, const char *name, size_t len)
{
    return s->cap && *set_slot(s, name, len);
}

static void set_add(name_set *s, const char *name, size_t len)
{
    if (2 * (s->n + 1) > s->cap) {
        name_set bigger = {.cap = s->cap ? 2 * s->cap : 64, .seed = s->seed};
        if (!s->cap && getentropy(&bigger.seed, sizeof(bigger.seed)) != 0)
            bigger.seed = (uint64_t)(uintptr_t)s;
        bigger.slots = xcalloc(bigger.cap, sizeof(char *));
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i])
                *set_slot(&bigger, s->slots[i], strlen(s->slots[i])) =
                    s->slots[i];
        bigger.n = s->n;
        free(s->slots);
        *s = bigger;
    }
    char **slot = set_slot(s, name, len);
    if (*slot)
        return;
    *slot = xstrndup(name, len);
    s->n++;
}

void history_state_free(history_state *st)
{
    set_free(&st->args);
    set_free(&st->env_names);
}

bool history_sets_env(const history_state *st, const char *name, size_t len)
{
    return set_has(&st->env_names, name, len);
}

/* Append text (lines ending in '\n') made for history entry `index`. */
static void emit(history_doc *d, int index, const char *text, size_t len)
{
    sb_append(&d->text, text, len);
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '\n')
            continue;
        if (d->nlines == d->cap) {
            d->cap = d->cap ? 2 * d->cap : 64;
            d->line_entry = xreallocarray(d->line_entry, d->cap, sizeof(int));
        }
        d->line_entry[d->nlines++] = index;
    }
}

/* ------------------------------------------------------------- words */

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static size_t word_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != '\n')
        n++;
    return n;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* NAME= at the start of s: the length of NAME, or 0. */
static size_t assignment_name(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    size_t n = 1;
    while (isalnum((unsigned char)s[n]) || s[n] == '_')
        n++;
    return s[n] == '=' ? n : 0;
}

/* A value as a double-quoted Dockerfile word: nothing in it is expanded
 * again (history holds values after expansion). */
static void put_quoted(strbuf *sb, const char *s, size_t len)
{
    sb_putc(sb, '"');
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\n' || c == '\r')
            c = ' ';
        if (c == '"' || c == '\\' || c == '$')
            sb_putc(sb, '\\');
        sb_putc(sb, c);
    }
    sb_putc(sb, '"');
}

/*
 * NAME=value pairs separated by blanks, as history writes them (values
 * unquoted, so a value with blanks runs until the next NAME=). Calls fn
 * for each; stops after `max` pairs (0: no limit) and returns where it
 * stopped.
 */
static bool is_posix_shell(const char *w, size_t n);
static bool is_other_shell(const char *w, size_t n);

/* Where the command of a RUN starts after its build arguments: BuildKit
 * writes the shell's path ("/bin/sh -c ..."). */
static bool starts_command(const char *s)
{
    size_t n = word_len(s);
    return *s == '/' || is_posix_shell(s, n) || is_other_shell(s, n);
}

typedef void (*pair_fn)(void *ctx, const char *name, size_t nlen,
                        const char *value, size_t vlen);

static const char *split_pairs(const char *s, size_t max, pair_fn fn,
                               void *ctx)
{
    size_t count = 0;
    s = skip_blanks(s);
    while (*s && (!max || count < max)) {
        size_t nlen = assignment_name(s);
        if (!nlen)
            break;
        const char *v = s + nlen + 1, *end = v;
        for (;;) {
            end += word_len(end);
            const char *next = skip_blanks(end);
            /* The last pair of a RUN prefix ends before the command. */
            if (!*next || assignment_name(next) ||
                (max && count + 1 == max && starts_command(next)))
                break;
            end = next;
        }
        fn(ctx, s, nlen, v, (size_t)(end - v));
        count++;
        s = skip_blanks(end);
    }
    return s;
}

/* ------------------------------------------------------------ instructions */

typedef struct pair_ctx {
    history_doc *d;
    history_state *st;
    int index;
    strbuf *line;
    bool is_env;
    size_t n;
} pair_ctx;

static void put_pair(void *ctx, const char *name, size_t nlen,
                     const char *value, size_t vlen)
{
    pair_ctx *p = ctx;
    if (p->is_env) {
        set_add(&p->st->env_names, name, nlen);
    } else {
        /* Declare each build argument once. */
        size_t klen = nlen + 1 + vlen;
        if (set_has(&p->st->args, name, klen))
            return;
        set_add(&p->st->args, name, klen);
    }
    sb_append(p->line, " ", 1);
    sb_append(p->line, name, nlen);
    sb_putc(p->line, '=');
    put_quoted(p->line, value, vlen);
    p->n++;
}

/* ENV or ARG with NAME=value pairs (or ENV's legacy "NAME value"). */
static const char *emit_assignments(history_doc *d, history_state *st,
                                    int index, bool is_env, const char *s,
                                    size_t max)
{
    strbuf line;
    sb_init(&line);
    sb_puts(&line, is_env ? "ENV" : "ARG");
    pair_ctx p = {d, st, index, &line, is_env, 0};
    const char *rest = split_pairs(s, max, put_pair, &p);
    if (p.n == 0 && !max) {
        /* ENV NAME value, or ARG NAME (no default). */
        s = skip_blanks(s);
        size_t nlen = word_len(s);
        const char *v = skip_blanks(s + nlen);
        if (nlen && is_env && *v) {
            put_pair(&p, s, nlen, v, strlen(v));
        } else if (nlen && !is_env && !*v &&
                   !set_has(&st->args, s, nlen)) {
            set_add(&st->args, s, nlen);
            sb_putc(&line, ' ');
            sb_append(&line, s, nlen);
            p.n++;
        }
        rest = "";
    }
    if (p.n) {
        sb_putc(&line, '\n');
        emit(d, index, line.data, line.len);
    }
    sb_free(&line);
    return rest;
}

/* Shells whose -c strings bosun parses. */
static bool is_posix_shell(const char *w, size_t n)
{
    static const char *const shells[] = {"sh", "bash", "ash", "dash", "zsh",
                                         "ksh", "mksh", NULL};
    const char *base = w;
    for (size_t i = 0; i < n; i++)
        if (w[i] == '/')
            base = w + i + 1;
    size_t bl = n - (size_t)(base - w);
    for (const char *const *s = shells; *s; s++)
        if (strlen(*s) == bl && memcmp(base, *s, bl) == 0)
            return true;
    return false;
}

static bool is_other_shell(const char *w, size_t n)
{
    static const char *const shells[] = {"powershell", "pwsh", "cmd",
                                         "powershell.exe", "pwsh.exe",
                                         "cmd.exe", NULL};
    const char *base = w;
    for (size_t i = 0; i < n; i++)
        if (w[i] == '/' || w[i] == '\\')
            base = w + i + 1;
    size_t bl = n - (size_t)(base - w);
    for (const char *const *s = shells; *s; s++)
        if (strlen(*s) == bl && strncasecmp(base, *s, bl) == 0)
            return true;
    return false;
}

/*
 * The script of "<shell> [options] -c SCRIPT"; the command itself when it
 * is not such a call (an exec-form RUN, joined by spaces); NULL when the
 * shell is not a POSIX one.
 */
static const char *run_script(const char *cmd)
{
    cmd = skip_blanks(cmd);
    size_t n = word_len(cmd);
    if (is_other_shell(cmd, n))
        return NULL;
    if (!is_posix_shell(cmd, n))
        return cmd;
    const char *p = skip_blanks(cmd + n);
    while (*p == '-' || *p == '+') {
        size_t k = word_len(p);
        bool takes_arg = k == 2 && (p[1] == 'o' || p[1] == 'O');
        bool is_c = p[0] == '-' && p[k - 1] == 'c';
        p = skip_blanks(p + k);
        if (is_c)
            return p;
        if (takes_arg)
            p = skip_blanks(p + word_len(p));
    }
    return cmd;
}

/* A heredoc delimiter that no line of the script is. */
static void pick_delimiter(const char *script, char *out, size_t cap)
{
    for (unsigned i = 0;; i++) {
        snprintf(out, cap, i ? "BOSUN_HISTORY_EOF%u" : "BOSUN_HISTORY_EOF", i);
        size_t k = strlen(out);
        bool clash = false;
        for (const char *l = script; l && *l;) {
            const char *nl = strchr(l, '\n');
            size_t len = nl ? (size_t)(nl - l) : strlen(l);
            if (len == k && memcmp(l, out, k) == 0)
                clash = true;
            l = nl ? nl + 1 : NULL;
        }
        if (!clash)
            return;
    }
}

static void emit_run(history_doc *d, int index, const char *script)
{
    size_t len = strlen(script);
    while (len && (script[len - 1] == ' ' || script[len - 1] == '\t' ||
                   script[len - 1] == '\n'))
        len--;
    if (len == 0)
        return;
    strbuf line;
    sb_init(&line);
    if (!memchr(script, '\n', len) && script[len - 1] != '\\' &&
        len < 60000) {
        sb_puts(&line, "RUN ");
        sb_append(&line, script, len);
        sb_putc(&line, '\n');
    } else {
        /* Multi-line scripts (BuildKit keeps heredocs) as a heredoc. */
        char delim[40];
        char *body = xstrndup(script, len);
        pick_delimiter(body, delim, sizeof(delim));
        sb_printf(&line, "RUN <<'%s'\n%s\n%s\n", delim, body, delim);
        free(body);
    }
    emit(d, index, line.data, line.len);
    sb_free(&line);
}

/* RUN [|N NAME=value...] COMMAND */
static void emit_run_command(history_doc *d, history_state *st, int index,
                             const char *s)
{
    s = skip_blanks(s);
    if (*s == '|' && isdigit((unsigned char)s[1])) {
        size_t n = (size_t)strtoul(s + 1, NULL, 10);
        s = skip_blanks(s + 1 + word_len(s + 1));
        if (n > 0 && n < 1000)
            s = emit_assignments(d, st, index, false, s, n);
    }
    const char *script = run_script(s);
    if (script)
        emit_run(d, index, script);
}

/* COPY/ADD as written in history: the classic builder's "file:<hash> in
 * /dst" and BuildKit's "<<name" inline files are made plain sources. */
static void emit_copy(history_doc *d, int index, const char *keyword,
                      const char *args)
{
    if (strchr(args, '\n'))
        return;
    strbuf line;
    sb_init(&line);
    sb_puts(&line, keyword);
    for (const char *p = skip_blanks(args); *p; p = skip_blanks(p)) {
        size_t n = word_len(p);
        if (n == 2 && memcmp(p, "in", 2) == 0 && line.len > strlen(keyword) &&
            strchr(line.data, ':')) {
            p += n;
            continue;
        }
        const char *w = p;
        size_t wl = n;
        while (wl > 0 && *w == '<') {
            w++;
            wl--;
        }
        sb_putc(&line, ' ');
        sb_append(&line, w, wl);
        p += n;
    }
    sb_putc(&line, '\n');
    emit(d, index, line.data, line.len);
    sb_free(&line);
}

static void emit_simple(history_doc *d, int index, const char *keyword,
                        const char *args)
{
    if (strchr(args, '\n') || !*skip_blanks(args))
        return;
    strbuf line;
    sb_init(&line);
    sb_printf(&line, "%s %s\n", keyword, skip_blanks(args));
    emit(d, index, line.data, line.len);
    sb_free(&line);
}

/* An instruction as history writes it ("USER app", "ENV A=b" ...). */
static void emit_instruction(history_doc *d, history_state *st, int index,
                             const char *s)
{
    size_t kl = word_len(s);
    char kw[16];
    if (kl == 0 || kl >= sizeof(kw))
        return;
    for (size_t i = 0; i < kl; i++)
        kw[i] = (char)toupper((unsigned char)s[i]);
    kw[kl] = '\0';
    const char *args = skip_blanks(s + kl);
    if (!strcmp(kw, "RUN"))
        emit_run_command(d, st, index, args);
    else if (!strcmp(kw, "COPY") || !strcmp(kw, "ADD"))
        emit_copy(d, index, kw, args);
    else if (!strcmp(kw, "ENV") || !strcmp(kw, "ARG"))
        emit_assignments(d, st, index, kw[0] == 'E', args, 0);
    else if (!strcmp(kw, "USER") || !strcmp(kw, "WORKDIR") ||
             !strcmp(kw, "ONBUILD"))
        emit_simple(d, index, kw, args);
    /* CMD, LABEL, EXPOSE, HEALTHCHECK, SHELL ...: history writes them in
     * Go's notation, and no rule judges them there. */
}

static bool is_instruction_word(const char *s)
{
    static const char *const keywords[] = {
        "RUN", "COPY", "ADD", "ENV", "ARG", "USER", "WORKDIR", "ONBUILD",
        "CMD", "ENTRYPOINT", "LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL",
        "HEALTHCHECK", "SHELL", "MAINTAINER", NULL,
    };
    size_t n = word_len(s);
    for (const char *const *k = keywords; *k; k++)
        if (strlen(*k) == n && memcmp(s, *k, n) == 0)
            return true;
    return false;
}

void history_append(history_doc *d, history_state *st, const char *created_by,
                    int index)
{
    if (!created_by || strlen(created_by) > HISTORY_MAX_COMMAND)
        return;
    char *s = xstrdup(skip_blanks(created_by));
    /* BuildKit marks what it built: "... # buildkit" (once with a digest). */
    char *mark = strstr(s, " # buildkit");
    if (mark && (mark[11] == '\0' || mark[11] == ':'))
        *mark = '\0';
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';

    static const char nop[] = "/bin/sh -c #(nop)";
    if (starts_with(s, nop))
        emit_instruction(d, st, index, skip_blanks(s + strlen(nop)));
    else if (s[0] == '|' && isdigit((unsigned char)s[1]))
        emit_run_command(d, st, index, s);     /* classic, with build args */
    else if (starts_with(s, "/bin/sh -c ") || starts_with(s, "/bin/bash -c "))
        emit_run_command(d, st, index, s);
    else if (is_instruction_word(s))
        emit_instruction(d, st, index, s);
    /* Anything else ("umoci repack", "apko", a bazel rule) is not a
     * Dockerfile instruction. */
    free(s);
}

void history_append_env(history_doc *d, const char *name, size_t name_len,
                        const char *value)
{
    strbuf line;
    sb_init(&line);
    sb_puts(&line, "ENV ");
    sb_append(&line, name, name_len);
    sb_putc(&line, '=');
    put_quoted(&line, value, strlen(value));
    sb_putc(&line, '\n');
    emit(d, -1, line.data, line.len);
    sb_free(&line);
}

/* -------------------------------------------------------------- linting */

/*
 * Memory stays bounded whatever the configuration (it may hold 200,000
 * history entries in its 16 MiB): the lint engine keeps every instruction
 * and finding of what it lints, so the rebuilt text is linted in pieces of
 * HISTORY_CHUNK_ENTRIES entries (or HISTORY_CHUNK_BYTES of text), and each
 * rule's findings are listed up to IMG_FINDINGS_PER_LAYER, as layers' are,
 * the rest counted in one summary finding. Real images have at most a few
 * hundred entries: one piece, linted as a whole. (A piece is linted without
 * the instructions of the pieces before it.)
 */
#define HISTORY_CHUNK_ENTRIES 4096
#define HISTORY_CHUNK_BYTES (2u << 20)

/* Findings of one rule listed so far, and dropped over the cap. */
typedef struct cap_count {
    char *rule;
    bosun_severity severity;
    size_t listed, dropped;
} cap_count;

typedef struct history_cap {
    cap_count *items;
    size_t n;
} history_cap;

static void cap_free(history_cap *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->items[i].rule);
    free(c->items);
    memset(c, 0, sizeof(*c));
}

/* May one more finding of this rule be listed? */
static bool cap_take(history_cap *c, const bosun_finding *f)
{
    cap_count *k = NULL;
    for (size_t i = 0; i < c->n && !k; i++)
        if (strcmp(c->items[i].rule, f->rule) == 0)
            k = &c->items[i];
    if (!k) {
        c->items = xreallocarray(c->items, c->n + 1, sizeof(cap_count));
        k = &c->items[c->n++];
        k->rule = xstrdup(f->rule);
        k->severity = f->severity;
        k->listed = k->dropped = 0;
    }
    if (k->listed == IMG_FINDINGS_PER_LAYER) {
        k->dropped++;
        return false;
    }
    k->listed++;
    return true;
}

/* One finding per rule for what the cap left out of `where`. */
static void cap_report(const img_image *img, const history_cap *c,
                       const char *where, bosun_report *r)
{
    for (size_t i = 0; i < c->n; i++) {
        if (!c->items[i].dropped)
            continue;
        char msg[300];
        snprintf(msg, sizeof(msg), "%zu more %s findings in %s are not "
                 "listed (the first %d are)", c->items[i].dropped,
                 c->items[i].rule, where, IMG_FINDINGS_PER_LAYER);
        bosun_finding out = {
            .rule = c->items[i].rule,
            .severity = c->items[i].severity,
            .file = img->name,
            .message = msg,
            .layer_index = -1,
            .deleted_in_layer = -1,
            .history_index = -1,
        };
        report_add_finding(r, &out);
    }
}

/* Lint the rebuilt text; false when it does not parse. */
static bool lint_doc(const bosun_config *cfg, const char *name,
                     const history_doc *d, bosun_report *out)
{
    bosun_config history_cfg = *cfg;
    history_cfg.image_history = true;
    return bosun_lint_dockerfile(&history_cfg, name, d->text.data, d->text.len,
                                 out);
}

static void move_findings(const img_image *img, const history_doc *d,
                          bosun_report *from, history_cap *cap,
                          bosun_report *to)
{
    for (size_t i = 0; i < bosun_report_count(from); i++) {
        bosun_finding f = *bosun_report_finding(from, i);
        if (!cap_take(cap, &f))
            continue;
        int entry = f.instruction_line >= 1 && f.instruction_line <= d->nlines
                        ? d->line_entry[f.instruction_line - 1]
                        : -1;
        char msg[1200];
        if (entry < 0) {
            snprintf(msg, sizeof(msg), "in the image's Env: %s", f.message);
            f.message = msg;
        }
        f.file = img->name;
        f.line = f.column = f.end_line = f.end_column = 0;
        f.instruction_line = 0;
        f.stage = NULL;
        f.stage_index = -1;
        f.history_index = entry;
        report_add_finding(to, &f);
    }
}

static void lint_and_move(const img_image *img, const bosun_config *cfg,
                          const history_doc *d, history_cap *cap,
                          bosun_report *r)
{
    if (d->text.len == 0)
        return;
    bosun_report *tmp = bosun_report_new();
    bool ok = lint_doc(cfg, img->name, d, tmp);
    if (ok) {
        move_findings(img, d, tmp, cap, r);
        bosun_report_free(tmp);
        return;
    }
    bosun_report_free(tmp);
    /* One entry does not parse: lint them one at a time, losing only it. */
    size_t line = 0;
    const char *start = d->text.data;
    while (line < d->nlines) {
        int entry = d->line_entry[line];
        const char *end = start;
        while (line < d->nlines && d->line_entry[line] == entry) {
            end = strchr(end, '\n') + 1;
            line++;
        }
        history_doc one = {0};
        sb_init(&one.text);
        emit(&one, entry, start, (size_t)(end - start));
        tmp = bosun_report_new();
        if (lint_doc(cfg, img->name, &one, tmp))
            move_findings(img, &one, tmp, cap, r);
        bosun_report_free(tmp);
        history_doc_free(&one);
        start = end;
    }
}

/* Lint what `d` holds and empty it for the next piece. */
static void flush(const img_image *img, const bosun_config *cfg,
                  history_doc *d, history_cap *cap, bosun_report *r)
{
    lint_and_move(img, cfg, d, cap, r);
    history_doc_free(d);
    sb_init(&d->text);
}

void history_check(const img_image *img, const bosun_config *cfg,
                   bosun_report *r)
{
    static const bosun_config no_config;
    if (!cfg)
        cfg = &no_config;
    history_doc doc = {0};
    sb_init(&doc.text);
    history_state st = {0};
    history_cap cap = {0};
    size_t pending = 0;
    for (size_t i = 0; i < img->nhistory; i++) {
        history_append(&doc, &st, img->history[i].created_by, (int)i);
        if (++pending == HISTORY_CHUNK_ENTRIES ||
            doc.text.len >= HISTORY_CHUNK_BYTES) {
            flush(img, cfg, &doc, &cap, r);
            pending = 0;
        }
    }
    flush(img, cfg, &doc, &cap, r);
    cap_report(img, &cap, "the image's history", r);
    cap_free(&cap);

    /* Env entries no history entry set (base images, other tools). */
    pending = 0;
    for (size_t i = 0; i < img->nenv; i++) {
        const char *e = img->env[i], *eq = strchr(e, '=');
        size_t nlen = eq ? (size_t)(eq - e) : strlen(e);
        if (nlen == 0 || history_sets_env(&st, e, nlen) || !eq)
            continue;
        history_append_env(&doc, e, nlen, eq + 1);
        if (++pending == HISTORY_CHUNK_ENTRIES ||
            doc.text.len >= HISTORY_CHUNK_BYTES) {
            flush(img, cfg, &doc, &cap, r);
            pending = 0;
        }
    }
    flush(img, cfg, &doc, &cap, r);
    cap_report(img, &cap, "the image's Env", r);
    cap_free(&cap);
    history_doc_free(&doc);
    history_state_free(&st);
}
