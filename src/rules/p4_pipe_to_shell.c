/*
 * Principle 4: avoid curl | bash.
 *
 * Downloaded content reaches an interpreter in four ways, all seen on the
 * shell model of every RUN (including heredoc bodies, `sh -c` strings and
 * ONBUILD triggers):
 *   - a pipeline:            curl -fsSL URL | tee x | sudo bash -
 *   - a substitution:        sh -c "$(curl URL)", eval "$(wget -O- URL)"
 *   - a process substitution: bash <(curl URL), source <(curl URL)
 *   - a file run unverified: curl -o i.sh URL && sh i.sh, or `ADD <url>`
 *     followed by a RUN that executes it.
 */
#include <ctype.h>
#include <string.h>

#include "rules/download.h"
#include "rules/exec.h"
#include "rules/rule.h"

/* Commands that pass their input on (possibly transformed) to the next. */
static bool passes_through(const sh_command *c)
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

/* Does the output of `c` reach the end of its pipeline unchanged in kind
 * (through tee, cat, decompressors...)? */
static bool reaches_pipeline_end(const sh_command *c)
{
    for (const sh_command *n = c->pipe_next; n; n = n->pipe_next)
        if (!passes_through(n))
            return false;
    return true;
}

static const sh_word *name_word(const sh_command *c)
{
    return c->argc ? &c->argv[c->cmd_index] : NULL;
}

/* How the file is run, as written: "sh /tmp/i.sh", "./setup". */
static const char *run_text(lint_ctx *c, const sh_command *run)
{
    const sh_word *name = name_word(run);
    size_t w;
    if (exec_script_source(run, &w) == SCRIPT_FILE && w < run->argc)
        return arena_printf(c->a, "%s %s", name->raw, run->argv[w].raw);
    if (run->name && (!strcmp(run->name, "source") || !strcmp(run->name, ".")) &&
        run->nargs > 0)
        return arena_printf(c->a, "%s %s", name->raw, run->args[0].raw);
    return name ? name->raw : "";
}

static void report_at(lint_ctx *c, size_t inst, const sh_command *at,
                      const char *fmt_what, const download *d)
{
    const sh_word *w = name_word(at);
    uint32_t off = w ? w->off : at->off;
    uint32_t end = w ? w->end : at->end;
    const char *url = d->url ? lint_quote(c, lint_word(d->url),
                                          strlen(lint_word(d->url)))
                             : "a URL";
    lint_report(c, "pipe-to-shell", inst, off, end,
                "%s %s %s: it runs code nobody reviewed or verified; "
                "download to a file, check its checksum or signature, then "
                "run it",
                fmt_what, d->tool, url);
}

/* What the rule needs to know about each command of a script, worked out
 * once: is it a download (and of what), does it verify something. */
typedef struct script_facts {
    download *downloads; /* downloads[i].cmd == NULL: not a download */
    bool *verifies;
} script_facts;

static script_facts facts_of(lint_ctx *c, const sh_script *s)
{
    script_facts f;
    f.downloads = ARENA_ARRAY(c->a, download, s->ncmds + 1);
    f.verifies = ARENA_ARRAY(c->a, bool, s->ncmds + 1);
    for (size_t i = 0; i < s->ncmds; i++) {
        if (!download_parse(c, s->cmds[i], &f.downloads[i]))
            f.downloads[i].cmd = NULL;
        f.verifies[i] = exec_is_verification(s->cmds[i]);
    }
    return f;
}

static void check_pipelines(lint_ctx *c, size_t inst, const sh_script *s,
                            const script_facts *facts)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_command *cmd = s->cmds[i];
        const download *dl = &facts->downloads[i];
        if (!dl->cmd || !dl->to_stdout)
            continue;
        download d = *dl;

        /* curl ... | [tee|cat|gunzip...] | interpreter */
        for (const sh_command *n = cmd->pipe_next; n; n = n->pipe_next) {
            if (exec_reads_stdin_script(n)) {
                const char *interp = n->name ? n->name : "a shell";
                char what[96];
                snprintf(what, sizeof(what), "piping into %s the output of",
                         interp);
                report_at(c, inst, n, what, &d);
                break;
            }
            if (!passes_through(n))
                break;
        }

        /* sh -c "$(curl ...)", eval "$(curl ...)", bash <(curl ...) */
        const sh_command *p = cmd->parent;
        if (p && (cmd->ctx & (SHC_CMDSUBST | SHC_PROCSUBST)) &&
            !(cmd->ctx & SHC_HEREDOC) && cmd->parent_word >= 0 &&
            (size_t)cmd->parent_word > p->cmd_index &&
            reaches_pipeline_end(cmd) &&
            exec_runs_word_as_script(p, (size_t)cmd->parent_word,
                                     (cmd->ctx & SHC_PROCSUBST) != 0)) {
            char what[96];
            snprintf(what, sizeof(what), "%s runs the output of",
                     p->name ? p->name : "the shell");
            report_at(c, inst, p, what, &d);
        }
    }
}

/* A file written by a download in this RUN, then executed in it. */
static void check_downloaded_files(lint_ctx *c, size_t inst,
                                   const sh_script *s, const char *workdir,
                                   const script_facts *facts)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        const download *dl = &facts->downloads[i];
        if (!dl->cmd || !dl->output)
            continue;
        download d = *dl;
        const char *path = exec_absolute(c, workdir, d.output);
        for (size_t k = i + 1; k < s->ncmds; k++) {
            const sh_command *run = s->cmds[k];
            if (facts->verifies[k])
                break; /* checked before use: download-unverified's job */
            if (exec_runs_file(c, run, workdir, path)) {
                char what[128];
                snprintf(what, sizeof(what), "`%s` runs a file downloaded, "
                         "unverified, by", lint_quote(c, run_text(c, run),
                                                      strlen(run_text(c, run))));
                report_at(c, inst, run, what, &d);
                break;
            }
        }
    }
}

/* An ADD of a URL without --checksum, remembered per stage. */
typedef struct added_url {
    int stage;
    size_t inst;
    const char *path; /* absolute destination file */
    const char *url;
} added_url;

static const char *add_destination(lint_ctx *c, const char *workdir,
                                   const char *url, const char *dest)
{
    size_t n = strlen(dest);
    bool dir = n == 0 || dest[n - 1] == '/' || !strcmp(dest, ".") ||
               !strcmp(dest, "..");
    const char *file = dir ? arena_printf(c->a, "%s/%s", dest,
                                          download_url_basename(c, url))
                           : dest;
    return exec_absolute(c, workdir, file);
}

static bool is_http_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static void check_pipe_to_shell(lint_ctx *c)
{
    const df_file *f = c->file;
    const df_model *m = c->model;
    added_url *added = NULL;
    size_t nadded = 0, cap = 0;
    const char **workdirs = ARENA_ARRAY(c->a, const char *, m->nstages + 1);

    for (size_t i = 0; i < f->ninsts; i++) {
        const df_instruction *in = &f->insts[i];
        int stage = m->stage_of[i];
        const df_stage *st = stage >= 0 ? &m->stages[stage] : NULL;
        if (st && i == st->first)
            workdirs[stage] = st->parent >= 0 ? workdirs[st->parent] : "/";
        const char *workdir = stage >= 0 && workdirs[stage] ? workdirs[stage]
                                                            : "/";
        if (in->kind == DF_WORKDIR && in->nargs == 1 && stage >= 0) {
            df_value v = df_expand(c->a, m, i, in->args[0].s, in->args[0].len);
            if (!v.unknown && !v.error)
                workdirs[stage] = exec_absolute(c, workdir, v.s);
        }
        if (in->kind == DF_ADD && in->nargs >= 2 &&
            !df_find_flag(in, "checksum")) {
            df_value dest = df_expand(c->a, m, i, in->args[in->nargs - 1].s,
                                      in->args[in->nargs - 1].len);
            for (size_t k = 0; k + 1 < in->nargs && !dest.unknown; k++) {
                df_value src = df_expand(c->a, m, i, in->args[k].s,
                                         in->args[k].len);
                if (src.unknown || !is_http_url(src.s))
                    continue;
                added_url *a = ARENA_PUSH(c->a, added, nadded, cap);
                a->stage = stage;
                a->inst = i;
                a->url = src.s;
                a->path = add_destination(c, workdir, src.s, dest.s);
            }
        }

        const sh_script *s = c->scripts[i];
        if (!s)
            continue;
        script_facts facts = facts_of(c, s);
        check_pipelines(c, i, s, &facts);
        check_downloaded_files(c, i, s, workdir, &facts);

        /* RUN executing what an earlier ADD fetched from a URL. */
        for (size_t k = 0; k < nadded; k++) {
            const added_url *a = &added[k];
            bool in_chain = false;
            for (int sidx = stage; sidx >= 0; sidx = m->stages[sidx].parent)
                if (sidx == a->stage)
                    in_chain = true;
            if (!in_chain)
                continue;
            for (size_t j = 0; j < s->ncmds; j++) {
                const sh_command *run = s->cmds[j];
                if (facts.verifies[j])
                    break;
                if (exec_runs_file(c, run, workdir, a->path)) {
                    const sh_word *w = name_word(run);
                    lint_report(c, "pipe-to-shell", i, w ? w->off : run->off,
                                w ? w->end : run->end,
                                "`%s` runs %s, fetched by `ADD %s` (line %u) "
                                "without --checksum: it runs code nobody "
                                "verified; add --checksum=sha256:... to the "
                                "ADD or verify the file before running it",
                                run_text(c, run), a->path, lint_quote(c, a->url, strlen(a->url)),
                                f->insts[a->inst].line);
                    break;
                }
            }
        }
    }
}

const rule_def rule_pipe_to_shell = {
    .info = {
        .id = "pipe-to-shell",
        .severity = BOSUN_ERROR,
        .principle = 4,
        .scope = "both",
        .summary = "downloaded content executed by an interpreter",
        .rationale =
            "`curl ... | sh` runs whatever the server sends at build time: "
            "nobody reviewed it, nothing checks that it is what was "
            "reviewed last time, and a compromised server, CDN or DNS "
            "answer ends up as code running inside the build with every "
            "secret the build can reach. bosun follows the bytes through "
            "pipelines (tee, cat, decompressors, sudo, env), command and "
            "process substitutions (`sh -c \"$(curl ...)\"`, "
            "`bash <(curl ...)`), `sh -c` strings, heredocs, and files "
            "that a download or an `ADD <url>` wrote and a later command "
            "runs without verifying first.",
        .bad = "RUN curl -fsSL https://example.com/install.sh | bash",
        .good = "ARG INSTALL_SHA256=<sha256 of the reviewed script>\n"
                "RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \\\n"
                " && echo \"$INSTALL_SHA256  /tmp/install.sh\" | sha256sum -c - \\\n"
                " && sh /tmp/install.sh",
        .fix = "Download to a file, verify it against a checksum or "
               "signature you pinned in the Dockerfile, then run it; better, "
               "install the software from a package or a release artifact "
               "whose digest you pin (`ADD --checksum=sha256:...`).",
    },
    .check = check_pipe_to_shell,
};
