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
# A directory is searched for Dockerfiles; one that holds none is not an
# error (CI templates run `bosun lint .` in every repository): exit 0 with
# a note. A named file that does not exist stays exit 2 (above).
mkdir "$TMP/nothing"
expect_status 0 "$BOSUN_BIN" lint --no-config "$TMP/nothing"
expect_contains "$TMP/err" "bosun: no Dockerfile found under $TMP/nothing"
[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "more than one line: $(cat "$TMP/err")"
expect_status 1 "$BOSUN_BIN" lint --no-config "$TMP/nothing" "$DATA/warning.Dockerfile"
expect_contains "$TMP/err" "no Dockerfile found under $TMP/nothing"

# Mixed inputs: the worst outcome decides, and every file is reported.
expect_status 1 "$BOSUN_BIN" lint --no-config --format json "$DATA/clean.Dockerfile" "$DATA/warning.Dockerfile"
json_check "$TMP/out" 'len({f["file"] for f in d["findings"] if f["severity"] != "info"}) == 1'
cp "$DATA/clean.Dockerfile" "$TMP/clean2.Dockerfile"
expect_status 0 "$BOSUN_BIN" lint --no-config "$DATA/clean.Dockerfile" "$TMP/clean2.Dockerfile"
expect_status 2 "$BOSUN_BIN" lint --no-config --format json "$DATA/clean.Dockerfile" "$DATA/unterminated.Dockerfile"
json_check "$TMP/out" 'all(f["severity"] == "info" for f in d["findings"])' 'len(d["errors"]) == 1'
expect_status 2 "$BOSUN_BIN" lint --no-config --format json "$DATA/errors.Dockerfile" "$DATA/does-not-exist" "$DATA/warning.Dockerfile"
json_check "$TMP/out" \
    'sorted({f["file"].rsplit("/", 1)[1] for f in d["findings"]}) == ["errors.Dockerfile", "warning.Dockerfile"]' \
    '[e["file"].rsplit("/", 1)[1] for e in d["errors"]] == ["does-not-exist"]'

# Directories: every Dockerfile below, sorted; a bad one does not stop
# the others.
mkdir -p "$TMP/tree/a/.git" "$TMP/tree/b/c" "$TMP/tree/d"
cp "$DATA/warning.Dockerfile" "$TMP/tree/Dockerfile"
cp "$DATA/errors.Dockerfile" "$TMP/tree/b/c/Containerfile.dev"
cp "$DATA/unterminated.Dockerfile" "$TMP/tree/b/web.dockerfile"
cp "$DATA/errors.Dockerfile" "$TMP/tree/a/.git/Dockerfile"
cp "$DATA/errors.Dockerfile" "$TMP/tree/d/app.Dockerfile"
printf 'node_modules\n' >"$TMP/tree/Dockerfile.dockerignore"
cp "$DATA/errors.Dockerfile" "$TMP/tree/Dockerfile~"
printf 'not a Dockerfile\n' >"$TMP/tree/README"
ln -s .. "$TMP/tree/d/loop"
(cd "$TMP/tree" && "$BOSUN_BIN" lint --no-config --format json .) >"$TMP/out" 2>"$TMP/err"
[ $? -eq 2 ] || fail "a tree with an unparseable Dockerfile: want exit 2"
json_check "$TMP/out" \
    'sorted({f["file"] for f in d["findings"]}) == ["Dockerfile", "b/c/Containerfile.dev", "d/app.Dockerfile"]' \
    '[e["file"] for e in d["errors"]] == ["b/web.dockerfile"]'
expect_contains "$TMP/err" "b/web.dockerfile:2: unterminated heredoc"
rm "$TMP/tree/b/web.dockerfile"
expect_status 1 "$BOSUN_BIN" lint --no-config --format plain "$TMP/tree/"
expect_contains "$TMP/out" "$TMP/tree/b/c/Containerfile.dev:2:"
expect_not_contains "$TMP/out" "$TMP/tree//"
expect_status 0 "$BOSUN_BIN" lint --no-config --failure-threshold none "$TMP/tree"

# Standard input once per run.
expect_status 2 sh -c "\"$BOSUN_BIN\" lint --no-config - - < \"$DATA/clean.Dockerfile\""
expect_contains "$TMP/err" "<stdin>: standard input is given twice"

# A report that cannot be written is a failure, not a clean run.
if [ -w /dev/full ]; then
    "$BOSUN_BIN" lint --no-config --format json "$DATA/clean.Dockerfile" >/dev/full 2>"$TMP/err"
    [ $? -eq 2 ] || fail "writing to a full device: want exit 2"
    expect_contains "$TMP/err" "error writing the report"
fi

# Usage errors.
expect_status 2 "$BOSUN_BIN" lint --no-config
expect_status 2 "$BOSUN_BIN" lint --no-config --format yaml "$DATA/clean.Dockerfile"
expect_status 2 "$BOSUN_BIN" lint --no-such-option "$DATA/clean.Dockerfile"
expect_status 2 "$BOSUN_BIN" frobnicate
expect_status 2 "$BOSUN_BIN"
expect_status 2 "$BOSUN_BIN" lint --no-config --target nope "$DATA/multistage.Dockerfile"
expect_contains "$TMP/err" "target stage \"nope\" could not be found"
finish
