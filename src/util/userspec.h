/*
 * A user spec ("user[:group]", the Dockerfile's USER and an image
 * configuration's User) read as the runtimes that run it read it:
 *
 * - containerd (oci.WithUser) splits at ':' and reads each part with Go's
 *   strconv.Atoi: a sign is accepted ("+0", "-0" are 0), leading zeros
 *   too, and a part that is not a number is a name. An empty user part
 *   (":1000", ":") leaves the uid at 0: root. Before the fix for
 *   CVE-2024-40635 it stored the number as uint32, so 4294967296 (or any
 *   multiple of 2^32, negative ones too) ran as uid 0; it now refuses
 *   numbers outside 0..2^31-1, as runc does.
 * - runc (libcontainer/user, what Docker's classic store runs) splits the
 *   same way and ignores parts after the second; an empty user part keeps
 *   the default user, root.
 *
 * So bosun calls a spec root when its user part is empty, a number equal
 * to 0 modulo 2^32, or the name "root" (and Windows' ContainerAdministrator).
 *
 * A name other than root may still map to uid 0 through the image's own
 * /etc/passwd: user_spec.name is the hook for that lookup (the caller that
 * has the image's files resolves it; this parser never reads a file).
 */
#ifndef BOSUN_UTIL_USERSPEC_H
#define BOSUN_UTIL_USERSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct user_spec {
    /* The user part: empty, a number, or a name. */
    bool user_empty;
    bool user_numeric;       /* strconv.Atoi accepts it */
    int64_t uid_value;       /* ... as Atoi reads it */
    uint32_t uid;            /* ... as a uint32 (what older containerd ran) */
    bool uid_in_range;       /* 0 <= value <= 2^31-1: accepted by runc and
                                current containerd */
    const char *name;        /* the user part when it is a name, else NULL
                                (points into the parsed string) */
    size_t name_len;
    /* The group part (NULL when there is no ':'). */
    const char *group;
    size_t group_len;
    bool extra_parts;        /* "a:b:c": containerd refuses it, runc ignores
                                the third part */
} user_spec;

/* Split and read `spec` (NUL-terminated); never fails. */
void user_spec_parse(const char *spec, user_spec *out);

/* Does the spec run as uid 0 (by number, by an empty user part, or by the
 * name root; ContainerAdministrator on Windows)? Names are not looked up
 * (see user_spec.name). */
bool user_spec_is_root(const user_spec *u);

/* Why a root spec that does not say 0 or root is root, for messages
 * (" (...)"), or "". */
const char *user_spec_root_reason(const user_spec *u);

/* user_spec_parse() then user_spec_is_root(). */
bool user_is_root(const char *spec);

#endif
