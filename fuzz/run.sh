#!/bin/sh
# Run every fuzz target for a given number of seconds.
#   fuzz/run.sh BUILD_DIR SECONDS [target...]
# FUZZ_ARGS adds libFuzzer options (e.g. FUZZ_ARGS=-max_len=16384).
# Seeds come from fuzz/seeds/<target>/ and from the directories listed
# (globs allowed) in fuzz/<target>.seeds, e.g. the test fixtures; the
# growing corpus is kept in fuzz/corpus/<target>/ (not checked in). Crashes
# land in fuzz/artifacts/.
set -eu
build=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=${*:-$(cd "$build/fuzz" && ls fuzz_* 2>/dev/null)}
mkdir -p "$here/artifacts"
status=0
for t in $targets; do
    corpus="$here/corpus/$t"
    mkdir -p "$corpus"
    seeds="$here/seeds/$t"
    echo "== $t for ${seconds}s"
    set -- "$corpus"
    [ -d "$seeds" ] && set -- "$@" "$seeds"
    if [ -f "$here/$t.seeds" ]; then
        for pattern in $(grep -v '^#' "$here/$t.seeds"); do
            for d in "$here"/../$pattern; do
                [ -d "$d" ] && set -- "$@" "$d"
            done
        done
    fi
    dict=""
    [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
    # shellcheck disable=SC2086
    if ! "$build/fuzz/$t" $dict ${FUZZ_ARGS:-} -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$here/artifacts/$t-" "$@" 2>"$here/artifacts/$t.log"; then
        echo "!! $t failed, see fuzz/artifacts/$t.log" >&2
        tail -n 30 "$here/artifacts/$t.log" >&2
        status=1
    else
        grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|cov:' "$here/artifacts/$t.log" | tail -n 3
    fi
done
exit $status
