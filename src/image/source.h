/*
 * Where an image's files are: a directory (an OCI image layout, or an
 * unpacked docker save), an uncompressed tar archive (docker-archive,
 * oci-archive), or such an archive read as it came from a pipe
 * (instream.h), addressed by member path in every case. Members of a
 * directory or an archive are read in place: a blob is a byte range of a
 * file, read with pread() so that several threads can stream different
 * layers at once. A stream cannot be read twice: its JSON documents were
 * kept as they passed, and its layers scanned.
 *
 * Nothing outside the input is ever opened: a directory's members are
 * resolved beneath the directory only (symbolic links that stay inside
 * work, as docker save writes them for repeated layers; links that lead
 * out, absolute ones and /proc's magic links are refused), and nothing is
 * opened in a way that can block (a FIFO is refused, not waited on).
 */
#ifndef BOSUN_IMAGE_SOURCE_H
#define BOSUN_IMAGE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "image/tarindex.h"
#include "util/arena.h"

/* A byte range of an open file. */
typedef struct blob_loc {
    int fd;
    bool own_fd;          /* close fd with the location */
    uint64_t off, len;
} blob_loc;

void blob_loc_close(blob_loc *loc);

typedef enum source_kind {
    SOURCE_DIR,           /* a directory */
    SOURCE_ARCHIVE,       /* a tar archive on disk, read in place */
    SOURCE_STREAM,        /* a tar archive read as it came */
    SOURCE_REMOTE,        /* an image in a registry (remote.h) */
} source_kind;

struct instream;
struct remote;

typedef struct img_source {
    source_kind kind;
    bool is_dir;          /* kind == SOURCE_DIR */
    int fd;               /* the directory, or the archive (-1: none) */
    uint64_t size;        /* of the archive */
    tar_index index;      /* of the archive or the stream; a member of a
                             stream is at the offset of its data in the
                             (decompressed) stream */
    struct instream *stream; /* what was kept of a stream (owned) */
    struct remote *remote;   /* a registry's image (owned) */
    bool walk_only;       /* resolve members by the component walk, as on a
                             kernel without openat2() (for tests) */
} img_source;

/* Open `path`, a directory or a tar archive. False with *err set when it
 * cannot be read (a compressed archive is refused with advice; a FIFO or
 * a device is refused without waiting on it). */
bool source_open(arena *a, const char *path, img_source *src,
                 const char **err);
void source_close(img_source *src);

/* Is there an entry called `member` (a name at the top of the input)? In a
 * directory, of any type: a FIFO or a link out is there, and refused when
 * it is located. In an archive, a regular file (or a link to one). */
bool source_has(const img_source *src, const char *member);

/* Locate `member` (a relative path without ".."), a regular file beneath
 * the input. False with *err set when it is missing, is not a regular file
 * or is reached through a link out of the input. The member of a stream
 * has no descriptor (fd -1): its offset names it. */
bool source_locate(const img_source *src, const char *member, blob_loc *loc,
                   const char **err);

/* Are members a and b the same file (the same bytes of the archive, the
 * same inode of the directory)? False when either cannot be located. */
bool source_same_file(const img_source *src, const char *a, const char *b);

/* Read `member` whole (a JSON document), NUL-terminated, into the arena
 * (or, from a stream, where it was kept, which lives as long as the
 * source). False with *err set when it cannot be read, or when it is
 * larger than `max` (then *len is its size). */
bool source_read(const img_source *src, arena *a, const char *member,
                 size_t max, char **data, size_t *len, const char **err);

/* Read all of a location into the arena, NUL-terminated; false when it is
 * larger than `max` or cannot be read. */
bool blob_loc_read(arena *a, const blob_loc *loc, size_t max, char **data,
                   const char **err);

/* pread() that retries on EINTR and short reads; returns the bytes read
 * (less than len only at end of file) or -1. */
ssize_t read_at(int fd, void *buf, size_t len, uint64_t off);

#endif
