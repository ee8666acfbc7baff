/*
 * From RUN instructions to shell scripts, the way BuildKit runs them
 * (dockerfile2llb dispatchRun): the shell form goes to the stage's SHELL,
 * a RUN that is nothing but one heredoc runs the heredoc's body, other
 * heredocs are handed to the shell after the command line, and the exec
 * form is an argv.
 */
#include "lint/scripts.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/strbuf.h"

static const char *basename_of(const char *s)
{
    const char *slash = strrchr(s, '/');
    const char *bslash = strrchr(s, '\\');
    if (bslash && (!slash || bslash > slash))
        slash = bslash;
    return slash ? slash + 1 : s;
}

static bool name_is(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcasecmp(name, *list) == 0)
            return true;
    return false;
}

static const char *const posix_shells[] = {
    "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox", "yash",
    "hush", NULL,
};

static const char *const other_shells[] = {
    "powershell", "powershell.exe", "pwsh", "pwsh.exe", "cmd", "cmd.exe",
    NULL,
};

lint_shell lint_shell_of_argv(const char *argv0)
{
    const char *b = basename_of(argv0);
    return name_is(b, other_shells) ? LINT_SHELL_OTHER : LINT_SHELL_POSIX;
}

static bool looks_windows(const char *image)
{
    static const char *const marks[] = {"windows", "nanoserver", "servercore",
                                        NULL};
    for (const char *const *m = marks; *m; m++)
        if (strcasestr(image, *m))
            return true;
    return false;
}

void lint_stage_shells(arena *a, const df_model *m, lint_shell *out)
{
    const df_file *f = m->file;
    lint_shell *stage_shell = ARENA_ARRAY(a, lint_shell, m->nstages + 1);
    lint_shell cur = LINT_SHELL_POSIX;
    int32_t stage = -1;
    for (size_t i = 0; i < f->ninsts; i++) {
        const df_instruction *in = &f->insts[i];
        if (m->stage_of[i] != stage) {
            if (stage >= 0)
                stage_shell[stage] = cur;
            stage = m->stage_of[i];
            const df_stage *st = &m->stages[stage];
            if (st->parent >= 0)
                cur = stage_shell[st->parent];
            else if (looks_windows(st->base.s) ||
                     (st->base.unknown && f->escape == '`'))
                cur = LINT_SHELL_OTHER; /* cmd /S /C */
            else
                cur = LINT_SHELL_POSIX;
        }
        if (in->kind == DF_SHELL && in->json && in->nargs > 0)
            cur = lint_shell_of_argv(in->args[0].s);
        out[i] = cur;
    }
}

/* Is the whole command line a single heredoc word (RUN <<EOF)? */
static bool is_lone_heredoc(const df_instruction *run)
{
    const char *s = run->rest.s;
    while (isdigit((unsigned char)*s))
        s++;
    if (s[0] != '<' || s[1] != '<')
        return false;
    s += 2;
    if (*s == '-')
        s++;
    if (!*s || strchr(s, '<'))
        return false;
    for (; *s; s++)
        if (isspace((unsigned char)*s))
            return false;
    return true;
}

/* The interpreter a `#!` line names (`#!/usr/bin/env python3` -> python3). */
static const char *shebang_interpreter(arena *a, const char *body, size_t len)
{
    const char *end = memchr(body, '\n', len);
    size_t n = end ? (size_t)(end - body) : len;
    char *line = arena_strndup(a, body + 2, n - 2);
    char *tok = strtok(line, " \t\r");
    if (!tok)
        return "";
    if (strcmp(basename_of(tok), "env") == 0) {
        char *next;
        while ((next = strtok(NULL, " \t\r")) && next[0] == '-')
            ;
        return next ? basename_of(next) : "";
    }
    return basename_of(tok);
}

/* Appends text that maps 1:1 onto source bytes starting at src_off. */
static void append_mapped(strbuf *sb, srcmap *map, arena *a, const char *s,
                          size_t n, size_t src_off)
{
    srcmap_add(map, a, sb->len, src_off);
    sb_append(sb, s, n);
}

/* A heredoc body with leading tabs removed from every line (<<-). */
static void append_chomped(strbuf *sb, srcmap *map, arena *a,
                           const df_heredoc *h)
{
    size_t i = 0;
    while (i < h->len) {
        while (i < h->len && h->content[i] == '\t')
            i++;
        const char *nl = memchr(h->content + i, '\n', h->len - i);
        size_t end = nl ? (size_t)(nl - h->content) + 1 : h->len;
        append_mapped(sb, map, a, h->content + i, end - i, h->content_off + i);
        i = end;
    }
}

sh_script *lint_build_script(arena *a, const df_instruction *run,
                             lint_shell shell, const sh_options *opts)
{
    if (run->json) {
        if (run->nargs == 0)
            return NULL;
        const char **argv = arena_alloc(a, sizeof(char *) * run->nargs);
        size_t *lens = arena_alloc(a, sizeof(size_t) * run->nargs);
        uint32_t *offs = arena_alloc(a, sizeof(uint32_t) * run->nargs);
        const srcmap **maps = arena_alloc(a, sizeof(srcmap *) * run->nargs);
        for (size_t i = 0; i < run->nargs; i++) {
            const df_text *t = &run->args[i];
            argv[i] = t->s;
            lens[i] = t->len;
            offs[i] = t->off + 1; /* past the opening quote */
            srcmap *m = ARENA_NEW(a, srcmap);
            srcmap_add(m, a, 0, offs[i]);
            maps[i] = m;
        }
        if (lint_shell_of_argv(argv[0]) == LINT_SHELL_OTHER)
            return NULL;
        return sh_from_argv(a, argv, lens, run->nargs, offs, maps, opts);
    }
    if (shell == LINT_SHELL_OTHER)
        return NULL;

    strbuf sb;
    sb_init(&sb);
    srcmap *map;
    sh_script *script = NULL;

    if (run->nheredocs >= 1 && is_lone_heredoc(run)) {
        const df_heredoc *h = &run->heredocs[0];
        if (h->len >= 2 && h->content[0] == '#' && h->content[1] == '!') {
            const char *interp = shebang_interpreter(a, h->content, h->len);
            if (!name_is(interp, posix_shells))
                goto out; /* a python/perl/... script: not shell */
        }
        map = ARENA_NEW(a, srcmap);
        if (h->chomp)
            append_chomped(&sb, map, a, h);
        else
            append_mapped(&sb, map, a, h->content, h->len, h->content_off);
        script = sh_parse(a, sb.data, sb.len, map, opts);
        goto out;
    }

    /* The command line, then each heredoc: "\n" body delimiter. */
    srcmap shift = {0};
    srcmap_add(&shift, a, 0, run->rest_pos);
    map = srcmap_compose(a, &shift, run->rest.len, run->map);
    sb_append(&sb, run->rest.s, run->rest.len);
    for (size_t k = 0; k < run->nheredocs; k++) {
        const df_heredoc *h = &run->heredocs[k];
        append_mapped(&sb, map, a, "\n", 1,
                      h->content_off ? h->content_off - 1 : 0);
        append_mapped(&sb, map, a, h->content, h->len, h->content_off);
        append_mapped(&sb, map, a, h->name, strlen(h->name),
                      h->content_off + h->len);
    }
    script = sh_parse(a, sb.data, sb.len, map, opts);
out:
    sb_free(&sb);
    return script;
}
