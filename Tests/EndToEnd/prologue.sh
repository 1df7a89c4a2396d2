# Sourced by each editor's run.sh: finds the repository and the facet binary,
# and stops with a clear message when the editor or the binary is missing.
# Usage: source prologue.sh SUITE EDITOR-COMMAND   (sets `here`, `repo`, `FACET_BIN`)
suite="$1" editor="$2"
here="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
export FACET_BIN="${FACET_BIN:-$repo/.build/debug/facet}"

if ! command -v "$editor" >/dev/null 2>&1; then
  echo "FAIL $suite: $editor is not installed" >&2
  exit 1
fi
if [ ! -x "$FACET_BIN" ]; then
  echo "FAIL $suite: FACET_BIN is not an executable file: $FACET_BIN" >&2
  exit 1
fi
