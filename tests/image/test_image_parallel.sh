#!/bin/sh
# Threads: layers in parallel, and a second thread reading and hashing a
# large layer while the first decodes and walks it (the images of
# make_archives.py's big()): the same findings and errors whatever -j says.
. "$(dirname "$0")/lib.sh"

for image in big-gzip big-zstd big-tar big-docker-gz.tar; do
    scan_json 1 -j1 "$FIX/$image"
    cp "$TMP/out" "$TMP/j1"
    json_check "$TMP/j1" \
        'd["errors"] == []' \
        "sorted((f['rule'], f['path']) for f in d['findings']) == [('image-secret-content', '/app/first.env'), ('image-secret-content', '/app/last.env'), ('image-setuid', '/app/tool')]"
    for j in 2 3 8; do
        scan_json 1 -j$j "$FIX/$image"
        cmp -s "$TMP/j1" "$TMP/out" || fail "$image: -j$j differs from -j1"
    done
done

# The digest of the decoded tar is checked when the helper decodes too (the
# config, edited, no longer matches its name either).
python3 - "$FIX/big-docker-gz.tar" "$TMP/bad-docker.tar" <<'PY'
import sys, tarfile, io, json
src, dst = sys.argv[1:]
with tarfile.open(src) as t, tarfile.open(dst, "w") as out:
    for m in t.getmembers():
        data = t.extractfile(m).read() if m.isfile() else None
        if m.name.endswith(".json") and m.name != "manifest.json":
            c = json.loads(data)
            c["rootfs"]["diff_ids"] = ["sha256:" + "0" * 64]
            data = json.dumps(c).encode()
            m.size = len(data)
        out.addfile(m, io.BytesIO(data) if data is not None else None)
PY
for j in 1 2; do
    scan_json 1 -j$j "$TMP/bad-docker.tar"
    json_check "$TMP/out" \
        "[f['layer_index'] for f in d['findings'] if f['rule'] == 'image-digest-mismatch' and 'layer_index' in f] == [0]" \
        "any('its content hashes to' in f['message'] for f in d['findings'])"
done

# The helper's hash is the blob's: a changed byte is a digest mismatch.
cp -r "$FIX/big-tar" "$TMP/big-tar"
blob=$(ls -S "$TMP/big-tar/blobs/sha256/" | head -1)
# The byte is flipped, not overwritten: the layer's bytes are random, and
# one in 256 fixtures already held the byte written.
python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(20000000); b = f.read(1); f.seek(20000000); f.write(bytes([b[0] ^ 0xff]))' \
    "$TMP/big-tar/blobs/sha256/$blob"
for j in 1 2 4; do
    scan_json 1 -j$j "$TMP/big-tar"
    json_check "$TMP/out" \
        "[f['layer_index'] for f in d['findings'] if f['rule'] == 'image-digest-mismatch'] == [0]"
done

# A stream cut short is reported the same way by either thread.
for j in 1 2 4; do
    expect_status 2 "$BOSUN_BIN" image -j$j --format json "$FIX/big-trunc"
    expect_contains "$TMP/err" "truncated gzip stream"
done
finish
