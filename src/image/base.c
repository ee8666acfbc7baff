#include "image/base.h"

#include <string.h>

/* buildah's "FROM 4212c89a3f59": the layer before, not an image name. */
static bool names_a_layer(const char *s)
{
    size_t n = strspn(s, "0123456789abcdef");
    return n == 12 && s[n] == '\0';
}

/* Rule 2a: the last entry whose comment names the image a buildah build
 * starts from; 0 when none. */
static size_t buildah_start(const img_image *img)
{
    size_t start = 0;
    for (size_t k = 0; k < img->nhistory; k++) {
        const char *c = img->history[k].comment;
        if (c && strncmp(c, "FROM ", 5) == 0 && c[5] && !names_a_layer(c + 5))
            start = k;
    }
    return start;
}

/* Is the history entry a CMD or ENTRYPOINT (no layer)? */
static bool sets_command(const img_history *h)
{
    const char *s = h->created_by;
    if (!h->empty_layer || !s)
        return false;
    static const char nop[] = "/bin/sh -c #(nop)";
    if (strncmp(s, nop, sizeof(nop) - 1) == 0)
        s += sizeof(nop) - 1;
    s += strspn(s, " \t");
    static const char *const words[] = {"CMD", "ENTRYPOINT"};
    for (size_t i = 0; i < 2; i++) {
        size_t k = strlen(words[i]);
        if (strncmp(s, words[i], k) == 0 &&
            (s[k] == ' ' || s[k] == '\t' || s[k] == '['))
            return true;
    }
    return false;
}

/* Rule 2b: just after the first CMD/ENTRYPOINT entry that others follow;
 * 0 when none. */
static size_t command_end(const img_image *img)
{
    for (size_t k = 0; k + 1 < img->nhistory; k++)
        if (sets_command(&img->history[k]))
            return k + 1;
    return 0;
}

/* Layers made by history entries [0, end); false when the history's layer
 * entries do not match the image's layers. */
static bool layers_before(const img_image *img, size_t end, size_t *out)
{
    size_t made = 0, all = 0;
    for (size_t k = 0; k < img->nhistory; k++)
        if (img->history[k].layer >= 0) {
            all++;
            if (k < end)
                made++;
        }
    if (all != img->nlayers)
        return false;
    *out = made;
    return true;
}

bool base_from_history(const img_image *img, img_base *out)
{
    memset(out, 0, sizeof(*out));
    size_t end = buildah_start(img);
    const char *how = "history: the entry buildah comments with the image "
                      "it builds FROM";
    if (!end) {
        end = command_end(img);
        how = "history: the base's last entry, its CMD or ENTRYPOINT";
    }
    size_t layers;
    if (!end || !layers_before(img, end, &layers))
        return false;
    out->layers = layers;
    out->history = end;
    out->how = how;
    return true;
}

bool base_from_diff_ids(const img_image *img, const char *const *ids,
                        size_t n, size_t nhistory, img_base *out,
                        const char **why)
{
    memset(out, 0, sizeof(*out));
    if (img->ndiff_ids != img->nlayers) {
        *why = "the image's configuration does not list one diff_id per "
               "layer";
        return false;
    }
    if (n > img->ndiff_ids) {
        *why = "the base has more layers than the image";
        return false;
    }
    for (size_t i = 0; i < n; i++)
        if (!ids[i] || !img->diff_ids[i] || strcmp(ids[i], img->diff_ids[i])) {
            *why = "its layers are not the first layers of the image (built "
                   "on another version of it?)";
            return false;
        }
    out->layers = n;
    /* The base's history entries, when the image's history starts with as
     * many; else those that made its layers. */
    size_t end = 0;
    if (nhistory && nhistory <= img->nhistory) {
        end = nhistory;
    } else {
        size_t made = 0;
        while (end < img->nhistory && made < n)
            if (img->history[end++].layer >= 0)
                made++;
    }
    out->history = end;
    out->how = "--base";
    return true;
}

/* ------------------------------------------------ distributions' sets */

/*
 * The setuid/setgid files of each distribution's base image and of the
 * packages most images add (shadow/passwd, login, util-linux, PAM,
 * openssh-client), at the paths of the releases in use: merged /usr
 * (Debian 12, Ubuntu 22.04+, UBI 8/9) and the older /bin, /sbin ones.
 * sudo, pkexec and the like are not in them: a base that ships those is
 * worth a finding each.
 */
static const char *const debian_files[] = {
    "/usr/bin/chage", "/usr/bin/chfn", "/usr/bin/chsh", "/usr/bin/expiry",
    "/usr/bin/gpasswd", "/usr/bin/mount", "/usr/bin/newgrp",
    "/usr/bin/passwd", "/usr/bin/su", "/usr/bin/umount", "/usr/bin/wall",
    "/usr/bin/write.ul", "/usr/bin/ssh-agent", "/usr/sbin/unix_chkpwd",
    "/usr/sbin/pam_extrausers_chkpwd", "/usr/lib/openssh/ssh-keysign",
    "/bin/su", "/bin/mount", "/bin/umount", "/sbin/unix_chkpwd",
    "/sbin/pam_extrausers_chkpwd", NULL,
};

static const char *const alpine_files[] = {
    "/bin/bbsuid", "/bin/busybox", "/bin/su", "/bin/mount", "/bin/umount",
    "/usr/bin/chage", "/usr/bin/chfn", "/usr/bin/chsh", "/usr/bin/expiry",
    "/usr/bin/gpasswd", "/usr/bin/newgrp", "/usr/bin/passwd",
    "/usr/bin/ssh-agent", "/usr/lib/ssh/ssh-keysign", "/sbin/unix_chkpwd",
    NULL,
};

static const char *const ubi_files[] = {
    "/usr/bin/chage", "/usr/bin/chfn", "/usr/bin/chsh", "/usr/bin/gpasswd",
    "/usr/bin/mount", "/usr/bin/newgrp", "/usr/bin/passwd", "/usr/bin/su",
    "/usr/bin/umount", "/usr/bin/write", "/usr/sbin/unix_chkpwd",
    "/usr/sbin/pam_timestamp_check", "/usr/sbin/userhelper",
    "/usr/libexec/openssh/ssh-keysign", "/usr/libexec/utempter/utempter",
    NULL,
};

static const struct {
    const char *name;
    const char *const *files;
} distros[DISTRO_COUNT] = {
    [DISTRO_DEBIAN] = {"Debian and Ubuntu", debian_files},
    [DISTRO_ALPINE] = {"Alpine", alpine_files},
    [DISTRO_UBI] = {"Red Hat UBI", ubi_files},
};

const char *base_distro_name(base_distro d)
{
    return d < DISTRO_COUNT ? distros[d].name : "?";
}

bool base_distro_ships(base_distro d, const char *path)
{
    if (d >= DISTRO_COUNT || !path)
        return false;
    for (const char *const *f = distros[d].files; *f; f++)
        if (strcmp(*f, path) == 0)
            return true;
    return false;
}
