/*
 * What reports call an image: the name SARIF and GitLab show and that
 * fingerprints hash, so that the same image gives the same findings
 * whether it was saved as a docker-archive, an OCI directory or an OCI
 * tar, under any file name. In order:
 *
 * 1. --name NAME, as given.
 * 2. A registry's image (docker://REF or a bare reference): REF.
 * 3. The reference the archive records for the image checked: the
 *    :REF of docker-archive:PATH:REF, oci:DIR:REF, oci-archive:PATH:REF
 *    (or --ref) when it is a full reference; else the first repository
 *    tag of a docker-archive's manifest.json (RepoTags), or an OCI
 *    index entry's io.containerd.image.name annotation, else its
 *    org.opencontainers.image.ref.name (which is kept as it is when it
 *    is only a tag, "1.4"); else the :REF or --ref written.
 * 4. The path (the input without its transport), "<stdin>" for the
 *    standard input.
 *
 * References are written the short way Docker shows them, with Docker
 * Hub's defaults left out and the tag made explicit:
 * docker.io/library/app:1.4, app:1.4 and docker://app:1.4 are all
 * "app:1.4"; "app" is "app:latest"; a digest stays (app@sha256:...).
 */
#include <string.h>

#include "dockerfile/reference.h"
#include "image/image.h"

/* An OCI reference name that is only a tag: no repository in it. */
static bool only_a_tag(const char *s)
{
    return !strchr(s, '/') && !strchr(s, ':') && !strchr(s, '@');
}

const char *image_short_reference(arena *a, const char *s)
{
    image_ref ref;
    if (!image_ref_parse(a, s, strlen(s), &ref) || !ref.valid)
        return s;
    const char *path = ref.path;
    bool hub = !strcmp(ref.registry, "docker.io");
    if (hub && !strncmp(path, "library/", 8) && !strchr(path + 8, '/'))
        path += 8;
    const char *name = hub ? path : arena_printf(a, "%s/%s", ref.registry,
                                                 path);
    if (ref.tag)
        name = arena_printf(a, "%s:%s", name, ref.tag);
    if (ref.digest)
        return arena_printf(a, "%s@%s", name, ref.digest);
    return ref.tag ? name : arena_printf(a, "%s:latest", name);
}

const char *image_report_name(arena *a, const img_input *in,
                              const char *registry_ref,
                              const img_image *img, const char *given,
                              bool *is_path)
{
    *is_path = false;
    if (given)
        return given;
    if (registry_ref)
        return image_short_reference(a, registry_ref);
    const char *want = img && img->want_ref ? img->want_ref : in->ref;
    if (want && !only_a_tag(want))
        return image_short_reference(a, want);
    if (img && img->ntags && img->tags[0] && *img->tags[0])
        return only_a_tag(img->tags[0])
                   ? img->tags[0]
                   : image_short_reference(a, img->tags[0]);
    if (want)
        return want;
    if (!strcmp(in->path, "-"))
        return "<stdin>";
    *is_path = true;
    return in->path;
}
