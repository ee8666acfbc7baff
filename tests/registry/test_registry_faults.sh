#!/bin/sh
# bosun image on a registry that misbehaves (fault_proxy.py in front of a
# token registry over TLS): a blob with other bytes than its digest, a
# blob cut short once (resumed) or always, errors then success, 429 with
# Retry-After, a redirection to another host (which must not get the
# registry's Authorization), an enormous manifest, a body that drips
# slower than the stall timeout. Each either succeeds with the findings of
# the registry read without fault, or ends in exit 2 with a clear error,
# in bounded time and memory, writing no file (reg_scan).
#
# The stall timeout is 60 s by default; these tests make it 1 s with
# BOSUN_REGISTRY_STALL_TIMEOUT_MS=1000 (read by bosun image for its
# registry client).
. "$(dirname "$0")/lib.sh"

case ${BOSUN_SANITIZE:-OFF} in
ON | on | 1 | TRUE | true) bound=300 quick=120 ;;
*) bound=60 quick=15 ;;
esac
STALL_MS=1000

# ------------------------------------------------------------------ setup
reg_start_registry token || finish
reg_push app app:latest --preserve-digests && reg_push big-gzip big:gzip --preserve-digests || finish
reg_start_proxy || finish
OPTS="--cert-dir $REG_CA_DIR --creds $REG_USER:$REG_PASS"
APP=docker://$PROXY_HOST/app:latest
BIG=docker://$PROXY_HOST/big:gzip
manifest_field() { # NAME PYEXPR (m is the fixture's manifest)
    "$REG_PY" - "$FIX/$1" "$2" <<'PY'
import json, sys
d = sys.argv[1]
idx = json.load(open(d + "/index.json"))
m = json.load(open(d + "/blobs/" + idx["manifests"][0]["digest"].replace(":", "/")))
print(eval(sys.argv[2]))
PY
}
BIG_MANIFEST=$(manifest_field big-gzip 'idx["manifests"][0]["digest"]')
BIG_LAYER=$(manifest_field big-gzip 'm["layers"][0]["digest"]')
BIG_SIZE=$(manifest_field big-gzip 'm["layers"][0]["size"]')
APP_LAYER=$(manifest_field app 'max(m["layers"], key=lambda l: l["size"])["digest"]')
[ "$BIG_SIZE" -gt 4194304 ] || fail "setup: the big layer has only $BIG_SIZE bytes"
# The proxy serves what the registry does, as curl sees it.
reg_proxy_fault
tok=$(reg_token repository:big:pull)
curl -s --max-time 30 --cacert "$REG_CA" -H "Authorization: Bearer $tok" -o "$TMP/blob" \
    "$PROXY_URL/v2/big/blobs/$BIG_LAYER" || fail "setup: the blob through the proxy"
[ "sha256:$(sha256sum <"$TMP/blob" | cut -d' ' -f1)" = "$BIG_LAYER" ] || fail "setup: the proxy changed the blob"
rm -f "$TMP/blob"

# The archives' findings, read today.
reg_scan 1 "$bound" "$FIX/app"
reg_findings_key "$TMP/out" "$TMP/archive-app.key"
reg_scan 1 "$bound" "$FIX/big-gzip"
reg_findings_key "$TMP/out" "$TMP/archive-big.key"
[ -s "$TMP/archive-app.key" ] && [ -s "$TMP/archive-big.key" ] || fail "setup: an archive without findings"
[ "$failures" -eq 0 ] || finish


# fault KEY=VALUE...: a new fault, and a new log to count it in.
fault() {
    : >"$PROXY_LOG"
    reg_proxy_fault "$@"
}
# scan WANT BOUND ARG...: bosun through the proxy, short stall timeout.
scan() {
    want=$1
    b=$2
    shift 2
    # shellcheck disable=SC2086
    reg_scan "$want" "$b" "BOSUN_REGISTRY_STALL_TIMEOUT_MS=$STALL_MS" $OPTS "$@"
}
# same_as NAME WHAT: the last scan found what the scan without fault did.
same_as() {
    reg_findings "$TMP/out" "$TMP/got"
    reg_same "$2" "$TMP/got" "$TMP/ref-$1"
}
# blob_requests PYEXPR: how many requests for the big layer satisfy PYEXPR.
blob_requests() {
    reg_proxy_count 'r["path"].endswith("/blobs/'"$BIG_LAYER"'") and ('"$1"')'
}

# ----------------------------------------------------------- no fault
fault
scan 1 "$bound" "$APP"
reg_findings "$TMP/out" "$TMP/ref-app"
reg_findings_key "$TMP/out" "$TMP/got.key"
reg_same "app through the proxy against the archive" "$TMP/got.key" "$TMP/archive-app.key"
fault
scan 1 "$bound" "$BIG"
reg_findings "$TMP/out" "$TMP/ref-big"
reg_findings_key "$TMP/out" "$TMP/got.key"
reg_same "big through the proxy against the archive" "$TMP/got.key" "$TMP/archive-big.key"
[ "$(blob_requests 'r["method"] == "GET" and r["status"] == 200 and r["complete"]')" -eq 1 ] ||
    fail "no fault: the big layer was not fetched once: $(cat "$PROXY_LOG")"

# ------------------------------------------------------- wrong digest
# A blob whose bytes are not its digest, whatever the retries.
fault fault=corrupt match="$BIG_LAYER"
scan 2 "$bound" "$BIG"
reg_error "digest" "a corrupted layer"
grep -q "$(echo "$BIG_LAYER" | cut -c8-19)" "$TMP/err" || fail "a corrupted layer: the error does not name it: $(cat "$TMP/err")"
[ "$(blob_requests 'r["fault"] == "corrupt"')" -ge 1 ] || fail "a corrupted layer: the fault was not hit"
# A manifest whose bytes are not the digest asked for, or announced.
fault fault=corrupt target=manifests
scan 2 "$bound" "docker://$PROXY_HOST/big@$BIG_MANIFEST"
reg_error "digest" "a corrupted manifest by digest"
fault fault=corrupt target=manifests
scan 2 "$bound" "$BIG"
reg_error "digest" "a corrupted manifest by tag (Docker-Content-Digest)"

# ------------------------------------------------------------- cut short
# Once: the rest is asked for with Range and the scan goes on.
fault fault=drop match="$BIG_LAYER"
scan 1 "$bound" "$BIG"
same_as big "a layer cut once"
[ "$(blob_requests 'r["fault"] == "drop" and not r["complete"]')" -eq 1 ] || fail "a layer cut once: the fault was not hit"
[ "$(blob_requests 'r["range"] is not None and r["range"].startswith("bytes=") and r["status"] == 206 and r["complete"]')" -ge 1 ] ||
    fail "a layer cut once: not resumed with Range: $(cat "$PROXY_LOG")"
[ "$(blob_requests 'r["method"] == "GET" and r["range"] is None and r["status"] == 200')" -eq 1 ] ||
    fail "a layer cut once: fetched again from its start: $(cat "$PROXY_LOG")"
# Once, by a registry that ignores Range: it cannot be resumed.
CUT_ERR='truncat|resum|range|closed|incomplete|partial|short|transfer|connection|attempt|premature|end of'
fault fault=drop match="$BIG_LAYER" ignore_range=true
scan 2 "$bound" "$BIG"
reg_error "$CUT_ERR" "a layer cut once, no Range"
# Always, resumes included: a clear error after the retries.
fault fault=truncate match="$BIG_LAYER"
scan 2 "$bound" "$BIG"
reg_error "$CUT_ERR" "a layer always cut"

# ------------------------------------------------------ errors, then none
fault fault=status status=500 times=2 target=all
scan 1 "$bound" "$APP"
same_as app "500 twice, then success"
[ "$(reg_proxy_count 'r["fault"] == "status" and r["status"] == 500')" -eq 2 ] ||
    fail "500 twice: the fault was not hit twice: $(cat "$PROXY_LOG")"
fault fault=status status=503 times=1 match="$APP_LAYER"
scan 1 "$bound" "$APP"
same_as app "503 on a layer, then success"
[ "$(reg_proxy_count 'r["fault"] == "status" and r["path"].endswith("'"$APP_LAYER"'")')" -eq 1 ] ||
    fail "503 on a layer: the fault was not hit: $(cat "$PROXY_LOG")"

# 429 with Retry-After: 2: the next request for it comes 2 s later.
fault fault=status status=429 retry_after=2 times=1 match="$APP_LAYER"
scan 1 "$bound" "$APP"
same_as app "429 on a layer"
"$REG_PY" - "$PROXY_LOG" "$APP_LAYER" <<'PY' || fail "429: Retry-After not honoured: $(cat "$PROXY_LOG")"
import json, sys
rs = sorted((json.loads(l) for l in open(sys.argv[1]) if l.strip()), key=lambda r: r["n"])
rs = [r for r in rs if r["path"].endswith(sys.argv[2])]
hit = [r for r in rs if r["fault"] == "status"]
after = [r for r in rs if r["fault"] is None and r["status"] == 200]
ok = len(hit) == 1 and after and after[0]["time"] - hit[0]["time"] >= 1.9
if not ok:
    print(hit, after, file=sys.stderr)
sys.exit(0 if ok else 1)
PY
# Retry-After as an HTTP date.
fault fault=status status=429 "retry_after=$(LC_ALL=C date -u -d '+2 seconds' '+%a, %d %b %Y %H:%M:%S GMT')" times=1 match="$APP_LAYER"
scan 1 "$bound" "$APP"
same_as app "429 with a date"

# ---------------------------------------------------------- redirection
# Blobs are served by another host: the registry's token is not sent there.
fault fault=redirect
scan 1 "$bound" "$APP"
same_as app "blobs redirected to another host"
[ "$(reg_proxy_count 'r["fault"] == "redirect"')" -ge 2 ] || fail "redirect: the fault was not hit: $(cat "$PROXY_LOG")"
[ "$(reg_proxy_count 'r["server"] == "storage" and r["status"] == 200')" -ge 2 ] ||
    fail "redirect: the other host served nothing: $(cat "$PROXY_LOG")"
[ "$(reg_proxy_count 'r["server"] == "storage" and r["auth"] is not None')" -eq 0 ] ||
    fail "redirect: the other host got an Authorization header: $(cat "$PROXY_LOG")"
[ "$(reg_proxy_count 'r["server"] == "proxy" and r["path"].startswith("/v2/app/") and r["auth"] != "Bearer"  and r["status"] != 401')" -eq 0 ] ||
    fail "redirect: the registry got a request without the token: $(cat "$PROXY_LOG")"

# ------------------------------------------------------ enormous manifest
# 100 MiB announced: refused before it is read; without end: cut early.
MANIFEST_ERR='manifest'
fault fault=huge-manifest
scan 2 "$quick" "$BIG"
reg_error "$MANIFEST_ERR" "a manifest of 100 MiB"
[ "$(reg_proxy_count 'r["fault"] == "huge-manifest" and r["sent"] > 32 * 1024 * 1024')" -eq 0 ] ||
    fail "a manifest of 100 MiB: read too far: $(cat "$PROXY_LOG")"
fault fault=huge-manifest huge_size=0
scan 2 "$quick" "$BIG"
reg_error "$MANIFEST_ERR" "a manifest without end"
[ "$(reg_proxy_count 'r["fault"] == "huge-manifest" and r["sent"] > 32 * 1024 * 1024')" -eq 0 ] ||
    fail "a manifest without end: read too far: $(cat "$PROXY_LOG")"

# ------------------------------------------------------------------ drip
# One byte, then one every 5 s: each attempt stalls after STALL_MS; with
# the client's retries (6 attempts, backoff at most 0.5+1+2+4+8 s) the
# scan ends well within the bound; killed at twice that, it hangs.
drip_bound=$((6 * (STALL_MS / 1000 + 2) + 16 + 10))
fault fault=drip drip_interval=5 match="$BIG_LAYER"
scan 2 $((drip_bound * 2)) "$BIG"
reg_error 'stall|time|slow|no data|no byte|speed|attempt' "a dripping layer"
awk -v s="$REG_SCAN_SECS" -v b="$drip_bound" 'BEGIN { exit !(s <= b) }' ||
    fail "a dripping layer: ${REG_SCAN_SECS}s (bound ${drip_bound}s; is BOSUN_REGISTRY_STALL_TIMEOUT_MS read?)"

cat "$REG_STATE/scans.log"
finish
