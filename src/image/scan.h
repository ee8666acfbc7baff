/* The image scan with a content database compiled by the caller, so that
 * one compilation serves many scans (bosun_scan_image compiles one per
 * call). */
#ifndef BOSUN_IMAGE_SCAN_H
#define BOSUN_IMAGE_SCAN_H

#include <stdbool.h>

#include "bosun/bosun.h"
#include "image/content.h"

/* bosun_scan_image() with `db` (NULL: no content scanning); cfg and o
 * must not be NULL. */
bool image_scan(const bosun_config *cfg, const char *input,
                const bosun_image_options *o, const content_db *db,
                bosun_report *r);

#endif
