#!/bin/sh
# bosun image docker://REF: an image read from a registry finds what the
# same image read from its archive finds, finding for finding, whatever
# the manifest's format (OCI, Docker schema 2), the layers' compression
# (gzip, zstd) and the index it is chosen from (--platform); the report
# names the reference given and the digest resolved. A blob that is not
# what its digest says is an error (exit 2).
. "$(dirname "$0")/lib.sh"

# compare NAME REF ARCHIVE [OPTION...]: docker://REF (through the current
# registry, OPTIONs first) finds what ARCHIVE finds.
compare() {
    c_name=$1 c_ref=$2 c_archive=$3
    shift 3
    "$BOSUN_BIN" image --format json --no-config "$@" "$c_archive" \
        >"$TMP/file.json" 2>"$TMP/file.err"
    c_want=$?
    reg_scan "$c_want" 120 "$@" "docker://$c_ref"
    reg_findings "$TMP/file.json" "$TMP/want.txt"
    reg_findings "$TMP/out" "$TMP/got.txt"
    reg_same "$c_name" "$TMP/got.txt" "$TMP/want.txt"
    [ "$c_want" -eq 0 ] || [ -s "$TMP/want.txt" ] ||
        fail "$c_name: the archive has no findings: $(head -c 300 "$TMP/file.err")"
    json_check "$TMP/out" \
        "all(f['file'] == 'docker://$c_ref' for f in d['findings'])" \
        "[i['file'] for i in d['images']] == ['docker://$c_ref']" \
        "d['images'][0]['digest'] == '$(reg_digest_of "$c_ref")'"
}

# The manifest digest the image resolves to (the platform's manifest
# when REF names an index).
reg_digest_of() {
    case $1 in
    */multi:*) "$REG_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["images"][0]["digest"])' \
        "$TMP/file.json" ;;
    *) reg_digest "${1#*/}" ;;
    esac
}

# archive NAME TAG: the fixture layout NAME as an archive whose image is
# named TAG (as the registry's is by the reference): $TMP/NAME-TAG.tar.
archive() {
    rm -rf "$TMP/layout"
    cp -R "$FIX/$1" "$TMP/layout"
    "$REG_PY" - "$TMP/layout/index.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for m in d["manifests"]:
    m.setdefault("annotations", {})["org.opencontainers.image.ref.name"] = sys.argv[2]
json.dump(d, open(sys.argv[1], "w"))
PY
    tar -C "$TMP/layout" -cf "$TMP/$1-$2.tar" .
}
archive app latest
archive app v2s2
archive app-zstd zstd
archive multi 1.0
archive noconfig latest
archive big-gzip gzip

# blob_of NAME config|layer: the digest of the configuration or of the
# first layer of the fixture NAME.
blob_of() {
    "$REG_PY" - "$FIX/$1" "$2" <<'PY'
import json, sys
d = sys.argv[1]
idx = json.load(open(d + "/index.json"))
m = json.load(open(d + "/blobs/" + idx["manifests"][0]["digest"].replace(":", "/")))
print(m["config"]["digest"] if sys.argv[2] == "config" else m["layers"][0]["digest"])
PY
}

# ---------------------------------------------------- plain HTTP
reg_start_registry plain
reg_push_fixtures
reg_need_registry_source
plain=--tls-verify=false
compare "OCI, gzip" "$REG_HOST/app:latest" "$TMP/app-latest.tar" $plain
compare "Docker schema 2" "$REG_HOST/app:v2s2" "$TMP/app-v2s2.tar" $plain
compare "OCI, zstd" "$REG_HOST/app:zstd" "$TMP/app-zstd-zstd.tar" $plain
compare "no config user" "$REG_HOST/noconfig:latest" "$TMP/noconfig-latest.tar" $plain
compare "index" "$REG_HOST/multi:1.0" "$TMP/multi-1.0.tar" $plain --platform linux/arm64
# The other platform of the index has nothing to find: the same image
# chosen, no finding either way.
reg_scan 0 120 $plain --platform linux/amd64 "docker://$REG_HOST/multi:1.0"
json_check "$TMP/out" "d['findings'] == []" \
    "d['images'][0]['platform'] == 'linux/amd64'"
# The same index as a Docker manifest list: the same images chosen.
reg_scan 1 120 $plain --platform linux/arm64 "docker://$REG_HOST/multi:v2s2"
reg_findings "$TMP/out" "$TMP/got.txt"
"$BOSUN_BIN" image --format json --no-config --platform linux/arm64 \
    "$TMP/multi-1.0.tar" >"$TMP/file.json" 2>/dev/null
reg_findings "$TMP/file.json" "$TMP/want.txt"
reg_same "manifest list" "$TMP/got.txt" "$TMP/want.txt"
# By digest, and with -j1: the same again, but for the tag (none: the
# finding of an image without a tag, the archive's of its tag latest).
digest=$(reg_digest app:latest)
reg_scan 1 120 $plain -j1 "docker://$REG_HOST/app@$digest"
reg_findings "$TMP/out" "$TMP/got.txt"
"$BOSUN_BIN" image --format json --no-config "$TMP/app-latest.tar" >"$TMP/file.json" 2>/dev/null
reg_findings "$TMP/file.json" "$TMP/want.txt"
grep -v '"image-latest-tag"' "$TMP/got.txt" >"$TMP/got-notag.txt"
grep -v '"image-latest-tag"' "$TMP/want.txt" >"$TMP/want-notag.txt"
reg_same "by digest" "$TMP/got-notag.txt" "$TMP/want-notag.txt"
grep -q 'the image has no tag' "$TMP/got.txt" || fail "by digest: no tag finding"
# A bare reference, when no file has its name.
reg_scan 1 120 $plain "$REG_HOST/app:latest"
reg_findings "$TMP/out" "$TMP/got.txt"
reg_same "bare reference" "$TMP/got.txt" "$TMP/want.txt"
json_check "$TMP/out" "d['findings'][0]['file'] == '$REG_HOST/app:latest'"
# A large layer: memory stays bounded.
# A large layer: the same findings, memory bounded (reg_scan checks).
compare "large layer" "$REG_HOST/big:gzip" "$TMP/big-gzip-gzip.tar" $plain

# Without --tls-verify=false a plain registry is not spoken to.
reg_scan 2 60 "docker://$REG_HOST/app:latest"
reg_error 'cannot reach the registry' "plain HTTP without --tls-verify=false"
# A tag that is not there.
reg_scan 2 60 $plain "docker://$REG_HOST/app:nope"
reg_error 'manifest' "a missing tag"

# A blob that is not what its digest says: the proxy changes a byte. The
# configuration is checked as it is fetched; a layer as it streams (a
# byte of the gzip header's time, which the decoder does not check: only
# the digest tells).
reg_start_proxy --fault corrupt --match "$(blob_of app config)"
reg_scan 2 120 $plain "docker://$PROXY_HOST/app:latest"
reg_error 'configuration.*hash' "a corrupted configuration"
reg_stop_proxy
layer=$(blob_of app layer)
reg_start_proxy --fault corrupt --match "$layer" --cut 5
reg_scan 2 120 $plain "docker://$PROXY_HOST/app:latest"
reg_error "layer 0 \\($layer\\): the registry sent a blob whose digest is" \
    "a corrupted layer"
reg_stop_proxy
reg_stop_registry

# ------------------------------------------- TLS and htpasswd
reg_start_registry basic
reg_push_fixtures
reg_auth_docker_config
compare "TLS, basic auth" "$REG_HOST/app:latest" "$TMP/app-latest.tar" \
    --cert-dir "$REG_CA_DIR"
compare "TLS, zstd" "$REG_HOST/app:zstd" "$TMP/app-zstd-zstd.tar" \
    --cert-dir "$REG_CA_DIR"
compare "TLS, index" "$REG_HOST/multi:1.0" "$TMP/multi-1.0.tar" \
    --cert-dir "$REG_CA_DIR" --platform linux/arm64
# Without the CA, TLS verification fails.
reg_scan 2 60 "docker://$REG_HOST/app:latest"
reg_error 'certificate|SSL|TLS' "no CA"

finish
