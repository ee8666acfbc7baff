# Helpers for the image tests (sourced): the CLI helpers, plus where the
# fixture images are (built by make_fixtures.sh).
. "$BOSUN_TEST_DATA/cli/lib.sh"
: "${BOSUN_IMAGE_FIXTURES:?}"
FIX=$BOSUN_IMAGE_FIXTURES
HOSTILE=$FIX/hostile
if [ ! -f "$FIX/.stamp" ]; then
    echo "no image fixtures in $FIX (make_fixtures.sh was skipped)" >&2
    exit 77
fi

# scan_json STATUS ARGS...: bosun image --format json ARGS, expecting STATUS;
# the document is in $TMP/out.
scan_json() {
    want=$1
    shift
    expect_status "$want" "$BOSUN_BIN" image --format json --no-config "$@"
}

# One finding of the document per line, as python sees it, for messages.
show() {
    python3 -c 'import json,sys
for f in json.load(open(sys.argv[1]))["findings"]: print(f)' "$TMP/out" >&2
}
