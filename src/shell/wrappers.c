/*
 * What a simple command really runs.
 *
 * Wrappers (sudo, env, nice, xargs, gosu ...) are seen through: their
 * options are skipped, knowing which ones take a value, and the command
 * they run becomes the effective command. Then the strings that run as
 * scripts are parsed as nested scripts: `sh -c STRING`, `su -c STRING`,
 * `eval WORDS`, `env -S STRING`, the command of `find -exec`, and a shell
 * reading its script from a here-document or here-string.
 *
 * Only statically known words are interpreted; a dynamic word where an
 * option or a command name belongs ends the analysis.
 */
#include <string.h>

#include "shell/shell_internal.h"

/* ------------------------------------------------------------ words */

static bool is_static(const sh_word *w)
{
    return !(w->flags & SHW_DYNAMIC);
}

/* Is s[0..len) the string `lit`? Compared byte by byte rather than
 * through strlen: the lists of names are scanned at every command and
 * most entries differ at the first byte. */
static bool eq(const char *s, size_t len, const char *lit)
{
    for (size_t i = 0; i < len; i++)
        if (lit[i] != s[i] || lit[i] == '\0')
            return false;
    return lit[len] == '\0';
}

/* The last path component of a word's value. */
static const char *base_name(const sh_word *w, size_t *len)
{
    const char *v = w->value;
    const char *slash = w->len ? memrchr(v, '/', w->len) : NULL;
    size_t start = slash ? (size_t)(slash - v) + 1 : 0;
    *len = w->len - start;
    return v + start;
}

static bool word_eq(const sh_word *w, const char *lit)
{
    return is_static(w) && eq(w->value, w->len, lit);
}

static bool in_list(const char *s, size_t len, const char *const *list)
{
    for (; list && *list; list++)
        if (eq(s, len, *list))
            return true;
    return false;
}

/* ----------------------------------------------------------- options */

/*
 * getopt-style option scanner over argv[i...]: short options may be
 * clustered (-xvf FILE), take a value attached or in the next word; long
 * options are --name, --name=value or --name value. Stops at the first
 * operand, at "--" (consumed) and at a dynamic word.
 */
typedef struct optscan {
    const sh_word *argv;
    size_t argc;
    size_t i;                    /* the word being scanned                 */
    size_t ci;                   /* position inside a short-option cluster */
    const char *with_value;      /* short options taking a value           */
    const char *optional_value;  /* short options with an attached value   */
    const char *const *long_value; /* long options taking a value          */
    bool ended;                  /* stopped at "--"                        */
    /* The option just read. */
    char opt;                    /* 0 for a long option                    */
    const char *lname;
    size_t llen;
    const char *val;             /* its value, or NULL                     */
    size_t val_word;             /* the argv index holding the value       */
} optscan;

static void opt_init(optscan *o, const sh_command *c, size_t i, const char *with_value,
                     const char *optional_value, const char *const *long_value)
{
    memset(o, 0, sizeof(*o));
    o->argv = c->argv;
    o->argc = c->argc;
    o->i = i;
    o->with_value = with_value ? with_value : "";
    o->optional_value = optional_value ? optional_value : "";
    o->long_value = long_value;
}

static void take_next_word(optscan *o)
{
    o->val_word = o->i + 1;
    o->val = o->i + 1 < o->argc ? o->argv[o->i + 1].value : NULL;
    o->i = o->i + 2 < o->argc ? o->i + 2 : o->argc;
}

static bool opt_next(optscan *o)
{
    o->val = NULL;
    o->lname = NULL;
    o->llen = 0;
    if (o->ci == 0) {
        if (o->i >= o->argc)
            return false;
        const sh_word *w = &o->argv[o->i];
        const char *v = w->value;
        if (!is_static(w) || w->len < 2 || v[0] != '-')
            return false;
        if (v[1] == '-') {
            if (w->len == 2) {
                o->i++;
                o->ended = true;
                return false;
            }
            o->opt = 0;
            o->lname = v + 2;
            const char *eqs = memchr(o->lname, '=', w->len - 2);
            o->llen = eqs ? (size_t)(eqs - o->lname) : w->len - 2;
            if (eqs) {
                o->val = eqs + 1;
                o->val_word = o->i;
                o->i++;
            } else if (in_list(o->lname, o->llen, o->long_value)) {
                take_next_word(o);
            } else {
                o->i++;
            }
            return true;
        }
        o->ci = 1;
    }
    const sh_word *w = &o->argv[o->i];
    char ch = w->value[o->ci++];
    bool rest = o->ci < w->len;
    o->opt = ch;
    if (ch && strchr(o->with_value, ch)) {
        if (rest) {
            o->val = w->value + o->ci;
            o->val_word = o->i;
            o->i++;
        } else {
            take_next_word(o);
        }
        o->ci = 0;
    } else if (ch && strchr(o->optional_value, ch)) {
        if (rest) {
            o->val = w->value + o->ci;
            o->val_word = o->i;
        }
        o->i++;
        o->ci = 0;
    } else if (!rest) {
        o->i++;
        o->ci = 0;
    }
    return true;
}

static bool long_is(const optscan *o, const char *name)
{
    return o->opt == 0 && o->lname && eq(o->lname, o->llen, name);
}

/* -------------------------------------------------------- nested parsing */

srcmap *sh_word_source_map(sh_parser *P, const sh_word *w,
                           const word_src *src, size_t skip)
{
    srcmap *inner = ARENA_NEW(P->a, srcmap);
    const srcmap *vm = src->vmap;
    if (!vm) {
        srcmap_add(inner, P->a, 0, src->text_off + skip);
    } else {
        srcmap_add(inner, P->a, 0, srcmap_lookup(vm, skip));
        for (size_t k = 0; k < vm->n; k++)
            if (vm->segs[k].dst > skip)
                srcmap_add(inner, P->a, vm->segs[k].dst - skip, vm->segs[k].src);
    }
    return srcmap_compose(P->a, inner, w->len - skip, P->map);
}

/* Parse argv[k]'s value, from byte `skip` on, as a script run by n. */
static void nest_word(sh_parser *P, cmd_node *n, size_t k, size_t skip, int bash)
{
    const sh_word *w = &n->cmd.argv[k];
    if (!is_static(w) || skip > w->len)
        return;
    word_src src = *sh_arg_src(P, n, k);
    srcmap *map = sh_word_source_map(P, w, &src, skip);
    sh_parse_nested(P, n, (int)k, w->value + skip, w->len - skip, map, src.text_off, bash);
}

/* Value of an option read by the scanner, as (word, offset in its value). */
static void nest_option_value(sh_parser *P, cmd_node *n, const optscan *o, int bash)
{
    if (!o->val || o->val_word >= n->cmd.argc)
        return;
    const sh_word *w = &n->cmd.argv[o->val_word];
    nest_word(P, n, o->val_word, (size_t)(o->val - w->value), bash);
}

/* -------------------------------------------------------------- shells */

/* Is name[0..len) the literal `lit`? (Inlined, the lengths are constants.) */
static inline bool name_is(const char *name, size_t len, const char *lit)
{
    return len == strlen(lit) && memcmp(name, lit, len) == 0;
}

/* 0: not a shell; 1: a POSIX shell (keeps the dialect); 2: bash-like.
 * Every command name is looked up here: the first byte picks the few
 * candidates. */
static int shell_kind(const char *name, size_t len)
{
    if (len < 2 || len > 5)
        return 0;
    switch (name[0]) {
    case 'a':
        return name_is(name, len, "ash") ? 1 : 0;
    case 'b':
        return name_is(name, len, "bash") ? 2 : 0;
    case 'd':
        return name_is(name, len, "dash") ? 1 : 0;
    case 'h':
        return name_is(name, len, "hush") ? 1 : 0;
    case 'k':
        return name_is(name, len, "ksh") || name_is(name, len, "ksh93") ? 2 : 0;
    case 'l':
        return name_is(name, len, "lksh") ? 2 : 0;
    case 'm':
        return name_is(name, len, "mksh") ? 2 : 0;
    case 'p':
        if (name_is(name, len, "posh"))
            return 1;
        return name_is(name, len, "pdksh") ? 2 : 0;
    case 'r':
        return name_is(name, len, "rbash") ? 2 : 0;
    case 's':
        return name_is(name, len, "sh") ? 1 : 0;
    case 'y':
        return name_is(name, len, "yash") ? 1 : 0;
    case 'z':
        return name_is(name, len, "zsh") ? 2 : 0;
    default:
        return 0;
    }
}

/* sh [options] -c STRING [name args...], or a shell reading stdin. */
static void run_shell(sh_parser *P, cmd_node *n, size_t k, int kind)
{
    const sh_command *c = &n->cmd;
    bool c_flag = false, s_flag = false;
    size_t j = k + 1;
    while (j < c->argc) {
        const sh_word *w = &c->argv[j];
        if (!is_static(w))
            return;
        const char *v = w->value;
        if (word_eq(w, "--") || word_eq(w, "-")) {
            j++;
            break;
        }
        if (w->len < 2 || (v[0] != '-' && v[0] != '+'))
            break;
        if (v[0] == '-' && v[1] == '-') {
            j += word_eq(w, "--rcfile") || word_eq(w, "--init-file") ? 2 : 1;
            continue;
        }
        size_t values = 0; /* -o NAME, -O NAME */
        for (size_t p = 1; p < w->len; p++) {
            if (v[p] == 'c')
                c_flag = true;
            else if (v[p] == 's')
                s_flag = true;
            else if (v[p] == 'o' || v[p] == 'O')
                values++;
        }
        j += 1 + values;
    }
    int bash = kind == 2 ? 1 : -1;
    if (c_flag) {
        if (j < c->argc)
            nest_word(P, n, j, 0, bash);
        return;
    }
    if (j >= c->argc || s_flag)
        n->stdin_shell = true;
}

/* eval WORDS: the words joined with spaces. */
static void run_eval(sh_parser *P, cmd_node *n, size_t k)
{
    const sh_command *c = &n->cmd;
    size_t j = k + 1;
    if (j < c->argc && word_eq(&c->argv[j], "--"))
        j++;
    if (j >= c->argc)
        return;
    if (j + 1 == c->argc) {
        nest_word(P, n, j, 0, -1);
        return;
    }
    size_t total = 0;
    for (size_t m = j; m < c->argc; m++) {
        if (!is_static(&c->argv[m]))
            return;
        total += c->argv[m].len + 1;
    }
    char *text = arena_alloc(P->a, total);
    srcmap *inner = ARENA_NEW(P->a, srcmap);
    size_t at = 0;
    for (size_t m = j; m < c->argc; m++) {
        const sh_word *w = &c->argv[m];
        const word_src *src = sh_arg_src(P, n, m);
        if (m > j)
            text[at++] = ' ';
        if (!src->vmap) {
            srcmap_add(inner, P->a, at, src->text_off);
        } else {
            for (size_t s = 0; s < src->vmap->n; s++)
                srcmap_add(inner, P->a, at + src->vmap->segs[s].dst, src->vmap->segs[s].src);
        }
        memcpy(text + at, w->value, w->len);
        at += w->len;
    }
    text[at] = '\0';
    srcmap *map = srcmap_compose(P->a, inner, at, P->map);
    sh_parse_nested(P, n, (int)j, text, at, map, sh_arg_src(P, n, j)->text_off, -1);
}

/* find ... -exec CMD ... ; runs CMD: list it as a command of its own. */
static void exec_command(sh_parser *P, cmd_node *n, size_t from, size_t to)
{
    if (n->cmd.depth + 1u > P->max_depth) {
        P->truncated = true;
        return;
    }
    size_t cost = 0;
    for (size_t k = from; k < to; k++)
        cost += n->cmd.argv[k].len + 1;
    if (!sh_charge_nested(P, cost))
        return;
    if (sh_enter(P, P->pos)) {
        cmd_node *x = ARENA_NEW(P->a, cmd_node);
        P->nnodes++;
        sh_command *c = &x->cmd;
        c->ctx = (n->cmd.ctx & SH_CTX_INHERIT) | SHC_NESTED;
        c->depth = (uint16_t)(n->cmd.depth + 1);
        c->parent = &n->cmd;
        c->parent_word = (int)from;
        c->sep = SH_SEP_END;
        c->pipeline = sh_new_pipeline(P);
        c->pipe_len = 1;
        c->argc = to - from;
        c->argv = arena_alloc(P->a, c->argc * sizeof(sh_word));
        memcpy(c->argv, n->cmd.argv + from, c->argc * sizeof(sh_word));
        if (n->src_base == SH_NO_SRCS)
            sh_list_arg_srcs(P, n);
        x->src_base = n->src_base + from; /* a slice of n's words */
        c->off = c->argv[0].off;
        c->end = c->argv[c->argc - 1].end;
        sh_analyze_command(P, x);
        sh_attach_children(n, x, x, sh_arg_src(P, n, from)->text_off);
    }
    sh_leave(P);
}

static void run_find(sh_parser *P, cmd_node *n, size_t k)
{
    const sh_command *c = &n->cmd;
    for (size_t j = k + 1; j < c->argc; j++) {
        const sh_word *w = &c->argv[j];
        if (!word_eq(w, "-exec") && !word_eq(w, "-execdir") && !word_eq(w, "-ok") &&
            !word_eq(w, "-okdir"))
            continue;
        size_t start = j + 1, e = start;
        while (e < c->argc && !word_eq(&c->argv[e], ";") &&
               !(word_eq(&c->argv[e], "+") && e > start && word_eq(&c->argv[e - 1], "{}")))
            e++;
        if (e > start)
            exec_command(P, n, start, e);
        j = e;
    }
}

/* ------------------------------------------------------------ wrappers */

/* Where analysis goes after a wrapper: the index of the command it runs,
 * or the wrapper's own index when it runs none. */
typedef struct step {
    sh_parser *P;
    cmd_node *n;
    size_t i;
    unsigned *wrappers;
    const char **implicit;
} step;

/* Skip the options, then `operands` more words (timeout's DURATION ...). */
static size_t after_options(const step *s, const char *with_value,
                            const char *const *long_value, size_t operands,
                            unsigned flag)
{
    optscan o;
    opt_init(&o, &s->n->cmd, s->i + 1, with_value, NULL, long_value);
    while (opt_next(&o))
        ;
    size_t next = o.i + operands;
    if (next >= s->n->cmd.argc)
        return s->i;
    *s->wrappers |= flag;
    return next;
}

/* NAME=value before the command of env or sudo (any word with '=' not first). */
static bool env_assignment(const sh_word *w)
{
    return w->len > 1 && w->value[0] != '=' && memchr(w->value, '=', w->len);
}

static size_t wrap_sudo(const step *s)
{
    static const char *const long_value[] = {
        "user", "group", "host", "prompt", "close-from", "other-user", "role",
        "type", "command-timeout", "chdir", "chroot", NULL};
    optscan o;
    opt_init(&o, &s->n->cmd, s->i + 1, "ughpCUrtTDR", NULL, long_value);
    bool shell = false, no_exec = false;
    while (opt_next(&o)) {
        if (o.opt == 'i' || o.opt == 's' || long_is(&o, "login") || long_is(&o, "shell"))
            shell = true;
        if ((o.opt && strchr("lveVK", o.opt)) || long_is(&o, "list") ||
            long_is(&o, "validate") || long_is(&o, "edit") || long_is(&o, "version") ||
            long_is(&o, "help") || long_is(&o, "remove-timestamp"))
            no_exec = true;
    }
    if (no_exec)
        return s->i;
    /* sudo VAR=value cmd: the assignments go to cmd's environment. */
    size_t k = o.i;
    while (k < s->n->cmd.argc && env_assignment(&s->n->cmd.argv[k]))
        k++;
    if (k < s->n->cmd.argc) {
        *s->wrappers |= SHWRAP_SUDO;
        return k;
    }
    /* sudo -s / sudo -i alone: an interactive shell, reading stdin. */
    if (shell)
        s->n->stdin_shell = true;
    return s->i;
}

static size_t wrap_env(const step *s)
{
    static const char *const long_value[] = {"unset", "chdir", "split-string", NULL};
    const sh_command *c = &s->n->cmd;
    optscan o, split = {0};
    opt_init(&o, c, s->i + 1, "uCS", NULL, long_value);
    while (opt_next(&o))
        if (o.opt == 'S' || long_is(&o, "split-string"))
            split = o;
    size_t j = o.i;
    if (!o.ended && j < c->argc && word_eq(&c->argv[j], "-"))
        j++;
    while (j < c->argc && env_assignment(&c->argv[j]))
        j++;
    if (split.val) {
        /* env -S 'cmd args': the string is split into the command. */
        nest_option_value(s->P, s->n, &split, -1);
        return s->i;
    }
    if (j >= c->argc)
        return s->i;
    *s->wrappers |= SHWRAP_ENV;
    return j;
}

static size_t wrap_xargs(const step *s)
{
    static const char *const long_value[] = {"max-args", "max-procs", "max-chars",
                                             "delimiter", "arg-file",
                                             "process-slot-var", NULL};
    optscan o;
    opt_init(&o, &s->n->cmd, s->i + 1, "InPLsdEa", "ile", long_value);
    while (opt_next(&o))
        ;
    *s->wrappers |= SHWRAP_XARGS;
    if (o.i >= s->n->cmd.argc) {
        *s->implicit = "echo";
        return s->i;
    }
    return o.i;
}

static size_t wrap_ionice(const step *s)
{
    static const char *const long_value[] = {"class", "classdata", "pid", "pgid", "uid", NULL};
    optscan o;
    opt_init(&o, &s->n->cmd, s->i + 1, "cnpPu", NULL, long_value);
    while (opt_next(&o))
        if ((o.opt && strchr("pPu", o.opt)) || long_is(&o, "pid") ||
            long_is(&o, "pgid") || long_is(&o, "uid"))
            return s->i; /* acts on running processes */
    if (o.i >= s->n->cmd.argc)
        return s->i;
    *s->wrappers |= SHWRAP_NICE;
    return o.i;
}

static size_t wrap_chrt(const step *s)
{
    static const char *const long_value[] = {"sched-runtime", "sched-period",
                                             "sched-deadline", NULL};
    optscan o;
    opt_init(&o, &s->n->cmd, s->i + 1, "TPD", NULL, long_value);
    while (opt_next(&o))
        if (o.opt == 'p' || o.opt == 'm' || long_is(&o, "pid") || long_is(&o, "max"))
            return s->i;
    size_t next = o.i + 1; /* the priority */
    if (next >= s->n->cmd.argc)
        return s->i;
    *s->wrappers |= SHWRAP_NICE;
    return next;
}

static size_t wrap_command(const step *s)
{
    optscan o;
    opt_init(&o, &s->n->cmd, s->i + 1, NULL, NULL, NULL);
    while (opt_next(&o))
        if (o.opt == 'v' || o.opt == 'V')
            return s->i; /* a lookup, not an execution */
    if (o.i >= s->n->cmd.argc)
        return s->i;
    *s->wrappers |= SHWRAP_NICE;
    return o.i;
}

/* gosu USER cmd, su-exec USER cmd */
static size_t wrap_user_first(const step *s)
{
    const sh_command *c = &s->n->cmd;
    size_t u = s->i + 1;
    if (u + 1 >= c->argc || (is_static(&c->argv[u]) && c->argv[u].value[0] == '-'))
        return s->i;
    *s->wrappers |= SHWRAP_USER;
    return u + 1;
}

/*
 * su / runuser. `su [opts] [-] [user] [-c STRING]` (options may follow the
 * user) runs STRING through the user's shell: it is parsed as a nested
 * script and su stays the effective command. `runuser -u USER [--] cmd`
 * runs cmd directly: a wrapper. Without a command, the shell reads stdin.
 */
static size_t wrap_su(const step *s, bool runuser)
{
    static const char *const long_value[] = {"command", "session-command", "shell",
                                             "group", "supp-group",
                                             "whitelist-environment", "user", NULL};
    const sh_command *c = &s->n->cmd;
    optscan o, cmd = {0};
    opt_init(&o, c, s->i + 1, runuser ? "cCsgGwu" : "cCsgGw", NULL, long_value);
    bool user_opt = false;
    size_t operand = c->argc;
    for (;;) {
        while (opt_next(&o)) {
            if (o.opt == 'c' || o.opt == 'C' || long_is(&o, "command") ||
                long_is(&o, "session-command"))
                cmd = o;
            if (o.opt == 'u' || long_is(&o, "user"))
                user_opt = true;
        }
        if (o.ended || o.i >= c->argc)
            break;
        if (user_opt) {
            operand = o.i;
            break;
        }
        o.i++; /* the user, or "-": options may follow */
    }
    if (o.ended && user_opt)
        operand = o.i;
    if (cmd.val) {
        *s->wrappers |= SHWRAP_SU;
        nest_option_value(s->P, s->n, &cmd, -1);
        return s->i;
    }
    if (runuser && user_opt && operand < c->argc) {
        *s->wrappers |= SHWRAP_SU;
        return operand;
    }
    s->n->stdin_shell = true;
    return s->i;
}

static size_t wrap_busybox(const step *s)
{
    const sh_command *c = &s->n->cmd;
    size_t a = s->i + 1;
    if (a < c->argc && is_static(&c->argv[a]) && c->argv[a].len && c->argv[a].value[0] != '-')
        return a;
    return s->i;
}

/* The wrappers seen through, grouped by how they are read. */
typedef enum wrapper {
    WR_NONE,
    WR_SUDO,        /* sudo, doas          */
    WR_ENV,
    WR_EXEC,
    WR_NICE,
    WR_PLAIN,       /* nohup, setsid, unbuffer, builtin: options only */
    WR_TIME,
    WR_TIMEOUT,
    WR_STDBUF,
    WR_IONICE,
    WR_CHRT,
    WR_COMMAND,
    WR_XARGS,
    WR_USER_FIRST,  /* gosu, su-exec       */
    WR_CHROOT,
    WR_SETPRIV,
    WR_SU,
    WR_RUNUSER,
    WR_TINI,
    WR_DUMB_INIT,
    WR_BUSYBOX,
} wrapper;

/* Which wrapper a command name is. Every command is looked up here: the
 * first byte picks the few candidates. */
static wrapper wrapper_named(const char *name, size_t len)
{
    if (len < 2 || len > 9) /* no wrapper has a shorter or longer name */
        return WR_NONE;
    switch (name[0]) {
    case 'b':
        if (name_is(name, len, "builtin"))
            return WR_PLAIN;
        return name_is(name, len, "busybox") ? WR_BUSYBOX : WR_NONE;
    case 'c':
        if (name_is(name, len, "chrt"))
            return WR_CHRT;
        if (name_is(name, len, "command"))
            return WR_COMMAND;
        return name_is(name, len, "chroot") ? WR_CHROOT : WR_NONE;
    case 'd':
        if (name_is(name, len, "doas"))
            return WR_SUDO;
        return name_is(name, len, "dumb-init") ? WR_DUMB_INIT : WR_NONE;
    case 'e':
        if (name_is(name, len, "env"))
            return WR_ENV;
        return name_is(name, len, "exec") ? WR_EXEC : WR_NONE;
    case 'g':
        return name_is(name, len, "gosu") ? WR_USER_FIRST : WR_NONE;
    case 'i':
        return name_is(name, len, "ionice") ? WR_IONICE : WR_NONE;
    case 'n':
        if (name_is(name, len, "nice"))
            return WR_NICE;
        return name_is(name, len, "nohup") ? WR_PLAIN : WR_NONE;
    case 'r':
        return name_is(name, len, "runuser") ? WR_RUNUSER : WR_NONE;
    case 's':
        if (name_is(name, len, "sudo"))
            return WR_SUDO;
        if (name_is(name, len, "setsid"))
            return WR_PLAIN;
        if (name_is(name, len, "stdbuf"))
            return WR_STDBUF;
        if (name_is(name, len, "su-exec"))
            return WR_USER_FIRST;
        if (name_is(name, len, "setpriv"))
            return WR_SETPRIV;
        return name_is(name, len, "su") ? WR_SU : WR_NONE;
    case 't':
        if (name_is(name, len, "time"))
            return WR_TIME;
        if (name_is(name, len, "timeout"))
            return WR_TIMEOUT;
        return name_is(name, len, "tini") ? WR_TINI : WR_NONE;
    case 'u':
        return name_is(name, len, "unbuffer") ? WR_PLAIN : WR_NONE;
    case 'x':
        return name_is(name, len, "xargs") ? WR_XARGS : WR_NONE;
    default:
        return WR_NONE;
    }
}

/* The next index to look at from the wrapper w at s->i, or s->i itself
 * when argv[s->i] is the effective command. Out of line: the option
 * tables it sets up are only needed for wrappers, which are rare. */
__attribute__((noinline))
static size_t see_through(const step *s, wrapper w)
{
    static const char *const nice_long[] = {"adjustment", NULL};
    static const char *const time_long[] = {"format", "output", NULL};
    static const char *const timeout_long[] = {"signal", "kill-after", NULL};
    static const char *const stdbuf_long[] = {"input", "output", "error", NULL};
    static const char *const chroot_long[] = {"userspec", "groups", NULL};
    static const char *const setpriv_long[] = {
        "reuid", "regid", "groups", "inh-caps", "ambient-caps", "bounding-set",
        "securebits", "pdeathsig", "selinux-label", "apparmor-profile",
        "landlock-access", "landlock-rule", "seccomp-filter", NULL};
    static const char *const dumb_init_long[] = {"rewrite", NULL};

    switch (w) {
    case WR_SUDO:
        return wrap_sudo(s);
    case WR_ENV:
        return wrap_env(s);
    case WR_EXEC:
        return after_options(s, "a", NULL, 0, SHWRAP_EXEC);
    case WR_NICE:
        return after_options(s, "n", nice_long, 0, SHWRAP_NICE);
    case WR_PLAIN:
        return after_options(s, NULL, NULL, 0, SHWRAP_NICE);
    case WR_TIME:
        return after_options(s, "fo", time_long, 0, SHWRAP_NICE);
    case WR_TIMEOUT:
        return after_options(s, "sk", timeout_long, 1, SHWRAP_NICE);
    case WR_STDBUF:
        return after_options(s, "ioe", stdbuf_long, 0, SHWRAP_NICE);
    case WR_IONICE:
        return wrap_ionice(s);
    case WR_CHRT:
        return wrap_chrt(s);
    case WR_COMMAND:
        return wrap_command(s);
    case WR_XARGS:
        return wrap_xargs(s);
    case WR_USER_FIRST:
        return wrap_user_first(s);
    case WR_CHROOT:
        return after_options(s, NULL, chroot_long, 1, SHWRAP_USER);
    case WR_SETPRIV:
        return after_options(s, NULL, setpriv_long, 0, SHWRAP_USER);
    case WR_SU:
        return wrap_su(s, false);
    case WR_RUNUSER:
        return wrap_su(s, true);
    case WR_TINI:
        return after_options(s, "pe", NULL, 0, SHWRAP_NICE);
    case WR_DUMB_INIT:
        return after_options(s, "r", dumb_init_long, 0, SHWRAP_NICE);
    case WR_BUSYBOX:
        return wrap_busybox(s);
    case WR_NONE:
    default:
        return s->i;
    }
}

void sh_analyze_command(sh_parser *P, cmd_node *n)
{
    sh_command *c = &n->cmd;
    unsigned wrappers = 0;
    const char *implicit = NULL;
    size_t i = 0;
    const char *name = NULL; /* the base name of argv[i], once known */
    size_t len = 0;
    while (i < c->argc && is_static(&c->argv[i]) && !implicit) {
        name = base_name(&c->argv[i], &len);
        wrapper w = wrapper_named(name, len);
        if (w == WR_NONE)
            break;
        step s = {P, n, i, &wrappers, &implicit};
        size_t next = see_through(&s, w);
        if (next == i)
            break;
        i = next;
        name = NULL;
    }
    c->cmd_index = i;
    c->wrappers = wrappers;
    if (i >= c->argc) {
        c->cmd_index = 0;
        return;
    }
    c->args = c->argv + i + 1;
    c->nargs = c->argc - i - 1;
    if (implicit) {
        c->name = implicit;
        c->args = NULL;
        c->nargs = 0;
        return;
    }
    const sh_word *w = &c->argv[i];
    if (!is_static(w))
        return;
    if (!name)
        name = base_name(w, &len);
    c->name = name;
    if (P->abort)
        return;
    int kind = shell_kind(name, len);
    if (kind)
        run_shell(P, n, i, kind);
    else if (name_is(name, len, "eval"))
        run_eval(P, n, i);
    else if (name_is(name, len, "find"))
        run_find(P, n, i);
}
