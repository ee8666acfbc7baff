/*
 * image_open: from an input name to the layers and configuration of one
 * image. Inputs are docker-archives (docker save, both the legacy layout
 * and Docker 25's, which carries an OCI layout too) and OCI image layouts
 * (a directory or a tar). Indexes may nest; one image is picked by
 * reference name and platform.
 */
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "dockerfile/reference.h"
#include "image/digest.h"
#include "image/gojson.h"
#include "image/image.h"
#include "image/platform.h"
#include "util/strbuf.h"

enum input_kind {
    INPUT_AUTO,
    INPUT_DOCKER_ARCHIVE,
    INPUT_OCI,
    INPUT_OCI_ARCHIVE,
};

/* ------------------------------------------------------------ media types */

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_LIST \
    "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST \
    "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

static const struct {
    const char *type;
    img_compression comp;
} layer_types[] = {
    {"application/vnd.oci.image.layer.v1.tar", IMG_COMP_NONE},
    {"application/vnd.oci.image.layer.v1.tar+gzip", IMG_COMP_GZIP},
    {"application/vnd.oci.image.layer.v1.tar+zstd", IMG_COMP_ZSTD},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar", IMG_COMP_NONE},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
     IMG_COMP_GZIP},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
     IMG_COMP_ZSTD},
    {"application/vnd.docker.image.rootfs.diff.tar", IMG_COMP_NONE},
    {"application/vnd.docker.image.rootfs.diff.tar.gzip", IMG_COMP_GZIP},
    {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
     IMG_COMP_GZIP},
    {"application/vnd.docker.image.rootfs.diff.tar.zstd", IMG_COMP_ZSTD},
};

static bool layer_media_type(const char *mt, img_compression *comp)
{
    for (size_t i = 0; i < sizeof(layer_types) / sizeof(layer_types[0]); i++)
        if (strcmp(mt, layer_types[i].type) == 0) {
            *comp = layer_types[i].comp;
            return true;
        }
    return false;
}

static bool is_index_type(const char *mt)
{
    return mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST));
}

static bool is_manifest_type(const char *mt)
{
    return mt &&
           (!strcmp(mt, MT_OCI_MANIFEST) || !strcmp(mt, MT_DOCKER_MANIFEST));
}

/* ------------------------------------------------------------- helpers */

typedef struct loader {
    arena *a;
    img_sink *sink;
    const img_select *sel;
    img_image *img;
    const char *want_platform;
    platform_matcher matcher;     /* of want_platform */
    const char *want_ref;
    bool check_config_platform;   /* the manifest's entry had no platform */
} loader;

static const char *copy(loader *l, const char *s)
{
    return s ? arena_strdup(l->a, s) : NULL;
}

/* A path from a manifest, for a one-line message: control characters
 * replaced, cut after 200 bytes. */
static const char *printable(loader *l, const char *s)
{
    size_t n = strlen(s) < 200 ? strlen(s) : 200;
    char *out = arena_strndup(l->a, s, n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            out[i] = '?';
    return out;
}

/* Parse a JSON document read from the input as Docker and containerd read
 * it (image/gojson.h): one reading, or refused. */
static json_t *parse_json(loader *l, const char *what, const gj_type *type,
                          const char *data, size_t len)
{
    char err[512];
    json_t *doc = gj_parse(data, len, type, err, sizeof(err));
    if (!doc)
        sink_error(l->sink, "%s: %s", what, err);
    return doc;
}

/* Read a member of the input that holds JSON; `what` names it in
 * messages. */
static json_t *read_json_member(loader *l, const char *member, const char *what,
                                const gj_type *type, char **raw,
                                size_t *raw_len)
{
    char *data = NULL;
    size_t len = 0;
    const char *err;
    if (!source_read(&l->img->src, l->a, member, IMG_MAX_JSON, &data, &len,
                     &err)) {
        if (len > IMG_MAX_JSON)
            sink_error(l->sink, "%s: %zu bytes, more than the %u MiB bosun "
                       "reads for JSON", what, len, IMG_MAX_JSON >> 20);
        else
            sink_error(l->sink, "%s: %s", what, err);
        return NULL;
    }
    if (raw) {
        *raw = data;
        *raw_len = (size_t)len;
    }
    return parse_json(l, what, type, data, (size_t)len);
}

static const char *blob_member(loader *l, const char *digest)
{
    size_t alg = strcspn(digest, ":");
    return arena_printf(l->a, "blobs/%.*s/%s", (int)alg, digest,
                        digest_hex(digest));
}

/* A descriptor's digest, checked; NULL (after reporting) when unusable. */
static const char *descriptor_digest(loader *l, json_t *desc, const char *what)
{
    const char *d = gj_str(desc, "digest");
    const char *why;
    if (!d) {
        sink_error(l->sink, "%s: descriptor without a digest", what);
        return NULL;
    }
    if (!digest_valid(d, &why)) {
        sink_error(l->sink, "%s: %s: %.80s", what, why, d);
        return NULL;
    }
    return d;
}

static int64_t descriptor_size(json_t *desc)
{
    json_t *s = gj_get(desc, "size");
    return json_is_integer(s) && json_integer_value(s) >= 0
               ? (int64_t)json_integer_value(s)
               : -1;
}

/* Hash a small blob and compare with the digest naming it. */
static void verify_json_blob(loader *l, const char *what, const char *digest,
                             const char *data, size_t len, int64_t declared)
{
    if (!l->sel->verify || !digest)
        return;
    char got[DIGEST_MAX + 1];
    hasher *h = hasher_new(digest);
    hasher_update(h, data, len);
    hasher_final(h, got);
    hasher_free(h);
    if (strcmp(got, digest) != 0)
        findings_add(&l->sink->findings, "image-digest-mismatch", -1, NULL,
                     KIND_ARCHIVE, "the %s named %s has the digest %s: it is "
                     "not the blob the image refers to (corrupted or "
                     "tampered with)", what, digest, got);
    else if (declared >= 0 && (uint64_t)declared != len)
        findings_add(&l->sink->findings, "image-digest-mismatch", -1, NULL,
                     KIND_ARCHIVE, "the %s %s is %zu bytes, but its descriptor "
                     "says %lld", what, digest, len, (long long)declared);
}

/* Read the JSON blob a descriptor points to (a `what`: "image manifest",
 * "image configuration" ...), verified. */
static json_t *read_descriptor_json(loader *l, json_t *desc, const char *what,
                                    const gj_type *type,
                                    const char **digest_out)
{
    const char *digest = descriptor_digest(l, desc, what);
    if (!digest)
        return NULL;
    const char *named = arena_printf(l->a, "%s %s", what, digest);
    int64_t declared = descriptor_size(desc);
    if (declared > (int64_t)IMG_MAX_JSON) {
        sink_error(l->sink, "%s: declared size %lld is more than the %u "
                   "MiB bosun reads for JSON", named, (long long)declared,
                   IMG_MAX_JSON >> 20);
        return NULL;
    }
    char *raw;
    size_t raw_len;
    const char *member = blob_member(l, digest);
    json_t *doc = read_json_member(l, member, named, type, &raw, &raw_len);
    if (!doc)
        return NULL;
    verify_json_blob(l, what, digest, raw, raw_len, declared);
    if (digest_out)
        *digest_out = copy(l, digest);
    return doc;
}

/* --------------------------------------------------------------- config */

static bool load_config(loader *l, json_t *cfg)
{
    img_image *img = l->img;
    if (!json_is_object(cfg)) {
        sink_error(l->sink, "image configuration: not a JSON object");
        return false;
    }
    img->os = copy(l, gj_str(cfg, "os"));
    img->arch = copy(l, gj_str(cfg, "architecture"));
    img->variant = copy(l, gj_str(cfg, "variant"));
    /* What runs is "config" alone: containerd reads no other field, and
     * Docker's classic store runs a container with no User when "config"
     * is null or missing, whatever "container_config" (the build
     * container's settings) says. */
    json_t *c = gj_get(cfg, "config");
    img->user = "";
    if (json_is_object(c)) {
        const char *u = gj_str(c, "User");
        img->has_user = u != NULL;
        img->user = u ? copy(l, u) : "";
        json_t *env = gj_get(c, "Env");
        if (json_is_array(env)) {
            size_t n = json_array_size(env);
            img->env = ARENA_ARRAY(l->a, const char *, n + 1);
            for (size_t i = 0; i < n; i++) {
                json_t *e = json_array_get(env, i);
                if (json_is_string(e))
                    img->env[img->nenv++] = copy(l, json_string_value(e));
            }
        }
    }
    json_t *hist = gj_get(cfg, "history");
    if (json_is_array(hist)) {
        size_t n = json_array_size(hist);
        img->history = ARENA_ARRAY(l->a, img_history, n + 1);
        int layer = 0;
        for (size_t i = 0; i < n; i++) {
            json_t *h = json_array_get(hist, i);
            img_history *out = &img->history[img->nhistory++];
            out->created_by =
                copy(l, json_is_object(h) ? gj_str(h, "created_by") : NULL);
            out->comment =
                copy(l, json_is_object(h) ? gj_str(h, "comment") : NULL);
            out->empty_layer = json_is_object(h) &&
                               json_is_true(gj_get(h, "empty_layer"));
            out->layer = out->empty_layer ? -1 : layer++;
        }
    }
    return true;
}

/* The config's diff_ids (digests of the uncompressed layers). */
static const char **config_diff_ids(loader *l, json_t *cfg, size_t *n)
{
    json_t *ids = gj_get(gj_get(cfg, "rootfs"), "diff_ids");
    *n = 0;
    if (!json_is_array(ids))
        return NULL;
    const char **out =
        ARENA_ARRAY(l->a, const char *, json_array_size(ids) + 1);
    for (size_t i = 0; i < json_array_size(ids); i++) {
        const char *d = json_string_value(json_array_get(ids, i));
        const char *why;
        out[(*n)++] = d && digest_valid(d, &why) ? copy(l, d) : NULL;
    }
    return out;
}

/* ---------------------------------------------------------- OCI layouts */

/* A manifest chosen from an index entry without a platform runs only if
 * its configuration's platform is accepted (containerd's
 * images.ConfigPlatform). */
static bool config_platform_ok(loader *l, json_t *cfg, const char *what)
{
    img_platform p = {
        .os = gj_str(cfg, "os"),
        .arch = gj_str(cfg, "architecture"),
        .variant = gj_str(cfg, "variant"),
        .has_features = json_array_size(gj_get(cfg, "os.features")) > 0,
    };
    if (platform_rank(l->a, &l->matcher, &p) >= 0)
        return true;
    platform_normalize(l->a, &p);
    sink_error(l->sink, "no image for %s: %s has no platform in its index, "
               "and its configuration says %s%s (containerd does not run "
               "it)", l->want_platform, what,
               printable(l, platform_format(l->a, &p)),
               p.has_features ? " with os.features" : "");
    return false;
}

static bool load_manifest(loader *l, json_t *m, const char *manifest_digest)
{
    img_image *img = l->img;
    json_t *cdesc = gj_get(m, "config");
    json_t *layers = gj_get(m, "layers");
    const char *what = manifest_digest
                           ? arena_printf(l->a, "manifest %s", manifest_digest)
                           : "manifest";
    if (!json_is_object(cdesc) || !json_is_array(layers)) {
        if (gj_get(m, "fsLayers"))
            sink_error(l->sink, "%s: Docker schema 1 manifests are not "
                       "supported (convert with skopeo copy)", what);
        else
            sink_error(l->sink, "%s: no config or no layers", what);
        return false;
    }
    const char *ctype = gj_str(cdesc, "mediaType");
    if (ctype && strcmp(ctype, MT_OCI_CONFIG) &&
        strcmp(ctype, MT_DOCKER_CONFIG)) {
        sink_error(l->sink, "%s: an artifact (config media type %s), not a "
                   "container image", what, ctype);
        return false;
    }
    json_t *cfg = read_descriptor_json(l, cdesc, "image configuration",
                                       &gj_config_doc, &img->config_digest);
    if (!cfg)
        return false;
    img->config_member = blob_member(l, img->config_digest);
    img->manifest_digest = manifest_digest;
    if (l->check_config_platform && !config_platform_ok(l, cfg, what)) {
        json_decref(cfg);
        return false;
    }
    size_t ndiff;
    const char **diff_ids = config_diff_ids(l, cfg, &ndiff);
    bool ok = load_config(l, cfg);
    img->diff_ids = config_diff_ids(l, cfg, &img->ndiff_ids);
    json_decref(cfg);
    if (!ok)
        return false;
    json_t *ann = gj_get(m, "annotations");
    img->base_name = copy(l, json_string_value(gj_map_get(
                                 ann, "org.opencontainers.image.base.name")));
    img->base_digest = copy(l, json_string_value(gj_map_get(
                                   ann, "org.opencontainers.image.base.digest")));

    size_t n = json_array_size(layers);
    if (ndiff != n)
        diff_ids = NULL; /* cannot tell which is which */
    img->layers = ARENA_ARRAY(l->a, img_layer, n + 1);
    for (size_t i = 0; i < n; i++) {
        json_t *d = json_array_get(layers, i);
        const char *lwhat = arena_printf(l->a, "layer %zu", i);
        const char *digest =
            json_is_object(d) ? descriptor_digest(l, d, lwhat) : NULL;
        if (!digest) {
            if (!json_is_object(d))
                sink_error(l->sink, "%s: not a descriptor", lwhat);
            return false;
        }
        img_layer *ly = &img->layers[img->nlayers++];
        ly->index = i;
        ly->digest = copy(l, digest);
        ly->media_type = copy(l, gj_str(d, "mediaType"));
        ly->diff_id = diff_ids ? diff_ids[i] : NULL;
        ly->size = descriptor_size(d);
        ly->member = blob_member(l, digest);
        if (ly->media_type &&
            !layer_media_type(ly->media_type, &ly->compression)) {
            sink_error(l->sink, "layer %zu (%s): media type %s is not a "
                       "filesystem layer; not scanned", i, digest,
                       ly->media_type);
            ly->member = NULL;
            continue;
        }
        ly->compressed_known = ly->media_type != NULL;
    }
    return true;
}

/* ------------------------------------------------------------ choosing */

/*
 * Which manifest of an index runs, as containerd's images.Manifest picks
 * it with platforms.Only(want) (image/platform.h has the matcher):
 *
 * 1. An entry whose platform the matcher does not accept is dropped
 *    (attestations and signatures, platform unknown/unknown, go there);
 *    an entry without a platform is kept.
 * 2. The rest is sorted, stably: entries with a platform by the
 *    matcher's order of preference (equal ones keep the index's order),
 *    then the entries without one, in the index's order.
 * 3. Only the first is followed ("first match wins"): an index is walked
 *    the same way (at most IMG_MAX_INDEX_DEPTH deep), an image manifest
 *    is the answer, anything else is an error. When that manifest's entry
 *    had no platform, its configuration's os/architecture/variant must be
 *    accepted, else there is no image for the platform (containerd does
 *    not try the next entry).
 *
 * index.json's own entries are the images of the layout, each named by
 * its annotations (io.containerd.image.name or
 * org.opencontainers.image.ref.name; --ref picks by either). An image's
 * own manifest is not checked against the platform (containerd runs an
 * image's target as it is), so a layout of one image, with no --platform
 * given, is that image. Otherwise index.json's entries are chosen among
 * as above, after refusing two different images of the same name
 * (containerd keeps the last one imported) and several matching images
 * of different names (--ref must say which).
 */

/* An entry of an index being chosen among. */
typedef struct index_entry {
    json_t *desc;
    int rank;                 /* in the platform order; INT_MAX: none */
    size_t pos;               /* in the index */
} index_entry;

/* What was chosen: the manifest's descriptor; whether its configuration
 * must match the platform; what keeps the descriptor alive. */
typedef struct choice {
    json_t *desc;
    bool check_config;
    const char *name;         /* the image's name, or NULL */
    json_t *docs[IMG_MAX_INDEX_DEPTH + 2];
    size_t ndocs;
} choice;

static bool desc_platform(loader *l, json_t *desc, img_platform *out)
{
    json_t *p = gj_get(desc, "platform");
    if (!p)
        return false;
    out->os = gj_str(p, "os");
    out->arch = gj_str(p, "architecture");
    out->variant = gj_str(p, "variant");
    out->has_features = json_array_size(gj_get(p, "os.features")) > 0;
    platform_normalize(l->a, out);
    return true;
}

/* The platform as the index writes it, for messages. */
static const char *platform_text(loader *l, json_t *desc)
{
    json_t *p = gj_get(desc, "platform");
    if (!p)
        return "(no platform)";
    const char *os = gj_str(p, "os"), *arch = gj_str(p, "architecture");
    const char *variant = gj_str(p, "variant");
    return printable(l, arena_printf(l->a, "%s/%s%s%s", os ? os : "",
                                     arch ? arch : "",
                                     variant && *variant ? "/" : "",
                                     variant ? variant : ""));
}

/* Attestations and signatures (BuildKit, cosign): platform
 * unknown/unknown. Left out of the lists in messages. */
static bool is_attachment(json_t *desc)
{
    json_t *p = gj_get(desc, "platform");
    const char *os = gj_str(p, "os"), *arch = gj_str(p, "architecture");
    return os && arch && !strcmp(os, "unknown") && !strcmp(arch, "unknown");
}

static const char *ref_of(json_t *desc)
{
    json_t *ann = gj_get(desc, "annotations");
    const char *r = gj_map_str(ann, "org.opencontainers.image.ref.name");
    return r ? r : gj_map_str(ann, "io.containerd.image.name");
}

/* The name containerd and Docker give the image of an index.json entry. */
static const char *name_of(json_t *desc)
{
    json_t *ann = gj_get(desc, "annotations");
    const char *r = gj_map_str(ann, "io.containerd.image.name");
    return r ? r : gj_map_str(ann, "org.opencontainers.image.ref.name");
}

/* Does the reference name `have` designate `want`? Exact, or the same
 * image once Docker Hub's defaults are filled in. */
static bool ref_matches(loader *l, const char *have, const char *want)
{
    if (!have || !want)
        return false;
    if (strcmp(have, want) == 0)
        return true;
    image_ref a, b;
    if (!image_ref_parse(l->a, have, strlen(have), &a) ||
        !image_ref_parse(l->a, want, strlen(want), &b))
        return false;
    const char *ta = a.tag ? a.tag : "latest", *tb = b.tag ? b.tag : "latest";
    return !strcmp(a.registry, b.registry) && !strcmp(a.path, b.path) &&
           !strcmp(ta, tb);
}

static bool entry_named(loader *l, json_t *desc, const char *want)
{
    json_t *ann = gj_get(desc, "annotations");
    return ref_matches(l, gj_map_str(ann, "org.opencontainers.image.ref.name"),
                       want) ||
           ref_matches(l, gj_map_str(ann, "io.containerd.image.name"), want);
}

static int entry_order(const void *pa, const void *pb)
{
    const index_entry *x = pa, *y = pb;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Rank the entries for the wanted platform, drop those it does not accept
 * and sort the rest (steps 1 and 2); returns how many are left. */
static size_t rank_entries(loader *l, index_entry *es, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        img_platform p;
        es[i].pos = i;
        es[i].rank = INT_MAX;
        if (desc_platform(l, es[i].desc, &p)) {
            es[i].rank = platform_rank(l->a, &l->matcher, &p);
            if (es[i].rank < 0)
                continue;
        }
        es[kept++] = es[i];
    }
    qsort(es, kept, sizeof(index_entry), entry_order);
    return kept;
}

static void no_platform_error(loader *l, json_t *const *descs, size_t n,
                              const char *where)
{
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < n; i++)
        if (!is_attachment(descs[i]))
            sb_printf(&sb, "%s%s", sb.len ? ", " : "",
                      platform_text(l, descs[i]));
    sink_error(l->sink, "no image for %s; %s has %s (choose one with "
               "--platform)", l->want_platform, where,
               sb.len ? sb.data : "nothing else");
    sb_free(&sb);
}

/* containerd refuses a manifest that looks like an index and the other
 * way round (images.validateMediaType). */
static bool document_is(loader *l, json_t *doc, bool want_index,
                        const char *what)
{
    const char *mt = gj_str(doc, "mediaType");
    bool wrong = want_index
                     ? gj_has(doc, "config") ||
                           json_array_size(gj_get(doc, "layers")) > 0 ||
                           is_manifest_type(mt)
                     : json_array_size(gj_get(doc, "manifests")) > 0 ||
                           is_index_type(mt);
    if (wrong)
        sink_error(l->sink, "%s: the descriptor says %s, but the document is "
                   "%s (containerd refuses it)", what,
                   want_index ? "an index" : "a manifest",
                   want_index ? "a manifest" : "an index");
    return !wrong;
}

static bool follow(loader *l, json_t *desc, int depth, choice *out);

/* Steps 1 to 3 on the entries of an index. */
static bool pick(loader *l, json_t *manifests, int depth, const char *where,
                 choice *out)
{
    size_t n = json_array_size(manifests);
    index_entry *es = ARENA_ARRAY(l->a, index_entry, n + 1);
    json_t **descs = ARENA_ARRAY(l->a, json_t *, n + 1);
    for (size_t i = 0; i < n; i++)
        es[i].desc = descs[i] = json_array_get(manifests, i);
    size_t kept = rank_entries(l, es, n);
    if (kept == 0) {
        no_platform_error(l, descs, n, where);
        return false;
    }
    return follow(l, es[0].desc, depth, out);
}

/* Step 3 for one entry. */
static bool follow(loader *l, json_t *desc, int depth, choice *out)
{
    const char *mt = gj_str(desc, "mediaType");
    if (is_manifest_type(mt)) {
        img_platform p;
        out->desc = desc;
        out->check_config = !desc_platform(l, desc, &p);
        return true;
    }
    if (!is_index_type(mt)) {
        sink_error(l->sink, "the entry chosen for %s (%s) has the media type "
                   "%s, neither an image manifest nor an index (containerd "
                   "stops there)", l->want_platform,
                   gj_str(desc, "digest") ? gj_str(desc, "digest") : "?",
                   mt ? printable(l, mt) : "(none)");
        return false;
    }
    if (depth + 1 >= IMG_MAX_INDEX_DEPTH) {
        sink_error(l->sink, "indexes nested more than %d deep",
                   IMG_MAX_INDEX_DEPTH);
        return false;
    }
    const char *digest = NULL;
    json_t *sub = read_descriptor_json(l, desc, "image index", &gj_index_doc,
                                       &digest);
    if (!sub)
        return false;
    out->docs[out->ndocs++] = sub;
    const char *what = arena_printf(l->a, "image index %s", digest);
    if (!document_is(l, sub, true, what))
        return false;
    json_t *manifests = gj_get(sub, "manifests");
    if (!json_is_array(manifests)) {
        sink_error(l->sink, "%s: no manifests list", what);
        return false;
    }
    return pick(l, manifests, depth + 1, "the index", out);
}

typedef struct named {
    const char *name, *digest;
} named;

static int named_order(const void *pa, const void *pb)
{
    const named *x = pa, *y = pb;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->digest, y->digest);
}

/* A name that two entries with different digests carry, or NULL. */
static const char *same_name(loader *l, json_t *const *roots, size_t k)
{
    named *ns = ARENA_ARRAY(l->a, named, k + 1);
    size_t n = 0;
    for (size_t i = 0; i < k; i++) {
        const char *name = name_of(roots[i]), *d = gj_str(roots[i], "digest");
        if (name)
            ns[n++] = (named){name, d ? d : ""};
    }
    qsort(ns, n, sizeof(named), named_order);
    for (size_t i = 1; i < n; i++)
        if (!strcmp(ns[i - 1].name, ns[i].name) &&
            strcmp(ns[i - 1].digest, ns[i].digest) != 0)
            return ns[i].name;
    return NULL;
}

/* index.json's entries: the images of the layout (see above). */
static bool choose_image(loader *l, json_t *index, choice *out)
{
    json_t *manifests = gj_get(index, "manifests");
    if (!json_is_array(manifests)) {
        sink_error(l->sink, "index.json: no manifests list");
        return false;
    }
    size_t n = json_array_size(manifests), k = 0;
    json_t **roots = ARENA_ARRAY(l->a, json_t *, n + 1);
    for (size_t i = 0; i < n; i++) {
        json_t *d = json_array_get(manifests, i);
        if (!json_is_object(d) || is_attachment(d))
            continue;
        if (l->want_ref && !entry_named(l, d, l->want_ref))
            continue;
        roots[k++] = d;
    }
    if (k == 0) {
        if (l->want_ref)
            sink_error(l->sink, "no image named '%s' in the index",
                       l->want_ref);
        else
            sink_error(l->sink, "the index lists no image");
        return false;
    }
    const char *dup = same_name(l, roots, k);
    if (dup) {
        sink_error(l->sink, "index.json names two different images '%s' "
                   "(containerd keeps the last one imported)",
                   printable(l, dup));
        return false;
    }
    json_t *chosen = roots[0];
    if (k > 1 || l->sel->platform) {
        index_entry *es = ARENA_ARRAY(l->a, index_entry, k + 1);
        for (size_t i = 0; i < k; i++)
            es[i].desc = roots[i];
        size_t kept = rank_entries(l, es, k);
        if (kept == 0) {
            no_platform_error(l, roots, k, "the index");
            return false;
        }
        for (size_t i = 1; i < kept; i++) {
            const char *a = name_of(es[0].desc), *b = name_of(es[i].desc);
            if (a && b && !strcmp(a, b))
                continue;
            strbuf sb;
            sb_init(&sb);
            for (size_t j = 0; j < kept; j++) {
                const char *r = ref_of(es[j].desc);
                sb_printf(&sb, "%s%s", j ? ", " : "",
                          r ? printable(l, r) : "(unnamed)");
            }
            sink_error(l->sink, "several images for %s: %s (choose one with "
                       "--ref or oci:DIR:REF)", l->want_platform, sb.data);
            sb_free(&sb);
            return false;
        }
        chosen = es[0].desc;
        out->name = ref_of(chosen);
        return follow(l, chosen, 0, out);
    }
    /* One image and no --platform: its own manifest, as it is. */
    out->name = ref_of(chosen);
    if (!follow(l, chosen, 0, out))
        return false;
    if (out->desc == chosen)
        out->check_config = false;
    return true;
}

static void add_tag(loader *l, const char *tag)
{
    img_image *img = l->img;
    const char **tags = ARENA_ARRAY(l->a, const char *, img->ntags + 1);
    for (size_t i = 0; i < img->ntags; i++)
        tags[i] = img->tags[i];
    tags[img->ntags++] = copy(l, tag);
    img->tags = tags;
}

static bool load_oci(loader *l, const char *format)
{
    l->img->format = format;
    json_t *index = read_json_member(l, "index.json", "index.json",
                                     &gj_index_doc, NULL, NULL);
    if (!index)
        return false;
    choice ch = {0};
    bool ok = choose_image(l, index, &ch);
    json_t *manifest = NULL;
    const char *digest = NULL;
    if (ok) {
        manifest = read_descriptor_json(l, ch.desc, "image manifest",
                                        &gj_manifest_doc, &digest);
        const char *what = arena_printf(l->a, "image manifest %s", digest);
        ok = manifest && document_is(l, manifest, false, what);
    }
    if (ok) {
        if (ch.name)
            add_tag(l, ch.name);
        l->check_config_platform = ch.check_config;
        ok = load_manifest(l, manifest, digest);
    }
    json_decref(manifest);
    for (size_t i = 0; i < ch.ndocs; i++)
        json_decref(ch.docs[i]);
    json_decref(index);
    return ok;
}

/* -------------------------------------------------------- docker-archive */

/* "blobs/sha256/<hex>" or "<hex>.json" / "<hex>.tar": the digest the path
 * names, or NULL. */
static const char *digest_from_path(loader *l, const char *path,
                                    const char *suffix)
{
    const char *why;
    if (strncmp(path, "blobs/", 6) == 0) {
        const char *alg = path + 6, *slash = strchr(alg, '/');
        if (!slash)
            return NULL;
        const char *d = arena_printf(l->a, "%.*s:%s", (int)(slash - alg), alg,
                                     slash + 1);
        return digest_valid(d, &why) ? d : NULL;
    }
    size_t n = strlen(path), k = strlen(suffix);
    if (n == 64 + k && strcmp(path + 64, suffix) == 0) {
        const char *d = arena_printf(l->a, "sha256:%.64s", path);
        return digest_valid(d, &why) ? d : NULL;
    }
    return NULL;
}

static json_t *choose_docker_entry(loader *l, json_t *list)
{
    size_t n = json_array_size(list);
    if (n == 0) {
        sink_error(l->sink, "manifest.json lists no image");
        return NULL;
    }
    if (l->want_ref) {
        for (size_t i = 0; i < n; i++) {
            json_t *tags = gj_get(json_array_get(list, i), "RepoTags");
            for (size_t t = 0; t < json_array_size(tags); t++)
                if (ref_matches(l, json_string_value(json_array_get(tags, t)),
                                l->want_ref))
                    return json_array_get(list, i);
        }
        sink_error(l->sink, "no image tagged '%s' in manifest.json",
                   l->want_ref);
        return NULL;
    }
    if (n == 1)
        return json_array_get(list, 0);
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < n; i++) {
        json_t *tags = gj_get(json_array_get(list, i), "RepoTags");
        const char *t = json_string_value(json_array_get(tags, 0));
        sb_printf(&sb, "%s%s", i ? ", " : "", t ? t : "(untagged)");
    }
    sink_error(l->sink, "the archive holds %zu images: %s (choose one with "
               "--ref or docker-archive:PATH:REF)", n, sb.data);
    sb_free(&sb);
    return NULL;
}

/* The legacy "repositories" file (repository -> tag -> image ID): Docker
 * reads it only from archives without a manifest.json, but it is JSON of
 * the image like the rest, so it must have one reading too. */
static bool check_repositories(loader *l)
{
    if (!source_has(&l->img->src, "repositories"))
        return true;
    json_t *doc = read_json_member(l, "repositories", "repositories",
                                   &gj_repositories_doc, NULL, NULL);
    bool ok = doc != NULL;
    json_decref(doc);
    return ok;
}

static bool load_docker_archive(loader *l)
{
    img_image *img = l->img;
    img->format = "docker-archive";
    if (!check_repositories(l))
        return false;
    json_t *list = read_json_member(l, "manifest.json", "manifest.json",
                                    &gj_docker_manifest_doc, NULL, NULL);
    if (!list)
        return false;
    bool ok = false;
    json_t *item = json_is_array(list) ? choose_docker_entry(l, list) : NULL;
    if (!json_is_array(list))
        sink_error(l->sink, "manifest.json: not a JSON array");
    if (!item)
        goto out;
    const char *config_path = gj_str(item, "Config");
    json_t *layers = gj_get(item, "Layers");
    if (!config_path || !json_is_array(layers)) {
        sink_error(l->sink, "manifest.json: entry without Config or Layers");
        goto out;
    }
    json_t *tags = gj_get(item, "RepoTags");
    for (size_t t = 0; t < json_array_size(tags); t++)
        if (json_is_string(json_array_get(tags, t)))
            add_tag(l, json_string_value(json_array_get(tags, t)));

    char *raw;
    size_t raw_len;
    json_t *cfg = read_json_member(
        l, config_path,
        arena_printf(l->a, "image configuration %s",
                     printable(l, config_path)),
        &gj_config_doc, &raw, &raw_len);
    if (!cfg)
        goto out;
    img->config_digest = digest_from_path(l, config_path, ".json");
    img->config_member = copy(l, config_path);
    verify_json_blob(l, "image configuration", img->config_digest, raw,
                     raw_len, -1);
    size_t ndiff;
    const char **diff_ids = config_diff_ids(l, cfg, &ndiff);
    img->diff_ids = diff_ids;
    img->ndiff_ids = ndiff;
    ok = load_config(l, cfg);
    json_decref(cfg);
    if (!ok)
        goto out;

    size_t n = json_array_size(layers);
    if (ndiff != n)
        diff_ids = NULL; /* cannot tell which is which */
    img->layers = ARENA_ARRAY(l->a, img_layer, n + 1);
    for (size_t i = 0; i < n; i++) {
        const char *path = json_string_value(json_array_get(layers, i));
        if (!path) {
            sink_error(l->sink, "manifest.json: layer %zu is not a path", i);
            ok = false;
            goto out;
        }
        img_layer *ly = &img->layers[img->nlayers++];
        ly->index = i;
        ly->member = copy(l, path);
        ly->size = -1;
        ly->digest = digest_from_path(l, path, ".tar");
        ly->diff_id = diff_ids ? diff_ids[i] : NULL;
        if (!ly->digest && strncmp(path, "blobs/", 6) != 0 && diff_ids) {
            ly->digest = diff_ids[i];
            ly->digest_of_content = true;
        } else if (ly->digest && strncmp(path, "blobs/", 6) != 0) {
            ly->digest_of_content = true; /* <diff_id>.tar */
        }
    }
out:
    json_decref(list);
    return ok;
}

/* ----------------------------------------------------------------- input */

const char *image_host_platform(arena *a)
{
    struct utsname u;
    const char *arch = "amd64", *variant = NULL;
    if (uname(&u) == 0) {
        static const struct {
            const char *machine, *arch, *variant;
        } map[] = {
            {"x86_64", "amd64", NULL}, {"aarch64", "arm64", NULL},
            {"arm64", "arm64", NULL},  {"armv7l", "arm", "v7"},
            {"armv6l", "arm", "v6"},   {"i686", "386", NULL},
            {"i386", "386", NULL},     {"ppc64le", "ppc64le", NULL},
            {"s390x", "s390x", NULL},  {"riscv64", "riscv64", NULL},
        };
        arch = u.machine;
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
            if (strcmp(u.machine, map[i].machine) == 0) {
                arch = map[i].arch;
                variant = map[i].variant;
            }
    }
    return variant ? arena_printf(a, "linux/%s/%s", arch, variant)
                   : arena_printf(a, "linux/%s", arch);
}

/* Split "transport:PATH[:REF]". */
void image_parse_input(arena *a, const char *input, img_input *out)
{
    static const char *const transports[] = {"docker-archive", "oci-archive",
                                             "oci"};
    out->transport = NULL;
    out->path = input;
    out->ref = NULL;
    for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
        size_t k = strlen(transports[i]);
        if (strncmp(input, transports[i], k) != 0 || input[k] != ':')
            continue;
        const char *rest = input + k + 1;
        const char *colon = strchr(rest, ':');
        if (colon && (access(rest, F_OK) != 0 || !strncmp(rest, "-:", 2))) {
            out->path = arena_strndup(a, rest, (size_t)(colon - rest));
            out->ref = colon[1] ? colon + 1 : NULL;
        } else {
            out->path = rest;
        }
        out->transport = transports[i];
        return;
    }
}

static enum input_kind kind_of(const char *transport)
{
    if (!transport)
        return INPUT_AUTO;
    if (!strcmp(transport, "docker-archive"))
        return INPUT_DOCKER_ARCHIVE;
    if (!strcmp(transport, "oci-archive"))
        return INPUT_OCI_ARCHIVE;
    return INPUT_OCI;
}

/* ------------------------------------------------- both formats at once */

/*
 * Docker 25 and later write an OCI layout (oci-layout, index.json, blobs)
 * and a docker-archive manifest.json in one archive. containerd's importer
 * (and Docker's containerd store) reads the OCI layout whenever oci-layout
 * names a version; Docker's classic store reads manifest.json. Both are
 * read, and the archive is refused when they do not name the same
 * configuration and the same layer files.
 */

/* oci-layout's imageLayoutVersion ("" when absent); false when refused. */
static bool read_layout_version(loader *l, const char **version)
{
    *version = "";
    if (!source_has(&l->img->src, "oci-layout"))
        return true;
    json_t *doc = read_json_member(l, "oci-layout", "oci-layout",
                                   &gj_oci_layout_doc, NULL, NULL);
    if (!doc)
        return false;
    const char *v = gj_str(doc, "imageLayoutVersion");
    *version = v ? copy(l, v) : "";
    json_decref(doc);
    if (**version && strcmp(*version, "1.0.0") != 0) {
        sink_error(l->sink, "oci-layout: image layout version %s, which "
                   "containerd does not read (it reads 1.0.0)",
                   printable(l, *version));
        return false;
    }
    return true;
}

/* How the two readings differ, or NULL. */
static const char *difference(loader *l, const img_image *docker,
                              const img_image *oci)
{
    const img_source *src = &docker->src;
    if (!docker->config_member || !oci->config_member ||
        !source_same_file(src, docker->config_member, oci->config_member))
        return arena_printf(l->a, "manifest.json's configuration is %s, the "
                            "OCI manifest's is %s",
                            printable(l, docker->config_member
                                             ? docker->config_member
                                             : "(none)"),
                            oci->config_member ? oci->config_member
                                               : "(none)");
    if (docker->nlayers != oci->nlayers)
        return arena_printf(l->a, "manifest.json lists %zu layers, the OCI "
                            "manifest %zu", docker->nlayers, oci->nlayers);
    for (size_t i = 0; i < docker->nlayers; i++) {
        const char *a = docker->layers[i].member, *b = oci->layers[i].member;
        if (!a || !b || !source_same_file(src, a, b))
            return arena_printf(l->a, "layer %zu is %s in manifest.json and "
                                "%s in the OCI manifest", i,
                                a ? printable(l, a) : "(none)",
                                b ? b : "(none)");
    }
    return NULL;
}

/* Add the findings of `from` that `to` does not have yet (both readings
 * verify the configuration they share). */
static void merge_findings(img_findings *to, const img_findings *from)
{
    for (size_t i = 0; i < from->n; i++) {
        const img_finding *f = &from->items[i];
        bool seen = false;
        for (size_t k = 0; k < to->n && !seen; k++)
            seen = !strcmp(to->items[k].rule, f->rule) &&
                   !strcmp(to->items[k].message, f->message);
        if (!seen)
            findings_add(to, f->rule, f->layer, f->path, f->kind, "%s",
                         f->message);
    }
}

static bool load_both(loader *l, const char *oci_format)
{
    if (!source_has(&l->img->src, "index.json")) {
        sink_error(l->sink, "index.json: missing, but oci-layout says this "
                   "is an OCI layout (containerd refuses it; Docker's classic "
                   "store would read manifest.json)");
        return false;
    }
    if (!load_docker_archive(l))
        return false;
    img_image oci = {.name = l->img->name, .src = l->img->src};
    img_sink side = {.report = l->sink->report, .name = l->sink->name};
    findings_init(&side.findings, l->a, l->sink->findings.cfg);
    loader lo = *l;
    lo.img = &oci;
    lo.sink = &side;
    bool ok = load_oci(&lo, oci_format);
    merge_findings(&l->sink->findings, &side.findings);
    if (!ok) {
        l->sink->failed = true; /* the reason is in the report */
        return false;
    }
    const char *diff = difference(l, l->img, &oci);
    if (diff) {
        sink_error(l->sink, "manifest.json and the OCI layout (index.json) "
                   "describe different images: %s (Docker's classic store "
                   "loads manifest.json, containerd the OCI layout)", diff);
        return false;
    }
    l->img->manifest_digest = oci.manifest_digest;
    return true;
}

bool image_load(arena *a, const char *name, const img_input *in,
                img_source *src, const img_select *sel, img_sink *sink,
                img_image *out)
{
    memset(out, 0, sizeof(*out));
    out->name = name;
    out->src = *src;
    src->fd = -1;
    src->stream = NULL;
    src->remote = NULL;
    loader l = {.a = a, .sink = sink, .sel = sel, .img = out};
    enum input_kind kind = kind_of(in->transport);
    l.want_ref = in->ref ? in->ref : sel->ref;
    out->want_ref = l.want_ref;
    l.want_platform = sel->platform ? sel->platform : image_host_platform(a);
    img_platform want;
    if (!platform_parse(a, l.want_platform, &want)) {
        sink_error(sink, "--platform: expected OS/ARCH[/VARIANT], not %s",
                   l.want_platform);
        return false;
    }
    platform_matcher_init(a, &l.matcher, &want);

    bool has_manifest = source_has(&out->src, "manifest.json");
    bool has_index = source_has(&out->src, "index.json");
    const char *layout_version;
    if (!read_layout_version(&l, &layout_version))
        return false;
    if (kind == INPUT_AUTO) {
        if (has_manifest)
            kind = INPUT_DOCKER_ARCHIVE;
        else if (has_index)
            kind = out->src.is_dir ? INPUT_OCI : INPUT_OCI_ARCHIVE;
        else {
            sink_error(sink, "not an image: no manifest.json (docker-archive) "
                       "or index.json (OCI layout) in it");
            return false;
        }
    }
    if (!out->src.is_dir && kind == INPUT_OCI)
        kind = INPUT_OCI_ARCHIVE;
    const char *oci_format = out->src.kind == SOURCE_REMOTE ? "docker"
                             : kind == INPUT_OCI            ? "oci"
                                                            : "oci-archive";
    if (has_manifest && *layout_version)
        return load_both(&l, oci_format);
    if (kind == INPUT_DOCKER_ARCHIVE)
        return load_docker_archive(&l);
    return load_oci(&l, oci_format);
}

bool image_open(arena *a, const char *input, const img_select *sel,
                img_sink *sink, img_image *out)
{
    memset(out, 0, sizeof(*out));
    out->name = input;
    out->src.fd = -1;
    img_input in;
    image_parse_input(a, input, &in);
    img_source src;
    const char *err;
    if (!source_open(a, in.path, &src, &err)) {
        sink_error(sink, "%s", err);
        return false;
    }
    return image_load(a, input, &in, &src, sel, sink, out);
}

void image_close(img_image *img)
{
    source_close(&img->src);
}
