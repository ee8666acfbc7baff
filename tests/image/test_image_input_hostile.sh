#!/bin/sh
# Inputs that Docker, containerd and runc read one way and a careless
# reader another (make_input_hostile.py): bosun reads them as the Go tools
# do, or refuses them (exit 2, a one-line error naming the file), each in
# bounded time and memory. Every case says how the Go tools read it.
. "$(dirname "$0")/lib.sh"
IN=$FIX/input-hostile

# Time (seconds) and peak RSS (KiB) allowed for one run, and the time for
# runs that are quick unless something is read again and again (sanitizers
# need much more of all).
case ${BOSUN_SANITIZE:-OFF} in
ON | on | 1 | TRUE | true) max_time=300 quick_time=60 max_rss=2097152 ;;
*) max_time=30 quick_time=10 max_rss=65536 ;;
esac

# run_cmd STATUS CMD...: CMD exits STATUS within max_time and max_rss;
# its output is in $TMP/out and $TMP/err.
run_cmd() {
    want=$1
    shift
    timeout -k 5 "$max_time" /usr/bin/time -o "$TMP/usage" -f '%M %e' \
        "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    if [ "$got" -eq 124 ] || [ "$got" -eq 137 ]; then
        fail "still running after ${max_time}s: $*"
        return
    fi
    [ "$got" -eq "$want" ] ||
        fail "exit $got, want $want: $* ($(head -c 400 "$TMP/err"))"
    # (time's first line says "Command exited with ..." when it is not 0)
    read -r rss secs <<EOF
$(tail -1 "$TMP/usage")
EOF
    [ "${rss:-0}" -lt "$max_rss" ] || fail "peak RSS $rss KiB: $*"
    echo "$*: ${secs}s, ${rss} KiB" >>"$TMP/usage.log"
}

# run STATUS ARGS...: bosun image --format json ARGS.
run() {
    want=$1
    shift
    run_cmd "$want" "$BOSUN_BIN" image --format json --no-config "$@"
}

# The findings' rules, sorted, one line.
rules() {
    python3 -c 'import json,sys
print(" ".join(sorted(f["rule"] for f in json.load(open(sys.argv[1]))["findings"])))' "$TMP/out"
}

# refused "[OPTIONS] INPUT" TEXT: exit 2 with one error line that says
# TEXT (the first argument is split at blanks).
refused() {
    # shellcheck disable=SC2086
    run 2 $1
    expect_contains "$TMP/err" "$2"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "$1: not one line: $(cat "$TMP/err")"
}

# ------------------------------------------------------------ JSON keys
# Go's encoding/json (containerd, Docker) matches a struct field's name
# ignoring ASCII case, with U+017F (long s) as 's' and U+212A (Kelvin) as
# 'k', and the last matching key wins; a duplicate key is not an error.
# bosun refuses an object with two keys Go reads as one.

# "layers":[benign] then "LAYERS":[evil]: Go reads the evil layer.
refused "$IN/json-layers-case" 'manifest sha256:'
expect_contains "$TMP/err" 'two keys "layers" and "LAYERS" that Go reads as one'
# "layers" then "layerſ": Go folds ſ to S, so the second is layers too.
refused "$IN/json-layers-long-s" 'that Go reads as one'
# "User":"10001" then "user":"0": Go runs uid 0.
refused "$IN/json-user-case" 'image configuration sha256:'
expect_contains "$TMP/err" 'two keys "User" and "user" that Go reads as one (in config;'
# "config" then "CONFIG": Go merges both into one struct.
refused "$IN/json-config-case" 'two keys "config" and "CONFIG"'
# A descriptor's "digest" then "Digest": Go fetches the second blob.
refused "$IN/json-digest-case" 'two keys "digest" and "Digest"'
# An index's "manifests" then "MANIFESTS": Go lists the second.
refused "$IN/json-manifests-case" 'index.json: two keys "manifests" and "MANIFESTS"'
# "manifests" twice: Go reads the last.
refused "$IN/json-manifests-twice" 'index.json: invalid JSON'
expect_contains "$TMP/err" 'duplicate object key'
# manifest.json's "Layers" then "layers": Docker's loader and containerd's
# importer both read the second.
refused "$IN/docker-layers-case.tar" 'manifest.json: two keys "Layers" and "layers"'
# The legacy repositories file (a map: keys exact) with a key twice.
refused "$IN/docker-repositories-twice.tar" 'repositories: invalid JSON'

# A lone "CONFIG" and "LAYERS" are what Go reads as config and layers: the
# evil layer is scanned.
run 1 "$IN/json-layers-upper-only"
json_check "$TMP/out" "any(f['rule'] == 'image-secret-content' for f in d['findings'])"
# A lone "uſer" is Go's User: 10001, not root.
run 0 "$IN/json-user-long-s"

# A field of another JSON type: Go's Unmarshal fails, containerd refuses.
refused "$IN/json-user-number" 'config.User is a number, where Go reads a string'
refused "$IN/json-layers-object" 'layers is an object, where Go reads an array'

# ---------------------------------------------------------- index choice
# containerd (images.Manifest with platforms.Only) keeps the entries whose
# platform it accepts and those without one, sorts them by its order of
# preference (entries without a platform last), follows the first only,
# and checks the configuration of a manifest whose entry had no platform.
has_secret="any(f['rule'] == 'image-secret-content' for f in d['findings'])"
# BuildKit's attestation annotation does not make a real image an
# attachment: the first linux/amd64 entry is the one that runs.
run 1 --platform linux/amd64 "$IN/index-annotated-first"
json_check "$TMP/out" 'd["errors"] == []' "$has_secret"
# amd64 runs 386 images.
run 1 --platform linux/amd64 "$IN/index-386-only"
json_check "$TMP/out" 'd["errors"] == []' "$has_secret"
# A platform without an os is the host's os (linux).
run 1 --platform linux/amd64 "$IN/index-os-omitted"
json_check "$TMP/out" 'd["errors"] == []' "$has_secret"
# An entry without a platform whose configuration says arm64.
refused "--platform linux/amd64 $IN/index-no-platform" 'no image for linux/amd64: manifest sha256:'
expect_contains "$TMP/err" 'has no platform in its index, and its configuration says linux/arm64'
run 1 --platform linux/arm64 "$IN/index-no-platform"
# For arm/v7, arm/v6 is preferred to arm/v5 (listed first).
run 0 --platform linux/arm/v7 "$IN/index-arm-order"
# containerd stops at an entry it cannot read, or that is no image.
refused "--platform linux/amd64 $IN/index-unknown-type-first" 'neither an image manifest nor an index (containerd stops there)'
refused "--platform linux/amd64 $IN/index-intoto-first" 'an artifact (config media type application/vnd.in-toto+json), not a container image'
# BuildKit's own layout: the attestation (unknown/unknown) is never chosen
# nor listed.
run 0 --platform linux/amd64 "$IN/index-buildkit"
refused "--platform linux/s390x $IN/index-buildkit" 'no image for linux/s390x; the index has linux/amd64 (choose one with --platform)'
# Two images named app:1.0: containerd keeps the last imported.
refused "$IN/index-same-name" "index.json names two different images 'docker.io/library/app:1.0' (containerd keeps the last one imported)"
# A manifest that is an index too (validateMediaType).
refused "$IN/index-manifest-is-index" 'the descriptor says a manifest, but the document is an index (containerd refuses it)'

# ------------------------------------------- docker-archive and OCI layout
# Docker 25+ writes both; containerd's importer (and Docker's containerd
# store) reads the OCI layout when oci-layout names a version, Docker's
# classic store reads manifest.json. bosun reads both and refuses an
# archive whose two readings differ.
run 1 "$IN/both-agree.tar"
json_check "$TMP/out" 'd["errors"] == []' "$has_secret"
refused "$IN/both-differ-layer.tar" 'manifest.json and the OCI layout (index.json) describe different images: layer 0 is blobs/sha256/'
refused "$IN/both-differ-count.tar" 'describe different images: manifest.json lists 1 layers, the OCI manifest 2'
refused "$IN/both-differ-config.tar" "describe different images: manifest.json's configuration is blobs/sha256/"
refused "$IN/both-no-index.tar" 'index.json: missing, but oci-layout says this is an OCI layout'
refused "$IN/both-layout-version.tar" 'oci-layout: image layout version 2.0.0, which containerd does not read'
# oci-layout without a version: both read manifest.json, whose layer is
# not the one the configuration's rootfs.diff_ids names (Docker's load
# refuses it: invalid diffID).
run 1 "$IN/both-layout-empty.tar"
[ "$(rules)" = "image-digest-mismatch" ] ||
    fail "both-layout-empty: want image-digest-mismatch only, got: $(rules)"
grep -q "rootfs.diff_ids names it" "$TMP/out" ||
    fail "both-layout-empty: the mismatch does not name the diff_id"

# ---------------------------------------------------------------- users
# containerd (oci.WithUser) and runc split User at ':' and read the user
# part with strconv.Atoi: empty is uid 0, a sign is allowed, and
# containerd before 1.7.27/2.0.4 kept uint32(uid), so 2^32 is 0.
for name in user-empty-part user-plus-zero user-wraps; do
    run 1 "$IN/$name"
    json_check "$TMP/out" "[f['rule'] for f in d['findings']] == ['image-root-user']"
done
# "config" null or missing: containerd and Docker run no User (root); the
# container_config (the build container's settings) is never used.
for name in config-null config-missing; do
    run 1 "$IN/$name"
    json_check "$TMP/out" "[f['rule'] for f in d['findings']] == ['image-root-user']" \
        "'sets no User' in d['findings'][0]['message']"
done

# ------------------------------------------------ files of the input
# open(2) of a FIFO waits for a writer, forever (Go's os.Open as well: a
# tool reading an OCI directory with it, like skopeo's oci: transport,
# hangs); bosun opens without blocking and refuses anything but a regular
# file.
refused "$IN/fifo-index" 'index.json: a FIFO, not a regular file'
refused "$IN/fifo-config" 'image configuration sha256:'
expect_contains "$TMP/err" 'a FIFO, not a regular file'
refused "$IN/fifo-manifest-json" 'manifest.json: a FIFO, not a regular file'
run 2 "$IN/fifo-blob"
expect_contains "$TMP/err" 'layer 0 (sha256:'
expect_contains "$TMP/err" 'a FIFO, not a regular file'
# The input itself a FIFO is read as a stream (test_image_pipes.sh), as
# docker load reads a pipe: what comes out of it must be an archive.
mkfifo "$TMP/input.fifo"
printf 'not an archive\n' >"$TMP/input.fifo" &
refused "$TMP/input.fifo" 'not a tar archive'
wait

# Links out of the image directory. containerd's importer reads archives,
# whose links can only name other members; a directory read with Go's
# os.Open (skopeo's oci: transport) follows a link anywhere, so what bosun
# would check is not the image. bosun resolves members beneath the
# directory only: nothing outside is opened, none of its bytes shows, and
# an outside tar is not scanned as a layer.
refused "$IN/link-index-out" 'index.json: a symbolic link (or ..) that leads out of the image directory'
run 2 "$IN/link-blob-out"
expect_contains "$TMP/err" 'layer 0 (sha256:'
expect_contains "$TMP/err" 'leads out of the image directory'
json_check "$TMP/out" "d['findings'] == [] or all(f['rule'] != 'image-secret-content' for f in d['findings'])"
run 2 "$IN/link-blob-proc"
expect_contains "$TMP/err" 'leads out of the image directory'
run 2 "$IN/link-blob-abs"
expect_contains "$TMP/err" 'leads out of the image directory'
refused "$IN/link-config-out" 'leads out of the image directory'
run 2 "$IN/docker-link-layer-out"
expect_contains "$TMP/err" 'leads out of the image directory'
refused "$IN/docker-link-manifest-out" 'manifest.json: a symbolic link (or ..) that leads out'
for name in link-index-out link-blob-out link-blob-proc link-blob-abs \
    link-config-out docker-link-layer-out docker-link-manifest-out; do
    run 2 "$IN/$name"
    for text in OUTSIDEWORD ghp_; do
        ! grep -q "$text" "$TMP/out" "$TMP/err" ||
            fail "$name: output shows $text from outside the input"
    done
done
# Links that stay inside (a legacy docker save's repeated layer) work.
run 1 "$IN/docker-link-inside"
json_check "$TMP/out" 'd["errors"] == []' \
    "sorted(f['layer_index'] for f in d['findings'] if f['rule'] == 'image-secret-content') == [0, 2]"

# --------------------------------------------------------------- layers
# containerd and Docker open a layer when they apply it; bosun opens each
# blob when its scan starts, so 1,200 layers fit in 256 descriptors.
run_cmd 0 sh -c 'ulimit -n 256 && exec "$0" image --format json --no-config "$1"' \
    "$BOSUN_BIN" "$IN/many-layers"
json_check "$TMP/out" 'd["errors"] == [] and d["findings"] == []'

# A blob listed many times: containerd and Docker apply each position
# (the same diff again); bosun scans each distinct blob once and applies
# its result at every position, so this finishes in a second, not hours,
# and lists the findings of the first 500 positions, then a summary.
max_time_was=$max_time max_time=$quick_time
run 1 "$IN/repeated-layer"
max_time=$max_time_was
json_check "$TMP/out" 'd["errors"] == []' \
    "sorted(set(f['rule'] for f in d['findings'])) == ['image-secret-content', 'image-secret-file']" \
    "[f['layer_index'] for f in d['findings'] if f['rule'] == 'image-secret-content' and 'more' not in f['message']] == list(range(500))" \
    "all(f['deleted_in_layer'] == f['layer_index'] + 1 for f in d['findings'] if 'more' not in f['message'])" \
    "[f['message'] for f in d['findings'] if f['rule'] == 'image-secret-content' and f['message'].startswith('3596 more')][0].startswith('3596 more image-secret-content findings in the layers that repeat the blob of layer 0 (listed 4096 times)')"
# The whiteout model at each position: layer 1 deletes layer 0's copy,
# layer 2 (the same blob) ships it again.
run 1 "$IN/repeated-layer-whiteout"
json_check "$TMP/out" 'd["errors"] == []' \
    "sorted((f['rule'], f['layer_index'], f.get('deleted_in_layer')) for f in d['findings']) == [('image-secret-content', 0, 1), ('image-secret-content', 2, None), ('image-secret-file', 0, 1), ('image-secret-file', 2, None)]"

# ---------------------------------------------------- history and Env
# Go and the runtimes keep any number of history and Env entries; bosun
# lints them in pieces and lists each rule's first 500 findings, then a
# summary, as for layers, within the same memory bound.
run 1 "$IN/history-flood"
json_check "$TMP/out" 'd["errors"] == []' \
    "[f['rule'] for f in d['findings']] == ['pipe-to-shell'] * 501" \
    "[f['message'] for f in d['findings'] if 'more' in f['message']] == [\"39500 more pipe-to-shell findings in the image's history are not listed (the first 500 are)\"]"
run 1 "$IN/history-env-flood"
json_check "$TMP/out" 'd["errors"] == []' \
    "len(d['findings']) == 501" \
    "[f['message'].split(' ', 1)[1] for f in d['findings'] if ' more ' in f['message']] == [\"more secret-env findings in the image's history are not listed (the first 500 are)\"]"
run 1 "$IN/env-flood"
json_check "$TMP/out" 'd["errors"] == []' \
    "len(d['findings']) == 501" \
    "[f['message'].split(' ', 1)[1] for f in d['findings'] if ' more ' in f['message']] == [\"more secret-env findings in the image's Env are not listed (the first 500 are)\"]"
# Any JSON document: 16 MiB of "{}" would be 1.3 GB once parsed.
refused "$IN/json-tree-bomb" 'JSON values that would take about 1253 MiB in memory, more than the 24 MiB bosun allows'

[ -f "$TMP/usage.log" ] && cat "$TMP/usage.log" >&2
finish
