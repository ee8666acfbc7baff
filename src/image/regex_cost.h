/*
 * What a credential pattern costs to compile, estimated from its text
 * before it is compiled: Hyperscan unrolls bounded repeats, so
 * `[a-z]{1,30000}` or `(a{1,100}b){1,100}` takes seconds or gigabytes to
 * compile however short it is written, and a users' patterns file is
 * refused on such a pattern rather than compiled.
 */
#ifndef BOSUN_IMAGE_REGEX_COST_H
#define BOSUN_IMAGE_REGEX_COST_H

#include <stdint.h>

/*
 * The positions of `re` once its bounded repeats are unrolled: each
 * character, class or escape is one, a group is the sum of its branches,
 * x{n} is n copies of x, x{m,} m + 1, and x{m,n} (m < n) m fixed copies
 * and n - m optional ones, each optional one counted `optional` times
 * (they cost Hyperscan many times what fixed ones do once many patterns
 * have them). Counting stops at REGEX_COST_INFINITE.
 */
uint64_t regex_cost(const char *re, uint64_t optional);

#define REGEX_COST_INFINITE (UINT64_C(1) << 40)

#endif
