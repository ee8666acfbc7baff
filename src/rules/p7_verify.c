/*
 * Principle 7: verify content you download.
 *
 * A download is verified when a command of the same RUN checks the file
 * it wrote against a checksum or a signature (see flow.h and
 * exec_verification); an ADD of a URL is verified by --checksum, an ADD
 * of a git repository by a full commit. Content that an interpreter runs
 * is pipe-to-shell's, so a download is reported by one rule only.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "rules/flow.h"
#include "rules/rule.h"

/* ------------------------------------------------------ ADD sources */

static bool is_full_commit(const char *s, size_t n)
{
    if (n != 40 && n != 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Does `key=value` in a '&' or ',' separated list fix a full commit? */
static bool list_pins_commit(const char *s, char sep)
{
    while (*s) {
        const char *next = strchr(s, sep);
        size_t n = next ? (size_t)(next - s) : strlen(s);
        const char *eq = memchr(s, '=', n);
        if (eq) {
            size_t klen = (size_t)(eq - s);
            bool key = (klen == 3 && !strncasecmp(s, "ref", 3)) ||
                       (klen == 6 && !strncasecmp(s, "commit", 6)) ||
                       (klen == 8 && !strncasecmp(s, "checksum", 8));
            if (key && is_full_commit(eq + 1, n - klen - 1))
                return true;
        }
        s += n;
        if (*s)
            s++;
    }
    return false;
}

/* repo.git#<commit>[:dir], repo.git##commit=<commit>,
 * repo.git?ref=<commit>&subdir=... */
static bool git_source_pinned(const char *s)
{
    const char *hash = strchr(s, '#');
    if (hash && hash[1] == '#')
        return list_pins_commit(hash + 2, ',');
    if (hash)
        return is_full_commit(hash + 1, strcspn(hash + 1, ":"));
    const char *query = strchr(s, '?');
    return query && list_pins_commit(query + 1, '&');
}

/* The ref a git source checks out, for the message: #ref, ##ref=,
 * ?ref=/?tag=/?branch=, or the default branch. */
static const char *git_ref_shown(lint_ctx *c, const char *s)
{
    static const char *const keys[] = {"ref=", "tag=", "branch=", NULL};
    const char *hash = strchr(s, '#');
    if (hash && hash[1] != '#' && hash[1])
        return arena_printf(c->a, "`%.*s`", (int)strcspn(hash + 1, ":"),
                            hash + 1);
    const char *list = hash ? hash + 2 : strchr(s, '?');
    for (const char *const *k = keys; list && *k; k++) {
        const char *at = strstr(list, *k);
        if (at && (at == list || strchr("?&,#", at[-1])))
            return arena_printf(c->a, "`%.*s`", (int)strcspn(at + strlen(*k),
                                                            "&,"),
                                at + strlen(*k));
    }
    return "its default branch";
}

/* The instruction an ADD check reads: the ADD, or an ONBUILD ADD. */
static const df_instruction *add_of(const df_instruction *in)
{
    if (in->kind == DF_ONBUILD && in->trigger)
        in = in->trigger;
    return in->kind == DF_ADD ? in : NULL;
}

/* Is stage `s` the stage `ancestor` or built FROM it? */
static bool stage_descends(const df_model *m, int s, int ancestor)
{
    for (; s >= 0; s = m->stages[s].parent)
        if (s == ancestor)
            return true;
    return false;
}

/* Commands examined for all the ADDs of a file: a bound on the work of
 * a hostile file with many ADDs and many commands. */
#define MAX_EXAMINED (1u << 22)

/* Does a RUN after instruction `from`, in its stage or a stage built on
 * it, verify the file at `path` (ADD x; ADD x.asc; RUN gpg --verify)? */
static bool verified_later(lint_ctx *c, size_t from, const char *path,
                           size_t *examined)
{
    const df_model *m = c->model;
    for (size_t i = from + 1; i < c->file->ninsts; i++) {
        const sh_script *s = c->scripts[i];
        if (!s || !stage_descends(m, m->stage_of[i], m->stage_of[from]))
            continue;
        if ((*examined += s->ncmds) > MAX_EXAMINED)
            return false;
        for (size_t k = 0; k < s->ncmds; k++) {
            verification v;
            if (exec_verification(c, s->cmds[k], &v) &&
                exec_verification_covers(c, &v, path))
                return true;
        }
    }
    return false;
}

static void check_add_source(lint_ctx *c, size_t i, const df_text *t,
                             const char *workdir, const df_value *dest,
                             size_t *examined)
{
    df_value v = lint_expand(c, i, t);
    if (v.error)
        return;
    const char *shown = lint_quote(c, v.s, v.len);
    if (download_add_source_is_git(v.s)) {
        if (!git_source_pinned(v.s))
            lint_report(c, "add-url-unverified", i, t->off, t->end,
                        "ADD checks out %s at %s, which can move to other "
                        "content; pin the full commit (repo.git#<40-hex "
                        "commit>) or add --checksum=<commit>",
                        shown, git_ref_shown(c, v.s));
        return;
    }
    if (!download_add_source_is_url(v.s))
        return;
    /* The GitHub API returns metadata, not software: ADD of a branch's
     * ref there is a cache-busting idiom. */
    if (!strncasecmp(v.s, "https://api.github.com/", 23))
        return;
    const char *path = download_add_destination(c, workdir, v.s, dest->s);
    if (flow_is_trust_material(path) || verified_later(c, i, path, examined))
        return;
    lint_report(c, "add-url-unverified", i, t->off, t->end,
                "ADD fetches %s without --checksum: the build takes "
                "whatever the server sends; add --checksum=sha256:<digest "
                "of the file you reviewed>",
                shown);
}

static void check_add_url(lint_ctx *c)
{
    const df_file *f = c->file;
    const char **workdirs = NULL;
    size_t examined = 0;
    for (size_t i = 0; i < f->ninsts; i++) {
        const df_instruction *add = add_of(&f->insts[i]);
        if (!add || add->nargs < 2 || df_find_flag(add, "checksum"))
            continue;
        if (!workdirs)
            workdirs = exec_workdirs(c);
        const df_text *last = &add->args[add->nargs - 1];
        df_value dest = lint_expand(c, i, last);
        for (size_t k = 0; k + 1 < add->nargs; k++)
            if (strncmp(add->args[k].s, "<<", 2) != 0) /* a here-document */
                check_add_source(c, i, &add->args[k], workdirs[i], &dest,
                                 &examined);
    }
}

const rule_def rule_add_url_unverified = {
    .info = {
        .id = "add-url-unverified",
        .severity = BOSUN_WARNING,
        .principle = 7,
        .scope = "both",
        .summary = "ADD of a URL without --checksum, or of a git repository "
                   "without a pinned commit",
        .rationale =
            "`ADD <url>` copies into the image whatever the server returns "
            "at build time. HTTPS proves who sent it, not that it is the "
            "file that was reviewed: a compromised release page, a "
            "re-tagged release or a hijacked domain changes the image "
            "without a change to the Dockerfile. `--checksum=sha256:...` "
            "makes the build fail instead. A git source names a branch or "
            "tag, which can be moved to other commits; only a full commit "
            "id (or `--checksum` with the commit) fixes the content. bosun "
            "expands ARGs in the source and reads git sources as BuildKit "
            "does (git://, ssh://, user@host:path, URLs ending in .git, "
            "`#ref:dir`, `##commit=`, `?ref=`).",
        .bad = "ADD https://example.com/tool-1.2.tar.gz /opt/\n"
               "ADD https://github.com/example/lib.git#v1.2 /src/lib",
        .good = "ADD --checksum=sha256:<digest> "
                "https://example.com/tool-1.2.tar.gz /opt/\n"
                "ADD https://github.com/example/lib.git#<40-hex commit> "
                "/src/lib",
        .fix = "Add `--checksum=sha256:<digest>` with the digest of the "
               "file you reviewed (`sha256sum file`); for git sources pin "
               "the full commit id in the fragment or pass it as "
               "`--checksum`.",
    },
    .check = check_add_url,
};

/* ------------------------------------------------ download-unverified */

static const sh_word *fetch_token(const fetch *f)
{
    const sh_command *cmd = f->d.cmd;
    if (f->d.url)
        return f->d.url;
    return cmd->argc ? &cmd->argv[cmd->cmd_index] : NULL;
}

static void report_fetch(lint_ctx *c, size_t inst, const fetch *f,
                         const char *what, const char *advice)
{
    const sh_word *w = fetch_token(f);
    const char *url = f->d.url ? lint_word(f->d.url) : "a URL";
    lint_report(c, "download-unverified", inst, w ? w->off : f->d.cmd->off,
                w ? w->end : f->d.cmd->end, "%s %s %s; %s", f->d.tool,
                lint_quote(c, url, strlen(url)), what, advice);
}

/* The first file of `f` that holds content nothing verified. */
static const fetched_file *unverified_file(const fetch *f)
{
    for (size_t k = 0; k < f->nfiles; k++)
        if (!f->files[k].verified_by && !f->files[k].material &&
            !f->files[k].unknown)
            return &f->files[k];
    return NULL;
}

static void check_fetch(lint_ctx *c, size_t inst, const fetch *f)
{
    if (f->d.no_content || f->key_import || fetch_is_run(f))
        return; /* nothing kept, a key, or pipe-to-shell's */
    if (f->unpacked_by) {
        const char *by = f->unpacked_by->name ? f->unpacked_by->name
                                              : "an extractor";
        report_fetch(c, inst, f,
                     arena_printf(c->a, "is piped into %s unverified", by),
                     "download to a file, check it against a pinned checksum "
                     "(sha256sum -c) or signature, then unpack it");
        return;
    }
    const fetched_file *ff = unverified_file(f);
    if (!ff)
        return;
    const char *name = lint_word(ff->word);
    if (ff->word == f->d.url)
        name = exec_basename(c, ff->path);
    report_fetch(c, inst, f,
                 arena_printf(c->a, "is saved as %s and nothing in this RUN "
                              "verifies it",
                              lint_quote(c, name, strlen(name))),
                 "check it against a checksum pinned in the Dockerfile "
                 "(echo \"$SHA256  file\" | sha256sum -c -) or a signature "
                 "(gpg --verify) before using it");
}

static void check_download_unverified(lint_ctx *c)
{
    for (size_t i = 0; i < c->file->ninsts; i++) {
        const script_flow *flow = flow_of(c, i);
        for (size_t k = 0; flow && k < flow->nfetches; k++)
            check_fetch(c, i, &flow->fetches[k]);
    }
}

const rule_def rule_download_unverified = {
    .info = {
        .id = "download-unverified",
        .severity = BOSUN_WARNING,
        .principle = 7,
        .scope = "both",
        .summary = "a download that the same RUN never verifies",
        .rationale =
            "A file fetched with curl, wget or fetch ends up in the image "
            "(or unpacked into it) exactly as the server sent it. Unless "
            "the same RUN compares it with a checksum or a signature "
            "written in the Dockerfile, a compromised mirror, a re-uploaded "
            "release or a man in the middle of a plain-HTTP transfer "
            "changes the image silently. bosun follows the content through "
            "pipelines (`curl ... | tar -x`), output options (-o, -O, "
            "--output-dir, wget -P, `> file`, `| tee file`) and `cd`, and "
            "accepts sha256sum/sha512sum/shasum -c, gpg --verify, gpgv, "
            "cosign verify-blob, minisign -V, openssl dgst -verify, rpm -K "
            "and inline hash checks (php -r \"hash_file(...)\") on that "
            "file. Keys, signatures, checksum lists and repository "
            "definitions are trust material and are not reported; content "
            "run by an interpreter is reported as pipe-to-shell instead.",
        .bad = "RUN curl -fsSL https://example.com/tool-1.2.tar.gz "
               "| tar -xz -C /usr/local/bin",
        .good = "ARG TOOL_SHA256=<sha256 of tool-1.2.tar.gz>\n"
                "RUN curl -fsSLo /tmp/tool.tgz "
                "https://example.com/tool-1.2.tar.gz \\\n"
                " && echo \"$TOOL_SHA256  /tmp/tool.tgz\" | sha256sum -c - \\\n"
                " && tar -xzf /tmp/tool.tgz -C /usr/local/bin "
                "&& rm /tmp/tool.tgz",
        .fix = "Download to a file, check it in the same RUN against a "
               "checksum you pinned in the Dockerfile "
               "(`echo \"$SHA256  file\" | sha256sum -c -`) or against the "
               "publisher's signature (`gpg --verify file.asc file` with a "
               "key fetched by full fingerprint), then unpack or install "
               "it; or use `ADD --checksum=sha256:...`.",
    },
    .check = check_download_unverified,
};

/* ---------------------------------------------------- gpg-short-keyid */

/* Hex digits of a key id written `ABCD1234` or `0xABCD1234`; 0 when it
 * is not one. */
static size_t keyid_digits(const char *s, size_t n)
{
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2, n -= 2;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return n;
}

/* A fingerprint written in groups: 'EB4C 1BFD 4F04 ... 4796'. */
static bool spaced_fingerprint(const char *s)
{
    size_t digits = 0;
    for (; *s; s++) {
        if (isxdigit((unsigned char)*s))
            digits++;
        else if (*s != ' ')
            return false;
    }
    return digits == 40 || digits == 64;
}

/* The first short (8) or long (16 hex digit) key id in word `w`. */
static const char *short_id_in(lint_ctx *c, const sh_word *w)
{
    const char *v = lint_word(w);
    if ((w->flags & SHW_DYNAMIC) || spaced_fingerprint(v))
        return NULL;
    size_t i = 0, n = strlen(v);
    while (i < n) {
        while (i < n && isspace((unsigned char)v[i]))
            i++;
        size_t start = i;
        while (i < n && !isspace((unsigned char)v[i]))
            i++;
        size_t d = keyid_digits(v + start, i - start);
        if (d == 8 || d == 16)
            return arena_strndup(c->a, v + start, i - start);
    }
    return NULL;
}

static bool is_recv_keys(const char *v)
{
    return !strcmp(v, "--recv-keys") || !strcmp(v, "--recv-key") ||
           !strcmp(v, "--recv") || !strcmp(v, "--receive-keys");
}

static void check_recv(lint_ctx *c, size_t inst, const sh_command *cmd)
{
    static const char *const value_opts[] = {
        "--keyserver", "--keyserver-options", "--homedir", "--keyring",
        "--options", "--trust-model", "--status-fd", "--logger-fd", NULL,
    };
    static const char *const tools[] = {"gpg", "gpg2", "apt-key", NULL};
    if (!cmd->nargs || !lint_name_in(cmd->name, tools))
        return;
    bool receiving = false;
    for (size_t i = 0; i < cmd->nargs; i++) {
        const sh_word *w = &cmd->args[i];
        const char *v = lint_word(w);
        if (is_recv_keys(v)) {
            receiving = true;
            continue;
        }
        if (v[0] == '-') {
            if (!strchr(v, '=') && lint_name_in(v, value_opts))
                i++;
            continue;
        }
        const char *id = receiving ? short_id_in(c, w) : NULL;
        if (!id)
            continue;
        size_t digits = keyid_digits(id, strlen(id));
        bool from_var = strcmp(w->raw, v) != 0 && strchr(w->raw, '$');
        lint_report(c, "gpg-short-keyid", inst, w->off, w->end,
                    "%s receives key %s%s%s%s by a %s id (%zu hex digits): "
                    "anyone can make a key with the same id; give the full "
                    "40-hex-digit fingerprint",
                    cmd->name, id, from_var ? " (from " : "",
                    from_var ? lint_quote(c, w->raw, strlen(w->raw)) : "",
                    from_var ? ")" : "", digits == 8 ? "short" : "long",
                    digits);
    }
}

static void check_gpg_short_keyid(lint_ctx *c)
{
    for (size_t i = 0; i < c->file->ninsts; i++) {
        const sh_script *s = c->scripts[i];
        for (size_t k = 0; s && k < s->ncmds; k++)
            check_recv(c, i, s->cmds[k]);
    }
}

const rule_def rule_gpg_short_keyid = {
    .info = {
        .id = "gpg-short-keyid",
        .severity = BOSUN_WARNING,
        .principle = 7,
        .scope = "both",
        .summary = "a GPG key fetched by a short or long key id instead of "
                   "its fingerprint",
        .rationale =
            "A signature check is only as good as the key it trusts. "
            "`gpg --recv-keys` with an 8-hex-digit id (or the 16-digit "
            "\"long\" id) asks the keyserver for any key whose "
            "fingerprint ends that way, and colliding keys for short ids "
            "are cheap to make and have been published for real "
            "developers' keys. The full 40-hex-digit fingerprint names "
            "one key. bosun reads the ids after --recv-keys (and --recv, "
            "--receive-keys) of gpg, gpg2 and apt-key adv, including ids "
            "that come from ARG or ENV values.",
        .bad = "RUN gpg --keyserver hkps://keys.openpgp.org "
               "--recv-keys 7721F63BD38B4796",
        .good = "RUN gpg --keyserver hkps://keys.openpgp.org --recv-keys "
                "EB4C1BFD4F042F6DDDCCEC917721F63BD38B4796",
        .fix = "Replace the id with the key's full fingerprint "
               "(`gpg --fingerprint <id>` on a key you trust, or the "
               "fingerprint the project publishes).",
    },
    .check = check_gpg_short_keyid,
};
