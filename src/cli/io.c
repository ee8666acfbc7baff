#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int cli_flush_stdout(int status)
{
    errno = 0;
    bool flushed = fflush(stdout) == 0;
    int saved = errno;
    if (flushed && !ferror(stdout))
        return status;
    /* A report that failed already said so, with exit status 2. */
    if (status != EXIT_BAD_INPUT)
        cli_error("error writing standard output%s%s",
                  !flushed && saved ? ": " : "",
                  !flushed && saved ? strerror(saved) : "");
    return EXIT_BAD_INPUT;
}

void cli_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bosun: note: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/*
 * Opens a named file for reading without ever blocking on it (a FIFO
 * would wait for a writer for ever), and only when it is a regular file.
 * NULL with *error set otherwise.
 */
static FILE *open_regular(const char *path, const char **error)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *error = strerror(errno);
        return NULL;
    }
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        why = "is a directory";
    else if (!S_ISREG(st.st_mode))
        why = "not a regular file (a FIFO, device or socket): not read";
    /* O_NONBLOCK stays: it changes nothing for a regular file. */
    FILE *f = why ? NULL : fdopen(fd, "rb");
    if (!f) {
        *error = why ? why : strerror(errno);
        close(fd);
    }
    return f;
}

char *cli_read_file(const char *path, size_t max, size_t *len,
                    const char **error)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : open_regular(path, error);
    if (!f)
        return NULL;
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
