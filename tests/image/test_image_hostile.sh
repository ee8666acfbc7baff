#!/bin/sh
# Hostile archives (make_archives.py): each gives a clear error or finding,
# in bounded memory and time, and never a crash.
. "$(dirname "$0")/lib.sh"

# Peak RSS allowed, in KiB (sanitizers need much more).
case ${BOSUN_SANITIZE:-OFF} in
ON | on | 1 | TRUE | true) max_rss=2097152 ;;
*) max_rss=65536 ;;
esac

# hostile NAME STATUS TEXT: bosun image on it exits STATUS and says TEXT
# (in an error or a finding), within max_rss.
hostile() {
    name=$1
    want=$2
    text=$3
    expect_status "$want" "$BOSUN_BIN" image --format json --no-config "$HOSTILE/$name"
    grep -qF -- "$text" "$TMP/out" "$TMP/err" ||
        fail "$name: no '$text' in: $(head -c 600 "$TMP/out" "$TMP/err")"
    [ -x /usr/bin/time ] || return 0
    peak=$( (/usr/bin/time -f %M "$BOSUN_BIN" image --format json --no-config \
        "$HOSTILE/$name" >/dev/null 2>/dev/null) 2>&1 | tail -1)
    [ "${peak:-0}" -lt "$max_rss" ] || fail "$name: peak RSS ${peak} KiB"
}

hostile traversal 1 'climbs out of the image root'
hostile traversal 1 'has an absolute name'
hostile traversal 1 'points to \"../../etc/shadow\", outside the image root'
hostile traversal 1 'is written through /esc, a symlink made earlier in the same layer'
json_check "$TMP/out" "sorted(f['path'] for f in d['findings']) == ['/abs/owned', '/esc/cron.d/job', '/evil.sh', '/hl']"
hostile pax-huge 2 'unreadable tar: Special header too large'
hostile trunc-gzip 2 'truncated gzip stream'
hostile trunc-zstd 2 'truncated zstd stream'
hostile bomb-gzip 2 'decompression bomb: the layer expands more than 1000 times'
hostile bomb-zstd 2 'decompression bomb: the layer expands more than 1000 times'
hostile missing-blob 2 'layer 1 (sha256:'
hostile missing-blob 2 'missing from the image layout'
hostile wrong-digest 1 'it is not the layer the image refers to'
json_check "$TMP/out" \
    "[(f['rule'], f['layer_index']) for f in d['findings']] == [('image-digest-mismatch', 0)]" \
    "d['findings'][0]['layer_digest'].startswith('sha256:')"
hostile absurd-config 2 'declared size 1000000000000000 is more than the 16 MiB bosun reads for JSON'
hostile absurd-entry 2 'unreadable tar: Truncated tar archive'
hostile nested 2 'indexes nested more than 8 deep'
hostile not-tar 2 'unreadable tar: Unrecognized archive format'
hostile bad-json 2 'index.json: invalid JSON'
hostile media-mismatch 2 'says gzip, but the blob is zstd data (scanned as zstd)'
hostile docker-escape.tar 2 'invalid path (absolute or with ..)'
hostile outer-truncated.tar 2 'truncated archive: a member reaches past the end of the file'
hostile outer-pax-huge.tar 2 'tar extended header too large'
hostile many-symlinks 2 'more than 262144 symbolic links in the layer'

# The bomb guard can be turned off or tightened; --no-verify skips the
# digest check.
expect_status 0 "$BOSUN_BIN" image --no-config --max-ratio 0 "$HOSTILE/bomb-gzip"
expect_status 0 "$BOSUN_BIN" image --no-config --no-verify "$HOSTILE/wrong-digest"
finish
