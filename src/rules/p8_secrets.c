/*
 * Principle 8: do not rely on squashing, every layer ships - secrets in
 * the image configuration and history.
 *
 * secret-env: ENV values are in the image configuration and build
 * arguments in the history of every RUN after them, so a secret there is
 * readable by anyone who can pull the image. secret-in-run: a literal
 * credential on a RUN command line is in the history and the Dockerfile.
 * Variable names and credential formats come from secrets/secrets.h, the
 * definitions the image scanner uses too; secrets are never printed, only
 * redacted.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/download.h"
#include "rules/exec.h"
#include "rules/rule.h"
#include "secrets/secrets.h"

/* Written without a variable or a substitution: the secret is the text. */
static bool literal(const char *raw)
{
    return !strpbrk(raw, "$`");
}

static const char *redacted(lint_ctx *c, const char *s, size_t n)
{
    return secret_redact(c->a, s, n);
}

/* --------------------------------------------------------- secret-env */

/* The first known credential format in `s`, reported at [off, end). */
static bool report_credential(lint_ctx *c, size_t inst, const char *keyword,
                              const char *name, const char *s, size_t n,
                              uint32_t off, uint32_t end)
{
    credential_match m;
    if (!n || !credential_find(lint_credentials(c), s, n, &m))
        return false;
    lint_report(c, "secret-env", inst, off, end,
                "%s %s holds what looks like a %s (%s): it is readable by "
                "anyone with the Dockerfile or the image; revoke it, and "
                "pass secrets with RUN --mount=type=secret instead",
                keyword, name, m.pattern->name, redacted(c, s + m.off, m.len));
    return true;
}

/* The first build argument with a secret-looking name that `raw` refers
 * to ($NAME, ${NAME}, ${NAME:-x}), or NULL. */
static const char *secret_arg_in(lint_ctx *c, size_t inst, const char *raw)
{
    for (const char *p = strchr(raw, '$'); p; p = strchr(p + 1, '$')) {
        const char *name = p + 1 + (p[1] == '{');
        size_t n = 0;
        while (isalnum((unsigned char)name[n]) || name[n] == '_')
            n++;
        if (!n)
            continue;
        const df_var *v = df_scope_lookup(c->model->scope_before[inst], name,
                                          n);
        if (v && !v->is_env && secret_var_name(name, n))
            return arena_strndup(c->a, name, n);
    }
    return NULL;
}

/* A value that is only a reference: $NAME, ${NAME}, ${NAME:-default}. */
static bool only_a_reference(const char *raw, size_t n)
{
    while (n && (raw[0] == '"' || raw[0] == '\''))
        raw++, n--;
    while (n && (raw[n - 1] == '"' || raw[n - 1] == '\''))
        n--;
    if (n < 2 || raw[0] != '$')
        return false;
    if (raw[1] != '{') {
        for (size_t i = 1; i < n; i++)
            if (!isalnum((unsigned char)raw[i]) && raw[i] != '_')
                return false;
        return true;
    }
    return raw[n - 1] == '}' && memchr(raw + 2, '$', n - 2) == NULL &&
           memchr(raw + 2, '}', n - 3) == NULL;
}

static void check_env_pair(lint_ctx *c, size_t i,
                           const df_text *key, const df_text *value,
                           bool ships)
{
    df_value k = lint_expand(c, i, key);
    const char *name = k.error || k.unknown ? key->s : k.s;
    while (*name == '"' || *name == '\'') /* ENV "KEY=value" */
        name++;
    size_t nlen = strlen(name);
    if (report_credential(c, i, "ENV", name, value->s, value->len,
                          value->off, value->end) ||
        !ships)
        return;
    const char *kind = secret_var_name(name, nlen);
    const char *arg = secret_arg_in(c, i, value->s);
    if (!kind && !arg)
        return;
    df_value v = lint_expand(c, i, value);
    bool known = !v.unknown && !v.error;
    /* ENV X=$Y with Y neither a secret argument nor known: the value comes
     * from the base image or is empty; nothing to judge. */
    bool trivial = secret_value_trivial(value->s, value->len) ||
                   (known && secret_value_trivial(v.s, v.len)) ||
                   (known && strlen(v.s) == nlen && !strcasecmp(v.s, name)) ||
                   (!known && !arg && only_a_reference(value->s, value->len));
    if (kind && !trivial) {
        lint_report(c, "secret-env", i, key->off, key->end,
                    "ENV %s stores a secret (its name says %s) in the image "
                    "configuration%s%s, where anyone who can pull the image "
                    "reads it (docker inspect); give it at run time (-e, a "
                    "secret store) and use RUN --mount=type=secret during "
                    "the build",
                    name, kind, arg ? ", copied from the build argument " : "",
                    arg ? arg : "");
    } else if (arg && !kind) {
        lint_report(c, "secret-env", i, value->off, value->end,
                    "ENV %s copies the build argument %s into the image "
                    "configuration, where anyone who can pull the image "
                    "reads it; use RUN --mount=type=secret for the build "
                    "and give it at run time instead",
                    name, arg);
    }
}

static void check_arg_word(lint_ctx *c, size_t i,
                           const df_text *w, bool ships)
{
    const char *eq = memchr(w->s, '=', w->len);
    size_t nlen = eq ? (size_t)(eq - w->s) : w->len;
    const char *name = arena_strndup(c->a, w->s, nlen);
    if (eq && report_credential(c, i, "ARG", name, eq + 1, w->len - nlen - 1,
                                w->off, w->end))
        return;
    const char *kind = secret_var_name(name, nlen);
    if (!ships || !kind)
        return;
    if (eq && secret_value_trivial(eq + 1, w->len - nlen - 1))
        return; /* ARG PASSWORD_MIN_LENGTH=12, ARG TOKEN= */
    lint_report(c, "secret-env", i, w->off, w->end,
                "ARG %s passes a secret (its name says %s) as a build "
                "argument: its value is recorded in the image history of "
                "every RUN that follows (docker history); use RUN "
                "--mount=type=secret,id=... with docker build --secret "
                "instead",
                name, kind);
}

static void check_secret_env(lint_ctx *c)
{
    const df_file *f = c->file;
    for (size_t i = 0; i < f->ninsts; i++) {
        const df_instruction *in = &f->insts[i];
        bool trigger = in->kind == DF_ONBUILD && in->trigger;
        if (trigger)
            in = in->trigger; /* in every image built on this one */
        const df_stage *st = df_stage_of(c->model, i);
        bool ships = trigger || (st && st->ships);
        if (in->kind == DF_ENV)
            for (size_t k = 0; k + 1 < in->nargs; k += 2)
                check_env_pair(c, i, &in->args[k], &in->args[k + 1], ships);
        else if (in->kind == DF_ARG)
            for (size_t k = 0; k < in->nargs; k++)
                check_arg_word(c, i, &in->args[k], ships);
    }
}

const rule_def rule_secret_env = {
    .info = {
        .id = "secret-env",
        .severity = BOSUN_ERROR,
        .principle = 8,
        .scope = "both",
        .summary = "a secret in ENV or ARG",
        .rationale =
            "ENV values are part of the image configuration: `docker "
            "inspect` shows them to anyone who can pull the image, and "
            "every container inherits them. Build arguments are recorded "
            "in the image history next to each RUN that follows them, so "
            "`ARG NPM_TOKEN` leaks the token even without a default. bosun "
            "reports ARG and ENV whose name says password, secret, token, "
            "api key, private key, access key or credential (in any case, "
            "anywhere in the name) in the stages that ship and in ONBUILD "
            "triggers, ENV that copies such an ARG (`ENV X=${NPM_TOKEN}`), "
            "and any ARG or ENV value in a known credential format. Names "
            "of files, paths and URLs that hold a secret (DB_PASSWORD_FILE) "
            "and empty, numeric, boolean or placeholder values "
            "(PASSWORD_MIN_LENGTH=12, \"**None**\") are not secrets.",
        .bad = "ARG NPM_TOKEN\nENV DB_PASSWORD=hunter2",
        .good = "RUN --mount=type=secret,id=npm_token \\\n"
                "    NPM_TOKEN=\"$(cat /run/secrets/npm_token)\" npm ci\n"
                "ENV DB_PASSWORD_FILE=/run/secrets/db_password",
        .fix = "Use `RUN --mount=type=secret,id=...` (`docker build "
               "--secret id=...,src=...`) for secrets the build needs; give "
               "runtime secrets to the container when it starts (an "
               "orchestrator secret, a mounted file named by an `*_FILE` "
               "variable). Revoke any credential that was committed.",
    },
    .check = check_secret_env,
};

/* ------------------------------------------------------ secret-in-run */

typedef struct run_check {
    lint_ctx *c;
    size_t inst;
    uint32_t *spans;       /* [off, end) pairs already reported */
    size_t nspans, cap;
} run_check;

/* Was a word holding `off` reported by the checks of the commands? Their
 * spans are sorted (sort_spans) before the text is scanned. */
static bool reported_at(const run_check *rc, uint32_t off)
{
    size_t lo = 0, hi = rc->nspans / 2;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (off < rc->spans[2 * mid])
            hi = mid;
        else if (off >= rc->spans[2 * mid + 1])
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

static int cmp_span(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void sort_spans(run_check *rc)
{
    if (rc->nspans > 2)
        qsort(rc->spans, rc->nspans / 2, 2 * sizeof(uint32_t), cmp_span);
}

static void report_secret(run_check *rc, const sh_word *w, const char *what,
                          const char *noun, const char *secret)
{
    lint_ctx *c = rc->c;
    /* One word, one finding: checks of one command run in a row. */
    if (rc->nspans && rc->spans[rc->nspans - 2] == w->off)
        return;
    *ARENA_PUSH(c->a, rc->spans, rc->nspans, rc->cap) = w->off;
    *ARENA_PUSH(c->a, rc->spans, rc->nspans, rc->cap) = w->end;
    lint_report(c, "secret-in-run", rc->inst, w->off, w->end,
                "%s: a literal %s (%s) in a RUN is stored in the image "
                "history and in the Dockerfile; read it from a build secret "
                "instead (RUN --mount=type=secret,id=..., then "
                "\"$(cat /run/secrets/...)\")",
                what, noun, redacted(c, secret, strlen(secret)));
}

static void report_literal(run_check *rc, const sh_word *w, const char *what,
                           const char *secret)
{
    report_secret(rc, w, what, "password", secret);
}

/* A value worth reporting: literal, not empty, not a placeholder. */
static bool literal_secret(const sh_word *w, const char *value)
{
    return literal(w->raw) && *value &&
           !secret_value_placeholder(value, strlen(value));
}

/* --password=X, --db-password=X, --passwd X ...: the option's name. */
static bool password_option(const char *name, size_t n)
{
    static const char *const suffixes[] = {"password", "passwd", NULL};
    static const char *const names[] = {"pass", "dbpass", "adminpass",
                                        "rootpass", NULL};
    for (const char *const *s = suffixes; *s; s++) {
        size_t k = strlen(*s);
        if (n >= k && !strncasecmp(name + n - k, *s, k))
            return true;
    }
    for (const char *const *s = names; *s; s++)
        if (strlen(*s) == n && !strncasecmp(name, *s, n))
            return true;
    return false;
}

/* Tools whose --password takes the next word (for others, such as mysql
 * or psql, --password alone prompts or is a switch). */
static bool password_takes_next(const char *tool)
{
    static const char *const tools[] = {
        "docker", "podman", "buildah", "skopeo", "helm", "oras", "az",
        "twine", "mongo", "mongosh", "mongodump", "mongorestore", "wget",
        NULL,
    };
    return lint_name_in(tool, tools);
}

static void check_password_options(run_check *rc, const char *tool,
                                   const sh_word *args, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const sh_word *w = &args[i];
        const char *v = lint_word(w);
        if (v[0] != '-' || v[1] != '-')
            continue;
        const char *name = v + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        if (!password_option(name, nlen))
            continue;
        if (eq && literal_secret(w, eq + 1))
            report_literal(rc, w, arena_printf(rc->c->a, "%s --%.*s", tool,
                                               (int)nlen, name),
                           eq + 1);
        else if (!eq && password_takes_next(tool) && i + 1 < n &&
                 lint_word(&args[i + 1])[0] != '-' &&
                 literal_secret(&args[i + 1], lint_word(&args[i + 1])))
            report_literal(rc, &args[i + 1],
                           arena_printf(rc->c->a, "%s %s", tool, v),
                           lint_word(&args[i + 1]));
    }
}

/* mysql -pSECRET (attached: -p alone prompts), sshpass -p SECRET. */
static void check_short_password(run_check *rc, const char *tool,
                                 const sh_word *args, size_t n, bool separate)
{
    for (size_t i = 0; i < n; i++) {
        const sh_word *w = &args[i];
        const char *v = lint_word(w);
        if (v[0] != '-' || v[1] != 'p')
            continue;
        if (v[2] && literal_secret(w, v + 2))
            report_literal(rc, w, arena_printf(rc->c->a, "%s -p", tool),
                           v + 2);
        else if (!v[2] && separate && i + 1 < n &&
                 literal_secret(&args[i + 1], lint_word(&args[i + 1])))
            report_literal(rc, &args[i + 1],
                           arena_printf(rc->c->a, "%s -p", tool),
                           lint_word(&args[i + 1]));
    }
}

/* curl -u user:password, --user user:password */
static void check_curl_user(run_check *rc, const sh_word *args, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = lint_word(&args[i]);
        const sh_word *w = NULL;
        const char *cred = NULL;
        if ((!strcmp(v, "-u") || !strcmp(v, "--user")) && i + 1 < n) {
            w = &args[++i];
            cred = lint_word(w);
        } else if (!strncmp(v, "-u", 2) && v[2] && v[1] != '-') {
            w = &args[i];
            cred = v + 2;
        } else if (!strncmp(v, "--user=", 7)) {
            w = &args[i];
            cred = v + 7;
        }
        const char *colon = cred ? strchr(cred, ':') : NULL;
        if (colon && literal_secret(w, colon + 1))
            report_literal(rc, w, "curl -u user:password", colon + 1);
    }
}

/* The text fed to a command's standard input: echo/printf before it, or
 * a here-string. The word holding it is returned in *w. */
static const char *fed_text(const sh_command *cmd, const sh_word **w)
{
    static const char *const printers[] = {"echo", "printf", NULL};
    for (size_t r = 0; r < cmd->nredirs; r++)
        if (cmd->redirs[r].op == SH_REDIR_HERESTRING) {
            *w = &cmd->redirs[r].target;
            return lint_word(*w);
        }
    const sh_command *p = cmd->pipe_prev;
    if (!p || !lint_name_in(p->name, printers))
        return NULL;
    for (size_t i = 0; i < p->nargs; i++) {
        const char *v = lint_word(&p->args[i]);
        if (v[0] != '-') {
            *w = &p->args[i];
            return v;
        }
    }
    return NULL;
}

/* echo 'root:secret' | chpasswd; echo secret | passwd --stdin user */
static void check_password_input(run_check *rc, const sh_command *cmd,
                                 const char *tool)
{
    const sh_word *w = NULL;
    const char *text = fed_text(cmd, &w);
    if (!text)
        return;
    const char *secret = text;
    if (!strcmp(tool, "chpasswd")) {
        const char *colon = strchr(text, ':');
        if (!colon)
            return;
        secret = colon + 1;
    }
    size_t n = strcspn(secret, "\n\\");
    char *first = arena_strndup(rc->c->a, secret, n);
    if (literal_secret(w, first))
        report_literal(rc, w, arena_printf(rc->c->a, "%s fed by echo", tool),
                       first);
}

/* htpasswd -b[c] FILE USER PASSWORD, htpasswd -nb USER PASSWORD */
static void check_htpasswd(run_check *rc, const sh_word *args, size_t n)
{
    bool batch = false;
    for (size_t i = 0; i < n; i++) {
        const char *v = lint_word(&args[i]);
        batch |= v[0] == '-' && v[1] != '-' && strchr(v, 'b');
    }
    if (batch && n > 0 && lint_word(&args[n - 1])[0] != '-' &&
        literal_secret(&args[n - 1], lint_word(&args[n - 1])))
        report_literal(rc, &args[n - 1], "htpasswd -b",
                       lint_word(&args[n - 1]));
}

/* PGPASSWORD=secret psql, export DB_PASSWORD=secret, env TOKEN=x cmd */
static void check_assignment(run_check *rc, const sh_word *w)
{
    const char *v = lint_word(w);
    const char *eq = strchr(v, '=');
    const char *kind = eq && eq != v ? secret_var_name(v, (size_t)(eq - v))
                                     : NULL;
    if (!kind || !literal(w->raw) ||
        secret_value_trivial(eq + 1, strlen(eq + 1)))
        return;
    report_secret(rc, w, arena_strndup(rc->c->a, v, (size_t)(eq - v)), kind,
                  eq + 1);
}

static void check_assignments(run_check *rc, const sh_command *cmd)
{
    static const char *const exporters[] = {"export", "declare", "typeset",
                                            "readonly", NULL};
    for (size_t i = 0; i < cmd->nassigns; i++)
        check_assignment(rc, &cmd->assigns[i]);
    for (size_t i = 0; i < cmd->cmd_index && i < cmd->argc; i++)
        if (strchr(lint_word(&cmd->argv[i]), '='))
            check_assignment(rc, &cmd->argv[i]);
    if (cmd->nargs && lint_name_in(cmd->name, exporters))
        for (size_t i = 0; i < cmd->nargs; i++)
            check_assignment(rc, &cmd->args[i]);
}

static void check_command(run_check *rc, const sh_command *cmd)
{
    static const char *const mysqls[] = {
        "mysql", "mysqladmin", "mysqldump", "mysqlimport", "mysqlshow",
        "mysqlcheck", "mysql_upgrade", "mariadb", "mariadb-admin",
        "mariadb-dump", "mariadb-import", "mariadb-check", NULL,
    };
    check_assignments(rc, cmd);
    const sh_word *args;
    size_t n;
    const char *name = command_name(cmd, &args, &n);
    if (!name)
        return;
    check_password_options(rc, name, args, n);
    if (!strchr("chmps", name[0]))
        return; /* none of the tools below */
    if (lint_name_in(name, mysqls)) {
        check_short_password(rc, name, args, n, false);
        for (size_t i = 0; i + 1 < n; i++) /* mysqladmin password NEW */
            if (!strcmp(name, "mysqladmin") &&
                sh_word_is(&args[i], "password") &&
                literal_secret(&args[i + 1], lint_word(&args[i + 1])))
                report_literal(rc, &args[i + 1], "mysqladmin password",
                               lint_word(&args[i + 1]));
    } else if (!strcmp(name, "sshpass")) {
        check_short_password(rc, name, args, n, true);
    } else if (!strcmp(name, "curl")) {
        check_curl_user(rc, args, n);
    } else if (!strcmp(name, "chpasswd") || !strcmp(name, "passwd")) {
        check_password_input(rc, cmd, name);
    } else if (!strcmp(name, "htpasswd")) {
        check_htpasswd(rc, args, n);
    }
}

/* Known credential formats anywhere in the RUN's text and heredocs. */
static void scan_text(run_check *rc, credential_matcher *cm, const char *s,
                      size_t len, const df_instruction *in, uint32_t base,
                      bool mapped)
{
    lint_ctx *c = rc->c;
    credential_match m;
    size_t pos = 0;
    for (int guard = 0; guard < 64 && pos < len; guard++) {
        if (!credential_find(cm, s + pos, len - pos, &m))
            return;
        size_t at = pos + m.off;
        uint32_t off = mapped ? df_text_source_offset(in, at)
                              : base + (uint32_t)at;
        uint32_t end = mapped ? df_text_source_offset(in, at + m.len - 1) + 1
                              : off + (uint32_t)m.len;
        pos = at + (m.len ? m.len : 1);
        if (reported_at(rc, off))
            continue;
        lint_report(c, "secret-in-run", rc->inst, off, end,
                    "a %s (%s) is written in a RUN: it is stored in the image "
                    "history and in the Dockerfile; revoke it and pass it "
                    "with RUN --mount=type=secret instead",
                    m.pattern->name, redacted(c, s + at, m.len));
    }
}

static void check_secret_in_run(lint_ctx *c)
{
    credential_matcher *cm = lint_credentials(c);
    for (size_t i = 0; i < c->file->ninsts; i++) {
        const df_instruction *in = lint_run_instruction(c, i);
        if (in->kind != DF_RUN)
            continue;
        run_check rc = {.c = c, .inst = i};
        const sh_script *s = c->scripts[i];
        for (size_t k = 0; s && k < s->ncmds; k++)
            check_command(&rc, s->cmds[k]);
        sort_spans(&rc);
        scan_text(&rc, cm, in->text, in->text_len, in, 0, true);
        for (size_t h = 0; h < in->nheredocs; h++)
            scan_text(&rc, cm, in->heredocs[h].content, in->heredocs[h].len,
                      in, in->heredocs[h].content_off, false);
    }
}

const rule_def rule_secret_in_run = {
    .info = {
        .id = "secret-in-run",
        .severity = BOSUN_ERROR,
        .principle = 8,
        .scope = "both",
        .summary = "a literal credential on a RUN command line",
        .rationale =
            "The command line of every RUN is kept in the image history "
            "(`docker history --no-trunc` prints it) and in the Dockerfile, "
            "which usually sits in a repository. A password or token "
            "written there is readable by anyone who can pull the image or "
            "read the repository, long after the build. bosun reports "
            "user:password in URLs, --password=... style options, mysql "
            "-p<password>, sshpass -p, curl -u user:password, passwords "
            "fed to chpasswd/passwd or given to htpasswd -b, secret-looking "
            "variables assigned a literal value, and known token formats "
            "(private key blocks, AWS, GitHub, GitLab, Slack, Stripe, "
            "Google, npm). Values that come from a variable or a "
            "substitution are not literal and are not reported; the "
            "secret itself is never printed.",
        .bad = "RUN mysql -uroot -phunter2 -e 'CREATE DATABASE app'\n"
               "RUN git clone https://deploy:hunter2@git.example.com/app.git",
        .good = "RUN --mount=type=secret,id=db \\\n"
                "    mysql -uroot -p\"$(cat /run/secrets/db)\" -e 'CREATE "
                "DATABASE app'",
        .fix = "Revoke the credential, then give it to the build as a "
               "secret (`RUN --mount=type=secret,id=...` with `docker build "
               "--secret`) and read it from /run/secrets or an environment "
               "variable the mount sets (`env=`).",
    },
    .check = check_secret_in_run,
};
