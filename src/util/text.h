/* Small text helpers shared by the parsers and the rules. */
#ifndef BOSUN_UTIL_TEXT_H
#define BOSUN_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value of a hexadecimal digit, or -1. */
int text_hex_value(int c);

/* The longest word text_edit_distance() compares; longer ones are
 * TEXT_FAR from everything. */
#define TEXT_EDIT_MAX 64
#define TEXT_FAR ((size_t)TEXT_EDIT_MAX + 1)

/* Levenshtein distance between two short words (ASCII case ignored when
 * `caseless`): enough to say "did you mean ...?" for a typo. */
size_t text_edit_distance(const char *a, const char *b, bool caseless);

/* Go's strconv.Atoi on s[0..len) (ParseInt base 10, 64 bits): false when
 * it is not an optional sign then decimal digits, in int64 range. The
 * runtimes read user ids, tar numbers and platform variants with it. */
bool go_atoi(const char *s, size_t len, int64_t *out);

#endif
