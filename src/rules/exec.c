#include "rules/exec.h"

#include <ctype.h>
#include <string.h>

#include "rules/download.h"
#include "util/strbuf.h"

static const char *const shells[] = {
    "sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "yash", "hush", NULL,
};

/* name, or name followed by a version: python3, python3.12, perl5.36 */
static bool versioned(const char *name, const char *base)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0)
        return false;
    for (const char *p = name + n; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.')
            return false;
    return true;
}

bool exec_name_is_versioned(const char *name, const char *base)
{
    return name && versioned(name, base);
}

static bool is_shell(const char *name)
{
    return lint_name_in(name, shells);
}

bool exec_is_interpreter(const char *name)
{
    static const char *const others[] = {"node", "nodejs", "pwsh", "deno",
                                         "tclsh", "Rscript", NULL};
    if (!name)
        return false;
    /* Called for most commands of a script: reject by the first byte. */
    switch (name[0]) {
    case 'a': case 'b': case 'd': case 'h': case 'k': case 'm': case 's':
    case 'y': case 'z':
        return is_shell(name) || lint_name_in(name, others);
    case 'p':
        return versioned(name, "python") || versioned(name, "perl") ||
               versioned(name, "php") || lint_name_in(name, others);
    case 'r':
        return versioned(name, "ruby");
    case 'l':
        return versioned(name, "lua");
    case 'n': case 't': case 'R':
        return lint_name_in(name, others);
    default:
        return false;
    }
}

/* Shells: -c STRING, -s, `-` and `--`, options taking values (-o, -O). */
static script_source shell_source(const sh_word *args, size_t n, size_t base,
                                  size_t *word)
{
    bool inline_flag = false, stdin_flag = false;
    for (size_t i = 0; i < n; i++) {
        const char *v = lint_word(&args[i]);
        if (!strcmp(v, "--")) {
            /* With -s, what follows are the stdin script's arguments. */
            if (i + 1 < n && !stdin_flag) {
                *word = base + i + 1;
                return inline_flag ? SCRIPT_INLINE : SCRIPT_FILE;
            }
            break;
        }
        if (!strcmp(v, "-"))
            return SCRIPT_STDIN;
        if (v[0] == '-' && v[1] == '-') {
            if ((!strcmp(v, "--rcfile") || !strcmp(v, "--init-file")) &&
                i + 1 < n)
                i++;
            continue;
        }
        if ((v[0] == '-' || v[0] == '+') && v[1]) {
            size_t len = strlen(v);
            inline_flag |= strchr(v + 1, 'c') != NULL && v[0] == '-';
            stdin_flag |= strchr(v + 1, 's') != NULL && v[0] == '-';
            if ((v[len - 1] == 'o' || v[len - 1] == 'O') && i + 1 < n)
                i++; /* -o pipefail */
            continue;
        }
        *word = base + i;
        if (inline_flag)
            return SCRIPT_INLINE;
        return stdin_flag ? SCRIPT_STDIN : SCRIPT_FILE;
    }
    return inline_flag ? SCRIPT_NONE : SCRIPT_STDIN;
}

/* Other interpreters: an inline-code option, `-`, or a script operand. */
static script_source other_source(const char *name, const sh_word *args,
                                  size_t n, size_t base, size_t *word)
{
    static const char *const inline_opts[] = {
        "-c", "-e", "-E", "-r", "-p", "--eval", "--print", "-Command",
        "-command", "-c", NULL,
    };
    static const char *const value_opts[] = {
        "-W", "-X", "-I", "--require", "-i", NULL,
    };
    bool python = versioned(name, "python");
    for (size_t i = 0; i < n; i++) {
        const char *v = lint_word(&args[i]);
        if (!strcmp(v, "-"))
            return SCRIPT_STDIN;
        if (!strcmp(v, "--")) {
            if (i + 1 < n) {
                *word = base + i + 1;
                return SCRIPT_FILE;
            }
            break;
        }
        if (python && !strcmp(v, "-m"))
            return SCRIPT_NONE;
        if (lint_name_in(v, inline_opts) ||
            (!strcmp(name, "node") && !strcmp(v, "-r"))) {
            if (!strcmp(name, "node") && !strcmp(v, "-r")) {
                i++;
                continue;
            }
            if (i + 1 < n) {
                *word = base + i + 1;
                return SCRIPT_INLINE;
            }
            return SCRIPT_NONE;
        }
        if ((versioned(name, "perl") || versioned(name, "ruby")) &&
            (!strncmp(v, "-e", 2) || !strncmp(v, "-E", 2)) && v[2]) {
            *word = base + i;
            return SCRIPT_INLINE;
        }
        if (lint_name_in(v, value_opts) && i + 1 < n) {
            i++;
            continue;
        }
        if (v[0] == '-' && v[1])
            continue;
        *word = base + i;
        return SCRIPT_FILE;
    }
    return SCRIPT_STDIN;
}

script_source exec_script_source(const sh_command *c, size_t *word)
{
    const sh_word *args;
    size_t n;
    const char *name = command_name(c, &args, &n);
    if (!exec_is_interpreter(name))
        return SCRIPT_NONE;
    /* argv index of args[0] */
    size_t base = (size_t)(args - c->argv);
    if (is_shell(name))
        return shell_source(args, n, base, word);
    return other_source(name, args, n, base, word);
}

bool exec_reads_stdin_script(const sh_command *c)
{
    size_t w;
    return exec_script_source(c, &w) == SCRIPT_STDIN;
}

bool exec_runs_word_as_script(const sh_command *c, size_t w, bool procsubst)
{
    const char *name = c->name;
    if (!name)
        return false;
    if (!strcmp(name, "eval"))
        return w > c->cmd_index;
    if (!strcmp(name, "source") || !strcmp(name, "."))
        return procsubst && w == c->cmd_index + 1;
    size_t word;
    switch (exec_script_source(c, &word)) {
    case SCRIPT_INLINE:
        return word == w && !procsubst;
    case SCRIPT_FILE:
        return word == w && procsubst;
    default:
        return false;
    }
}

static bool exec_path_unknown_n(const char *p, size_t n)
{
    return n >= 2 && p[0] == '/' && p[1] == '?' && (n == 2 || p[2] == '/');
}

const char *exec_absolute(lint_ctx *ctx, const char *workdir,
                          const char *path)
{
    strbuf sb;
    sb_init(&sb);
    if (path[0] != '/') {
        sb_puts(&sb, workdir && *workdir ? workdir : "/");
        sb_putc(&sb, '/');
    }
    sb_puts(&sb, path);
    /* Normalise: split on '/', drop '.', pop on '..'. */
    char *out = arena_alloc(ctx->a, sb.len + 2);
    size_t o = 0;
    const char *p = sb.data;
    while (*p) {
        while (*p == '/')
            p++;
        const char *seg = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - seg);
        if (n == 0 || (n == 1 && seg[0] == '.'))
            continue;
        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            /* Above an unknown directory is still unknown. */
            if (o == 2 && exec_path_unknown_n(out, o))
                continue;
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            continue;
        }
        out[o++] = '/';
        memcpy(out + o, seg, n);
        o += n;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    sb_free(&sb);
    return out;
}

static bool word_is_path(lint_ctx *ctx, const sh_word *w, const char *workdir,
                         const char *path)
{
    if (!w || (w->flags & SHW_DYNAMIC) || !w->value || !*w->value)
        return false;
    return strcmp(exec_absolute(ctx, workdir, w->value), path) == 0;
}

bool exec_may_run_file(const sh_command *c)
{
    if (!c->argc)
        return false;
    const char *cmd = c->argv[c->cmd_index].value;
    size_t w;
    return (cmd && strchr(cmd, '/')) ||
           (c->name && (!strcmp(c->name, "source") || !strcmp(c->name, "."))) ||
           exec_script_source(c, &w) == SCRIPT_FILE;
}

bool exec_runs_file(lint_ctx *ctx, const sh_command *c, const char *workdir,
                    const char *path)
{
    if (!c->argc)
        return false;
    const sh_word *cmd = &c->argv[c->cmd_index];
    /* Running it directly needs a path with a slash (./x, /tmp/x). */
    if (cmd->value && strchr(cmd->value, '/') &&
        word_is_path(ctx, cmd, workdir, path))
        return true;
    if (c->name && (!strcmp(c->name, "source") || !strcmp(c->name, ".")))
        return c->nargs > 0 && word_is_path(ctx, &c->args[0], workdir, path);
    size_t word;
    if (exec_script_source(c, &word) == SCRIPT_FILE)
        return word_is_path(ctx, &c->argv[word], workdir, path);
    return false;
}

/* ------------------------------------------------------------- paths */

bool exec_path_unknown(const char *path)
{
    return path[0] == '/' && path[1] == '?' && (path[2] == '/' || !path[2]);
}

const char *exec_basename(lint_ctx *ctx, const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && path[b - 1] != '/')
        b--;
    if (path[n] == '\0' && b == 0)
        return path;
    return arena_strndup(ctx->a, path + b, n - b);
}

const char **exec_workdirs(lint_ctx *ctx)
{
    if (ctx->workdirs)
        return ctx->workdirs;
    const df_file *f = ctx->file;
    const df_model *m = ctx->model;
    const char **at = ARENA_ARRAY(ctx->a, const char *, f->ninsts + 1);
    const char **stage_end = ARENA_ARRAY(ctx->a, const char *, m->nstages + 1);
    const char *cur = EXEC_DIR_UNKNOWN;
    int32_t stage = -2;
    for (size_t i = 0; i < f->ninsts; i++) {
        int32_t s = m->stage_of[i];
        if (s != stage) {
            if (stage >= 0)
                stage_end[stage] = cur;
            stage = s;
            const df_stage *st = s >= 0 ? &m->stages[s] : NULL;
            if (st && st->parent >= 0 && stage_end[st->parent])
                cur = stage_end[st->parent];
            else
                cur = st && st->scratch ? "/" : EXEC_DIR_UNKNOWN;
        }
        const df_instruction *in = &f->insts[i];
        if (in->kind == DF_WORKDIR && in->nargs == 1 && s >= 0) {
            df_value v = lint_expand(ctx, i, &in->args[0]);
            if (v.error || v.unknown)
                cur = v.s[0] == '/' && !v.unknown ? cur : EXEC_DIR_UNKNOWN;
            else
                cur = exec_absolute(ctx, cur, v.s);
        }
        at[i] = cur;
    }
    ctx->workdirs = at;
    return at;
}

/* A command whose `cd` changes the directory of the commands after it:
 * not in a subshell, substitution, pipeline, function or nested shell. */
static bool at_top_level(const sh_command *c)
{
    return c->depth == 0 && !c->parent && c->pipe_len <= 1 &&
           !(c->ctx & (SHC_SUBSHELL | SHC_CMDSUBST | SHC_PROCSUBST |
                       SHC_FUNCTION | SHC_BACKGROUND));
}

/* Where `cd ARG` (or pushd) goes from `cwd`. */
static const char *cd_target(lint_ctx *ctx, const sh_command *c,
                             const char *cwd)
{
    for (size_t i = 0; i < c->nargs; i++) {
        const sh_word *w = &c->args[i];
        const char *v = lint_word(w);
        if (!strcmp(v, "--"))
            continue;
        if (v[0] == '-' && v[1] && !(w->flags & SHW_DYNAMIC))
            continue; /* -L, -P, -e */
        if ((w->flags & (SHW_DYNAMIC | SHW_TILDE)) || !strcmp(v, "-") || !*v)
            return EXEC_DIR_UNKNOWN;
        return exec_absolute(ctx, cwd, v);
    }
    return EXEC_DIR_UNKNOWN; /* cd alone: $HOME */
}

const char **exec_cwds(lint_ctx *ctx, const sh_script *s, const char *workdir)
{
    const char **out = ARENA_ARRAY(ctx->a, const char *, s->ncmds + 1);
    const char *cur = workdir ? workdir : EXEC_DIR_UNKNOWN;
    bool lost = false; /* a cd inside a subshell or nested shell */
    for (size_t k = 0; k < s->ncmds; k++) {
        const sh_command *c = s->cmds[k];
        bool top = at_top_level(c);
        if (top)
            lost = false;
        out[k] = lost ? EXEC_DIR_UNKNOWN : cur;
        const char *name = c->name;
        if (!name || (strcmp(name, "cd") && strcmp(name, "pushd") &&
                      strcmp(name, "popd")))
            continue;
        if (!top)
            lost = true;
        else if (!strcmp(name, "popd"))
            cur = EXEC_DIR_UNKNOWN;
        else
            cur = cd_target(ctx, c, cur);
    }
    return out;
}

/* ------------------------------------------------------ verification */

typedef enum verify_tool {
    VT_NONE,
    VT_SUM,      /* sha256sum and friends */
    VT_GPG,      /* gpg, gpg2 */
    VT_GPGV,     /* gpgv, gpgv2 */
    VT_COSIGN,
    VT_MINISIGN, /* minisign, signify */
    VT_OPENSSL,
    VT_RPM,      /* rpm -K, rpmkeys -K */
    VT_INLINE,   /* php -r / python -c ... comparing a hash */
    VT_SCRIPT,   /* a project's own check: check_md5.sh, verify-sig */
} verify_tool;

/* A script or tool whose name says it checks a file's hash or signature
 * (./check_md5.sh FILE SUM, verify_signature FILE): it checks the files
 * it is given. */
static bool names_a_check(const char *name)
{
    static const char *const what[] = {"md5", "sha", "sum", "hash", "sig",
                                       "gpg", NULL};
    if (strstr(name, "verify") || strstr(name, "checksum"))
        return true;
    if (!strstr(name, "check"))
        return false;
    for (const char *const *w = what; *w; w++)
        if (strstr(name, *w))
            return true;
    return false;
}

static bool is_sum_tool(const char *name)
{
    static const char *const sums[] = {
        "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum",
        "md5sum", "b2sum", "b3sum", "shasum", "cksum", NULL,
    };
    size_t n = strlen(name);
    return n > 3 && !strcmp(name + n - 3, "sum") && lint_name_in(name, sums);
}

/* An inline program that computes a hash to compare it. */
static bool code_compares_hash(const char *code)
{
    static const char *const marks[] = {"hash_file", "hashlib", "Digest",
                                        "createHash", "sha256", "sha384",
                                        "sha512", "SHA256", "SHA384",
                                        "SHA512", NULL};
    for (const char *const *m = marks; *m; m++)
        if (strstr(code, *m))
            return true;
    return false;
}

static verify_tool tool_of(const sh_command *c, const sh_word **args,
                           size_t *n)
{
    const char *name = command_name(c, args, n);
    if (!name)
        return VT_NONE;
    if (names_a_check(name))
        return VT_SCRIPT;
    switch (name[0]) {
    case 'b': case 'c': case 'm': case 's':
        if (is_sum_tool(name))
            return VT_SUM;
        if (!strcmp(name, "minisign") || !strcmp(name, "signify"))
            return VT_MINISIGN;
        if (!strcmp(name, "cosign"))
            return VT_COSIGN;
        return VT_NONE;
    case 'g':
        if (!strcmp(name, "gpg") || !strcmp(name, "gpg2"))
            return VT_GPG;
        if (!strcmp(name, "gpgv") || !strcmp(name, "gpgv2"))
            return VT_GPGV;
        return VT_NONE;
    case 'o':
        return strcmp(name, "openssl") ? VT_NONE : VT_OPENSSL;
    case 'r':
        if (!strcmp(name, "rpm") || !strcmp(name, "rpmkeys"))
            return VT_RPM;
        break; /* ruby -e */
    case 'n': case 'p': /* node -e, php -r, python -c, perl -e */
        break;
    default:
        return VT_NONE;
    }
    size_t w;
    if (exec_script_source(c, &w) == SCRIPT_INLINE && w < c->argc &&
        code_compares_hash(lint_word(&c->argv[w])))
        return VT_INLINE;
    return VT_NONE;
}

/* Is `v` one of the options in `list`, written alone (not --opt=value)? */
static bool option_takes_next(const char *v, const char *const *list)
{
    return list && v[0] == '-' && !strchr(v, '=') && lint_name_in(v, list);
}

/* The operands of a command line: words that are neither options nor the
 * values of the options in `value_opts`. Calls `each` on every one. */
typedef void (*operand_fn)(lint_ctx *ctx, verification *v, const sh_word *w);

static size_t for_operands(lint_ctx *ctx, verification *v,
                           const sh_word *args, size_t n,
                           const char *const *value_opts, operand_fn each)
{
    size_t count = 0;
    bool options_done = false;
    for (size_t i = 0; i < n; i++) {
        const char *s = lint_word(&args[i]);
        if (!options_done && !strcmp(s, "--")) {
            options_done = true;
            continue;
        }
        if (!options_done && s[0] == '-' && s[1]) {
            if (option_takes_next(s, value_opts))
                i++;
            continue;
        }
        if (!strcmp(s, "-"))
            continue; /* standard input */
        count++;
        if (each)
            each(ctx, v, &args[i]);
    }
    return count;
}

/* A name as the check sees it: quotes, regex anchors and the binary-mode
 * star removed ("*python.tar.xz", "node.tar.xz$"), ${X} written $X, last
 * path segment only. */
static const char *clean_name(lint_ctx *ctx, const char *s, size_t n)
{
    while (n && strchr("\"'*^", s[0]))
        s++, n--;
    while (n && strchr("\"'$;,", s[n - 1]))
        n--;
    while (n > 1 && s[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && s[b - 1] != '/')
        b--;
    char *out = arena_alloc(ctx->a, n - b + 1);
    size_t o = 0;
    for (size_t i = b; i < n; i++) {
        if (s[i] == '$' && i + 1 < n && s[i + 1] == '{') {
            size_t j = i + 2;
            while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_'))
                j++;
            if (j < n && s[j] == '}' && j > i + 2) {
                out[o++] = '$';
                memcpy(out + o, s + i + 2, j - i - 2);
                o += j - i - 2;
                i = j;
                continue;
            }
        }
        out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}

static void add_name(lint_ctx *ctx, verification *v, const char *s, size_t n)
{
    const char *name = clean_name(ctx, s, n);
    if (*name)
        *ARENA_PUSH(ctx->a, v->names, v->nnames, v->cap) = name;
}

static void add_word(lint_ctx *ctx, verification *v, const sh_word *w)
{
    const char *s = lint_word(w);
    add_name(ctx, v, s, strlen(s));
}

/* Every blank-separated token of a text (a grep pattern, an awk
 * program): some of them name the files checked. */
static void add_tokens(lint_ctx *ctx, verification *v, const char *s,
                       size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && isspace((unsigned char)s[i]))
            i++;
        size_t start = i;
        while (i < n && !isspace((unsigned char)s[i]))
            i++;
        if (i > start)
            add_name(ctx, v, s + start, i - start);
    }
}

/* The file names of checksum lines ("HASH  NAME", "HASH *NAME"): the last
 * token of each line. Lines end at a newline or a written "\n". */
static void add_checksum_lines(lint_ctx *ctx, verification *v, const char *s,
                               size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && s[end] != '\n' &&
               !(s[end] == '\\' && end + 1 < n && s[end + 1] == 'n'))
            end++;
        size_t last_end = end;
        while (last_end > i && isspace((unsigned char)s[last_end - 1]))
            last_end--;
        size_t last = last_end;
        while (last > i && !isspace((unsigned char)s[last - 1]))
            last--;
        if (last_end > last)
            add_name(ctx, v, s + last, last_end - last);
        i = end + (end < n && s[end] == '\\' ? 2 : 1);
    }
}

/* A signature's file without its extension: x.tgz.asc -> x.tgz. */
static void add_signed_name(lint_ctx *ctx, verification *v, const sh_word *w)
{
    static const char *const exts[] = {".asc", ".sig", ".sign", ".gpg",
                                       ".minisig", NULL};
    const char *s = lint_word(w);
    size_t n = strlen(s);
    add_name(ctx, v, s, n);
    for (const char *const *e = exts; *e; e++) {
        size_t k = strlen(*e);
        if (n > k && !strcmp(s + n - k, *e)) {
            add_name(ctx, v, s, n - k);
            return;
        }
    }
}

/* What echo or printf prints, as checksum lines: echo's words, or the
 * last argument of a printf with a format ('%s  %s\n' "$SHA" file). */
static void printed_names(lint_ctx *ctx, const sh_command *p, verification *v)
{
    size_t first = 0;
    while (first < p->nargs && lint_word(&p->args[first])[0] == '-' &&
           !strcmp(p->name, "echo"))
        first++; /* echo -e, -n */
    if (first >= p->nargs)
        return;
    const char *fmt = lint_word(&p->args[first]);
    if (!strcmp(p->name, "printf") && strchr(fmt, '%')) {
        const char *last = lint_word(&p->args[p->nargs - 1]);
        add_name(ctx, v, last, strlen(last));
        return;
    }
    strbuf sb;
    sb_init(&sb);
    for (size_t i = first; i < p->nargs; i++) {
        if (i > first)
            sb_putc(&sb, ' ');
        sb_puts(&sb, lint_word(&p->args[i]));
    }
    add_checksum_lines(ctx, v, sb.data, sb.len);
    sb_free(&sb);
}

/* What `sha256sum -c` reads from its standard input: a here-string, a
 * here-document, or the output of echo/printf/grep... before it. */
static void stdin_names(lint_ctx *ctx, const sh_command *c, verification *v)
{
    static const char *const printers[] = {"echo", "printf", NULL};
    static const char *const filters[] = {
        "grep", "egrep", "fgrep", "awk", "gawk", "mawk", "sed", "head",
        "tail", "cut", "sort", "tr", NULL,
    };
    for (size_t r = 0; r < c->nredirs; r++) {
        const sh_redir *rd = &c->redirs[r];
        if (rd->op == SH_REDIR_HERESTRING) {
            const char *t = lint_word(&rd->target);
            add_checksum_lines(ctx, v, t, strlen(t));
            return;
        }
        if (rd->op == SH_REDIR_HEREDOC || rd->op == SH_REDIR_HEREDOC_TAB) {
            add_checksum_lines(ctx, v, rd->body ? rd->body : "", rd->body_len);
            return;
        }
        if (rd->op == SH_REDIR_IN) {
            v->covers_any = true;
            return;
        }
    }
    const sh_command *p = c->pipe_prev;
    if (p && lint_name_in(p->name, printers)) {
        printed_names(ctx, p, v);
        return;
    }
    if (!p || !lint_name_in(p->name, filters)) {
        v->covers_any = true;
        return;
    }
    for (size_t i = 0; i < p->nargs; i++) {
        const char *s = lint_word(&p->args[i]);
        add_tokens(ctx, v, s, strlen(s));
    }
}

/* A sum computed to be compared: inside $(...), or piped to grep/cmp. */
static bool sum_is_compared(const sh_command *c)
{
    static const char *const comparers[] = {"grep", "egrep", "fgrep", "cmp",
                                            "diff", NULL};
    if (c->ctx & SHC_CMDSUBST)
        return true;
    for (const sh_command *n = c->pipe_next; n; n = n->pipe_next)
        if (lint_name_in(n->name, comparers))
            return true;
    return false;
}

static const char *const sum_value_opts[] = {"-a", "--algorithm", "-l",
                                             "--length", NULL};

static bool sum_checks(const sh_word *args, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = lint_word(&args[i]);
        if (!strcmp(s, "--check"))
            return true;
        if (s[0] == '-' && s[1] != '-' && strchr(s + 1, 'c'))
            return true;
        if (option_takes_next(s, sum_value_opts))
            i++;
    }
    return false;
}

static bool sum_verification(lint_ctx *ctx, const sh_command *c,
                             const sh_word *args, size_t n, verification *v)
{
    if (sum_checks(args, n)) {
        /* Named checksum lists: bosun cannot read which files they name. */
        if (for_operands(ctx, v, args, n, sum_value_opts, NULL) > 0)
            v->covers_any = true;
        else if (ctx)
            stdin_names(ctx, c, v);
        return true;
    }
    if (!sum_is_compared(c))
        return false;
    if (for_operands(ctx, v, args, n, sum_value_opts, ctx ? add_word : NULL))
        return true;
    for (size_t r = 0; r < c->nredirs && ctx; r++)
        if (c->redirs[r].op == SH_REDIR_IN)
            add_word(ctx, v, &c->redirs[r].target);
    return true;
}

static const char *const gpg_value_opts[] = {
    "--keyring", "--homedir", "--status-fd", "--logger-fd", "--trust-model",
    "--trusted-key", "--keyserver", "--output", "-o", "--default-key",
    "--local-user", "-u", "--recipient", "-r", "--digest-algo",
    "--weak-digest", "--keyid-format", "--verify-options",
    "--keyserver-options", "--passphrase", "--passphrase-fd",
    "--passphrase-file", "--status-file", "--attribute-fd", "--command-fd",
    "--options", "--secret-keyring", "--primary-keyring", "--compress-algo",
    "--cipher-algo", "--pinentry-mode", "--assert-signer", "--display-charset",
    NULL,
};

typedef enum gpg_mode { GPG_OTHER, GPG_VERIFY, GPG_VERIFY_FILES,
                        GPG_DECRYPT } gpg_mode;

static gpg_mode gpg_mode_of(const sh_word *args, size_t n,
                            const sh_word **output)
{
    gpg_mode mode = GPG_OTHER;
    for (size_t i = 0; i < n; i++) {
        const char *s = lint_word(&args[i]);
        if (!strcmp(s, "--verify"))
            mode = GPG_VERIFY;
        else if (!strcmp(s, "--verify-files"))
            mode = GPG_VERIFY_FILES;
        else if (!strcmp(s, "--decrypt") || !strcmp(s, "-d"))
            mode = GPG_DECRYPT;
        else if ((!strcmp(s, "--output") || !strcmp(s, "-o")) && i + 1 < n)
            *output = &args[i + 1];
        if (option_takes_next(s, gpg_value_opts))
            i++;
    }
    return mode;
}

/* gpg --verify SIG [DATA...], gpgv SIG [DATA...]: a lone SIG names its
 * data file without the extension (x.tgz.asc), or signs itself. */
static void signature_names(lint_ctx *ctx, verification *v,
                            const sh_word *args, size_t n)
{
    size_t count = for_operands(ctx, v, args, n, gpg_value_opts, NULL);
    if (count == 0) {
        v->covers_any = true; /* the signed data comes from stdin */
        return;
    }
    for_operands(ctx, v, args, n, gpg_value_opts,
                 count == 1 ? add_signed_name : add_word);
}

static bool gpg_verification(lint_ctx *ctx, verify_tool t,
                             const sh_word *args, size_t n, verification *v)
{
    const sh_word *output = NULL;
    gpg_mode mode = t == VT_GPGV ? GPG_VERIFY : gpg_mode_of(args, n, &output);
    if (mode == GPG_OTHER)
        return false;
    if (!ctx)
        return true;
    if (mode == GPG_VERIFY) {
        signature_names(ctx, v, args, n);
    } else {
        /* --verify-files a.asc b.asc; --decrypt SHASUMS.asc (clearsigned) */
        for_operands(ctx, v, args, n, gpg_value_opts, add_signed_name);
        if (output)
            add_word(ctx, v, output);
    }
    return true;
}

static bool cosign_verification(lint_ctx *ctx, const sh_word *args, size_t n,
                                verification *v)
{
    static const char *const booleans[] = {
        "--insecure-ignore-tlog", "--insecure-ignore-sct", "--offline",
        "--private-infrastructure", "--check-claims", "--use-signed-timestamps",
        "--insecure-skip-verify", NULL,
    };
    if (n == 0 || strncmp(lint_word(&args[0]), "verify-blob", 11) != 0)
        return false;
    if (!ctx)
        return true;
    size_t found = 0;
    for (size_t i = 1; i < n; i++) {
        const char *s = lint_word(&args[i]);
        if (s[0] == '-') {
            if (!strchr(s, '=') && !lint_name_in(s, booleans) && i + 1 < n &&
                lint_word(&args[i + 1])[0] != '-')
                i++;
            continue;
        }
        add_word(ctx, v, &args[i]);
        found++;
    }
    if (!found)
        v->covers_any = true;
    return true;
}

/* minisign -Vm FILE [-x SIG], signify -V -m FILE, signify -C (a list). */
static bool minisign_verification(lint_ctx *ctx, const sh_word *args,
                                  size_t n, verification *v)
{
    static const char value_letters[] = "mxpPsct";
    bool verify = false, list = false;
    for (size_t i = 0; i < n; i++) {
        const char *s = lint_word(&args[i]);
        if (s[0] != '-' || s[1] == '-')
            continue;
        for (const char *p = s + 1; *p; p++) {
            verify |= *p == 'V';
            list |= *p == 'C';
            if (!strchr(value_letters, *p))
                continue;
            const char *value = p[1] ? p + 1 : NULL;
            if (!value && i + 1 < n)
                value = lint_word(&args[++i]);
            if (ctx && value && (*p == 'm' || *p == 'x'))
                add_name(ctx, v, value, strlen(value));
            break;
        }
    }
    if (list && ctx)
        v->covers_any = true;
    return verify || list;
}

static bool openssl_verification(lint_ctx *ctx, const sh_command *c,
                                 const sh_word *args, size_t n,
                                 verification *v)
{
    static const char *const digests[] = {"dgst", "sha1", "sha256", "sha384",
                                          "sha512", "md5", NULL};
    static const char *const value_opts[] = {
        "-verify", "-prverify", "-signature", "-sigopt", "-keyform",
        "-passin", "-out", "-hmac", "-mac", "-macopt", "-sign", NULL,
    };
    static const char *const verify_opts[] = {"-verify", "-prverify",
                                              "-signature", NULL};
    if (n == 0)
        return false;
    const char *sub = lint_word(&args[0]);
    bool verify = false;
    for (size_t i = 1; i < n; i++)
        verify |= lint_name_in(lint_word(&args[i]), verify_opts);
    if ((!strcmp(sub, "smime") || !strcmp(sub, "cms")) && verify) {
        if (ctx)
            v->covers_any = true;
        return true;
    }
    if (!lint_name_in(sub, digests) || (!verify && !sum_is_compared(c)))
        return false;
    if (ctx && !for_operands(ctx, v, args + 1, n - 1, value_opts, add_word))
        v->covers_any = true;
    return true;
}

static bool rpm_verification(lint_ctx *ctx, const sh_word *args, size_t n,
                             verification *v)
{
    static const char *const check[] = {"-K", "--checksig", NULL};
    bool found = false;
    for (size_t i = 0; i < n; i++)
        found |= lint_name_in(lint_word(&args[i]), check);
    if (found && ctx)
        for_operands(ctx, v, args, n, NULL, add_word);
    return found;
}

/* The one decision, shared by exec_is_verification (ctx NULL: yes or no)
 * and exec_verification (ctx set: which files). */
static bool verification_of(lint_ctx *ctx, const sh_command *c,
                            verification *v)
{
    const sh_word *args;
    size_t n;
    verify_tool t = tool_of(c, &args, &n);
    switch (t) {
    case VT_NONE:
        return false;
    case VT_SUM:
        return sum_verification(ctx, c, args, n, v);
    case VT_GPG:
    case VT_GPGV:
        return gpg_verification(ctx, t, args, n, v);
    case VT_COSIGN:
        return cosign_verification(ctx, args, n, v);
    case VT_MINISIGN:
        return minisign_verification(ctx, args, n, v);
    case VT_OPENSSL:
        return openssl_verification(ctx, c, args, n, v);
    case VT_RPM:
        return rpm_verification(ctx, args, n, v);
    case VT_SCRIPT:
        if (ctx && !for_operands(ctx, v, args, n, NULL, add_word))
            v->covers_any = true;
        return true;
    case VT_INLINE: {
        size_t w;
        exec_script_source(c, &w);
        if (ctx)
            v->code = lint_word(&c->argv[w]);
        return true;
    }
    }
    return false;
}

bool exec_is_verification(const sh_command *c)
{
    verification v;
    memset(&v, 0, sizeof(v));
    return verification_of(NULL, c, &v);
}

bool exec_verification(lint_ctx *ctx, const sh_command *c, verification *v)
{
    memset(v, 0, sizeof(*v));
    v->cmd = c;
    return verification_of(ctx, c, v);
}

bool exec_verification_covers(lint_ctx *ctx, const verification *v,
                              const char *path)
{
    if (v->covers_any)
        return true;
    const char *base = clean_name(ctx, path, strlen(path));
    if (!*base)
        return false;
    /* A name that depends on a variable may be any file: do not claim
     * the check missed it. */
    bool dynamic = strchr(base, '$') != NULL;
    for (size_t i = 0; i < v->nnames; i++)
        if (!strcmp(v->names[i], base) ||
            (dynamic || strchr(v->names[i], '$')))
            return true;
    return v->code && (dynamic || strstr(v->code, base) != NULL);
}
