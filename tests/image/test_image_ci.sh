#!/bin/sh
# Image reports that CI can track: the image's name (--name, else its
# reference, else its path) in JSON, SARIF and GitLab; fingerprints from
# the name, the layer's diff_id and the path, never from where the archive
# sits; layer_digest the diff_id in every format, layer_blob_digest the
# blob's; the diff_ids checked; SARIF image results valid and with their
# layer and path as a logical location.
. "$(dirname "$0")/lib.sh"
. "$BOSUN_TEST_DATA/cli/sarif.sh"

NAMED=$FIX/named
REF=registry.example/app:1.4

# fingerprints FORMAT: "rule fingerprint" per finding of $TMP/out, sorted.
fingerprints() {
    python3 - "$1" "$TMP/out" <<'PY'
import json, sys
fmt, path = sys.argv[1:]
d = json.load(open(path))
if fmt == "sarif":
    rows = [(r["ruleId"], r["partialFingerprints"]["bosunFingerprint/v1"])
            for r in d["runs"][0]["results"]]
else:
    rows = [(i["check_name"], i["fingerprint"]) for i in d]
for rule, fp in sorted(rows):
    print(rule, fp)
PY
}

# --- One image in three formats, under other file names ------------------
# The same image saved by skopeo as a docker-archive, an OCI directory
# and an OCI tar, each copied under a name of its own.
mkdir -p "$TMP/a" "$TMP/b b"
cp "$NAMED/app-docker.tar" "$TMP/a/release-candidate.tar"
cp -r "$NAMED/app-oci" "$TMP/b b/layout"
cp "$NAMED/app-oci.tar" "$TMP/other.tar"
set -- "$TMP/a/release-candidate.tar" "oci:$TMP/b b/layout" \
    "oci-archive:$TMP/other.tar"
for format in sarif gitlab; do
    n=0
    for input in "$@"; do
        n=$((n + 1))
        expect_status 1 "$BOSUN_BIN" image --no-config --format "$format" "$input"
        fingerprints "$format" >"$TMP/fp-$format-$n"
        [ -s "$TMP/fp-$format-$n" ] || fail "$format: no findings for $input"
    done
    for k in 2 3; do
        cmp -s "$TMP/fp-$format-1" "$TMP/fp-$format-$k" ||
            fail "$format: the fingerprints of format $k differ from the docker-archive's: $(diff "$TMP/fp-$format-1" "$TMP/fp-$format-$k" | head -5)"
    done
done
# ... read as it comes, on the standard input: the same.
expect_status 1 sh -c "\"$BOSUN_BIN\" image --no-config --format sarif - <\"$NAMED/app-docker.tar\""
fingerprints sarif >"$TMP/fp-stdin"
cmp -s "$TMP/fp-sarif-1" "$TMP/fp-stdin" || fail "the fingerprints of a stream differ"
expect_status 1 sh -c "\"$BOSUN_BIN\" image --no-config --format sarif oci-archive:- <\"$NAMED/app-oci.tar\""
fingerprints sarif >"$TMP/fp-stdin"
cmp -s "$TMP/fp-sarif-1" "$TMP/fp-stdin" || fail "the fingerprints of an OCI stream differ"
# ... and the same image in the same format at another path: the same.
expect_status 1 "$BOSUN_BIN" image --no-config --format sarif "$NAMED/app-docker.tar"
fingerprints sarif >"$TMP/fp-here"
cmp -s "$TMP/fp-sarif-1" "$TMP/fp-here" || fail "the fingerprints depend on the archive's path"

# The name and the layer digests, in every format.
for input in "$@"; do
    scan_json 1 "$input"
    cp "$TMP/out" "$TMP/doc.json"
    json_check "$TMP/out" \
        'd["images"][0]["name"] == "'"$REF"'"' \
        'all(f["layer_digest"] == d["images"][0]["layers"][f["layer_index"]]["diff_id"] for f in d["findings"] if "layer_index" in f)'
done
# The diff_ids are the digests of the uncompressed layers, found here
# from the OCI layout's blobs with gzip and sha256sum; the blob digests
# the manifest's descriptors.
python3 - "$NAMED/app-oci" >"$TMP/layers.json" <<'PY'
import gzip, hashlib, json, os, sys
lay = sys.argv[1]
blob = lambda d: os.path.join(lay, "blobs", *d.split(":"))
idx = json.load(open(os.path.join(lay, "index.json")))
m = json.load(open(blob(idx["manifests"][0]["digest"])))
out = []
for l in m["layers"]:
    data = open(blob(l["digest"]), "rb").read()
    plain = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    out.append({"blob": l["digest"],
                "diff_id": "sha256:" + hashlib.sha256(plain).hexdigest()})
print(json.dumps(out))
PY
scan_json 1 "oci:$TMP/b b/layout"
json_check "$TMP/out" \
    'any("layer_blob_digest" in f for f in d["findings"])' \
    'all(f["layer_digest"] == json.load(open("'"$TMP"'/layers.json"))[f["layer_index"]]["diff_id"] for f in d["findings"] if "layer_index" in f)' \
    'all(f["layer_blob_digest"] == json.load(open("'"$TMP"'/layers.json"))[f["layer_index"]]["blob"] for f in d["findings"] if "layer_index" in f)' \
    'any(l["blob"] != l["diff_id"] for l in json.load(open("'"$TMP"'/layers.json")))'
# A docker-archive's layers are named by no descriptor: no blob digest.
scan_json 1 "$TMP/a/release-candidate.tar"
json_check "$TMP/out" \
    'all("layer_blob_digest" not in f for f in d["findings"])' \
    'all(f["layer_digest"] == json.load(open("'"$TMP"'/layers.json"))[f["layer_index"]]["diff_id"] for f in d["findings"] if "layer_index" in f)'

# --- --name ------------------------------------------------------------------
expect_status 1 "$BOSUN_BIN" image --no-config --format sarif --name ci/app "$TMP/a/release-candidate.tar"
fingerprints sarif >"$TMP/fp-named"
cmp -s "$TMP/fp-sarif-1" "$TMP/fp-named" && fail "--name does not change the fingerprints"
json_check "$TMP/out" \
    'all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "ci/app" for r in d["runs"][0]["results"])'
scan_json 1 --name "my app" "$FIX/app-docker.tar"
json_check "$TMP/out" 'd["images"][0]["name"] == "my app"' \
    'd["images"][0]["file"] == "'"$FIX"'/app-docker.tar"' \
    'all(f["file"] == "'"$FIX"'/app-docker.tar" for f in d["findings"])'
expect_status 1 "$BOSUN_BIN" image --no-config --format gitlab --name ci/app "$FIX/app-docker.tar"
json_check "$TMP/out" 'all(i["location"]["path"] == "ci/app" for i in d)'
# One name for one image.
expect_status 2 "$BOSUN_BIN" image --no-config --format json --name x "$FIX/app-docker.tar" "$FIX/app"
grep -q -- "--name names one image" "$TMP/err" || fail "--name with two images: $(cat "$TMP/err")"
expect_status 2 "$BOSUN_BIN" image --no-config --name "" "$FIX/app-docker.tar"

# --- The default name ------------------------------------------------------
# The archive's tag, written the short way (skopeo writes
# docker.io/library/app:latest); the :REF that picks the image; an OCI
# reference name that is only a tag as it is; the containerd name of a
# Docker 25 archive; the path when nothing names the image.
scan_json 1 "$FIX/app-docker.tar"
json_check "$TMP/out" 'd["images"][0]["name"] == "app:latest"'
scan_json 1 "docker-archive:$FIX/app-docker.tar:docker.io/library/app:latest"
json_check "$TMP/out" 'd["images"][0]["name"] == "app:latest"'
scan_json 1 "$FIX/docker25.tar"
json_check "$TMP/out" 'd["images"][0]["name"] == "app:1.0"'
scan_json 1 "oci:$FIX/app:latest"
json_check "$TMP/out" 'd["images"][0]["name"] == "latest"'
cp -r "$FIX/app" "$TMP/untagged"
python3 - "$TMP/untagged/index.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for m in d["manifests"]:
    m.pop("annotations", None)
json.dump(d, open(sys.argv[1], "w"))
PY
scan_json 1 "oci:$TMP/untagged"
json_check "$TMP/out" 'd["images"][0]["name"] == "'"$TMP"'/untagged"'

# --- diff_ids are checked ----------------------------------------------------
# An OCI layout whose configuration names another diff_id for layer 1,
# every blob and descriptor above it rewritten to match: only the layer's
# content, decompressed, can tell.
cp -r "$NAMED/app-oci" "$TMP/bad-diff"
python3 - "$TMP/bad-diff" <<'PY'
import hashlib, json, os, sys
lay = sys.argv[1]
def path(d):
    return os.path.join(lay, "blobs", *d.split(":"))
def put(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    open(path(d), "wb").write(data)
    return d, len(data)
idx = json.load(open(os.path.join(lay, "index.json")))
m = json.load(open(path(idx["manifests"][0]["digest"])))
cfg = json.load(open(path(m["config"]["digest"])))
cfg["rootfs"]["diff_ids"][1] = "sha256:" + "ab" * 32
m["config"]["digest"], m["config"]["size"] = put(json.dumps(cfg).encode())
idx["manifests"][0]["digest"], idx["manifests"][0]["size"] = put(json.dumps(m).encode())
json.dump(idx, open(os.path.join(lay, "index.json"), "w"))
PY
scan_json 1 "$TMP/bad-diff"
json_check "$TMP/out" \
    '[f["layer_index"] for f in d["findings"] if f["rule"] == "image-digest-mismatch"] == [1]' \
    'any("rootfs.diff_ids" in f["message"] and "sha256:" + "ab" * 32 in f["message"] for f in d["findings"])'
# Also in a stream, where the configuration comes after the layers.
(cd "$TMP/bad-diff" && tar -cf "$TMP/bad-diff.tar" oci-layout index.json blobs) ||
    fail "cannot tar the layout"
expect_status 1 sh -c "\"$BOSUN_BIN\" image --no-config --format json oci-archive:- <\"$TMP/bad-diff.tar\""
json_check "$TMP/out" \
    '[f["layer_index"] for f in d["findings"] if f["rule"] == "image-digest-mismatch"] == [1]'
scan_json 1 --no-verify "$TMP/bad-diff"
json_check "$TMP/out" 'not any(f["rule"] == "image-digest-mismatch" for f in d["findings"])'
# The intact copy has no mismatch.
scan_json 1 "oci:$TMP/b b/layout"
json_check "$TMP/out" 'not any(f["rule"] == "image-digest-mismatch" for f in d["findings"])'

# --- SARIF for images ------------------------------------------------------
expect_status 1 "$BOSUN_BIN" image --no-config --format sarif "oci-archive:$TMP/other.tar"
cp "$TMP/out" "$TMP/image.sarif"
json_check "$TMP/image.sarif" \
    'all(r["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "registry.example/app%3A1.4"} for r in d["runs"][0]["results"])' \
    'all("region" not in r["locations"][0]["physicalLocation"] for r in d["runs"][0]["results"])' \
    'all(r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "layer %d (%s)%s" % (r["properties"]["layerIndex"], r["properties"]["layerDigest"], r["locations"][0]["logicalLocations"][0].get("name", "")) for r in d["runs"][0]["results"] if "layerIndex" in r["properties"])' \
    'any(l["kind"] == "member" for r in d["runs"][0]["results"] for l in r["locations"][0].get("logicalLocations", []))' \
    'all(r["helpUri"].endswith("/docs/rules/" + r["id"] + ".md") for r in d["runs"][0]["tool"]["driver"]["rules"])' \
    '"originalUriBaseIds" not in d["runs"][0]'
sarif_validate "$TMP/image.sarif"

# A severity set in the configuration: the rule's descriptor and its
# results are ranked by it.
printf 'severity:\n  image-setuid: error\n' >"$TMP/sev.yaml"
expect_status 1 "$BOSUN_BIN" image --config "$TMP/sev.yaml" --format sarif "$FIX/app-docker.tar"
json_check "$TMP/out" \
    '[r["properties"]["security-severity"] for r in d["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "image-setuid"] == ["8.0"]' \
    '[r["defaultConfiguration"]["level"] for r in d["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "image-setuid"] == ["error"]' \
    'all(r["properties"]["security-severity"] == "8.0" and r["level"] == "error" for r in d["runs"][0]["results"] if r["ruleId"] == "image-setuid")' \
    'any(r["ruleId"] == "image-setuid" for r in d["runs"][0]["results"])'
expect_status 1 "$BOSUN_BIN" image --no-config --format sarif "$FIX/app-docker.tar"
json_check "$TMP/out" \
    '[r["properties"]["security-severity"] for r in d["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "image-setuid"] == ["5.0"]' \
    'all(r["properties"]["security-severity"] == "5.0" for r in d["runs"][0]["results"] if r["ruleId"] == "image-setuid")'
finish
