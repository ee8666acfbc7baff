#!/bin/sh
# Inputs: every layout and transport gives the same findings; platforms and
# reference names pick images from indexes.
. "$(dirname "$0")/lib.sh"

# What the findings say, without the input's name.
summary() {
    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]:
    print(f["rule"], f.get("layer_index"), f.get("path"), f.get("deleted_in_layer"), f.get("history_index"))' "$TMP/out"
}

scan_json 1 "$FIX/app"
summary | grep -v image-latest-tag >"$TMP/want"
for input in "$FIX/app-docker.tar" "$FIX/app-oci.tar" "oci:$FIX/app:latest" \
    "oci:$FIX/app-zstd:latest" "oci:$FIX/app-zstd-chunked:latest" \
    "oci-archive:$FIX/app-oci.tar:latest" \
    "docker-archive:$FIX/app-docker.tar" "docker-archive:$FIX/app-docker.tar:app:latest" \
    "$FIX/docker25.tar" "$FIX/docker-gz.tar"; do
    scan_json 1 "$input"
    json_check "$TMP/out" 'd["errors"] == []' "all(f['file'] == '$input' for f in d['findings'])"
    summary | grep -v image-latest-tag >"$TMP/got"
    diff "$TMP/want" "$TMP/got" >"$TMP/diff" || fail "$input differs: $(cat "$TMP/diff")"
done

# Tags: the docker-archive's RepoTags, the OCI reference name.
scan_json 1 "$FIX/app-docker.tar"
json_check "$TMP/out" "[f['message'] for f in d['findings'] if f['rule'] == 'image-latest-tag'][0].startswith(\"the image's only tag is docker.io/library/app:latest\")"
scan_json 1 "$FIX/docker25.tar"
json_check "$TMP/out" "not any(f['rule'] == 'image-latest-tag' for f in d['findings'])"

# zstd layers: recognised by media type and magic.
scan_json 1 "$FIX/app-zstd"
json_check "$TMP/out" 'd["errors"] == []'
grep -q 'tar+zstd' "$FIX/app-zstd/blobs/sha256/"* || fail "app-zstd has no zstd layer"
grep -q 'io.containers.zstd-chunked.manifest-position' "$FIX/app-zstd-chunked/blobs/sha256/"* ||
    fail "app-zstd-chunked has no zstd:chunked layer"

# Long names and sparse files, as GNU tar writes them in GNU and pax
# format: read whole, the token after the hole found on its line, the hard
# link to the key reported under its own name too (it is the key).
scan_json 1 "$FIX/tarfmt"
json_check "$TMP/out" 'd["errors"] == []' \
    "sorted((f['rule'], f['layer_index'], f['path'].split('/')[2][:19]) for f in d['findings']) == sorted((r, l, n) for l in (1, 2) for (r, n) in (('image-secret-content', 'long-directory-name'), ('image-secret-content', 'sparse.img'), ('image-secret-file', 'long-directory-name'), ('image-secret-content', 'key-copy'), ('image-secret-file', 'key-copy')))" \
    "all(len(f['path']) > 130 for f in d['findings'] if 'long' in f['path'])" \
    "sum('GitHub token at line 3 of' in f['message'] for f in d['findings']) == 2"

# A multi-platform index (nested under index.json): --platform picks.
scan_json 0 --platform linux/amd64 "$FIX/multi"
json_check "$TMP/out" 'd["findings"] == [] and d["errors"] == []'
scan_json 1 --platform linux/arm64 "$FIX/multi"
json_check "$TMP/out" "[f['rule'] for f in d['findings'] if f['rule'].startswith('image-')] == ['image-root-user']"
expect_status 2 "$BOSUN_BIN" image --platform linux/s390x "$FIX/multi"
expect_contains "$TMP/err" "no image for linux/s390x; the index has linux/amd64, linux/arm64 (choose one with --platform)"
if [ "$(uname -m)" = x86_64 ]; then
    scan_json 0 "$FIX/multi"
fi
expect_status 2 "$BOSUN_BIN" image --platform amd64 "$FIX/multi"
expect_contains "$TMP/err" "--platform: expected OS/ARCH"

# --ref and :REF pick by name; an unknown name is an error.
scan_json 0 --ref 1.0 "$FIX/base"
scan_json 0 "oci:$FIX/base:1.0"
expect_status 2 "$BOSUN_BIN" image "oci:$FIX/base:2.0"
expect_contains "$TMP/err" "no image named '2.0' in the index"
expect_status 2 "$BOSUN_BIN" image --ref other:1 "$FIX/app-docker.tar"
expect_contains "$TMP/err" "no image tagged 'other:1' in manifest.json"

# Not an image at all.
expect_status 2 "$BOSUN_BIN" image "$BOSUN_TEST_DATA/image"
expect_contains "$TMP/err" "not an image: no manifest.json"
expect_status 2 "$BOSUN_BIN" image "$TMP/nothing-here"
expect_contains "$TMP/err" "No such file or directory"
# An archive compressed whole is read through (test_image_pipes.sh
# compares the findings); one that is cut short is not an image.
gzip -c "$FIX/app-oci.tar" | head -c 100000 >"$TMP/app.tar.gz"
expect_status 2 "$BOSUN_BIN" image "$TMP/app.tar.gz"
expect_contains "$TMP/err" "truncated"

# Several images in one run, one of them unreadable: the others are still
# reported.
expect_status 2 "$BOSUN_BIN" image --format json "$FIX/noconfig" "$HOSTILE/bad-json" "$FIX/base"
json_check "$TMP/out" \
    "sorted(set(f['file'] for f in d['findings'])) == ['$FIX/noconfig']" \
    "[e['file'] for e in d['errors']] == ['$HOSTILE/bad-json']"
finish
