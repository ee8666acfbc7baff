#include "rules/pinning.h"

#include "util/strbuf.h"

void pin_names_add(pin_names *n, const sh_word *w, const char *name)
{
    if (n->count == 0)
        n->first = w;
    if (n->count < sizeof(n->shown) / sizeof(n->shown[0]))
        n->shown[n->count] = name;
    n->count++;
}

void pin_names_report(lint_ctx *c, const char *rule, size_t inst,
                      const pin_names *n, const char *origin,
                      const char *pin, const char *hint)
{
    enum { SHOWN = sizeof(n->shown) / sizeof(n->shown[0]) };
    if (n->count == 0)
        return;
    size_t listed = n->count <= SHOWN ? n->count : SHOWN - 1;
    strbuf names, pins;
    sb_init(&names);
    sb_init(&pins);
    /* Appended piece by piece: this runs for most install commands. */
    for (size_t i = 0; i < listed; i++) {
        bool last = i + 1 == listed && listed == n->count;
        sb_puts(&names, i == 0 ? "`" : last ? " and `" : ", `");
        sb_puts(&names, n->shown[i]);
        sb_putc(&names, '`');
        sb_puts(&pins, i ? ", " : "");
        sb_puts(&pins, n->shown[i]);
        sb_puts(&pins, pin);
    }
    if (listed < n->count)
        sb_printf(&names, " and %zu more", n->count - listed);
    lint_report(c, rule, inst, n->first->off, n->first->end,
                "%s %s installed without a version, so each build gets "
                "the newest version from %s that day; pin %s: %s%s%s%s",
                names.data, n->count == 1 ? "is" : "are", origin,
                n->count == 1 ? "it" : "each one", pins.data,
                listed < n->count ? ", ..." : "", hint ? " " : "",
                hint ? hint : "");
    sb_free(&names);
    sb_free(&pins);
}
