#!/bin/sh
# bosun from source on a fresh Debian 12 (minbase, plus make and git, as
# the README's CI snippets start): `make source-test` runs
#
#   tests/package/source_test.sh
#
# as root, with deb.debian.org reachable (tests/package/chroot.sh). The
# files git tracks in this tree are copied into the chroot; there:
#
# - as root, the README's first command, `make demo`, installs the build
#   dependencies and nothing of the test group, builds no test program,
#   and lints the example;
# - `make install`, `PREFIX=/opt/x make install` and `DESTDIR=/tmp/stage
#   make install` put bosun where they say;
# - a non-root user with the build dependencies builds with `make`, and
#   `make test` tells them which test packages to install.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
if [ "$(id -u)" -ne 0 ]; then
    echo "SKIPPED: the source test needs root (debootstrap, chroot)" >&2
    exit 77
fi
. "$here/chroot.sh"
chroot_setup || { fail "the chroot could not be made (see above)"; exit 1; }

in_chroot apt-get install -y -qq --no-install-recommends make git >"$root/tmp/apt.log" 2>&1 ||
    { fail "apt-get install make git: $(tail -3 "$root/tmp/apt.log")"; exit 1; }
mkdir "$root/src"
(cd "$src" && git ls-files -z | tar --null -T - -cf -) | tar -C "$root/src" -xf - ||
    { fail "cannot copy the sources"; exit 1; }
jobs=${JOBS:-2}

# --- As root: make demo, make install -----------------------------------
in_chroot sh -c "cd /src && make demo JOBS=$jobs" >"$root/tmp/demo.log" 2>&1
status=$?
[ "$status" -eq 0 ] || fail "make demo: exit $status: $(tail -15 "$root/tmp/demo.log")"
grep -q "examples/Dockerfile:[0-9]*:[0-9]*: error: .*\[pipe-to-shell\]" "$root/tmp/demo.log" ||
    fail "make demo did not lint examples/Dockerfile: $(tail -5 "$root/tmp/demo.log")"
for p in libcmocka-dev pre-commit nodejs docker-registry skopeo; do
    in_chroot dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q " installed" &&
        fail "make demo installed $p, a test dependency"
done
grep -q '^BOSUN_TESTS:BOOL=OFF' "$root/src/build/CMakeCache.txt" ||
    fail "the build is configured with tests: $(grep BOSUN_TESTS "$root/src/build/CMakeCache.txt")"
programs=$(find "$root/src/build" -type f -perm -u+x -name '*test*' | sed "s|^$root||")
[ -z "$programs" ] || fail "make demo built test programs: $programs"

in_chroot sh -c "cd /src && make install" >"$root/tmp/install.log" 2>&1 ||
    fail "make install: $(tail -5 "$root/tmp/install.log")"
in_chroot sh -c "cd /src && PREFIX=/opt/x make install" >"$root/tmp/install.log" 2>&1 ||
    fail "PREFIX=/opt/x make install: $(tail -5 "$root/tmp/install.log")"
in_chroot sh -c "cd /src && DESTDIR=/tmp/stage make install" >"$root/tmp/install.log" 2>&1 ||
    fail "DESTDIR=/tmp/stage make install: $(tail -5 "$root/tmp/install.log")"
for f in /usr/local/bin/bosun /opt/x/bin/bosun /tmp/stage/usr/local/bin/bosun \
    /usr/local/bin/bosun-image /opt/x/bin/bosun-image /tmp/stage/usr/local/bin/bosun-image \
    /usr/local/share/man/man1/bosun.1 /opt/x/share/man/man1/bosun.1 \
    /tmp/stage/usr/local/share/man/man1/bosun.1 \
    /opt/x/share/bash-completion/completions/bosun /opt/x/share/zsh/site-functions/_bosun \
    /opt/x/share/fish/vendor_completions.d/bosun.fish; do
    [ -f "$root$f" ] || fail "not installed: $f"
done
printf 'FROM debian:12.5\nUSER 10001\n' >"$root/tmp/Dockerfile"
in_chroot /usr/local/bin/bosun lint --no-config /tmp/Dockerfile >"$root/tmp/out" 2>&1 ||
    fail "the installed bosun: $(cat "$root/tmp/out")"

# --- As a user: make, and make test without the test packages -------------
in_chroot useradd -m builder || fail "useradd builder"
cp -a "$root/src" "$root/home/builder/src" && rm -rf "$root/home/builder/src/build" &&
    in_chroot chown -R builder: /home/builder/src || fail "cannot copy the sources for builder"
as_builder() { chroot --userspec=builder:builder "$root" env HOME=/home/builder PATH=/usr/bin:/bin "$@"; }
as_builder sh -c "cd /home/builder/src && make JOBS=$jobs" >"$root/tmp/user.log" 2>&1 ||
    fail "make as a user: $(tail -15 "$root/tmp/user.log")"
[ -x "$root/home/builder/src/build/bosun" ] || fail "make as a user built no build/bosun"
as_builder sh -c "cd /home/builder/src && make test JOBS=$jobs" >"$root/tmp/user.log" 2>&1 &&
    fail "make test as a user without the test packages should fail"
grep -q "install them with: sudo apt-get install .*libcmocka-dev" "$root/tmp/user.log" ||
    fail "make test as a user does not say what to install: $(tail -5 "$root/tmp/user.log")"

[ "$failures" -eq 0 ] && { echo "ok: bosun builds and installs from source on Debian 12"; exit 0; }
echo "$failures failure(s)" >&2
exit 1
