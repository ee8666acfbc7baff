#include "dockerfile/reference.h"

#include <string.h>

/* The first path component is a registry when it looks like a host. */
static bool is_registry(const char *s, size_t n)
{
    if (n == 9 && memcmp(s, "localhost", 9) == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.' || s[i] == ':')
            return true;
    return false;
}

bool image_ref_parse(arena *a, const char *s, size_t len, image_ref *out)
{
    memset(out, 0, sizeof(*out));
    if (len == 0)
        return false;

    size_t name_end = len;
    const char *at = memchr(s, '@', len);
    if (at) {
        name_end = (size_t)(at - s);
        out->digest = arena_strndup(a, at + 1, len - name_end - 1);
    }
    size_t last_slash = 0;
    for (size_t i = 0; i < name_end; i++)
        if (s[i] == '/')
            last_slash = i + 1;
    out->last_slash = last_slash;
    const char *colon = memchr(s + last_slash, ':', name_end - last_slash);
    size_t path_end = name_end;
    if (colon) {
        path_end = (size_t)(colon - s);
        out->tag = arena_strndup(a, colon + 1, name_end - path_end - 1);
        out->tag_off = path_end + 1;
    }

    const char *first_slash = memchr(s, '/', path_end);
    if (first_slash && is_registry(s, (size_t)(first_slash - s))) {
        size_t rlen = (size_t)(first_slash - s);
        out->registry = arena_strndup(a, s, rlen);
        out->explicit_registry = true;
        out->path = arena_strndup(a, first_slash + 1, path_end - rlen - 1);
        if (strcmp(out->registry, "index.docker.io") == 0 ||
            strcmp(out->registry, "registry-1.docker.io") == 0)
            out->registry = "docker.io";
    } else {
        out->registry = "docker.io";
        if (first_slash)
            out->path = arena_strndup(a, s, path_end);
        else
            out->path = arena_printf(a, "library/%.*s", (int)path_end, s);
    }
    out->valid = *out->path != '\0';
    for (const char *p = out->path; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '_' || *p == '-' || *p == '/'))
            out->valid = false;
    return true;
}
