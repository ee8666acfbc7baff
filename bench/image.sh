#!/bin/sh
# Image benchmark: bosun image on a large real image against plain
# decompression of the same layers.
#
#   bench/image.sh [RUNS]
#
# Builds once, in bench/work/ (not checked in), a Debian bookworm image:
# debootstrap --variant=minbase, then Python, Perl and git, a compiler, and
# curl (several hundred MB), committed with umoci as one gzip layer per
# step as a Dockerfile would, and a zstd copy made by skopeo. Then times,
# in the same run, the median of RUNS (default 5):
#   - bosun image -j1 and -j2 on the gzip image (digests verified, secrets
#     scanned: the defaults) and -j1 on the zstd one;
#   - gzip -dc, igzip -dc and zstd -dc of the same layers to /dev/null,
#     one after the other;
# and prints the ratios of throughput and bosun's peak RSS (/usr/bin/time).
# Needs root (debootstrap) and network for the first build; installs what
# is missing with scripts/deps.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "$here/.." && pwd)
runs=${1:-5}
bosun=${BOSUN:-$root/build/bosun}
work=$here/work
image=$work/debian-oci
zimage=$work/debian-oci-zstd
suite=bookworm

[ -x "$bosun" ] || { echo "build bosun first (make)" >&2; exit 2; }
"$root/scripts/deps.sh" fixtures bench

# One layer per step, as a Dockerfile with a RUN per package group makes.
layer_groups="python3 perl,git gcc,libc6-dev,make curl,ca-certificates,openssl"

# Commit the current $work/rootfs as a new layer of the image.
commit_layer() {
    rm -rf "$work/bundle"
    umoci unpack --image "$image:debian" "$work/bundle" >/dev/null
    rm -rf "$work/bundle/rootfs"
    mkdir "$work/bundle/rootfs"
    cp -a "$work/rootfs/." "$work/bundle/rootfs/"
    umoci repack --image "$image:debian" "$work/bundle"
}

build_image() {
    if [ ! -f "$work/rootfs-base/.done" ]; then
        rm -rf "$work/rootfs-base"
        mkdir -p "$work"
        echo "== debootstrap $suite (once)" >&2
        debootstrap --variant=minbase "$suite" "$work/rootfs-base" \
            http://deb.debian.org/debian >&2
        touch "$work/rootfs-base/.done"
    fi
    rm -rf "$image" "$zimage" "$work/rootfs"
    cp -a "$work/rootfs-base" "$work/rootfs"
    rm -f "$work/rootfs/.done"
    umoci init --layout "$image"
    umoci new --image "$image:debian"
    commit_layer
    for group in $layer_groups; do
        echo "== layer: $group" >&2
        chroot "$work/rootfs" apt-get install -y -qq --no-install-recommends \
            $(echo "$group" | tr , ' ') >&2 </dev/null
        chroot "$work/rootfs" apt-get clean
        commit_layer
    done
    umoci config --image "$image:debian" --config.user 10001
    umoci gc --layout "$image"
    rm -rf "$work/bundle" "$work/rootfs"
    skopeo copy --quiet --dest-compress-format zstd "oci:$image:debian" \
        "oci:$zimage:debian"
}

[ -d "$image" ] && [ -d "$zimage" ] || build_image

layers() { # OCI layout dir -> paths of its layer blobs
    python3 - "$1" <<'PY'
import json, sys
d = sys.argv[1]
idx = json.load(open(d + "/index.json"))
m = json.load(open(d + "/blobs/" + idx["manifests"][0]["digest"].replace(":", "/")))
for l in m["layers"]:
    print(d + "/blobs/" + l["digest"].replace(":", "/"))
PY
}
gz_layers=$(layers "$image" | tr "\n" " ")
zst_layers=$(layers "$zimage" | tr "\n" " ")
gz_bytes=$(cat $gz_layers | wc -c)
tar_bytes=$(for f in $gz_layers; do gzip -dc <"$f"; done | wc -c)
echo "image: $(echo $gz_layers | wc -w) layers, $((gz_bytes >> 20)) MiB gzip, $((tar_bytes >> 20)) MiB of tar"
echo "layers (gzip, MiB):$(for f in $gz_layers; do printf ' %d' $(($(wc -c <"$f") >> 20)); done)"

# Each command runs once per round, rounds interleave the commands (so a
# busy machine slows them alike), and the median round counts: wall-clock
# time, and CPU time (user + system) which other load barely changes.
tool_names="gzip igzip zstd j1 j2 zj1 zj2"
cmd_of() {
    case $1 in
    gzip) echo "sh -c 'for f; do gzip -dc <\"\$f\" >/dev/null; done' sh $gz_layers" ;;
    igzip) echo "sh -c 'for f; do igzip -dc <\"\$f\" >/dev/null; done' sh $gz_layers" ;;
    zstd) echo "sh -c 'for f; do zstd -qdc <\"\$f\" >/dev/null; done' sh $zst_layers" ;;
    j1) echo "$bosun image -j1 --format json $image" ;;
    j2) echo "$bosun image -j2 --format json $image" ;;
    zj1) echo "$bosun image -j1 --format json $zimage" ;;
    zj2) echo "$bosun image -j2 --format json $zimage" ;;
    esac
}

results=$work/results
: >"$results"
round=1
while [ "$round" -le "$runs" ]; do
    for t in $tool_names; do
        # wall user system max-rss(KiB)
        eval "/usr/bin/time -f '%e %U %S %M' -o '$work/time' $(cmd_of "$t")" \
            >/dev/null 2>&1 || true
        echo "$t $(cat "$work/time" | tail -1)" >>"$results"
    done
    round=$((round + 1))
done


mbps() { awk -v b="$tar_bytes" -v t="$1" 'BEGIN { printf "%.0f", b / 1048576 / t }'; }

echo "throughput in MiB/s of uncompressed tar, median of $runs interleaved rounds"
echo "(wall clock; in brackets the same from CPU time, user + system):"
for t in $tool_names; do
    case $t in
    gzip) label="gzip -dc" ;;
    igzip) label="igzip -dc" ;;
    zstd) label="zstd -dc" ;;
    j1) label="bosun image -j1" ;;
    j2) label="bosun image -j2" ;;
    zj1) label="bosun image -j1 (zstd)" ;;
    zj2) label="bosun image -j2 (zstd)" ;;
    esac
    printf '  %-24s %5s  [%s]\n' "$label" "$(mbps "$(stat $t wall)")" "$(mbps "$(stat $t cpu)")"
done
echo "ratios:"
echo "  bosun -j1 / gzip -dc      $(ratio "$(stat gzip wall)" "$(stat j1 wall)")  [cpu $(ratio "$(stat gzip cpu)" "$(stat j1 cpu)")]"
echo "  bosun -j1 / igzip -dc     $(ratio "$(stat igzip wall)" "$(stat j1 wall)")  [cpu $(ratio "$(stat igzip cpu)" "$(stat j1 cpu)")]"
echo "  bosun -j2 / bosun -j1     $(ratio "$(stat j1 wall)" "$(stat j2 wall)")"
echo "  bosun -j1 / zstd -dc      $(ratio "$(stat zstd wall)" "$(stat zj1 wall)")  [cpu $(ratio "$(stat zstd cpu)" "$(stat zj1 cpu)")] (zstd layers)"
echo "  bosun -j2 / bosun -j1     $(ratio "$(stat zj1 wall)" "$(stat zj2 wall)") (zstd layers)"
echo "peak RSS (MiB): -j1 $(awk -v k="$(stat j1 rss)" 'BEGIN { printf "%.1f", k / 1024 }')," \
     "-j2 $(awk -v k="$(stat j2 rss)" 'BEGIN { printf "%.1f", k / 1024 }')," \
     "zstd -j1 $(awk -v k="$(stat zj1 rss)" 'BEGIN { printf "%.1f", k / 1024 }')," \
     "zstd -j2 $(awk -v k="$(stat zj2 rss)" 'BEGIN { printf "%.1f", k / 1024 }')"
