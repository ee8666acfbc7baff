#!/bin/sh
# The OCI image of bosun (scripts/oci-image.py, `make image`): built the
# same twice; exactly the binaries, the libraries ldd names, the CA bundle
# and /etc/passwd; runs as 65532; tagged and annotated with this version;
# bosun finds nothing at warning or above in it; unpacked by umoci, its
# bosun lints a Dockerfile and checks an image archive in a chroot.
#
# BOSUN_BIN is the bosun whose build directory the image is made from;
# with BOSUN_OCI_LAYOUT set, that layout is checked instead (make
# image-test). Exits 77 (skipped) without umoci or a way to chroot.
. "$(dirname "$0")/../cli/lib.sh"
root=$(cd "$BOSUN_TEST_DATA/.." && pwd)
build=$(cd "$(dirname "$BOSUN_BIN")" && pwd)
version=$("$BOSUN_BIN" --version | sed -n 's/^bosun //p')
[ -n "$version" ] || { echo "FAIL: no version from $BOSUN_BIN --version" >&2; exit 1; }

if [ -n "${BOSUN_OCI_LAYOUT:-}" ]; then
    oci=$BOSUN_OCI_LAYOUT
else
    oci=$TMP/oci
    python3 "$root/scripts/oci-image.py" "$build" "$oci" >"$TMP/log" 2>&1 ||
        { echo "FAIL: oci-image.py: $(cat "$TMP/log")" >&2; exit 1; }
    # The same inputs make the same image.
    python3 "$root/scripts/oci-image.py" "$build" "$TMP/oci2" >"$TMP/log" 2>&1 ||
        fail "oci-image.py, again: $(cat "$TMP/log")"
    cmp -s "$oci/index.json" "$TMP/oci2/index.json" ||
        fail "two builds of the image differ: $(cat "$oci/index.json") $(cat "$TMP/oci2/index.json")"
    rm -rf "$TMP/oci2"
    # The creation time comes from SOURCE_DATE_EPOCH.
    SOURCE_DATE_EPOCH=86400 python3 "$root/scripts/oci-image.py" "$build" "$TMP/oci3" >"$TMP/log" 2>&1 ||
        fail "oci-image.py with SOURCE_DATE_EPOCH: $(cat "$TMP/log")"
fi

# The layout, read as a registry client would, and the layer's names.
python3 - "$oci" "$version" "$TMP/oci3" "$root" >"$TMP/names" 2>"$TMP/err" <<'PY' || fail "image layout: $(cat "$TMP/err")"
import gzip, hashlib, io, json, os, subprocess, sys, tarfile
oci, version, oci3, root = sys.argv[1:]
def blob(layout, digest):
    data = open(os.path.join(layout, "blobs", *digest.split(":")), "rb").read()
    assert "sha256:" + hashlib.sha256(data).hexdigest() == digest, digest
    return data
def image(layout):
    index = json.load(open(os.path.join(layout, "index.json")))
    [desc] = index["manifests"]
    manifest = json.loads(blob(layout, desc["digest"]))
    config = json.loads(blob(layout, manifest["config"]["digest"]))
    return desc, manifest, config
desc, manifest, config = image(oci)
assert desc["annotations"]["org.opencontainers.image.ref.name"] == version, desc
c = config["config"]
assert c["User"] == "65532", c
assert c["Entrypoint"] == ["/usr/bin/bosun"], c
a = manifest["annotations"]
assert c["Labels"] == a, (c["Labels"], a)
assert a["org.opencontainers.image.version"] == version, a
assert a["org.opencontainers.image.title"] == "bosun", a
for key in ("description", "source", "created", "revision"):
    assert a["org.opencontainers.image." + key], key
assert config["created"] == a["org.opencontainers.image.created"], config
try:
    head = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    assert a["org.opencontainers.image.revision"].startswith(head), a
except (OSError, subprocess.CalledProcessError):
    pass
if os.path.isdir(oci3):
    assert image(oci3)[2]["created"] == "1970-01-02T00:00:00Z", image(oci3)[2]["created"]
[layer] = manifest["layers"]
tar = gzip.decompress(blob(oci, layer["digest"]))
assert "sha256:" + hashlib.sha256(tar).hexdigest() == config["rootfs"]["diff_ids"][0]
with tarfile.open(fileobj=io.BytesIO(tar)) as t:
    for m in t.getmembers():
        assert m.uid == 0 and m.gid == 0, m.name
        if m.isfile():
            print("/" + m.name)
        else:
            assert m.isdir(), m.name
        if m.name == "etc/passwd":
            lines = t.extractfile(m).read().decode().splitlines()
            assert any(l.startswith("nonroot:x:65532:65532:") for l in lines), lines
PY

# Exactly the binaries, the libraries and loader they load, the CA bundle
# and /etc/passwd.
{
    echo /usr/bin/bosun
    echo /usr/bin/bosun-image
    echo /etc/ssl/certs/ca-certificates.crt
    echo /etc/passwd
    ldd "$build/bosun" "$build/bosun-image" | sed -n 's/^[[:space:]]*\([^ ]* => \)\{0,1\}\(\/[^ ]*\) (0x[0-9a-f]*)$/\2/p'
} | sort -u >"$TMP/want"
sort "$TMP/names" >"$TMP/got"
cmp -s "$TMP/want" "$TMP/got" || fail "the image's files are not what bosun needs: $(diff "$TMP/want" "$TMP/got")"

# bosun finds nothing at warning or above in its own image.
"$BOSUN_BIN" image --format json "oci:$oci:$version" >"$TMP/self.json" 2>"$TMP/err"
[ $? -le 1 ] || fail "bosun image oci:$oci:$version: $(cat "$TMP/err")"
json_check "$TMP/self.json" 'd["errors"] == []' \
    '[f for f in d["findings"] if f["severity"] in ("warning", "error")] == []'

# Unpacked and run, as the non-root user, in a chroot.
if ! command -v umoci >/dev/null; then
    echo "SKIP: umoci is not installed (scripts/deps.sh image-test)" >&2
    finish_status=77
elif ldd "$build/bosun" "$build/bosun-image" | grep -q libasan; then
    # ASan reads /proc, which the chroot has not.
    echo "SKIP: sanitizer build, not run in a chroot" >&2
    finish_status=77
else
    if [ "$(id -u)" -eq 0 ]; then
        umoci unpack --image "$oci:$version" "$TMP/bundle" >"$TMP/log" 2>&1
        run_in() { chroot --userspec=65532:65532 "$TMP/bundle/rootfs" "$@"; }
    else
        umoci unpack --rootless --image "$oci:$version" "$TMP/bundle" >"$TMP/log" 2>&1
        run_in() { unshare -r chroot "$TMP/bundle/rootfs" "$@"; }
    fi || fail "umoci unpack: $(cat "$TMP/log")"
    rootfs=$TMP/bundle/rootfs
    mkdir -p "$rootfs/work"
    printf 'FROM debian\nRUN curl -fsSL https://example.com/i.sh | sh\n' >"$rootfs/work/Dockerfile"
    python3 "$(dirname "$0")/tiny_image.py" "$rootfs/work/tiny.tar"
    chmod -R a+rX "$rootfs/work"
    if ! run_in /usr/bin/bosun --version >"$TMP/out" 2>"$TMP/err"; then
        echo "SKIP: cannot run in a chroot here: $(cat "$TMP/err")" >&2
        finish_status=77
    else
        expect_contains "$TMP/out" "bosun $version"
        run_in /usr/bin/bosun lint --format json /work/Dockerfile >"$TMP/out" 2>"$TMP/err"
        [ $? -eq 1 ] || fail "bosun lint in the image: want exit 1 ($(cat "$TMP/err"))"
        json_check "$TMP/out" '{"pipe-to-shell", "root-user"} <= {f["rule"] for f in d["findings"]}'
        run_in /usr/bin/bosun image --format json oci-archive:/work/tiny.tar:1.0 >"$TMP/out" 2>"$TMP/err"
        [ $? -eq 1 ] || fail "bosun image in the image: want exit 1 ($(cat "$TMP/err"))"
        json_check "$TMP/out" '{"image-root-user", "image-secret-file"} <= {f["rule"] for f in d["findings"]}'
    fi
fi
[ "$failures" -eq 0 ] && [ "${finish_status:-0}" -eq 77 ] && exit 77
finish
