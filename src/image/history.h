/*
 * The Dockerfile rules, run on what an image's configuration remembers of
 * its build: each history entry's created_by (the classic builder's
 * "/bin/sh -c #(nop) USER app" and "/bin/sh -c apt-get ...", BuildKit's
 * "RUN |1 V=2 /bin/sh -c ... # buildkit", "COPY src /dst # buildkit",
 * "ENV A=b") becomes a Dockerfile instruction again, the text is linted by
 * the same engine as any Dockerfile, and each finding is mapped back to
 * its history entry. Environment variables of the configuration that no
 * history entry explains are linted as ENV instructions too.
 */
#ifndef BOSUN_IMAGE_HISTORY_H
#define BOSUN_IMAGE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bosun/bosun.h"
#include "image/image.h"
#include "util/strbuf.h"

/* A Dockerfile rebuilt from history: the text and, per line, the history
 * entry it comes from (-1: the configuration's Env). */
typedef struct history_doc {
    strbuf text;
    int *line_entry;           /* indexed by line - 1 */
    size_t nlines, cap;
} history_doc;

void history_doc_free(history_doc *d);

/*
 * What the rebuilt text has declared so far: build arguments ("NAME=value",
 * as BuildKit repeats the "|N NAME=value" prefix on every RUN, each is
 * declared once) and the names ENV instructions set.
 */
typedef struct name_set {
    char **slots;              /* open addressing; NULL: free */
    size_t cap, n;
    uint64_t seed;             /* so that no input can make names collide */
} name_set;

typedef struct history_state {
    name_set args;             /* "NAME=value" */
    name_set env_names;
} history_state;

void history_state_free(history_state *st);
/* Does the history set the environment variable `name`? */
bool history_sets_env(const history_state *st, const char *name, size_t len);

/* Append the instruction that history entry `index` stands for (nothing
 * for entries with no Dockerfile equivalent, or none that rules judge). */
void history_append(history_doc *d, history_state *st, const char *created_by,
                    int index);
/* Append `ENV NAME="value"` for an entry of the configuration's Env. */
void history_append_env(history_doc *d, const char *name, size_t name_len,
                        const char *value);

/* Lint the image's history and Env; findings go to `r`. */
void history_check(const img_image *img, const bosun_config *cfg,
                   bosun_report *r);

#endif
