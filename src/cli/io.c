#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "util/xalloc.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bosun: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

char *cli_read_file(const char *path, size_t max, size_t *len,
                    const char **error)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        *error = strerror(errno);
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        if (f != stdin)
            fclose(f);
        *error = "is a directory";
        return NULL;
    }
    size_t cap = 64 * 1024, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                free(buf);
                if (f != stdin)
                    fclose(f);
                *error = "file too large";
                return NULL;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(f);
    int saved = errno;
    if (f != stdin)
        fclose(f);
    if (failed) {
        free(buf);
        *error = strerror(saved);
        return NULL;
    }
    if (n > max) {
        free(buf);
        *error = "file too large";
        return NULL;
    }
    *len = n;
    return buf;
}
