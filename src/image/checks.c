#include "image/checks.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* ", a hard link to PATH of layer N", or "". */
static const char *link_clause(const file_facts *e, char *buf, size_t cap)
{
    if (!e->link_to)
        return "";
    snprintf(buf, cap, ", a hard link to %s of layer %d", e->link_to,
             e->link_layer);
    return buf;
}

void check_file_modes(img_findings *f, int layer, const file_facts *e)
{
    char link[1024];
    const char *via = link_clause(e, link, sizeof(link));
    unsigned perm = e->mode & 07777;
    if (!e->dir && (e->mode & (S_ISUID | S_ISGID))) {
        bool suid = e->mode & S_ISUID;
        findings_add(f, "image-setuid", layer, e->path, KIND_FINAL_FS,
                     "%s is %s %s %lld (mode %04o%s): a flaw in it hands "
                     "that %s's rights to any process of the container; "
                     "remove the bit (chmod %s) unless the image really "
                     "needs it",
                     e->path, suid ? "setuid" : "setgid",
                     suid ? "user" : "group",
                     (long long)(suid ? e->uid : e->gid), perm, via,
                     suid ? "user" : "group", suid ? "u-s" : "g-s");
    }
    if ((e->mode & S_IWOTH) && !(e->dir && (e->mode & S_ISVTX)))
        findings_add(f, "image-world-writable", layer, e->path,
                     KIND_FINAL_FS, "%s%s is writable by everyone (mode "
                     "%04o%s)%s; make it writable by its owner and group 0 "
                     "only (chmod o-w, g+w)", e->dir ? "directory " : "",
                     e->path, perm, via,
                     e->dir ? " and not sticky: any process can replace "
                              "its files"
                            : ": any process of the container can change "
                              "it");
}

const char *non_root_writer(unsigned mode, int64_t uid, int64_t gid)
{
    if (mode & S_IWOTH)
        return "everyone";
    if ((mode & S_IWGRP) && gid == 0)
        return "group 0 (which OpenShift's arbitrary UIDs join)";
    if (mode & S_IWGRP)
        return "its group";
    if (uid != 0 && (mode & S_IWUSR))
        return "its non-root owner";
    return NULL;
}

void check_passwd_writable(img_findings *f, int layer, const file_facts *e,
                           const char *as, const char *how)
{
    const char *who = non_root_writer(e->mode, e->uid, e->gid);
    if (!who)
        return;
    char via[1024] = "";
    if (how)
        snprintf(via, sizeof(via), ", which is %s", how);
    findings_add(f, "image-passwd-writable", layer, e->path, KIND_FINAL_FS,
                 "%s is writable by %s (mode %04o, owner %lld:%lld%s): any "
                 "process can add a user, root included; use nss_wrapper "
                 "for arbitrary UIDs and keep %s root-owned, mode 0644",
                 as, who, e->mode & 07777, (long long)e->uid,
                 (long long)e->gid, via, as);
}

void content_note_report(img_findings *f, int layer, const char *path,
                         const content_note *n, const char *link_to,
                         int link_layer)
{
    char link[1024] = "";
    if (link_to)
        snprintf(link, sizeof(link), ", a hard link to %s of layer %d",
                 link_to, link_layer);
    if (n->stopped_after)
        /* Not a credential: where bosun gave up on a format in this file,
         * after so many lookalikes that confirming more would cost
         * without bound. */
        findings_add(f, "image-secret-content", layer, path,
                     KIND_ANY_LAYER_NOTICE, "bosun stopped confirming %s candidates at line %llu of "
                     "%s%s, after %u that were not credentials "
                     "(placeholders, key headers without a key): one further "
                     "on would go unreported", n->name,
                     (unsigned long long)n->line, path, link,
                     (unsigned)n->stopped_after);
    else
        findings_add(f, "image-secret-content", layer, path, KIND_ANY_LAYER,
                     "%s at line %llu of %s (%s)%s", n->name,
                     (unsigned long long)n->line, path, n->redacted, link);
}
