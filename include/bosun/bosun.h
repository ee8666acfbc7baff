/*
 * libbosun: checks that container images are built securely.
 *
 * The library lints Dockerfiles and checks built images, and collects
 * findings in a report that can be rendered in several formats. All strings
 * handed out are owned by the object they come from and live as long as it.
 */
#ifndef BOSUN_BOSUN_H
#define BOSUN_BOSUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

const char *bosun_version(void);

/* Ordered: a threshold compares with >=. */
typedef enum bosun_severity {
    BOSUN_INFO = 0,
    BOSUN_WARNING = 1,
    BOSUN_ERROR = 2,
} bosun_severity;

const char *bosun_severity_name(bosun_severity s);
/* Parses "info", "warning", "error"; false when unknown. */
bool bosun_severity_parse(const char *s, bosun_severity *out);

/* ------------------------------------------------------------ rules */

typedef struct bosun_rule_info {
    const char *id;          /* stable, kebab-case */
    bosun_severity severity; /* default */
    int principle;           /* 1..8, 0 for general checks */
    const char *scope;       /* "dockerfile", "image" or "both" */
    const char *summary;     /* one line */
    const char *rationale;   /* why it matters */
    const char *bad;         /* an example that triggers it */
    const char *good;        /* the same, fixed */
    const char *fix;         /* how to fix, in one paragraph */
} bosun_rule_info;

size_t bosun_rule_count(void);
const bosun_rule_info *bosun_rule_at(size_t i);
const bosun_rule_info *bosun_rule_find(const char *id);

/* ----------------------------------------------------------- config */

typedef struct bosun_config bosun_config;

bosun_config *bosun_config_new(void);
void bosun_config_free(bosun_config *c);
/* --build-arg NAME=VALUE (the value is copied). */
void bosun_config_add_build_arg(bosun_config *c, const char *name,
                                const char *value);
/* --target STAGE */
void bosun_config_set_target(bosun_config *c, const char *stage);
/* Ignore a rule; false when the id is unknown. */
bool bosun_config_ignore(bosun_config *c, const char *rule_id);

/* The failure threshold: the lowest severity that fails a run (exit 1),
 * or BOSUN_THRESHOLD_NONE. The default is BOSUN_WARNING. */
#define BOSUN_THRESHOLD_NONE 3
/* Parses "info", "warning", "error", "none"; false when unknown. */
bool bosun_threshold_parse(const char *s, int *out);
void bosun_config_set_failure_threshold(bosun_config *c, int threshold);
int bosun_config_failure_threshold(const bosun_config *c);
/* Report `rule_id` at severity `s` instead of its default; false when the
 * id is unknown. */
bool bosun_config_set_severity(bosun_config *c, const char *rule_id,
                               bosun_severity s);
/* trusted-registries: FROM images must come from a registry matching one
 * of these globs (`*.example.com`, `ghcr.io/acme`); the first call turns
 * the untrusted-registry rule on. */
void bosun_config_add_trusted_registry(bosun_config *c, const char *glob);
/* nonroot-bases: base images (globs) known to run as a non-root user. */
void bosun_config_add_nonroot_base(bosun_config *c, const char *glob);

/* Honour `# hadolint ignore=` comments for the hadolint codes that have a
 * bosun equivalent (the default), or not. */
void bosun_config_set_hadolint_pragmas(bosun_config *c, bool honour);

/* patterns: a file of more credential patterns for bosun image (as
 * --patterns FILE); the path is copied. NULL when none is set. */
void bosun_config_set_patterns(bosun_config *c, const char *path);
const char *bosun_config_patterns(const bosun_config *c);

/* accept: findings of the image rule `rule_id` about a path matching one
 * of `globs` (`*` and `?` within a path component, `**` across
 * components, [...] classes) are accepted, with `reason` (or NULL). The
 * strings are copied; false when the rule id is unknown. */
bool bosun_config_add_accept(bosun_config *c, const char *rule_id,
                             const char *const *globs, size_t nglobs,
                             const char *reason);
/* skip-base: report only what the image added over its base. */
void bosun_config_set_skip_base(bosun_config *c, bool skip);
bool bosun_config_skip_base(const bosun_config *c);
/* exclude: paths a directory walk (`bosun lint DIR`) skips, as globs
 * relative to the walked directory: `*`, `?` and `[...]` within one path
 * component, `**` for any number of them (`vendor/` then `**`, or `**`
 * then `/testdata` for testdata directories at any depth). A glob that
 * matches a directory excludes everything below it. */
void bosun_config_add_exclude(bosun_config *c, const char *glob);
/* Is `path` (relative to the walked directory, `/`-separated) excluded? */
bool bosun_config_excluded(const bosun_config *c, const char *path);

/* Why a configuration file was refused. */
typedef struct bosun_config_error {
    unsigned line;           /* 1-based; 0 when it concerns the whole file */
    char message[256];
} bosun_config_error;

/*
 * Read a configuration file's text (.bosun.yaml) into `c`. Unknown keys,
 * wrong types, unknown rule ids and bad levels are errors: returns false
 * and fills *err (settings read before the error may have been applied).
 */
bool bosun_config_load_yaml(bosun_config *c, const char *data, size_t len,
                            bosun_config_error *err);

/* ----------------------------------------------------------- report */

typedef struct bosun_finding {
    const char *rule;
    bosun_severity severity;
    const char *file;
    const char *message;
    /* Dockerfile findings (0 when not applicable), 1-based, columns in
     * Unicode characters: the offending token starts at line:column and
     * ends at end_line:end_column (the column just past its last
     * character); instruction_line is the first line of the instruction
     * that holds it. */
    unsigned line, column, end_line, end_column;
    unsigned instruction_line;
    /* The stage of a Dockerfile finding: its name (NULL when it has none,
     * and for other findings) and its index, from 0 (-1 for a snippet
     * with no FROM; read only when `line` is set). */
    const char *stage;
    int stage_index;
    /* Image findings (-1 / NULL when not applicable). */
    int layer_index;
    const char *layer_digest;
    const char *path;
    int deleted_in_layer;
    int history_index;
    /* The text of `line` (Dockerfile findings; NULL otherwise), so a
     * report can show the token in context without keeping the file. */
    const char *source_line;
    /* Accepted by the configuration (`accept:` in .bosun.yaml): still
     * reported in JSON and SARIF, with the reason given (NULL when none),
     * but it neither fails the run nor shows in the formats for people. */
    bool suppressed;
    const char *suppress_reason;
    /* Image findings: about the base image's layers or history entries
     * (see bosun_image_options.base). */
    bool base;
} bosun_finding;

/* An input that could not be checked (exit status 2). */
typedef struct bosun_error {
    const char *file;
    unsigned line;           /* 0 when it concerns the whole input */
    const char *message;
} bosun_error;

typedef struct bosun_report bosun_report;

bosun_report *bosun_report_new(void);
void bosun_report_free(bosun_report *r);
size_t bosun_report_count(const bosun_report *r);
const bosun_finding *bosun_report_finding(const bosun_report *r, size_t i);
size_t bosun_report_error_count(const bosun_report *r);
const bosun_error *bosun_report_error(const bosun_report *r, size_t i);
/* Sort findings by file, then line and column (or layer), then rule. */
void bosun_report_sort(bosun_report *r);
/* The highest severity reported, or -1 when there is no finding. */
int bosun_report_max_severity(const bosun_report *r);
/* Drops the findings whose severity is not in `shown` (a mask of
 * 1u << severity); returns how many were dropped. */
size_t bosun_report_keep_severities(bosun_report *r, unsigned shown);
/*
 * The root of the work tree (a git checkout) the inputs come from, or
 * NULL: SARIF and GitLab then name files inside it relative to it (SARIF
 * with the uriBaseId %SRCROOT%), whatever the current directory, so that
 * code-scanning services find them in the repository. Copied; relative
 * file names are taken from the current directory at the time of the
 * call.
 */
void bosun_report_set_source_root(bosun_report *r, const char *root);
/* Record an error about an input (e.g. a file that cannot be read). */
void bosun_report_add_error(bosun_report *r, const char *file, unsigned line,
                            const char *message);

typedef enum bosun_format {
    BOSUN_FORMAT_PLAIN,
    BOSUN_FORMAT_TTY,
    BOSUN_FORMAT_JSON,
    BOSUN_FORMAT_SARIF,      /* SARIF 2.1.0 */
    BOSUN_FORMAT_CHECKSTYLE, /* Checkstyle XML */
    BOSUN_FORMAT_GITLAB,     /* GitLab Code Quality */
    BOSUN_FORMAT_GITHUB,     /* GitHub Actions workflow commands */
    BOSUN_FORMAT_GNU,        /* file:line:col: severity: message [rule] */
} bosun_format;

bool bosun_format_parse(const char *s, bosun_format *out);
/* The names bosun_format_parse accepts, comma-separated, for messages. */
const char *bosun_format_names(void);
/* Render the report. Returns false on a write error. */
bool bosun_report_write(const bosun_report *r, bosun_format format, FILE *out);
/*
 * The summary line that ends the formats for people (tty, plain):
 * "3 files, 5 findings: 1 error, 3 warnings, 1 info". `inputs` were
 * checked, each called `noun` ("file", "image"); `hidden` findings were
 * dropped from the report by bosun_report_keep_severities. Returns false
 * on a write error.
 */
bool bosun_report_write_summary(const bosun_report *r, const char *noun,
                                size_t inputs, size_t hidden, FILE *out);

/* ------------------------------------------------------------- lint */

/*
 * Lint one Dockerfile held in memory. `name` is how findings refer to it.
 * Returns false when the file cannot be parsed (the error is in the report).
 */
bool bosun_lint_dockerfile(const bosun_config *c, const char *name,
                           const char *data, size_t len, bosun_report *r);

/* Largest Dockerfile accepted (larger inputs are refused, not truncated). */
#define BOSUN_MAX_DOCKERFILE_SIZE (16u << 20)

/* ------------------------------------------------------------ image */

/* How to reach a registry (`bosun image docker://REF`). The strings are
 * the caller's and must live as long as the scan. */
typedef struct bosun_registry_options {
    const char *username;      /* --creds USER[:PASS]; NULL: from the auth files */
    const char *password;      /* the PASS of --creds, or --password-stdin, or
                                  $BOSUN_REGISTRY_PASSWORD (with --creds USER) */
    const char *auth_file;     /* --authfile FILE, or NULL */
    const char *cert_dir;      /* --cert-dir DIR, or NULL */
    bool tls_no_verify;        /* --tls-verify=false */
} bosun_registry_options;

typedef struct bosun_image_options {
    const char *platform;      /* os/arch[/variant] to pick from an index;
                                  NULL: the host's */
    const char *ref;           /* image to pick by reference name or tag;
                                  NULL: the only one */
    const char *name;          /* --name: what reports call the image;
                                  NULL: its reference, else its path */
    bool no_verify;            /* do not check blob digests */
    unsigned jobs;             /* threads; 0: one per core */
    const char *patterns_file; /* more credential patterns, or NULL */
    unsigned long long max_file_size; /* scan at most this many bytes of
                                  each file (0: all of it) */
    unsigned max_ratio;        /* refuse a layer that expands more than
                                  this many times (0: no limit) */
    FILE *progress;            /* a terminal to draw progress lines on
                                  (cleared at the end), or NULL */
    bosun_registry_options registry;
    /* The base image (--base REF): an image bosun can read (archive,
     * layout, registry reference) whose layers are the first layers of
     * the image. NULL: the base is told from the image's history. */
    const char *base;
    /* Report only what the image added over its base (--skip-base). */
    bool skip_base;
} bosun_image_options;

/*
 * Check a built image, layer by layer: `input` is a docker-archive (docker
 * save), an OCI image layout (directory or tar), or one of those with
 * skopeo's transport prefix (docker-archive:PATH[:REF], oci:DIR[:REF],
 * oci-archive:PATH[:REF]). An archive on the standard input ("-",
 * docker-archive:-, oci-archive:-), in a FIFO or compressed whole (gzip,
 * zstd) is read as it comes. Findings name the input as given. Returns
 * false when the image (or part of it) could not be read; the errors are
 * in the report.
 */
bool bosun_scan_image(const bosun_config *c, const char *input,
                      const bosun_image_options *o, bosun_report *r);

#ifdef __cplusplus
}
#endif

#endif
