#!/bin/sh
# Which .bosun.yaml applies: the nearest one from each linted Dockerfile's
# directory up to its git work tree's root (outside a work tree, only the
# file's own directory), else the current directory's; BOSUN_CONFIG names
# one, and --config and --no-config win over it. A file found by looking
# never links out of its tree, nor does the patterns file it names.
. "$(dirname "$0")/lib.sh"
# rules: the rules reported (from-not-pinned aside), in order.
rules='[f["rule"] for f in d["findings"] if f["rule"] != "from-not-pinned"]'
# findings.Dockerfile: from-latest and package-upgrade.
dockerfile() {
    mkdir -p "$(dirname "$1")"
    printf 'FROM debian\nRUN apt-get update && apt-get -y upgrade\nUSER 10001\n' >"$1"
}
mkdir "$TMP/cwd" # no configuration here, in no work tree
cd "$TMP/cwd" || exit 1

repo=$TMP/repo
mkdir -p "$repo/.git"
printf 'ignore: [from-latest]\n' >"$repo/.bosun.yaml"
mkdir -p "$repo/svc"
printf 'ignore: [package-upgrade]\n' >"$repo/svc/.bosun.yaml"
dockerfile "$repo/Dockerfile"
dockerfile "$repo/svc/api/Dockerfile"
dockerfile "$repo/other/Dockerfile"

# The nearest one from the Dockerfile, wherever bosun runs from.
expect_status 1 "$BOSUN_BIN" lint --format json "$repo/svc/api/Dockerfile"
json_check "$TMP/out" "$rules == ['from-latest']"
expect_status 1 "$BOSUN_BIN" lint --format json "$repo/other/Dockerfile"
json_check "$TMP/out" "$rules == ['package-upgrade']"
# Each file its own, in one run (a directory too).
expect_status 1 "$BOSUN_BIN" lint --format json "$repo"
json_check "$TMP/out" \
    "[(f['file'].replace('$repo/', ''), f['rule']) for f in d['findings'] if f['rule'] != 'from-not-pinned'] == [('Dockerfile', 'package-upgrade'), ('other/Dockerfile', 'package-upgrade'), ('svc/api/Dockerfile', 'from-latest')]"
# Relative paths, from inside the tree.
(cd "$repo/svc" && "$BOSUN_BIN" lint --format json api/Dockerfile ../Dockerfile) >"$TMP/out"
json_check "$TMP/out" \
    "[(f['file'], f['rule']) for f in d['findings'] if f['rule'] != 'from-not-pinned'] == [('../Dockerfile', 'package-upgrade'), ('api/Dockerfile', 'from-latest')]"
# The command line still applies over each.
expect_status 0 "$BOSUN_BIN" lint --ignore from-latest,package-upgrade "$repo"

# The lookup stops at the work tree's root: a file above it is not the
# project's.
mkdir -p "$TMP/outer/inner/.git"
printf 'ignore: [from-latest, package-upgrade]\n' >"$TMP/outer/.bosun.yaml"
dockerfile "$TMP/outer/inner/app/Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --format json "$TMP/outer/inner/app/Dockerfile"
json_check "$TMP/out" "sorted($rules) == ['from-latest', 'package-upgrade']"
# Outside a work tree, only the Dockerfile's own directory.
dockerfile "$TMP/outer/Dockerfile"
expect_status 0 "$BOSUN_BIN" lint "$TMP/outer/Dockerfile"
dockerfile "$TMP/outer/sub/Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --format json "$TMP/outer/sub/Dockerfile"
json_check "$TMP/out" "sorted($rules) == ['from-latest', 'package-upgrade']"
# No configuration near the file: the current directory's, as before.
(cd "$repo/svc" && "$BOSUN_BIN" lint --format json "$TMP/outer/sub/Dockerfile") >"$TMP/out"
json_check "$TMP/out" "$rules == ['from-latest']"
# Standard input: the current directory's, up to its work tree's root.
(cd "$repo/other" && "$BOSUN_BIN" lint --format json - <"$repo/Dockerfile") >"$TMP/out"
json_check "$TMP/out" "$rules == ['package-upgrade']"

# BOSUN_CONFIG names the file; --config and --no-config win over it.
printf 'ignore: [from-latest, package-upgrade]\n' >"$TMP/quiet.yaml"
printf 'failure-threshold: none\n' >"$TMP/none.yaml"
BOSUN_CONFIG=$TMP/quiet.yaml expect_status 0 "$BOSUN_BIN" lint "$repo/other/Dockerfile"
BOSUN_CONFIG=$TMP/quiet.yaml expect_status 1 "$BOSUN_BIN" lint --no-config "$repo/other/Dockerfile"
BOSUN_CONFIG=$TMP/quiet.yaml expect_status 0 "$BOSUN_BIN" lint --format json -c "$TMP/none.yaml" "$repo/other/Dockerfile"
json_check "$TMP/out" "sorted($rules) == ['from-latest', 'package-upgrade']"
BOSUN_CONFIG=$TMP/absent.yaml expect_status 2 "$BOSUN_BIN" lint "$repo/other/Dockerfile"
expect_contains "$TMP/err" "$TMP/absent.yaml: No such file or directory"
# Empty: not set.
BOSUN_CONFIG= expect_status 1 "$BOSUN_BIN" lint --format json "$repo/other/Dockerfile"
json_check "$TMP/out" "$rules == ['package-upgrade']"

# A bad file found for one Dockerfile stops the run before any is linted.
printf 'ignore: [nope]\n' >"$repo/other/.bosun.yaml"
expect_status 2 "$BOSUN_BIN" lint --format json "$repo/svc/api/Dockerfile" "$repo/other/Dockerfile"
expect_contains "$TMP/err" "other/.bosun.yaml:1: unknown rule 'nope' in 'ignore'"
[ -s "$TMP/out" ] && fail "findings printed despite a bad configuration"
rm "$repo/other/.bosun.yaml"

# A file found by looking that links out of its work tree is not read,
# and what it links to is never shown; nor is a patterns file out of it.
secret=outside-$$-secret
mkdir "$TMP/outside"
printf 'ignore: [%s]\n' "$secret" >"$TMP/outside/config.yaml"
ln -s "$TMP/outside/config.yaml" "$repo/other/.bosun.yaml"
expect_status 2 "$BOSUN_BIN" lint "$repo/other/Dockerfile"
expect_contains "$TMP/err" ".bosun.yaml: a symbolic link out of $repo"
expect_not_contains "$TMP/err" "$secret"
rm "$repo/other/.bosun.yaml"
printf '%s (?i)x\n' "$secret" >"$TMP/outside/patterns"
printf 'patterns: ../../outside/patterns\n' >"$repo/other/.bosun.yaml"
expect_status 2 "$BOSUN_BIN" lint "$repo/other/Dockerfile"
expect_contains "$TMP/err" "'patterns' names a file out of $repo"
expect_not_contains "$TMP/err" "$secret"
ln -s "$TMP/outside/patterns" "$repo/patterns"
printf 'patterns: ../patterns\n' >"$repo/other/.bosun.yaml"
expect_status 2 "$BOSUN_BIN" lint "$repo/other/Dockerfile"
expect_contains "$TMP/err" "'patterns' names a file out of $repo"
# Named with --config, the user chose it: read.
expect_status 1 "$BOSUN_BIN" lint -c "$repo/other/.bosun.yaml" "$repo/other/Dockerfile"
# Inside the tree, fine.
printf 'id (?i)x\n' >"$repo/other/patterns"
printf 'patterns: patterns\n' >"$repo/other/.bosun.yaml"
expect_status 1 "$BOSUN_BIN" lint "$repo/other/Dockerfile"
printf 'patterns: ""\n' >"$repo/other/.bosun.yaml"
expect_status 2 "$BOSUN_BIN" lint "$repo/other/Dockerfile"
expect_contains "$TMP/err" "'patterns' must be the path of a patterns file"
finish
