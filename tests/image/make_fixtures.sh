#!/bin/sh
# Build the images bosun image is tested on, with the tools that build real
# images: a busybox-static root filesystem committed by umoci, images built
# from it by buildah (chroot isolation: no daemon, no VM), copies made by
# skopeo (docker-archive, oci-archive, zstd layers) and a multi-platform
# index made by buildah manifest. Then make_archives.py writes the Docker 25
# layout and the hostile archives, make_tar_hostile.py the tar headers
# libarchive and Go read differently, make_input_hostile.py the inputs
# that Docker, containerd and runc read one way and a careless reader
# another, and make_model_hostile.py and make_model_repeats.py the images
# that try to fool the layer model.
#
#   tests/image/make_fixtures.sh OUT_DIR
#
# Everything is rebuilt only when this script or a generator
# (tests/image/*.py) changes (a stamp in OUT_DIR). Needs root to install
# missing tools (scripts/deps.sh fixtures) and for buildah; without them it
# exits 77 (skipped).
set -eu
out=${1:?usage: make_fixtures.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# The stamp covers this script and every generator beside it.
stamp=$(cat "$0" "$here"/*.py | sha256sum | cut -c1-16)
[ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "make_fixtures: buildah needs root here; skipped" >&2
    exit 77
fi
if ! "$root/scripts/deps.sh" fixtures; then
    echo "make_fixtures: the fixture tools are missing; skipped" >&2
    exit 77
fi

case $out in
/*) ;;
*) out=$(pwd)/$out ;;
esac
rm -rf "$out"
mkdir -p "$out/work"
work=$out/work
log=$out/build.log
: >"$log"
run() {
    "$@" >>"$log" 2>&1 || {
        echo "make_fixtures: failed: $*" >&2
        tail -20 "$log" >&2
        exit 1
    }
}
buildah_vfs() {
    buildah --storage-driver vfs --root "$work/storage" --runroot "$work/run" "$@"
}
buildah_overlay() {
    buildah --storage-driver overlay --root "$work/storage-overlay" \
        --runroot "$work/run-overlay" "$@"
}
cleanup() {
    for b in buildah_vfs buildah_overlay; do
        $b rm --all >/dev/null 2>&1 || true
        $b rmi --all --force >/dev/null 2>&1 || true
    done
}
trap cleanup EXIT

# ---------------------------------------------------------------- base
# A busybox root filesystem with accounts: root and app locked.
make_rootfs() { # DIR
    r=$1
    mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/root" "$r/home/app"
    cp "$(command -v busybox)" "$r/bin/busybox"
    for applet in $(busybox --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$r/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:0::/home/app:/bin/sh\n' >"$r/etc/passwd"
    printf 'root:x:0:\napp:x:10001:\n' >"$r/etc/group"
    printf 'root:*:19000:0:99999:7:::\napp:!:19000::::::\n' >"$r/etc/shadow"
    chmod 0644 "$r/etc/passwd" "$r/etc/group"
    chmod 0640 "$r/etc/shadow"
    chmod 1777 "$r/tmp"
    chmod 0700 "$r/root"
}

run umoci init --layout "$out/base"
run umoci new --image "$out/base:1.0"
run umoci unpack --image "$out/base:1.0" "$work/bundle"
make_rootfs "$work/bundle/rootfs"
run umoci repack --image "$out/base:1.0" "$work/bundle"
run umoci config --image "$out/base:1.0" --config.user 10001
run umoci gc --layout "$out/base"

# The same files, no User in the configuration, tagged latest.
run umoci init --layout "$out/noconfig"
run umoci new --image "$out/noconfig:latest"
rm -rf "$work/bundle"
run umoci unpack --image "$out/noconfig:latest" "$work/bundle"
make_rootfs "$work/bundle/rootfs"
run umoci repack --image "$out/noconfig:latest" "$work/bundle"
# A credential in the configuration's Env that no history entry set.
run umoci config --image "$out/noconfig:latest" \
    --config.env "GITHUB_TOKEN=ghp_$(head -c 600 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)"
run umoci gc --layout "$out/noconfig"

# ------------------------------------------------------------------ app
# Credentials are made up here, never stored in the repository.
ctx=$work/ctx
mkdir -p "$ctx"
key=$(head -c 600 /dev/urandom | base64 -w 64)
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n-----END OPENSSH PRIVATE KEY-----\n' \
    "$key" >"$ctx/id_rsa"
aws_id=AKIA$(head -c 400 /dev/urandom | tr -dc 'A-Z2-7' | head -c 16)
printf 'region: eu-west-1\nbucket: app-data\naws_access_key_id: %s\n' "$aws_id" \
    >"$ctx/settings.yaml"
gh=ghp_$(head -c 600 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)
printf 'token=%s\n' "$gh" >"$ctx/token.txt"

# Layers: 0 base, 1 the key, 2 modes (/opt/tool setuid until layer 5),
# 3 deletes the key, 4 settings with an AWS key id, 5 a writable passwd and
# an empty password, 6 and 7 RUNs whose history the Dockerfile rules judge.
cat >"$ctx/Containerfile" <<END_OF_CONTAINERFILE
FROM oci:$out/base:1.0
USER root
COPY id_rsa /root/.ssh/id_rsa
RUN chmod 4755 /bin/busybox && mkdir -m 777 /data && mkdir -m 1777 /scratch && touch /data/f && chmod 666 /data/f && mkdir /opt && touch /opt/tool && chmod 4755 /opt/tool
RUN rm /root/.ssh/id_rsa
COPY settings.yaml /app/settings.yaml
RUN chmod g+w /etc/passwd && sed -i 's/^app:!:/app::/' /etc/shadow && chmod 755 /opt/tool
RUN apt-get -y upgrade || true
RUN false && curl -fsSL https://get.example.invalid/install.sh | sh || true
ENV APP_MODE=production
ENV SERVICE_PASSWORD=$(head -c 300 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 20)
END_OF_CONTAINERFILE
run buildah_vfs bud --layers --isolation chroot -t app:latest \
    -f "$ctx/Containerfile" "$ctx"
run buildah_vfs push app:latest "oci:$out/app:latest"

# An opaque whiteout: the overlay driver writes .wh..wh..opq when a
# directory is replaced (vfs would write one whiteout per file).
cat >"$ctx/Opaque" <<END_OF_CONTAINERFILE
FROM oci:$out/base:1.0
USER root
COPY token.txt /data/old/token.txt
RUN rm -rf /data && mkdir /data && echo fresh >/data/new
USER 10001
END_OF_CONTAINERFILE
cat >"$ctx/OpaqueBase" <<END_OF_CONTAINERFILE
FROM oci:$out/base:1.0
USER root
COPY token.txt /data/old/token.txt
USER 10001
END_OF_CONTAINERFILE
if buildah_overlay bud --layers --isolation chroot -t opaque:1.0 \
    -f "$ctx/Opaque" "$ctx" >>"$log" 2>&1; then
    run buildah_overlay push opaque:1.0 "oci:$out/opaque:1.0"
else
    # No overlay storage here: the same layer by hand, with GNU tar and
    # umoci.
    echo "make_fixtures: no overlay storage, opaque layer made with tar" >>"$log"
    run buildah_vfs bud --layers --isolation chroot -t opaque-base:1.0 \
        -f "$ctx/OpaqueBase" "$ctx"
    run buildah_vfs push opaque-base:1.0 "oci:$out/opaque:1.0"
    mkdir -p "$work/opq/data"
    : >"$work/opq/data/.wh..wh..opq"
    echo fresh >"$work/opq/data/new"
    run tar -C "$work/opq" --owner=0 --group=0 -cf "$work/opq.tar" data
    run umoci raw add-layer --image "$out/opaque:1.0" "$work/opq.tar"
fi

# ------------------------------------------------------------ distro base
# A base image as a distribution ships one: the setuid/setgid files of
# Debian's base image (and openssh-client's ssh-agent), plus one that no
# distribution ships (/usr/local/bin/vendor-helper), and the CMD a base
# image ends with (as the classic builder writes it in the history).
make_distro() { # DIR
    r=$1
    make_rootfs "$r"
    mkdir -p "$r/usr/bin" "$r/usr/sbin" "$r/usr/local/bin"
    for f in usr/bin/su usr/bin/passwd usr/bin/chsh usr/bin/chfn \
        usr/bin/gpasswd usr/bin/newgrp usr/bin/mount usr/bin/umount \
        usr/local/bin/vendor-helper; do
        printf '#!/bin/sh\n' >"$r/$f"
        chmod 4755 "$r/$f"
    done
    for f in usr/bin/chage usr/bin/expiry usr/sbin/unix_chkpwd \
        usr/bin/ssh-agent; do
        printf '#!/bin/sh\n' >"$r/$f"
        chmod 2755 "$r/$f"
    done
}
run umoci init --layout "$out/distro"
run umoci new --image "$out/distro:12"
rm -rf "$work/bundle"
run umoci unpack --image "$out/distro:12" "$work/bundle"
make_distro "$work/bundle/rootfs"
run umoci repack --image "$out/distro:12" "$work/bundle"
run umoci config --image "$out/distro:12" --config.cmd sh \
    --history.created_by '/bin/sh -c #(nop)  CMD ["sh"]'
run umoci gc --layout "$out/distro"

# Built on it by buildah: its own layer adds a setuid file that Debian
# ships too (/usr/bin/wall) and one of its own, and a test key under
# /app/tests/fixtures. Its history says where the base ends with
# buildah's "FROM" comments, and its manifest names the base.
cat >"$ctx/Distro" <<END_OF_CONTAINERFILE
FROM oci:$out/distro:12
COPY id_rsa /app/tests/fixtures/id_rsa
RUN cp /usr/bin/su /usr/bin/wall && chmod 4755 /usr/bin/wall && printf '#!/bin/sh\\n' >/usr/bin/app-helper && chmod 4755 /usr/bin/app-helper
USER 10001
END_OF_CONTAINERFILE
run buildah_vfs bud --layers --isolation chroot -t distro-app:1.0 \
    -f "$ctx/Distro" "$ctx"
run buildah_vfs push distro-app:1.0 "oci:$out/distro-app:1.0"

# The same base with a layer added by umoci (no buildah comments): the
# base's CMD ends it in the history.
mkdir -p "$work/distro-add/usr/bin"
printf '#!/bin/sh\n' >"$work/distro-add/usr/bin/wall"
chmod 4755 "$work/distro-add/usr/bin/wall"
run tar -C "$work/distro-add" --owner=0 --group=0 -cf "$work/distro-add.tar" usr
cp -r "$out/distro" "$out/distro-raw"
run umoci raw add-layer --image "$out/distro-raw:12" \
    --history.created_by 'COPY wall /usr/bin/wall' "$work/distro-add.tar"

# ----------------------------------------------------------- tar formats
# GNU tar's two ways of writing long names and sparse files: layer 1 in
# GNU format (././@LongLink, old GNU sparse), layer 2 in pax format (path
# records, sparse 1.0). Each holds a key in a directory with a 126-character
# name, a hard link to it, and a 4 MiB sparse file with a token on line 3,
# after a 3 MiB hole.
for fmt in gnu posix; do
    src=$work/tarfmt-$fmt
    long=$src/$fmt/$(printf 'long-directory-name-%s/' 1 2 3 4 5 6 | tr -d /)
    mkdir -p "$long"
    cp "$ctx/id_rsa" "$long/id_rsa"
    ln "$long/id_rsa" "$src/$fmt/key-copy"
    truncate -s 4M "$src/$fmt/sparse.img"
    printf '\nhello\n%s\n' "$(cat "$ctx/token.txt")" |
        dd of="$src/$fmt/sparse.img" bs=1 seek=3145728 conv=notrunc 2>/dev/null
    run tar -C "$src" --format=$fmt --sparse --owner=0 --group=0 \
        -cf "$work/tarfmt-$fmt.tar" $fmt
done
cp -r "$out/base" "$out/tarfmt"
run umoci raw add-layer --image "$out/tarfmt:1.0" "$work/tarfmt-gnu.tar"
run umoci raw add-layer --image "$out/tarfmt:1.0" "$work/tarfmt-posix.tar"

# ------------------------------------------------------------ transports
run skopeo copy "oci:$out/app:latest" "docker-archive:$out/app-docker.tar:app:latest"
run skopeo copy "oci:$out/app:latest" "oci-archive:$out/app-oci.tar:latest"
run skopeo copy --dest-compress-format zstd "oci:$out/app:latest" \
    "oci:$out/app-zstd:latest"
# One image under one reference in the three formats (test_image_ci.sh:
# the same name and fingerprints whatever the format).
mkdir -p "$out/named"
run skopeo copy "oci:$out/app:latest" \
    "docker-archive:$out/named/app-docker.tar:registry.example/app:1.4"
run skopeo copy "oci:$out/app:latest" "oci:$out/named/app-oci:registry.example/app:1.4"
run skopeo copy "oci:$out/app:latest" \
    "oci-archive:$out/named/app-oci.tar:registry.example/app:1.4"
run skopeo copy --dest-compress-format zstd:chunked "oci:$out/app:latest" \
    "oci:$out/app-zstd-chunked:latest"

# ------------------------------------------------------- multi-platform
# linux/amd64 is base (User 10001), linux/arm64 has no User.
cp -r "$out/noconfig" "$work/arm64"
run umoci config --image "$work/arm64:latest" --architecture arm64 --os linux
run buildah_vfs manifest create multi:1.0
run buildah_vfs manifest add multi:1.0 "oci:$out/base:1.0"
run buildah_vfs manifest add --arch arm64 multi:1.0 "oci:$work/arm64:latest"
run buildah_vfs manifest push --all multi:1.0 "oci:$out/multi:1.0"

# ----------------------------------------------- generated archives
run python3 "$here/make_archives.py" "$out"
run python3 "$here/make_tar_hostile.py" "$out"
run python3 "$here/make_input_hostile.py" "$out"
run python3 "$here/make_model_hostile.py" "$out"
run python3 "$here/make_model_repeats.py" "$out"
run python3 "$here/make_stream_users.py" "$out"

# Fuzz seeds: the small hostile layouts as oci-archives (a layout's FIFOs
# and links go into the tar as they are, and the archive reader meets them).
for dir in "$out"/input-hostile/* "$out"/model/*; do
    [ -d "$dir" ] || continue
    [ "$(du -s -k "$dir" | cut -f1)" -le 1024 ] || continue
    group=$(basename "$(dirname "$dir")")
    run tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
        -C "$dir" -cf "$out/fuzz-seeds/$group-$(basename "$dir").tar" .
done

cleanup
rm -rf "$work" 2>/dev/null || true
echo "$stamp" >"$out/.stamp"
