#!/bin/sh
# Images that try to fool the layer model (make_model_hostile.py): what
# each layer adds, deletes and hides, what ships, what the container runs
# as. Each gives the findings the runtimes' view of the image calls for, in
# bounded memory and time. The comments say how the runtimes see each case:
# containerd and moby apply a layer with Go's archive/tar, entry by entry,
# over the layers below (directly with the native and vfs drivers; into the
# layer's own directory, whiteouts turned into overlayfs marks, with the
# overlayfs snapshotter and overlay2), and runc looks the User up in the
# container's /etc/passwd.
. "$(dirname "$0")/lib.sh"
MODEL=$FIX/model

# Peak RSS (KiB) and seconds allowed per image (sanitizers need more).
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
    # The last line: GNU time says first when the status is not 0.
    set -- $(tail -1 "$TMP/time")
    peak=$1 secs=$2
    [ "${peak:-0}" -lt "$max_rss" ] || fail "$1: peak RSS ${peak} KiB"
    awk -v s="$secs" -v m="$max_time" 'BEGIN { exit !(s < m) }' ||
        fail "$1: ${secs} s"
}

# F(rule, path): the findings of rule about path.
F='(lambda rule, path=None: [f for f in d["findings"] if f["rule"] == rule and f.get("path") == path])'

# An opaque marker at the root of layer 1. containerd's and moby's naive
# appliers (native snapshotter, vfs) walk the directory of the marker, here
# the root, and delete what the layer has not written; with overlayfs the
# marker becomes the opaque mark of the layer's root directory, which the
# kernel ignores (only directories below a layer's root hide lower ones):
# the setuid tool still runs there, and the token is in layer 0 anyway.
model root-opaque 1
json_check "$TMP/out" \
    "len($F('image-setuid', '/usr/bin/tool')) == 1" \
    "'layer 1 marks its root opaque' in $F('image-setuid', '/usr/bin/tool')[0]['message']" \
    "'overlayfs ignores' in $F('image-setuid', '/usr/bin/tool')[0]['message']" \
    "len($F('image-secret-content', '/srv/app.conf')) == 1" \
    "$F('image-secret-content', '/srv/app.conf')[0]['deleted_in_layer'] == 1" \
    "'marks its root opaque' in $F('image-secret-content', '/srv/app.conf')[0]['message']"

# Two paths whose former 63-bit hashes were equal: the whiteout of one
# deleted the other in the model, a setuid file or a whole directory. For
# the runtimes they are two names: the whiteout removes a path that does
# not exist, which Go's os.RemoveAll allows.
model collide-file 1
json_check "$TMP/out" \
    "len($F('image-setuid', '/opt/5fdd6dc48c1ec04b')) == 1"
model collide-dir 1
json_check "$TMP/out" \
    "len($F('image-setuid', '/opt/5fdd6dc48c1ec04b/bin/tool')) == 1" \
    "'deleted_in_layer' not in $F('image-secret-content', '/opt/5fdd6dc48c1ec04b/token.txt')[0]" \
    "'it ships in the image' in $F('image-secret-content', '/opt/5fdd6dc48c1ec04b/token.txt')[0]['message']"

# Credentials in documentation, headers, a test directory and a library
# directory: the runtimes unpack them like any file, and anyone who pulls
# the image can read them.
model exempt-paths 1
json_check "$TMP/out" \
    "len($F('image-secret-content', '/usr/share/doc/app/README')) == 1" \
    "len($F('image-secret-content', '/usr/include/app/config.h')) == 1" \
    "len($F('image-secret-content', '/app/tests/.env')) == 1" \
    "len($F('image-secret-file', '/app/tests/.env')) == 1" \
    "len($F('image-secret-content', '/usr/lib/app/libapp.so')) == 1" \
    "len($F('image-secret-file', '/usr/share/doc/app/id_rsa')) == 1" \
    "len($F('image-secret-content', '/usr/share/doc/app/id_rsa')) == 1"

# GnuTLS's self-test keys are published with its source: not reported,
# because they are those keys, wherever the library is.
if [ -d "$MODEL/gnutls" ]; then
    model gnutls 0
    json_check "$TMP/out" 'd["findings"] == []'
fi
finish
