#!/bin/sh
# The README's tables agree with the binary: the rule tables list every
# rule `bosun rules` prints, once, at its severity; the hadolint table is
# the one `bosun rules --docs` generates from the correspondence table.
. "$(dirname "$0")/lib.sh"
readme=$BOSUN_TEST_DATA/../README.md

expect_status 0 "$BOSUN_BIN" rules
cp "$TMP/out" "$TMP/rules"
python3 - "$readme" "$TMP/rules" <<'PY' || fail "README.md's rule tables disagree with 'bosun rules'"
import re, sys
readme = open(sys.argv[1]).read().splitlines()
rules = {}
for line in open(sys.argv[2]).read().splitlines()[1:]:
    rule, severity = line.split()[:2]
    rules[rule] = severity
listed = {}
in_table = False
for n, line in enumerate(readme, 1):
    if line.startswith("| rule | severity |"):
        in_table = True
        continue
    if not line.startswith("|"):
        in_table = False
    if not in_table or line.startswith("|---"):
        continue
    cells = [c.strip() for c in line.strip("|").split("|")]
    for rule in re.findall(r"`([^`]+)`", cells[0]):
        if rule in listed:
            print("README.md:%d: %s is listed again (first on line %d)" % (n, rule, listed[rule]))
            sys.exit(1)
        listed[rule] = n
        if rule not in rules:
            print("README.md:%d: %s is not a rule 'bosun rules' prints" % (n, rule))
            sys.exit(1)
        if cells[1] != rules[rule]:
            print("README.md:%d: %s is %s, not %s" % (n, rule, rules[rule], cells[1]))
            sys.exit(1)
missing = sorted(set(rules) - set(listed))
if missing:
    print("README.md's rule tables lack: " + ", ".join(missing))
    sys.exit(1)
PY

# The hadolint table, between its markers, is the generated one.
expect_status 0 "$BOSUN_BIN" rules --docs "$TMP/docs"
python3 - "$readme" "$TMP/docs/hadolint.md" <<'PY' || fail "README.md's hadolint table is out of date; run: build/bosun rules --docs docs/rules && scripts/readme-tables.sh"
import re, sys
text = open(sys.argv[1]).read()
generated = open(sys.argv[2]).read()
m = re.search(r"<!-- generated: bosun rules --docs[^\n]*-->\n(.*?)<!-- end of generated table -->", text, re.S)
if not m:
    sys.exit("README.md has no generated hadolint table")
want = generated[generated.index("| hadolint |"):]
if m.group(1) != want:
    sys.exit("README.md's hadolint table differs from docs/rules/hadolint.md")
PY
"$BOSUN_BIN" rules --hadolint | awk 'NR > 1 && $2 != "-" { print $1, $2 }' >"$TMP/map"
[ -s "$TMP/map" ] || fail "rules --hadolint maps nothing"
while read -r code rule; do
    grep -qF "| $code |" "$readme" || fail "README.md lacks $code"
    grep -F "| $code |" "$readme" | grep -qF "\`$rule\`" || fail "README.md: $code is not $rule"
done <"$TMP/map"
finish
