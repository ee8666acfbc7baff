#!/bin/sh
# Pipe benchmark: `cat image.tar | bosun image -` (the archive read as it
# comes, its layers scanned as they arrive) against `bosun image
# image.tar` (the archive read in place), on the large Debian image of
# bench/image.sh.
#
#   bench/pipe.sh [RUNS]
#
# Uses the OCI layout bench/image.sh builds in bench/work/ (built first if
# missing, which needs root and network), made into an oci-archive once.
# Times, in the same run, the median of RUNS (default 5) interleaved
# rounds of -j1 and -j2 both ways, and prints the ratios (pipe / file:
# the target is at most 1.2) and the peak RSS of each (/usr/bin/time).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "$here/.." && pwd)
runs=${1:-5}
bosun=${BOSUN:-$root/build/bosun}
work=$here/work
image=$work/debian-oci
archive=$work/debian-oci.tar

[ -x "$bosun" ] || { echo "build bosun first (make)" >&2; exit 2; }
[ -d "$image" ] || "$here/image.sh" 1 >&2
# The layout as an archive, blobs first as docker save writes them.
if [ ! -f "$archive" ] || [ "$image/index.json" -nt "$archive" ]; then
    (cd "$image" && tar -cf "$archive" blobs oci-layout index.json)
fi
echo "archive: $(($(wc -c <"$archive") >> 20)) MiB ($archive)"

tool_names="file1 pipe1 file2 pipe2"
cmd_of() { # the command, its input redirected when it reads a pipe
    case $1 in
    file1) echo "$bosun image -j1 --format json $archive" ;;
    file2) echo "$bosun image -j2 --format json $archive" ;;
    pipe1) echo "$bosun image -j1 --format json -" ;;
    pipe2) echo "$bosun image -j2 --format json -" ;;
    esac
}

results=$work/pipe-results
: >"$results"
round=1
while [ "$round" -le "$runs" ]; do
    for t in $tool_names; do
        # wall user system max-rss(KiB)
        case $t in
        pipe*)
            cat "$archive" | eval "/usr/bin/time -f '%e %U %S %M' \
                -o '$work/time' $(cmd_of "$t")" >/dev/null 2>&1 || true ;;
        *)
            eval "/usr/bin/time -f '%e %U %S %M' -o '$work/time' \
                $(cmd_of "$t")" >/dev/null 2>&1 || true ;;
        esac
        echo "$t $(tail -n 1 "$work/time")" >>"$results"
    done
    round=$((round + 1))
done


echo "median of $runs interleaved rounds, seconds (wall; cpu = user + system):"
for t in $tool_names; do
    case $t in
    file1) label="bosun image -j1 FILE" ;;
    file2) label="bosun image -j2 FILE" ;;
    pipe1) label="cat FILE | bosun image -j1 -" ;;
    pipe2) label="cat FILE | bosun image -j2 -" ;;
    esac
    printf '  %-32s %6s  [cpu %s]  peak RSS %s MiB\n' "$label" \
        "$(stat "$t" wall)" "$(stat "$t" cpu)" "$(mib "$(stat "$t" rss)")"
done
echo "ratios pipe / file (target <= 1.2):"
echo "  -j1  $(ratio "$(stat pipe1 wall)" "$(stat file1 wall)")  [cpu $(ratio "$(stat pipe1 cpu)" "$(stat file1 cpu)")]"
echo "  -j2  $(ratio "$(stat pipe2 wall)" "$(stat file2 wall)")  [cpu $(ratio "$(stat pipe2 cpu)" "$(stat file2 cpu)")]"
