#!/bin/sh
# Every format points at the offending token: its own line and column, also
# when it is on a continuation line of a RUN or in a heredoc, not at the
# first line of the instruction that holds it. Suppressions still apply to
# the whole instruction.
. "$(dirname "$0")/lib.sh"

cd "$TMP" || exit 1
cat >Dockerfile <<'EOF'
FROM debian:12.5
USER 10001
RUN set -eux; \
    apt-get update \
    && apt-get -y upgrade
# bosun ignore=package-upgrade
RUN apt-get update && \
    apt-get -y \
    upgrade
RUN <<SCRIPT
set -e
apt-get -y upgrade
SCRIPT
EOF
# The two findings reported: (line, column, end_line, end_column,
# instruction_line). The RUN on lines 7-9 is suppressed.
lint() {
    expect_status 1 "$BOSUN_BIN" lint --no-config --ignore from-not-pinned --format "$1" Dockerfile
}

lint json
json_check "$TMP/out" \
    '[f["rule"] for f in d["findings"]] == ["package-upgrade", "package-upgrade"]' \
    '[(f["line"], f["column"], f["end_line"], f["end_column"], f["instruction_line"]) for f in d["findings"]] == [(5, 19, 5, 26, 3), (12, 12, 12, 19, 10)]' \
    'all("token_line" not in f for f in d["findings"])'

for format in plain tty; do
    lint "$format"
    # tty: the same text with colour.
    sed 's/\x1b\[[0-9;]*m//g' "$TMP/out" >"$TMP/text"
    expect_contains "$TMP/text" "Dockerfile:5:19: warning: "
    expect_contains "$TMP/text" "     5 |     && apt-get -y upgrade"
    expect_contains "$TMP/text" "Dockerfile:12:12: warning: "
    expect_contains "$TMP/text" "    12 | apt-get -y upgrade"
    expect_not_contains "$TMP/text" "Dockerfile:3:"
    expect_not_contains "$TMP/text" "Dockerfile:10:"
done

lint gnu
[ "$(cut -d: -f1-3 "$TMP/out")" = "Dockerfile:5:19
Dockerfile:12:12" ] || fail "gnu: positions: $(cat "$TMP/out")"

lint github
[ "$(grep -o 'line=[0-9]*,endLine=[0-9]*,col=[0-9]*,endColumn=[0-9]*' "$TMP/out")" = "line=5,endLine=5,col=19,endColumn=26
line=12,endLine=12,col=12,endColumn=19" ] || fail "github: positions: $(cat "$TMP/out")"

lint checkstyle
[ "$(grep -o 'line="[0-9]*" column="[0-9]*"' "$TMP/out")" = 'line="5" column="19"
line="12" column="12"' ] || fail "checkstyle: positions: $(cat "$TMP/out")"

lint sarif
json_check "$TMP/out" \
    '[r["locations"][0]["physicalLocation"]["region"] for r in d["runs"][0]["results"]] == [{"startLine": 5, "startColumn": 19, "endLine": 5, "endColumn": 26}, {"startLine": 12, "startColumn": 12, "endLine": 12, "endColumn": 19}]'

lint gitlab
json_check "$TMP/out" \
    '[i["location"]["lines"]["begin"] for i in d] == [5, 12]'

# Without the pragma the RUN on lines 7-9 is reported at its token, on the
# instruction's third line.
sed '/bosun ignore/d' Dockerfile >Dockerfile.all
expect_status 1 "$BOSUN_BIN" lint --no-config --ignore from-not-pinned --format json Dockerfile.all
json_check "$TMP/out" \
    '[(f["line"], f["column"], f["instruction_line"]) for f in d["findings"]] == [(5, 19, 3), (8, 5, 6), (11, 12, 9)]'
finish
