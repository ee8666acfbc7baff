/*
 * The JSON documents of an image (index.json, indexes, manifests,
 * configurations, docker-archive's manifest.json and repositories,
 * oci-layout) read as Docker and containerd read them: with Go's
 * encoding/json into Go structs. Three of its rules matter here:
 *
 * - A key names a struct field when it equals the field's name ignoring
 *   case: ASCII case, and the two non-ASCII runes that fold to ASCII
 *   letters (U+017F long s is 's', U+212A Kelvin sign is 'k'). Keys of
 *   map-typed fields (annotations, labels) are exact.
 * - When two keys name the same field (or a key repeats), the last one
 *   wins (a struct value is even merged with the earlier one).
 * - A value of the wrong JSON type for a field fails the whole Unmarshal;
 *   null is the same as an absent key.
 *
 * So bosun refuses a document that has, in any object, two keys that Go
 * reads as one (exact duplicates included), or a field of a type Go
 * cannot store; then gj_get() looks fields up the way Go matches them and
 * gj_map_get() looks map keys up exactly. A document bosun accepts
 * therefore has one reading, and it is Go's.
 */
#ifndef BOSUN_IMAGE_GOJSON_H
#define BOSUN_IMAGE_GOJSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The Go type a document (or a field) is read into. */
typedef enum gj_kind {
    GJ_ANY,      /* not modelled: any value */
    GJ_STRING,
    GJ_BOOL,
    GJ_INT,      /* int, int64: a number without fraction or exponent */
    GJ_ARRAY,    /* a slice of `elem` */
    GJ_MAP,      /* map[string]elem: keys exact */
    GJ_STRUCT,   /* `fields`, matched as Go matches them */
} gj_kind;

typedef struct gj_field gj_field;

typedef struct gj_type {
    gj_kind kind;
    const struct gj_type *elem;    /* GJ_ARRAY, GJ_MAP */
    const gj_field *fields;        /* GJ_STRUCT; ends with a NULL name */
} gj_type;

struct gj_field {
    const char *name;
    const gj_type *type;
};

/* The documents, as the Go structs Docker and containerd decode them
 * into (gojson.c lists their fields). */
extern const gj_type gj_index_doc;        /* index.json, image indexes */
extern const gj_type gj_manifest_doc;     /* image manifests */
extern const gj_type gj_config_doc;       /* image configurations */
extern const gj_type gj_docker_manifest_doc; /* docker-archive manifest.json */
extern const gj_type gj_repositories_doc; /* docker-archive repositories */
extern const gj_type gj_oci_layout_doc;   /* oci-layout */

/* Most memory the tree of one document may take (a document of many
 * small values takes up to 80 times its size). */
#define GJ_MAX_TREE (24u << 20)

/*
 * Parse `data` and check it against `type` as described above. Returns
 * the document (the caller json_decref()s it), or NULL with a one-line
 * reason in err (at most errlen bytes; keys are quoted, control
 * characters escaped, long ones cut).
 */
json_t *gj_parse(const char *data, size_t len, const gj_type *type, char *err,
                 size_t errlen);

/* Do two keys name the same Go struct field? */
bool gj_key_equal(const char *a, const char *b);

/* The value of struct field `field` of `obj` (matched as Go matches it);
 * NULL when obj is not an object, or the field is absent or null. */
json_t *gj_get(const json_t *obj, const char *field);
/* Is there a key for struct field `field` (whatever its value, null
 * too)? */
bool gj_has(const json_t *obj, const char *field);
/* The same, when it is a string (else NULL). */
const char *gj_str(const json_t *obj, const char *field);
/* A map entry (an exact key), NULL when absent or null; and as a string. */
json_t *gj_map_get(const json_t *map, const char *key);
const char *gj_map_str(const json_t *map, const char *key);

#endif
