#!/bin/sh
# Output that cannot be written (a full disk: /dev/full) is an error, exit
# 2 with a message on stderr, on every path that writes to stdout: help,
# version, the rule list and explanations, and the reports.
. "$(dirname "$0")/lib.sh"

printf 'FROM alpine:3.19\nUSER 10001\n' >"$TMP/Dockerfile"

# full CMD...: run CMD with stdout on /dev/full; stderr in $TMP/err.
full() {
    "$@" >/dev/full 2>"$TMP/err"
    got=$?
    [ "$got" -eq 2 ] || fail "exit $got, want 2, with stdout full: $*"
    grep -q "^bosun: error writing" "$TMP/err" ||
        fail "no write error on stderr: $*: $(head -c 200 "$TMP/err")"
}

full "$BOSUN_BIN" --version
full "$BOSUN_BIN" -V
full "$BOSUN_BIN" --help
full "$BOSUN_BIN" help
full "$BOSUN_BIN" rules
full "$BOSUN_BIN" rules --format json
full "$BOSUN_BIN" explain root-user
full "$BOSUN_BIN" lint --help
full "$BOSUN_BIN" image --help
for format in plain json sarif checkstyle gitlab github gnu; do
    full "$BOSUN_BIN" lint --no-config --format "$format" "$TMP/Dockerfile"
done

# The same commands with a writable stdout: exit 0.
expect_status 0 "$BOSUN_BIN" --version
expect_status 0 "$BOSUN_BIN" rules
expect_status 0 "$BOSUN_BIN" explain root-user
expect_status 0 "$BOSUN_BIN" image --help

finish
