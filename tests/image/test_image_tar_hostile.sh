#!/bin/sh
# Tar headers libarchive and Go's archive/tar read differently
# (make_tar_hostile.py). docker and containerd unpack layers, and docker
# load and containerd's importer read image archives, with Go's reader:
# bosun reads names as Go does or refuses the layer, never skips an entry
# silently, in bounded memory and time.
. "$(dirname "$0")/lib.sh"
CASES=$FIX/hostile-tar

case ${BOSUN_SANITIZE:-OFF} in
ON | on | 1 | TRUE | true) max_rss=2097152 max_secs=60 ;;
*) max_rss=65536 max_secs=10 ;;
esac

# case NAME STATUS TEXT: bosun image on it exits STATUS and says TEXT (in
# an error or a finding), within max_rss KiB and max_secs seconds.
case_is() {
    name=$1
    want=$2
    text=$3
    start=$(date +%s)
    expect_status "$want" "$BOSUN_BIN" image --format json --no-config "$CASES/$name"
    secs=$(($(date +%s) - start))
    grep -qF -- "$text" "$TMP/out" "$TMP/err" ||
        fail "$name: no '$text' in: $(head -c 600 "$TMP/out" "$TMP/err")"
    [ "$secs" -le "$max_secs" ] || fail "$name: took ${secs}s"
    [ -x /usr/bin/time ] || return 0
    peak=$( (/usr/bin/time -f %M "$BOSUN_BIN" image --format json --no-config \
        "$CASES/$name" >/dev/null 2>/dev/null) 2>&1 | tail -1)
    [ "${peak:-0}" -lt "$max_rss" ] || fail "$name: peak RSS ${peak} KiB"
}

# Go: filepath.Clean("xxx...(5,000 bytes)/../root/.aws/credentials") is
# root/.aws/credentials: a secret file, found once ".." is applied before
# any length limit.
case_is long-dotdot 1 '/root/.aws/credentials looks like a secret file'
json_check "$TMP/out" "[f['path'] for f in d['findings']] == ['/root/.aws/credentials']"
# Go: a 5,000-byte name (pax path), which no runtime can create (PATH_MAX):
# said, not skipped.
case_is long-name 2 'its name is longer than 4095 bytes once cleaned'
# Go: star header, prefix = 131 bytes "x.../../root/.aws", name
# root/.aws/credentials; libarchive: a 155-byte prefix that runs into the
# star atime, ".aws00000000000/credentials".
case_is star-prefix 2 'ambiguous tar: the entry at byte 0 is'
case_is star-prefix 2 'root/.aws00000000000/credentials" to libarchive'
# Go: pax path "tmp/readme" then GNU long name "root/.ssh/id_rsa": the GNU
# name wins; libarchive keeps the pax path (the header that comes first).
case_is pax-then-gnu-name 2 'is "tmp/readme" to libarchive, "root/.ssh/id_rsa" to Go'
# Go: pax linkpath then GNU 'K': the symlink points to /etc/shadow.
case_is pax-then-gnu-link 2 'links to "/tmp/nothing" for libarchive, to "/etc/shadow" for Go'
# Go: one zero block then a header is ErrHeader (the layer does not
# unpack); libarchive ends at the zero block and never shows the key.
case_is zero-block 2 'libarchive ends the archive at byte 1024, but Go'
# Go: mode "000 644" is not octal: ErrHeader; libarchive reads mode 0.
case_is octal-space 2 'Go'"'"'s archive/tar fails before it, at byte 1024'
# Go: a hard link has no data, so the 1,024 bytes libarchive reads as its
# data are an entry to Go: root/.ssh/id_rsa.
case_is hardlink-data 2 'Go'"'"'s archive/tar entry "root/.ssh/id_rsa" at byte 1536'
# Go: typeflag 'V' is an entry of its own (docker and containerd refuse
# to unpack it); libarchive skips it as a volume label.
case_is volume-header 2 'has typeflag 0x56'
# Go: a 'g' header is returned as an entry named etc/hostname; libarchive
# skips it.
case_is global-header 2 "a pax global header (typeflag 'g') \"etc/hostname\""
# Go: a NUL in a pax path is ErrHeader; libarchive cuts the name there.
case_is nul-in-pax-path 2 'fails before it, at byte 0: invalid pax header'

# Outer archives, as docker load reads them. Go: star prefix
# "x.../.." + "/index.json", index.json once cleaned.
case_is outer-star.tar 1 '/root/.aws/credentials looks like a secret file'
# Go: the GNU long name "index.json" wins over the pax path "decoy.json"
# that follows it.
case_is outer-gnu-over-pax.tar 1 '/root/.aws/credentials looks like a secret file'
finish
