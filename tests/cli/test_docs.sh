#!/bin/sh
# docs/rules is generated from the rule metadata and must not drift.
. "$(dirname "$0")/lib.sh"
docs=$BOSUN_TEST_DATA/../docs/rules
expect_status 0 "$BOSUN_BIN" rules --docs "$TMP/rules"
diff -r "$docs" "$TMP/rules" >"$TMP/diff" ||
    fail "docs/rules is out of date; run: build/bosun rules --docs docs/rules ($(head -20 "$TMP/diff"))"
for r in $("$BOSUN_BIN" rules | awk 'NR > 1 { print $1 }'); do
    [ -f "$docs/$r.md" ] || fail "no docs/rules/$r.md"
    expect_contains "$docs/README.md" "($r.md)"
done
finish
