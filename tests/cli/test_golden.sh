#!/bin/sh
# One Dockerfile rendered in every format, compared byte for byte with
# tests/report/golden/expected.<format>. After an intended change, rewrite
# them with BOSUN_UPDATE_GOLDEN=1 and review the diff.
. "$(dirname "$0")/lib.sh"
golden=$BOSUN_TEST_DATA/report/golden
# Paths in reports are as given: lint from a copy of the fixture outside
# any git work tree (SARIF and GitLab name files inside one relative to
# its root: test_sarif_schema.sh checks that).
mkdir "$TMP/golden" && cp "$golden/Dockerfile" "$TMP/golden/" || exit 1
cd "$TMP/golden" || exit 1
for format in tty plain json sarif checkstyle gitlab github gnu; do
    expect_status 1 "$BOSUN_BIN" lint --no-config --format "$format" Dockerfile
    [ -s "$TMP/err" ] && fail "$format: unexpected stderr: $(cat "$TMP/err")"
    if [ -n "${BOSUN_UPDATE_GOLDEN:-}" ]; then
        cp "$TMP/out" "$golden/expected.$format"
    fi
    cmp -s "$TMP/out" "$golden/expected.$format" ||
        fail "$format output differs from expected.$format: $(diff "$golden/expected.$format" "$TMP/out" | head -20)"
done
finish
