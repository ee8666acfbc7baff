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
    return is_shell(name) || versioned(name, "python") ||
           versioned(name, "perl") || versioned(name, "ruby") ||
           versioned(name, "php") || versioned(name, "lua") ||
           lint_name_in(name, others);
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

static bool has_arg(const sh_command *c, const char *const *opts)
{
    for (size_t i = 0; i < c->nargs; i++)
        if (lint_name_in(lint_word(&c->args[i]), opts))
            return true;
    return false;
}

static bool has_short_flag(const sh_command *c, char flag)
{
    for (size_t i = 0; i < c->nargs; i++) {
        const char *v = lint_word(&c->args[i]);
        if (v[0] == '-' && v[1] != '-' && strchr(v + 1, flag))
            return true;
    }
    return false;
}

bool exec_is_verification(const sh_command *c)
{
    static const char *const sums[] = {
        "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum",
        "md5sum", "b2sum", "shasum", "cksum", "b3sum", NULL,
    };
    static const char *const check[] = {"--check", "-c", NULL};
    static const char *const gpg_verify[] = {"--verify", "--verify-files",
                                             NULL};
    const sh_word *args;
    size_t n;
    const char *name = command_name(c, &args, &n);
    /* Every verifier's name starts with one of these letters; most
     * commands are rejected here. */
    if (!name || !strchr("bcgmorsS", name[0]) || !name[0])
        return false;
    if (lint_name_in(name, sums)) {
        if (has_arg(c, check) || has_short_flag(c, 'c'))
            return true;
        /* [ "$(sha256sum f | cut -d' ' -f1)" = "$SUM" ] compares too. */
        const sh_command *p = c->parent;
        return p && p->name &&
               (!strcmp(p->name, "[") || !strcmp(p->name, "test") ||
                !strcmp(p->name, "[["));
    }
    if (!strcmp(name, "gpg") || !strcmp(name, "gpg2"))
        return has_arg(c, gpg_verify);
    if (!strcmp(name, "gpgv") || !strcmp(name, "gpgv2"))
        return true;
    if (!strcmp(name, "cosign") && n > 0)
        return !strncmp(lint_word(&args[0]), "verify", 6);
    if (!strcmp(name, "minisign") || !strcmp(name, "signify"))
        return has_short_flag(c, 'V');
    if (!strcmp(name, "openssl") && n > 0) {
        static const char *const v[] = {"-verify", "-signature", NULL};
        return has_arg(c, v);
    }
    if (!strcmp(name, "rpm") || !strcmp(name, "rpmkeys")) {
        static const char *const v[] = {"--checksig", "-K", NULL};
        return has_arg(c, v);
    }
    return false;
}
