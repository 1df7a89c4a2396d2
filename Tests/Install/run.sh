#!/bin/sh
# scripts/install.sh into a temporary prefix (with a space in its name), from an
# already built binary so nothing is rebuilt: the binary runs, the three
# completion files are there and load, other files in the prefix are left
# alone, and --uninstall removes exactly what was installed.
# Usage: FACET_BIN=/path/to/facet sh Tests/Install/run.sh (default .build/debug/facet)
set -eu
root="$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)"
binary="${FACET_BIN:-$root/.build/debug/facet}"
[ -x "$binary" ] || { echo "no facet binary at $binary; run swift build first or set FACET_BIN" >&2; exit 1; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
prefix="$scratch/my prefix"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

installed="bin/facet share/bash-completion/completions/facet share/zsh/site-functions/_facet share/fish/vendor_completions.d/facet.fish"

# Someone else's files in the same folders must survive the uninstall.
mkdir -p "$prefix/bin" "$prefix/share/zsh/site-functions"
echo keep > "$prefix/bin/other-tool"
echo keep > "$prefix/share/zsh/site-functions/_other"

# Run from another folder, with the POSIX shell, twice (the second replaces the first).
for round in 1 2; do
    (cd "$scratch" && sh "$root/scripts/install.sh" --prefix "$prefix" --binary "$binary") > "$scratch/install.log" 2>&1 \
        || { cat "$scratch/install.log"; fail "install (round $round) failed"; }
done
grep -q "installed $prefix/bin/facet" "$scratch/install.log" || fail "install does not say what it wrote"
grep -q "export PATH=\"$prefix/bin:" "$scratch/install.log" || fail "install does not say what to add to PATH"

expected="$("$binary" --version)"
actual="$("$prefix/bin/facet" --version 2>&1)" || fail "the installed facet does not run"
[ "$actual" = "$expected" ] || fail "installed facet --version says '$actual', expected '$expected'"

for file in $installed; do
    [ -s "$prefix/$file" ] || fail "$file is missing or empty"
done
bash -c 'source "$1" && complete -p facet' _ "$prefix/share/bash-completion/completions/facet" >/dev/null 2>&1 \
    || fail "the bash completion does not register for facet"
if command -v zsh >/dev/null 2>&1; then zsh -n "$prefix/share/zsh/site-functions/_facet" || fail "the zsh completion does not parse"; fi
if command -v fish >/dev/null 2>&1; then fish -n "$prefix/share/fish/vendor_completions.d/facet.fish" || fail "the fish completion does not parse"; fi
grep -q "complete -c 'facet'.*'doctor'" "$prefix/share/fish/vendor_completions.d/facet.fish" || fail "the fish completion does not offer facet's subcommands"
grep -q "#compdef facet" "$prefix/share/zsh/site-functions/_facet" || fail "the zsh completion does not declare #compdef facet"

sh "$root/scripts/install.sh" --prefix "$prefix" --uninstall > "$scratch/uninstall.log" 2>&1 || { cat "$scratch/uninstall.log"; fail "uninstall failed"; }
for file in $installed; do
    if [ -e "$prefix/$file" ]; then fail "$file is still there after --uninstall"; fi
done
[ -f "$prefix/bin/other-tool" ] && [ -f "$prefix/share/zsh/site-functions/_other" ] || fail "uninstall removed files it did not install"
sh "$root/scripts/install.sh" --prefix "$prefix" --uninstall > /dev/null 2>&1 || fail "a second uninstall fails"

status=0
sh "$root/scripts/install.sh" --prefix "$prefix" --frobnicate > /dev/null 2>&1 || status=$?
[ "$status" = 2 ] || fail "an unknown option exits $status, expected 2"
status=0
sh "$root/scripts/install.sh" --prefix "$prefix" --binary "$scratch/nothing" > /dev/null 2>&1 || status=$?
[ "$status" = 2 ] || fail "a missing --binary exits $status, expected 2"
[ ! -e "$prefix/bin/facet" ] || fail "a failed install left a binary behind"

if [ "$failures" = 0 ]; then echo "install script: all checks passed"; else exit 1; fi
