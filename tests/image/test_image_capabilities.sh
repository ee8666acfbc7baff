#!/bin/sh
# image-file-capabilities: files whose security.capability attribute (the
# pax header SCHILY.xattr.security.capability) grants capabilities to
# whoever runs them, decoded into names; malformed values reported as
# such; files a later layer deletes or replaces are not. The images are
# made here (make_capabilities.py), one of them by GNU tar from a file
# setcap marked, when setcap works.
. "$BOSUN_TEST_DATA/cli/lib.sh"
here=$(dirname "$0")

gnutar=""
mkdir -p "$TMP/root/usr/bin"
printf '\177ELF' >"$TMP/root/usr/bin/ping"
if command -v setcap >/dev/null 2>&1 &&
    setcap cap_net_raw+ep "$TMP/root/usr/bin/ping" 2>/dev/null &&
    tar --xattrs --xattrs-include='security.*' --format=pax \
        -C "$TMP/root" -cf "$TMP/gnu.tar" usr 2>/dev/null; then
    gnutar=$TMP/gnu.tar
else
    echo "setcap or tar --xattrs does not work here: the GNU tar case is skipped" >&2
fi
python3 "$here/make_capabilities.py" "$TMP/img" $gnutar || fail "make_capabilities.py"

# message PATH: the message of the one finding on PATH
F="lambda p: [f['message'] for f in d['findings'] if f['rule'] == 'image-file-capabilities' and f['path'] == p]"
expect_status 1 "$BOSUN_BIN" image --no-config -f json "$TMP/img/crafted"
json_check "$TMP/out" \
    "($F)('/usr/bin/ping') == ['/usr/bin/ping has file capabilities cap_net_raw+ep (effective: raised as soon as it runs): like setuid, it hands these privileges to whoever runs it; remove them (setcap -r) unless the image really needs them']" \
    "'has file capabilities cap_net_admin+ip cap_sys_admin+p (not effective' in ($F)('/usr/bin/admin')[0]" \
    "'cap_net_bind_service+ep (in a user namespace whose root is uid 100000)' in ($F)('/usr/bin/ns')[0]" \
    "'cap_chown,cap_dac_override+ep (effective' in ($F)('/usr/bin/old')[0]" \
    "'cap_mac_override,cap_perfmon,cap_bpf,cap_checkpoint_restore,45+ep' in ($F)('/usr/bin/high')[0]" \
    "($F)('/usr/bin/empty') == []" \
    "'has malformed file capabilities (14 bytes, revision 2 takes 20), read as cap_sys_admin+ep:' in ($F)('/usr/bin/short')[0]" \
    "'has malformed file capabilities (22 bytes, revision 2 takes 20), read as cap_setuid+ep:' in ($F)('/usr/bin/long')[0]" \
    "'has malformed file capabilities (1 bytes, too short for a revision):' in ($F)('/usr/bin/tiny')[0]" \
    "'has malformed file capabilities (unknown revision 9, 20 bytes):' in ($F)('/usr/bin/rev9')[0]" \
    "($F)('/usr/bin/deleted') == []" \
    "($F)('/usr/bin/replaced') == []" \
    "($F)('/usr/bin/plain') == []" \
    "all(f['severity'] == 'warning' and f['layer_index'] == 0 for f in d['findings'] if f['rule'] == 'image-file-capabilities')"
# --ignore turns it off.
expect_status 0 "$BOSUN_BIN" image --no-config -f json --ignore image-file-capabilities "$TMP/img/crafted"
json_check "$TMP/out" "not [f for f in d['findings'] if f['rule'] == 'image-file-capabilities']"

if [ -n "$gnutar" ]; then
    expect_status 1 "$BOSUN_BIN" image --no-config -f json "$TMP/img/gnutar"
    json_check "$TMP/out" \
        "[f['message'].split(' (')[0] for f in d['findings'] if f['rule'] == 'image-file-capabilities'] == ['/usr/bin/ping has file capabilities cap_net_raw+ep']"
fi

finish
