/*
 * Downloads followed through the script of one RUN: where the content of
 * each curl/wget/fetch goes (a pipeline, a substitution, files) and what
 * the commands after it do with it: run it, unpack it, import it as a
 * key, verify it. Shared by pipe-to-shell and the verification rules, so
 * that a download is either run unverified (pipe-to-shell) or left
 * unverified (download-unverified), never both.
 */
#ifndef BOSUN_RULES_FLOW_H
#define BOSUN_RULES_FLOW_H

#include "rules/download.h"
#include "rules/exec.h"

typedef struct fetched_file {
    const char *path;          /* absolute (under EXEC_DIR_UNKNOWN when
                                  the directory is not known) */
    const sh_word *word;       /* the word naming it (or the URL) */
    const sh_command *verified_by;
    const sh_command *run_by;  /* run before anything verified it */
    /* A signature, checksum list, key, certificate or repository
     * definition: trust material that verifies or configures, rather
     * than content that needs a checksum of its own. */
    bool material;
    bool unknown;              /* not followed: too much work in one RUN */
} fetched_file;

typedef struct fetch {
    download d;
    size_t index;                  /* of the download command */
    const sh_command *runs_piped;  /* an interpreter runs it from a pipe */
    const sh_command *runs_subst;  /* runs the substitution holding it:
                                      sh -c "$(curl ...)", bash <(curl ...) */
    const sh_command *unpacked_by; /* an extractor or installer reads it
                                      from a pipe (tar, gunzip, dpkg...) */
    bool key_import;               /* piped into gpg --import/--dearmor,
                                      apt-key add, rpm --import */
    fetched_file *files;           /* the files holding the content */
    size_t nfiles;
} fetch;

typedef struct script_flow {
    fetch *fetches;
    size_t nfetches;
    const char **cwd;              /* per command (exec_cwds) */
} script_flow;

/* The downloads of the script of instruction `inst` (a RUN or ONBUILD
 * RUN) and what becomes of them; NULL when it downloads nothing. Worked
 * out once per instruction and shared by the rules that ask. */
const script_flow *flow_of(lint_ctx *ctx, size_t inst);

/* An interpreter runs the content (pipe-to-shell's case). */
bool fetch_is_run(const fetch *f);
/* It wrote files and every one of them was verified. */
bool fetch_is_verified(const fetch *f);

/* A file name or place that holds trust material: signatures, checksum
 * lists, keys, certificates, package repository definitions. */
bool flow_is_trust_material(const char *path);

/* Commands that pass their input on, possibly transformed (tee, cat,
 * sed, gunzip, base64 -d...). */
bool flow_passes_through(const sh_command *c);

#endif
