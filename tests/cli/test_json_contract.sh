#!/bin/sh
# --format json: the output contract of the rule catalog.
. "$(dirname "$0")/lib.sh"

printf 'FROM debian\nRUN curl -fsSL https://example.com/i.sh | sh\n' >"$TMP/Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --format json --no-config "$TMP/Dockerfile"
json_check "$TMP/out" \
    'd["tool"] == {"name": "bosun", "version": d["tool"]["version"]}' \
    'isinstance(d["findings"], list) and d["errors"] == []' \
    'all(k in f for f in d["findings"] for k in ("rule", "severity", "file", "message", "line"))' \
    'sorted(f["rule"] for f in d["findings"]) == ["from-latest", "from-not-pinned", "pipe-to-shell", "root-user"]' \
    'all(f["file"].endswith("/Dockerfile") for f in d["findings"])' \
    '[(f["rule"], f["line"], f["column"]) for f in d["findings"]] == [("from-latest", 1, 6), ("from-not-pinned", 1, 6), ("root-user", 1, 1), ("pipe-to-shell", 2, 43)]' \
    '[f["severity"] for f in d["findings"]] == ["warning", "info", "error", "error"]' \
    'all(f["stage"] == "0" for f in d["findings"])'

# Sorted by file, then line, then rule; errors listed with file and line.
expect_status 2 "$BOSUN_BIN" lint --format json --no-config "$DATA/warning.Dockerfile" \
    "$DATA/unterminated.Dockerfile" "$DATA/errors.Dockerfile"
json_check "$TMP/out" \
    'd["findings"] == sorted(d["findings"], key=lambda f: (f["file"], f["line"], f["rule"]))' \
    'len(d["errors"]) == 1' \
    'd["errors"][0]["file"].endswith("unterminated.Dockerfile") and d["errors"][0]["line"] == 2' \
    'd["errors"][0]["message"] == "unterminated heredoc"'

# Multi-line instructions: line is the instruction's first line, the token
# is located precisely.
printf 'FROM debian:12.5\nUSER 10001\nRUN set -eux; \\\n    apt-get update \\\n    && apt-get -y upgrade\n' >"$TMP/Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --format json --no-config --ignore from-not-pinned "$TMP/Dockerfile"
json_check "$TMP/out" \
    'len(d["findings"]) == 1' \
    'd["findings"][0]["rule"] == "package-upgrade"' \
    'd["findings"][0]["line"] == 3 and d["findings"][0]["end_line"] == 5' \
    'd["findings"][0]["token_line"] == 5 and d["findings"][0]["column"] == 19' \
    'd["findings"][0]["end_column"] == 26'

# Stage names are reported; stdin is <stdin> unless named.
expect_status 1 sh -c "\"$BOSUN_BIN\" lint --format json --no-config --ignore from-not-pinned --target dev - < \"$DATA/multistage.Dockerfile\""
json_check "$TMP/out" \
    'all(f["file"] == "<stdin>" for f in d["findings"])' \
    '[(f["rule"], f["stage"]) for f in d["findings"]] == [("root-user", "dev")]' \
    'd["findings"][0]["line"] == 6'
expect_status 1 sh -c "\"$BOSUN_BIN\" lint --format json --no-config --stdin-filename app/Dockerfile - < \"$DATA/warning.Dockerfile\""
json_check "$TMP/out" 'd["findings"][0]["file"] == "app/Dockerfile"'
finish
