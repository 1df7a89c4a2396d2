#!/usr/bin/env bash
# Runs the end-to-end tests of `facet lsp`. Works from any directory.
#   FACET_BIN   the facet binary to test (default: <repo>/.build/debug/facet)
#   extra args  are passed to pytest, e.g. ./run.sh -k hover -x
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
venv="$repo/.venv-e2e"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# Keep the environment out of git (python3.11's venv does not do this itself).
[ -f "$venv/.gitignore" ] || printf '*\n' > "$venv/.gitignore"

# (Re)install when the environment is new or requirements.txt changed.
stamp="$venv/.e2e-requirements.sha256"
wanted="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    printf '%s\n' "$wanted" > "$stamp"
fi

FACET_BIN="${FACET_BIN:-$repo/.build/debug/facet}"
# A relative path is relative to where run.sh was started, not to this folder.
case "$FACET_BIN" in
    */*) [ "${FACET_BIN#/}" != "$FACET_BIN" ] || FACET_BIN="$PWD/$FACET_BIN" ;;
    *) FACET_BIN="$(command -v "$FACET_BIN" || printf '%s' "$FACET_BIN")" ;;
esac
export FACET_BIN
# The servers under test keep their preference index in a throw-away folder, not the user's cache.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export FACET_INDEX="$scratch/index.sqlite"
cd "$here"
"$venv/bin/python" -m pytest -c "$here/pytest.ini" --rootdir "$here" "$@" "$here"
