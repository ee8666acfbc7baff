/*
 * bosun_lint_dockerfile: parse, validate, model, parse every RUN, run the
 * rules, and turn what they found into report entries.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lint/config.h"
#include "lint/scripts.h"
#include "lint/suppress.h"
#include "report/report.h"
#include "rules/exec.h"
#include "rules/rule.h"
#include "secrets/secrets.h"

void lint_report(lint_ctx *c, const char *rule_id, size_t inst, uint32_t off,
                 uint32_t end, const char *fmt, ...)
{
    const rule_def *rule = rules_find(rule_id);
    if (!rule)
        return; /* a typo in a rule file; the tests catch it */
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    lint_finding *f = ARENA_PUSH(c->a, c->findings, c->nfindings,
                                 c->findings_cap);
    f->rule = rule;
    f->inst = inst;
    f->off = off;
    f->end = end > off ? end : off + 1;
    f->message = arena_strdup(c->a, buf);
}

const df_instruction *lint_run_instruction(const lint_ctx *c, size_t i)
{
    const df_instruction *in = &c->file->insts[i];
    return in->kind == DF_ONBUILD && in->trigger ? in->trigger : in;
}

/* Resolves $NAME in RUN scripts from the ARG/ENV values in scope. */
static const char *resolve_from_scope(void *ctx, const char *name,
                                      size_t name_len, size_t *value_len)
{
    const df_var *v = df_scope_lookup(ctx, name, name_len);
    if (!v || !v->value)
        return NULL;
    *value_len = v->len;
    return v->value;
}

static void build_scripts(lint_ctx *c)
{
    const df_file *f = c->file;
    c->shells = ARENA_ARRAY(c->a, lint_shell, f->ninsts + 1);
    c->scripts = ARENA_ARRAY(c->a, sh_script *, f->ninsts + 1);
    lint_stage_shells(c->a, c->model, c->shells);
    for (size_t i = 0; i < f->ninsts; i++) {
        const df_instruction *run = lint_run_instruction(c, i);
        if (run->kind != DF_RUN)
            continue;
        sh_options opts = {
            .dialect = SH_DIALECT_BASH,
            .resolve = resolve_from_scope,
            .resolve_ctx = (void *)c->model->scope_before[i],
        };
        c->scripts[i] = lint_build_script(c->a, run, c->shells[i], &opts);
    }
}

/* The stage an instruction belongs to; NULL for a snippet with no FROM. */
static const df_stage *stage_of(const df_model *m, size_t inst)
{
    const df_stage *st = df_stage_of(m, inst);
    return st && st->from ? st : NULL;
}

/* The text of a line, for showing the token in context (a byte-order
 * mark is not text). */
static const char *line_text(arena *a, const source *src, uint32_t line)
{
    size_t len;
    const char *s = source_line_text(src, line, &len);
    if (line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        len -= 3;
    }
    return arena_strndup(a, s, len);
}

static void emit(lint_ctx *c, const char *name, bosun_report *r)
{
    const df_file *f = c->file;
    for (size_t i = 0; i < c->nfindings; i++) {
        const lint_finding *lf = &c->findings[i];
        const char *id = lf->rule->info.id;
        if (config_is_ignored(c->cfg, id) ||
            lint_is_suppressed(c->suppressions, lf->inst, lf->rule))
            continue;
        const df_instruction *in = &f->insts[lf->inst];
        const df_stage *st = stage_of(c->model, lf->inst);
        src_pos at = source_position(&f->src, lf->off);
        src_pos to = source_position(&f->src, lf->end);
        if (to.line < at.line || (to.line == at.line && to.col <= at.col))
            to = (src_pos){at.line, at.col + 1}; /* a span clamped at EOF */
        bosun_finding out = {
            .rule = id,
            .severity = config_severity_of(c->cfg, id, lf->rule->info.severity),
            .file = name,
            .message = lf->message,
            .line = at.line,
            .column = at.col,
            .end_line = to.line,
            .end_column = to.col,
            .instruction_line = in->line,
            .stage = st ? st->name : NULL,
            .stage_index = st ? (int)st->index : -1,
            .layer_index = -1,
            .deleted_in_layer = -1,
            .history_index = -1,
            .source_line = line_text(c->a, &f->src, at.line),
        };
        report_add_finding(r, &out);
    }
}

bool bosun_lint_dockerfile(const bosun_config *cfg, const char *name,
                           const char *data, size_t len, bosun_report *r)
{
    static const bosun_config no_config;
    if (!cfg)
        cfg = &no_config;
    if (len > BOSUN_MAX_DOCKERFILE_SIZE) {
        bosun_report_add_error(r, name, 0, "file too large for a Dockerfile");
        return false;
    }
    arena a;
    arena_init(&a);
    bool ok = false;

    df_error err;
    df_file *f = df_parse(&a, name, data, len, &err);
    if (!f) {
        bosun_report_add_error(r, name, err.line, err.message);
        goto out;
    }
    df_model_opts mo = {
        .build_args = cfg->build_args,
        .nbuild_args = cfg->nbuild_args,
        .target = cfg->target,
    };
    df_model *m = df_model_build(&a, f, &mo);
    if (m->target_missing) {
        char msg[512];
        snprintf(msg, sizeof(msg), "target stage \"%s\" could not be found",
                 cfg->target);
        bosun_report_add_error(r, name, 0, msg);
        goto out;
    }

    lint_suppressions suppressions;
    lint_parse_suppressions(&a, f, !cfg->no_hadolint_pragmas, &suppressions);
    lint_ctx c = {.a = &a, .cfg = cfg, .file = f, .model = m,
                  .suppressions = &suppressions};
    c.nproblems = df_validate(&a, f, (df_problem **)&c.problems);
    build_scripts(&c);
    for (size_t i = 0; i < rules_count(); i++) {
        const rule_def *rule = rules_at(i);
        if (rule->check && !config_is_ignored(cfg, rule->info.id) &&
            !(cfg->image_history && rule->dockerfile_only))
            rule->check(&c);
    }
    emit(&c, name, r);
    credential_matcher_free(c.credentials);
    ok = true;
out:
    arena_release(&a);
    return ok;
}
