#!/bin/sh
# The README's rule tables agree with the binary: they list every rule
# `bosun rules` prints, once, at its severity.
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

finish
