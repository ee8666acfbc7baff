#include "util/userspec.h"

#include <string.h>
#include <strings.h>

#include "util/text.h"

void user_spec_parse(const char *spec, user_spec *out)
{
    memset(out, 0, sizeof(*out));
    size_t ulen = strcspn(spec, ":");
    if (spec[ulen] == ':') {
        out->group = spec + ulen + 1;
        out->group_len = strcspn(out->group, ":");
        out->extra_parts = out->group[out->group_len] == ':';
    }
    if (ulen == 0) {
        out->user_empty = true;
        return;
    }
    int64_t v;
    if (go_atoi(spec, ulen, &v)) {
        out->user_numeric = true;
        out->uid_value = v;
        out->uid = (uint32_t)(uint64_t)v; /* Go's uint32(v) */
        out->uid_in_range = v >= 0 && v <= INT32_MAX;
        return;
    }
    out->name = spec;
    out->name_len = ulen;
}

static bool name_is(const user_spec *u, const char *name, bool caseless)
{
    size_t n = strlen(name);
    return u->name && u->name_len == n &&
           (caseless ? strncasecmp(u->name, name, n) == 0
                     : strncmp(u->name, name, n) == 0);
}

bool user_spec_is_root(const user_spec *u)
{
    if (u->user_empty)
        return true;
    if (u->user_numeric)
        return u->uid == 0;
    /* Other names are mapped through the image's /etc/passwd by the
     * caller that has its files (bosun image: user_spec.name, looked up
     * as runc looks it up); lint has no image to look in. */
    return name_is(u, "root", false) ||
           name_is(u, "ContainerAdministrator", true);
}

const char *user_spec_root_reason(const user_spec *u)
{
    if (u->user_empty)
        return " (an empty user part runs as uid 0)";
    if (u->user_numeric && u->uid == 0 && u->uid_value != 0)
        return " (a multiple of 2^32: containerd before 1.7.27 and 2.0.4 "
               "truncates it to uid 0)";
    return "";
}

bool user_is_root(const char *spec)
{
    user_spec u;
    user_spec_parse(spec, &u);
    return user_spec_is_root(&u);
}
