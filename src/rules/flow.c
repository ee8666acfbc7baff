#include "rules/flow.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

bool flow_passes_through(const sh_command *c)
{
    static const char *const always[] = {
        "tee", "cat", "gunzip", "zcat", "bzcat", "bunzip2", "xzcat", "unxz",
        "zstdcat", "unzstd", "sed", "tr", "dos2unix", "iconv", NULL,
    };
    static const char *const with_d[] = {"gzip", "bzip2", "xz", "zstd",
                                         "base64", NULL};
    const sh_word *args;
    size_t n;
    const char *name = command_name(c, &args, &n);
    if (lint_name_in(name, always))
        return true;
    if (lint_name_in(name, with_d))
        for (size_t i = 0; i < n; i++) {
            const char *v = lint_word(&args[i]);
            if (v[0] == '-' && v[1] != '-' && strchr(v, 'd'))
                return true;
            if (!strcmp(v, "--decompress") || !strcmp(v, "--decode"))
                return true;
        }
    return false;
}

/* Extractors and package installers: what they unpack lands in the image
 * as files nobody checked. */
static bool unpacks(const sh_command *c)
{
    static const char *const names[] = {
        "tar", "bsdtar", "gtar", "unzip", "funzip", "gunzip", "zcat",
        "bunzip2", "bzcat", "unxz", "xzcat", "unzstd", "zstdcat", "unlzma",
        "lzcat", "cpio", "rpm2cpio", "dpkg", "dpkg-deb", "rpm", "ar", "7z",
        "7za", "jar", NULL,
    };
    static const char *const decompressors[] = {"gzip", "bzip2", "xz",
                                                "zstd", "lzma", NULL};
    const sh_word *args;
    size_t n;
    const char *name = command_name(c, &args, &n);
    if (lint_name_in(name, names))
        return true;
    return lint_name_in(name, decompressors) && flow_passes_through(c);
}

/* gpg --import/--dearmor, apt-key add, rpm --import. */
static bool imports_keys(const sh_command *c)
{
    static const char *const gpgs[] = {"gpg", "gpg2", NULL};
    static const char *const gpg_ops[] = {"--import", "--dearmor",
                                          "--enarmor", NULL};
    static const char *const rpms[] = {"rpm", "rpmkeys", NULL};
    static const char *const rpm_ops[] = {"--import", NULL};
    const sh_word *args;
    size_t n;
    const char *name = command_name(c, &args, &n);
    const char *const *ops;
    if (lint_name_in(name, gpgs))
        ops = gpg_ops;
    else if (lint_name_in(name, rpms))
        ops = rpm_ops;
    else if (name && !strcmp(name, "apt-key"))
        return n > 0 && !strcmp(lint_word(&args[0]), "add");
    else
        return false;
    for (size_t i = 0; i < n; i++)
        if (lint_name_in(lint_word(&args[i]), ops))
            return true;
    return false;
}

static bool contains_ci(const char *s, const char *needle)
{
    return strcasestr(s, needle) != NULL;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

bool flow_is_trust_material(const char *path)
{
    static const char *const exts[] = {
        ".asc", ".sig", ".sign", ".gpg", ".pgp", ".pub", ".key", ".minisig",
        ".sha1", ".sha256", ".sha384", ".sha512", ".md5", ".sha256sum",
        ".sha512sum", ".pem", ".crt", ".cer", ".der", ".list", ".repo",
        ".sources", NULL,
    };
    static const char *const dirs[] = {
        "/etc/apt/", "/usr/share/keyrings/", "/etc/yum.repos.d/",
        "/etc/zypp/repos.d/", "/etc/pki/", "/etc/apk/keys/",
        "/usr/local/share/ca-certificates/", "/etc/ssl/certs/", NULL,
    };
    for (const char *const *d = dirs; *d; d++)
        if (!strncmp(path, *d, strlen(*d)))
            return true;
    for (const char *const *e = exts; *e; e++)
        if (ends_with_ci(path, *e))
            return true;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return contains_ci(base, "sums") || contains_ci(base, "checksum") ||
           !strcmp(base, "authorized_keys");
}

static fetched_file *add_file(lint_ctx *ctx, fetch *f, size_t *cap,
                              const char *cwd, const char *name,
                              const sh_word *word)
{
    fetched_file *ff = ARENA_PUSH(ctx->a, f->files, f->nfiles, *cap);
    memset(ff, 0, sizeof(*ff));
    ff->path = exec_absolute(ctx, cwd, name);
    ff->word = word;
    ff->material = flow_is_trust_material(ff->path);
    return ff;
}

/* The files `tee` writes. */
static void add_tee_files(lint_ctx *ctx, fetch *f, size_t *cap,
                          const char *cwd, const sh_command *tee)
{
    for (size_t i = 0; i < tee->nargs; i++) {
        const sh_word *w = &tee->args[i];
        const char *v = lint_word(w);
        if ((v[0] == '-' && v[1]) || !*v || !strncmp(v, "/dev/", 5))
            continue;
        add_file(ctx, f, cap, cwd, v, w);
    }
}

/* `> file` at the end of a pipeline of pass-through commands. */
static void add_redirect_files(lint_ctx *ctx, fetch *f, size_t *cap,
                               const char *cwd, const sh_command *c)
{
    for (size_t r = 0; r < c->nredirs; r++) {
        const sh_redir *rd = &c->redirs[r];
        bool out = rd->op == SH_REDIR_OUT || rd->op == SH_REDIR_APPEND ||
                   rd->op == SH_REDIR_CLOBBER;
        const char *v = lint_word(&rd->target);
        if (out && (rd->fd == -1 || rd->fd == 1) && *v &&
            strncmp(v, "/dev/", 5) != 0)
            add_file(ctx, f, cap, cwd, v, &rd->target);
    }
}

/* Follows piped content through tee, cat and decompressors to the
 * command that consumes it. */
static void follow_pipeline(lint_ctx *ctx, fetch *f, size_t *cap,
                            const char *cwd)
{
    for (const sh_command *n = f->d.cmd->pipe_next; n; n = n->pipe_next) {
        if (exec_reads_stdin_script(n)) {
            f->runs_piped = n;
            return;
        }
        if (unpacks(n) && !f->unpacked_by)
            f->unpacked_by = n;
        if (!flow_passes_through(n)) {
            f->key_import = imports_keys(n);
            return;
        }
        if (n->name && !strcmp(n->name, "tee"))
            add_tee_files(ctx, f, cap, cwd, n);
        if (!n->pipe_next)
            add_redirect_files(ctx, f, cap, cwd, n);
    }
}

/* Does the output of `c` reach the end of its pipeline unchanged in kind
 * (through tee, cat, decompressors...)? */
static bool reaches_pipeline_end(const sh_command *c)
{
    for (const sh_command *n = c->pipe_next; n; n = n->pipe_next)
        if (!flow_passes_through(n))
            return false;
    return true;
}

/* sh -c "$(curl ...)", eval "$(curl ...)", bash <(curl ...) */
static const sh_command *substitution_runner(const sh_command *cmd)
{
    const sh_command *p = cmd->parent;
    if (p && (cmd->ctx & (SHC_CMDSUBST | SHC_PROCSUBST)) &&
        !(cmd->ctx & SHC_HEREDOC) && cmd->parent_word >= 0 &&
        (size_t)cmd->parent_word > p->cmd_index && reaches_pipeline_end(cmd) &&
        exec_runs_word_as_script(p, (size_t)cmd->parent_word,
                                 (cmd->ctx & SHC_PROCSUBST) != 0))
        return p;
    return NULL;
}

static bool names_file(lint_ctx *ctx, const sh_command *c, const char *base)
{
    for (size_t i = 0; i < c->nargs; i++) {
        const char *v = lint_word(&c->args[i]);
        if (v[0] != '-' && !strcmp(exec_basename(ctx, v), base))
            return true;
    }
    return false;
}

/* Does a key-importing command (or the `cat` feeding it) name the file? */
static bool imported_as_key(lint_ctx *ctx, const sh_command *c,
                            const char *base)
{
    return names_file(ctx, c, base) ||
           (c->pipe_prev && names_file(ctx, c->pipe_prev, base));
}

/* What each command of a script may do with a downloaded file, worked
 * out once for all the files. */
typedef struct command_role {
    verification verify; /* .cmd is NULL when it verifies nothing */
    bool may_run;        /* exec_may_run_file */
    bool imports;        /* imports keys */
} command_role;

/* Commands looked at while following files in one script: a bound on
 * the work of a hostile RUN with many downloads and many commands. */
#define MAX_STEPS (1u << 22)

/* What the commands after the download do with one of its files: the
 * first verification covering it, or the first command running it. */
static void follow_file(lint_ctx *ctx, const sh_script *s,
                        const script_flow *flow, const command_role *roles,
                        const fetch *f, fetched_file *ff, size_t *steps)
{
    const char *base = NULL;
    if (*steps > MAX_STEPS) {
        ff->unknown = true;
        return;
    }
    *steps += s->ncmds - f->index;
    for (size_t k = f->index + 1; k < s->ncmds; k++) {
        const sh_command *c = s->cmds[k];
        const command_role *r = &roles[k];
        *steps += r->verify.nnames;
        if (r->verify.cmd &&
            exec_verification_covers(ctx, &r->verify, ff->path)) {
            ff->verified_by = c;
            return;
        }
        if (r->may_run && exec_runs_file(ctx, c, flow->cwd[k], ff->path)) {
            ff->run_by = c;
            return;
        }
        if (r->imports && !ff->material) {
            base = base ? base : exec_basename(ctx, ff->path);
            ff->material = imported_as_key(ctx, c, base);
        }
    }
}

static bool maybe_download(const sh_command *c)
{
    const sh_word *args;
    size_t n;
    const char *name = command_name(c, &args, &n);
    return name && (name[0] == 'c' || name[0] == 'w' || name[0] == 'f');
}

static script_flow *build_flow(lint_ctx *ctx, const sh_script *s,
                               const char *workdir)
{
    script_flow *flow = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < s->ncmds; i++) {
        download d;
        if (!maybe_download(s->cmds[i]) || !download_parse(ctx, s->cmds[i], &d))
            continue;
        if (!flow) {
            flow = ARENA_NEW(ctx->a, script_flow);
            flow->cwd = exec_cwds(ctx, s, workdir);
        }
        fetch *f = ARENA_PUSH(ctx->a, flow->fetches, flow->nfetches, cap);
        memset(f, 0, sizeof(*f));
        f->d = d;
        f->index = i;
    }
    if (!flow)
        return NULL;

    bool files = false;
    for (size_t i = 0; i < flow->nfetches && !files; i++)
        files = flow->fetches[i].d.nfiles > 0 || flow->fetches[i].d.to_stdout;
    command_role *roles = ARENA_ARRAY(ctx->a, command_role, s->ncmds + 1);
    for (size_t k = 0; k < s->ncmds && files; k++) {
        const sh_command *c = s->cmds[k];
        if (!exec_verification(ctx, c, &roles[k].verify))
            roles[k].verify.cmd = NULL;
        roles[k].may_run = exec_may_run_file(c);
        roles[k].imports = imports_keys(c);
    }

    size_t steps = 0;
    for (size_t i = 0; i < flow->nfetches; i++) {
        fetch *f = &flow->fetches[i];
        const char *cwd = flow->cwd[f->index];
        size_t fcap = 0;
        for (size_t k = 0; k < f->d.nfiles; k++)
            add_file(ctx, f, &fcap, cwd, f->d.files[k], f->d.file_words[k]);
        if (f->d.to_stdout) {
            follow_pipeline(ctx, f, &fcap, cwd);
            f->runs_subst = substitution_runner(f->d.cmd);
        }
        for (size_t k = 0; k < f->nfiles; k++)
            follow_file(ctx, s, flow, roles, f, &f->files[k], &steps);
    }
    return flow;
}

/* Marks an instruction whose script downloads nothing. */
static const script_flow no_flow;

const script_flow *flow_of(lint_ctx *ctx, size_t inst)
{
    const sh_script *s = ctx->scripts[inst];
    if (!s)
        return NULL;
    if (!ctx->flows)
        ctx->flows = ARENA_ARRAY(ctx->a, script_flow *, ctx->file->ninsts + 1);
    if (!ctx->flows[inst]) {
        script_flow *f = build_flow(ctx, s, exec_workdirs(ctx)[inst]);
        ctx->flows[inst] = f ? f : (script_flow *)&no_flow;
    }
    return ctx->flows[inst] == &no_flow ? NULL : ctx->flows[inst];
}

bool fetch_is_run(const fetch *f)
{
    if (f->runs_piped || f->runs_subst)
        return true;
    for (size_t k = 0; k < f->nfiles; k++)
        if (f->files[k].run_by)
            return true;
    return false;
}

bool fetch_is_verified(const fetch *f)
{
    for (size_t k = 0; k < f->nfiles; k++)
        if (!f->files[k].verified_by && !f->files[k].unknown)
            return false;
    return f->nfiles > 0;
}
