#!/bin/sh
# bosun image - (and docker-archive:-, oci-archive:-, a FIFO, an archive
# compressed whole): an image archive read as it comes, in one pass, its
# layers scanned as their bytes arrive. What it finds must be what the
# same archive read in place finds, finding for finding; what it cannot
# read (cut short, not an archive, endless) is one line and exit 2, in
# bounded time and memory.
. "$BOSUN_TEST_DATA/image/lib.sh"

# same_findings A B NAME: the JSON reports A and B have the same
# findings, but for the file name, B's all naming the input NAME.
same_findings() {
    python3 - "$1" "$2" "$3" <<'PY' || fail "$3: other findings than the file's"
import json, sys
def load(path, name):
    out = []
    for f in json.load(open(path))["findings"]:
        if name is not None and f.get("file") != name:
            print("named %r, not %r" % (f.get("file"), name), file=sys.stderr)
            sys.exit(1)
        f.pop("file", None)
        out.append(json.dumps(f, sort_keys=True))
    return sorted(out)
a, b = load(sys.argv[1], None), load(sys.argv[2], sys.argv[3])
if a != b:
    for line in sorted(set(a) ^ set(b))[:4]:
        print(("file: " if line in a else "pipe: ") + line[:300], file=sys.stderr)
    sys.exit(1)
PY
}

# same_as_file ARCHIVE [OPTIONS...]: `bosun image - <ARCHIVE` finds what
# `bosun image ARCHIVE` finds, with the same status.
same_as_file() {
    archive=$1
    shift
    "$BOSUN_BIN" image --format json --no-config "$@" "$archive" \
        >"$TMP/file.json" 2>"$TMP/file.err"
    want=$?
    grep -q '"rule"' "$TMP/file.json" || [ "$want" -eq 0 ] ||
        fail "no findings from $archive $*: $(head -c 300 "$TMP/file.err")"
    for input in - docker-archive:- oci-archive:-; do
        case $input in
        docker-archive:-) [ "$kind" = docker ] || continue ;;
        oci-archive:-) [ "$kind" = oci ] || continue ;;
        esac
        "$BOSUN_BIN" image --format json --no-config "$@" "$input" \
            <"$archive" >"$TMP/pipe.json" 2>"$TMP/pipe.err"
        got=$?
        [ "$got" -eq "$want" ] ||
            fail "$input < $archive $*: exit $got, want $want: $(head -c 300 "$TMP/pipe.err")"
        same_findings "$TMP/file.json" "$TMP/pipe.json" "$input"
    done
}

# reorder IN OUT FIRST: a copy of the archive IN whose members that
# FIRST (a Python expression on the member name `n`) holds come first,
# the others after, each group in its order.
reorder() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys, tarfile
src, dst, first = sys.argv[1], sys.argv[2], sys.argv[3]
with tarfile.open(src) as t:
    members = t.getmembers()
    a = [m for m in members if eval(first, {"n": m.name.lstrip("./")})]
    b = [m for m in members if m not in a]
    with tarfile.open(dst, "w", format=tarfile.GNU_FORMAT) as out:
        for m in a + b:
            out.addfile(m, t.extractfile(m) if m.isfile() else None)
PY
}

# --------------------------------------------------- the same findings
kind=docker
same_as_file "$FIX/app-docker.tar"
same_as_file "$FIX/docker-gz.tar"
same_as_file "$FIX/docker25.tar"
kind=oci
same_as_file "$FIX/app-oci.tar"
kind=dir
tar -C "$FIX/multi" -cf "$TMP/multi.tar" .
same_as_file "$TMP/multi.tar" --platform linux/amd64
same_as_file "$TMP/multi.tar" --platform linux/arm64
tar -C "$FIX/app-zstd" -cf "$TMP/app-zstd.tar" .
same_as_file "$TMP/app-zstd.tar"

# docker save writes the layer blobs first and manifest.json last (the
# fixtures are so); the other way round, the manifest comes first.
kind=docker
reorder "$FIX/app-docker.tar" "$TMP/manifest-first.tar" \
    'n in ("manifest.json", "repositories") or n.endswith(".json")'
same_as_file "$TMP/manifest-first.tar"
reorder "$FIX/app-docker.tar" "$TMP/blobs-first.tar" \
    'n.endswith(".tar") and "/" not in n'
same_as_file "$TMP/blobs-first.tar"
kind=oci
reorder "$FIX/app-oci.tar" "$TMP/oci-index-first.tar" \
    'n in ("index.json", "oci-layout")'
same_as_file "$TMP/oci-index-first.tar"

# Compressed whole, on a pipe or in a file.
kind=docker
gzip -c "$FIX/app-docker.tar" >"$TMP/app.tar.gz"
zstd -q -c "$FIX/app-docker.tar" >"$TMP/app.tar.zst"
expect_status 1 "$BOSUN_BIN" image --format json --no-config "$FIX/app-docker.tar"
mv "$TMP/out" "$TMP/plain.json"
for packed in "$TMP/app.tar.gz" "$TMP/app.tar.zst"; do
    expect_status 1 "$BOSUN_BIN" image --format json --no-config - <"$packed"
    same_findings "$TMP/plain.json" "$TMP/out" -
    expect_status 1 "$BOSUN_BIN" image --format json --no-config "$packed"
    same_findings "$TMP/plain.json" "$TMP/out" "$packed"
done

# A FIFO named on the command line (bosun image <(docker save app)).
mkfifo "$TMP/fifo"
cat "$FIX/app-oci.tar" >"$TMP/fifo" &
expect_status 1 "$BOSUN_BIN" image --format json --no-config "$TMP/fifo"
wait
mv "$TMP/out" "$TMP/fifo.json"
expect_status 1 "$BOSUN_BIN" image --format json --no-config "$FIX/app-oci.tar"
same_findings "$TMP/out" "$TMP/fifo.json" "$TMP/fifo"

# Nothing is written anywhere: the temporary directory stays empty.
mkdir "$TMP/tmpdir"
TMPDIR=$TMP/tmpdir "$BOSUN_BIN" image --no-config - <"$FIX/app-docker.tar" \
    >/dev/null 2>&1
[ -z "$(ls -A "$TMP/tmpdir")" ] || fail "files left in TMPDIR"

# --------------------------------------------------- what is refused
# one_line: the error is one line.
one_line() {
    [ "$(wc -l <"$TMP/err")" -eq 1 ] ||
        fail "not one line: $(head -c 400 "$TMP/err")"
}

# Cut short: inside a layer, inside a header, inside the compression.
size=$(wc -c <"$FIX/app-docker.tar")
head -c $((size / 3)) "$FIX/app-docker.tar" >"$TMP/cut.tar"
expect_status 2 "$BOSUN_BIN" image - <"$TMP/cut.tar"
expect_contains "$TMP/err" 'truncated: the stream ends inside'
one_line
# 100 bytes into the header of the last member.
at=$(python3 -c 'import sys, tarfile
print(tarfile.open(sys.argv[1]).getmembers()[-1].offset + 100)' "$FIX/app-docker.tar")
head -c "$at" "$FIX/app-docker.tar" >"$TMP/cut-header.tar"
expect_status 2 "$BOSUN_BIN" image - <"$TMP/cut-header.tar"
expect_contains "$TMP/err" 'truncated: the stream ends inside a tar header'
one_line
head -c 20000 "$TMP/app.tar.gz" >"$TMP/cut.tar.gz"
expect_status 2 "$BOSUN_BIN" image - <"$TMP/cut.tar.gz"
expect_contains "$TMP/err" 'truncated'
one_line
head -c 20000 "$TMP/app.tar.zst" >"$TMP/cut.tar.zst"
expect_status 2 "$BOSUN_BIN" image - <"$TMP/cut.tar.zst"
expect_contains "$TMP/err" 'truncated'
one_line

# Not an archive, or nothing at all.
expect_status 2 "$BOSUN_BIN" image - </dev/null
one_line
printf 'hello\n' >"$TMP/hello"
expect_status 2 "$BOSUN_BIN" image - <"$TMP/hello"
expect_contains "$TMP/err" 'not a tar archive'
one_line
expect_status 2 "$BOSUN_BIN" image oci:- <"$FIX/app-oci.tar"
expect_contains "$TMP/err" 'oci-archive:-'

# Endless input: garbage, zeros, compressed zeros. Each ends with exit 2
# long before the timeout (status 124), reading a bounded part of it.
endless() { # NAME COMMAND...: COMMAND's endless output into bosun image -
    name=$1
    shift
    start=$(date +%s)
    "$@" 2>/dev/null | timeout 60 "$BOSUN_BIN" image - >"$TMP/out" 2>"$TMP/err"
    got=$?
    [ "$got" -eq 2 ] || fail "endless $name: exit $got, want 2"
    [ $(($(date +%s) - start)) -lt 30 ] || fail "endless $name: too slow"
    one_line
}
endless garbage cat /dev/urandom
expect_contains "$TMP/err" 'not a tar archive'
endless zeros cat /dev/zero
endless gzip-zeros sh -c 'cat /dev/zero | gzip -1'
# Garbage behind a gzip header: the decoder says so.
endless gzip-garbage sh -c 'printf "\037\213\010\000\000\000\000\000\000\003"; cat /dev/urandom'

# ------------------------------------------------------------ progress
# On a terminal (script(1) gives one), lines say how far the stream and
# its layers are; -q silences them, and without a terminal there are none.
# The stream pauses a second in its first layer so that lines are drawn.
slow="{ head -c 3000000 '$FIX/big-docker-gz.tar'; sleep 1; tail -c +3000001 '$FIX/big-docker-gz.tar'; }"
if command -v script >/dev/null 2>&1; then
    script -qec "$slow | '$BOSUN_BIN' image --no-config - >/dev/null" \
        "$TMP/typescript" >/dev/null 2>&1
    expect_contains "$TMP/typescript" 'bosun image -: 0 layers done'
    expect_contains "$TMP/typescript" 'MiB of 24.0 MiB'
    script -qec "$slow | '$BOSUN_BIN' image -q --no-config - >/dev/null" \
        "$TMP/typescript" >/dev/null 2>&1
    expect_not_contains "$TMP/typescript" 'layers done'
    expect_not_contains "$TMP/typescript" 'MiB of'
fi
sh -c "$slow" | "$BOSUN_BIN" image --no-config - >/dev/null 2>"$TMP/err"
expect_not_contains "$TMP/err" 'layers done'

# ------------------------------------------------------ memory bounds
# A large image read from a pipe takes less than 64 MB whatever its size.
/usr/bin/time -f '%M' -o "$TMP/rss" "$BOSUN_BIN" image --no-config - \
    <"$FIX/big-docker-gz.tar" >/dev/null 2>&1
rss=$(tail -n 1 "$TMP/rss")
[ "$rss" -lt 65536 ] || fail "peak RSS $rss KiB reading a stream"

finish
