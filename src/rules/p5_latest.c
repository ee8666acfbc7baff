/*
 * Principle 5: `:latest` is not a version.
 */
#include <string.h>

#include "dockerfile/reference.h"
#include "lint/config.h"
#include "rules/rule.h"

/* Does an unknown part of the value reach into [from, end)? */
static bool unknown_after(const df_value *v, size_t from)
{
    for (size_t i = 0; i < v->nunknown; i++)
        if (v->unknown_spans[i].off + v->unknown_spans[i].len > from)
            return true;
    return false;
}

/* Does stage `st` build on an image from a registry (not a stage, not
 * scratch, a base that expands)? Then `ref` is its parsed reference. */
static bool registry_base(lint_ctx *c, const df_stage *st, image_ref *ref)
{
    if (!st->from || st->from->nargs == 0 || st->parent >= 0 ||
        st->scratch || st->base.error || st->base.len == 0)
        return false;
    return image_ref_parse(c->a, st->base.s, st->base.len, ref);
}

static void check_from_latest(lint_ctx *c)
{
    const df_model *m = c->model;
    for (size_t s = 0; s < m->nstages; s++) {
        const df_stage *st = &m->stages[s];
        image_ref ref;
        if (!registry_base(c, st, &ref))
            continue;
        if (ref.digest)
            continue;
        /* Not an image name at all (FROM BASEIMAGE, a template): the
         * build fails on it, its tag is not the problem. */
        if (!ref.valid && !st->base.unknown)
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

/* ------------------------------------------------------- from-not-pinned */

static void check_from_not_pinned(lint_ctx *c)
{
    const df_model *m = c->model;
    for (size_t s = 0; s < m->nstages; s++) {
        const df_stage *st = &m->stages[s];
        image_ref ref;
        if (!registry_base(c, st, &ref) || ref.digest || !ref.valid)
            continue;
        /* A digest could still come from a build argument at the end. */
        if (st->base.unknown)
            continue;
        const df_text *img = &st->from->args[0];
        lint_report(c, "from-not-pinned", st->first, img->off, img->end,
                    "%s is not pinned by digest: a tag can be moved to "
                    "other content; add @sha256:<digest> to build from the "
                    "exact image you reviewed",
                    lint_quote(c, st->base.s, st->base.len));
    }
}

const rule_def rule_from_not_pinned = {
    .info = {
        .id = "from-not-pinned",
        .severity = BOSUN_INFO,
        .principle = 5,
        .scope = "dockerfile",
        .summary = "FROM an external image without an @sha256 digest",
        .rationale =
            "A version tag is a name the publisher can point at new "
            "content at any time: images are rebuilt for fixes, and a "
            "compromised account can push anything under a familiar tag. "
            "Only a digest names one exact image. Pinning by digest (and "
            "letting a bot propose digest updates) makes every build "
            "start from the base that was reviewed.",
        .bad = "FROM python:3.12.3-slim",
        .good = "FROM python:3.12.3-slim@sha256:<digest>",
        .fix = "Append the digest of the image you use (`docker buildx "
               "imagetools inspect IMAGE` shows it) and keep the tag for "
               "readability; let Renovate or Dependabot keep it current.",
    },
    .check = check_from_not_pinned,
    .dockerfile_only = true,
};

/* Does an unknown part of the value reach into [0, end)? */
static bool unknown_before(const df_value *v, size_t end)
{
    for (size_t i = 0; i < v->nunknown; i++)
        if (v->unknown_spans[i].off < end)
            return true;
    return false;
}

/*
 * Is the image's registry trusted? An entry without '/' is a registry
 * host glob (`quay.io`, `*.example.com`); an entry with one names a
 * repository prefix (`ghcr.io/acme` trusts `ghcr.io/acme/...`).
 */
static bool registry_trusted(lint_ctx *c, const image_ref *ref)
{
    const config_list *trusted = &c->cfg->trusted_registries;
    const char *repo = arena_printf(c->a, "%s/%s", ref->registry, ref->path);
    for (size_t i = 0; i < trusted->n; i++) {
        const char *glob = trusted->items[i];
        if (!strchr(glob, '/')) {
            if (lint_glob_match(glob, ref->registry))
                return true;
        } else if (lint_glob_match(glob, repo) ||
                   lint_glob_match(arena_printf(c->a, "%s/*", glob), repo)) {
            return true;
        }
    }
    return false;
}

/* The configured list, for messages. */
static const char *trusted_list(lint_ctx *c)
{
    const config_list *trusted = &c->cfg->trusted_registries;
    if (trusted->n == 0)
        return "none";
    const char *s = trusted->items[0];
    for (size_t i = 1; i < trusted->n && i < 4; i++)
        s = arena_printf(c->a, "%s, %s", s, trusted->items[i]);
    return trusted->n > 4 ? arena_printf(c->a, "%s, ...", s) : s;
}

static void check_untrusted_registry(lint_ctx *c)
{
    if (!c->cfg->registries_restricted)
        return; /* a policy rule: silent until a policy is configured */
    const df_model *m = c->model;
    for (size_t s = 0; s < m->nstages; s++) {
        const df_stage *st = &m->stages[s];
        image_ref ref;
        if (!registry_base(c, st, &ref))
            continue;
        /* Not an image name at all (FROM BASEIMAGE, a template). */
        if (!ref.valid && !st->base.unknown)
            continue;
        /* "${REGISTRY}/app", "${IMAGE}:1": the registry is not known;
         * "debian:${TAG}" is decidable. */
        const char *slash = memchr(st->base.s, '/', st->base.len);
        size_t first = slash ? (size_t)(slash - st->base.s)
                             : strcspn(st->base.s, ":@");
        if (st->base.unknown &&
            (st->base.nunknown == 0 || unknown_before(&st->base, first + 1)))
            continue;
        if (registry_trusted(c, &ref))
            continue;
        const df_text *img = &st->from->args[0];
        lint_report(c, "untrusted-registry", st->first, img->off, img->end,
                    "FROM %s pulls from %s, which is not a trusted registry "
                    "(trusted-registries: %s); use an image from a trusted "
                    "registry, or mirror this one there",
                    lint_quote(c, st->base.s, st->base.len), ref.registry,
                    trusted_list(c));
    }
}

const rule_def rule_untrusted_registry = {
    .info = {
        .id = "untrusted-registry",
        .severity = BOSUN_WARNING,
        .principle = 5,
        .scope = "dockerfile",
        .summary = "FROM an image from a registry outside the trusted list",
        .rationale =
            "A team that mirrors and scans its base images in its own "
            "registries only benefits when builds pull from them. An image "
            "pulled straight from a public registry skips that review, and "
            "a look-alike name on a public registry is an easy way to slip "
            "in a malicious base. This rule is a policy: it checks nothing "
            "until `trusted-registries` is set in the configuration. Docker "
            "Hub is `docker.io`, also for images written without a registry "
            "(`debian` is `docker.io/library/debian`). Stage names, "
            "`scratch` and registries that come from a build argument bosun "
            "cannot know are not reported.",
        .bad = "# .bosun.yaml: trusted-registries: [registry.example.com]\n"
               "FROM debian:12.5",
        .good = "# .bosun.yaml: trusted-registries: [registry.example.com]\n"
                "FROM registry.example.com/mirror/debian:12.5",
        .fix = "Pull the base from a registry in `trusted-registries` "
               "(mirror the image there first), or add the registry to the "
               "list if the team trusts it. Entries are host globs such as "
               "`*.example.com`, or repository prefixes such as "
               "`ghcr.io/acme`.",
    },
    .check = check_untrusted_registry,
    .dockerfile_only = true,
};
