/*
 * Fingerprints: what code-scanning dashboards (GitLab Code Quality, SARIF
 * consumers) use to tell a new finding from one they have seen before.
 * A fingerprint hashes what identifies a problem - the rule, the file (an
 * image's name), the trimmed text of the offending line, or the layer's
 * uncompressed digest (diff_id) and path - and
 * the rank of the finding among those with the same identity, so that two
 * identical lines in one file still get two fingerprints. Line numbers are
 * left out on purpose: inserting a line above a finding must not make it
 * look new.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/xalloc.h"

/* 64-bit FNV-1a: small, fast and stable across platforms and releases. */
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= FNV_PRIME;
    }
    return h;
}

/* A field, and a separator so that ("ab", "c") and ("a", "bc") differ. */
static uint64_t fnv_field(uint64_t h, const char *s)
{
    if (s)
        h = fnv_bytes(h, s, strlen(s));
    return fnv_bytes(h, "\0", 1);
}

/* The line without the indentation and trailing blanks around it. */
static uint64_t fnv_trimmed(uint64_t h, const char *s)
{
    if (!s)
        return fnv_field(h, NULL);
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    h = fnv_bytes(h, s, n);
    return fnv_bytes(h, "\0", 1);
}

/* An image's finding is identified by the image's name (not where its
 * archive sits), the layer's diff_id and the path in the layer: the same
 * image saved in any format, under any file name, gives the same
 * fingerprints. */
static uint64_t identity(const bosun_report *r, const bosun_finding *f)
{
    uint64_t h = FNV_OFFSET;
    h = fnv_field(h, f->rule);
    h = fnv_field(h, report_path(report_display_name(r, f->file)));
    h = fnv_trimmed(h, f->source_line);
    h = fnv_field(h, f->layer_digest);
    h = fnv_field(h, f->path);
    char history[16] = "";
    if (f->history_index >= 0 && !f->source_line)
        snprintf(history, sizeof(history), "%d", f->history_index);
    return fnv_field(h, history);
}

typedef struct keyed {
    uint64_t key;
    size_t index;
} keyed;

static int compare_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

report_fingerprint *report_fingerprints(const bosun_report *r)
{
    size_t n = r->nfindings;
    report_fingerprint *out = xcalloc(n ? n : 1, sizeof(*out));
    keyed *keys = xcalloc(n ? n : 1, sizeof(*keys));
    for (size_t i = 0; i < n; i++)
        keys[i] = (keyed){identity(r, &r->findings[i]), i};
    /* Rank findings of equal identity in report order. */
    qsort(keys, n, sizeof(*keys), compare_keyed);
    size_t rank = 0;
    for (size_t i = 0; i < n; i++) {
        rank = i > 0 && keys[i].key == keys[i - 1].key ? rank + 1 : 0;
        char digits[24];
        snprintf(digits, sizeof(digits), "%zu", rank);
        uint64_t h = fnv_field(keys[i].key, digits);
        snprintf(out[keys[i].index], sizeof(out[0]), "%016llx",
                 (unsigned long long)h);
    }
    free(keys);
    return out;
}
