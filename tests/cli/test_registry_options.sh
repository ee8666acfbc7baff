#!/bin/sh
# bosun image's registry options: --creds, --password-stdin,
# BOSUN_REGISTRY_PASSWORD, --authfile, --cert-dir, --tls-verify, --quiet.
# What they are refused with, and that the password is never shown.
. "$(dirname "$0")/lib.sh"
unset BOSUN_REGISTRY_PASSWORD
secret=s3cret-$$-pw
missing=$TMP/missing.tar
none=$TMP/none

# no_secret: the password is in neither output of the last command.
no_secret() {
    expect_not_contains "$TMP/out" "$secret"
    expect_not_contains "$TMP/err" "$secret"
}

# expect_missing: the options were taken, and the run got as far as the
# image (a file that does not exist).
expect_missing() {
    expect_contains "$TMP/err" "$missing"
    expect_not_contains "$TMP/err" "usage:"
    no_secret
}

# --- Accepted ----------------------------------------------------------------
expect_status 2 "$BOSUN_BIN" image --no-config --creds "user:$secret" \
    --authfile "$none/auth.json" --cert-dir "$none/certs" --tls-verify=false \
    --quiet "$missing" </dev/null
expect_missing
expect_status 2 "$BOSUN_BIN" image --no-config --tls-verify --tls-verify=true -q "$missing" </dev/null
expect_missing
BOSUN_REGISTRY_PASSWORD=$secret expect_status 2 "$BOSUN_BIN" image --no-config --creds user "$missing" </dev/null
expect_missing
# The environment is read only with --creds USER.
BOSUN_REGISTRY_PASSWORD=$secret expect_status 2 "$BOSUN_BIN" image --no-config "$missing" </dev/null
expect_missing
printf '%s\n' "$secret" >"$TMP/password"
expect_status 2 "$BOSUN_BIN" image --no-config --creds user --password-stdin "$missing" <"$TMP/password"
expect_missing
printf '%s\r\n' "$secret" >"$TMP/password"
BOSUN_REGISTRY_PASSWORD=other expect_status 2 "$BOSUN_BIN" image --no-config --creds user --password-stdin "$missing" <"$TMP/password"
expect_missing
# A password without a line break; a line that only starts the input.
printf '%s' "$secret" >"$TMP/password"
expect_status 2 "$BOSUN_BIN" image --no-config --creds user --password-stdin "$missing" <"$TMP/password"
expect_missing
printf '%s\nmore\n' "$secret" >"$TMP/password"
expect_status 2 "$BOSUN_BIN" image --no-config --creds user --password-stdin "$missing" <"$TMP/password"
expect_missing

# --- Refused, without repeating the password ----------------------------------
# expect_refused TEXT ARGS...: exit 2 before any image is read, saying TEXT.
expect_refused() {
    text=$1
    shift
    expect_status 2 "$BOSUN_BIN" image --no-config "$@" "$missing"
    expect_contains "$TMP/err" "$text"
    expect_not_contains "$TMP/err" "$missing"
    no_secret
}
expect_refused "--creds USER: no password" --creds user </dev/null
BOSUN_REGISTRY_PASSWORD= expect_refused "--creds USER: no password" --creds user </dev/null
expect_refused "with a user name" --creds ":$secret" </dev/null
expect_refused "with a user name" --creds "" </dev/null
expect_refused "the password is empty" --creds "user:" </dev/null
expect_refused "give the user name with --creds USER" --password-stdin </dev/null
BOSUN_REGISTRY_PASSWORD=$secret expect_refused "give the user name with --creds USER" --password-stdin </dev/null
printf '%s\n' "$secret" >"$TMP/password"
expect_refused "both give a password" --creds "user:$secret" --password-stdin <"$TMP/password"
expect_refused "empty line" --creds user --password-stdin </dev/null
printf '\n%s\n' "$secret" >"$TMP/password"
expect_refused "empty line" --creds user --password-stdin <"$TMP/password"
printf 'ab\000%s\n' "$secret" >"$TMP/password"
expect_refused "NUL byte" --creds user --password-stdin <"$TMP/password"
head -c 70000 /dev/zero | tr '\0' x >"$TMP/password"
expect_refused "longer than 64 KiB" --creds user --password-stdin <"$TMP/password"
expect_refused "expected true or false, not 'yes'" --tls-verify=yes </dev/null
# "--tls-verify false" would check an image named false.
expect_refused "--tls-verify=false" --tls-verify false </dev/null
# Mistyped options: getopt would repeat the whole argument.
expect_refused "bosun image: unknown option --credz" "--credz=user:$secret" </dev/null
expect_refused "option --password-stdin takes no value" "--password-stdin=$secret" </dev/null
expect_refused "option --quiet takes no value" --quiet=yes </dev/null
expect_refused "unknown option -z" -qz </dev/null
expect_status 2 "$BOSUN_BIN" image --no-config "$missing" --authfile </dev/null
expect_contains "$TMP/err" "option --authfile needs a value"
# An abbreviation getopt accepts is the option.
expect_status 2 "$BOSUN_BIN" image --no-config "--cred=user:$secret" "$missing" </dev/null
expect_missing

# The standard input holds an image or the password, not both.
printf '%s\n' "$secret" >"$TMP/password"
for input in - docker-archive:- oci-archive:- docker-archive:-:app:1.4; do
    expect_status 2 "$BOSUN_BIN" image --no-config --creds user --password-stdin "$input" <"$TMP/password"
    expect_contains "$TMP/err" "--password-stdin: the standard input is an image to check"
    no_secret
done

# The help says how images are named and what the options are.
expect_status 0 "$BOSUN_BIN" image --help
for word in docker://REF "bosun image -" "--creds USER[:PASS]" --password-stdin \
    BOSUN_REGISTRY_PASSWORD "--authfile FILE" "--cert-dir DIR" \
    "--tls-verify=true|false" "-q, --quiet"; do
    expect_contains "$TMP/out" "$word"
done
finish
