#!/bin/sh
# Every image rule on images built by buildah, umoci and skopeo (see
# make_fixtures.sh for what each layer holds).
. "$(dirname "$0")/lib.sh"

# F(rule, path) finds the finding; the expressions run with d the document.
F='(lambda rule, path=None: [f for f in d["findings"] if f["rule"] == rule and f.get("path") == path])'

scan_json 1 "$FIX/app"
json_check "$TMP/out" \
    'd["errors"] == []' \
    "len($F('image-secret-file', '/root/.ssh/id_rsa')) == 1" \
    "$F('image-secret-file', '/root/.ssh/id_rsa')[0]['layer_index'] == 1" \
    "$F('image-secret-file', '/root/.ssh/id_rsa')[0]['deleted_in_layer'] == 3" \
    "'layer 3 deletes it' in $F('image-secret-file', '/root/.ssh/id_rsa')[0]['message']" \
    "$F('image-secret-file', '/root/.ssh/id_rsa')[0]['layer_digest'].startswith('sha256:')" \
    "len($F('image-secret-content', '/root/.ssh/id_rsa')) == 1" \
    "'private key block at line 1' in $F('image-secret-content', '/root/.ssh/id_rsa')[0]['message']" \
    "$F('image-secret-content', '/root/.ssh/id_rsa')[0]['deleted_in_layer'] == 3" \
    "len($F('image-secret-content', '/app/settings.yaml')) == 1" \
    "$F('image-secret-content', '/app/settings.yaml')[0]['layer_index'] == 4" \
    "'AWS access key id at line 3' in $F('image-secret-content', '/app/settings.yaml')[0]['message']" \
    "'deleted_in_layer' not in $F('image-secret-content', '/app/settings.yaml')[0]" \
    "[f['layer_index'] for f in $F('image-setuid', '/bin/busybox')] == [2]" \
    "'mode 4755' in $F('image-setuid', '/bin/busybox')[0]['message']" \
    "len($F('image-world-writable', '/data')) == 1" \
    "len($F('image-world-writable', '/data/f')) == 1" \
    "$F('image-world-writable', '/scratch') == [] and $F('image-world-writable', '/tmp') == []" \
    "[f['layer_index'] for f in $F('image-passwd-writable', '/etc/passwd')] == [5]" \
    "'group 0' in $F('image-passwd-writable', '/etc/passwd')[0]['message']" \
    "[f['layer_index'] for f in $F('image-empty-password', '/etc/shadow')] == [5]" \
    "\"user 'app'\" in $F('image-empty-password', '/etc/shadow')[0]['message']" \
    "len($F('image-root-user')) == 1 and 'root' in $F('image-root-user')[0]['message']" \
    "len($F('image-latest-tag')) == 1" \
    "$F('image-digest-mismatch') == [] and $F('image-unsafe-path') == []"

# The secret is never printed, in any format.
for fmt in json plain; do
    "$BOSUN_BIN" image --format $fmt --no-config "$FIX/app" >"$TMP/$fmt" 2>&1
    expect_not_contains "$TMP/$fmt" "OPENSSH PRIVATE KEY-----"
    expect_not_contains "$TMP/$fmt" "aws_access_key_id: AKIA"
    if grep -qE 'AKIA[A-Z2-7]{16}' "$TMP/$fmt"; then fail "$fmt output shows the AWS key id"; fi
done

# The Dockerfile rules on the history, with history_index; the rules that
# judge a whole Dockerfile stay silent there.
json_check "$TMP/out" \
    "[(f['rule'], f['history_index']) for f in d['findings'] if 'history_index' in f] == [('package-upgrade', 8), ('pipe-to-shell', 9), ('secret-env', 11)]" \
    "all('line' not in f and 'layer_index' not in f for f in d['findings'] if 'history_index' in f)" \
    "all(f['rule'] not in ('root-user', 'from-latest', 'invalid-instruction') for f in d['findings'])"

# Findings are sorted by file, then layer, then rule.
json_check "$TMP/out" \
    'd["findings"] == sorted(d["findings"], key=lambda f: (f["file"], f.get("layer_index", -1), f["rule"]))'

# A non-root configuration: nothing to report on the base image.
scan_json 0 "$FIX/base"
json_check "$TMP/out" 'd["findings"] == [] and d["errors"] == []'

# No User at all, and only "latest".
scan_json 1 "$FIX/noconfig"
json_check "$TMP/out" \
    "sorted(f['rule'] for f in d['findings'] if f['rule'].startswith('image-')) == ['image-latest-tag', 'image-root-user']" \
    "'sets no User' in $F('image-root-user')[0]['message']"

# secret-env judges the ENV of the history and the Env of the
# configuration that no history entry explains.
scan_json 1 "$FIX/app"
json_check "$TMP/out" \
    "any(f['rule'] == 'secret-env' and f.get('history_index') == 11 for f in d['findings'])" \
    "not any(f['rule'] == 'secret-env' and 'APP_MODE' in f['message'] for f in d['findings'])"
scan_json 1 "$FIX/noconfig"
json_check "$TMP/out" \
    "any(f['rule'] == 'secret-env' and 'history_index' not in f and f['message'].startswith(\"in the image's Env: \") for f in d['findings'])"
for fmt in json plain; do
    "$BOSUN_BIN" image --format $fmt --no-config "$FIX/noconfig" >"$TMP/$fmt" 2>&1
    if grep -qE 'ghp_[A-Za-z0-9]{36}' "$TMP/$fmt"; then fail "$fmt output shows the token"; fi
done

# An opaque whiteout hides a token added one layer below.
scan_json 1 "$FIX/opaque"
json_check "$TMP/out" \
    "[(f['rule'], f['layer_index'], f['deleted_in_layer']) for f in d['findings']] == [('image-secret-content', 1, 2)]" \
    "'GitHub token' in d['findings'][0]['message'] and 'opaque' in d['findings'][0]['message']"

# Rules about the running container judge what ships: /opt/tool is setuid
# in layer 2, but layer 5 replaces it with a plain file.
scan_json 1 "$FIX/app"
json_check "$TMP/out" "$F('image-setuid', '/opt/tool') == []"
finish
