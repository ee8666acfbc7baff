/* `bosun image`: run bosun-image (see image_main.c), found next to the
 * running executable, or else in PATH. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#define IMAGE_HELPER "bosun-image"

int cli_run_image(int argc, char **argv)
{
    (void)argc;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        char path[PATH_MAX + sizeof(IMAGE_HELPER)];
        if (slash) {
            snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - self), self,
                     IMAGE_HELPER);
            argv[0] = path;
            execv(path, argv);
        }
    }
    argv[0] = IMAGE_HELPER;
    execvp(IMAGE_HELPER, argv);
    cli_error("image: cannot run %s: %s (it is installed with bosun)",
              IMAGE_HELPER, strerror(errno));
    return EXIT_BAD_INPUT;
}
