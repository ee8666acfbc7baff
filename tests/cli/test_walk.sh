#!/bin/sh
# `bosun lint DIR` walks for Dockerfiles: --exclude and `exclude:` globs
# (relative to DIR, `**` for any depth) and, in a git work tree, what git
# ignores are skipped, as git decides (nested .gitignore, negation, and a
# tracked file is linted even when a pattern matches it).
. "$(dirname "$0")/lib.sh"

# files_of: the sorted files of the findings of $TMP/out (a JSON report),
# relative to $1.
files_of() {
    python3 - "$TMP/out" "$1" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted({os.path.relpath(f["file"], sys.argv[2]) for f in d["findings"]})))
PY
}

# expect_files DIR WANT...: the files with findings, relative to DIR
expect_files() {
    dir=$1
    shift
    got=$(files_of "$dir")
    [ "$got" = "$*" ] || fail "linted: '$got', want '$*'"
}

df='FROM alpine:3.19\nRUN echo hi\n'
tree() { # DIR PATH...: a Dockerfile at each PATH below DIR
    root=$1
    shift
    for p in "$@"; do
        mkdir -p "$root/$(dirname "$p")"
        printf "$df" >"$root/$p"
    done
}

# --- exclude globs, no git ---------------------------------------------
T=$TMP/plain
tree "$T" Dockerfile app/Dockerfile vendor/lib/Dockerfile \
    a/testdata/Dockerfile a/b/testdata/x/Dockerfile docs/Dockerfile.example \
    deep/vendor/Dockerfile
expect_status 1 "$BOSUN_BIN" lint --no-config -f json "$T"
expect_files "$T" "Dockerfile a/b/testdata/x/Dockerfile a/testdata/Dockerfile app/Dockerfile deep/vendor/Dockerfile docs/Dockerfile.example vendor/lib/Dockerfile"
# A glob without a slash is relative to DIR (not any depth); `**` is any
# number of directories; a directory excludes what is below it; comma
# lists and repeats add up.
expect_status 1 "$BOSUN_BIN" lint --no-config -f json --exclude vendor \
    --exclude '**/testdata,docs/*.example' "$T"
expect_files "$T" "Dockerfile app/Dockerfile deep/vendor/Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --no-config -f json --exclude '**/vendor/**' "$T"
expect_files "$T" "Dockerfile a/b/testdata/x/Dockerfile a/testdata/Dockerfile app/Dockerfile docs/Dockerfile.example"
# `*` does not cross a '/'.
expect_status 1 "$BOSUN_BIN" lint --no-config -f json --exclude 'a/*/Dockerfile' "$T"
expect_files "$T" "Dockerfile a/b/testdata/x/Dockerfile app/Dockerfile deep/vendor/Dockerfile docs/Dockerfile.example vendor/lib/Dockerfile"
# Relative to the walked directory, also with a ./ prefix.
expect_status 1 "$BOSUN_BIN" lint --no-config -f json --exclude ./testdata "$T/a"
expect_files "$T" "a/b/testdata/x/Dockerfile"
# A named file is linted whatever the globs say.
expect_status 1 "$BOSUN_BIN" lint --no-config -f json --exclude vendor "$T/vendor/lib/Dockerfile"
expect_files "$T" "vendor/lib/Dockerfile"
# Everything excluded: a note, exit 0.
expect_status 0 "$BOSUN_BIN" lint --no-config --exclude '**' "$T"
expect_contains "$TMP/err" "bosun: no Dockerfile found under $T"
expect_status 2 "$BOSUN_BIN" lint --no-config --exclude , "$T"
expect_contains "$TMP/err" "--exclude: expected a comma-separated list of globs"

# exclude: in the configuration that applies to the directory, with the
# command line's added.
printf 'exclude:\n  - vendor\n  - "**/testdata"\n' >"$T/.bosun.yaml"
expect_status 1 "$BOSUN_BIN" lint -f json "$T"
expect_files "$T" "Dockerfile app/Dockerfile deep/vendor/Dockerfile docs/Dockerfile.example"
expect_status 1 "$BOSUN_BIN" lint -f json --exclude deep "$T"
expect_files "$T" "Dockerfile app/Dockerfile docs/Dockerfile.example"
expect_status 1 "$BOSUN_BIN" lint -f json --config "$T/.bosun.yaml" "$T"
expect_files "$T" "Dockerfile app/Dockerfile deep/vendor/Dockerfile docs/Dockerfile.example"
printf 'exclude: vendor\n' >"$T/.bosun.yaml"
expect_status 2 "$BOSUN_BIN" lint "$T"
expect_contains "$TMP/err" "'exclude' must be a list of path globs"
rm "$T/.bosun.yaml"

# --- git ---------------------------------------------------------------
if ! command -v git >/dev/null 2>&1; then
    echo "git not installed: the .gitignore tests are skipped" >&2
    finish
fi
G=$TMP/repo
tree "$G" Dockerfile build/Dockerfile app/Dockerfile.dev app/Dockerfile.prod \
    app/sub/Dockerfile app/gen/Dockerfile tracked/Dockerfile \
    node_modules/x/Dockerfile
git -C "$G" init -q
export GIT_CONFIG_NOSYSTEM=1 HOME="$TMP"
# Root .gitignore; a nested one that ignores and re-includes (negation).
printf 'build/\nnode_modules\ntracked/\n' >"$G/.gitignore"
printf 'Dockerfile.*\n!Dockerfile.prod\ngen/\n' >"$G/app/.gitignore"
# A tracked file that a pattern matches is still git's: linted.
git -C "$G" add -f tracked/Dockerfile
# .git/info/exclude counts as well.
printf 'sub/\n' >>"$G/.git/info/exclude"
expect_status 1 "$BOSUN_BIN" lint --no-config -f json "$G"
expect_files "$G" "Dockerfile app/Dockerfile.prod tracked/Dockerfile"
# From a subdirectory, and from inside it (paths relative to it).
expect_status 1 "$BOSUN_BIN" lint --no-config -f json "$G/app"
expect_files "$G" "app/Dockerfile.prod"
(cd "$G/app" && "$BOSUN_BIN" lint --no-config -f json . >"$TMP/out" 2>"$TMP/err")
json_check "$TMP/out" "{f['file'] for f in d['findings']} == {'Dockerfile.prod'}"
# A named file that git ignores is still linted.
expect_status 1 "$BOSUN_BIN" lint --no-config -f json "$G/build/Dockerfile"
expect_files "$G" "build/Dockerfile"
# A nested repository is asked of its own git: its .gitignore applies
# and the parent's does not reach into it.
N=$G/nested
tree "$N" Dockerfile skip/Dockerfile tracked/Dockerfile
git -C "$N" init -q
printf 'skip/\n' >"$N/.gitignore"
expect_status 1 "$BOSUN_BIN" lint --no-config -f json "$G"
expect_files "$G" "Dockerfile app/Dockerfile.prod nested/Dockerfile nested/tracked/Dockerfile tracked/Dockerfile"
# Outside any work tree (or without git on PATH), every file is walked.
mkdir "$TMP/nogit"
ln -s "$(command -v python3)" "$TMP/nogit/python3"
PATH=$TMP/nogit expect_status 1 "$BOSUN_BIN" lint --no-config -f json "$G/app"
expect_files "$G" "app/Dockerfile.dev app/Dockerfile.prod app/gen/Dockerfile app/sub/Dockerfile"
rm -rf "$G/.git"
expect_status 1 "$BOSUN_BIN" lint --no-config -f json "$G/app"
expect_files "$G" "app/Dockerfile.dev app/Dockerfile.prod app/gen/Dockerfile app/sub/Dockerfile"
# A repository git refuses (owned by another user, as in CI containers):
# every file is walked, and a note says why .gitignore is not applied.
if [ "$(id -u)" = 0 ]; then
    S=$TMP/theirs
    tree "$S" Dockerfile out/Dockerfile
    git -C "$S" init -q
    printf 'out/\n' >"$S/.gitignore"
    chown -R 12345 "$S"
    expect_status 1 "$BOSUN_BIN" lint --no-config -f json "$S"
    expect_files "$S" "Dockerfile out/Dockerfile"
    expect_contains "$TMP/err" "git refuses the repository (owned by another user; see git's safe.directory)"
    chown -R 0 "$S"
fi
# A repository whose every Dockerfile is ignored: a note, exit 0.
R=$TMP/ignored
tree "$R" out/Dockerfile
git -C "$R" init -q
printf 'out/\n' >"$R/.gitignore"
expect_status 0 "$BOSUN_BIN" lint --no-config "$R"
expect_contains "$TMP/err" "bosun: no Dockerfile found under $R"

finish
