/*
 * Download commands as the tools read their own command lines: curl,
 * wget, fetch (also through `busybox wget`). Which operand is the URL,
 * where the content goes (stdout, or which file), and which switches turn
 * transport verification off. Shared by the pipe-to-shell and download
 * verification rules.
 */
#ifndef BOSUN_RULES_DOWNLOAD_H
#define BOSUN_RULES_DOWNLOAD_H

#include "rules/rule.h"

typedef struct download {
    const sh_command *cmd;
    const char *tool;        /* "curl", "wget", "fetch" */
    const sh_word *url;      /* the first URL operand, or NULL */
    size_t nurls;
    bool to_stdout;          /* content written to standard output */
    const char *output;      /* the first file written, when known */
    const sh_word *output_word;
    const sh_word *insecure; /* -k, --insecure, --no-check-certificate */
    bool no_content;         /* -I/--head, --spider: nothing is fetched */
    /* Every URL operand (nurls of them) and every file written (as
     * written, relative to the command's directory; --output-dir and
     * wget -P applied; `> file` counts), with the word that names it (the
     * URL when the name comes from it). */
    const sh_word **urls;
    const char **files;
    const sh_word **file_words;
    size_t nfiles;
} download;

/* Fills *d when `c` is a download command. */
bool download_parse(lint_ctx *ctx, const sh_command *c, download *d);

/* The last path segment of a URL ("https://x/a/b.sh?x=1" -> "b.sh"). */
const char *download_url_basename(lint_ctx *ctx, const char *url);

/* A URL whose transport neither encrypts nor authenticates the server:
 * http:// or ftp:// (any case). */
bool download_url_plaintext(const char *url);
/* A URL naming this machine: localhost, 127.0.0.0/8, [::1], 0.0.0.0. */
bool download_url_is_local(const char *url);

/* An ADD source as BuildKit reads it: a git repository (git://, ssh://,
 * user@host:path, an http(s) URL whose path ends in .git), or a URL. */
bool download_add_source_is_git(const char *s);
bool download_add_source_is_url(const char *s);
/* The absolute path of the file `ADD <url> <dest>` writes: dest, or the
 * URL's last segment inside dest when dest names a directory. */
const char *download_add_destination(lint_ctx *ctx, const char *workdir,
                                     const char *url, const char *dest);

/* Effective command name and arguments, seeing through `busybox APPLET`. */
const char *command_name(const sh_command *c, const sh_word **args,
                         size_t *nargs);

#endif
