/* The report's internals, shared by the formatters (one per file). */
#ifndef BOSUN_REPORT_REPORT_H
#define BOSUN_REPORT_REPORT_H

#include "bosun/bosun.h"
#include "util/arena.h"

struct bosun_report {
    arena strings;              /* every string of every finding */
    bosun_finding *findings;    /* malloc'd */
    size_t nfindings, findings_cap;
    bosun_error *errors;
    size_t nerrors, errors_cap;
};

/* Adds a copy of *f (its strings copied into the report). */
void report_add_finding(bosun_report *r, const bosun_finding *f);

/* A file name as formats that want a path relative to the project show
 * it: without leading "./". */
const char *report_path(const char *file);

/*
 * Stable fingerprints, one per finding (16 hex digits and a NUL): they
 * depend on the rule, the file and the text of the offending line (or the
 * layer and path), not on line numbers, so a finding keeps its identity
 * when lines are added above it. Returns a malloc'd array.
 */
typedef char report_fingerprint[17];
report_fingerprint *report_fingerprints(const bosun_report *r);

bool report_write_plain(const bosun_report *r, FILE *out, bool color);
bool report_write_json(const bosun_report *r, FILE *out);
bool report_write_sarif(const bosun_report *r, FILE *out);
bool report_write_checkstyle(const bosun_report *r, FILE *out);
bool report_write_gitlab(const bosun_report *r, FILE *out);
bool report_write_github(const bosun_report *r, FILE *out);

#endif
