/*
 * File capabilities: the security.capability extended attribute (struct
 * vfs_cap_data of linux/capability.h) that layers carry as the pax header
 * SCHILY.xattr.security.capability, decoded into libcap's text form
 * ("cap_net_raw+ep") for a finding.
 */
#ifndef BOSUN_IMAGE_FCAPS_H
#define BOSUN_IMAGE_FCAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The extended attribute's name, and libarchive's for its pax header. */
#define FCAPS_XATTR "security.capability"

/* Capability numbers Linux 6.x defines (0 cap_chown .. 40
 * cap_checkpoint_restore); higher bits are shown as numbers. */
#define FCAPS_LAST_CAP 40

typedef struct fcaps {
    bool malformed;       /* not a vfs_cap_data the kernel accepts */
    unsigned revision;    /* 1, 2, 3 (0 when too short to say) */
    bool effective;       /* VFS_CAP_FLAGS_EFFECTIVE */
    uint64_t permitted, inheritable;
    bool has_rootid;      /* revision 3: the namespace root it applies to */
    uint32_t rootid;
    char text[1024];      /* "cap_net_raw+ep" (and the namespace root),
                             or "" when it grants nothing */
    char why[128];        /* malformed: why ("14 bytes, revision 2 takes
                             20"), else "" */
} fcaps;

/*
 * Decodes `len` bytes of a security.capability value (any bytes: a
 * layer's author chooses them). Never fails: a value of the wrong length
 * or revision is decoded as far as it goes, with malformed set and the
 * reason in why. False when the value grants nothing (a well-formed,
 * empty set).
 */
bool fcaps_decode(const void *value, size_t len, fcaps *out);

/* cap_chown ... cap_checkpoint_restore, or NULL past FCAPS_LAST_CAP. */
const char *fcaps_name(unsigned cap);

#endif
