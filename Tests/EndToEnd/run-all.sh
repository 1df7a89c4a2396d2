#!/usr/bin/env bash
# End-to-end suites with clients nobody here wrote, against the real binary:
#   pytest-lsp (pygls/lsprotocol), headless Neovim and headless Emacs + eglot,
#   each using the configurations shipped under editors/.
# Installs what they need (Debian packages with apt-get, Python packages into
# .venv-e2e), builds facet, then runs each suite. Usage: bash Tests/EndToEnd/run-all.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

missing=()
dpkg -s neovim >/dev/null 2>&1 || missing+=(neovim)
dpkg -s emacs-nox >/dev/null 2>&1 || command -v emacs >/dev/null 2>&1 || missing+=(emacs-nox)
dpkg -s elpa-eglot >/dev/null 2>&1 || missing+=(elpa-eglot)
python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== building facet"
swift build --product facet >/dev/null
export FACET_BIN="${FACET_BIN:-$root/.build/debug/facet}"

status=0
for suite in pytest-lsp neovim emacs; do
    echo "== $suite"
    if ! bash "$root/Tests/EndToEnd/$suite/run.sh"; then
        echo "!! $suite failed"
        status=1
    fi
done
[ $status = 0 ] && echo "== all end-to-end suites passed"
exit $status
