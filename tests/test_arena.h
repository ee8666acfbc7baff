/* cmocka fixtures for tests that allocate from one arena per test:
 * *state is the arena. */
#ifndef BOSUN_TEST_ARENA_H
#define BOSUN_TEST_ARENA_H

#include "util/arena.h"

static inline int setup(void **state)
{
    arena *a = test_malloc(sizeof(arena));
    arena_init(a);
    *state = a;
    return 0;
}

static inline int teardown(void **state)
{
    arena_release(*state);
    test_free(*state);
    return 0;
}

#endif
