#!/bin/sh
# bosun image's output options, as bosun lint's: -o FILE, the summary
# line, --severity, --format gnu; and `patterns:` in the configuration
# file, from BOSUN_CONFIG too.
. "$(dirname "$0")/lib.sh"
img=$FIX/app

scan_json 1 "$img"
cp "$TMP/out" "$TMP/all.json"

# -o FILE: the same report, in the file.
expect_status 1 "$BOSUN_BIN" image --no-config --format json -o "$TMP/report.json" "$img"
[ -s "$TMP/out" ] && fail "-o: the report also went to stdout"
cmp -s "$TMP/all.json" "$TMP/report.json" || fail "-o wrote other text than stdout"
expect_status 2 "$BOSUN_BIN" image --no-config -o "$TMP/no/dir/report" "$img"
expect_contains "$TMP/err" "bosun: $TMP/no/dir/report: No such file or directory"

# The summary: images, and the findings by severity, as the JSON has them.
scan_json 1 "$img" "$FIX/noconfig"
summary=$(python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = {s: sum(f["severity"] == s for f in d["findings"]) for s in ("error", "warning", "info")}
parts = ["%d %s%s" % (n[s], s, "" if n[s] == 1 or s == "info" else "s") for s in ("error", "warning", "info") if n[s]]
print("2 images, %d findings: %s" % (len(d["findings"]), ", ".join(parts)))
PY
)
expect_status 1 "$BOSUN_BIN" image --no-config --format plain "$img" "$FIX/noconfig"
[ "$(tail -n 1 "$TMP/out")" = "$summary" ] || fail "summary: '$(tail -n 1 "$TMP/out")', want '$summary'"
expect_status 2 "$BOSUN_BIN" image --no-config --format plain "$TMP/missing.tar"
[ "$(tail -n 1 "$TMP/out")" = "1 image (1 with errors), no findings" ] ||
    fail "summary of an unreadable image: $(tail -n 1 "$TMP/out")"

# --severity: only those, and the exit status follows what is shown.
scan_json 1 --severity error "$img"
json_check "$TMP/out" 'd["findings"] and all(f["severity"] == "error" for f in d["findings"])'
expect_status 0 "$BOSUN_BIN" image --no-config --format json --severity info "$img"
json_check "$TMP/out" 'all(f["severity"] == "info" for f in d["findings"])'

# --format gnu: a layer finding names the image, without a line number
# an editor would take for a line of the archive.
expect_status 1 "$BOSUN_BIN" image --no-config --format gnu "$img"
expect_contains "$TMP/out" "$img: error: layer 1: /root/.ssh/id_rsa: "
expect_contains "$TMP/out" "$img: warning: history 8: "
python3 - "$TMP/out" "$TMP/all.json" <<'PY' || fail "gnu: not one line per finding"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == len(json.load(open(sys.argv[2]))["findings"])
PY

# patterns: in the configuration file, relative to the file's directory,
# whatever the current directory; --patterns wins over it.
mkdir -p "$TMP/conf" "$TMP/elsewhere"
printf 'busybox-marker (?i)BUSYBOX IS COPYRIGHTED\n' >"$TMP/conf/patterns"
printf 'patterns: patterns\n' >"$TMP/conf/bosun.yaml"
(cd "$TMP/elsewhere" && "$BOSUN_BIN" image --format json -c ../conf/bosun.yaml "$img") >"$TMP/out"
json_check "$TMP/out" "any(f['rule'] == 'image-secret-content' and f['message'].startswith('busybox-marker') for f in d['findings'])"
(cd "$TMP/elsewhere" && BOSUN_CONFIG=$TMP/conf/bosun.yaml "$BOSUN_BIN" image --format json "$img") >"$TMP/out"
json_check "$TMP/out" "any(f['message'].startswith('busybox-marker') for f in d['findings'])"
printf 'other-marker (?i)NOTHING-MATCHES-THIS\n' >"$TMP/other-patterns"
expect_status 1 "$BOSUN_BIN" image --format json -c "$TMP/conf/bosun.yaml" --patterns "$TMP/other-patterns" "$img"
json_check "$TMP/out" "not any(f['message'].startswith('busybox-marker') for f in d['findings'])"
# Found by looking in the current directory, too.
cp "$TMP/conf/patterns" "$TMP/conf/bosun.yaml" "$TMP/elsewhere/"
mv "$TMP/elsewhere/bosun.yaml" "$TMP/elsewhere/.bosun.yaml"
(cd "$TMP/elsewhere" && "$BOSUN_BIN" image --format json "$img") >"$TMP/out"
json_check "$TMP/out" "any(f['message'].startswith('busybox-marker') for f in d['findings'])"
finish
