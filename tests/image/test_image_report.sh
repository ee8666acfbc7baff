#!/bin/sh
# The JSON report's `images`: one entry per image checked, with its
# manifest's digest, its platform and its layers, each figure found here
# from the image itself with other tools (sha256sum, gzip, Python's
# tarfile) and compared with what bosun says.
. "$(dirname "$0")/lib.sh"

# expected LAYOUT FILE DIGEST: the entry for the OCI layout LAYOUT checked
# as FILE, whose manifest has the digest DIGEST (null: none), as JSON.
# The manifest is the layout's only blob that is a manifest, the layers'
# counts are of the paths that are not directories or whiteouts.
expected() {
    python3 - "$@" <<'PY'
import hashlib, json, os, posixpath, subprocess, sys, tarfile
layout, file, digest = sys.argv[1:]
# The name: the index entry's io.containerd.image.name, else its
# org.opencontainers.image.ref.name (a bare tag is kept as it is).
ann = json.load(open(os.path.join(layout, "index.json")))["manifests"][0].get("annotations", {})
image_name = ann.get("io.containerd.image.name") or ann.get("org.opencontainers.image.ref.name")
def blob(d):
    return os.path.join(layout, "blobs", *d.split(":"))
manifests = []
for name in sorted(os.listdir(os.path.join(layout, "blobs", "sha256"))):
    try:
        doc = json.load(open(os.path.join(layout, "blobs", "sha256", name)))
    except ValueError:
        continue
    if isinstance(doc, dict) and "layers" in doc and "config" in doc:
        manifests.append(doc)
assert len(manifests) == 1, "want one manifest in " + layout
m = manifests[0]
config = json.load(open(blob(m["config"]["digest"])))
platform = config["os"] + "/" + config["architecture"]
if config.get("variant"):
    platform += "/" + config["variant"]
made = [h.get("created_by") for h in config.get("history", [])
        if not h.get("empty_layer")]
layers = []
for i, d in enumerate(m["layers"]):
    path = blob(d["digest"])
    plain = subprocess.run(["gzip", "-dc", path], capture_output=True,
                           check=True).stdout
    with tarfile.open(path, "r:*") as t:
        files = {posixpath.normpath("/" + e.name) for e in t
                 if not e.isdir()
                 and not posixpath.basename(e.name).startswith(".wh.")}
    layers.append({"index": i, "digest": d["digest"],
                   "diff_id": "sha256:" + hashlib.sha256(plain).hexdigest(),
                   "media_type": d["mediaType"],
                   "size": os.path.getsize(path),
                   "uncompressed_size": len(plain), "files": len(files),
                   "created_by": made[i] if i < len(made) else None})
# The base: buildah comments the first entry of its build with the image
# it starts FROM (later ones with a 12-digit layer id); the manifest's
# annotations name it.
hist = config.get("history", [])
start = 0
for k, h in enumerate(hist):
    c = h.get("comment", "")
    if c.startswith("FROM ") and not (len(c) == 17 and all(
            ch in "0123456789abcdef" for ch in c[5:])):
        start = k
ann = m.get("annotations", {})
base = None
if start or "org.opencontainers.image.base.name" in ann:
    base = {"layers": sum(1 for h in hist[:start] if not h.get("empty_layer"))
            if start else None,
            "history_entries": start if start else None,
            "from": "history: the entry buildah comments with the image it "
                    "builds FROM" if start else None,
            "name": ann.get("org.opencontainers.image.base.name"),
            "digest": ann.get("org.opencontainers.image.base.digest")}
print(json.dumps({"file": file, "name": image_name, "digest": None if digest == "null" else digest,
                  "platform": platform, "layers": layers, "base": base}))
PY
}

# The manifest's digest, from its bytes: the one blob of the layout that
# is a manifest (the layout holds one image).
manifest_digest() {
    for b in "$1"/blobs/sha256/*; do
        if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if isinstance(d, dict) and "layers" in d and "config" in d else 1)' "$b" 2>/dev/null; then
            echo "sha256:$(sha256sum "$b" | cut -d' ' -f1)"
        fi
    done
}

# same_entry WANT_FILE: images[0] of $TMP/out is the entry in WANT_FILE.
same_entry() {
    python3 - "$TMP/out" "$1" <<'PY' || fail "images[0] is not what the image holds"
import json, sys
got = json.load(open(sys.argv[1]))["images"][0]
want = json.load(open(sys.argv[2]))
if got != want:
    for k in want:
        if k != "layers" and got.get(k) != want[k]:
            print("%s: %r, want %r" % (k, got.get(k), want[k]), file=sys.stderr)
    for g, w in zip(got.get("layers", []), want["layers"]):
        if g != w:
            print("layer: %r\n want: %r" % (g, w), file=sys.stderr)
    if sorted(got) != sorted(want) or len(got["layers"]) != len(want["layers"]):
        print("keys or layer count: %r" % got, file=sys.stderr)
    sys.exit(1)
PY
}

# --- An OCI layout ---------------------------------------------------------
digest=$(manifest_digest "$FIX/app")
[ -n "$digest" ] || fail "no manifest found in $FIX/app"
expected "$FIX/app" "$FIX/app" "$digest" >"$TMP/want" || fail "cannot read $FIX/app"
scan_json 1 "$FIX/app"
json_check "$TMP/out" 'len(d["images"]) == 1' \
    'd["images"][0]["digest"] == "'"$digest"'"' \
    'len(d["images"][0]["layers"]) == 8'
same_entry "$TMP/want"

# The same image as an OCI archive: the same manifest, named as given.
scan_json 1 "oci-archive:$FIX/app-oci.tar"
json_check "$TMP/out" \
    '[i["file"] for i in d["images"]] == ["oci-archive:'"$FIX"'/app-oci.tar"]' \
    'd["images"][0]["digest"] == "'"$digest"'"'

# --- A docker-archive -------------------------------------------------------
# No manifest, so no digest; the layers are named by their tar's digest
# and have no media type; their sizes and counts are the tar's.
scan_json 1 "$FIX/app-docker.tar"
json_check "$TMP/out" \
    'len(d["images"]) == 1 and d["images"][0]["digest"] is None' \
    'd["images"][0]["file"] == "'"$FIX"'/app-docker.tar"' \
    'd["images"][0]["name"] == "app:latest"' \
    'all(l["diff_id"] == l["digest"] for l in d["images"][0]["layers"])' \
    'all(l["media_type"] is None for l in d["images"][0]["layers"])' \
    'all(l["size"] == l["uncompressed_size"] for l in d["images"][0]["layers"])'
python3 - "$TMP/out" "$TMP/want" <<'PY' || fail "the docker-archive's layers are not the OCI layout's"
import json, sys
got = json.load(open(sys.argv[1]))["images"][0]
want = json.load(open(sys.argv[2]))
pick = lambda ls: [(l["index"], l["diff_id"], l["uncompressed_size"], l["files"], l["created_by"]) for l in ls]
sys.exit(0 if got["platform"] == want["platform"] and pick(got["layers"]) == pick(want["layers"]) else 1)
PY

# --- Several images, and one that cannot be read ---------------------------
scan_json 2 "$FIX/app" "$TMP/missing.tar" "$FIX/base"
json_check "$TMP/out" \
    '[i["file"] for i in d["images"]] == ["'"$FIX"'/app", "'"$FIX"'/base"]' \
    'd["images"][1]["digest"] == "'"$(manifest_digest "$FIX/base")"'"' \
    'len(d["errors"]) == 1'
scan_json 2 "$TMP/missing.tar"
json_check "$TMP/out" 'd["images"] == []'

# A layer that cannot be read whole has no uncompressed size or count.
scan_json 2 "$FIX/big-trunc"
json_check "$TMP/out" \
    'any(l["uncompressed_size"] is None and l["files"] is None for l in d["images"][0]["layers"])'

# A report of Dockerfiles has no images.
printf 'FROM debian:12.5\nUSER 10001\n' >"$TMP/Dockerfile"
expect_status 0 "$BOSUN_BIN" lint --format json --no-config "$TMP/Dockerfile"
json_check "$TMP/out" '"images" not in d'
finish
