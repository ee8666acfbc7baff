#!/bin/sh
# --format sarif validates against the SARIF 2.1.0 JSON schema.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sarif.sh"

golden=$BOSUN_TEST_DATA/report/golden
# The golden outputs: one Dockerfile, and a synthetic report with image
# findings and errors (tests/report/test_formats.c).
sarif_validate "$golden/expected.sarif" "$golden/synthetic.sarif"

# Fresh output: several files, an unparseable one (a notification), names
# that need percent-encoding, an absolute path, standard input.
mkdir -p "$TMP/dir with space"
printf 'FROM debian\nRUN curl -k https://x | sh\n' >"$TMP/dir with space/Dockerfile:1"
cd "$TMP" || exit 1
expect_status 2 "$BOSUN_BIN" lint --no-config --format sarif "dir with space" \
    "$DATA/unterminated.Dockerfile" "$DATA/errors.Dockerfile"
cp "$TMP/out" "$TMP/several.sarif"
json_check "$TMP/several.sarif" \
    'd["runs"][0]["invocations"][0]["executionSuccessful"] is False' \
    'len(d["runs"][0]["invocations"][0]["toolExecutionNotifications"]) == 1' \
    'any(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "dir%20with%20space/Dockerfile%3A1" for r in d["runs"][0]["results"])' \
    'any(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///") for r in d["runs"][0]["results"])'
sarif_validate "$TMP/several.sarif"

expect_status 0 sh -c "\"$BOSUN_BIN\" lint --no-config --format sarif - < \"$DATA/clean.Dockerfile\""
cp "$TMP/out" "$TMP/clean.sarif"
json_check "$TMP/clean.sarif" \
    'd["runs"][0]["invocations"][0]["executionSuccessful"] is True' \
    'all(r["level"] == "note" for r in d["runs"][0]["results"])' \
    'sorted(r["id"] for r in d["runs"][0]["tool"]["driver"]["rules"]) == sorted({r["ruleId"] for r in d["runs"][0]["results"]})'
sarif_validate "$TMP/clean.sarif"

# In a git work tree, files are relative to its root (uriBaseId
# %SRCROOT%), from whatever directory bosun runs in; GitLab's paths too.
mkdir -p "$TMP/repo/sub/deeper"
if command -v git >/dev/null; then
    git init -q "$TMP/repo" || fail "git init"
else
    mkdir "$TMP/repo/.git"
fi
printf 'FROM debian\nRUN curl -k https://x | sh\n' >"$TMP/repo/sub/Dockerfile"
root=$(cd "$TMP/repo" && pwd -P)
cd "$TMP/repo/sub/deeper" || exit 1
expect_status 1 "$BOSUN_BIN" lint --no-config --format sarif ../Dockerfile
cp "$TMP/out" "$TMP/in-repo.sarif"
json_check "$TMP/in-repo.sarif" \
    'all(r["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "sub/Dockerfile", "uriBaseId": "%SRCROOT%"} for r in d["runs"][0]["results"])' \
    'd["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file://'"$root"'/"}}' \
    'all(r["helpUri"].endswith("/docs/rules/" + r["id"] + ".md") for r in d["runs"][0]["tool"]["driver"]["rules"])'
sarif_validate "$TMP/in-repo.sarif"
# The standard input is no file of the work tree.
expect_status 1 sh -c "\"$BOSUN_BIN\" lint --no-config --format sarif - <../Dockerfile"
json_check "$TMP/out" \
    'all(r["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "%3Cstdin%3E"} for r in d["runs"][0]["results"])'
# An absolute name of a file in the work tree, from its root.
cd "$TMP/repo" || exit 1
expect_status 1 "$BOSUN_BIN" lint --no-config --format gitlab "$root/sub/Dockerfile"
json_check "$TMP/out" 'all(i["location"]["path"] == "sub/Dockerfile" for i in d)'
cd "$TMP/repo/sub" || exit 1
expect_status 1 "$BOSUN_BIN" lint --no-config --format gitlab Dockerfile
json_check "$TMP/out" 'all(i["location"]["path"] == "sub/Dockerfile" for i in d)'
# Outside any work tree: as given, no base id.
cp "$TMP/repo/sub/Dockerfile" "$TMP/Dockerfile.outside"
cd "$TMP" || exit 1
expect_status 1 "$BOSUN_BIN" lint --no-config --format sarif Dockerfile.outside
json_check "$TMP/out" \
    'all(r["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "Dockerfile.outside"} for r in d["runs"][0]["results"])' \
    '"originalUriBaseIds" not in d["runs"][0]'
expect_status 1 "$BOSUN_BIN" lint --no-config --format gitlab "$TMP/Dockerfile.outside"
json_check "$TMP/out" 'all(i["location"]["path"] == "'"$TMP"'/Dockerfile.outside" for i in d)'

# Results refer to their rule descriptor; regions are the token's.
json_check "$golden/expected.sarif" \
    'all(d["runs"][0]["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in d["runs"][0]["results"])' \
    'all(r["locations"][0]["physicalLocation"]["region"]["startColumn"] >= 1 for r in d["runs"][0]["results"])' \
    'len({r["partialFingerprints"]["bosunFingerprint/v1"] for r in d["runs"][0]["results"]}) == len(d["runs"][0]["results"])'

# The validator is not a rubber stamp.
python3 - "$golden/expected.sarif" "$TMP/broken.sarif" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["runs"][0]["results"][0]["level"] = "fatal"
json.dump(d, open(sys.argv[2], "w"))
PY
sarif_rejects "$TMP/broken.sarif"
finish
