#!/bin/sh
# Make sure the Debian packages bosun needs are installed.
#
#   scripts/deps.sh [group...]     groups: build (default), test, fuzz, fixtures,
#                                  registry, bench, deb, deb-test, image,
#                                  image-test
#
# build is what `make` and `make install` need: the compiler, CMake and the
# libraries the binaries link. test adds what only `make test` needs (cmocka,
# the tools the tests run). deb and image are `make deb` and `make image`;
# deb-test and image-test the tools their tests use.
#
# As root, missing packages are installed with apt-get; otherwise the script
# prints the command to run and fails. The test group also needs the node
# and npm commands (for the SARIF schema validator): Debian's nodejs and npm
# are installed only when no node/npm is on the PATH, since those packages
# conflict with a Node.js installed from elsewhere. Re-running the script
# when everything is present costs one dpkg-query. No service is started by
# an install: the registry tests run docker-registry themselves, with their
# own configuration, and the package would otherwise start the system's
# registry on port 5000 wherever an init system runs (Debian's invoke-rc.d
# already refuses when none runs, as in a bare container or a chroot).
set -eu

build="cmake make gcc pkg-config libjansson-dev libyaml-dev libarchive-dev \
libzstd-dev zlib1g-dev libisal-dev libssl-dev libvectorscan-dev libcurl4-openssl-dev"
test="libcmocka-dev python3 python3-yaml git groff-base pre-commit zsh fish openssl umoci libcap2-bin"
fuzz="clang libclang-rt-14-dev llvm"
fixtures="busybox-static umoci skopeo buildah zstd"
registry="docker-registry apache2-utils openssl curl skopeo strace"
bench="debootstrap zstd isal hyperfine"
deb="dpkg-dev file"
deb_test="debootstrap"
image="python3 ca-certificates"
image_test="umoci"

groups=${*:-build}
want=""
for g in $groups; do
    case $g in
    build) want="$want $build" ;;
    test)
        want="$want $build $test $registry"
        command -v node >/dev/null 2>&1 || want="$want nodejs"
        command -v npm >/dev/null 2>&1 || want="$want npm"
        ;;
    fuzz) want="$want $build $fuzz" ;;
    fixtures) want="$want $fixtures" ;;
    registry) want="$want $registry" ;;
    bench) want="$want $bench" ;;
    deb) want="$want $build $deb" ;;
    deb-test) want="$want $build $deb $deb_test $image" ;;
    image) want="$want $build $image" ;;
    image-test) want="$want $build $image $image_test" ;;
    *) echo "deps.sh: unknown group '$g'" >&2; exit 2 ;;
    esac
done

# Elsewhere than Debian, the names mean nothing: say what to look for.
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps.sh: not a Debian system; bosun needs the equivalents of:$want" >&2
    exit 0
fi

missing=""
for p in $want; do
    case " $missing " in *" $p "*) continue ;; esac
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case $status in
    *" installed") ;;
    *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "bosun needs these Debian packages:$missing" >&2
    echo "install them with: sudo apt-get install -y$missing" >&2
    exit 1
fi

echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Maintainer scripts start services through invoke-rc.d or
# deb-systemd-invoke, and both ask policy-rc.d first: while apt-get runs, one
# that refuses every action stands, unless the system already has its own.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Left by bosun scripts/deps.sh while it installs.\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    trap 'rm -f "$policy"' EXIT
    trap 'exit 1' INT TERM HUP
fi
# A stale package index is the usual reason for a failed install.
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
