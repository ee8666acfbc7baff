#!/bin/sh
# How a report reaches people and editors: -o FILE, the summary line,
# --severity, --ignore lists, --format gnu, one-line complaints about
# options, and the rule catalog as JSON.
. "$(dirname "$0")/lib.sh"
# One finding of each severity: root-user (error), from-latest (warning),
# from-not-pinned (info).
df=$TMP/warning.Dockerfile
printf 'FROM debian\nRUN true\n' >"$df"
clean=$TMP/clean.Dockerfile
printf 'FROM debian:12.5@sha256:%064d\nUSER 10001\n' 0 >"$clean"

# --- -o/--output FILE ------------------------------------------------------
expect_status 1 "$BOSUN_BIN" lint --no-config --format json -o "$TMP/report.json" "$df"
[ -s "$TMP/out" ] && fail "-o: the report also went to stdout: $(head -c 200 "$TMP/out")"
json_check "$TMP/report.json" 'any(f["rule"] == "from-latest" for f in d["findings"])'
"$BOSUN_BIN" lint --no-config --format json "$df" >"$TMP/stdout.json"
cmp -s "$TMP/stdout.json" "$TMP/report.json" || fail "-o wrote other text than stdout"
# Truncated, not appended to; --output is the long form.
expect_status 1 "$BOSUN_BIN" lint --no-config --format json --output "$TMP/report.json" "$df"
cmp -s "$TMP/stdout.json" "$TMP/report.json" || fail "--output did not replace the file"
# Not a terminal: plain (no colour), with the summary; -o - is stdout.
expect_status 1 "$BOSUN_BIN" lint --no-config -o "$TMP/report.txt" "$df"
expect_not_contains "$TMP/report.txt" "$(printf '\033[')"
expect_contains "$TMP/report.txt" "warning.Dockerfile:1:6: warning:"
expect_status 1 "$BOSUN_BIN" lint --no-config --format gnu -o - "$df"
expect_contains "$TMP/out" "warning.Dockerfile:1:6: warning:"
# Errors writing are exit 2 with a message naming the file; the findings
# are not lost without a word.
expect_status 2 "$BOSUN_BIN" lint --no-config -o "$TMP/no/such/dir/report" "$df"
expect_contains "$TMP/err" "bosun: $TMP/no/such/dir/report: No such file or directory"
if [ -w /dev/full ]; then
    expect_status 2 "$BOSUN_BIN" lint --no-config --format json -o /dev/full "$df"
    expect_contains "$TMP/err" "bosun: /dev/full: error writing the report"
fi
# The file is created only once the run is ready to write: not on a usage
# error, nor on a bad configuration.
expect_status 2 "$BOSUN_BIN" lint --no-config --format yaml -o "$TMP/not-yet" "$df"
[ -e "$TMP/not-yet" ] && fail "-o created the file on a usage error"
printf 'ignore: [nope]\n' >"$TMP/bad.yaml"
expect_status 2 "$BOSUN_BIN" lint --config "$TMP/bad.yaml" -o "$TMP/not-yet" "$df"
[ -e "$TMP/not-yet" ] && fail "-o created the file despite a bad configuration"
# Unreadable input: the report is still written, exit 2.
expect_status 2 "$BOSUN_BIN" lint --no-config --format json -o "$TMP/partial.json" "$df" "$TMP/missing"
json_check "$TMP/partial.json" 'len(d["findings"]) >= 2'

# --- The summary line ---------------------------------------------------------
expect_status 1 "$BOSUN_BIN" lint --no-config --format plain "$df"
[ "$(tail -n 1 "$TMP/out")" = "1 file, 3 findings: 1 error, 1 warning, 1 info" ] ||
    fail "plain summary: $(tail -n 1 "$TMP/out")"
expect_status 1 "$BOSUN_BIN" lint --no-config --format tty "$df" "$clean"
[ "$(tail -n 1 "$TMP/out")" = "2 files, 3 findings: 1 error, 1 warning, 1 info" ] ||
    fail "tty summary: $(tail -n 1 "$TMP/out")"
expect_status 0 "$BOSUN_BIN" lint --no-config --format plain "$clean"
[ "$(cat "$TMP/out")" = "1 file, no findings" ] || fail "clean summary: $(cat "$TMP/out")"
expect_status 2 "$BOSUN_BIN" lint --no-config --format plain "$clean" "$TMP/missing"
[ "$(tail -n 1 "$TMP/out")" = "2 files (1 with errors), no findings" ] ||
    fail "summary with an unreadable file: $(tail -n 1 "$TMP/out")"
# Directories count the Dockerfiles found in them.
mkdir -p "$TMP/tree/a"
cp "$df" "$TMP/tree/Dockerfile"
cp "$clean" "$TMP/tree/a/Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --no-config --format plain "$TMP/tree"
[ "$(tail -n 1 "$TMP/out")" = "2 files, 3 findings: 1 error, 1 warning, 1 info" ] ||
    fail "summary of a directory: $(tail -n 1 "$TMP/out")"
# Only where people read: never in the machine formats.
for format in json sarif checkstyle gitlab github gnu; do
    expect_status 1 "$BOSUN_BIN" lint --no-config --format "$format" "$df"
    expect_not_contains "$TMP/out" "3 findings"
done

# --- --severity -----------------------------------------------------------------
expect_status 1 "$BOSUN_BIN" lint --no-config --format json --severity error,warning "$df"
json_check "$TMP/out" 'sorted(f["severity"] for f in d["findings"]) == ["error", "warning"]'
expect_status 1 "$BOSUN_BIN" lint --no-config --format plain --severity warning "$df"
expect_not_contains "$TMP/out" "[root-user]"
expect_contains "$TMP/out" "[from-latest]"
[ "$(tail -n 1 "$TMP/out")" = "1 file, 1 finding: 1 warning (2 hidden by --severity)" ] ||
    fail "summary with --severity: $(tail -n 1 "$TMP/out")"
# The exit status follows what is shown: info alone does not fail the run.
expect_status 0 "$BOSUN_BIN" lint --no-config --format json --severity info "$df"
json_check "$TMP/out" '[f["rule"] for f in d["findings"]] == ["from-not-pinned"]'
expect_status 1 "$BOSUN_BIN" lint --no-config --failure-threshold info --severity info "$df"
expect_status 2 "$BOSUN_BIN" lint --no-config --severity high "$df"
expect_contains "$TMP/err" "--severity: expected a comma-separated list of error, warning and info, not 'high'"
expect_status 2 "$BOSUN_BIN" lint --no-config --severity error, "$df"

# --- --ignore lists ------------------------------------------------------------
expect_status 0 "$BOSUN_BIN" lint --no-config --format json --ignore root-user,from-latest "$df"
json_check "$TMP/out" '[f["rule"] for f in d["findings"]] == ["from-not-pinned"]'
expect_status 0 "$BOSUN_BIN" lint --no-config --format json --ignore 'root-user, from-latest' --ignore from-not-pinned "$df"
json_check "$TMP/out" 'd["findings"] == []'
expect_status 2 "$BOSUN_BIN" lint --no-config --ignore root-user,nope "$df"
expect_contains "$TMP/err" "--ignore: unknown rule 'nope'"

# --- --format gnu --------------------------------------------------------------
expect_status 1 "$BOSUN_BIN" lint --no-config --format gnu "$df"
python3 - "$TMP/out" <<'PY' || fail "gnu: not one file:line:col: severity: message [rule] a line: $(cat "$TMP/out")"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 3, lines
for l in lines:
    assert re.fullmatch(r"\S+:\d+:\d+: (error|warning|info): .+ \[[a-z-]+\]", l), l
PY
expect_contains "$TMP/out" "$df:1:6: warning: "

# --- Unknown options: one line, exit 2 -----------------------------------------
# one_line WANT CMD...: exit 2 and exactly the line WANT on stderr.
one_line() {
    line=$1
    shift
    expect_status 2 "$@"
    [ "$(cat "$TMP/err")" = "$line" ] || fail "$*: stderr is not '$line': $(head -c 300 "$TMP/err")"
    [ -s "$TMP/out" ] && fail "$*: printed on stdout: $(head -c 200 "$TMP/out")"
}
one_line "bosun lint: unknown option --foo (see 'bosun lint --help')" "$BOSUN_BIN" lint --foo "$df"
one_line "bosun lint: unknown option -x (see 'bosun lint --help')" "$BOSUN_BIN" lint -x "$df"
one_line "bosun lint: option --format needs a value (see 'bosun lint --help')" "$BOSUN_BIN" lint "$df" --format
one_line "bosun lint: option --no-config takes no value (see 'bosun lint --help')" "$BOSUN_BIN" lint --no-config=yes "$df"
one_line "bosun lint: ambiguous option --no (see 'bosun lint --help')" "$BOSUN_BIN" lint --no "$df"
one_line "bosun image: unknown option --foo (see 'bosun image --help')" "$BOSUN_BIN" image --foo "$TMP/missing"
one_line "bosun rules: unknown option --foo (see 'bosun rules --help')" "$BOSUN_BIN" rules --foo
one_line "bosun explain: unknown option --foo (see 'bosun explain --help')" "$BOSUN_BIN" explain --foo
one_line "bosun config: unknown option --foo (see 'bosun config --help')" "$BOSUN_BIN" config --foo
one_line "bosun config: unknown command 'export' (see 'bosun config --help')" "$BOSUN_BIN" config export
one_line "bosun config: name a command: import (see 'bosun config --help')" "$BOSUN_BIN" config
one_line "bosun config import: unknown option --foo (see 'bosun config import --help')" "$BOSUN_BIN" config import --foo
one_line "bosun: unknown option --foo (see 'bosun --help')" "$BOSUN_BIN" --foo
for cmd in rules explain config; do
    expect_status 0 "$BOSUN_BIN" $cmd --help
    expect_contains "$TMP/out" "usage: bosun $cmd"
done

# --- bosun rules --format json -------------------------------------------------
expect_status 0 "$BOSUN_BIN" rules --format json
cp "$TMP/out" "$TMP/rules.json"
expect_status 0 "$BOSUN_BIN" rules
python3 - "$TMP/rules.json" "$TMP/out" <<'PY' || fail "rules --format json disagrees with bosun rules"
import json, sys
d = json.load(open(sys.argv[1]))
table = [l.split(None, 3) for l in open(sys.argv[2]).read().splitlines()[1:]]
rules = d["rules"]
assert [r["id"] for r in rules] == [t[0] for t in table]
for r, t in zip(rules, table):
    assert r["severity"] == t[1], r["id"]
    assert str(r["principle"]) == t[2] or (r["principle"] == 0 and t[2] == "-"), r["id"]
    assert r["summary"] == t[3], r["id"]
    assert r["scope"] in ("dockerfile", "image", "both"), r["id"]
    for k in ("principle_name", "rationale", "bad", "good", "fix"):
        assert isinstance(r[k], str) and r[k], (r["id"], k)
    assert isinstance(r["hadolint"], list)
assert d["tool"]["name"] == "bosun"
assert "DL3008" in [r for r in rules if r["id"] == "unpinned-apt"][0]["hadolint"]
PY
expect_status 0 "$BOSUN_BIN" rules -f table
expect_contains "$TMP/out" "RULE"
expect_status 2 "$BOSUN_BIN" rules --format yaml
expect_contains "$TMP/err" "unknown format 'yaml'"
finish
