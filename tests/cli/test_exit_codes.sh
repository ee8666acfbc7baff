#!/bin/sh
# Exit status: 0 clean, 1 findings at or above the threshold, 2 bad input
# or usage (other inputs of the same run are still checked).
. "$(dirname "$0")/lib.sh"

expect_status 0 "$BOSUN_BIN" lint --no-config "$DATA/clean.Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --no-config "$DATA/warning.Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --no-config "$DATA/errors.Dockerfile"

# The threshold decides what fails.
expect_status 0 "$BOSUN_BIN" lint --no-config --failure-threshold error "$DATA/warning.Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --no-config --failure-threshold error "$DATA/errors.Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --no-config --failure-threshold info "$DATA/warning.Dockerfile"
expect_status 0 "$BOSUN_BIN" lint --no-config --failure-threshold none "$DATA/errors.Dockerfile"
expect_status 2 "$BOSUN_BIN" lint --no-config --failure-threshold severe "$DATA/clean.Dockerfile"
expect_contains "$TMP/err" "--failure-threshold"

# Ignoring the only finding makes the run clean.
expect_status 0 "$BOSUN_BIN" lint --no-config --ignore from-latest "$DATA/warning.Dockerfile"
expect_status 2 "$BOSUN_BIN" lint --no-config --ignore no-such-rule "$DATA/warning.Dockerfile"
expect_contains "$TMP/err" "unknown rule 'no-such-rule'"

# Bad input: exit 2 with file:line: message, and the other files are still
# checked and reported.
expect_status 2 "$BOSUN_BIN" lint --no-config --format plain "$DATA/unterminated.Dockerfile" "$DATA/errors.Dockerfile"
expect_contains "$TMP/err" "unterminated.Dockerfile:2: unterminated heredoc"
expect_contains "$TMP/out" "errors.Dockerfile:2:"
expect_contains "$TMP/out" "[pipe-to-shell]"
expect_status 2 "$BOSUN_BIN" lint --no-config "$DATA/does-not-exist" "$DATA/clean.Dockerfile"
expect_contains "$TMP/err" "does-not-exist: No such file or directory"
: >"$TMP/empty"
expect_status 2 "$BOSUN_BIN" lint --no-config "$TMP/empty"
expect_contains "$TMP/err" "empty:1: file with no instructions"
# A directory is searched for Dockerfiles; one that holds none is an error.
mkdir "$TMP/nothing"
expect_status 2 "$BOSUN_BIN" lint --no-config "$TMP/nothing"
expect_contains "$TMP/err" "nothing: no Dockerfile in this directory"

# Usage errors.
expect_status 2 "$BOSUN_BIN" lint --no-config
expect_status 2 "$BOSUN_BIN" lint --no-config --format yaml "$DATA/clean.Dockerfile"
expect_status 2 "$BOSUN_BIN" lint --no-such-option "$DATA/clean.Dockerfile"
expect_status 2 "$BOSUN_BIN" frobnicate
expect_status 2 "$BOSUN_BIN"
expect_status 2 "$BOSUN_BIN" lint --no-config --target nope "$DATA/multistage.Dockerfile"
expect_contains "$TMP/err" "target stage \"nope\" could not be found"
finish
