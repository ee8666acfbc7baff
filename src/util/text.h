/* Small text helpers shared by the parsers and the rules. */
#ifndef BOSUN_UTIL_TEXT_H
#define BOSUN_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Value of a hexadecimal digit, or -1. */
int text_hex_value(int c);

/* The longest word text_edit_distance() compares; longer ones are
 * TEXT_FAR from everything. */
#define TEXT_EDIT_MAX 64
#define TEXT_FAR ((size_t)TEXT_EDIT_MAX + 1)

/* Levenshtein distance between two short words (ASCII case ignored when
 * `caseless`): enough to say "did you mean ...?" for a typo. */
size_t text_edit_distance(const char *a, const char *b, bool caseless);

#endif
