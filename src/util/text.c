#include "util/text.h"

#include <stdint.h>

#include <ctype.h>
#include <string.h>

int text_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool same_char(char a, char b, bool caseless)
{
    return caseless ? tolower((unsigned char)a) == tolower((unsigned char)b)
                    : a == b;
}

size_t text_edit_distance(const char *a, const char *b, bool caseless)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > TEXT_EDIT_MAX || lb > TEXT_EDIT_MAX)
        return TEXT_FAR;
    /* One row of the matrix, updated in place. */
    size_t row[TEXT_EDIT_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + !same_char(a[i - 1], b[j - 1], caseless);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

bool go_atoi(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    bool negative = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        negative = s[i++] == '-';
    if (i == len)
        return false;
    /* Accumulate as a negative number: its range holds INT64_MIN. */
    int64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        int d = s[i] - '0';
        if (v < (INT64_MIN + d) / 10)
            return false;
        v = v * 10 - d;
    }
    if (!negative) {
        if (v == INT64_MIN)
            return false;
        v = -v;
    }
    *out = v;
    return true;
}
