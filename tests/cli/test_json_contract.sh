#!/bin/sh
# --format json: the output contract of the rule catalog.
. "$(dirname "$0")/lib.sh"

printf 'FROM debian\nRUN curl -fsSL https://example.com/i.sh | sh\n' >"$TMP/Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --format json --no-config "$TMP/Dockerfile"
json_check "$TMP/out" \
    'd["tool"] == {"name": "bosun", "version": d["tool"]["version"]}' \
    'isinstance(d["findings"], list) and d["errors"] == []' \
    'all(k in f for f in d["findings"] for k in ("rule", "severity", "file", "message", "line", "column", "end_line", "end_column", "instruction_line"))' \
    'all(set(f) <= {"rule", "severity", "file", "message", "line", "column", "end_line", "end_column", "instruction_line", "stage"} for f in d["findings"])' \
    'sorted(f["rule"] for f in d["findings"]) == ["from-latest", "from-not-pinned", "pipe-to-shell", "root-user"]' \
    'all(f["file"].endswith("/Dockerfile") for f in d["findings"])' \
    '[(f["rule"], f["line"], f["column"], f["end_column"]) for f in d["findings"]] == [("root-user", 1, 1, 5), ("from-latest", 1, 6, 12), ("from-not-pinned", 1, 6, 12), ("pipe-to-shell", 2, 43, 45)]' \
    '[f["severity"] for f in d["findings"]] == ["error", "warning", "info", "error"]' \
    'all(f["stage"] == 0 and type(f["stage"]) is int for f in d["findings"])'

# Sorted by file, then line and column, then rule; errors listed with file
# and line.
expect_status 2 "$BOSUN_BIN" lint --format json --no-config "$DATA/warning.Dockerfile" \
    "$DATA/unterminated.Dockerfile" "$DATA/errors.Dockerfile"
json_check "$TMP/out" \
    'd["findings"] == sorted(d["findings"], key=lambda f: (f["file"], f["line"], f["column"], f["rule"]))' \
    'len(d["errors"]) == 1' \
    'd["errors"][0]["file"].endswith("unterminated.Dockerfile") and d["errors"][0]["line"] == 2' \
    'd["errors"][0]["message"] == "unterminated heredoc"'

# Multi-line instructions: line and column are where the token starts (on a
# continuation line here), end_line and end_column where it ends (a token
# split by a continuation ends on the next line); instruction_line is the
# instruction's first line. tests/cli/test_positions.sh checks every format.
printf 'FROM debian:12.5\nUSER 10001\nRUN set -eux; \\\n    apt-get update \\\n    && apt-get -y upgrade\nRUN apt-get -y up\\\ngrade\n' >"$TMP/Dockerfile"
expect_status 1 "$BOSUN_BIN" lint --format json --no-config --ignore from-not-pinned "$TMP/Dockerfile"
json_check "$TMP/out" \
    'len(d["findings"]) == 2' \
    'all(f["rule"] == "package-upgrade" for f in d["findings"])' \
    '[(f["line"], f["column"], f["end_line"], f["end_column"], f["instruction_line"]) for f in d["findings"]] == [(5, 19, 5, 26, 3), (6, 16, 7, 6, 6)]' \
    'all("token_line" not in f for f in d["findings"])'

# Stage names are reported; stdin is <stdin> unless named.
expect_status 1 sh -c "\"$BOSUN_BIN\" lint --format json --no-config --ignore from-not-pinned --target dev - < \"$DATA/multistage.Dockerfile\""
json_check "$TMP/out" \
    'all(f["file"] == "<stdin>" for f in d["findings"])' \
    '[(f["rule"], f["stage"]) for f in d["findings"]] == [("root-user", "dev")]' \
    'd["findings"][0]["line"] == 6'
expect_status 1 sh -c "\"$BOSUN_BIN\" lint --format json --no-config --stdin-filename app/Dockerfile - < \"$DATA/warning.Dockerfile\""
json_check "$TMP/out" 'd["findings"][0]["file"] == "app/Dockerfile"'
finish
