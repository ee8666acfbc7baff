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

# Hard links. containerd makes a link entry with os.Link to the path its
# target names in the filesystem as it stands (the layers below, merged,
# and the entries of its own layer before it), the target's directories
# resolved through symbolic links within the root (bin -> usr/bin); the
# new name shares the inode: its modes and bytes. A whiteout of the first
# name later removes that name only, so the setuid files still run as
# /opt/a, /opt/b and /opt/c. (With overlayfs, a link to a lower layer's
# file copies that file up first: the same modes and bytes.)
model hardlink-setuid 1
json_check "$TMP/out" \
    "sorted((f['path'], f['layer_index']) for f in d['findings'] if f['rule'] == 'image-setuid') == [('/opt/a', 0), ('/opt/b', 1), ('/opt/c', 1)]" \
    "'setuid user 0' in $F('image-setuid', '/opt/a')[0]['message']" \
    "'a hard link to usr/bin/helper of layer 0' in $F('image-setuid', '/opt/a')[0]['message']" \
    "'setgid group 42' in $F('image-setuid', '/opt/b')[0]['message']"
# A link is its file's bytes under its own name: an SSH key name on a
# link is a secret file, and a link to a token is the token.
model hardlink-secret-name 1
json_check "$TMP/out" \
    "len($F('image-secret-file', '/root/.ssh/id_rsa')) == 1" \
    "'a hard link to usr/share/misc/notes.txt' in $F('image-secret-file', '/root/.ssh/id_rsa')[0]['message']"
model hardlink-secret-content 1
json_check "$TMP/out" \
    "[f['layer_index'] for f in $F('image-secret-content', '/app/config.txt')] == [0]" \
    "[f['layer_index'] for f in $F('image-secret-content', '/app/other.txt')] == [1]" \
    "[f['layer_index'] for f in $F('image-secret-content', '/app/third.txt')] == [1]" \
    "all('deleted_in_layer' not in f for p in ('/app/config.txt', '/app/other.txt', '/app/third.txt') for f in $F('image-secret-content', p))" \
    "$F('image-secret-content', '/srv/data/blob.txt')[0]['deleted_in_layer'] == 2"

# The final /etc/shadow and /etc/passwd, as su, login and runc read them:
# the kernel follows symbolic links (/etc/shadow -> /data/shadow, or /etc
# -> cfg, made in a later layer than the files), a hard link is its file,
# and nothing is cut: the empty password on line 140001 of a 4.6 MB
# /etc/shadow counts like the first.
model shadow-big 1
json_check "$TMP/out" \
    "len($F('image-empty-password', '/etc/shadow')) == 1" \
    "\"user 'root'\" in $F('image-empty-password', '/etc/shadow')[0]['message']" \
    "'line 140001' in $F('image-empty-password', '/etc/shadow')[0]['message']"
model shadow-symlink 1
json_check "$TMP/out" \
    "[f['layer_index'] for f in $F('image-empty-password', '/data/shadow')] == [0]" \
    "\"user 'app' has an empty password in /etc/shadow\" in $F('image-empty-password', '/data/shadow')[0]['message']"
model etc-symlink 1
json_check "$TMP/out" \
    "\"user 'root' has an empty password in /etc/shadow\" in $F('image-empty-password', '/cfg/shadow')[0]['message']" \
    "'/etc/passwd is writable by group 0' in $F('image-passwd-writable', '/cfg/passwd')[0]['message']"
model accounts-hardlink 1
json_check "$TMP/out" \
    "[f['layer_index'] for f in $F('image-empty-password', '/etc/shadow')] == [1]" \
    "'a hard link to var/backups/sh of layer 0' in $F('image-empty-password', '/etc/shadow')[0]['message']" \
    "[f['layer_index'] for f in $F('image-passwd-writable', '/etc/passwd')] == [1]"

# A user name is looked up by runc (github.com/moby/sys/user) in the
# container's /etc/passwd, symbolic links followed: the first line whose
# first field is the name gives the uid, its third field read with Go's
# strconv.Atoi, 0 when that fails (an empty field too).
model user-root-name 1
json_check "$TMP/out" \
    "len($F('image-root-user')) == 1" \
    "'maps to uid 0 (line 2)' in $F('image-root-user')[0]['message']"
model user-root-symlink 1
json_check "$TMP/out" "len($F('image-root-user')) == 1"
model user-empty-uid 1
json_check "$TMP/out" "len($F('image-root-user')) == 1"
model user-nonroot-name 0
json_check "$TMP/out" 'd["findings"] == []'

# What links cost. A layer of 50k hard links to its own files (pnpm and
# conda write such layers): they say nothing, and are not kept. Hard links
# with 4 KB names to a lower layer's files are kept until every layer is
# walked: past the image's budget, an error says so. 30k links whose
# target goes through a chain of 40 symbolic links (Linux's limit), over
# 60 layers, to setuid files: reported, the first 500 and a count.
model links-plain 0
json_check "$TMP/out" 'd["findings"] == [] and d["errors"] == []'
model links-budget 2
expect_contains "$TMP/out" 'more than 2097152 files in the image (links and files with findings count for what is kept of them)'
model links-chain 1
json_check "$TMP/out" \
    "len([f for f in d['findings'] if f['rule'] == 'image-setuid' and f['layer_index'] == 61]) == 501" \
    "any('29500 more image-setuid findings in layer 61' in f['message'] for f in d['findings'])"
finish
