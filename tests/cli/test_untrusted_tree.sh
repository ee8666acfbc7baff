#!/bin/sh
# A checked-out repository is untrusted input: `bosun lint DIR` and the
# configuration lookup never read a file outside the tree through a
# symbolic link (a `Dockerfile -> /proc/self/environ` would print CI's
# tokens in the report), and never block on a FIFO.
. "$(dirname "$0")/lib.sh"

secret=bosun-test-secret-4b1d
export BOSUN_TEST_TOKEN=$secret

mkdir -p "$TMP/outside" "$TMP/repo/.git" "$TMP/repo/app/sub"
printf 'FROM alpine:latest\nRUN echo %s\n' "$secret" >"$TMP/outside/Dockerfile"
printf 'FROM alpine:3.19\nUSER 10001\n' >"$TMP/repo/app/sub/Dockerfile.real"
ln -s /proc/self/environ "$TMP/repo/app/Dockerfile"
ln -s "$TMP/outside/Dockerfile" "$TMP/repo/app/Dockerfile.outside"
ln -s ../app/sub/../sub/Dockerfile.real "$TMP/repo/app/Dockerfile.inside"
ln -s sub "$TMP/repo/app/Dockerfile.dir"
mkfifo "$TMP/repo/app/Dockerfile.fifo"

# Links out of the tree and the FIFO are skipped with a note; the link
# inside the tree and the regular file are read (each has one finding).
expect_status 0 timeout 10 "$BOSUN_BIN" lint --no-config --format json "$TMP/repo"
expect_not_contains "$TMP/out" "$secret"
expect_not_contains "$TMP/err" "$secret"
json_check "$TMP/out" \
    "sorted(f['file'] for f in d['findings']) == ['$TMP/repo/app/Dockerfile.inside', '$TMP/repo/app/sub/Dockerfile.real']" \
    "d['errors'] == []"
expect_contains "$TMP/err" "app/Dockerfile: a symbolic link out of the directory, skipped"
expect_contains "$TMP/err" "app/Dockerfile.outside: a symbolic link out of the directory, skipped"
expect_contains "$TMP/err" "app/Dockerfile.fifo: not a regular file (a FIFO, device or socket), skipped"
expect_contains "$TMP/err" "app/Dockerfile.dir: a symbolic link to something else than a regular file, skipped"

# The whole tree may itself be reached through a link.
ln -s "$TMP/repo" "$TMP/repo-link"
expect_status 0 timeout 10 "$BOSUN_BIN" lint --no-config --format json "$TMP/repo-link/app"
expect_not_contains "$TMP/out" "$secret"
json_check "$TMP/out" "len(d['findings']) == 2"

# Named on the command line: a FIFO is refused at once (not waited on),
# and so is a device.
expect_status 2 timeout 10 "$BOSUN_BIN" lint --no-config "$TMP/repo/app/Dockerfile.fifo"
expect_contains "$TMP/err" "not a regular file (a FIFO, device or socket): not read"
expect_status 2 timeout 10 "$BOSUN_BIN" lint --no-config /dev/zero
expect_contains "$TMP/err" "not a regular file"
# Standard input is still read, from a pipe too.
printf 'FROM alpine:3.19\nUSER 10001\n' |
    expect_status 0 "$BOSUN_BIN" lint --no-config -

# A .bosun.yaml found by lookup that links out of the work tree is not
# read: exit 2, and its content never shows in the message.
printf '%s: [from-latest]\n' "$secret" >"$TMP/outside/config.yaml"
printf 'FROM alpine:3.19\nUSER 10001\n' >"$TMP/repo/Dockerfile"
ln -s "$TMP/outside/config.yaml" "$TMP/repo/.bosun.yaml"
cd "$TMP/repo/app/sub" || exit 1
expect_status 2 "$BOSUN_BIN" lint Dockerfile.real
expect_contains "$TMP/err" ".bosun.yaml: a symbolic link out of"
expect_not_contains "$TMP/err" "$secret"
expect_not_contains "$TMP/out" "$secret"
cd "$TMP/repo" || exit 1
expect_status 2 "$BOSUN_BIN" lint Dockerfile
expect_not_contains "$TMP/err" "$secret"
# A link that stays in the work tree is read.
rm "$TMP/repo/.bosun.yaml"
printf 'ignore: [from-not-pinned]\n' >"$TMP/repo/app/bosun.yaml"
ln -s app/bosun.yaml "$TMP/repo/.bosun.yaml"
expect_status 0 "$BOSUN_BIN" lint Dockerfile
# A configuration named with --config is the user's choice: read.
rm "$TMP/repo/.bosun.yaml"
printf 'ignore: [from-not-pinned]\n' >"$TMP/outside/named.yaml"
expect_status 0 "$BOSUN_BIN" lint --config "$TMP/outside/named.yaml" Dockerfile

finish
