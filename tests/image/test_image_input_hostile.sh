#!/bin/sh
# Inputs that Docker, containerd and runc read one way and a careless
# reader another (make_input_hostile.py): bosun reads them as the Go tools
# do, or refuses them (exit 2, a one-line error naming the file), each in
# bounded time and memory. Every case says how the Go tools read it.
. "$(dirname "$0")/lib.sh"
IN=$FIX/input-hostile

# Time (seconds) and peak RSS (KiB) allowed for one run (sanitizers need
# much more of both).
case ${BOSUN_SANITIZE:-OFF} in
ON | on | 1 | TRUE | true) max_time=300 max_rss=2097152 ;;
*) max_time=30 max_rss=65536 ;;
esac

# run_cmd STATUS CMD...: CMD exits STATUS within max_time and max_rss;
# its output is in $TMP/out and $TMP/err.
run_cmd() {
    want=$1
    shift
    timeout -k 5 "$max_time" /usr/bin/time -o "$TMP/usage" -f '%M %e' \
        "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    if [ "$got" -eq 124 ] || [ "$got" -eq 137 ]; then
        fail "still running after ${max_time}s: $*"
        return
    fi
    [ "$got" -eq "$want" ] ||
        fail "exit $got, want $want: $* ($(head -c 400 "$TMP/err"))"
    # (time's first line says "Command exited with ..." when it is not 0)
    read -r rss secs <<EOF
$(tail -1 "$TMP/usage")
EOF
    [ "${rss:-0}" -lt "$max_rss" ] || fail "peak RSS $rss KiB: $*"
    echo "$*: ${secs}s, ${rss} KiB" >>"$TMP/usage.log"
}

# run STATUS ARGS...: bosun image --format json ARGS.
run() {
    want=$1
    shift
    run_cmd "$want" "$BOSUN_BIN" image --format json --no-config "$@"
}

# The findings' rules, sorted, one line.
rules() {
    python3 -c 'import json,sys
print(" ".join(sorted(f["rule"] for f in json.load(open(sys.argv[1]))["findings"])))' "$TMP/out"
}

# refused INPUT TEXT: exit 2 with one error line that says TEXT.
refused() {
    run 2 "$1"
    expect_contains "$TMP/err" "$2"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "$1: not one line: $(cat "$TMP/err")"
}

# ---------------------------------------------------------------- users
# containerd (oci.WithUser) and runc split User at ':' and read the user
# part with strconv.Atoi: empty is uid 0, a sign is allowed, and
# containerd before 1.7.27/2.0.4 kept uint32(uid), so 2^32 is 0.
for name in user-empty-part user-plus-zero user-wraps; do
    run 1 "$IN/$name"
    json_check "$TMP/out" "[f['rule'] for f in d['findings']] == ['image-root-user']"
done
# "config" null or missing: containerd and Docker run no User (root); the
# container_config (the build container's settings) is never used.
for name in config-null config-missing; do
    run 1 "$IN/$name"
    json_check "$TMP/out" "[f['rule'] for f in d['findings']] == ['image-root-user']" \
        "'sets no User' in d['findings'][0]['message']"
done

[ -f "$TMP/usage.log" ] && cat "$TMP/usage.log" >&2
finish
