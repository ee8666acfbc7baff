# Helpers for the registry tests (sourced): real registries on 127.0.0.1,
# started and stopped by the test itself, all state under $TMP.
#
#   . "$(dirname "$0")/lib.sh"     (after it: the CLI and image helpers,
#                                   $FIX, $TMP, fail, finish, ...)
#
# Sourcing skips the test (exit 77) when the image fixtures were not built
# (unless REG_NO_FIXTURES=1: then only the CLI helpers are sourced, and
# there is no $FIX) or a tool is missing (docker-registry, skopeo, openssl,
# htpasswd, curl, python3, timeout; as root they are installed by
# scripts/deps.sh registry).
# It points HOME, XDG_RUNTIME_DIR and XDG_CONFIG_HOME into $TMP, unsets
# DOCKER_CONFIG and REGISTRY_AUTH_FILE (no credential of the machine is
# read), puts $REG_BIN first on PATH, and sets a trap that stops every server
# on exit, even on failure or a signal. Call the reg_start_* functions in the
# test's own shell, never in $(...) or a pipeline: the shell must be the
# parent that stops and reaps them.
#
# Registries (Debian's docker-registry 2.8, config and storage in $TMP):
#   reg_start_registry MODE [NAME]
#       MODE plain: HTTP, no authentication.
#            basic: HTTPS (a CA made at test time), htpasswd (bcrypt) with
#                   $REG_USER/$REG_PASS and $REG_READER/$REG_READER_PASS.
#            token: HTTPS, token authentication: a token_server.py is
#                   started too (HTTPS), with the policy $REG_TOKEN_POLICY:
#                   $REG_USER may pull, push and delete everywhere and list
#                   the catalog, $REG_READER may pull everywhere, anonymous
#                   may pull public/*; $REG_USER's refresh (identity) token
#                   is $REG_REFRESH_TOKEN.
#       Starts it on a free port, waits until it answers, and makes it the
#       current registry: REG_NAME, REG_MODE, REG_HOST (127.0.0.1:PORT),
#       REG_URL (scheme://REG_HOST), REG_DIR, REG_LOG (the registry's log)
#       and, in token mode, REG_TOKEN_URL (the realm), REG_TOKEN_LOG (one
#       JSON line per token request: user, auth, service, scopes asked,
#       granted), REG_TOKEN_POLICY, REG_SERVICE.
#   reg_use NAME            make an already started registry current again
#   reg_stop_registry       stop the current registry (and its token server)
#   reg_stop_all            stop every server and check that no process is
#                           left (fails the test if one was); the exit trap
#                           calls it
# TLS material, made once per test by reg_tls_init (called by the above):
#   REG_CA        the CA certificate (PEM); for curl --cacert
#   REG_CA_DIR    a directory holding only ca.crt; for skopeo --cert-dir
#   REG_CERTS_D   the containers certs.d layout: REG_CERTS_D/HOST:PORT/ca.crt
#                 for every TLS server started (registry, token server,
#                 proxy, storage)
#   The server certificate is good for 127.0.0.1, 127.0.0.2 and localhost.
#
# Token server (token mode):
#   reg_token SCOPE [USER PASS]   print a token for SCOPE ("repository:app:
#                           pull"); as $REG_USER by default, "" "" anonymous
#   reg_token_set KEY=VALUE...   change the policy's settings live, e.g.
#                           lifetime=2 (the registry refuses the token 2 s
#                           after issue) expires_in=300 (what is announced)
#   reg_token_count [PYEXPR] how many logged token requests r satisfy PYEXPR
#                           (default all), e.g. 'r["auth"] == "refresh_token"'
#
# Fault proxy (fault_proxy.py; its docstring lists the faults):
#   reg_start_proxy [OPTION...]   a proxy in front of the current registry,
#                           with fault_proxy.py options (--fault drop ...);
#                           TLS when the registry has it. Sets PROXY_HOST,
#                           PROXY_URL, PROXY_STORAGE (host:port of the
#                           redirect target, 127.0.0.2 when it can be had),
#                           PROXY_LOG (one JSON line per request), PROXY_CONTROL
#   reg_proxy_fault KEY=VALUE...  change the fault live (the control file):
#                           reg_proxy_fault fault=status status=429 \
#                               retry_after=2 times=1; with no argument:
#                           passthrough. Numbers and true/false are typed.
#   reg_proxy_count [PYEXPR]      how many logged requests r satisfy PYEXPR,
#                           e.g. 'r["server"] == "storage" and r["auth"]'
#   reg_stop_proxy          stop the current proxy
#
# Images (skopeo, with the current registry's TLS and credentials):
#   reg_push SRC DEST [SKOPEO-COPY-OPTION...]
#       SRC a fixture name (app, base, multi, big-gzip...: oci:$FIX/NAME) or
#       any skopeo reference; DEST repo:tag in the current registry. Pushing
#       to a tag that exists moves the tag. Options: --format v2s2,
#       --dest-compress-format zstd (recompressed through an OCI layout in
#       $REG_STATE), --all (an index with its images), --preserve-digests
#       (the manifests byte for byte)... Options are split on blanks.
#   reg_push_fixtures       push the usual set (below), about 3 s
#         app:latest      OCI, gzip layers (= fixture app, same digests)
#         app:v2s2        Docker schema 2 (media types converted)
#         app:zstd        OCI, zstd layers (= fixture app-zstd)
#         app:zstd-chunked  (= fixture app-zstd-chunked)
#         base:1.0, noconfig:latest, opaque:1.0, tarfmt:1.0   (= fixtures)
#         multi:1.0       an OCI index of two platforms (= fixture multi)
#         multi:v2s2      the same as a Docker manifest list
#         big:gzip        one layer of 24 MiB (= fixture big-gzip)
#         public/app:latest   for anonymous pulls in token mode
#   reg_retag FROM TO       copy repo:tag FROM to repo:tag TO in the
#                           current registry (TO moves if it exists)
#   reg_digest REF          print the manifest digest of repo:tag REF (the
#                           bytes the registry serves)
#   reg_opts [src|dest]     print skopeo's TLS and credential options for the
#                           current registry (e.g. --src-creds ...)
#   reg_skopeo ARG...       skopeo under a time bound (120 s)
#   reg_curl URL-OR-PATH [CURL-OPTION...]   curl on the current registry (a
#                           path is taken under REG_URL) with its CA and
#                           credentials; in token mode a pull token for the
#                           path's repository is fetched first
#
# Credential sources, for bosun or skopeo to find without options (all in
# the temporary HOME; HOST defaults to REG_HOST, USER/PASS to REG_USER and
# REG_PASS):
#   reg_auth_docker_config [HOST [USER [PASS]]]  ${DOCKER_CONFIG:-~/.docker}/
#                           config.json "auths" with base64 "auth"
#   reg_auth_identitytoken [HOST [TOKEN [USER]]]  the same with an
#                           "identitytoken" (default $REG_REFRESH_TOKEN)
#   reg_auth_cred_helper [HOST [USER [PASS]]]  config.json "credHelpers":
#                           {HOST: "bosuntest"}: docker-credential-bosuntest
#                           in $REG_BIN answers get/store/erase/list; USER
#                           "<token>" makes PASS an identity token
#   reg_auth_creds_store [HOST [USER [PASS]]]   config.json "credsStore":
#                           "bosuntest", the same helper
#   reg_auth_podman [HOST [USER [PASS]]]   auth.json "auths" at
#                           $REGISTRY_AUTH_FILE when set (export it first),
#                           else ${XDG_RUNTIME_DIR}/containers/auth.json
#   reg_auth_reset          remove all of them
#   REG_HELPER_LOG          one line per helper call: "ACTION SERVER"
#   REG_HELPER_ARGV_LOG     one JSON line per helper call: "argv" (its
#                           arguments), "stdin" (what came on it), "leaks"
#                           (pids of the processes whose command line held a
#                           secret of the helper's store during the call)
#
# A test of bosun through a fault, for instance:
#   reg_start_registry token
#   reg_push_fixtures
#   reg_start_proxy --fault drop
#   reg_auth_docker_config "$PROXY_HOST"
#   "$BOSUN_BIN" image ...(the CA: $REG_CERTS_D)... "docker://$PROXY_HOST/big:gzip"
#   [ "$(reg_proxy_count 'r["fault"] == "drop"')" -eq 1 ] || fail ...
# (the realm the registry names is the token server's own address, so the
# token requests do not pass through the proxy).
#
# Other variables: REG_STATE (all state), REG_BIN (on PATH), REG_PY (the
# python3 interpreter, resolved once: faster than a version manager's shim),
# REG_MAX_LIFE (default 900: every server is killed after that many seconds
# whatever happens), FIX, TMP.

# REG_NO_FIXTURES=1 (the registry benchmark): no image fixture is needed.
if [ -n "${REG_NO_FIXTURES:-}" ]; then
    . "$BOSUN_TEST_DATA/cli/lib.sh"
else
    . "$BOSUN_TEST_DATA/image/lib.sh"
fi

REG_LIB=$BOSUN_TEST_DATA/registry
REG_STATE=$TMP/registry
REG_BIN=$REG_STATE/bin
REG_PIDS=$REG_STATE/pids
REG_MAX_LIFE=${REG_MAX_LIFE:-900}
REG_HELPER_LOG=$REG_STATE/cred-helper.log
REG_HELPER_ARGV_LOG=$REG_STATE/cred-helper-argv.log
mkdir -p "$REG_STATE" "$REG_BIN"
: >"$REG_PIDS"

reg__have_tools() {
    for t in docker-registry skopeo openssl htpasswd curl python3 timeout; do
        command -v "$t" >/dev/null 2>&1 || return 1
    done
}
if ! reg__have_tools; then
    if [ "$(id -u)" -ne 0 ] ||
        ! "$BOSUN_TEST_DATA/../scripts/deps.sh" registry >"$REG_STATE/deps.log" 2>&1 ||
        ! reg__have_tools; then
        echo "registry tests: docker-registry, skopeo, openssl, htpasswd or curl missing; skipped" >&2
        exit 77
    fi
fi

# The interpreter itself: a version manager's python3 shim can cost a
# second a call, and the helpers call python often.
REG_PY=$(python3 -c 'import sys; print(sys.executable)')

# No credential or configuration of the machine is read.
export HOME="$TMP/home"
export XDG_RUNTIME_DIR="$TMP/run"
export XDG_CONFIG_HOME="$HOME/.config"
unset DOCKER_CONFIG REGISTRY_AUTH_FILE
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 0700 "$XDG_RUNTIME_DIR"
export PATH="$REG_BIN:$PATH"

REG_USER=bosun
REG_PASS=pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
REG_READER=reader
REG_READER_PASS=rd-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
REG_REFRESH_TOKEN=rt-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
REG_SERVICE=bosun-test-registry
REG_ISSUER=bosun-test-issuer
REG_NAME=""
REG_MODE=""
REG_HOST=""
REG_URL=""
PROXY_HOST=""
PROXY_URL=""
PROXY_PID=""

# ------------------------------------------------------------ processes
# Every server runs under `timeout` (a process group of its own, bounded in
# time); its pid is recorded with a name, and reg_stop_all ends the groups.
# A watchdog ends them too if the test's shell dies without its trap.

reg__free_port() {
    "$REG_PY" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# reg__spawn NAME LOG CMD...: start CMD; its pid in $reg__pid.
reg__spawn() {
    reg__n=$1
    reg__l=$2
    shift 2
    timeout -k 5 "$REG_MAX_LIFE" "$@" >"$reg__l" 2>&1 </dev/null &
    reg__pid=$!
    echo "$reg__pid $reg__n" >>"$REG_PIDS"
}

# reg__gone PID: true when PID has exited (a zombie counts as exited).
reg__gone() {
    reg__st=$(sed -n 's/^[0-9]* (.*) \([A-Z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)
    [ -z "$reg__st" ] || [ "$reg__st" = Z ]
}

# reg__kill PID: end the process group PID leads and reap it.
reg__kill() {
    kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null
    reg__i=0
    while ! reg__gone "$1" && [ $reg__i -lt 50 ]; do
        sleep 0.1
        reg__i=$((reg__i + 1))
    done
    reg__gone "$1" || kill -KILL -- "-$1" 2>/dev/null
    wait "$1" 2>/dev/null
    # Anything of the group still there (a child that ignored TERM).
    if kill -0 -- "-$1" 2>/dev/null; then
        kill -KILL -- "-$1" 2>/dev/null
        sleep 0.2
    fi
    sed -i "/^$1 /d" "$REG_PIDS"
}

# reg__stop_named PATTERN: stop the recorded processes whose name matches.
reg__stop_named() {
    for reg__p in $(awk -v pat="$1" '$2 ~ pat { print $1 }' "$REG_PIDS"); do
        reg__kill "$reg__p"
    done
}

reg_stop_all() {
    for reg__p in $(awk '{ print $1 }' "$REG_PIDS"); do
        reg__kill "$reg__p"
    done
    # Nothing whose command line names this test's state may survive.
    reg__left=$(ps -eo pid=,args= | grep -F "$REG_STATE" | grep -v -e grep |
        awk -v self=$$ -v dog="${REG_WATCHDOG:-0}" '$1 != self && $1 != dog { print $1 }')
    if [ -n "$reg__left" ]; then
        fail "processes left behind: $(ps -o pid=,args= -p "$(echo $reg__left | tr ' ' ,)" 2>/dev/null)"
        kill -KILL $reg__left 2>/dev/null
    fi
    return 0
}

reg__on_exit() {
    reg__status=$?
    trap - EXIT
    reg_stop_all
    if [ -n "${REG_WATCHDOG:-}" ]; then
        kill "$REG_WATCHDOG" 2>/dev/null
        wait "$REG_WATCHDOG" 2>/dev/null
    fi
    rm -rf "$TMP"
    [ "$failures" -eq 0 ] || [ "$reg__status" -ne 0 ] || reg__status=1
    exit "$reg__status"
}
trap reg__on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The watchdog: when this shell is gone, it ends every recorded group.
"$REG_PY" - "$$" "$REG_PIDS" >/dev/null 2>&1 </dev/null <<'PY' &
import os, signal, sys, time
parent, pids = int(sys.argv[1]), sys.argv[2]
deadline = time.monotonic() + 3600
while time.monotonic() < deadline:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    time.sleep(1)
try:
    groups = [int(line.split()[0]) for line in open(pids) if line.strip()]
except OSError:
    groups = []
for g in groups:
    try:
        os.killpg(g, signal.SIGKILL)
    except OSError:
        pass
PY
REG_WATCHDOG=$!

# reg__wait_file FILE PID SECONDS: wait until FILE exists while PID lives.
reg__wait_file() {
    reg__i=0
    while [ ! -s "$1" ]; do
        if reg__gone "$2" || [ $reg__i -ge $(($3 * 10)) ]; then
            return 1
        fi
        sleep 0.1
        reg__i=$((reg__i + 1))
    done
}

# reg__wait_http URL PID SECONDS: wait until URL answers with any status.
reg__wait_http() {
    reg__i=0
    while :; do
        reg__code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
            --cacert "$REG_STATE/tls/ca.crt" "$1" 2>/dev/null)
        [ -n "$reg__code" ] && [ "$reg__code" != 000 ] && return 0
        if reg__gone "$2" || [ $reg__i -ge $(($3 * 10)) ]; then
            return 1
        fi
        sleep 0.1
        reg__i=$((reg__i + 1))
    done
}

# -------------------------------------------------------------------- TLS
reg_tls_init() {
    REG_CA=$REG_STATE/tls/ca.crt
    REG_CA_DIR=$REG_STATE/tls/ca-dir
    REG_CERTS_D=$REG_STATE/certs.d
    [ -f "$REG_STATE/tls/sign.crt" ] && return 0
    reg__t=$REG_STATE/tls
    mkdir -p "$reg__t" "$REG_CA_DIR" "$REG_CERTS_D"
    (
        cd "$reg__t" || exit 1
        set -e
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -keyout ca.key -out ca.crt -days 2 -subj "/CN=bosun test CA" \
            -addext basicConstraints=critical,CA:TRUE \
            -addext keyUsage=critical,keyCertSign,cRLSign
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -keyout server.key -out server.csr -subj /CN=127.0.0.1
        printf '%s\n' 'subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost' \
            'extendedKeyUsage=serverAuth' 'basicConstraints=CA:FALSE' \
            'keyUsage=critical,digitalSignature' >server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
            -days 2 -extfile server.ext -out server.crt
        # The token signing key: RSA, for RS256, certified by the same CA.
        openssl req -new -newkey rsa:2048 -nodes -keyout sign.key -out sign.csr \
            -subj "/CN=bosun test token signer"
        printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature' >sign.ext
        openssl x509 -req -in sign.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
            -days 2 -extfile sign.ext -out sign.crt
    ) >"$REG_STATE/tls.log" 2>&1 || {
        cat "$REG_STATE/tls.log" >&2
        fail "TLS material: openssl failed"
        return 1
    }
    cp "$REG_CA" "$REG_CA_DIR/ca.crt"
}

# reg__certs_d HOST: the CA for HOST in the certs.d layout.
reg__certs_d() {
    mkdir -p "$REG_CERTS_D/$1"
    cp "$REG_CA" "$REG_CERTS_D/$1/ca.crt"
}

# ------------------------------------------------------------- registries
reg__token_policy() {
    "$REG_PY" - "$1" "$REG_USER" "$REG_PASS" "$REG_READER" "$REG_READER_PASS" \
        "$REG_REFRESH_TOKEN" <<'PY'
import json, sys
out, user, pw, reader, rpw, rt = sys.argv[1:]
json.dump({
    "users": {user: {"password": pw, "refresh_token": rt},
              reader: {"password": rpw}},
    "access": {
        user: [{"type": "repository", "name": "*", "actions": ["pull", "push", "delete"]},
               {"type": "registry", "name": "catalog", "actions": ["*"]}],
        reader: [{"type": "repository", "name": "*", "actions": ["pull"]}],
        "": [{"type": "repository", "name": "public/*", "actions": ["pull"]}],
    },
}, open(out, "w"), indent=1)
PY
}

# reg__start_token_server DIR: sets REG_TOKEN_HOST, REG_TOKEN_URL, ...
reg__start_token_server() {
    REG_TOKEN_POLICY=$1/token-policy.json
    REG_TOKEN_LOG=$1/token.log
    reg__token_policy "$REG_TOKEN_POLICY"
    : >"$REG_TOKEN_LOG"
    rm -f "$1/token.port"
    reg__spawn "$REG_NAME-token" "$1/token.out" \
        "$REG_PY" "$REG_LIB/token_server.py" --policy "$REG_TOKEN_POLICY" \
        --sign-key "$REG_STATE/tls/sign.key" --sign-cert "$REG_STATE/tls/sign.crt" \
        --tls-cert "$REG_STATE/tls/server.crt" --tls-key "$REG_STATE/tls/server.key" \
        --issuer "$REG_ISSUER" --port-file "$1/token.port" --log "$REG_TOKEN_LOG" \
        --max-life "$REG_MAX_LIFE"
    if ! reg__wait_file "$1/token.port" "$reg__pid" 20; then
        cat "$1/token.out" >&2
        fail "the token server did not start"
        return 1
    fi
    REG_TOKEN_HOST=127.0.0.1:$(cat "$1/token.port")
    REG_TOKEN_URL=https://$REG_TOKEN_HOST/token
    reg__certs_d "$REG_TOKEN_HOST"
}

reg__write_config() { # FILE DIR PORT
    {
        printf 'version: 0.1\nlog:\n  level: info\n  formatter: text\n'
        printf 'storage:\n  filesystem:\n    rootdirectory: %s/data\n' "$2"
        printf '  delete:\n    enabled: true\n'
        printf '  maintenance:\n    uploadpurging:\n      enabled: false\n'
        printf 'http:\n  addr: 127.0.0.1:%s\n  secret: %s\n' "$3" \
            "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
        printf '  headers:\n    X-Content-Type-Options: [nosniff]\n'
        if [ "$REG_MODE" != plain ]; then
            printf '  tls:\n    certificate: %s\n    key: %s\n' \
                "$REG_STATE/tls/server.crt" "$REG_STATE/tls/server.key"
        fi
        case $REG_MODE in
        basic)
            printf 'auth:\n  htpasswd:\n    realm: bosun-test\n    path: %s\n' "$2/htpasswd"
            ;;
        token)
            printf 'auth:\n  token:\n    realm: %s\n    service: %s\n' "$REG_TOKEN_URL" "$REG_SERVICE"
            printf '    issuer: %s\n    rootcertbundle: %s\n' "$REG_ISSUER" "$REG_CA"
            ;;
        esac
    } >"$1"
}

reg__save_env() {
    {
        for v in REG_NAME REG_MODE REG_HOST REG_URL REG_DIR REG_LOG REG_PID \
            REG_TOKEN_HOST REG_TOKEN_URL REG_TOKEN_LOG REG_TOKEN_POLICY; do
            eval "printf '%s=%s\n' $v \"'\${$v:-}'\""
        done
    } >"$REG_DIR/env"
}

reg_start_registry() {
    REG_MODE=$1
    REG_NAME=${2:-$1}
    case $REG_MODE in
    plain | basic | token) ;;
    *)
        fail "reg_start_registry: unknown mode $REG_MODE"
        return 1
        ;;
    esac
    REG_DIR=$REG_STATE/$REG_NAME
    REG_LOG=$REG_DIR/registry.log
    REG_TOKEN_HOST=""
    REG_TOKEN_URL=""
    REG_TOKEN_LOG=""
    REG_TOKEN_POLICY=""
    mkdir -p "$REG_DIR/data"
    reg_tls_init || return 1
    case $REG_MODE in
    basic)
        htpasswd -B -b -c "$REG_DIR/htpasswd" "$REG_USER" "$REG_PASS" 2>/dev/null &&
            htpasswd -B -b "$REG_DIR/htpasswd" "$REG_READER" "$REG_READER_PASS" 2>/dev/null || {
            fail "htpasswd failed"
            return 1
        }
        ;;
    token) reg__start_token_server "$REG_DIR" || return 1 ;;
    esac
    reg__scheme=https
    [ "$REG_MODE" = plain ] && reg__scheme=http
    # A free port may be taken between the look and the bind: try again.
    reg__ok=""
    for reg__try in 1 2 3 4 5; do
        reg__port=$(reg__free_port)
        reg__write_config "$REG_DIR/config.yml" "$REG_DIR" "$reg__port"
        reg__spawn "$REG_NAME" "$REG_LOG" docker-registry serve "$REG_DIR/config.yml"
        REG_PID=$reg__pid
        REG_HOST=127.0.0.1:$reg__port
        REG_URL=$reg__scheme://$REG_HOST
        if reg__wait_http "$REG_URL/v2/" "$REG_PID" 30; then
            reg__ok=1
            break
        fi
        reg__kill "$REG_PID"
        grep -q 'address already in use' "$REG_LOG" || break
    done
    if [ -z "$reg__ok" ]; then
        tail -20 "$REG_LOG" >&2
        fail "docker-registry ($REG_MODE) did not start"
        return 1
    fi
    [ "$REG_MODE" = plain ] || reg__certs_d "$REG_HOST"
    reg__save_env
}

reg_use() {
    if [ ! -f "$REG_STATE/$1/env" ]; then
        fail "reg_use: no registry named $1"
        return 1
    fi
    . "$REG_STATE/$1/env"
}

reg_stop_registry() {
    reg__stop_named "^$REG_NAME(-token)?\$"
}

# ------------------------------------------------------------------ proxy
reg__proxy_n=0
reg_start_proxy() {
    reg__proxy_n=$((reg__proxy_n + 1))
    reg__d=$REG_STATE/proxy-$reg__proxy_n
    mkdir -p "$reg__d"
    PROXY_LOG=$reg__d/requests.log
    PROXY_CONTROL=$reg__d/control.json
    : >"$PROXY_LOG"
    if [ "$REG_MODE" = plain ]; then
        set -- --upstream "$REG_URL" "$@"
    else
        set -- --upstream "$REG_URL" --upstream-ca "$REG_CA" \
            --tls-cert "$REG_STATE/tls/server.crt" --tls-key "$REG_STATE/tls/server.key" "$@"
    fi
    reg__spawn "proxy-$reg__proxy_n" "$reg__d/proxy.out" \
        "$REG_PY" "$REG_LIB/fault_proxy.py" --port-file "$reg__d/port" \
        --storage-addr-file "$reg__d/storage" --log "$PROXY_LOG" \
        --control "$PROXY_CONTROL" --max-life "$REG_MAX_LIFE" "$@"
    PROXY_PID=$reg__pid
    if ! reg__wait_file "$reg__d/port" "$PROXY_PID" 20; then
        cat "$reg__d/proxy.out" >&2
        fail "the fault proxy did not start"
        return 1
    fi
    PROXY_HOST=127.0.0.1:$(cat "$reg__d/port")
    PROXY_STORAGE=$(cat "$reg__d/storage")
    if [ "$REG_MODE" = plain ]; then
        PROXY_URL=http://$PROXY_HOST
    else
        PROXY_URL=https://$PROXY_HOST
        reg__certs_d "$PROXY_HOST"
        reg__certs_d "$PROXY_STORAGE"
    fi
}

reg_proxy_fault() {
    "$REG_PY" - "$PROXY_CONTROL" "$@" <<'PY'
import json, os, sys
doc = {}
for arg in sys.argv[2:]:
    k, _, v = arg.partition("=")
    if v in ("true", "false"):
        v = v == "true"
    else:
        for conv in (int, float):
            try:
                v = conv(v)
                break
            except ValueError:
                pass
    doc[k] = v
tmp = sys.argv[1] + ".tmp"
json.dump(doc, open(tmp, "w"))
os.rename(tmp, sys.argv[1])
PY
}

reg__count() { # LOG PYEXPR
    "$REG_PY" - "$1" "${2:-True}" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    if line.strip():
        r = json.loads(line)
        if eval(sys.argv[2]):
            n += 1
print(n)
PY
}

reg_proxy_count() {
    reg__count "$PROXY_LOG" "${1:-True}"
}

reg_stop_proxy() {
    [ -n "$PROXY_PID" ] && reg__kill "$PROXY_PID"
    PROXY_PID=""
}

# ------------------------------------------------------------ token server
reg_token() {
    if [ $# -ge 3 ]; then
        reg__u=$2
        reg__pw=$3
    else
        reg__u=$REG_USER
        reg__pw=$REG_PASS
    fi
    set -- -s --max-time 20 --cacert "$REG_CA" -G "$REG_TOKEN_URL" \
        --data-urlencode "service=$REG_SERVICE" --data-urlencode "scope=$1"
    [ -n "$reg__u" ] && set -- "$@" -u "$reg__u:$reg__pw"
    curl "$@" | "$REG_PY" -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

reg_token_set() {
    "$REG_PY" - "$REG_TOKEN_POLICY" "$@" <<'PY'
import json, os, sys
p = json.load(open(sys.argv[1]))
for arg in sys.argv[2:]:
    k, _, v = arg.partition("=")
    p[k] = int(v) if v.lstrip("-").isdigit() else v
tmp = sys.argv[1] + ".tmp"
json.dump(p, open(tmp, "w"), indent=1)
os.rename(tmp, sys.argv[1])
PY
}

reg_token_count() {
    reg__count "$REG_TOKEN_LOG" "${1:-True}"
}

# ----------------------------------------------------------------- images
reg_skopeo() {
    timeout -k 5 120 skopeo "$@"
}

reg_opts() {
    reg__pre=${1:+--$1-}
    [ -n "$reg__pre" ] || reg__pre=--
    if [ "$REG_MODE" = plain ]; then
        echo "${reg__pre}tls-verify=false"
    else
        echo "${reg__pre}cert-dir $REG_CA_DIR ${reg__pre}creds $REG_USER:$REG_PASS"
    fi
}

# reg__src NAME-OR-REF: a fixture name as an oci: reference.
reg__src() {
    case $1 in
    *:*) echo "$1" ;;
    *) echo "oci:$FIX/$1" ;;
    esac
}

reg_push() {
    reg__from=$(reg__src "$1")
    reg__to=docker://$REG_HOST/$2
    shift 2
    # Recompression goes through an OCI layout first: pushing straight to
    # the registry, skopeo reuses the layers the registry already has in
    # another compression instead of recompressing them.
    reg__zopts=""
    reg__rest=""
    while [ $# -gt 0 ]; do
        case $1 in
        --dest-compress-format | --dest-compress-level)
            reg__zopts="$reg__zopts $1 $2"
            shift
            ;;
        --dest-compress-format=* | --dest-compress-level=* | --dest-compress)
            reg__zopts="$reg__zopts $1"
            ;;
        *) reg__rest="$reg__rest $1" ;;
        esac
        shift
    done
    if [ -n "$reg__zopts" ]; then
        reg__stage=$REG_STATE/stage-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
        # shellcheck disable=SC2086
        if ! reg_skopeo copy $reg__zopts "$reg__from" "oci:$reg__stage:latest" \
            >"$REG_STATE/skopeo.log" 2>&1; then
            tail -5 "$REG_STATE/skopeo.log" >&2
            fail "skopeo copy $reg__zopts $reg__from (staging) failed"
            return 1
        fi
        reg__from=oci:$reg__stage:latest
        reg__rest="$reg__rest --preserve-digests"
    fi
    # shellcheck disable=SC2046,SC2086
    if ! reg_skopeo copy --retry-times 0 $(reg_opts dest) $reg__rest "$reg__from" "$reg__to" \
        >"$REG_STATE/skopeo.log" 2>&1; then
        tail -5 "$REG_STATE/skopeo.log" >&2
        fail "skopeo copy $reg__from $reg__to failed"
        return 1
    fi
}

# The fixtures go as they are (--preserve-digests: skopeo would otherwise
# rewrite a manifest that lacks mediaType), so that a test can compare
# what bosun reads from the registry with what it reads from the fixture.
reg_push_fixtures() {
    reg_push app app:latest --preserve-digests &&
        reg_push app app:v2s2 --format v2s2 &&
        reg_push app-zstd app:zstd --preserve-digests &&
        reg_push app-zstd-chunked app:zstd-chunked --preserve-digests &&
        reg_push base base:1.0 --preserve-digests &&
        reg_push noconfig noconfig:latest --preserve-digests &&
        reg_push opaque opaque:1.0 --preserve-digests &&
        reg_push tarfmt tarfmt:1.0 --preserve-digests &&
        reg_push multi multi:1.0 --all --preserve-digests &&
        reg_push multi multi:v2s2 --all --format v2s2 &&
        reg_push big-gzip big:gzip --preserve-digests &&
        reg_push app public/app:latest --preserve-digests
}

reg_retag() {
    # shellcheck disable=SC2046
    if ! reg_skopeo copy --all --preserve-digests $(reg_opts src) $(reg_opts dest) \
        "docker://$REG_HOST/$1" "docker://$REG_HOST/$2" >"$REG_STATE/skopeo.log" 2>&1; then
        tail -5 "$REG_STATE/skopeo.log" >&2
        fail "retag $1 $2 failed"
        return 1
    fi
}

reg_digest() {
    # shellcheck disable=SC2046
    reg_skopeo inspect --raw $(reg_opts) "docker://$REG_HOST/$1" >"$REG_STATE/raw" &&
        echo "sha256:$(sha256sum <"$REG_STATE/raw" | cut -d' ' -f1)"
}

reg_curl() {
    case $1 in
    http://* | https://*) reg__url=$1 ;;
    *) reg__url=$REG_URL$1 ;;
    esac
    shift
    case $REG_MODE in
    plain) curl -s --max-time 60 "$reg__url" "$@" ;;
    basic) curl -s --max-time 60 --cacert "$REG_CA" -u "$REG_USER:$REG_PASS" "$reg__url" "$@" ;;
    token)
        reg__repo=$(echo "$reg__url" | sed -n 's,^[a-z]*://[^/]*/v2/\(.*\)/\(manifests\|blobs\|tags\)/.*,\1,p')
        reg__tok=$(reg_token "repository:$reg__repo:pull")
        curl -s --max-time 60 --cacert "$REG_CA" -H "Authorization: Bearer $reg__tok" \
            "$reg__url" "$@"
        ;;
    esac
}

# ---------------------------------------------------------- credentials
reg__docker_config() {
    echo "${DOCKER_CONFIG:-$HOME/.docker}/config.json"
}

# reg__json_set FILE PYTHON-STATEMENTS (d is the document, argv[2:] args)
reg__json_set() {
    reg__f=$1
    reg__code=$2
    shift 2
    mkdir -p "$(dirname "$reg__f")"
    "$REG_PY" - "$reg__f" "$reg__code" "$@" <<'PY'
import base64, json, os, sys
path, code, args = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    d = json.load(open(path))
except FileNotFoundError:
    d = {}
b64 = lambda s: base64.b64encode(s.encode()).decode()
exec(code)
tmp = path + ".tmp"
json.dump(d, open(tmp, "w"), indent=1)
os.chmod(tmp, 0o600)
os.rename(tmp, path)
PY
}

reg_auth_docker_config() {
    reg__json_set "$(reg__docker_config)" \
        'd.setdefault("auths", {})[args[0]] = {"auth": b64(args[1] + ":" + args[2])}' \
        "${1:-$REG_HOST}" "${2:-$REG_USER}" "${3:-$REG_PASS}"
}

reg_auth_identitytoken() {
    reg__json_set "$(reg__docker_config)" \
        'd.setdefault("auths", {})[args[0]] = {"auth": b64(args[2] + ":"), "identitytoken": args[1]}' \
        "${1:-$REG_HOST}" "${2:-$REG_REFRESH_TOKEN}" "${3:-$REG_USER}"
}

reg__helper_install() { # HOST USER PASS
    cat >"$REG_BIN/docker-credential-bosuntest" <<EOF
#!$REG_PY -B
# A docker credential helper for the tests: its store is $REG_STATE/cred-helper.json.
import json, os, sys
store, log = "$REG_STATE/cred-helper.json", "$REG_HELPER_LOG"
action = sys.argv[1] if len(sys.argv) > 1 else ""
data = sys.stdin.read()
try:
    creds = json.load(open(store))
except FileNotFoundError:
    creds = {}
# How it was called, and whether a secret of the store is on the command
# line of any process at that moment (its caller's above all).
leaks = []
for pid in os.listdir("/proc"):
    if not pid.isdigit() or int(pid) == os.getpid():
        continue
    try:
        cmdline = open("/proc/%s/cmdline" % pid, "rb").read().decode(errors="replace")
    except OSError:
        continue
    if any(c[1] and c[1] in cmdline for c in creds.values()):
        leaks.append(int(pid))
with open("$REG_HELPER_ARGV_LOG", "a") as f:
    f.write(json.dumps({"argv": sys.argv[1:], "stdin": data, "leaks": leaks}) + "\n")
def key(url):
    url = url.strip()
    for p in ("https://", "http://"):
        if url.startswith(p):
            url = url[len(p):]
    return url.split("/")[0]
with open(log, "a") as f:
    f.write("%s %s\n" % (action, data.strip() if action != "store" else json.loads(data)["ServerURL"]))
if action == "get":
    c = creds.get(key(data))
    if c is None:
        print("credentials not found in native keychain")
        sys.exit(1)
    json.dump({"ServerURL": data.strip(), "Username": c[0], "Secret": c[1]}, sys.stdout)
elif action == "store":
    d = json.loads(data)
    creds[key(d["ServerURL"])] = [d["Username"], d["Secret"]]
elif action == "erase":
    creds.pop(key(data), None)
elif action == "list":
    json.dump({k: v[0] for k, v in creds.items()}, sys.stdout)
else:
    print("unknown action", file=sys.stderr)
    sys.exit(1)
if action in ("store", "erase"):
    json.dump(creds, open(store, "w"))
EOF
    chmod 0755 "$REG_BIN/docker-credential-bosuntest"
    reg__json_set "$REG_STATE/cred-helper.json" 'd[args[0]] = [args[1], args[2]]' "$@"
}

reg_auth_cred_helper() {
    set -- "${1:-$REG_HOST}" "${2:-$REG_USER}" "${3:-$REG_PASS}"
    reg__helper_install "$@"
    reg__json_set "$(reg__docker_config)" \
        'd.setdefault("credHelpers", {})[args[0]] = "bosuntest"' "$1"
}

reg_auth_creds_store() {
    set -- "${1:-$REG_HOST}" "${2:-$REG_USER}" "${3:-$REG_PASS}"
    reg__helper_install "$@"
    reg__json_set "$(reg__docker_config)" 'd["credsStore"] = "bosuntest"'
}

reg_auth_podman() {
    reg__json_set "${REGISTRY_AUTH_FILE:-$XDG_RUNTIME_DIR/containers/auth.json}" \
        'd.setdefault("auths", {})[args[0]] = {"auth": b64(args[1] + ":" + args[2])}' \
        "${1:-$REG_HOST}" "${2:-$REG_USER}" "${3:-$REG_PASS}"
}

reg_auth_reset() {
    rm -rf "$HOME/.docker" "$XDG_RUNTIME_DIR/containers" "$REG_STATE/cred-helper.json" \
        "$REG_BIN/docker-credential-bosuntest"
    [ -n "${DOCKER_CONFIG:-}" ] && rm -f "$DOCKER_CONFIG/config.json"
    [ -n "${REGISTRY_AUTH_FILE:-}" ] && rm -f "$REGISTRY_AUTH_FILE"
    unset DOCKER_CONFIG REGISTRY_AUTH_FILE
    : >"$REG_HELPER_LOG"
    : >"$REG_HELPER_ARGV_LOG"
}

# ------------------------------------------------------------------ bosun
# reg_scan WANT BOUND [VAR=VALUE...] ARG...
#       bosun image --format json --no-config ARG... with the VARs in its
#       environment, stdin from $REG_SCAN_STDIN (default /dev/null), in an
#       empty directory, TMPDIR another; stdout in $TMP/out, stderr in
#       $TMP/err. Fails the test when it does not exit WANT, runs over
#       BOUND seconds (killed: a hang), takes more than $REG_SCAN_MAX_RSS
#       KiB (64 MiB; sanitizers: no bound), writes a file anywhere (strace
#       when at hand and not under sanitizers: any opening for writing,
#       creation, removal or renaming outside $REG_STATE and /dev; always:
#       anything new in HOME, XDG_RUNTIME_DIR, the directory or TMPDIR), or
#       shows a secret ($REG_PASS, $REG_READER_PASS, $REG_REFRESH_TOKEN,
#       the words of $REG_SECRETS, and their base64 "USER:PASS" forms) in
#       its output. Sets REG_SCAN_STATUS, REG_SCAN_SECS, REG_SCAN_RSS.
# reg_findings FILE OUT     the findings of the JSON report FILE, sorted and
#                           comparable: "file" dropped, every 127.0.0.x:PORT
#                           written HOST
# reg_findings_key FILE OUT the same reduced to rule, severity, layer,
#                           history index and path (no message)
# reg_same WHAT GOT WANT    fail unless the files GOT and WANT are equal
# reg_error PATTERN WHAT    the last reg_scan ended with a clear error: one
#                           line on stderr matching the extended regular
#                           expression PATTERN (case ignored), and the same
#                           in the report's "errors"

REG_SCAN_STDIN=/dev/null
REG_SECRETS=""
case ${BOSUN_SANITIZE:-OFF} in
ON | on | 1 | TRUE | true) REG_SCAN_MAX_RSS=0 REG_SANITIZED=1 ;;
*) REG_SCAN_MAX_RSS=65536 REG_SANITIZED="" ;;
esac
REG_STRACE=""
if [ -z "$REG_SANITIZED" ] && command -v strace >/dev/null 2>&1 &&
    strace -f -qq -o /dev/null true 2>/dev/null; then
    REG_STRACE=1
fi

# The file-system calls that write, for strace.
REG_WRITE_CALLS=open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,link,linkat,symlink,symlinkat,truncate,mknod,mknodat,chmod,fchmodat,utimensat

reg__strace_writes() { # LOG CWD: print each call that writes outside the allowed places
    "$REG_PY" - "$1" "$2" "$REG_STATE" <<'PY'
import os, re, sys
log, cwd, state = sys.argv[1], sys.argv[2], sys.argv[3]
allowed = (state.rstrip("/") + "/", "/dev/")
call_re = re.compile(r'^\d+\s+(?:<\.\.\. )?(\w+)\((.*)')
for line in open(log, errors="replace"):
    m = call_re.match(line)
    if not m:
        continue
    name, rest = m.groups()
    if name in ("open", "openat", "openat2"):
        if not re.search(r'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC', rest):
            continue
    paths = re.findall(r'"((?:[^"\\]|\\.)*)"', rest)
    if not paths:
        continue
    bad = [p for p in paths
           if not os.path.normpath(os.path.join(cwd, p)).startswith(allowed)
           and os.path.normpath(os.path.join(cwd, p)) + "/" not in allowed]
    if bad:
        print(line.strip()[:300])
PY
}

reg__secret_words() {
    for reg__w in "$REG_PASS" "$REG_READER_PASS" "$REG_REFRESH_TOKEN" $REG_SECRETS; do
        echo "$reg__w"
    done
    printf '%s' "$REG_USER:$REG_PASS" | base64 -w0
    echo
    printf '%s' "$REG_READER:$REG_READER_PASS" | base64 -w0
    echo
    for reg__w in $REG_SECRETS; do
        printf '%s' "$REG_USER:$reg__w" | base64 -w0
        echo
    done
}

reg_scan() {
    reg__want=$1
    reg__bound=$2
    shift 2
    reg__cwd=$REG_STATE/scan-cwd
    reg__tmpdir=$REG_STATE/scan-tmp
    rm -rf "$reg__cwd" "$reg__tmpdir"
    mkdir -p "$reg__cwd" "$reg__tmpdir"
    touch "$REG_STATE/scan-marker"
    rm -f "$REG_STATE/strace.log" "$REG_STATE/usage"
    reg__t0=$(date +%s%N)
    (
        while [ $# -gt 0 ]; do
            case $1 in
            [A-Z_]*=*) export "$1" ;;
            *) break ;;
            esac
            shift
        done
        export TMPDIR="$reg__tmpdir"
        cd "$reg__cwd" || exit 125
        if [ -n "$REG_STRACE" ]; then
            exec timeout -k 5 "$reg__bound" /usr/bin/time -f '%M %e' -o "$REG_STATE/usage" \
                strace -f -qq -s 4096 -o "$REG_STATE/strace.log" -e trace="$REG_WRITE_CALLS" \
                "$BOSUN_BIN" image --format json --no-config "$@"
        fi
        exec timeout -k 5 "$reg__bound" /usr/bin/time -f '%M %e' -o "$REG_STATE/usage" \
            "$BOSUN_BIN" image --format json --no-config "$@"
    ) <"$REG_SCAN_STDIN" >"$TMP/out" 2>"$TMP/err"
    REG_SCAN_STATUS=$?
    REG_SCAN_SECS=$(awk -v t="$reg__t0" -v n="$(date +%s%N)" 'BEGIN { printf "%.1f", (n - t) / 1e9 }')
    REG_SCAN_RSS=$(tail -1 "$REG_STATE/usage" 2>/dev/null | cut -d' ' -f1)
    echo "bosun image $*: exit $REG_SCAN_STATUS, ${REG_SCAN_SECS}s, ${REG_SCAN_RSS:-?} KiB" >>"$REG_STATE/scans.log"
    if [ "$REG_SCAN_STATUS" -eq 124 ] || [ "$REG_SCAN_STATUS" -eq 137 ]; then
        fail "bosun image $*: still running after ${reg__bound}s (killed)"
    elif [ "$REG_SCAN_STATUS" -ne "$reg__want" ]; then
        fail "bosun image $*: exit $REG_SCAN_STATUS, want $reg__want: $(head -3 "$TMP/err" | cut -c1-300)"
    fi
    case ${REG_SCAN_RSS:-} in
    '' | *[!0-9]*) ;;
    *)
        [ "$REG_SCAN_MAX_RSS" -eq 0 ] || [ "$REG_SCAN_RSS" -le "$REG_SCAN_MAX_RSS" ] ||
            fail "bosun image $*: peak RSS $REG_SCAN_RSS KiB (bound $REG_SCAN_MAX_RSS)"
        ;;
    esac
    reg__new=$(find "$HOME" "$XDG_RUNTIME_DIR" "$reg__cwd" "$reg__tmpdir" -newer "$REG_STATE/scan-marker" 2>/dev/null)
    [ -z "$reg__new" ] || fail "bosun image $*: wrote $(echo $reg__new)"
    if [ -n "$REG_STRACE" ] && [ -f "$REG_STATE/strace.log" ]; then
        reg__w=$(reg__strace_writes "$REG_STATE/strace.log" "$reg__cwd")
        [ -z "$reg__w" ] || fail "bosun image $*: writes: $reg__w"
    fi
    reg__secret_words | while IFS= read -r reg__w; do
        [ -n "$reg__w" ] || continue
        if grep -qF -- "$reg__w" "$TMP/out" "$TMP/err"; then
            echo "FAIL: bosun image $*: a secret in its output: $(grep -lF -- "$reg__w" "$TMP/out" "$TMP/err" | tr '\n' ' ')" >&2
            echo leak >>"$REG_STATE/leaks"
        fi
    done
    if [ -s "$REG_STATE/leaks" ]; then
        failures=$((failures + 1))
        rm -f "$REG_STATE/leaks"
    fi
    return 0
}

reg__findings() { # MODE FILE OUT
    "$REG_PY" - "$@" <<'PY'
import json, re, sys
mode, src, out = sys.argv[1:]
try:
    doc = json.load(open(src))
    found = doc["findings"]
except (OSError, ValueError, KeyError, TypeError) as e:
    open(out, "w").write("unreadable report: %s\n" % e)
    sys.exit(0)
host = re.compile(r"127\.0\.0\.\d+:\d+")
def clean(v):
    if isinstance(v, str):
        return host.sub("HOST", v)
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    if isinstance(v, list):
        return [clean(x) for x in v]
    return v
rows = []
for f in found:
    f = {k: v for k, v in f.items() if k != "file"}
    if mode == "key":
        f = {k: f.get(k) for k in ("rule", "severity", "layer_index", "layer_digest",
                                   "history_index", "path")}
    rows.append(json.dumps(clean(f), sort_keys=True))
with open(out, "w") as o:
    for r in sorted(rows):
        o.write(r + "\n")
PY
}
reg_findings() { reg__findings full "$1" "$2"; }
reg_findings_key() { reg__findings key "$1" "$2"; }

reg_same() {
    if ! cmp -s "$2" "$3"; then
        fail "$1: the findings differ: $(diff "$3" "$2" | head -8 | cut -c1-200)"
        return 1
    fi
    [ -s "$3" ] || fail "$1: no finding at all to compare"
}

reg_error() {
    reg__lines=$(grep -c . "$TMP/err")
    [ "$reg__lines" -eq 1 ] ||
        fail "$2: $reg__lines lines on stderr, want one: $(head -3 "$TMP/err" | cut -c1-300)"
    grep -Eqi -- "$1" "$TMP/err" || fail "$2: the error does not say /$1/: $(head -c 400 "$TMP/err")"
    "$REG_PY" - "$TMP/out" "$1" <<'PY' || fail "$2: the report's errors do not say /$1/: $(head -c 300 "$TMP/out")"
import json, re, sys
try:
    errors = json.load(open(sys.argv[1])).get("errors", [])
except (OSError, ValueError, AttributeError):
    sys.exit(1)
sys.exit(0 if any(re.search(sys.argv[2], e.get("message", ""), re.I) for e in errors) else 1)
PY
}
