#!/bin/sh
# One version, set by project() in CMakeLists.txt: bosun --version, the
# JSON report, the man page, the Debian package, the OCI image's
# metadata, the README's pre-commit rev, JSON example and image tags and
# the pre-commit hook's image all say it.
. "$(dirname "$0")/lib.sh"
root=$BOSUN_TEST_DATA/..
build=$(dirname "$BOSUN_BIN")
version=$(sed -n 's/^project(bosun VERSION \([0-9][0-9.]*\) .*/\1/p' "$root/CMakeLists.txt")
[ -n "$version" ] || fail "no version in the project() line of CMakeLists.txt"

expect_status 0 "$BOSUN_BIN" --version
[ "$(cat "$TMP/out")" = "bosun $version" ] || fail "--version says $(cat "$TMP/out"), want bosun $version"
expect_status 0 "$BOSUN_BIN" lint --format json --no-config "$DATA/clean.Dockerfile"
json_check "$TMP/out" "d['tool']['version'] == '$version'"
grep -q "^\.TH BOSUN 1 .*\"bosun $version\"" "$root/docs/bosun.1" ||
    fail "docs/bosun.1's .TH line does not name bosun $version: $(grep '^\.TH' "$root/docs/bosun.1")"
grep -q "^  \"tool\": {\"name\": \"bosun\", \"version\": \"$version\"}," "$root/README.md" ||
    fail "the README's JSON example does not say version $version"
# The pre-commit snippets name the tag of this version.
revs=$(sed -n 's/^ *rev: *//p' "$root/README.md" | sort -u)
[ "$revs" = "v$version" ] || fail "the README's pre-commit rev is '$revs', want v$version"
# The image tags the README and the pre-commit hooks name.
tags=$(grep -oh -e 'bosun:[0-9][0-9.]*[0-9]' -e 'oci:build-dist/oci:[0-9][0-9.]*[0-9]' \
    "$root/README.md" "$root/.pre-commit-hooks.yaml" | sed 's/.*://' | sort -u)
[ "$tags" = "$version" ] || fail "the README and .pre-commit-hooks.yaml name image tags '$tags', want $version"
json_check "$build/bosun-meta.json" "d['version'] == '$version'"
grep -q "^set(CPACK_PACKAGE_VERSION \"$version\")" "$build/CPackConfig.cmake" ||
    fail "the package version is not $version: $(grep CPACK_PACKAGE_VERSION "$build/CPackConfig.cmake")"
finish
