#!/bin/sh
# Corpus benchmark: lint a directory tree of Dockerfiles in one process and
# compare with reading the same files and counting their lines (the floor).
#
#   bench/corpus.sh CORPUS_DIR [RUNS]
#
# CORPUS_DIR holds Dockerfiles (any depth; a list.txt of relative paths is
# used when present, for a stable order). Prints the median of RUNS runs
# (default 11) of each and their ratio, the findings per rule, the files
# bosun refused (exit 2) with the reason, and the time of one small file
# from process start to exit. Run it on a quiet machine.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
corpus=${1:?usage: bench/corpus.sh CORPUS_DIR [RUNS]}
runs=${2:-11}
bosun=${BOSUN:-$root/build/bosun}
work=${TMPDIR:-/tmp}/bosun-bench.$$
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

[ -x "$bosun" ] || { echo "build bosun first (make)" >&2; exit 2; }
cc -O2 -o "$work/count_lines" "$here/count_lines.c"

if [ -f "$corpus/list.txt" ]; then
    sed "s|^|$corpus/|" "$corpus/list.txt" >"$work/files"
else
    find "$corpus" -type f >"$work/files"
fi
nfiles=$(wc -l <"$work/files")

# median of the wall-clock seconds of RUNS runs of a command
median() {
    i=0
    : >"$work/times"
    while [ $i -lt "$runs" ]; do
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        echo $(( end - start )) >>"$work/times"
        i=$((i + 1))
    done
    sort -n "$work/times" | awk '{ t[NR] = $1 } END { printf "%.4f\n", t[int((NR + 1) / 2)] / 1e9 }'
}

# xargs would split the list at 128 KiB; allow the system's limit.
argmax=$(( $(getconf ARG_MAX) - 65536 ))
lint_all() { xargs -s "$argmax" -a "$work/files" -d '\n' "$bosun" lint --format json --no-config; }
count_all() { "$work/count_lines" <"$work/files"; }

# One process for the whole corpus (fails if xargs had to split it).
xargs -s "$argmax" -a "$work/files" -d '\n' sh -c 'echo $#' sh | sed -n 2p | grep -q . &&
    { echo "too many files for one command line" >&2; exit 2; }

count_s=$(median count_all)
lint_s=$(median lint_all)
# A small file from process start to exit: the average of a batch of runs,
# next to the same batch of /bin/true (the cost of starting any process).
batch() {
    n=200
    start=$(date +%s%N)
    i=0
    while [ $i -lt $n ]; do "$@" >/dev/null 2>&1 || true; i=$((i + 1)); done
    end=$(date +%s%N)
    echo "$start $end $n" | awk '{ printf "%.2f", ($2 - $1) / $3 / 1e6 }'
}
small=$root/examples/Dockerfile
single_ms=$(batch "$bosun" lint --no-config --format json "$small")
true_ms=$(batch /bin/true)

echo "corpus: $nfiles files; $(count_all)"
echo "read+count lines: ${count_s}s   bosun lint (one process): ${lint_s}s   ratio: $(echo "$lint_s $count_s" | awk '{ printf "%.2f", $1 / $2 }')x"
echo "one small file, process start to exit: ${single_ms} ms (/bin/true: ${true_ms} ms)"

lint_all >"$work/out.json" 2>"$work/err.txt" || true
python3 - "$work/out.json" <<'PY'
import collections, json, sys
d = json.load(open(sys.argv[1]))
c = collections.Counter(f["rule"] for f in d["findings"])
print("findings: %d in %d files" % (len(d["findings"]), len({f["file"] for f in d["findings"]})))
for rule, n in sorted(c.items(), key=lambda x: -x[1]):
    print("  %-22s %6d" % (rule, n))
print("refused (exit 2): %d" % len(d["errors"]))
for e in d["errors"]:
    print("  %s:%s: %s" % (e["file"], e.get("line", ""), e["message"]))
PY
