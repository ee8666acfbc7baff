#!/bin/sh
# Copies the hadolint table of docs/rules/hadolint.md (written by
# `bosun rules --docs docs/rules`) into README.md, between its markers.
# tests/cli/test_readme_tables.sh checks that the two agree.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
python3 - "$root/README.md" "$root/docs/rules/hadolint.md" <<'PY'
import re, sys
readme, table = sys.argv[1], sys.argv[2]
text = open(readme).read()
generated = open(table).read()
body = generated[generated.index("| hadolint |"):]
pattern = re.compile(r"(<!-- generated: bosun rules --docs[^\n]*-->\n)(.*?)(<!-- end of generated table -->)", re.S)
if not pattern.search(text):
    sys.exit("README.md has no generated-table markers")
text = pattern.sub(lambda m: m.group(1) + body + m.group(3), text, count=1)
open(readme, "w").write(text)
PY
