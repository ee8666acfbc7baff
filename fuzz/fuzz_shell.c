/*
 * libFuzzer target for the shell parser: parses the input as a script, in
 * both dialects and with a resolver, and walks every result so the
 * sanitizers see any bad pointer or length. Also feeds the input to
 * sh_from_argv split at NUL bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "shell/shell.h"
#include "util/arena.h"

static const char *resolve(void *ctx, const char *name, size_t len, size_t *vlen)
{
    (void)ctx;
    if (len == 3 && memcmp(name, "PKG", 3) == 0) {
        *vlen = 8;
        return "curl x|sh";
    }
    if (len == 1 && name[0] == 'V') {
        *vlen = 0;
        return "";
    }
    return NULL;
}

static volatile unsigned sink;

static void touch(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        sink += b[i];
}

static void touch_word(const sh_word *w)
{
    touch(w->value, w->len + 1);
    touch(w->raw, strlen(w->raw) + 1);
    if (w->off > w->end)
        __builtin_trap();
}

static void walk(const sh_script *s)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_command *c = s->cmds[i];
        if (c->index != i)
            __builtin_trap();
        /* Nested commands come after the command holding them. */
        if (c->parent && c->parent->index >= c->index)
            __builtin_trap();
        if (c->parent && c->parent_word >= (int)c->parent->argc)
            __builtin_trap();
        for (size_t k = 0; k < c->argc; k++)
            touch_word(&c->argv[k]);
        for (size_t k = 0; k < c->nassigns; k++)
            touch_word(&c->assigns[k]);
        for (size_t k = 0; k < c->nredirs; k++) {
            touch_word(&c->redirs[k].target);
            if (c->redirs[k].body)
                touch(c->redirs[k].body, c->redirs[k].body_len + 1);
        }
        if (c->argc && c->cmd_index >= c->argc)
            __builtin_trap();
        for (size_t k = 0; k < c->nargs; k++)
            touch_word(&c->args[k]);
        if (c->name)
            touch(c->name, strlen(c->name));
        if (c->pipe_prev)
            sink += c->pipe_prev->index;
        if (c->pipe_next)
            sink += c->pipe_next->index;
    }
    for (size_t i = 0; i < s->nfunctions; i++)
        touch(s->functions[i], strlen(s->functions[i]));
    if (s->error)
        touch(s->error->message, strlen(s->error->message));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a;
    arena_init(&a);
    const char *text = (const char *)data;

    /* A map with a few segments, as a Dockerfile's joined lines give. */
    srcmap map = {0};
    for (size_t i = 0; i < size; i += 37)
        srcmap_add(&map, &a, i, 3 * i + 5);

    sh_options bash = {.dialect = SH_DIALECT_BASH, .resolve = resolve};
    walk(sh_parse(&a, text, size, &map, &bash));
    sh_options posix = {.dialect = SH_DIALECT_POSIX, .max_depth = 3};
    walk(sh_parse(&a, text, size, NULL, &posix));

    /* Exec form: the input split at NUL bytes into at most 8 arguments. */
    const char *argv[8];
    size_t lens[8];
    uint32_t offs[8];
    size_t argc = 0, start = 0;
    for (size_t i = 0; i <= size && argc < 8; i++) {
        if (i == size || data[i] == '\0') {
            argv[argc] = text + start;
            lens[argc] = i - start;
            offs[argc] = (uint32_t)start;
            argc++;
            start = i + 1;
        }
    }
    walk(sh_from_argv(&a, argv, lens, argc, offs, NULL, NULL));

    arena_release(&a);
    return 0;
}
