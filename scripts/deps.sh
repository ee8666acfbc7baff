#!/bin/sh
# Make sure the Debian packages bosun needs are installed.
#
#   scripts/deps.sh [group...]     groups: build (default), test, fuzz, fixtures, bench
#
# As root, missing packages are installed with apt-get; otherwise the script
# prints the command to run and fails. The test group also needs the node
# and npm commands (for the SARIF schema validator): Debian's nodejs and npm
# are installed only when no node/npm is on the PATH, since those packages
# conflict with a Node.js installed from elsewhere. Re-running the script
# when everything is present costs one dpkg-query.
set -eu

build="cmake make gcc pkg-config libjansson-dev libyaml-dev libarchive-dev \
libzstd-dev zlib1g-dev libisal-dev libssl-dev libvectorscan-dev libcurl4-openssl-dev"
test="libcmocka-dev python3 python3-yaml git groff-base pre-commit zsh fish openssl"
fuzz="clang libclang-rt-14-dev llvm"
fixtures="busybox-static umoci skopeo buildah zstd"
bench="debootstrap zstd isal hyperfine"

groups=${*:-build}
want=""
for g in $groups; do
    case $g in
    build) want="$want $build" ;;
    test)
        want="$want $build $test"
        command -v node >/dev/null 2>&1 || want="$want nodejs"
        command -v npm >/dev/null 2>&1 || want="$want npm"
        ;;
    fuzz) want="$want $build $fuzz" ;;
    fixtures) want="$want $fixtures" ;;
    bench) want="$want $bench" ;;
    *) echo "deps.sh: unknown group '$g'" >&2; exit 2 ;;
    esac
done

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
# A stale package index is the usual reason for a failed install.
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
