/*
 * Platforms as containerd matches them (github.com/containerd/platforms):
 * what `--platform` (or the host) accepts, and in what order of
 * preference, when an index lists one image per platform.
 *
 * - Normalize: OS and architecture lower-cased; an empty OS is the host's
 *   (linux: bosun asks what a Linux host runs); "macos" is darwin;
 *   x86_64 and x86-64 are amd64 (variant v1 dropped), aarch64 is arm64
 *   (v8 dropped, 9 is v9), i386 is 386, armhf is arm/v7, armel arm/v6, a
 *   bare arm is arm/v7, arm/5..8 are arm/v5..v8.
 * - Only(want) accepts, best first: want itself; for amd64/vN also
 *   amd64/vN-1 .. v1, then 386; for arm/vN also arm/vN-1 .. v5; for
 *   arm64/vX.Y the arm64 variants it runs (v9.x runs v9.0..v9.x and
 *   v8.0..v8.x+5), then arm/v8 .. v5. A platform matches an entry when
 *   OS, architecture and variant are equal after normalizing both, and
 *   its os.features are among the wanted ones (bosun wants none, so an
 *   entry with os.features never matches). os.version is compared for
 *   Windows only, which bosun does not run: it is not compared.
 */
#ifndef BOSUN_IMAGE_PLATFORM_H
#define BOSUN_IMAGE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

typedef struct img_platform {
    const char *os, *arch, *variant;   /* "" when absent */
    bool has_features;                 /* os.features is not empty */
} img_platform;

/* containerd's Normalize, in place (strings in the arena). */
void platform_normalize(arena *a, img_platform *p);

/* "os/arch[/variant]" (normalized), or NULL when it is not that. */
bool platform_parse(arena *a, const char *spec, img_platform *out);

/* "os/arch[/variant]" for messages. */
const char *platform_format(arena *a, const img_platform *p);

/* The platforms Only(want) accepts, best first. */
#define PLATFORM_VECTOR_MAX 32
typedef struct platform_matcher {
    img_platform items[PLATFORM_VECTOR_MAX];
    size_t n;
} platform_matcher;

void platform_matcher_init(arena *a, platform_matcher *m,
                           const img_platform *want);

/* Where `p` (normalized here) comes in m's order: 0 is best; -1 when m
 * does not accept it. */
int platform_rank(arena *a, const platform_matcher *m, const img_platform *p);

#endif
