#!/bin/sh
# .bosun.yaml from the command line: where it is found, what overrides
# what, and how a bad file is reported (exit 2, file:line: message).
. "$(dirname "$0")/lib.sh"
# Findings of the rules these tests are about (from-not-pinned, info, fires
# on every FROM without a digest).
F='[f for f in d["findings"] if f["rule"] != "from-not-pinned"]'

# A work tree with a configuration at its root and a Dockerfile below.
mkdir -p "$TMP/repo/.git" "$TMP/repo/app"
printf 'FROM debian\nRUN apt-get update && apt-get -y upgrade\nUSER 10001\n' >"$TMP/repo/app/Dockerfile"
printf 'ignore: [from-latest]\n' >"$TMP/repo/.bosun.yaml"
cd "$TMP/repo/app" || exit 1

# Found at the git root when the current directory has none.
expect_status 1 "$BOSUN_BIN" lint --format json Dockerfile
json_check "$TMP/out" "[f['rule'] for f in $F] == ['package-upgrade']"

# The current directory's wins over the root's.
printf 'ignore: [package-upgrade]\n' >.bosun.yaml
expect_status 1 "$BOSUN_BIN" lint --format json Dockerfile
json_check "$TMP/out" "[f['rule'] for f in $F] == ['from-latest']"
rm .bosun.yaml

# --no-config reads none; --config reads the one named.
expect_status 1 "$BOSUN_BIN" lint --no-config --format json Dockerfile
json_check "$TMP/out" "sorted(f['rule'] for f in $F) == ['from-latest', 'package-upgrade']"
printf 'ignore: [from-latest, package-upgrade]\n' >"$TMP/quiet.yaml"
expect_status 0 "$BOSUN_BIN" lint --config "$TMP/quiet.yaml" Dockerfile
expect_status 0 "$BOSUN_BIN" lint -c "$TMP/quiet.yaml" Dockerfile
expect_status 2 "$BOSUN_BIN" lint --config "$TMP/quiet.yaml" --no-config Dockerfile
expect_contains "$TMP/err" "--config and --no-config exclude each other"
expect_status 2 "$BOSUN_BIN" lint --config "$TMP/absent.yaml" Dockerfile
expect_contains "$TMP/err" "absent.yaml: No such file or directory"

# Outside any work tree, with no file here: the defaults.
mkdir "$TMP/elsewhere"
cp Dockerfile "$TMP/elsewhere/"
(cd "$TMP/elsewhere" && "$BOSUN_BIN" lint --format json Dockerfile) >"$TMP/out"
json_check "$TMP/out" "len($F) == 2"

# severity: reported at the new level, and the threshold sees that level.
printf 'severity:\n  package-upgrade: info\n  from-latest: error\n' >"$TMP/c.yaml"
expect_status 1 "$BOSUN_BIN" lint --config "$TMP/c.yaml" --format json Dockerfile
json_check "$TMP/out" \
    "sorted((f['rule'], f['severity']) for f in $F) == [('from-latest', 'error'), ('package-upgrade', 'info')]"
printf 'severity: {package-upgrade: info, from-latest: info}\n' >"$TMP/c.yaml"
expect_status 0 "$BOSUN_BIN" lint --config "$TMP/c.yaml" Dockerfile

# failure-threshold, and the command line over it.
printf 'failure-threshold: error\n' >"$TMP/c.yaml"
expect_status 0 "$BOSUN_BIN" lint --config "$TMP/c.yaml" Dockerfile
expect_status 1 "$BOSUN_BIN" lint --config "$TMP/c.yaml" --failure-threshold warning Dockerfile
printf 'failure-threshold: none\n' >"$TMP/c.yaml"
expect_status 0 "$BOSUN_BIN" lint --config "$TMP/c.yaml" Dockerfile

# --ignore adds to the configuration's list.
printf 'ignore: [from-latest]\n' >"$TMP/c.yaml"
expect_status 0 "$BOSUN_BIN" lint --config "$TMP/c.yaml" --ignore package-upgrade Dockerfile

# trusted-registries turns untrusted-registry on; it is silent without.
printf 'trusted-registries: [registry.example.com, "*.mirror.example.net"]\n' >"$TMP/c.yaml"
printf 'FROM debian:12.5\nFROM registry.example.com/base/debian:12.5\nFROM eu.mirror.example.net/python:3.12\nUSER 10001\n' >"$TMP/registries.Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --config "$TMP/c.yaml" --format json "$TMP/registries.Dockerfile"
json_check "$TMP/out" \
    "[(f['rule'], f['line']) for f in $F] == [('untrusted-registry', 1)]" \
    "'docker.io' in $F[0]['message']"
expect_status 0 "$BOSUN_BIN" lint --no-config "$TMP/registries.Dockerfile"

# nonroot-bases: a listed base satisfies root-user.
printf 'FROM registry.example.com/base/app:nonroot-1.0\n' >"$TMP/nonroot.Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --no-config --format json "$TMP/nonroot.Dockerfile"
json_check "$TMP/out" "[f['rule'] for f in $F] == ['root-user']"
printf 'nonroot-bases: ["registry.example.com/base/*:nonroot-*"]\n' >"$TMP/c.yaml"
expect_status 0 "$BOSUN_BIN" lint --config "$TMP/c.yaml" "$TMP/nonroot.Dockerfile"

# Errors: exit 2, `file:line: message` on stderr, nothing linted.
bad() { # LINE TEXT YAML
    printf "$3" >"$TMP/bad.yaml"
    expect_status 2 "$BOSUN_BIN" lint --config "$TMP/bad.yaml" Dockerfile
    expect_contains "$TMP/err" "$TMP/bad.yaml:$1: $2"
    [ -s "$TMP/out" ] && fail "findings printed despite a bad configuration"
}
bad 2 "invalid YAML" 'ignore:\n\t- from-latest\n'
bad 2 "invalid YAML" 'ignore: [from-latest\n'
bad 3 "unknown key 'trusted-registry'" 'ignore: []\n\ntrusted-registry: [quay.io]\n'
bad 1 "'ignore' must be a list of rule ids" 'ignore: from-latest\n'
bad 2 "unknown rule 'DL3008' in 'ignore'" 'ignore:\n  - DL3008\n'
bad 2 "unknown rule 'root-usr' in 'severity'" 'severity:\n  root-usr: info\n'
bad 2 "'severity' of root-user must be info, warning or error, not 'high'" 'severity:\n  root-user: high\n'
bad 1 "'failure-threshold' must be info, warning, error or none, not 'severe'" 'failure-threshold: severe\n'
bad 1 "'trusted-registries' must be a list" 'trusted-registries: quay.io\n'
bad 1 "'nonroot-bases' must be a list" 'nonroot-bases: {a: b}\n'
# The discovered file is checked the same way.
printf 'ignore: [nope]\n' >"$TMP/repo/.bosun.yaml"
expect_status 2 "$BOSUN_BIN" lint Dockerfile
expect_contains "$TMP/err" "/repo/.bosun.yaml:1: unknown rule 'nope' in 'ignore'"
finish
