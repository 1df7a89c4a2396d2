#!/bin/sh
# Installs the facet binary and its shell completions under a prefix, or removes them.
#
#   scripts/install.sh [--prefix DIR] [--binary PATH]   build in release mode and install
#   scripts/install.sh [--prefix DIR] --uninstall       remove what install wrote
#
# --prefix defaults to $HOME/.local. --binary installs an already built facet
# instead of running `swift build -c release`. Written files:
#   PREFIX/bin/facet
#   PREFIX/share/bash-completion/completions/facet
#   PREFIX/share/zsh/site-functions/_facet
#   PREFIX/share/fish/vendor_completions.d/facet.fish
set -eu

prefix=""
binary=""
uninstall=0

die() { echo "install.sh: $*" >&2; exit 2; }

usage() { sed -n '2,13s/^# \{0,1\}//p' "$0"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || die "--prefix takes a folder"; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --binary) [ $# -ge 2 ] || die "--binary takes the path of a built facet"; binary="$2"; shift 2 ;;
        --binary=*) binary="${1#--binary=}"; shift ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

if [ -z "$prefix" ]; then
    [ -n "${HOME:-}" ] || die "HOME is not set; pass --prefix"
    prefix="$HOME/.local"
fi
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
prefix="${prefix%/}"

bin="$prefix/bin/facet"
bash_completion="$prefix/share/bash-completion/completions/facet"
zsh_completion="$prefix/share/zsh/site-functions/_facet"
fish_completion="$prefix/share/fish/vendor_completions.d/facet.fish"

if [ "$uninstall" = 1 ]; then
    # Only the files install writes; folders are left, since others may use them.
    for file in "$bin" "$bash_completion" "$zsh_completion" "$fish_completion"; do
        if [ -e "$file" ] || [ -L "$file" ]; then
            rm -f "$file"
            echo "removed $file"
        else
            echo "not there: $file"
        fi
    done
    exit 0
fi

if [ -z "$binary" ]; then
    root="$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)"
    command -v swift >/dev/null 2>&1 || die "swift is not on PATH; install a Swift 6.1+ toolchain, or pass --binary"
    echo "building facet (swift build -c release) in $root"
    (cd "$root" && swift build -c release --product facet)
    binary="$root/.build/release/facet"
fi
[ -f "$binary" ] && [ -x "$binary" ] || die "$binary is not an executable file"
version="$("$binary" --version)" || die "$binary --version failed"

# Copy, then rename into place: replacing a running binary in place fails (text file busy).
install_file() {  # source-file destination mode
    mkdir -p "$(dirname -- "$2")"
    cp "$1" "$2.tmp.$$"
    chmod "$3" "$2.tmp.$$"
    mv -f "$2.tmp.$$" "$2"
    echo "installed $2"
}

install_file "$binary" "$bin" 755
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for shell in bash zsh fish; do
    "$bin" --generate-completion-script "$shell" > "$scratch/$shell" || die "facet --generate-completion-script $shell failed"
    [ -s "$scratch/$shell" ] || die "facet --generate-completion-script $shell printed nothing"
done
install_file "$scratch/bash" "$bash_completion" 644
install_file "$scratch/zsh" "$zsh_completion" 644
install_file "$scratch/fish" "$fish_completion" 644

echo "facet $version is installed in $prefix"
case ":${PATH:-}:" in
    *":$prefix/bin:"*) ;;
    *) echo "add it to PATH (e.g. in ~/.profile): export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
echo "completions: bash-completion 2.9+ finds them once $prefix/bin is on PATH (else source the file in ~/.bashrc);"
echo "  zsh: add fpath=(\"$prefix/share/zsh/site-functions\" \$fpath) before compinit in ~/.zshrc (not needed for /usr/local);"
echo "  fish finds them under ~/.local, /usr/local and /usr (else: set -p fish_complete_path \"$prefix/share/fish/vendor_completions.d\")"
echo "remove with: $0 --prefix \"$prefix\" --uninstall"
