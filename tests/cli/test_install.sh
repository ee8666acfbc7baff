#!/bin/sh
# `make install` (cmake --install): the binary, the man page and the shell
# completions; the man page and completions know every option and format.
. "$(dirname "$0")/lib.sh"
build=$(dirname "$BOSUN_BIN")
root=$BOSUN_TEST_DATA/..
prefix=$TMP/prefix

cmake --install "$build" --prefix "$prefix" >"$TMP/install.log" 2>&1 ||
    fail "cmake --install failed: $(cat "$TMP/install.log")"
man=$prefix/share/man/man1/bosun.1
bash_completion=$prefix/share/bash-completion/completions/bosun
zsh_completion=$prefix/share/zsh/site-functions/_bosun
fish_completion=$prefix/share/fish/vendor_completions.d/bosun.fish
for f in "$prefix/bin/bosun" "$prefix/bin/bosun-image" "$man" "$bash_completion" "$zsh_completion" "$fish_completion"; do
    [ -f "$f" ] || fail "not installed: $f"
done
expect_status 0 "$prefix/bin/bosun" --version
version=$(cat "$TMP/out")

# The man page renders without warnings and names this version.
groff -man -ww -z "$man" >"$TMP/groff" 2>&1 || fail "groff failed on bosun.1"
[ -s "$TMP/groff" ] && fail "groff warnings on bosun.1: $(head "$TMP/groff")"
grep -q "^\.TH BOSUN 1 .*\"$version\"" "$man" || fail "bosun.1 is not for $version"

# Every option of `bosun lint --help`, `bosun image --help` and `bosun
# config --help` and every format is documented and completed.
expect_status 0 "$BOSUN_BIN" lint --help
cp "$TMP/out" "$TMP/help"
expect_status 0 "$prefix/bin/bosun" image --help
cat "$TMP/out" >>"$TMP/help"
expect_status 0 "$prefix/bin/bosun" config --help
cat "$TMP/out" >>"$TMP/help"
options=$(grep -o -- '--[a-z][a-z-]*' "$TMP/help" | sort -u)
"$BOSUN_BIN" lint --format nope x 2>"$TMP/err"
formats=$(sed -n 's/.*(\(.*\)).*/\1/p' "$TMP/err" | tr -d ',')
[ -n "$options" ] && [ -n "$formats" ] || fail "no options or formats found"
for word in $options $formats; do
    case $word in --*) man_word=$(printf '%s' "$word" | sed 's/-/\\\\-/g') ;; *) man_word=$word ;; esac
    grep -q -- "$man_word" "$man" || fail "bosun.1 does not mention $word"
    for f in "$bash_completion" "$zsh_completion" "$fish_completion"; do
        # An option as each shell's completion spells it (fish: -l NAME).
        case $word in
        --*) [ "$f" = "$fish_completion" ] && spelled="-l ${word#--} " || spelled=$word ;;
        *) spelled=$word ;;
        esac
        grep -q -- "$spelled" "$f" || fail "$(basename "$f") does not complete $word"
    done
done

# The completions parse, and complete.
bash -n "$bash_completion" || fail "bash: syntax error in the completion"
command -v zsh >/dev/null || fail "zsh is not installed (scripts/deps.sh test)"
command -v fish >/dev/null || fail "fish is not installed (scripts/deps.sh test)"
zsh -n "$zsh_completion" 2>"$TMP/err" || fail "zsh: $(cat "$TMP/err")"
fish -n "$fish_completion" 2>"$TMP/err" || fail "fish: $(cat "$TMP/err")"
PATH=$prefix/bin:$PATH
export PATH
bash -c '. "$1"
COMP_WORDS=(bosun lint --format s); COMP_CWORD=3; _bosun; echo "${COMPREPLY[*]}"
COMP_WORDS=(bosun explain root-u); COMP_CWORD=2; _bosun; echo "${COMPREPLY[*]}"
COMP_WORDS=(bosun lint --failure-threshold n); COMP_CWORD=3; _bosun; echo "${COMPREPLY[*]}"
COMP_WORDS=(bosun l); COMP_CWORD=1; _bosun; echo "${COMPREPLY[*]}"
COMP_WORDS=(bosun i); COMP_CWORD=1; _bosun; echo "${COMPREPLY[*]}"
COMP_WORDS=(bosun image --no-v); COMP_CWORD=2; _bosun; echo "${COMPREPLY[*]}"
COMP_WORDS=(bosun c); COMP_CWORD=1; _bosun; echo "${COMPREPLY[*]}"
COMP_WORDS=(bosun config i); COMP_CWORD=2; _bosun; echo "${COMPREPLY[*]}"
COMP_WORDS=(bosun config import --ha); COMP_CWORD=3; _bosun; echo "${COMPREPLY[*]}"
COMP_WORDS=(bosun lint --no-h); COMP_CWORD=2; _bosun; echo "${COMPREPLY[*]}"
COMP_WORDS=(bosun explain DL300); COMP_CWORD=2; _bosun; echo "${COMPREPLY[*]}"
COMP_WORDS=(bosun rules --h); COMP_CWORD=2; _bosun; echo "${COMPREPLY[*]}"' _ "$bash_completion" >"$TMP/bash.out"
[ "$(cat "$TMP/bash.out")" = "sarif
root-user
none
lint
image
--no-verify
config
import
--hadolint
--no-hadolint-pragmas
DL3002 DL3004 DL3005 DL3006 DL3007 DL3008
--hadolint" ] || fail "bash completion: $(cat "$TMP/bash.out")"
fish -c "source '$fish_completion'; complete -C 'bosun lint --format '; complete -C 'bosun explain root-u'" >"$TMP/fish.out" 2>&1
expect_contains "$TMP/fish.out" "gitlab"
expect_contains "$TMP/fish.out" "root-user"
fish -c "source '$fish_completion'; complete -C 'bosun image --pl'" >"$TMP/fish.out" 2>&1
expect_contains "$TMP/fish.out" "--platform"
fish -c "source '$fish_completion'; complete -C 'bosun config import --ha'; complete -C 'bosun explain DL300'; complete -C 'bosun lint --no-h'" >"$TMP/fish.out" 2>&1
expect_contains "$TMP/fish.out" "--hadolint"
expect_contains "$TMP/fish.out" "DL3008"
expect_contains "$TMP/fish.out" "--no-hadolint-pragmas"

# make install from this build directory: PREFIX= and DESTDIR= put
# everything under them, and the installed bosun finds bosun-image.
configured=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[ -n "$configured" ] || fail "no CMAKE_INSTALL_PREFIX in $build/CMakeCache.txt"
# make_install DIR VAR=VALUE...: checks what lands under DIR.
make_install() {
    dir=$1
    shift
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$root" install BUILD="$build" JOBS=1 "$@" \
        >"$TMP/make.log" 2>&1 || { fail "make install $*: $(tail -5 "$TMP/make.log")"; return; }
    for f in bin/bosun bin/bosun-image share/man/man1/bosun.1 share/bash-completion/completions/bosun \
        share/zsh/site-functions/_bosun share/fish/vendor_completions.d/bosun.fish; do
        [ -f "$dir/$f" ] || fail "make install $*: no $dir/$f"
    done
    [ -x "$dir/bin/bosun" ] || return
    env PATH=/usr/bin:/bin "$dir/bin/bosun" image --help >"$TMP/out" 2>"$TMP/err" ||
        fail "make install $*: the installed bosun image: $(cat "$TMP/err")"
}
make_install "$TMP/opt/x" PREFIX="$TMP/opt/x"
make_install "$TMP/stage$configured" DESTDIR="$TMP/stage"
make_install "$TMP/stage2/opt/y" DESTDIR="$TMP/stage2" PREFIX=/opt/y
[ "$(find "$TMP/stage2" -type f | wc -l)" -eq 6 ] ||
    fail "make install DESTDIR= PREFIX= wrote other files: $(find "$TMP/stage2" -type f)"

# The pre-commit hook definition is valid for pre-commit.
command -v pre-commit >/dev/null || fail "pre-commit is not installed (scripts/deps.sh test)"
pre-commit validate-manifest "$root/.pre-commit-hooks.yaml" >"$TMP/out" 2>&1 ||
    fail "pre-commit rejects .pre-commit-hooks.yaml: $(cat "$TMP/out")"
finish
