/*
 * The baseline for the corpus benchmark: read every file named on stdin
 * (one path per line) and count its lines, in one process. This is the
 * least any linter has to do with the same files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    static char buf[1 << 16];
    char path[4096];
    unsigned long files = 0, lines = 0, bytes = 0;
    while (fgets(path, sizeof(path), stdin)) {
        path[strcspn(path, "\n")] = '\0';
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
            bytes += n;
            for (const char *p = buf; (p = memchr(p, '\n', n - (size_t)(p - buf))); p++)
                lines++;
        }
        fclose(f);
        files++;
    }
    printf("%lu files, %lu lines, %lu bytes\n", files, lines, bytes);
    return 0;
}
