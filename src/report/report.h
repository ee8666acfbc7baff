/* The report's internals, shared by the formatters (one per file). */
#ifndef BOSUN_REPORT_REPORT_H
#define BOSUN_REPORT_REPORT_H

#include "bosun/bosun.h"
#include "util/arena.h"

/* A layer of an image checked, as the JSON report lists it. */
typedef struct report_layer {
    int index;
    const char *digest;          /* what names the blob, or NULL */
    const char *diff_id;         /* the uncompressed tar's digest (the
                                    findings' layer_digest), or NULL */
    const char *blob_digest;     /* the blob's digest when a descriptor
                                    names it, or NULL */
    const char *media_type;      /* NULL when none names it (docker-archive) */
    long long size;              /* bytes of the blob; -1: unknown */
    long long uncompressed_size; /* bytes of its tar; -1: unknown */
    long long files;             /* paths it writes that are not
                                    directories; -1: unknown */
    const char *created_by;      /* its history entry's command, or NULL */
} report_layer;

/* An image checked (`bosun image`). */
typedef struct report_image {
    const char *file;            /* the input as given */
    const char *name;            /* what reports call it (--name, else its
                                    reference, else its path) */
    bool name_is_path;           /* the name is its path (no reference) */
    const char *digest;          /* the manifest's, or NULL: none was read
                                    (a docker-archive has none) */
    const char *platform;        /* "os/arch[/variant]", or NULL */
    const report_layer *layers;
    size_t nlayers;
    /* The base image: its layers [0, base_layers) and history entries
     * [0, base_history), told as base_how says (NULL: the base is not
     * known); what the annotations name as the base (or NULL). */
    long long base_layers, base_history;
    const char *base_how, *base_name, *base_digest;
} report_image;

struct bosun_report {
    arena strings;              /* every string of every finding and image */
    bosun_finding *findings;    /* malloc'd */
    size_t nfindings, findings_cap;
    bosun_error *errors;
    size_t nerrors, errors_cap;
    bool of_images;             /* a report of images: it lists them */
    report_image *images;       /* malloc'd; their layers in `strings` */
    size_t nimages, images_cap;
    char *source_root;          /* malloc'd: the work tree files are shown
                                   relative to (SARIF, GitLab), or NULL */
    char *cwd;                  /* malloc'd: where relative names start */
};

/* Adds a copy of *f (its strings copied into the report). */
void report_add_finding(bosun_report *r, const bosun_finding *f);

/* The report is of images: the JSON report lists them, in an `images`
 * array that stays empty when none could be read. A report of
 * Dockerfiles has no such array. */
void report_expect_images(bosun_report *r);

/* Adds a copy of *img (its strings and layers copied into the report);
 * implies report_expect_images. */
void report_add_image(bosun_report *r, const report_image *img);

/* A file name as formats that want a path relative to the project show
 * it: without leading "./". */
const char *report_path(const char *file);

/* The image checked under the input name `file`, or NULL. */
const report_image *report_image_of(const bosun_report *r, const char *file);

/* What a finding's input is called in reports that track findings (SARIF,
 * GitLab, fingerprints): an image's name, else the file as given. */
const char *report_display_name(const bosun_report *r, const char *file);

/* `file` relative to the source root set with
 * bosun_report_set_source_root, when it is inside it: a malloc'd path
 * (free it); NULL otherwise. */
char *report_source_path(const bosun_report *r, const char *file);

/*
 * Stable fingerprints, one per finding (16 hex digits and a NUL): they
 * depend on the rule, the file and the text of the offending line (or the
 * layer and path), not on line numbers, so a finding keeps its identity
 * when lines are added above it. Returns a malloc'd array.
 */
typedef char report_fingerprint[17];
report_fingerprint *report_fingerprints(const bosun_report *r);

/* Writes `s` on one line and safe to show on a terminal: tabs and line
 * breaks become spaces, control characters '?', bytes that are not UTF-8
 * U+FFFD (plain.c). */
void report_put_text(FILE *out, const char *s);

/* Where a Dockerfile finding's token ends (end_line, end_column), never
 * at or before where it starts: one column when the finding has no end. */
void report_token_end(const bosun_finding *f, unsigned *line,
                      unsigned *column);

/* Writes `key`: the stage of a Dockerfile finding, its name or (when it
 * has none) its index as a number; nothing for other findings (json.c). */
struct jsonw;
void report_put_stage(struct jsonw *w, const bosun_finding *f,
                      const char *key);

/* "tool": {"name": "bosun", "version": ...}, as every JSON document
 * bosun writes names itself. */
void report_put_tool(struct jsonw *w);
bool report_write_plain(const bosun_report *r, FILE *out, bool color);
bool report_write_json(const bosun_report *r, FILE *out);
bool report_write_sarif(const bosun_report *r, FILE *out);
bool report_write_checkstyle(const bosun_report *r, FILE *out);
bool report_write_gitlab(const bosun_report *r, FILE *out);
bool report_write_github(const bosun_report *r, FILE *out);
bool report_write_gnu(const bosun_report *r, FILE *out);

#endif
