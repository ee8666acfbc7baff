/*
 * The checks of one file's metadata and name, in one place for the walk of
 * a layer (a file as its entry says) and for the hard links resolved after
 * all layers are walked (a link checked with its file's modes under its
 * own name).
 */
#ifndef BOSUN_IMAGE_CHECKS_H
#define BOSUN_IMAGE_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

#include "image/findings.h"

typedef struct file_facts {
    const char *path;          /* the name it is reported under */
    bool dir;                  /* a directory (else a regular file) */
    unsigned mode;             /* permission bits, setuid/setgid/sticky */
    int64_t uid, gid;
    const char *link_to;       /* a hard link: the path it links to */
    int link_layer;            /* ... in this layer */
} file_facts;

/* setuid and setgid files, world-writable files and directories. */
void check_file_modes(img_findings *f, int layer, const file_facts *e);

/* Who besides root can write a file of this mode and owner, or NULL. */
const char *non_root_writer(unsigned mode, int64_t uid, int64_t gid);

/* A credential found in a file's bytes, or the notice that bosun stopped
 * confirming candidates of a format in it (stopped_after: how many it
 * rejected before; see content_match). */
typedef struct content_note {
    const char *name;          /* what it is ("GitHub token") */
    uint64_t line;
    const char *redacted;
    uint32_t stopped_after;
    struct content_note *next;
} content_note;

/* Report a content note of the file at `path` in `layer`; `link_to` (may
 * be NULL) names the file of `link_layer` that a hard link at `path`
 * links to, whose note it is. */
void content_note_report(img_findings *f, int layer, const char *path,
                         const content_note *n, const char *link_to,
                         int link_layer);

/* /etc/passwd or /etc/group (`as`) writable by non-root: `e` is the file
 * the final filesystem has there, `how` says how it gets there (NULL: it
 * is the file at `as`). */
void check_passwd_writable(img_findings *f, int layer, const file_facts *e,
                           const char *as, const char *how);

#endif
