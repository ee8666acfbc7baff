# A Debian 12 minbase chroot for the package tests (sourced, as root).
#
#   chroot_setup    makes $root: unpacked from the tarball kept in
#                   BOSUN_CHROOT_CACHE (default /var/cache/bosun), or made
#                   by debootstrap from BOSUN_DEBIAN_MIRROR (default
#                   deb.debian.org) and kept there; then /proc, the apt
#                   cache (kept too), resolv.conf, a policy-rc.d that
#                   starts no service. Returns 1, having said why, when
#                   the chroot cannot be made.
#   in_chroot CMD   runs CMD in it as root
#
# Everything is unmounted and removed on exit.
cache=${BOSUN_CHROOT_CACHE:-/var/cache/bosun}
mirror=${BOSUN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
root=$(mktemp -d /tmp/bosun-chroot.XXXXXX)
mounted=""

chroot_cleanup() {
    for m in $mounted; do umount "$m" 2>/dev/null || umount -l "$m"; done
    if grep -q " $root/" /proc/mounts; then
        echo "chroot.sh: not removing $root: something is still mounted in it" >&2
    else
        rm -rf "$root"
    fi
}
trap chroot_cleanup EXIT
trap 'exit 1' INT TERM HUP

chroot_setup() {
    tarball=$cache/debian12-minbase-$(dpkg --print-architecture).tar.gz
    if [ -f "$tarball" ]; then
        tar -C "$root" -xzf "$tarball" || { echo "CHROOT NOT MADE: cannot unpack $tarball" >&2; return 1; }
    else
        echo "chroot.sh: making a Debian 12 minbase chroot with debootstrap (once: kept as $tarball)" >&2
        if ! command -v debootstrap >/dev/null; then
            echo "CHROOT NOT MADE: debootstrap is not installed (scripts/deps.sh deb-test)" >&2
            return 1
        fi
        if ! debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1; then
            echo "CHROOT NOT MADE: debootstrap bookworm from $mirror failed (no network?): $(tail -3 "$root.log")" >&2
            rm -f "$root.log"
            return 1
        fi
        rm -f "$root.log"
        mkdir -p "$cache"
        tar -C "$root" -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball" ||
            echo "chroot.sh: cannot keep the chroot in $tarball" >&2
    fi
    # mktemp made it 0700 (and the tarball keeps that): open it to users.
    chmod 0755 "$root"
    mount -t proc proc "$root/proc" && mounted="$root/proc"
    # Downloaded packages are kept for the next run.
    mkdir -p "$cache/apt-archives/partial"
    mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives" &&
        mounted="$root/var/cache/apt/archives $mounted"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 0755 "$root/usr/sbin/policy-rc.d"
    if ! in_chroot apt-get update -qq >"$root/tmp/apt.log" 2>&1; then
        echo "CHROOT NOT USABLE: apt-get update failed (no network?): $(tail -3 "$root/tmp/apt.log")" >&2
        return 1
    fi
}

in_chroot() {
    chroot "$root" env DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
