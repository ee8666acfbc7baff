#include "image/platform.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/text.h"

static const char *lower(arena *a, const char *s)
{
    char *out = arena_strdup(a, s ? s : "");
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

static bool is(const char *s, const char *t)
{
    return strcmp(s, t) == 0;
}

void platform_normalize(arena *a, img_platform *p)
{
    const char *os = lower(a, p->os);
    if (!*os)
        os = "linux"; /* runtime.GOOS of the host that runs it */
    else if (is(os, "macos"))
        os = "darwin";
    const char *arch = lower(a, p->arch), *variant = lower(a, p->variant);
    if (is(arch, "i386")) {
        arch = "386";
        variant = "";
    } else if (is(arch, "x86_64") || is(arch, "x86-64") || is(arch, "amd64")) {
        arch = "amd64";
        if (is(variant, "v1"))
            variant = "";
    } else if (is(arch, "aarch64") || is(arch, "arm64")) {
        arch = "arm64";
        if (is(variant, "8") || is(variant, "v8") || is(variant, "v8.0"))
            variant = "";
        else if (is(variant, "9") || is(variant, "9.0") ||
                 is(variant, "v9.0"))
            variant = "v9";
    } else if (is(arch, "armhf")) {
        arch = "arm";
        variant = "v7";
    } else if (is(arch, "armel")) {
        arch = "arm";
        variant = "v6";
    } else if (is(arch, "arm")) {
        if (!*variant || is(variant, "7"))
            variant = "v7";
        else if (is(variant, "5") || is(variant, "6") || is(variant, "8"))
            variant = arena_printf(a, "v%s", variant);
    }
    p->os = os;
    p->arch = arch;
    p->variant = variant;
}

bool platform_parse(arena *a, const char *spec, img_platform *out)
{
    memset(out, 0, sizeof(*out));
    const char *s1 = strchr(spec, '/');
    if (!s1 || s1 == spec || !s1[1])
        return false;
    const char *s2 = strchr(s1 + 1, '/');
    if (s2 && (s2 == s1 + 1 || !s2[1] || strchr(s2 + 1, '/')))
        return false;
    out->os = arena_strndup(a, spec, (size_t)(s1 - spec));
    out->arch = s2 ? arena_strndup(a, s1 + 1, (size_t)(s2 - s1 - 1))
                   : arena_strdup(a, s1 + 1);
    out->variant = s2 ? arena_strdup(a, s2 + 1) : "";
    platform_normalize(a, out);
    return true;
}

const char *platform_format(arena *a, const img_platform *p)
{
    return *p->variant ? arena_printf(a, "%s/%s/%s", p->os, p->arch,
                                      p->variant)
                       : arena_printf(a, "%s/%s", p->os, p->arch);
}

/* ------------------------------------------------------------- vectors */

static void push(arena *a, platform_matcher *m, const img_platform *want,
                 const char *arch, const char *variant)
{
    if (m->n == PLATFORM_VECTOR_MAX)
        return;
    img_platform *p = &m->items[m->n++];
    p->os = want->os;
    p->arch = arch;
    p->variant = variant;
    p->has_features = false;
    platform_normalize(a, p); /* as NewMatcher does */
}

/* "vN" with N a number (Go: strconv.Atoi of the rest), else -1. */
static long variant_number(const char *v)
{
    int64_t n;
    if (v[0] != 'v' || !go_atoi(v + 1, strlen(v + 1), &n) || n < 0 ||
        n > 1000)
        return -1;
    return (long)n;
}

static void arm_vector(arena *a, platform_matcher *m, const img_platform *want,
                       const char *variant)
{
    push(a, m, want, "arm", variant);
    long n = variant_number(variant);
    for (long k = n - 1; n > 5 && k >= 5; k--)
        push(a, m, want, "arm", arena_printf(a, "v%ld", k));
}

/* The arm64 variants containerd knows: v8, v8.0 .. v8.9, v9, v9.0 .. v9.7. */
static bool arm64_variant(const char *v, int *major, int *minor)
{
    for (int maj = 8; maj <= 9; maj++)
        for (int min = -1; min <= (maj == 8 ? 9 : 7); min++) {
            char name[16];
            if (min < 0)
                snprintf(name, sizeof(name), "v%d", maj);
            else
                snprintf(name, sizeof(name), "v%d.%d", maj, min);
            if (is(v, name)) {
                *major = maj;
                *minor = min < 0 ? 0 : min;
                return true;
            }
        }
    return false;
}

/* arm64/v8.N runs v8.N .. v8.0; v9.N runs v9.N .. v9.0, then v8.(N+5, at
 * most 9) .. v8.0; both then run arm/v8 .. v5. An unknown variant runs
 * nothing. */
static void arm64_vector(arena *a, platform_matcher *m,
                         const img_platform *want)
{
    int major, minor;
    if (!arm64_variant(*want->variant ? want->variant : "v8", &major,
                       &minor))
        return;
    int majors[2] = {major, 8};
    int minors[2] = {minor, minor + 5 > 9 ? 9 : minor + 5};
    for (int i = 0; i < (major == 9 ? 2 : 1); i++)
        for (int k = minors[i]; k >= 0; k--)
            push(a, m, want, "arm64",
                 k ? arena_printf(a, "v%d.%d", majors[i], k)
                   : arena_printf(a, "v%d", majors[i]));
    arm_vector(a, m, want, "v8");
}

void platform_matcher_init(arena *a, platform_matcher *m,
                           const img_platform *want)
{
    m->n = 0;
    img_platform w = *want;
    platform_normalize(a, &w);
    if (is(w.arch, "arm64")) {
        arm64_vector(a, m, &w);
        return;
    }
    if (is(w.arch, "arm")) {
        arm_vector(a, m, &w, w.variant);
        return;
    }
    push(a, m, &w, w.arch, w.variant);
    if (is(w.arch, "amd64")) {
        long n = variant_number(w.variant);
        for (long k = n - 1; n > 1 && k >= 1; k--)
            push(a, m, &w, "amd64", arena_printf(a, "v%ld", k));
        push(a, m, &w, "386", "");
    }
}

int platform_rank(arena *a, const platform_matcher *m, const img_platform *p)
{
    img_platform q = *p;
    platform_normalize(a, &q);
    if (q.has_features)
        return -1;
    for (size_t i = 0; i < m->n; i++)
        if (is(m->items[i].os, q.os) && is(m->items[i].arch, q.arch) &&
            is(m->items[i].variant, q.variant))
            return (int)i;
    return -1;
}
