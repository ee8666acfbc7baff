/*
 * Fuzz the image path: the input is an image archive (a docker-archive or
 * an oci-archive: the outer tar, manifests, indexes, configs, compressed
 * layers, layer tars, whiteouts, accounts files, history) scanned as
 * bosun image would, from a memory file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bosun/bosun.h"
#include "image/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bosun_config *cfg;
    static content_db *db;
    if (!cfg) {
        char *err = NULL;
        cfg = bosun_config_new();
        db = content_db_new(NULL, &err);
        if (!db)
            return 0;
    }
    int fd = memfd_create("image", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    bosun_image_options o = {.jobs = 1, .max_ratio = 1000};
    bosun_report *r = bosun_report_new();
    image_scan(cfg, path, &o, db, r);
    bosun_report_sort(r);
    bosun_report_free(r);
    close(fd);
    return 0;
}
