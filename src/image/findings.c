#include "image/findings.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lint/config.h"

void findings_init(img_findings *f, arena *a, const bosun_config *cfg)
{
    memset(f, 0, sizeof(*f));
    f->a = a;
    f->cfg = cfg;
}

bool findings_wanted(const img_findings *f, const char *rule)
{
    return !f->cfg || !config_is_ignored(f->cfg, rule);
}

static img_overflow *counter(img_findings *f, const char *rule, int layer)
{
    for (size_t i = 0; i < f->noverflow; i++)
        if (f->overflow[i].layer == layer &&
            strcmp(f->overflow[i].rule, rule) == 0)
            return &f->overflow[i];
    img_overflow *o = ARENA_PUSH(f->a, f->overflow, f->noverflow,
                                 f->overflow_cap);
    o->rule = rule;
    o->layer = layer;
    o->count = 0;
    return o;
}

static void add(img_findings *f, const char *rule, int layer, int history,
                const char *path, img_kind kind, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));
static void add(img_findings *f, const char *rule, int layer, int history,
                const char *path, img_kind kind, const char *fmt, va_list ap)
{
    if (!findings_wanted(f, rule))
        return;
    if (layer >= 0) {
        img_overflow *o = counter(f, rule, layer);
        if (++o->count > IMG_FINDINGS_PER_LAYER)
            return;
    }
    char buf[1024];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    img_finding *x = ARENA_PUSH(f->a, f->items, f->n, f->cap);
    x->rule = rule;
    x->layer = layer;
    x->path = path ? arena_strdup(f->a, path) : NULL;
    x->history = history;
    x->kind = kind;
    x->message = arena_strdup(f->a, buf);
    x->fate = FATE_SHIPS;
    x->fate_layer = -1;
}

void findings_add(img_findings *f, const char *rule, int layer,
                  const char *path, img_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(f, rule, layer, -1, path, kind, fmt, ap);
    va_end(ap);
}

void findings_add_history(img_findings *f, const char *rule, int history,
                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(f, rule, -1, history, NULL, KIND_ARCHIVE, fmt, ap);
    va_end(ap);
}

size_t findings_dropped(const img_findings *f, const char *rule, int layer)
{
    for (size_t i = 0; i < f->noverflow; i++)
        if (f->overflow[i].layer == layer &&
            strcmp(f->overflow[i].rule, rule) == 0)
            return f->overflow[i].count > IMG_FINDINGS_PER_LAYER
                       ? f->overflow[i].count - IMG_FINDINGS_PER_LAYER
                       : 0;
    return 0;
}

void sink_error(img_sink *s, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    bosun_report_add_error(s->report, s->name, 0, buf);
    s->failed = true;
}
