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
