#!/bin/sh
# Registry benchmark: bosun image reading a large image from a registry
# against skopeo only downloading it.
#
#   bench/registry.sh [RUNS]
#
# Starts a local docker-registry (plain HTTP on 127.0.0.1, with the helpers
# of tests/registry/lib.sh; all its state in a temporary directory, removed
# at the end), pushes the Debian image of bench/image.sh (built by it once
# in bench/work/ when missing: root and network needed then), and times, in
# the same run, RUNS (default 5) interleaved rounds of:
#   - skopeo copy docker://... oci:DIR (the download alone: blobs written
#     as they come, digests checked, nothing decompressed);
#   - bosun image docker://... (download, digests, decompression and every
#     check: the defaults).
# Prints the medians, the ratio bosun / skopeo (target: at most 1.2) and
# bosun's peak RSS (/usr/bin/time; target: under 64 MiB). Exit 0 when both
# were measured, 1 when a run failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "$here/.." && pwd)
runs=${1:-5}
bosun=${BOSUN:-$root/build/bosun}
image=$here/work/debian-oci

[ -x "$bosun" ] || { echo "build bosun first (make)" >&2; exit 2; }
"$root/scripts/deps.sh" registry || exit 2
if [ ! -f "$image/index.json" ]; then
    echo "== building the Debian image with bench/image.sh (once)" >&2
    "$here/image.sh" 1 >&2 || exit 2
fi

# The registry helpers (servers stopped and state removed on exit).
export BOSUN_TEST_DATA="$root/tests" BOSUN_BIN="$bosun" REG_NO_FIXTURES=1
REG_MAX_LIFE=7200
. "$root/tests/registry/lib.sh"

# bound CMD...: every command has a time bound (a hung run fails).
bound() { timeout -k 10 1800 "$@"; }

reg_start_registry plain || exit 1
echo "== pushing $image to $REG_HOST" >&2
reg_push "oci:$image:debian" debian:bench --preserve-digests || exit 1
ref=docker://$REG_HOST/debian:bench
digest=$(reg_digest debian:bench) || { fail "the pushed image cannot be read back"; exit 1; }
bytes=$(reg_skopeo inspect --raw --tls-verify=false "$ref" |
    "$REG_PY" -c 'import json,sys; print(sum(l["size"] for l in json.load(sys.stdin)["layers"]))')
echo "image: $ref ($digest), $((bytes >> 20)) MiB of layers"

have_bosun=1
if ! bound "$bosun" image --help 2>&1 | grep -q -- '--creds'; then
    echo "bosun image has no registry source yet (no --creds in its help): only skopeo is timed" >&2
    have_bosun=""
fi

results=$TMP/results
: >"$results"
# run NAME CMD...: one timed run; "NAME wall user sys rss(KiB)" appended.
run() {
    name=$1
    shift
    bound /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    status=$?
    echo "$name $(tail -1 "$TMP/time")" >>"$results"
    return $status
}

round=1
while [ "$round" -le "$runs" ]; do
    rm -rf "$TMP/copy"
    run skopeo skopeo copy --quiet --retry-times 0 --src-tls-verify=false "$ref" "oci:$TMP/copy:latest" ||
        fail "skopeo copy failed: $(tail -3 "$TMP/skopeo.err")"
    rm -rf "$TMP/copy"
    if [ -n "$have_bosun" ]; then
        # 0: no finding, 1: findings; 2 and more: it could not read the image.
        run bosun "$bosun" image --tls-verify=false --no-config --format json "$ref"
        st=$?
        if [ "$st" -gt 1 ]; then
            fail "bosun image exited $st: $(tail -3 "$TMP/bosun.err")"
        elif ! "$REG_PY" -c 'import json,sys; d=json.load(open(sys.argv[1]))
sys.exit(0 if [i["digest"] for i in d.get("images", [])] == [sys.argv[2]] else 1)' \
            "$TMP/bosun.out" "$digest"; then
            fail "bosun image did not report the image $digest"
        fi
    fi
    round=$((round + 1))
done
[ "$failures" -eq 0 ] || exit 1

mbps() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.0f", b / 1048576 / t }'; }

echo "median of $runs interleaved rounds: wall seconds (MiB/s of layers), [cpu seconds], peak RSS"
printf '  %-36s %6.2f s (%s MiB/s) [%.2f s] %s MiB\n' "skopeo copy docker:// oci:" \
    "$(stat skopeo wall)" "$(mbps "$(stat skopeo wall)")" "$(stat skopeo cpu)" "$(mib "$(stat skopeo rss)")"
[ -n "$have_bosun" ] || { echo "bosun: not measured (no registry source)"; exit 1; }
printf '  %-36s %6.2f s (%s MiB/s) [%.2f s] %s MiB\n' "bosun image docker://" \
    "$(stat bosun wall)" "$(mbps "$(stat bosun wall)")" "$(stat bosun cpu)" "$(mib "$(stat bosun rss)")"
ratio=$(ratio "$(stat bosun wall)" "$(stat skopeo wall)")
rss=$(stat bosun rss)
verdict() { [ "$1" = 1 ] && echo "met" || echo "MISSED"; }
echo "bosun / skopeo (wall): $ratio  (target <= 1.2: $(verdict "$(awk -v r="$ratio" 'BEGIN { print (r <= 1.2) }')"))"
echo "bosun peak RSS: $(mib "$rss") MiB  (target < 64 MiB: $(verdict "$(awk -v k="$rss" 'BEGIN { print (k < 65536) }')"))"
