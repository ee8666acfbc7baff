#!/bin/sh
# Coming from hadolint: bosun explain DLxxxx, `# hadolint ignore=` comments
# and bosun config import --hadolint, checked through the command line.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1

# --- explain ---------------------------------------------------------------
expect_status 0 "$BOSUN_BIN" explain DL3008
expect_contains "$TMP/out" "hadolint DL3008 corresponds to unpinned-apt"
expect_contains "$TMP/out" "unpinned-apt (warning"
expect_status 0 "$BOSUN_BIN" explain dl3002
expect_contains "$TMP/out" "hadolint DL3002 corresponds to root-user"
# Every code the table maps explains the rule it names, and that rule is
# one `bosun rules` lists.
"$BOSUN_BIN" rules | awk 'NR > 1 { print $1 }' >"$TMP/rules"
"$BOSUN_BIN" rules --hadolint >"$TMP/map" || fail "rules --hadolint failed"
mapped=0
while read -r code rule _; do
    [ "$code" = HADOLINT ] && continue
    if [ "$rule" = - ]; then
        expect_status 2 "$BOSUN_BIN" explain "$code"
        expect_contains "$TMP/err" "hadolint $code ("
        expect_contains "$TMP/err" "has no equivalent in bosun"
        continue
    fi
    mapped=$((mapped + 1))
    grep -qx -- "$rule" "$TMP/rules" || fail "$code maps to $rule, not in 'bosun rules'"
    expect_status 0 "$BOSUN_BIN" explain "$code"
    expect_contains "$TMP/out" "hadolint $code corresponds to $rule"
    head -n 1 "$TMP/out" | grep -q "corresponds to $rule" || fail "explain $code: not first"
done <"$TMP/map"
[ "$mapped" -ge 15 ] || fail "only $mapped codes map to a rule"
# No equivalent: refused as an unknown rule id is, saying so.
expect_status 2 "$BOSUN_BIN" explain DL3059
expect_contains "$TMP/err" "hadolint DL3059 (consecutive RUN instructions) has no equivalent in bosun"
expect_status 2 "$BOSUN_BIN" explain SC2086
expect_contains "$TMP/err" "ShellCheck SC2086 has no equivalent in bosun"
expect_status 2 "$BOSUN_BIN" explain DL9999
expect_contains "$TMP/err" "DL9999 is not a hadolint code bosun knows"
expect_status 2 "$BOSUN_BIN" explain no-such-rule
expect_contains "$TMP/err" "unknown rule 'no-such-rule'"
[ ! -s "$TMP/out" ] || fail "explain of an unknown code wrote to stdout"

# --- pragmas ---------------------------------------------------------------
cat >Dockerfile <<'DF'
# hadolint global ignore=DL3007
FROM debian:latest AS build
# hadolint ignore=DL3008,DL3059
RUN apt-get update && apt-get install -y curl
# hadolint ignore=DL3008

RUN apt-get install -y wget
RUN apt-get install -y git
FROM build
# hadolint ignore=DL3002 # runs a root-only service
USER root
DF
# (rule, line) of the findings, other than from-not-pinned (info).
F='sorted((f["rule"], f["line"]) for f in d["findings"] if f["rule"] != "from-not-pinned")'
expect_status 1 "$BOSUN_BIN" lint --no-config --format json Dockerfile
json_check "$TMP/out" "$F == [('unpinned-apt', 7), ('unpinned-apt', 8)]"
# Turned off, on the command line or in the configuration.
want_all="$F == [('from-latest', 2), ('root-user', 11), ('unpinned-apt', 4), ('unpinned-apt', 7), ('unpinned-apt', 8)]"
expect_status 1 "$BOSUN_BIN" lint --no-config --no-hadolint-pragmas --format json Dockerfile
json_check "$TMP/out" "$want_all"
printf 'hadolint-pragmas: false\n' >off.yaml
expect_status 1 "$BOSUN_BIN" lint --config off.yaml --format json Dockerfile
json_check "$TMP/out" "$want_all"
printf 'hadolint-pragmas: true\n' >on.yaml
expect_status 1 "$BOSUN_BIN" lint --config on.yaml --no-hadolint-pragmas --format json Dockerfile
json_check "$TMP/out" "$want_all"
expect_status 1 "$BOSUN_BIN" lint --config on.yaml --format json Dockerfile
json_check "$TMP/out" "$F == [('unpinned-apt', 7), ('unpinned-apt', 8)]"
# A hadolint code in bosun's own comment silences nothing, and says which
# rule it is.
printf '# bosun ignore=DL3008\nFROM debian:12.5\nUSER 10001\nRUN apt-get install -y curl\n' >bosun.Dockerfile
expect_status 1 "$BOSUN_BIN" lint --no-config bosun.Dockerfile
expect_contains "$TMP/out" "DL3008 is not a rule id, so this suppression does nothing; did you mean unpinned-apt?"
expect_contains "$TMP/out" "[unpinned-apt]"
expect_status 0 "$BOSUN_BIN" lint --help
expect_contains "$TMP/out" "--no-hadolint-pragmas"

# --- config import -----------------------------------------------------------
cat >.hadolint.yaml <<'YAML'
ignored:
  - DL3008
  - DL3059
override:
  error:
    - DL3006
failure-threshold: error
trustedRegistries:
  - registry.example.com
no-color: true
YAML
cat >import.Dockerfile <<'DF'
FROM debian
RUN apt-get install -y curl
FROM quay.io/acme/tool:1.0
USER 10001
DF
expect_status 1 "$BOSUN_BIN" lint --no-config --format json import.Dockerfile
json_check "$TMP/out" \
    "sorted((f['rule'], f['severity']) for f in d['findings'] if f['rule'] != 'from-not-pinned') == [('from-latest', 'warning'), ('unpinned-apt', 'warning')]"
expect_status 0 "$BOSUN_BIN" config import --hadolint .hadolint.yaml
cp "$TMP/out" bosun.yaml
expect_contains "$TMP/err" ".hadolint.yaml:3: note: ignored: DL3059 (consecutive RUN instructions) has no equivalent in bosun"
expect_contains "$TMP/err" ".hadolint.yaml:10: note: no-color: not converted"
expect_contains bosun.yaml "DL3059 (consecutive RUN instructions) has no equivalent in bosun"
expect_contains bosun.yaml "no-color: not converted"
# Read back by bosun lint, with the intended effect: unpinned-apt ignored,
# from-latest an error, the docker.io and quay.io stages untrusted, and a
# threshold of error (from-latest fails the run, untrusted-registry alone
# would not).
expect_status 1 "$BOSUN_BIN" lint --config bosun.yaml --format json import.Dockerfile
json_check "$TMP/out" \
    "sorted((f['rule'], f['severity'], f['line']) for f in d['findings'] if f['rule'] != 'from-not-pinned') == [('from-latest', 'error', 1), ('untrusted-registry', 'warning', 1), ('untrusted-registry', 'warning', 3)]"
printf 'FROM registry.example.com/debian:12.5\nRUN apt-get install -y curl\nFROM quay.io/acme/tool:1.0\nUSER 10001\n' >threshold.Dockerfile
expect_status 0 "$BOSUN_BIN" lint --config bosun.yaml threshold.Dockerfile
expect_contains "$TMP/out" "[untrusted-registry]"
# -o writes a file, the same text.
expect_status 0 "$BOSUN_BIN" config import --hadolint .hadolint.yaml -o written.yaml
[ ! -s "$TMP/out" ] || fail "-o also wrote to stdout"
cmp -s written.yaml bosun.yaml || fail "-o wrote other text than stdout"
# Bad input: file:line: message, exit 2, nothing on stdout.
printf 'ignored:\n  - DL3008\n  - [DL3009\n' >bad.yaml
expect_status 2 "$BOSUN_BIN" config import --hadolint bad.yaml
grep -q '^bad.yaml:[0-9][0-9]*: invalid YAML' "$TMP/err" || fail "bad YAML: $(cat "$TMP/err")"
[ ! -s "$TMP/out" ] || fail "bad YAML: something on stdout"
printf 'ignored: DL3008\n' >bad.yaml
expect_status 2 "$BOSUN_BIN" config import --hadolint bad.yaml
expect_contains "$TMP/err" "bad.yaml:1: 'ignored' must be a list of rule codes"
expect_status 2 "$BOSUN_BIN" config import --hadolint absent.yaml
expect_contains "$TMP/err" "absent.yaml: No such file or directory"
expect_status 2 "$BOSUN_BIN" config import
expect_contains "$TMP/err" "--hadolint FILE"
expect_status 2 "$BOSUN_BIN" config export
expect_status 0 "$BOSUN_BIN" config --help
expect_contains "$TMP/out" "config import --hadolint FILE"
finish
