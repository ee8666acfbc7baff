#!/bin/sh
# bosun image on a registry, with the credentials from each place they can
# come from: --creds USER:PASS, --creds USER with $BOSUN_REGISTRY_PASSWORD or
# --password-stdin, --authfile, $REGISTRY_AUTH_FILE, the podman auth.json,
# docker's config.json (auths, identitytoken, credHelpers, credsStore), on
# docker-registry with Basic over TLS (htpasswd) and with Bearer tokens
# (token_server.py); and plain HTTP, read only with --tls-verify=false.
# Every scan with credentials finds what an anonymous scan of a public copy
# finds (which finds what the archive does); wrong credentials end in exit 2
# and no secret is ever shown. Each scan is bounded in time and memory and
# may write no file (reg_scan).
. "$(dirname "$0")/lib.sh"

case ${BOSUN_SANITIZE:-OFF} in
ON | on | 1 | TRUE | true) bound=300 ;;
*) bound=60 ;;
esac

# ------------------------------------------------------------------ setup
# A plain registry (the public copy), a Basic one and a token one, each
# with app:latest; the token one has public/app:latest for anonymous pulls.
reg_start_registry plain || finish
reg_push app app:latest --preserve-digests || finish
PLAIN=$REG_HOST
reg_start_registry basic || finish
reg_push app app:latest --preserve-digests || finish
BASIC=$REG_HOST
reg_start_registry token || finish
reg_push app app:latest --preserve-digests && reg_push app public/app:latest --preserve-digests || finish
TOKEN=$REG_HOST
APP_DIGEST=$("$REG_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$FIX/app/index.json")
for r in basic token; do
    reg_use $r
    [ "$(reg_digest app:latest)" = "$APP_DIGEST" ] || fail "setup: app:latest in $r is not the fixture"
done

# The archive's findings (bosun reads it today).
reg_scan 1 "$bound" "$FIX/app"
reg_findings_key "$TMP/out" "$TMP/archive.key"
[ -s "$TMP/archive.key" ] || fail "setup: the archive has no finding"
[ "$failures" -eq 0 ] || finish


# ------------------------------------------------------ anonymous, plain
# Plain HTTP with --tls-verify=false: the reference for the scans below.
reg_scan 1 "$bound" --tls-verify=false "docker://$PLAIN/app:latest"
reg_findings "$TMP/out" "$TMP/ref"
reg_findings_key "$TMP/out" "$TMP/ref.key"
reg_same "plain HTTP against the archive" "$TMP/ref.key" "$TMP/archive.key"
json_check "$TMP/out" 'len(d["images"]) == 1' \
    "d['images'][0]['digest'] == '$APP_DIGEST'" \
    "d['images'][0]['file'] == 'docker://$PLAIN/app:latest'" \
    "[l['digest'] for l in d['images'][0]['layers']] == [l['digest'] for l in json.load(open('$FIX/app/blobs/sha256/${APP_DIGEST#sha256:}'))['layers']]"

# Without --tls-verify=false, plain HTTP is refused, clearly.
reg_scan 2 "$bound" "docker://$PLAIN/app:latest"
reg_error 'tls|ssl|https|certificate|handshake|tls-verify' "plain HTTP without --tls-verify=false"
reg_scan 2 "$bound" --tls-verify=true "docker://$PLAIN/app:latest"
reg_error 'tls|ssl|https|certificate|handshake|tls-verify' "plain HTTP with --tls-verify=true"

# scan_same WHAT ARG...: a scan of app:latest that finds what the reference does.
scan_same() {
    what=$1
    shift
    reg_scan 1 "$bound" "$@"
    reg_findings "$TMP/out" "$TMP/got"
    reg_same "$what" "$TMP/got" "$TMP/ref"
}
# scan_refused WHAT ARG...: exit 2, an error that says why, no secret.
AUTH_ERR='unauthori[sz]ed|401|denied|authenticat|credential|password|forbidden|403'
scan_refused() {
    what=$1
    shift
    reg_scan 2 "$bound" "$@"
    reg_error "$AUTH_ERR" "$what"
}

# ------------------------------------------------- Basic over TLS (htpasswd)
reg_use basic
B="--cert-dir $REG_CA_DIR"
REF=docker://$BASIC/app:latest

scan_refused "basic: anonymous" $B "$REF"
# The CA is needed: without it, a certificate error (and no credential sent).
reg_scan 2 "$bound" --creds "$REG_USER:$REG_PASS" "$REF"
reg_error 'certificate|verify|tls|ssl|issuer' "basic: unknown CA"

scan_same "basic: --creds USER:PASS" $B --creds "$REG_USER:$REG_PASS" "$REF"
scan_same "basic: --creds READER:PASS" $B --creds "$REG_READER:$REG_READER_PASS" "$REF"
scan_same "basic: BOSUN_REGISTRY_PASSWORD" "BOSUN_REGISTRY_PASSWORD=$REG_PASS" $B --creds "$REG_USER" "$REF"
# --password-stdin: the trailing newline of `echo` is not part of it.
printf '%s\n' "$REG_PASS" >"$REG_STATE/stdin"
REG_SCAN_STDIN=$REG_STATE/stdin
scan_same "basic: --password-stdin" $B --creds "$REG_USER" --password-stdin "$REF"
REG_SCAN_STDIN=/dev/null
# It cannot share stdin with the image.
reg_scan 2 "$bound" --creds "$REG_USER" --password-stdin -
grep -qi 'stdin\|password-stdin' "$TMP/err" || fail "--password-stdin with -: $(head -c 300 "$TMP/err")"

# The auth files and helpers, found without any option.
podman_at() { # FILE [HOST [USER [PASS]]]: an auth.json at FILE
    (
        REGISTRY_AUTH_FILE=$1
        export REGISTRY_AUTH_FILE
        shift
        reg_auth_podman "$@"
    )
}
reg_auth_reset
reg_auth_podman
scan_same "basic: \$XDG_RUNTIME_DIR/containers/auth.json" $B "$REF"
reg_auth_reset
export REGISTRY_AUTH_FILE="$TMP/elsewhere/auth.json"
reg_auth_podman
scan_same "basic: \$REGISTRY_AUTH_FILE" $B "$REF"
reg_auth_reset
mkdir -p "$TMP/given"
podman_at "$TMP/given/auth.json"
scan_same "basic: --authfile" $B --authfile "$TMP/given/auth.json" "$REF"
# --authfile wins over $REGISTRY_AUTH_FILE.
podman_at "$TMP/other.json" "$BASIC" "$REG_USER" "wrong-$REG_READER_PASS"
scan_same "basic: --authfile over \$REGISTRY_AUTH_FILE" \
    "REGISTRY_AUTH_FILE=$TMP/other.json" $B --authfile "$TMP/given/auth.json" "$REF"
reg_auth_reset
export DOCKER_CONFIG="$TMP/docker-config"
reg_auth_docker_config
scan_same "basic: \$DOCKER_CONFIG/config.json auths" $B "$REF"
reg_auth_reset
reg_auth_docker_config
scan_same "basic: ~/.docker/config.json auths" $B "$REF"
# The explicit --creds win over the files.
reg_auth_reset
reg_auth_docker_config "$BASIC" "$REG_USER" "wrong-$REG_READER_PASS"
scan_same "basic: --creds over config.json" $B --creds "$REG_USER:$REG_PASS" "$REF"

# The credential helpers: asked "get" with the registry on stdin; no secret
# on any command line meanwhile.
helper_asked() { # WHAT
    "$REG_PY" - "$REG_HELPER_ARGV_LOG" "$BASIC" <<'PY' || fail "$1: the helper: $(cat "$REG_HELPER_ARGV_LOG")"
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
host = sys.argv[2]
ok = calls and all(c["argv"] == ["get"] and c["stdin"].strip().split("://")[-1].rstrip("/") == host
                   and not c["leaks"] for c in calls)
sys.exit(0 if ok else 1)
PY
}
reg_auth_reset
reg_auth_cred_helper
scan_same "basic: credHelpers" $B "$REF"
helper_asked "basic: credHelpers"
reg_auth_reset
reg_auth_creds_store
scan_same "basic: credsStore" $B "$REF"
helper_asked "basic: credsStore"
reg_auth_reset

# Wrong credentials from every place: exit 2, the wrong secret shown nowhere.
WRONG=wrong-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
REG_SECRETS=$WRONG
scan_refused "basic: wrong --creds" $B --creds "$REG_USER:$WRONG" "$REF"
scan_refused "basic: wrong BOSUN_REGISTRY_PASSWORD" "BOSUN_REGISTRY_PASSWORD=$WRONG" $B --creds "$REG_USER" "$REF"
printf '%s\n' "$WRONG" >"$REG_STATE/stdin"
REG_SCAN_STDIN=$REG_STATE/stdin
scan_refused "basic: wrong --password-stdin" $B --creds "$REG_USER" --password-stdin "$REF"
REG_SCAN_STDIN=/dev/null
reg_auth_podman "$BASIC" "$REG_USER" "$WRONG"
scan_refused "basic: wrong auth.json" $B "$REF"
reg_auth_reset
reg_auth_cred_helper "$BASIC" "$REG_USER" "$WRONG"
scan_refused "basic: wrong helper answer" $B "$REF"
reg_auth_reset
# A non-ASCII wrong password.
scan_refused "basic: wrong non-ASCII password" $B --creds "$REG_USER:pässwörd-$WRONG" "$REF"
REG_SECRETS=""

# ------------------------------------------------------ Bearer (token server)
reg_use token
B="--cert-dir $REG_CA_DIR"
REF=docker://$TOKEN/app:latest

# asked_pull_only WHAT USER AUTH: the token requests of the last scan came
# as USER by AUTH for the registry's service, asked for nothing but pull of
# app, and got it.
asked_pull_only() {
    [ "$(reg_token_count "r['granted'] == ['repository:app:pull']")" -ge 1 ] ||
        fail "$1: no pull token: $(cat "$REG_TOKEN_LOG")"
    n=$(reg_token_count "not (r['user'] == '$2' and r['auth'] == '$3' and r['service'] == '$REG_SERVICE' and set(r['scopes']) <= {'repository:app:pull'})")
    [ "$n" -eq 0 ] || fail "$1: token requests: $(cat "$REG_TOKEN_LOG")"
}

# Anonymous: the public copy is read, the rest refused.
: >"$REG_TOKEN_LOG"
reg_scan 1 "$bound" $B "docker://$TOKEN/public/app:latest"
reg_findings_key "$TMP/out" "$TMP/got.key"
reg_same "token: anonymous public/app" "$TMP/got.key" "$TMP/ref.key"
[ "$(reg_token_count 'r["user"] == "" and r["scopes"] == ["repository:public/app:pull"]')" -ge 1 ] ||
    fail "token: anonymous scope: $(cat "$REG_TOKEN_LOG")"
scan_refused "token: anonymous app" $B "$REF"

: >"$REG_TOKEN_LOG"
scan_same "token: --creds USER:PASS" $B --creds "$REG_USER:$REG_PASS" "$REF"
asked_pull_only "token: --creds" "$REG_USER" basic
: >"$REG_TOKEN_LOG"
scan_same "token: BOSUN_REGISTRY_PASSWORD" "BOSUN_REGISTRY_PASSWORD=$REG_READER_PASS" $B --creds "$REG_READER" "$REF"
asked_pull_only "token: BOSUN_REGISTRY_PASSWORD" "$REG_READER" basic

# An identity token in $DOCKER_CONFIG/config.json: traded at the token
# server (OAuth2 refresh_token grant), never sent to the registry.
export DOCKER_CONFIG="$TMP/docker-config"
reg_auth_identitytoken
: >"$REG_TOKEN_LOG"
scan_same "token: identitytoken" $B "$REF"
[ "$(reg_token_count 'r["auth"] == "refresh_token" and r["user"] == "'$REG_USER'"')" -ge 1 ] ||
    fail "token: the identity token was not used: $(cat "$REG_TOKEN_LOG")"
[ "$(reg_token_count 'r["user"] is None')" -eq 0 ] || fail "token: a token request was refused: $(cat "$REG_TOKEN_LOG")"
reg_auth_reset
export DOCKER_CONFIG="$TMP/docker-config"
reg_auth_docker_config "$TOKEN"
: >"$REG_TOKEN_LOG"
scan_same "token: \$DOCKER_CONFIG auths" $B "$REF"
asked_pull_only "token: \$DOCKER_CONFIG auths" "$REG_USER" basic
reg_auth_reset
reg_auth_cred_helper "$TOKEN"
scan_same "token: credHelpers" $B "$REF"
reg_auth_reset

WRONG=wrong-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
REG_SECRETS=$WRONG
scan_refused "token: wrong --creds" $B --creds "$REG_USER:$WRONG" "$REF"
export DOCKER_CONFIG="$TMP/docker-config"
reg_auth_identitytoken "$TOKEN" "rt-$WRONG"
REG_SECRETS="$WRONG rt-$WRONG"
scan_refused "token: wrong identitytoken" $B "$REF"
reg_auth_reset
REG_SECRETS=""

cat "$REG_STATE/scans.log"
finish
