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
#include <string.h>

#include "rules/flow.h"
#include "rules/rule.h"

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

/* Every way the content of one download reaches an interpreter. */
static void check_fetch(lint_ctx *c, size_t inst, const fetch *f)
{
    char what[160];
    if (f->runs_piped) {
        const char *interp = f->runs_piped->name ? f->runs_piped->name
                                                 : "a shell";
        snprintf(what, sizeof(what), "piping into %s the output of", interp);
        report_at(c, inst, f->runs_piped, what, &f->d);
    }
    if (f->runs_subst) {
        snprintf(what, sizeof(what), "%s runs the output of",
                 f->runs_subst->name ? f->runs_subst->name : "the shell");
        report_at(c, inst, f->runs_subst, what, &f->d);
    }
    for (size_t k = 0; k < f->nfiles; k++) {
        const sh_command *run = f->files[k].run_by;
        if (!run)
            continue;
        const char *text = run_text(c, run);
        snprintf(what, sizeof(what),
                 "`%s` runs a file downloaded, unverified, by",
                 lint_quote(c, text, strlen(text)));
        report_at(c, inst, run, what, &f->d);
    }
}

/* A command of a script that verifies something or may run a file: all
 * that matters to a file an ADD fetched. */
typedef struct file_user {
    size_t index;
    bool verifies;
    verification v;
} file_user;

static size_t file_users(lint_ctx *c, const sh_script *s, file_user **out)
{
    file_user *users = NULL;
    size_t n = 0, cap = 0;
    for (size_t j = 0; j < s->ncmds; j++) {
        verification v;
        bool verifies = exec_verification(c, s->cmds[j], &v);
        if (!verifies && !exec_may_run_file(s->cmds[j]))
            continue;
        file_user *u = ARENA_PUSH(c->a, users, n, cap);
        u->index = j;
        u->verifies = verifies;
        u->v = v;
    }
    *out = users;
    return n;
}

/* The first command that runs `path` before anything verifies it. */
static const sh_command *runs_unverified(lint_ctx *c, const sh_script *s,
                                         const char *const *cwd,
                                         const file_user *users, size_t n,
                                         const char *path)
{
    for (size_t k = 0; k < n; k++) {
        const sh_command *cmd = s->cmds[users[k].index];
        if (users[k].verifies &&
            exec_verification_covers(c, &users[k].v, path))
            return NULL;
        if (exec_runs_file(c, cmd, cwd[users[k].index], path))
            return cmd;
    }
    return NULL;
}

/* ADDs of URLs remembered: a bound on the work of a hostile file (each
 * RUN is searched for each of them). */
#define MAX_ADDED_URLS 256

/* An ADD of a URL without --checksum, remembered per stage. */
typedef struct added_url {
    int stage;
    size_t inst;
    const char *path; /* absolute destination file */
    const char *url;
} added_url;

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
    const char **workdirs = exec_workdirs(c);

    for (size_t i = 0; i < f->ninsts; i++) {
        const df_instruction *in = &f->insts[i];
        int stage = m->stage_of[i];
        const char *workdir = workdirs[i];
        if (in->kind == DF_ADD && in->nargs >= 2 &&
            !df_find_flag(in, "checksum")) {
            df_value dest = df_expand(c->a, m, i, in->args[in->nargs - 1].s,
                                      in->args[in->nargs - 1].len);
            for (size_t k = 0; k + 1 < in->nargs && !dest.unknown; k++) {
                df_value src = df_expand(c->a, m, i, in->args[k].s,
                                         in->args[k].len);
                if (src.unknown || !is_http_url(src.s) ||
                    nadded >= MAX_ADDED_URLS)
                    continue;
                added_url *a = ARENA_PUSH(c->a, added, nadded, cap);
                a->stage = stage;
                a->inst = i;
                a->url = src.s;
                a->path = download_add_destination(c, workdir, src.s, dest.s);
            }
        }

        const sh_script *s = c->scripts[i];
        if (!s)
            continue;
        const script_flow *flow = flow_of(c, i);
        for (size_t k = 0; flow && k < flow->nfetches; k++)
            check_fetch(c, i, &flow->fetches[k]);

        /* RUN executing what an earlier ADD fetched from a URL. */
        const char **cwd = NULL;
        file_user *users = NULL;
        size_t nusers = 0;
        for (size_t k = 0; k < nadded; k++) {
            const added_url *a = &added[k];
            bool in_chain = false;
            for (int sidx = stage; sidx >= 0; sidx = m->stages[sidx].parent)
                if (sidx == a->stage)
                    in_chain = true;
            if (!in_chain)
                continue;
            if (!cwd) {
                cwd = flow ? flow->cwd : exec_cwds(c, s, workdir);
                nusers = file_users(c, s, &users);
            }
            const sh_command *run = runs_unverified(c, s, cwd, users, nusers,
                                                    a->path);
            if (!run)
                continue;
            const sh_word *w = name_word(run);
            lint_report(c, "pipe-to-shell", i, w ? w->off : run->off,
                        w ? w->end : run->end,
                        "`%s` runs %s, fetched by `ADD %s` (line %u) "
                        "without --checksum: it runs code nobody "
                        "verified; add --checksum=sha256:... to the "
                        "ADD or verify the file before running it",
                        run_text(c, run), a->path,
                        lint_quote(c, a->url, strlen(a->url)),
                        f->insts[a->inst].line);
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
