#!/bin/sh
# --build-arg, --target, --no-config, formats, help and version.
. "$(dirname "$0")/lib.sh"

# --target: the dev stage (built FROM build) ships and runs as root.
expect_status 1 "$BOSUN_BIN" lint --no-config --format plain --target dev "$DATA/multistage.Dockerfile"
expect_contains "$TMP/out" "multistage.Dockerfile:6:6: error: the image runs as root"
expect_status 0 "$BOSUN_BIN" lint --no-config --format plain --target prod "$DATA/multistage.Dockerfile"

# --build-arg changes what FROM resolves to.
expect_status 1 "$BOSUN_BIN" lint --no-config --format plain --target prod --build-arg BASE=alpine "$DATA/multistage.Dockerfile"
expect_contains "$TMP/out" "FROM \${BASE} resolves to alpine, which has no tag"
BASE=alpine:latest expect_status 1 "$BOSUN_BIN" lint --no-config --format plain --build-arg BASE "$DATA/multistage.Dockerfile"
expect_contains "$TMP/out" "resolves to alpine:latest"

# Formats: plain is compiler-style; tty colours unless told not to.
expect_status 1 "$BOSUN_BIN" lint --no-config --format plain "$DATA/warning.Dockerfile"
expect_contains "$TMP/out" "warning.Dockerfile:1:6: warning: debian has no tag"
expect_contains "$TMP/out" "[from-latest]"
expect_status 1 "$BOSUN_BIN" lint --no-config --format tty "$DATA/warning.Dockerfile"
expect_contains "$TMP/out" "$(printf '\033[')"
expect_status 1 "$BOSUN_BIN" lint --no-config --format tty --no-color "$DATA/warning.Dockerfile"
expect_not_contains "$TMP/out" "$(printf '\033[')"
NO_COLOR=1 expect_status 1 "$BOSUN_BIN" lint --no-config --format tty "$DATA/warning.Dockerfile"
expect_not_contains "$TMP/out" "$(printf '\033[')"
# Not a terminal: plain by default.
expect_status 1 "$BOSUN_BIN" lint --no-config "$DATA/warning.Dockerfile"
expect_not_contains "$TMP/out" "$(printf '\033[')"

# Help, version, the rule catalog.
expect_status 0 "$BOSUN_BIN" --help
expect_contains "$TMP/out" "usage: bosun"
expect_status 0 "$BOSUN_BIN" lint --help
expect_contains "$TMP/out" "--build-arg"
expect_status 0 "$BOSUN_BIN" --version
expect_contains "$TMP/out" "bosun "  # which version: test_version.sh
expect_status 0 "$BOSUN_BIN" rules
for r in root-user from-latest pipe-to-shell package-upgrade invalid-instruction; do
    expect_contains "$TMP/out" "$r"
done
expect_status 0 "$BOSUN_BIN" explain pipe-to-shell
expect_contains "$TMP/out" "Why:"
expect_contains "$TMP/out" "Fix:"
expect_status 2 "$BOSUN_BIN" explain nope
finish
