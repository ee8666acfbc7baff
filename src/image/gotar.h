/*
 * A tar header reader that reads headers exactly as Go's archive/tar does
 * (Reader.Next), because Go's reader is what docker (moby) and containerd
 * unpack layers with, and what docker load and containerd's importer read
 * image archives with. libarchive reads some headers differently (see
 * gotar.c); bosun runs this reader beside libarchive over the same bytes
 * and refuses a layer where the two disagree, and the outer archive index
 * reads its headers with it alone.
 *
 * It is fed the tar stream in pieces of any size and queues the entries
 * Go's Next() would return, in order. It only looks at header blocks (and
 * the extended headers and sparse maps Go reads): file data is skipped by
 * its size, so it costs a few instructions per 512-byte block of headers.
 * Memory: the queue holds entries whose header bytes were fed but not yet
 * taken, plus one extended header of at most GOTAR_MAX_SPECIAL bytes.
 */
#ifndef BOSUN_IMAGE_GOTAR_H
#define BOSUN_IMAGE_GOTAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Go's maxSpecialFileSize: the largest pax header, GNU long name or GNU
 * sparse map Go reads. */
#define GOTAR_MAX_SPECIAL (1u << 20)

/* One entry as Go's Reader.Next returns it. */
typedef struct gotar_entry {
    char *name;           /* Header.Name (never NULL; Go's names hold no NUL) */
    char *link;           /* Header.Linkname (never NULL) */
    char type;            /* Header.Typeflag, with '\0' already made '0' or
                             '5' as Next does */
    bool sparse;          /* old GNU or pax GNU sparse file */
    int64_t mode, uid, gid;
    int64_t size;         /* Header.Size (logical size of a sparse file) */
    uint64_t offset;      /* stream offset of its first header block */
    uint64_t data_offset; /* stream offset of its data (after any sparse map) */
    uint64_t data_len;    /* bytes of data in the stream (0 for links,
                             directories, devices and fifos) */
} gotar_entry;

typedef struct gotar gotar;

gotar *gotar_new(void);
void gotar_free(gotar *g);
/* Forget everything: a new stream starts. */
void gotar_reset(gotar *g);

/* The next `len` bytes of the stream. Once Go would have stopped (at the
 * end-of-archive blocks, or on an error), further bytes are ignored. */
void gotar_feed(gotar *g, const uint8_t *p, size_t len);
/* The stream ends here. */
void gotar_finish(gotar *g);

/* Bytes of file data (and padding) the reader would discard next without
 * looking at them: a caller reading from a file may gotar_skip() them
 * instead of feeding them. 0 when the reader needs header bytes. */
uint64_t gotar_skippable(const gotar *g);
void gotar_skip(gotar *g, uint64_t n);

/* The oldest entry not yet taken, or NULL when none is complete. */
const gotar_entry *gotar_peek(const gotar *g);
/* Drop the oldest entry (its strings go with it). */
void gotar_pop(gotar *g);

/* Go's reader saw the end of the archive (two zero blocks, or the end of
 * the stream where Go takes it as the end). */
bool gotar_ended(const gotar *g);
/* Why Go's reader fails at this point of the stream, or NULL. Entries
 * queued before the failure are still returned first. */
const char *gotar_error(const gotar *g);
/* Stream offset of the header block Go fails on (or of the end). */
uint64_t gotar_error_offset(const gotar *g);
/* Bytes of the stream consumed so far. */
uint64_t gotar_position(const gotar *g);

/* Typeflags whose entries Go and libarchive both read as files, links,
 * directories, devices or fifos: '0' to '6', and '7' and 'S', which both
 * read as regular files with data. Go returns any other typeflag as is
 * (with its data), where libarchive takes some for headers of the next
 * entry ('A', 'V', 'X') or for other types. */
bool gotar_known_type(char type);

#endif
