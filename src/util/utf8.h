/* UTF-8 validation, shared by every writer that must emit valid text. */
#ifndef BOSUN_UTIL_UTF8_H
#define BOSUN_UTIL_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at p (1 for ASCII), or 0 when the
 * bytes there are not valid UTF-8 (overlong, surrogate, truncated...). */
size_t utf8_valid_len(const char *p, size_t avail);

/* U+FFFD, written in place of a byte that is not valid UTF-8. */
#define UTF8_REPLACEMENT "\xEF\xBF\xBD"

#endif
