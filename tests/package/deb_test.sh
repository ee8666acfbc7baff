#!/bin/sh
# The Debian package (make deb), then installed: `make deb-test` runs
#
#   tests/package/deb_test.sh DIST_DIR
#
# First the package itself: its version is bosun's, dpkg-shlibdeps found
# its dependencies, it holds the binaries, the man page and the
# completions under /usr. Then, as root and with deb.debian.org reachable,
# a Debian 12 minbase chroot (debootstrap, kept as a tarball in
# BOSUN_CHROOT_CACHE, default /var/cache/bosun, so reruns skip it) where
# `apt-get install ./bosun_*.deb` pulls what the package depends on, and
# the installed bosun lints a Dockerfile and checks an image archive as a
# non-root user; then `apt-get remove` takes it all away. When the chroot
# cannot be made, the test says so and fails (exit 77 for "skipped" when
# it is not root), after the checks of the package.
set -u
here=$(cd "$(dirname "$0")" && pwd)
dist=${1:?usage: deb_test.sh DIST_DIR}
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
note() { echo "deb_test: $*" >&2; }

set -- "$dist"/bosun_*.deb
[ $# -eq 1 ] && [ -f "$1" ] || { echo "FAIL: want one $dist/bosun_*.deb, found: $*" >&2; exit 1; }
deb=$1
version=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' "$dist/bosun-meta.json")
[ -n "$version" ] || { echo "FAIL: no version in $dist/bosun-meta.json" >&2; exit 1; }

# --- The package -----------------------------------------------------------
[ "$(dpkg-deb -f "$deb" Package)" = bosun ] || fail "the package is not named bosun"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] ||
    fail "package version $(dpkg-deb -f "$deb" Version), want $version"
depends=$(dpkg-deb -f "$deb" Depends)
# dpkg-shlibdeps names the packages of the libraries the binaries link.
for lib in libc6 libarchive13 libcurl4 libjansson4 libyaml-0-2 libzstd1 zlib1g libssl3; do
    case ", $depends" in *", $lib "* | *", $lib,"* | *", $lib") ;; *) fail "Depends lacks $lib: $depends" ;; esac
done
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"${TMPDIR:-/tmp}/deb-contents.$$"
for f in /usr/bin/bosun /usr/bin/bosun-image /usr/share/man/man1/bosun.1 \
    /usr/share/bash-completion/completions/bosun /usr/share/zsh/site-functions/_bosun \
    /usr/share/fish/vendor_completions.d/bosun.fish; do
    grep -qx "$f" "${TMPDIR:-/tmp}/deb-contents.$$" || fail "the package lacks $f"
done
grep -v '^/usr/' "${TMPDIR:-/tmp}/deb-contents.$$" | grep -v '^/$' | grep . >/dev/null &&
    fail "the package installs outside /usr: $(grep -v '^/usr/' "${TMPDIR:-/tmp}/deb-contents.$$")"
grep -q 'test_' "${TMPDIR:-/tmp}/deb-contents.$$" && fail "the package holds test programs"
rm -f "${TMPDIR:-/tmp}/deb-contents.$$"

# --- Installed in Debian 12 ------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
    note "SKIPPED: installing the package in a Debian 12 chroot needs root (debootstrap, chroot)"
    [ "$failures" -eq 0 ] && exit 77
    exit 1
fi
. "$here/chroot.sh"
if ! chroot_setup; then
    fail "the package was not installed and run in Debian 12: the chroot could not be made (see above)"
    exit 1
fi
mkdir -p "$root/work"
cp "$deb" "$root/work/"
# The package's Depends bring what bosun needs: nothing else is installed.
if ! in_chroot sh -c "cd /work && apt-get install -y -qq --no-install-recommends ./$(basename "$deb")" \
    >"$root/work/apt.log" 2>&1; then
    fail "apt-get install ./$(basename "$deb") failed: $(tail -5 "$root/work/apt.log")"
    exit 1
fi
[ "$(in_chroot dpkg-query -W -f='${Version}' bosun)" = "$version" ] || fail "bosun $version is not installed"
[ "$(in_chroot bosun --version)" = "bosun $version" ] || fail "bosun --version: $(in_chroot bosun --version 2>&1)"

# Run as nobody: a Dockerfile and an image archive, with findings.
printf 'FROM debian\nRUN curl -fsSL https://example.com/i.sh | sh\n' >"$root/work/Dockerfile"
python3 "$here/tiny_image.py" "$root/work/tiny.tar"
chmod -R a+rX "$root/work"
as_nobody() { chroot --userspec=65534:65534 "$root" env PATH=/usr/bin:/bin HOME=/nonexistent "$@"; }
out=$(cd / && as_nobody sh -c 'cd /work && bosun lint --no-config --format plain Dockerfile' 2>&1)
status=$?
[ "$status" -eq 1 ] || fail "bosun lint in Debian 12: exit $status, want 1: $out"
case $out in *"[pipe-to-shell]"*) ;; *) fail "bosun lint in Debian 12 missed pipe-to-shell: $out" ;; esac
out=$(as_nobody bosun image --no-config --format plain oci-archive:/work/tiny.tar:1.0 2>&1)
status=$?
[ "$status" -eq 1 ] || fail "bosun image in Debian 12: exit $status, want 1: $out"
for rule in image-root-user image-secret-file; do
    case $out in *"[$rule]"*) ;; *) fail "bosun image in Debian 12 missed $rule: $out" ;; esac
done

# Removed, it leaves nothing behind.
in_chroot apt-get remove -y -qq bosun >"$root/work/apt.log" 2>&1 || fail "apt-get remove bosun: $(tail -3 "$root/work/apt.log")"
for f in /usr/bin/bosun /usr/bin/bosun-image /usr/share/man/man1/bosun.1; do
    [ -e "$root$f" ] && fail "apt-get remove left $f"
done

[ "$failures" -eq 0 ] && { echo "ok: $(basename "$deb") installs and runs in Debian 12"; exit 0; }
echo "$failures failure(s)" >&2
exit 1
