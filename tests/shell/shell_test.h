/* Helpers shared by the shell parser's tests (after cmocka.h). */
#ifndef BOSUN_TEST_SHELL_TEST_H
#define BOSUN_TEST_SHELL_TEST_H

#include <stdint.h>
#include <string.h>

#include "shell/shell.h"
#include "util/arena.h"

/* Offset of the n-th (0-based) occurrence of `needle` in `text`. */
static inline uint32_t at(const char *text, const char *needle, int nth)
{
    const char *p = text;
    for (;;) {
        p = strstr(p, needle);
        assert_non_null(p);
        if (nth-- == 0)
            return (uint32_t)(p - text);
        p++;
    }
}

/* The names of the commands, space separated ("-" for none); *state is
 * the test's arena. */
static inline const char *names(void **state, const sh_script *s)
{
    char *out = arena_alloc(*state, 4096);
    out[0] = '\0';
    for (size_t i = 0; i < s->ncmds; i++) {
        if (i)
            strcat(out, " ");
        strcat(out, s->cmds[i]->name ? s->cmds[i]->name : "-");
    }
    return out;
}

#endif
