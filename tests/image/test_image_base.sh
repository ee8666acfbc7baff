#!/bin/sh
# Accepted findings (accept: in .bosun.yaml) and the base image's layers
# (--base, --skip-base, the history's conventions, the setuid files a
# distribution ships), on images built by umoci and buildah
# (make_fixtures.sh: distro, distro-app, distro-raw, app).
. "$(dirname "$0")/lib.sh"

DISTRO_SET='["/usr/bin/chage", "/usr/bin/chfn", "/usr/bin/chsh", "/usr/bin/expiry", "/usr/bin/gpasswd", "/usr/bin/mount", "/usr/bin/newgrp", "/usr/bin/passwd", "/usr/bin/ssh-agent", "/usr/bin/su", "/usr/bin/umount", "/usr/sbin/unix_chkpwd"]'

# The setuid paths of the findings, one by one, as a sorted list.
setuid_paths='sorted(f["path"] for f in d["findings"] if f["rule"] == "image-setuid" and f.get("path"))'
# The grouped finding(s): image-setuid without a path.
grouped='[f for f in d["findings"] if f["rule"] == "image-setuid" and "path" not in f]'

# --- No base known: a base image itself lists every file ---------------
scan_json 1 "$FIX/distro"
json_check "$TMP/out" \
    "$setuid_paths == sorted($DISTRO_SET + ['/usr/local/bin/vendor-helper'])" \
    "$grouped == []" \
    'not any(f.get("base") for f in d["findings"])' \
    'd["images"][0]["base"] is None'

# --- buildah's FROM comments: the base's Debian files as one finding ----
scan_json 1 "$FIX/distro-app"
json_check "$TMP/out" \
    "$setuid_paths == ['/usr/bin/app-helper', '/usr/bin/wall', '/usr/local/bin/vendor-helper']" \
    "len($grouped) == 1" \
    "all(p in $grouped[0]['message'] for p in $DISTRO_SET)" \
    "'12 setuid/setgid files that Debian and Ubuntu ship' in $grouped[0]['message']" \
    "$grouped[0]['layer_index'] == 0 and $grouped[0]['base'] is True" \
    '[f.get("base", False) for f in d["findings"] if f.get("path") in ("/usr/local/bin/vendor-helper", "/usr/bin/wall", "/usr/bin/app-helper")] == [True, False, False]' \
    'd["images"][0]["base"]["layers"] == 1' \
    'd["images"][0]["base"]["history_entries"] == 2' \
    'd["images"][0]["base"]["from"].startswith("history: the entry buildah")' \
    'd["images"][0]["base"]["name"] is not None'
# /usr/bin/wall is in Debian's set, but the image's own layer made it
# setuid: reported by itself, not as the base's.

# The summary counts the base's findings.
expect_status 1 "$BOSUN_BIN" image --no-config --format plain "$FIX/distro-app"
expect_contains "$TMP/out" "(2 in base layers)"
expect_contains "$TMP/out" "layer 0: warning: the base image's layers hold 12 setuid/setgid files"

# --- --skip-base: only what the image added ----------------------------
scan_json 1 --skip-base "$FIX/distro-app"
json_check "$TMP/out" \
    "$setuid_paths == ['/usr/bin/app-helper', '/usr/bin/wall']" \
    "$grouped == []" \
    'not any(f.get("base") for f in d["findings"])' \
    'any(f["rule"] == "image-secret-file" for f in d["findings"])'
# The same from the configuration file.
printf 'skip-base: true\n' >"$TMP/skip.yaml"
expect_status 1 "$BOSUN_BIN" image --config "$TMP/skip.yaml" --format json "$FIX/distro-app"
json_check "$TMP/out" "$setuid_paths == ['/usr/bin/app-helper', '/usr/bin/wall']" "$grouped == []"
printf 'skip-base: false\n' >"$TMP/noskip.yaml"
expect_status 1 "$BOSUN_BIN" image --config "$TMP/noskip.yaml" --format json "$FIX/distro-app"
json_check "$TMP/out" "len($grouped) == 1"
# With no base known, --skip-base leaves everything.
scan_json 1 --skip-base "$FIX/distro"
json_check "$TMP/out" "len($setuid_paths) == 13"

# --- The base's CMD ends it when no buildah comment does ---------------
scan_json 1 "$FIX/distro-raw"
json_check "$TMP/out" \
    "$setuid_paths == ['/usr/bin/wall', '/usr/local/bin/vendor-helper']" \
    "len($grouped) == 1" \
    'd["images"][0]["base"]["layers"] == 1' \
    'd["images"][0]["base"]["from"].startswith("history: the base")'

# --- --base REF: the base's diff_ids -----------------------------------
scan_json 1 --base "$FIX/distro" "$FIX/distro-raw"
json_check "$TMP/out" \
    'd["images"][0]["base"]["from"] == "--base"' \
    'd["images"][0]["base"]["layers"] == 1' \
    "len($grouped) == 1"
scan_json 1 --skip-base --base "oci:$FIX/distro:12" "$FIX/distro-app"
json_check "$TMP/out" "$setuid_paths == ['/usr/bin/app-helper', '/usr/bin/wall']"
# An image given as its own base: every layer and history entry is the
# base's, history findings too; what is about the image as a whole (its
# User, its tag) is not.
scan_json 1 --base "$FIX/app" "$FIX/app"
json_check "$TMP/out" \
    'd["images"][0]["base"]["layers"] == 8 and d["images"][0]["base"]["history_entries"] == 12' \
    'sorted(f["history_index"] for f in d["findings"] if f.get("base") and "history_index" in f) == [8, 9, 11]' \
    'all(f.get("base") for f in d["findings"] if "layer_index" in f or "history_index" in f)' \
    'sorted(f["rule"] for f in d["findings"] if not f.get("base")) == ["image-latest-tag", "image-root-user"]'
scan_json 1 --skip-base --base "$FIX/app" "$FIX/app"
json_check "$TMP/out" \
    'sorted(f["rule"] for f in d["findings"]) == ["image-latest-tag", "image-root-user"]'
# By its history, app's base is its first layer (buildah's comments):
# its history findings are the image's own.
scan_json 1 --skip-base "$FIX/app"
json_check "$TMP/out" \
    'sorted(f["history_index"] for f in d["findings"] if "history_index" in f) == [8, 9, 11]' \
    'd["images"][0]["base"]["layers"] == 1'

# Not the image's base: an error naming it (exit 2).
scan_json 2 --base "$FIX/base" "$FIX/distro-app"
expect_contains "$TMP/err" "--base $FIX/base: its layers are not the first layers of the image"
scan_json 2 --base "$FIX/no-such-base" "$FIX/distro-app"
expect_contains "$TMP/err" "no-such-base"
expect_status 2 "$BOSUN_BIN" image --no-config --base - "$FIX/distro-app"
expect_contains "$TMP/err" "--base: expected an image archive"

# --- accept: per rule and path ------------------------------------------
cat >"$TMP/accept.yaml" <<'EOF'
accept:
  - rule: image-setuid
    paths: [/usr/bin/wall, "/usr/bin/app-*"]
    reason: reviewed with the vendor
  - rule: image-secret-content
    paths: [/app/tests/fixtures/**]
EOF
expect_status 1 "$BOSUN_BIN" image --config "$TMP/accept.yaml" --format json "$FIX/distro-app"
json_check "$TMP/out" \
    '[(f["rule"], f["path"], f["suppressed"]) for f in d["findings"] if "suppressed" in f] == [("image-secret-content", "/app/tests/fixtures/id_rsa", {"kind": "accept"}), ("image-setuid", "/usr/bin/app-helper", {"kind": "accept", "reason": "reviewed with the vendor"}), ("image-setuid", "/usr/bin/wall", {"kind": "accept", "reason": "reviewed with the vendor"})]' \
    '[f["path"] for f in d["findings"] if f["rule"] == "image-secret-file"] == ["/app/tests/fixtures/id_rsa"]'
# Not in plain output; counted in the summary.
expect_status 1 "$BOSUN_BIN" image --config "$TMP/accept.yaml" --format plain "$FIX/distro-app"
expect_not_contains "$TMP/out" "/usr/bin/wall"
expect_not_contains "$TMP/out" "private key block"
expect_contains "$TMP/out" "3 findings: 1 error, 2 warnings (2 in base layers; 3 accepted)"
# SARIF: an external suppression with the reason.
expect_status 1 "$BOSUN_BIN" image --config "$TMP/accept.yaml" --format sarif "$FIX/distro-app"
json_check "$TMP/out" \
    '[r["suppressions"] for r in d["runs"][0]["results"] if "suppressions" in r] == [[{"kind": "external"}], [{"kind": "external", "justification": "reviewed with the vendor"}], [{"kind": "external", "justification": "reviewed with the vendor"}]]'

# What is accepted does not fail the run: accept every finding that fails.
cat >"$TMP/all.yaml" <<'EOF'
accept:
  - rule: image-setuid
    paths: ["/**"]
  - rule: image-secret-content
    paths: [/app/**]
  - rule: image-secret-file
    paths: [/app/**]
skip-base: true
EOF
expect_status 0 "$BOSUN_BIN" image --config "$TMP/all.yaml" --format plain "$FIX/distro-app"
expect_contains "$TMP/out" "1 image, no findings (4 accepted)"
expect_status 0 "$BOSUN_BIN" image --config "$TMP/all.yaml" --format gnu "$FIX/distro-app"
[ -s "$TMP/out" ] && fail "gnu format lists accepted findings: $(cat "$TMP/out")"
expect_status 0 "$BOSUN_BIN" image --config "$TMP/all.yaml" --format checkstyle "$FIX/distro-app"
expect_not_contains "$TMP/out" "<error"
# A glob that stays in its component accepts nothing deeper.
printf 'accept:\n  - rule: image-secret-content\n    paths: ["/app/*"]\n' >"$TMP/shallow.yaml"
expect_status 1 "$BOSUN_BIN" image --config "$TMP/shallow.yaml" --format json "$FIX/distro-app"
json_check "$TMP/out" 'not any("suppressed" in f for f in d["findings"])'

# The accept file is checked before any image is read: exit 2 with file:line.
printf 'accept:\n  - rule: image-setuid\n    reason: x\n' >"$TMP/bad.yaml"
expect_status 2 "$BOSUN_BIN" image --config "$TMP/bad.yaml" "$FIX/distro-app"
expect_contains "$TMP/err" "bad.yaml:2: the entry of 'accept' for image-setuid has no 'paths'"
printf 'accept:\n  - rule: image-setuidd\n    paths: [/x]\n' >"$TMP/bad.yaml"
expect_status 2 "$BOSUN_BIN" image --config "$TMP/bad.yaml" "$FIX/distro-app"
expect_contains "$TMP/err" "bad.yaml:2: unknown rule 'image-setuidd' in 'accept'"

# --- The README's example -----------------------------------------------
python3 - "$BOSUN_TEST_DATA/../README.md" >"$TMP/readme.yaml" <<'PY' || fail "README.md has no accept example"
import re, sys
m = re.search(r"<!-- tested by tests/image/test_image_base\.sh: accept -->\n```yaml\n(.*?)```",
              open(sys.argv[1]).read(), re.S)
if not m:
    sys.exit(1)
sys.stdout.write(m.group(1))
PY
expect_status 1 "$BOSUN_BIN" image --config "$TMP/readme.yaml" --format json "$FIX/distro-app"
json_check "$TMP/out" \
    'any(f.get("suppressed") for f in d["findings"])' \
    'not any(f.get("base") for f in d["findings"])'

finish
