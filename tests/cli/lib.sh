# Helpers for the CLI tests (sourced). BOSUN_BIN is the binary under test.
set -u
: "${BOSUN_BIN:?}"
: "${BOSUN_TEST_DATA:?}"
DATA=$BOSUN_TEST_DATA/cli/data
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# expect_status WANT CMD...   runs CMD, output in $TMP/out and $TMP/err
expect_status() {
    want=$1
    shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "exit $got, want $want: $*"
}

expect_contains() { # FILE TEXT
    grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(head -c 400 "$1")"
}

expect_not_contains() {
    ! grep -qF -- "$2" "$1" || fail "$1 has '$2'"
}

# json_check FILE PYTHON-EXPRESSIONS... (d is the document; each must hold)
json_check() {
    file=$1
    shift
    python3 - "$file" "$@" <<'PY' || fail "json check on $file: $*"
import json, sys
d = json.load(open(sys.argv[1]))
for expr in sys.argv[2:]:
    if not eval(expr):
        print("false: " + expr, file=sys.stderr)
        sys.exit(1)
PY
}

finish() {
    [ "$failures" -eq 0 ] && echo "ok" && exit 0
    echo "$failures failure(s)" >&2
    exit 1
}
