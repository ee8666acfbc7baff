#include "image/fcaps.h"

#include <stdio.h>
#include <string.h>

/* linux/capability.h, which is not included: what matters is the
 * format on disk, not the headers of the machine bosun is built on. */
#define VFS_CAP_REVISION_MASK 0xFF000000u
#define VFS_CAP_FLAGS_MASK 0x00FFFFFFu
#define VFS_CAP_FLAGS_EFFECTIVE 0x000001u
#define VFS_CAP_REVISION_1 0x01000000u
#define VFS_CAP_REVISION_2 0x02000000u
#define VFS_CAP_REVISION_3 0x03000000u
#define XATTR_CAPS_SZ_1 12u /* magic, one (permitted, inheritable) pair */
#define XATTR_CAPS_SZ_2 20u /* magic, two pairs */
#define XATTR_CAPS_SZ_3 24u /* and rootid */

static const char *const names[FCAPS_LAST_CAP + 1] = {
    "cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner",
    "cap_fsetid", "cap_kill", "cap_setgid", "cap_setuid", "cap_setpcap",
    "cap_linux_immutable", "cap_net_bind_service", "cap_net_broadcast",
    "cap_net_admin", "cap_net_raw", "cap_ipc_lock", "cap_ipc_owner",
    "cap_sys_module", "cap_sys_rawio", "cap_sys_chroot", "cap_sys_ptrace",
    "cap_sys_pacct", "cap_sys_admin", "cap_sys_boot", "cap_sys_nice",
    "cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod",
    "cap_lease", "cap_audit_write", "cap_audit_control", "cap_setfcap",
    "cap_mac_override", "cap_mac_admin", "cap_syslog", "cap_wake_alarm",
    "cap_block_suspend", "cap_audit_read", "cap_perfmon", "cap_bpf",
    "cap_checkpoint_restore",
};

const char *fcaps_name(unsigned cap)
{
    return cap <= FCAPS_LAST_CAP ? names[cap] : NULL;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Appends to out->text, truncating (never overflowing). */
static void put(fcaps *out, size_t *at, const char *s)
{
    size_t cap = sizeof(out->text);
    if (*at >= cap - 1)
        return;
    size_t n = strlen(s);
    if (n > cap - 1 - *at)
        n = cap - 1 - *at;
    memcpy(out->text + *at, s, n);
    *at += n;
    out->text[*at] = '\0';
}

/* The flags a capability has, in libcap's order: "e", "i", "p". */
static void flags_of(const fcaps *c, unsigned cap, char flags[4])
{
    uint64_t bit = (uint64_t)1 << cap;
    bool p = c->permitted & bit, i = c->inheritable & bit;
    size_t n = 0;
    if (c->effective && (p || i))
        flags[n++] = 'e';
    if (i)
        flags[n++] = 'i';
    if (p)
        flags[n++] = 'p';
    flags[n] = '\0';
}

/* libcap's text form: capabilities with the same flags listed together,
 * groups in the order of their first capability ("cap_a,cap_b+ep
 * cap_c+i"). */
static void describe_sets(fcaps *c, size_t *at)
{
    bool done[64] = {false};
    bool first_group = true;
    for (unsigned cap = 0; cap < 64; cap++) {
        char flags[4];
        flags_of(c, cap, flags);
        if (done[cap] || !flags[0])
            continue;
        if (!first_group)
            put(c, at, " ");
        first_group = false;
        bool first = true;
        for (unsigned k = cap; k < 64; k++) {
            char other[4];
            flags_of(c, k, other);
            if (done[k] || strcmp(flags, other) != 0)
                continue;
            done[k] = true;
            char num[16];
            const char *name = fcaps_name(k);
            if (!name) {
                snprintf(num, sizeof(num), "%u", k);
                name = num;
            }
            if (!first)
                put(c, at, ",");
            put(c, at, name);
            first = false;
        }
        put(c, at, "+");
        put(c, at, flags);
    }
}

bool fcaps_decode(const void *value, size_t len, fcaps *out)
{
    const unsigned char *v = value;
    memset(out, 0, sizeof(*out));
    size_t at = 0;
    if (len < 4) {
        out->malformed = true;
        snprintf(out->why, sizeof(out->why),
                 "%zu bytes, too short for a revision", len);
        return true;
    }
    uint32_t magic = le32(v);
    uint32_t rev = magic & VFS_CAP_REVISION_MASK;
    out->revision = rev >> 24;
    out->effective = magic & VFS_CAP_FLAGS_EFFECTIVE;
    size_t want = rev == VFS_CAP_REVISION_1   ? XATTR_CAPS_SZ_1
                  : rev == VFS_CAP_REVISION_2 ? XATTR_CAPS_SZ_2
                  : rev == VFS_CAP_REVISION_3 ? XATTR_CAPS_SZ_3
                                              : 0;
    /* What is there is decoded, as far as it goes: a malformed value is
     * still reported with what it would grant. */
    if (len >= 12) {
        out->permitted = le32(v + 4);
        out->inheritable = le32(v + 8);
    }
    if (len >= 20 && rev != VFS_CAP_REVISION_1) {
        out->permitted |= (uint64_t)le32(v + 12) << 32;
        out->inheritable |= (uint64_t)le32(v + 16) << 32;
    }
    if (len >= 24 && rev == VFS_CAP_REVISION_3) {
        out->has_rootid = true;
        out->rootid = le32(v + 20);
    }
    char *why = out->why;
    if (!want)
        snprintf(why, sizeof(out->why), "unknown revision %u, %zu bytes",
                 (unsigned)out->revision, len);
    else if (len != want)
        snprintf(why, sizeof(out->why), "%zu bytes, revision %u takes %zu",
                 len, (unsigned)out->revision, want);
    else if (magic & VFS_CAP_FLAGS_MASK & ~VFS_CAP_FLAGS_EFFECTIVE)
        snprintf(why, sizeof(out->why), "unknown flags 0x%06x",
                 (unsigned)(magic & VFS_CAP_FLAGS_MASK));
    out->malformed = why[0] != '\0';
    if (out->permitted || out->inheritable)
        describe_sets(out, &at);
    if (out->has_rootid && out->rootid) {
        char root[64];
        snprintf(root, sizeof(root), "%s(in a user namespace whose root is "
                 "uid %u)", at ? " " : "", (unsigned)out->rootid);
        put(out, &at, root);
    }
    return out->malformed || out->permitted || out->inheritable;
}
