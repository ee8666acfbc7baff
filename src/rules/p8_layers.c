/*
 * Principle 8: do not rely on squashing, every layer ships - files.
 *
 * secret-copied: a COPY/ADD puts a secret-looking file (secret_file_kind,
 * the list the image scanner uses too) into a stage that ships.
 * removed-later: a RUN deletes what an earlier layer added; the bytes are
 * still in that layer. Both read the layer model of layers.h.
 */
#include <string.h>
#include <strings.h>

#include "rules/download.h"
#include "rules/exec.h"
#include "rules/layers.h"
#include "rules/rule.h"
#include "secrets/secrets.h"

/* ------------------------------------------------------ secret-copied */

/* A destination named as public material: jenkins.key -> jenkins.pub. */
static bool named_public(const char *path)
{
    static const char *const exts[] = {".pub", ".crt", ".cer", ".cert",
                                       ".asc", ".gpg", NULL};
    static const char *const names[] = {"known_hosts", "authorized_keys",
                                        NULL};
    size_t n = strlen(path);
    for (const char *const *e = exts; *e; e++) {
        size_t k = strlen(*e);
        if (n >= k && !strcasecmp(path + n - k, *e))
            return true;
    }
    const char *base = strrchr(path, '/');
    return lint_name_in(base ? base + 1 : path, names);
}

/* "deleting it at line N does not help: it is still in the layer of
 * line M", or "" when no later RUN deletes it. */
static const char *removal_note(lint_ctx *c, layers **l, size_t inst,
                                const char *landing)
{
    if (!*l)
        *l = layers_build(c);
    const layer_path *p = layers_find(*l, inst, landing);
    if (!p || p->removed_by == LAYER_KEPT)
        return "";
    return arena_printf(c->a, "; deleting it at line %u does not help: it "
                              "is still stored in the layer of line %u",
                        c->file->insts[p->removed_by].line,
                        c->file->insts[inst].line);
}

typedef struct copy_dest {
    const char *dir;   /* absolute destination */
    bool dir_like;     /* sources land inside it */
} copy_dest;

static void check_source(lint_ctx *c, size_t i, const df_instruction *cp,
                         const df_text *t, const copy_dest *dest,
                         bool ships, layers **l)
{
    df_value v = lint_expand(c, i, t);
    if (v.unknown || v.error || !v.len || download_add_source_is_url(v.s) ||
        download_add_source_is_git(v.s))
        return; /* a URL is public; an unknown name cannot be judged */
    const char *landing =
        dest->dir_like ? exec_absolute(c, dest->dir, exec_basename(c, v.s))
                       : dest->dir;
    const char *kind = secret_file_kind(v.s, v.len);
    if (kind && named_public(landing))
        return;
    /* COPY npmrc /root/.npmrc: the destination says what it is. */
    if (!kind && !secret_file_sample(v.s, v.len))
        kind = secret_file_kind(landing, strlen(landing));
    if (!kind)
        return;
    lint_report(c, "secret-copied", i, t->off, t->end,
                "%s %s: %s, stored in the image at %s where anyone who can "
                "pull it can read it%s; mount it only for the RUN that needs "
                "it (RUN --mount=type=secret or --mount=type=ssh)",
                cp->kind == DF_ADD ? "ADD" : "COPY",
                lint_quote(c, v.s, v.len), kind, landing,
                ships ? removal_note(c, l, i, landing) : "");
}

static void check_secret_copied(lint_ctx *c)
{
    const df_file *f = c->file;
    const char **workdirs = NULL;
    layers *l = NULL;
    for (size_t i = 0; i < f->ninsts; i++) {
        const df_instruction *cp = &f->insts[i];
        bool trigger = cp->kind == DF_ONBUILD && cp->trigger;
        if (trigger)
            cp = cp->trigger; /* ships in every image built on this one */
        const df_stage *st = df_stage_of(c->model, i);
        if ((cp->kind != DF_COPY && cp->kind != DF_ADD) || cp->nargs < 2 ||
            (!trigger && (!st || !st->ships)))
            continue;
        if (!workdirs)
            workdirs = exec_workdirs(c);
        const df_text *last = &cp->args[cp->nargs - 1];
        df_value d = lint_expand(c, i, last);
        if (d.unknown || d.error || !d.len)
            continue;
        copy_dest dest = {
            .dir = exec_absolute(c, workdirs[i], d.s),
            .dir_like = d.s[d.len - 1] == '/' || cp->nargs > 2 ||
                        !strcmp(d.s, ".") || !strcmp(d.s, ".."),
        };
        for (size_t k = 0; k + 1 < cp->nargs; k++)
            if (strncmp(cp->args[k].s, "<<", 2) != 0)
                check_source(c, i, cp, &cp->args[k], &dest, !trigger, &l);
    }
}

const rule_def rule_secret_copied = {
    .info = {
        .id = "secret-copied",
        .severity = BOSUN_ERROR,
        .principle = 8,
        .scope = "dockerfile",
        .summary = "COPY or ADD of a secret-looking file into an image that "
                   "ships",
        .rationale =
            "Everything a COPY or ADD brings in is stored in that "
            "instruction's layer, and every layer is part of the image: "
            "anyone who can pull it can unpack the layer and read the file, "
            "even when a later RUN deletes it. SSH and TLS private keys, "
            ".npmrc, .pypirc, .netrc, .git-credentials, cloud credential "
            "files, docker config.json, .env files and htpasswd files have "
            "leaked this way from public images by the thousand. bosun "
            "reads the source (after ARG expansion, also COPY --from) and "
            "the destination (COPY npmrc /root/.npmrc), in the stages that "
            "ship and in ONBUILD triggers, skips files named as public "
            "(id_rsa.pub, *.crt, known_hosts) or as examples "
            "(.env.example), and says when a later RUN deletes the file "
            "and the layer still holds it.",
        .bad = "COPY id_rsa /root/.ssh/id_rsa\n"
               "RUN git clone git@github.com:example/private.git "
               "&& rm /root/.ssh/id_rsa",
        .good = "RUN --mount=type=ssh git clone "
                "git@github.com:example/private.git",
        .fix = "Keep secrets out of COPY/ADD: give them to the one RUN that "
               "needs them with `RUN --mount=type=secret,id=...` (or "
               "`--mount=type=ssh` for SSH keys) and `docker build "
               "--secret`/`--ssh`; list secret files in .dockerignore so "
               "`COPY .` cannot pick them up.",
    },
    .check = check_secret_copied,
    .dockerfile_only = true,
};

/* ------------------------------------------------------ removed-later */

static void check_removed_later(lint_ctx *c)
{
    const layers *l = layers_build(c);
    for (size_t i = 0; i < l->nremovals; i++) {
        const layer_removal *r = &l->removals[i];
        const layer_path *p = &l->paths[r->first];
        unsigned added = c->file->insts[p->inst].line;
        char more[64] = "";
        if (r->count > 1)
            snprintf(more, sizeof(more), " (and %zu more path%s added "
                                         "earlier)",
                     r->count - 1, r->count > 2 ? "s" : "");
        bool moved = !strcmp(r->how, "mv");
        /* rm -rf /tmp/<star> after COPY . /tmp/: what COPY put there. */
        bool contents = p->tree && strcmp(r->target, p->path) != 0 &&
                        strncmp(r->target, p->path, strlen(p->path)) == 0;
        lint_report(c, "removed-later", r->inst, r->off, r->end,
                    "`%s %s` %s %s%s, added at line %u by %s%s: it is still "
                    "stored in the layer of line %u and ships with the "
                    "image; %s",
                    r->how, lint_quote(c, r->text, strlen(r->text)),
                    moved ? "moves away" : "deletes",
                    contents ? "what was put in " : "", p->path, added,
                    p->how, more, added,
                    moved ? "put it where it belongs in the instruction that "
                            "adds it"
                          : "create, use and delete it in one RUN (or build "
                            "it in another stage and COPY --from only what "
                            "is needed)");
    }
}

const rule_def rule_removed_later = {
    .info = {
        .id = "removed-later",
        .severity = BOSUN_WARNING,
        .principle = 8,
        .scope = "dockerfile",
        .summary = "something added by one layer and deleted by a later "
                   "RUN still ships",
        .rationale =
            "An image is the stack of all its layers. Deleting a file in a "
            "later RUN only hides it: the bytes stay in the layer that "
            "added them, the image is no smaller, and a secret, a source "
            "archive or a package cache is still there for anyone who "
            "unpacks the layers. bosun tracks, in the stages that ship, "
            "the paths each instruction adds (COPY/ADD destinations; "
            "files written by curl/wget, redirections, tee, touch, cp, mv, "
            "tar -x -C, unzip -d, git clone, apt-get update's lists) and "
            "reports the RUN that deletes them later (rm, rm -rf dir/*, "
            "find -delete, mv). Deleting in the same RUN that created a "
            "file is the fix, and is not reported; paths under a RUN "
            "--mount target are not part of any layer.",
        .bad = "COPY app.tar.gz /tmp/\n"
               "RUN tar -xzf /tmp/app.tar.gz -C /opt\n"
               "RUN rm /tmp/app.tar.gz",
        .good = "RUN --mount=type=bind,source=app.tar.gz,"
                "target=/tmp/app.tar.gz \\\n    tar -xzf /tmp/app.tar.gz -C /opt",
        .fix = "Create, use and delete temporary files in one RUN; bring "
               "build inputs in with `RUN --mount=type=bind` or "
               "`--mount=type=cache` instead of COPY; or do the work in a "
               "build stage and `COPY --from` only the result.",
    },
    .check = check_removed_later,
    .dockerfile_only = true,
};
