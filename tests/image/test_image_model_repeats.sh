#!/bin/sh
# Where the parts of the layer model meet (make_model_repeats.py): a blob
# listed at several places, whose hard links reach other files at each,
# link targets the runtimes read two ways, and user names that only the
# image's /etc/passwd resolves. containerd and Docker apply a blob at each
# place it is listed, over what is below it there; bosun scans the blob
# once and models it at each place.
. "$(dirname "$0")/lib.sh"
MODEL=$FIX/model

case ${BOSUN_SANITIZE:-OFF} in
ON | on | 1 | TRUE | true) max_rss=2097152 max_time=120 ;;
*) max_rss=65536 max_time=20 ;;
esac

# model NAME STATUS: bosun image --format json on the image exits STATUS
# (the document in $TMP/out) within max_rss and max_time.
model() {
    scan_json "$2" "$MODEL/$1"
    [ -x /usr/bin/time ] || return 0
    /usr/bin/time -f '%M %e' -o "$TMP/time" "$BOSUN_BIN" image --format json \
        --no-config "$MODEL/$1" >/dev/null 2>&1
    set -- $(tail -1 "$TMP/time")
    [ "${1:-0}" -lt "$max_rss" ] || fail "peak RSS $1 KiB"
    awk -v s="$2" -v m="$max_time" 'BEGIN { exit !(s < m) }' || fail "$2 s"
}

F='(lambda rule, path=None: [f for f in d["findings"] if f["rule"] == rule and f.get("path") == path])'

# The links of places 1 and 3 reach the files below each: at place 3, the
# setuid /usr/bin/h2 of place 2, not the one /opt/l1 reached at place 1
# (place 3 writes /opt/l1 again, a link to the plain h1 of place 2).
model repeat-links 1
json_check "$TMP/out" 'd["errors"] == []' \
    "sorted((f['path'], f['layer_index']) for f in d['findings'] if f['rule'] == 'image-setuid') == [('/opt/l2', 3), ('/usr/bin/h2', 2)]" \
    "'a hard link to usr/bin/h2 of layer 2' in $F('image-setuid', '/opt/l2')[0]['message']"

# A token reached by 600 links at each of 12 places: what the links say is
# listed as for the blob's own findings, 500 for all its places, then one
# count of the rest.
model repeat-link-findings 1
json_check "$TMP/out" 'd["errors"] == []' \
    "len([f for f in d['findings'] if f['rule'] == 'image-secret-content' and f.get('path', '').startswith('/app/')]) == 500" \
    "[f['message'] for f in d['findings'] if ' more ' in f['message']] == ['6700 more image-secret-content findings in the layers that repeat the blob of layer 1 (listed 12 times) are not listed (the first 500 are)']"

# 40,000 links at 30 places: past the image's budget of resolutions, an
# error says where bosun stopped.
model repeat-link-bound 2
expect_contains "$TMP/out" 'its hard links, and those of the layers above, are not checked'
expect_contains "$TMP/out" 'more than 1048576 hard link resolutions'

# A hard link target with ".." after a symbolic link: Docker cleans the
# name before linking (/opt/l1 is the setuid /s1, /opt/l2 the plain /s2),
# containerd follows the link first (/opt/l1 is the plain /a/s1, /opt/l2
# the setuid /a/s2). Each is setuid for one of them: both reported.
model link-climbs 1
json_check "$TMP/out" 'd["errors"] == []' \
    "sorted((f['path'], f['layer_index']) for f in d['findings'] if f['rule'] == 'image-setuid' and f['path'].startswith('/opt/')) == [('/opt/l1', 1), ('/opt/l2', 1)]" \
    "'a hard link to x/../s1 of layer 0' in $F('image-setuid', '/opt/l1')[0]['message']"

# 1,100 key headers without a key, then a key: bosun confirms 1,000
# candidates, then says where it stopped (not a credential: the file needs
# a look), for the file and for a hard link to it.
model decoys 1
json_check "$TMP/out" 'd["errors"] == []' \
    "len($F('image-secret-content', '/app/decoys.pem')) == 1" \
    "$F('image-secret-content', '/app/decoys.pem')[0]['message'].startswith('bosun stopped confirming private key block candidates at line 1001 of /app/decoys.pem, after 1000 that were not credentials')" \
    "'rotate' not in $F('image-secret-content', '/app/decoys.pem')[0]['message']" \
    "len($F('image-secret-content', '/app/link.pem')) == 1" \
    "$F('image-secret-content', '/app/link.pem')[0]['message'].startswith('bosun stopped confirming private key block candidates at line 1001 of /app/link.pem, a hard link to app/decoys.pem of layer 0, after 1000')"

# A User that strconv.Atoi refuses (out of range) is a name for runc and
# containerd, looked up in /etc/passwd: uid 0 there.
model user-name-out-of-range 1
json_check "$TMP/out" \
    "len($F('image-root-user')) == 1" \
    "'maps to uid 0 (line 2)' in $F('image-root-user')[0]['message']"
finish
