#!/bin/sh
# bosun image shares bosun lint's conventions: formats, ignores, failure
# threshold, exit codes, the JSON contract; and has its own options.
. "$(dirname "$0")/lib.sh"

# The JSON contract of layer findings.
scan_json 1 "$FIX/app"
json_check "$TMP/out" \
    'd["tool"]["name"] == "bosun" and d["errors"] == []' \
    'all(k in f for f in d["findings"] for k in ("rule", "severity", "file", "message"))' \
    'all(k in f for f in d["findings"] if f["rule"].startswith("image-") and "path" in f for k in ("layer_index", "layer_digest"))' \
    'all(f["severity"] in ("error", "warning", "info") for f in d["findings"])' \
    'all(f["severity"] == "error" for f in d["findings"] if f["rule"] in ("image-secret-file", "image-secret-content", "image-root-user"))'

# --ignore, and unknown rules.
scan_json 1 --ignore image-secret-content --ignore image-secret-file \
    --ignore package-upgrade "$FIX/app"
json_check "$TMP/out" \
    "not any(f['rule'] in ('image-secret-content', 'image-secret-file', 'package-upgrade') for f in d['findings'])"
expect_status 2 "$BOSUN_BIN" image --ignore image-nope "$FIX/app"
expect_contains "$TMP/err" "--ignore: unknown rule 'image-nope'"

# --failure-threshold: noconfig has two errors (root, a token in Env) and
# a warning (only tagged latest).
expect_status 0 "$BOSUN_BIN" image --failure-threshold none "$FIX/noconfig"
expect_status 1 "$BOSUN_BIN" image --failure-threshold error "$FIX/noconfig"
expect_status 1 "$BOSUN_BIN" image --failure-threshold error --ignore image-root-user "$FIX/noconfig"
expect_status 0 "$BOSUN_BIN" image --failure-threshold error --ignore image-root-user --ignore secret-env "$FIX/noconfig"
expect_status 1 "$BOSUN_BIN" image --ignore image-root-user --ignore secret-env "$FIX/noconfig"

# The configuration file, as for bosun lint: .bosun.yaml in the current
# directory, --config FILE, --no-config; the command line overrides it.
mkdir -p "$TMP/conf"
cat >"$TMP/conf/.bosun.yaml" <<'YAML'
ignore: [image-root-user, secret-env]
severity:
  image-latest-tag: error
failure-threshold: error
YAML
(cd "$TMP/conf" && "$BOSUN_BIN" image --format json "$FIX/noconfig") >"$TMP/out" 2>"$TMP/err"
[ $? -eq 1 ] || fail "image with .bosun.yaml: want exit 1 (image-latest-tag made an error)"
json_check "$TMP/out" \
    "[(f['rule'], f['severity']) for f in d['findings']] == [('image-latest-tag', 'error')]"
expect_status 0 "$BOSUN_BIN" image --config "$TMP/conf/.bosun.yaml" \
    --ignore image-latest-tag "$FIX/noconfig"
(cd "$TMP/conf" && "$BOSUN_BIN" image --no-config --failure-threshold none "$FIX/noconfig") >"$TMP/out" 2>"$TMP/err"
[ $? -eq 0 ] || fail "image --no-config --failure-threshold none: want exit 0"
expect_contains "$TMP/out" "[image-root-user]"
printf 'ignore: [image-nope]\n' >"$TMP/conf/bad.yaml"
expect_status 2 "$BOSUN_BIN" image --config "$TMP/conf/bad.yaml" "$FIX/noconfig"
expect_contains "$TMP/err" "bad.yaml:1: unknown rule 'image-nope'"
expect_status 2 "$BOSUN_BIN" image --config "$TMP/conf/bad.yaml" --no-config "$FIX/noconfig"

# Every report format of bosun lint.
for fmt in sarif checkstyle gitlab github; do
    expect_status 1 "$BOSUN_BIN" image --no-config --format $fmt "$FIX/app"
    expect_contains "$TMP/out" "image-secret-file"
done
expect_status 2 "$BOSUN_BIN" image --format yaml "$FIX/app"
expect_contains "$TMP/err" "unknown format 'yaml' (tty, plain, json, sarif"

# Plain output: FILE:layer N:PATH and FILE:history N.
expect_status 1 "$BOSUN_BIN" image --format plain "$FIX/app"
expect_contains "$TMP/out" "$FIX/app:layer 1:/root/.ssh/id_rsa: error: "
expect_contains "$TMP/out" "$FIX/app:history 8: warning: "
expect_contains "$TMP/out" "[image-secret-file]"
expect_status 1 env NO_COLOR= "$BOSUN_BIN" image --format tty "$FIX/noconfig"
expect_contains "$TMP/out" "$(printf '\033[1m')"
expect_status 1 "$BOSUN_BIN" image --format tty --no-color "$FIX/noconfig"
expect_not_contains "$TMP/out" "$(printf '\033[1m')"

# -j: the same findings with one thread or several.
scan_json 1 -j1 "$FIX/app"
cp "$TMP/out" "$TMP/j1"
scan_json 1 -j4 "$FIX/app"
cmp -s "$TMP/j1" "$TMP/out" || fail "-j1 and -j4 differ"
expect_status 2 "$BOSUN_BIN" image -j0 "$FIX/app"
expect_status 2 "$BOSUN_BIN" image -j x "$FIX/app"

# --patterns adds credential formats; a bad file is an error naming it.
printf '# our own\napp-mode APP_MODE=production\nbusybox-marker (?i)BUSYBOX IS COPYRIGHTED\n' >"$TMP/patterns"
scan_json 1 --patterns "$TMP/patterns" "$FIX/app"
json_check "$TMP/out" "any(f['rule'] == 'image-secret-content' and f['message'].startswith('busybox-marker') for f in d['findings'])"
printf 'Bad Id\n' >"$TMP/bad-patterns"
expect_status 2 "$BOSUN_BIN" image --patterns "$TMP/bad-patterns" "$FIX/app"
expect_contains "$TMP/err" "bad-patterns:1: expected \`ID REGEX\`"

# --max-file-size: the AWS key id is on line 3 of settings.yaml, past 20
# bytes.
scan_json 1 --max-file-size 20 "$FIX/app"
json_check "$TMP/out" "not any(f.get('path') == '/app/settings.yaml' for f in d['findings'])"
expect_status 2 "$BOSUN_BIN" image --max-file-size 12Q "$FIX/app"
expect_status 2 "$BOSUN_BIN" image --max-ratio -1 "$FIX/app"

# bosun lint starts fast: the bosun executable does not load the image
# libraries (bosun image runs bosun-image for that).
if command -v ldd >/dev/null; then
    ldd "$BOSUN_BIN" >"$TMP/ldd" 2>&1
    if grep -qE 'libhs|libarchive|libcrypto|libzstd|libisal' "$TMP/ldd"; then
        fail "bosun loads image libraries: $(cat "$TMP/ldd")"
    fi
fi

# Usage.
expect_status 2 "$BOSUN_BIN" image
expect_contains "$TMP/err" "no image given"
expect_status 0 "$BOSUN_BIN" image --help
expect_contains "$TMP/out" "docker-archive:PATH[:REF]"
expect_status 0 "$BOSUN_BIN" --help
expect_contains "$TMP/out" "image IMAGE..."
expect_status 0 "$BOSUN_BIN" explain image-secret-file
expect_contains "$TMP/out" "image-secret-file (error, principle 8."
finish
