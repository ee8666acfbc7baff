/* The report's internals, shared by the formatters. */
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

bool report_write_json(const bosun_report *r, FILE *out);
bool report_write_plain(const bosun_report *r, FILE *out, bool color);

#endif
