#!/bin/sh
# The registry test servers, without bosun: docker-registry in its three
# modes fed by skopeo and read back by skopeo, the credential sources as
# skopeo finds them, the token server's grants, and each fault of the proxy
# as curl sees it. Each step has a time bound; every server is stopped at
# the end, whatever happened, and none may be left.
. "$(dirname "$0")/lib.sh"

# step NAME SECONDS FUNCTION: run FUNCTION in this shell (it starts servers
# the shell must own), timed; over its bound it fails. Every command in a
# step is bounded itself (timeouts of curl, skopeo and the waits).
step() {
    st_name=$1
    st_bound=$2
    shift 2
    st_t0=$(date +%s%N)
    "$@" || fail "step $st_name failed"
    st_ms=$((($(date +%s%N) - st_t0) / 1000000))
    echo "$st_name: $st_ms ms" >>"$TMP/timings"
    [ "$st_ms" -le $((st_bound * 1000)) ] || fail "step $st_name took $st_ms ms (bound $st_bound s)"
}

# What skopeo reads back: the raw manifest of REF in $TMP/raw.
raw() { # REF [SKOPEO-INSPECT-OPTION...]
    r=$1
    shift
    reg_skopeo inspect --raw "$@" "docker://$REG_HOST/$r" >"$TMP/raw" 2>"$TMP/raw.err"
}
fixture_digest() { # NAME: the manifest digest in the fixture's index
    "$REG_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' \
        "$FIX/$1/index.json"
}
sha() { echo "sha256:$(sha256sum <"$1" | cut -d' ' -f1)"; }
size() { wc -c <"$1" | tr -d ' '; }

# ------------------------------------------------------------------ plain
plain_mode() {
    reg_start_registry plain || return 1
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$REG_URL/v2/")" = 200 ] ||
        fail "plain: /v2/ is not open"
    reg_push_fixtures || return 1

    # What was pushed is what the fixtures hold, digest for digest.
    for pair in app:latest=app app:zstd=app-zstd base:1.0=base multi:1.0=multi big:gzip=big-gzip; do
        got=$(reg_digest "${pair%%=*}")
        want=$(fixture_digest "${pair#*=}")
        [ "$got" = "$want" ] || fail "plain: ${pair%%=*} is $got, the fixture $want"
    done
    raw app:v2s2 --tls-verify=false || fail "plain: inspect app:v2s2: $(cat "$TMP/raw.err")"
    json_check "$TMP/raw" 'd["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json"' \
        'all(l["mediaType"] == "application/vnd.docker.image.rootfs.diff.tar.gzip" for l in d["layers"])'
    raw app:zstd --tls-verify=false
    json_check "$TMP/raw" 'all(l["mediaType"].endswith("+zstd") for l in d["layers"])'
    raw multi:1.0 --tls-verify=false
    json_check "$TMP/raw" 'd["mediaType"] == "application/vnd.oci.image.index.v1+json"' \
        'sorted(m["platform"]["architecture"] for m in d["manifests"]) == ["amd64", "arm64"]'

    raw multi:v2s2 --tls-verify=false
    json_check "$TMP/raw" 'd["mediaType"] == "application/vnd.docker.distribution.manifest.list.v2+json"' \
        'all(m["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json" for m in d["manifests"])'

    # Recompressed on the way: zstd from gzip.
    reg_push base base:zstd --dest-compress-format zstd || return 1
    raw base:zstd --tls-verify=false
    json_check "$TMP/raw" 'all(l["mediaType"].endswith("+zstd") for l in d["layers"])'

    # Copied back whole, the index with its images.
    reg_skopeo copy --all --preserve-digests --src-tls-verify=false "docker://$REG_HOST/multi:1.0" \
        "oci:$TMP/multi-back:1.0" >"$TMP/copy.log" 2>&1 || fail "plain: copy back: $(tail -3 "$TMP/copy.log")"
    [ "$(fixture_digest multi)" = "$("$REG_PY" -c 'import json; print(json.load(open("'"$TMP"'/multi-back/index.json"))["manifests"][0]["digest"])')" ] ||
        fail "plain: multi copied back differs"

    # A tag moved: by a push, then by a copy within the registry.
    reg_push app app:moving --preserve-digests || return 1
    [ "$(reg_digest app:moving)" = "$(fixture_digest app)" ] || fail "plain: app:moving is not app"
    reg_push base app:moving --preserve-digests || return 1
    [ "$(reg_digest app:moving)" = "$(fixture_digest base)" ] || fail "plain: app:moving did not move to base"
    reg_retag noconfig:latest app:moving || return 1
    [ "$(reg_digest app:moving)" = "$(fixture_digest noconfig)" ] || fail "plain: retag did not move app:moving"
}

# ----------------------------------------------------------- basic + TLS
basic_mode() {
    reg_start_registry basic || return 1
    code=$(curl -s -o /dev/null -D "$TMP/h" -w '%{http_code}' --max-time 10 --cacert "$REG_CA" "$REG_URL/v2/")
    [ "$code" = 401 ] || fail "basic: /v2/ without credentials: $code"
    grep -qi '^www-authenticate: basic' "$TMP/h" || fail "basic: no Basic challenge: $(cat "$TMP/h")"
    reg_push app app:latest && reg_push multi multi:1.0 --all || return 1

    raw app:latest --cert-dir "$REG_CA_DIR" --creds "$REG_USER:$REG_PASS" ||
        fail "basic: inspect with credentials: $(cat "$TMP/raw.err")"
    [ "$(sha "$TMP/raw")" = "$(fixture_digest app)" ] || fail "basic: app:latest differs"
    raw app:latest --cert-dir "$REG_CA_DIR" --creds "$REG_READER:$REG_READER_PASS" ||
        fail "basic: inspect as reader: $(cat "$TMP/raw.err")"
    ! raw app:latest --cert-dir "$REG_CA_DIR" --creds "$REG_USER:wrong" ||
        fail "basic: wrong password accepted"
    grep -qi 'unauthorized\|authentication required' "$TMP/raw.err" ||
        fail "basic: wrong password refused for another reason: $(cat "$TMP/raw.err")"
    ! raw app:latest --cert-dir "$REG_CA_DIR" --no-creds || fail "basic: anonymous accepted"
    # TLS is real: without the CA the certificate is refused.
    ! raw app:latest --creds "$REG_USER:$REG_PASS" || fail "basic: unknown CA accepted"
    grep -qi 'certificate' "$TMP/raw.err" || fail "basic: no certificate error: $(cat "$TMP/raw.err")"
    reg_skopeo copy $(reg_opts src) "docker://$REG_HOST/app:latest" "oci:$TMP/app-back:latest" \
        >"$TMP/copy.log" 2>&1 || fail "basic: copy back: $(tail -3 "$TMP/copy.log")"

    # Every credential source, as skopeo finds it without --creds.
    for source in docker_config cred_helper podman podman_env; do
        reg_auth_reset
        case $source in
        podman_env)
            export REGISTRY_AUTH_FILE="$TMP/elsewhere/auth.json"
            reg_auth_podman
            ;;
        *) "reg_auth_$source" ;;
        esac
        raw app:latest --cert-dir "$REG_CA_DIR" ||
            fail "basic: credentials from $source not used: $(cat "$TMP/raw.err")"
        if [ $source = cred_helper ]; then
            grep -q "^get $REG_HOST\$" "$REG_HELPER_LOG" ||
                fail "basic: the helper was not asked: $(cat "$REG_HELPER_LOG")"
        fi
    done
    # skopeo ignores credsStore: the helper asked as docker asks it.
    reg_auth_reset
    reg_auth_creds_store
    json_check "$(reg__docker_config)" 'd["credsStore"] == "bosuntest"'
    printf '%s\n' "$REG_HOST" | docker-credential-bosuntest get >"$TMP/cred" ||
        fail "basic: the helper did not answer get"
    json_check "$TMP/cred" "d['Username'] == '$REG_USER' and d['Secret'] == '$REG_PASS'"
    ! printf 'elsewhere.invalid\n' | docker-credential-bosuntest get >"$TMP/cred" ||
        fail "basic: the helper answered for an unknown host"
    grep -q 'credentials not found' "$TMP/cred" || fail "basic: the helper's not-found: $(cat "$TMP/cred")"
    reg_auth_reset
    ! raw app:latest --cert-dir "$REG_CA_DIR" || fail "basic: credentials left after reg_auth_reset"
    reg_auth_docker_config "$REG_HOST" "$REG_USER" wrong
    ! raw app:latest --cert-dir "$REG_CA_DIR" || fail "basic: a wrong auths entry accepted"
    reg_auth_reset
}

# ---------------------------------------------------------- token + TLS
token_mode() {
    reg_start_registry token || return 1
    code=$(curl -s -o /dev/null -D "$TMP/h" -w '%{http_code}' --max-time 10 --cacert "$REG_CA" "$REG_URL/v2/")
    [ "$code" = 401 ] || fail "token: /v2/ without a token: $code"
    grep -qi "^www-authenticate: bearer realm=\"$REG_TOKEN_URL\",service=\"$REG_SERVICE\"" "$TMP/h" ||
        fail "token: challenge: $(cat "$TMP/h")"
    reg_push app app:latest && reg_push app public/app:latest || return 1

    raw app:latest --cert-dir "$REG_CA_DIR" --creds "$REG_USER:$REG_PASS" ||
        fail "token: inspect: $(cat "$TMP/raw.err")"
    [ "$(sha "$TMP/raw")" = "$(fixture_digest app)" ] || fail "token: app:latest differs"
    raw app:latest --cert-dir "$REG_CA_DIR" --creds "$REG_READER:$REG_READER_PASS" ||
        fail "token: inspect as reader: $(cat "$TMP/raw.err")"
    ! raw app:latest --cert-dir "$REG_CA_DIR" --creds "$REG_USER:wrong" ||
        fail "token: wrong password accepted"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$REG_CA" \
        -u "$REG_USER:pässwörd" "$REG_TOKEN_URL?service=$REG_SERVICE&scope=repository:app:pull")
    [ "$code" = 401 ] || fail "token: a wrong non-ASCII password: $code"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$REG_CA" \
        --data-urlencode grant_type=password --data-urlencode "username=$REG_USER" \
        --data-urlencode "password=pässwörd" --data-urlencode "service=$REG_SERVICE" \
        --data-urlencode "scope=repository:app:pull" "$REG_TOKEN_URL")
    [ "$code" = 401 ] || fail "token: a wrong non-ASCII password (form): $code"
    # The reader asks for push and gets pull only: the push is refused.
    ! reg_skopeo copy --dest-cert-dir "$REG_CA_DIR" --dest-creds "$REG_READER:$REG_READER_PASS" \
        "oci:$FIX/base" "docker://$REG_HOST/app:reader" >"$TMP/copy.log" 2>&1 ||
        fail "token: the reader pushed"
    [ "$(reg_token_count 'r["user"] == "'$REG_READER'" and "repository:app:pull,push" in r["scopes"] and r["granted"] == ["repository:app:pull"]')" -ge 1 ] ||
        fail "token: the reader's push scope: $(cat "$REG_TOKEN_LOG")"
    # Anonymous: public/* only.
    raw public/app:latest --cert-dir "$REG_CA_DIR" --no-creds ||
        fail "token: anonymous pull of public/app: $(cat "$TMP/raw.err")"
    ! raw app:latest --cert-dir "$REG_CA_DIR" --no-creds || fail "token: anonymous pull of app"
    [ "$(reg_token_count 'r["user"] == "" and r["granted"] == [] and r["scopes"] == ["repository:app:pull"]')" -ge 1 ] ||
        fail "token: anonymous scope log: $(cat "$REG_TOKEN_LOG")"

    # An identity token in config.json: skopeo trades it (OAuth2 POST).
    reg_auth_identitytoken
    raw app:latest --cert-dir "$REG_CA_DIR" || fail "token: identity token: $(cat "$TMP/raw.err")"
    [ "$(reg_token_count 'r["auth"] == "refresh_token" and r["user"] == "'$REG_USER'"')" -ge 1 ] ||
        fail "token: the identity token was not used: $(tail -3 "$REG_TOKEN_LOG")"
    reg_auth_reset

    # A token the registry refuses 6 s after issue, announced for 300 s (6 s:
    # time enough for the first request on a loaded machine).
    reg_token_set lifetime=6 expires_in=300
    tok=$(reg_token repository:app:pull)
    accept='application/vnd.oci.image.manifest.v1+json'
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$REG_CA" \
        -H "Accept: $accept" -H "Authorization: Bearer $tok" "$REG_URL/v2/app/manifests/latest")
    [ "$code" = 200 ] || fail "token: a fresh token: $code"
    sleep 7
    code=$(curl -s -o /dev/null -D "$TMP/h" -w '%{http_code}' --max-time 10 --cacert "$REG_CA" \
        -H "Accept: $accept" -H "Authorization: Bearer $tok" "$REG_URL/v2/app/manifests/latest")
    [ "$code" = 401 ] || fail "token: an expired token: $code"
    grep -qi 'invalid_token' "$TMP/h" || fail "token: expiry not said: $(cat "$TMP/h")"
    reg_token_set lifetime=300
}

# ----------------------------------------------------------- the proxy
BLOB=""
BLOB_SIZE=0
proxy_setup() {
    reg_use plain || return 1
    raw base:1.0 --tls-verify=false || return 1
    BLOB=$("$REG_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' "$TMP/raw")
    BLOB_SIZE=$("$REG_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["size"])' "$TMP/raw")
    reg_start_proxy
}

get_blob() { # OUT [CURL-OPTION...]: the blob through the proxy; curl's status in $rc
    out=$1
    shift
    curl -s --max-time 20 -o "$out" "$@" "$PROXY_URL/v2/base/blobs/$BLOB"
    rc=$?
}

proxy_passthrough() {
    reg_proxy_fault
    get_blob "$TMP/b"
    [ "$rc" -eq 0 ] && [ "$(sha "$TMP/b")" = "$BLOB" ] || fail "passthrough: curl $rc, $(sha "$TMP/b")"
    [ "$(reg_proxy_count 'r["path"].endswith("'$BLOB'") and r["fault"] is None')" -eq 1 ] ||
        fail "passthrough: not counted once"
}

proxy_corrupt() {
    reg_proxy_fault fault=corrupt
    get_blob "$TMP/b"
    [ "$rc" -eq 0 ] || fail "corrupt: curl $rc"
    [ "$(size "$TMP/b")" -eq "$BLOB_SIZE" ] || fail "corrupt: size changed"
    [ "$(sha "$TMP/b")" != "$BLOB" ] || fail "corrupt: the bytes are right"
}

proxy_truncate() {
    reg_proxy_fault fault=truncate
    get_blob "$TMP/b"
    [ "$rc" -eq 18 ] || fail "truncate: curl $rc, want 18 (partial file)"
    [ "$(size "$TMP/b")" -eq $((BLOB_SIZE / 2)) ] || fail "truncate: $(size "$TMP/b") bytes"
    # A resume is cut too.
    get_blob "$TMP/b" -C -
    [ "$rc" -eq 18 ] || fail "truncate: the resume got through: curl $rc"
}

proxy_status() {
    reg_proxy_fault fault=status status=500 times=2
    codes=""
    for i in 1 2 3; do
        codes="$codes $(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$PROXY_URL/v2/")"
    done
    [ "$codes" = " 500 500 200" ] || fail "500 twice: got$codes"
    reg_proxy_fault fault=status status=429 retry_after=2 times=1
    code=$(curl -s -o /dev/null -D "$TMP/h" -w '%{http_code}' --max-time 10 "$PROXY_URL/v2/")
    [ "$code" = 429 ] || fail "429: got $code"
    grep -qi '^retry-after: 2' "$TMP/h" || fail "429: no Retry-After: $(cat "$TMP/h")"
    get_blob "$TMP/b"
    [ "$rc" -eq 0 ] && [ "$(sha "$TMP/b")" = "$BLOB" ] || fail "429: no success after"
}

proxy_huge() {
    reg_proxy_fault fault=huge-manifest
    got=$(curl -s -o /dev/null -D "$TMP/h" -w '%{size_download}' --max-time 60 \
        "$PROXY_URL/v2/base/manifests/1.0")
    [ "$got" = 104857600 ] || fail "huge manifest: $got bytes"
    grep -qi '^content-length: 104857600' "$TMP/h" || fail "huge manifest: $(cat "$TMP/h")"
    reg_proxy_fault fault=huge-manifest huge_size=0
    got=$(curl -s -o /dev/null -w '%{size_download}' --max-time 2 "$PROXY_URL/v2/base/manifests/1.0")
    rc=$?
    [ "$rc" -eq 28 ] && [ "$got" -gt 1048576 ] || fail "endless manifest: curl $rc after $got bytes"
}

proxy_drip() {
    reg_proxy_fault fault=drip
    get_blob "$TMP/b" --max-time 3
    [ "$rc" -eq 28 ] && [ "$(size "$TMP/b")" -ge 2 ] && [ "$(size "$TMP/b")" -le 4 ] ||
        fail "drip: curl $rc, $(size "$TMP/b") bytes in 3 s"
    reg_proxy_fault fault=drip drip_after=1000 drip_interval=0.5
    get_blob "$TMP/b" --max-time 2
    [ "$rc" -eq 28 ] && [ "$(size "$TMP/b")" -ge 1001 ] && [ "$(size "$TMP/b")" -le 1005 ] ||
        fail "drip after 1000: curl $rc, $(size "$TMP/b") bytes"
}

proxy_resume() {
    reg_proxy_fault fault=drop
    get_blob "$TMP/b"
    [ "$rc" -eq 18 ] || fail "drop: curl $rc, want 18"
    half=$(size "$TMP/b")
    get_blob "$TMP/b" -C -
    [ "$rc" -eq 0 ] && [ "$(sha "$TMP/b")" = "$BLOB" ] || fail "drop: the resume failed: curl $rc"
    [ "$(reg_proxy_count 'r["fault"] is None and r["range"] == "bytes='$half'-" and r["status"] == 206')" -eq 1 ] ||
        fail "drop: no 206 for bytes=$half-"
    # Without Range support the resume cannot work.
    reg_proxy_fault fault=drop ignore_range=true
    get_blob "$TMP/b"
    get_blob "$TMP/b" -C -
    [ "$rc" -eq 33 ] || fail "drop without ranges: curl $rc, want 33 (no range support)"
}

proxy_redirect() {
    # In front of the token registry, so that a real token is at stake.
    reg_stop_proxy
    reg_use token || return 1
    reg_start_proxy --fault redirect || return 1
    raw app:latest --cert-dir "$REG_CA_DIR" --creds "$REG_USER:$REG_PASS" || return 1
    layer=$("$REG_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' "$TMP/raw")
    tok=$(reg_token repository:app:pull)
    url=$PROXY_URL/v2/app/blobs/$layer
    code=$(curl -s -o /dev/null -D "$TMP/h" -w '%{http_code}' --max-time 10 --cacert "$REG_CA" \
        -H "Authorization: Bearer $tok" "$url")
    [ "$code" = 307 ] && grep -qi "^location: https://$PROXY_STORAGE/storage/" "$TMP/h" ||
        fail "redirect: $code $(cat "$TMP/h")"
    # curl drops the header for another host; the storage server says so.
    curl -s --max-time 20 --cacert "$REG_CA" -L -H "Authorization: Bearer $tok" -o "$TMP/b" "$url" ||
        fail "redirect: not followed"
    [ "$(sha "$TMP/b")" = "$layer" ] || fail "redirect: the storage served other bytes"
    [ "$(reg_proxy_count 'r["server"] == "storage" and r["auth"] is None')" -eq 1 ] ||
        fail "redirect: storage saw an Authorization header"
    curl -s --max-time 20 --cacert "$REG_CA" --location-trusted -H "Authorization: Bearer $tok" \
        -o "$TMP/b" "$url" || fail "redirect: not followed (trusted)"
    [ "$(reg_proxy_count 'r["server"] == "storage" and r["auth"] == "Bearer"')" -eq 1 ] ||
        fail "redirect: storage did not record the Authorization header"
    reg_stop_proxy
}

stop_everything() {
    hosts="$REG_HOST"
    reg_stop_all
    [ ! -s "$REG_PIDS" ] || fail "servers still recorded: $(cat "$REG_PIDS")"
    for n in plain basic token; do
        reg_use "$n"
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -k "$REG_URL/v2/")
        [ "$code" = 000 ] || fail "$n still answers on $REG_HOST"
    done
}

: >"$TMP/timings"
step plain 120 plain_mode
step basic 90 basic_mode
step token 90 token_mode
step proxy-setup 20 proxy_setup
step passthrough 10 proxy_passthrough
step corrupt 10 proxy_corrupt
step truncate 10 proxy_truncate
step status 10 proxy_status
step huge-manifest 60 proxy_huge
step drip 15 proxy_drip
step resume 10 proxy_resume
step redirect 30 proxy_redirect
step stop 30 stop_everything
cat "$TMP/timings"
finish
