/*
 * Principle 5: `:latest` is not a version.
 */
#include <string.h>

#include "dockerfile/reference.h"
#include "rules/rule.h"

/* Does an unknown part of the value reach into [from, end)? */
static bool unknown_after(const df_value *v, size_t from)
{
    for (size_t i = 0; i < v->nunknown; i++)
        if (v->unknown_spans[i].off + v->unknown_spans[i].len > from)
            return true;
    return false;
}

static void check_from_latest(lint_ctx *c)
{
    const df_model *m = c->model;
    for (size_t s = 0; s < m->nstages; s++) {
        const df_stage *st = &m->stages[s];
        if (!st->from || st->from->nargs == 0 || st->parent >= 0 ||
            st->scratch || st->base.error || st->base.len == 0)
            continue;
        image_ref ref;
        if (!image_ref_parse(c->a, st->base.s, st->base.len, &ref))
            continue;
        if (ref.digest)
            continue;
        /* "${REGISTRY}/debian" is decidable, "debian:${TAG}" is not. */
        if (st->base.unknown &&
            (st->base.nunknown == 0 || unknown_after(&st->base, ref.last_slash)))
            continue;
        bool no_tag = ref.tag == NULL;
        if (!no_tag && strcmp(ref.tag, "latest") != 0)
            continue;

        const df_text *img = &st->from->args[0];
        bool expanded = strcmp(img->s, st->base.s) != 0;
        const char *shown = lint_quote(c, st->base.s, st->base.len);
        const char *what = no_tag ? "has no tag, so it means :latest"
                                  : "uses the moving :latest tag";
        const char *name = lint_quote(c, st->base.s,
                                      no_tag ? st->base.len : ref.tag_off - 1);
        if (expanded)
            lint_report(c, "from-latest", st->first, img->off, img->end,
                        "FROM %s resolves to %s, which %s: every build may "
                        "get a different base; pin a version tag and digest "
                        "(%s:<version>@sha256:...)",
                        lint_quote(c, img->s, img->len), shown, what, name);
        else
            lint_report(c, "from-latest", st->first, img->off, img->end,
                        "%s %s: every build may get a different base; pin a "
                        "version tag and digest (%s:<version>@sha256:...)",
                        shown, what, name);
    }
}

const rule_def rule_from_latest = {
    .info = {
        .id = "from-latest",
        .severity = BOSUN_WARNING,
        .principle = 5,
        .scope = "dockerfile",
        .summary = "FROM an image with no tag or the :latest tag",
        .rationale =
            "`latest` is only the tag a publisher pushed last, and an "
            "image without a tag means `latest`. Two builds of the same "
            "Dockerfile a week apart can start from different operating "
            "system releases, so a build that passed review is not the "
            "build that ships. bosun expands ARGs in FROM (with their "
            "defaults or --build-arg) before deciding, skips `scratch` and "
            "earlier stages, and stays silent when the tag comes from a "
            "build argument it cannot know.",
        .bad = "FROM python\nARG BASE=node:latest\nFROM $BASE",
        .good = "FROM python:3.12.3-slim-bookworm\n"
                "FROM node:20.12.2@sha256:<digest>",
        .fix = "Name a specific version tag, and for fully repeatable "
               "builds add the digest (`image:tag@sha256:...`); update it "
               "deliberately, e.g. with a dependency bot.",
    },
    .check = check_from_latest,
    .dockerfile_only = true,
};
