#include "registry/msg.h"

#include <stdarg.h>

#include "util/strbuf.h"

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf sb;
    sb_init(&sb);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    sb_reserve(&sb, 1); /* an empty result must be malloc'd too */
    return sb.data;
}
