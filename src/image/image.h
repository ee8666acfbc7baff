/*
 * An image as bosun reads it: the layers to stream (in order, each with the
 * digest that names it and where its bytes are), the configuration
 * (user, environment, history) and the tags it was saved under.
 */
#ifndef BOSUN_IMAGE_IMAGE_H
#define BOSUN_IMAGE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bosun/bosun.h"
#include "image/decompress.h"
#include "image/findings.h"
#include "image/source.h"
#include "util/arena.h"

typedef struct img_layer {
    size_t index;
    const char *digest;        /* what names the blob, or NULL */
    bool digest_of_content;    /* the digest is a diff_id: it names the
                                  uncompressed tar, not the blob */
    const char *diff_id;       /* the configuration's rootfs.diff_ids
                                  entry: the uncompressed tar's digest, or
                                  NULL (none, or not one per layer) */
    const char *media_type;    /* NULL in a docker-archive */
    bool compressed_known;     /* the media type says how it is compressed */
    img_compression compression; /* ... namely */
    int64_t size;              /* declared size, -1 when unknown */
    const char *member;        /* path of the blob in the input */
} img_layer;

typedef struct img_history {
    const char *created_by;    /* NULL when absent */
    const char *comment;       /* NULL when absent */
    bool empty_layer;
    int layer;                 /* the layer it made, or -1 */
} img_history;

typedef struct img_image {
    const char *name;          /* the input as given */
    const char *format;        /* "docker-archive", "oci", "oci-archive" */
    img_source src;
    img_layer *layers;
    size_t nlayers;

    const char *manifest_digest; /* the image manifest's, or NULL (a
                                  docker-archive has no manifest) */
    const char *config_digest;
    const char *config_member; /* where the configuration is in the input */
    bool has_user;
    const char *user;          /* config User ("" when empty) */
    const char **env;          /* config Env, "NAME=value" */
    size_t nenv;
    img_history *history;
    size_t nhistory;
    const char *os, *arch, *variant;

    const char **tags;         /* repository tags or reference names */
    size_t ntags;

    /* The configuration's rootfs.diff_ids (an entry NULL when not a
     * valid digest), and what the manifest's annotations say of the base
     * image (org.opencontainers.image.base.name/.digest; NULL when
     * absent). */
    const char **diff_ids;
    size_t ndiff_ids;
    const char *base_name, *base_digest;
    const char *want_ref;      /* the reference the image was chosen by
                                  (:REF or --ref), or NULL */
    const char *report_name;   /* what reports call it (image_report_name) */
    bool report_name_is_path;
} img_image;

/* What to pick when an input holds several images. */
typedef struct img_select {
    const char *platform;      /* os/arch[/variant]; NULL: the host's */
    const char *ref;           /* a reference name or repository tag */
    bool verify;               /* check the digests of JSON blobs */
} img_select;

/* An input as given: a path, or docker-archive:/oci:/oci-archive: with
 * an optional :REF. */
typedef struct img_input {
    const char *transport;     /* "docker-archive", "oci", "oci-archive",
                                  or NULL (told from the content) */
    const char *path;          /* "-": the standard input */
    const char *ref;           /* the :REF, or NULL */
} img_input;

/* Split `input` (strings in `a` or in `input`). */
void image_parse_input(arena *a, const char *input, img_input *out);

/*
 * Open `input` (a path, or docker-archive:/oci:/oci-archive: with an
 * optional :REF) and read its manifests and configuration. False when the
 * image cannot be scanned (the reason is reported as an error).
 */
bool image_open(arena *a, const char *input, const img_select *sel,
                img_sink *sink, img_image *out);

/* The same on a source already open (a stream read to its end), which
 * `out` takes over (image_close closes it). `name` is the input as
 * given. */
bool image_load(arena *a, const char *name, const img_input *in,
                img_source *src, const img_select *sel, img_sink *sink,
                img_image *out);
void image_close(img_image *img);

/* A reference written the short way Docker shows it: Docker Hub's
 * defaults left out, the tag explicit ("app:latest"); `s` itself when
 * it does not parse. In `a`. */
const char *image_short_reference(arena *a, const char *s);

/* What reports call the image of input `in` (name.c says how it is
 * chosen): `given` (--name) or NULL, `registry_ref` the reference of a
 * registry's image or NULL, `img` the image read (NULL when it could not
 * be). *is_path tells a name that is the input's path. In `a` or in the
 * arguments. */
const char *image_report_name(arena *a, const img_input *in,
                              const char *registry_ref,
                              const img_image *img, const char *given,
                              bool *is_path);

/* The host's platform as OCI names it ("linux/amd64", "linux/arm/v7"). */
const char *image_host_platform(arena *a);

/* Largest index, manifest or configuration read (they are JSON). */
#define IMG_MAX_JSON (16u << 20)
/* Deepest nesting of indexes followed. */
#define IMG_MAX_INDEX_DEPTH 8

#endif
