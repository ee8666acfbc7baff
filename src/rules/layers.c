#include "rules/layers.h"

#include <ctype.h>
#include <fnmatch.h>
#include <string.h>

#include "rules/flow.h"

/* Paths recorded per file, and comparisons of a deleted path with them:
 * enough for any real Dockerfile, and a bound on the work a hostile one
 * can cause. */
#define MAX_PATHS 4096
#define MAX_COMPARISONS (1u << 22)

typedef struct builder {
    lint_ctx *c;
    layers *l;
    size_t cap, rcap;
    size_t inst;                 /* the instruction being read */
    const char **mounts;         /* its RUN --mount targets */
    size_t nmounts, mcap;
    const char **assigned;       /* variables its script assigns */
    size_t nassigned, acap;
    size_t comparisons;          /* of deletions with paths, so far */
} builder;

/* Does `raw` refer to a variable the script assigns? The shell model
 * substitutes ENV and ARG values, which such an assignment overrides
 * (export GOPATH="$(mktemp -d)" ... rm -rf "$GOPATH"). */
static bool refers_to_assigned(const builder *b, const char *raw)
{
    for (const char *p = strchr(raw, '$'); p; p = strchr(p + 1, '$')) {
        const char *name = p + 1 + (p[1] == '{');
        size_t n = 0;
        while (isalnum((unsigned char)name[n]) || name[n] == '_')
            n++;
        for (size_t i = 0; n && i < b->nassigned; i++)
            if (strlen(b->assigned[i]) == n &&
                !strncmp(b->assigned[i], name, n))
                return true;
    }
    return false;
}

/* NAME=value words: assignments, and the arguments of export & co. */
static void note_assignment(builder *b, const sh_word *w)
{
    const char *v = lint_word(w);
    size_t n = strcspn(v, "=");
    if (n && (v[n] == '=' || !strchr(v, '$')))
        *ARENA_PUSH(b->c->a, b->assigned, b->nassigned, b->acap) =
            arena_strndup(b->c->a, v, n);
}

static void find_assignments(builder *b, const sh_script *s)
{
    static const char *const exporters[] = {"export", "declare", "local",
                                            "readonly", "typeset", "read",
                                            NULL};
    b->nassigned = 0;
    for (size_t k = 0; k < s->ncmds; k++) {
        const sh_command *c = s->cmds[k];
        for (size_t i = 0; i < c->nassigns; i++)
            note_assignment(b, &c->assigns[i]);
        if (c->nargs && lint_name_in(c->name, exporters))
            for (size_t i = 0; i < c->nargs; i++)
                if (lint_word(&c->args[i])[0] != '-')
                    note_assignment(b, &c->args[i]);
    }
}

/* Is `path` equal to `dir` or below it? */
static bool within(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return true;
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static bool under_mount(const builder *b, const char *path)
{
    for (size_t i = 0; i < b->nmounts; i++)
        if (within(path, b->mounts[i]))
            return true;
    return false;
}

/* A path bosun can place: absolute, known, no pattern. */
static const char *place_name(builder *b, const char *cwd, const char *v,
                              unsigned flags)
{
    if ((flags & (SHW_DYNAMIC | SHW_GLOB | SHW_BRACE | SHW_TILDE)) || !*v ||
        !strncmp(v, "/dev/", 5) || !strncmp(v, "/proc/", 6))
        return NULL;
    const char *path = exec_absolute(b->c, cwd, v);
    return exec_path_unknown(path) ? NULL : path;
}

static const char *place(builder *b, const char *cwd, const sh_word *w)
{
    if (refers_to_assigned(b, w->raw))
        return NULL;
    return place_name(b, cwd, lint_word(w), w->flags);
}

static void add_path(builder *b, const char *path, bool tree, uint32_t off,
                     uint32_t end, const char *how)
{
    if (!path || exec_path_unknown(path) || strchr(path, '$') ||
        under_mount(b, path) || b->l->npaths >= MAX_PATHS ||
        !strcmp(path, "/"))
        return;
    layer_path *p = ARENA_PUSH(b->c->a, b->l->paths, b->l->npaths, b->cap);
    memset(p, 0, sizeof(*p));
    p->path = path;
    p->tree = tree;
    p->inst = b->inst;
    p->off = off;
    p->end = end;
    p->how = how;
    p->removed_by = LAYER_KEPT;
}

static void add_word(builder *b, const char *cwd, const sh_word *w, bool tree,
                     const char *how)
{
    add_path(b, place(b, cwd, w), tree, w->off, w->end, how);
}

/* Does deleting `pattern` (rm's operand, maybe a glob) delete p? `fixed`
 * is the length of the pattern's directory part without a glob. */
static bool deletes(const char *pattern, bool glob, size_t fixed,
                    const layer_path *p)
{
    if (!glob)
        return within(p->path, pattern);
    /* Cheap refusal: neither below the pattern's fixed directory nor an
     * added directory holding it. */
    if (strncmp(p->path, pattern, fixed) != 0 &&
        !(p->tree && !strncmp(pattern, p->path, strlen(p->path))))
        return false;
    if (fnmatch(pattern, p->path, FNM_PATHNAME | FNM_PERIOD) == 0)
        return true;
    /* A matched directory takes what is below it along. */
    char prefix[4096];
    size_t n = strlen(p->path);
    if (n >= sizeof(prefix))
        return false;
    memcpy(prefix, p->path, n + 1);
    for (size_t i = n; i > 1; i--)
        if (prefix[i - 1] == '/') {
            prefix[i - 1] = '\0';
            if (fnmatch(pattern, prefix, FNM_PATHNAME | FNM_PERIOD) == 0)
                return true;
        }
    /* Emptying a directory (rm -rf dir/'*') removes its added contents. */
    size_t k = strlen(pattern);
    return p->tree && k == n + 2 && !strncmp(pattern, p->path, n) &&
           !strcmp(pattern + n, "/*");
}

/* find DIR -name NAME -delete: below DIR, a last segment matching NAME. */
static bool find_deletes(const char *dir, const char *name,
                         const layer_path *p)
{
    const char *base = strrchr(p->path, '/') + 1;
    return within(p->path, dir) && strcmp(p->path, dir) != 0 &&
           fnmatch(name, base, FNM_PERIOD) == 0;
}

/* Records that the current RUN deletes `path` (with find's -name NAME
 * when `name` is set): what earlier layers added there still ships. */
static void remove_path(builder *b, const char *path, const char *name,
                        const sh_word *w, const char *how)
{
    if (!path || exec_path_unknown(path) || under_mount(b, path) ||
        b->comparisons > MAX_COMPARISONS)
        return;
    b->comparisons += b->l->npaths;
    const char *g = strpbrk(path, "*?[");
    bool glob = g != NULL;
    size_t fixed = 0;
    for (const char *q = path; g && q < g; q++)
        if (*q == '/')
            fixed = (size_t)(q - path) + 1;
    layers *l = b->l;
    size_t first = 0, count = 0;
    for (size_t i = 0; i < l->npaths; i++) {
        layer_path *p = &l->paths[i];
        if (p->gone || p->removed_by != LAYER_KEPT)
            continue;
        if (name ? !find_deletes(path, name, p)
                 : !deletes(path, glob, fixed, p))
            continue;
        if (p->inst == b->inst) {
            p->gone = true; /* created and deleted in one RUN */
            continue;
        }
        p->removed_by = b->inst;
        /* Name the path deleted itself, or else the most precise one. */
        const char *best = l->paths[first].path;
        if (!count++ || (strcmp(best, path) != 0 &&
                         (!strcmp(p->path, path) ||
                          strlen(p->path) > strlen(best))))
            first = i;
    }
    if (!count)
        return;
    layer_removal *r = ARENA_PUSH(b->c->a, l->removals, l->nremovals, b->rcap);
    r->inst = b->inst;
    r->off = w->off;
    r->end = w->end;
    r->text = w->raw;
    r->target = path;
    r->how = how;
    r->first = first;
    r->count = count;
}

/* An rm operand: like place(), but globs are patterns to match. */
static void remove_word(builder *b, const char *cwd, const sh_word *w,
                        const char *how)
{
    const char *v = lint_word(w);
    if ((w->flags & (SHW_DYNAMIC | SHW_BRACE | SHW_TILDE)) || !*v ||
        strstr(v, "{}") || refers_to_assigned(b, w->raw))
        return;
    remove_path(b, exec_absolute(b->c, cwd, v), NULL, w, how);
}

/* ------------------------------------------------------ RUN commands */

/* The operands of a command: words that are not options (and not the
 * values of `value_opts`); `--` ends the options. */
static size_t operands(const sh_word *args, size_t n,
                       const char *const *value_opts, const sh_word **out,
                       size_t max)
{
    size_t count = 0;
    bool done = false;
    for (size_t i = 0; i < n && count < max; i++) {
        const char *v = lint_word(&args[i]);
        if (!done && !strcmp(v, "--")) {
            done = true;
            continue;
        }
        if (!done && v[0] == '-' && v[1]) {
            if (value_opts && !strchr(v, '=') && lint_name_in(v, value_opts))
                i++;
            continue;
        }
        out[count++] = &args[i];
    }
    return count;
}

static void run_rm(builder *b, const char *cwd, const sh_word *args, size_t n)
{
    const sh_word *ops[256];
    size_t k = operands(args, n, NULL, ops, 256);
    for (size_t i = 0; i < k; i++)
        remove_word(b, cwd, ops[i], "rm");
}

/* cp/mv/install SRC... DST (or -t DST SRC...): DST, and DST/<name of
 * SRC> since DST may be a directory. */
static void run_copy(builder *b, const char *cwd, const char *name,
                     const sh_word *args, size_t n)
{
    static const char *const value_opts[] = {
        "-t", "--target-directory", "-S", "--suffix", "-m", "--mode", "-o",
        "--owner", "-g", "--group", NULL,
    };
    const sh_word *ops[256];
    size_t k = operands(args, n, value_opts, ops, 256);
    const sh_word *dst = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (!strcmp(lint_word(&args[i]), "-t"))
            dst = &args[i + 1];
    bool target_dir = dst != NULL;
    if (!dst && k >= 2)
        dst = ops[--k];
    if (!dst)
        return;
    const char *dir = place(b, cwd, dst);
    if (!dir)
        return;
    bool move = !strcmp(name, "mv");
    /* DST/, -t DST or several sources: they land inside DST. */
    const char *d = lint_word(dst);
    bool inside = target_dir || k > 1 || d[strlen(d) - 1] == '/';
    add_path(b, dir, true, dst->off, dst->end, name);
    for (size_t i = 0; i < k; i++) {
        const char *src = lint_word(ops[i]);
        if (ops[i] == dst)
            continue;
        if (inside && !(ops[i]->flags & (SHW_DYNAMIC | SHW_GLOB)) && *src)
            add_path(b, exec_absolute(b->c, dir, exec_basename(b->c, src)),
                     true, dst->off, dst->end, name);
        if (move)
            remove_word(b, cwd, ops[i], "mv");
    }
}

static bool tar_extracts(const sh_word *args, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = lint_word(&args[i]);
        if (!strcmp(v, "--extract") || !strcmp(v, "--get"))
            return true;
        if (v[0] == '-' && v[1] != '-' && strchr(v + 1, 'x'))
            return true;
        if (i == 0 && v[0] != '-' && strchr(v, 'x'))
            return true; /* tar xzf: the first word bundles options */
    }
    return false;
}

/* tar -x ... -C DIR (or --directory DIR, --directory=DIR). */
static void run_tar(builder *b, const char *cwd, const sh_word *args,
                    size_t n)
{
    if (!tar_extracts(args, n))
        return;
    for (size_t i = 0; i < n; i++) {
        const sh_word *w = &args[i];
        const char *v = lint_word(w);
        if ((!strcmp(v, "-C") || !strcmp(v, "--directory")) && i + 1 < n)
            add_word(b, cwd, &args[i + 1], true, "tar -x");
        else if (!strncmp(v, "--directory=", 12))
            add_path(b, place_name(b, cwd, v + 12, w->flags), true, w->off,
                     w->end, "tar -x");
    }
}

static void run_unzip(builder *b, const char *cwd, const sh_word *args,
                      size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (!strcmp(lint_word(&args[i]), "-d"))
            add_word(b, cwd, &args[i + 1], true, "unzip -d");
}

/* git clone URL [DIR]: DIR, or the repository's name. */
static void run_git(builder *b, const char *cwd, const sh_word *args,
                    size_t n)
{
    static const char *const value_opts[] = {
        "-b", "--branch", "--depth", "-o", "--origin", "-c", "--config",
        "--reference", "--separate-git-dir", "-j", "--jobs", "--filter",
        "-u", "--upload-pack", "--template", "--shallow-since",
        "--shallow-exclude", NULL,
    };
    if (n == 0 || strcmp(lint_word(&args[0]), "clone") != 0)
        return;
    const sh_word *ops[3];
    size_t k = operands(args + 1, n - 1, value_opts, ops, 3);
    if (k >= 2) {
        add_word(b, cwd, ops[1], true, "git clone");
    } else if (k == 1 && !(ops[0]->flags & SHW_DYNAMIC)) {
        const char *name = exec_basename(b->c, lint_word(ops[0]));
        size_t len = strlen(name);
        if (len > 4 && !strcmp(name + len - 4, ".git"))
            name = arena_strndup(b->c->a, name, len - 4);
        add_path(b, exec_absolute(b->c, cwd, name), true, ops[0]->off,
                 ops[0]->end, "git clone");
    }
}

/* find DIR... [-name P] [-type T] [-mindepth N] [-maxdepth N] -delete,
 * or -exec rm: what it deletes when the expression is that simple. */
static void run_find(builder *b, const char *cwd, const sh_word *args,
                     size_t n)
{
    static const char *const simple[] = {"-name", "-iname", "-type",
                                         "-mindepth", "-maxdepth", NULL};
    size_t ndirs = 0;
    while (ndirs < n && lint_word(&args[ndirs])[0] != '-')
        ndirs++;
    const sh_word *name = NULL;
    bool deleting = false;
    for (size_t i = ndirs; i < n; i++) {
        const char *v = lint_word(&args[i]);
        if (!strcmp(v, "-delete")) {
            deleting = true;
        } else if (!strcmp(v, "-exec") || !strcmp(v, "-execdir")) {
            deleting |= i + 1 < n && !strcmp(lint_word(&args[i + 1]), "rm");
            while (i < n && strcmp(lint_word(&args[i]), ";") &&
                   strcmp(lint_word(&args[i]), "+"))
                i++;
        } else if (lint_name_in(v, simple) && i + 1 < n) {
            if (!strcmp(v, "-name"))
                name = &args[i + 1];
            else if (!strcmp(v, "-iname"))
                return; /* case-insensitive: not worth guessing */
            i++;
        } else if (strcmp(v, "-print") != 0) {
            return; /* a test bosun does not follow */
        }
    }
    if (!deleting || (name && (name->flags & SHW_DYNAMIC)))
        return;
    for (size_t d = 0; d < ndirs; d++) {
        const char *dir = place(b, cwd, &args[d]);
        if (!dir)
            continue;
        remove_path(b, dir, name ? lint_word(name) : NULL, &args[d], "find");
    }
}

static bool is_output_redirect(const sh_redir *r)
{
    return r->op == SH_REDIR_OUT || r->op == SH_REDIR_APPEND ||
           r->op == SH_REDIR_CLOBBER || r->op == SH_REDIR_OUT_ERR ||
           r->op == SH_REDIR_APPEND_ERR;
}

/* The files a download wrote (flow.h has them, tee and `>` included). */
static void add_fetched(builder *b, const fetch *f)
{
    for (size_t i = 0; i < f->nfiles; i++) {
        const fetched_file *ff = &f->files[i];
        if (!(ff->word->flags & SHW_DYNAMIC) &&
            !refers_to_assigned(b, ff->word->raw))
            add_path(b, ff->path, false, ff->word->off, ff->word->end,
                     f->d.tool);
    }
}

/* `fetched`: the command is a download, whose files add_fetched added. */
static void run_command(builder *b, const sh_command *cmd, const char *cwd,
                        bool fetched)
{
    const sh_word *args;
    size_t n;
    const char *name = command_name(cmd, &args, &n);
    for (size_t r = 0; r < cmd->nredirs && !fetched; r++)
        if (is_output_redirect(&cmd->redirs[r]))
            add_word(b, cwd, &cmd->redirs[r].target, false, "a redirection");
    if (!name || !strchr("acfgimrtu", name[0]))
        return; /* none of the commands below */
    if (!strcmp(name, "rm"))
        run_rm(b, cwd, args, n);
    else if (!strcmp(name, "cp") || !strcmp(name, "mv") ||
             !strcmp(name, "install"))
        run_copy(b, cwd, name, args, n);
    else if (!strcmp(name, "tee") || !strcmp(name, "touch")) {
        const sh_word *ops[256];
        size_t k = operands(args, n, NULL, ops, 256);
        for (size_t i = 0; i < k; i++)
            add_word(b, cwd, ops[i], false, name);
    } else if (!strcmp(name, "tar"))
        run_tar(b, cwd, args, n);
    else if (!strcmp(name, "unzip"))
        run_unzip(b, cwd, args, n);
    else if (!strcmp(name, "git"))
        run_git(b, cwd, args, n);
    else if (!strcmp(name, "find"))
        run_find(b, cwd, args, n);
    else if ((!strcmp(name, "apt-get") || !strcmp(name, "apt")) && n > 0) {
        const sh_word *ops[1];
        if (operands(args, n, NULL, ops, 1) && sh_word_is(ops[0], "update"))
            add_path(b, "/var/lib/apt/lists", true, ops[0]->off, ops[0]->end,
                     "apt-get update");
    }
}

/* RUN --mount targets: what is written there is not in the layer. */
static void read_mounts(builder *b, const df_instruction *run,
                        const char *workdir)
{
    b->nmounts = 0;
    for (size_t i = 0; i < run->nflags; i++) {
        const df_flag *f = &run->flags[i];
        if (strcmp(f->name, "mount") != 0 || !f->value)
            continue;
        const char *err;
        df_mount *m = df_parse_mount(b->c->a, f->value, &err);
        if (!m || !m->target || strchr(m->target, '$'))
            continue;
        *ARENA_PUSH(b->c->a, b->mounts, b->nmounts, b->mcap) =
            exec_absolute(b->c, workdir, m->target);
    }
}

static void read_run(builder *b, const sh_script *s, const char *workdir)
{
    find_assignments(b, s);
    const script_flow *flow = flow_of(b->c, b->inst);
    const char **cwd = flow ? flow->cwd : exec_cwds(b->c, s, workdir);
    size_t next = 0; /* the next download of the flow */
    for (size_t k = 0; k < s->ncmds; k++) {
        const sh_command *cmd = s->cmds[k];
        bool fetched = flow && next < flow->nfetches &&
                       flow->fetches[next].index == k;
        if (fetched)
            next++;
        if (cmd->ctx & SHC_FUNCTION)
            continue; /* runs only if called */
        if (fetched)
            add_fetched(b, &flow->fetches[next - 1]);
        run_command(b, cmd, cwd[k], fetched);
    }
}

/* ------------------------------------------------------- COPY and ADD */

static bool is_archive(const char *s)
{
    static const char *const exts[] = {".tar", ".tar.gz", ".tgz", ".tar.bz2",
                                       ".tbz2", ".tar.xz", ".txz", ".tar.zst",
                                       NULL};
    size_t n = strlen(s);
    for (const char *const *e = exts; *e; e++) {
        size_t k = strlen(*e);
        if (n > k && !strcmp(s + n - k, *e))
            return true;
    }
    return false;
}

static void read_copy(builder *b, const df_instruction *in, const char *workdir)
{
    lint_ctx *c = b->c;
    const df_text *last = &in->args[in->nargs - 1];
    df_value dest = lint_expand(c, b->inst, last);
    if (dest.unknown || dest.error || !*dest.s)
        return;
    const char *dir = exec_absolute(c, workdir, dest.s);
    bool dir_like = dest.s[dest.len - 1] == '/' || in->nargs > 2 ||
                    !strcmp(dest.s, ".") || !strcmp(dest.s, "..");
    const char *how = in->kind == DF_ADD ? "ADD" : "COPY";
    add_path(b, dir, true, last->off, last->end, how);
    if (!dir_like)
        return;
    for (size_t k = 0; k + 1 < in->nargs; k++) {
        const df_text *t = &in->args[k];
        df_value src = lint_expand(c, b->inst, t);
        if (src.unknown || src.error || !strncmp(t->s, "<<", 2))
            continue;
        const char *name = download_add_source_is_url(src.s)
                               ? download_url_basename(c, src.s)
                               : exec_basename(c, src.s);
        if (in->kind == DF_ADD && is_archive(src.s) &&
            !download_add_source_is_url(src.s))
            continue; /* unpacked into dir */
        if (strpbrk(name, "*?[") || !strcmp(name, ".") || !*name)
            continue;
        add_path(b, exec_absolute(c, dir, name), true, t->off, t->end, how);
    }
}

/* ------------------------------------------------------------- build */

layers *layers_build(lint_ctx *ctx)
{
    builder b = {.c = ctx};
    b.l = ARENA_NEW(ctx->a, layers);
    const char **workdirs = exec_workdirs(ctx);
    const df_file *f = ctx->file;
    for (size_t i = 0; i < f->ninsts; i++) {
        const df_stage *st = df_stage_of(ctx->model, i);
        const df_instruction *in = &f->insts[i];
        if (!st || !st->ships)
            continue;
        b.inst = i;
        b.nmounts = 0;
        if ((in->kind == DF_COPY || in->kind == DF_ADD) && in->nargs >= 2)
            read_copy(&b, in, workdirs[i]);
        else if (in->kind == DF_RUN && ctx->scripts[i]) {
            read_mounts(&b, in, workdirs[i]);
            read_run(&b, ctx->scripts[i], workdirs[i]);
        }
    }
    return b.l;
}

const layer_path *layers_find(const layers *l, size_t inst, const char *path)
{
    for (size_t i = 0; i < l->npaths; i++)
        if (l->paths[i].inst == inst && !strcmp(l->paths[i].path, path))
            return &l->paths[i];
    return NULL;
}
