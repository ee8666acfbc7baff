/*
 * File permissions as chmod, chown, mkdir -m, install -m and COPY --chmod
 * set them: which bits a mode grants, and who ends up owning a file.
 * Shared by the rules about world-writable files and a writable
 * /etc/passwd.
 */
#ifndef BOSUN_RULES_PERMS_H
#define BOSUN_RULES_PERMS_H

#include <stdbool.h>

#include "rules/rule.h"

/* What a mode grants, as permission bits (0777 layout) plus the sticky
 * bit; `known` is false for modes bosun cannot read (variables,
 * --reference). */
typedef struct mode_grant {
    bool known;
    unsigned bits;   /* bits set by the mode: e.g. 0002 = others may write */
    bool sticky;
} mode_grant;

/*
 * Reads an octal (777, 0644, 1777) or symbolic (o+w, a=rwx, u+x,g+w,
 * +w) mode. Symbolic modes without a who (`+w`) follow the build's umask
 * (022): they grant write to the owner only. Removals (`o-w`) grant
 * nothing.
 */
mode_grant mode_parse(const char *mode);

/* A chmod-like command: the mode word and the paths it applies to. */
typedef struct chmod_call {
    const sh_word *mode;     /* NULL when there is none */
    const sh_word *paths;    /* the operands after the mode */
    size_t npaths;
    bool recursive;
} chmod_call;

/* `chmod [opts] MODE FILE...`, `mkdir -m MODE DIR...`,
 * `install -m MODE ...`; false for anything else. */
bool chmod_call_parse(lint_ctx *ctx, const sh_command *c, chmod_call *out);

/* `chown [opts] OWNER[:GROUP] FILE...` / `chgrp GROUP FILE...`: the owner
 * and group words (either may be NULL) and the paths. */
typedef struct chown_call {
    const char *user;        /* NULL when not changed */
    const char *group;
    const sh_word *spec;     /* the OWNER[:GROUP] word */
    const sh_word *paths;
    size_t npaths;
    bool recursive;
} chown_call;

bool chown_call_parse(lint_ctx *ctx, const sh_command *c, chown_call *out);

/* root, 0 (any number of zeros) */
bool perms_is_root(const char *user_or_group);

#endif
