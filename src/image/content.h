/*
 * Content scanning: one Hyperscan (vectorscan) database of every credential
 * pattern (secrets.h's table plus a user's patterns file), scanned in
 * streaming mode over each file's bytes as they come out of the layer, so
 * a secret split across two chunks is still found.
 *
 * The stream only says where a match ends; matches are rare, so each
 * first match of a pattern in a file is then confirmed and located by a
 * second database of the same patterns, in block mode with leftmost
 * start-of-match, over a small window kept around it: that gives its start
 * (for the line number and the redacted prefix) without paying for
 * start-of-match tracking on every byte. Each content_scan has its own
 * scratch for both, so workers share nothing mutable. A file full of
 * decoys (placeholders, PEM headers without a key) is confirmed up to a
 * cap per pattern, then a notice says bosun stopped.
 */
#ifndef BOSUN_IMAGE_CONTENT_H
#define BOSUN_IMAGE_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

typedef struct content_db content_db;

/*
 * Compile the built-in patterns and those of `patterns_file` (NULL: none).
 * On failure returns NULL with a message in *err (malloc'd).
 *
 * Patterns file: one pattern per line, `ID REGEX` (the id in kebab-case,
 * then blanks, then the regex to the end of the line); blank lines and
 * lines starting with '#' are ignored. A regex is in Hyperscan's syntax
 * (a POSIX extended regex mostly is) and must allow leftmost
 * start-of-match; `(?i)` at its start makes it case-insensitive. At most
 * 10,000 patterns, and none whose bounded repeats unroll to too much to
 * compile (see regex_cost.h): the message names the file and line.
 */
content_db *content_db_new(const char *patterns_file, char **err);
void content_db_free(content_db *db);
size_t content_db_count(const content_db *db);

/* A confirmed match. */
typedef struct content_match {
    const char *id;        /* pattern id */
    const char *name;      /* for messages */
    uint64_t line;         /* 1-based line of its start */
    const char *redacted;  /* safe to print (in the arena given) */
    /* Not 0: no match but a notice that this many candidates of the
     * pattern were rejected in the file before bosun stopped confirming
     * it there (name is the pattern's, redacted says so, line is where it
     * stopped): the file should be inspected. */
    uint32_t stopped_after;
} content_match;

typedef void (*content_match_fn)(void *ctx, const content_match *m);

/* Per-thread scanning state. */
typedef struct content_scan content_scan;

content_scan *content_scan_new(const content_db *db);
void content_scan_free(content_scan *s);

/* Start a file. Matches go to `fn`, their strings into `a`. */
void content_scan_begin(content_scan *s, arena *a, content_match_fn fn,
                        void *ctx);
/* The next bytes of the file. Returns false when every pattern has been
 * found in this file already (the rest need not be scanned). */
bool content_scan_data(content_scan *s, const uint8_t *p, size_t n);
void content_scan_end(content_scan *s);

/* Newlines in p[0..n) (vectorised; used for line numbers). */
size_t count_newlines(const uint8_t *p, size_t n);

#endif
