#!/usr/bin/env bash
# Headless Neovim end-to-end test of editors/neovim with a real `facet lsp`.
# Usage: [FACET_BIN=/path/to/facet] Tests/EndToEnd/neovim/run.sh   (from any directory)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../prologue.sh" neovim nvim

# Keep Neovim's state, logs and swap files out of the user's home.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
       XDG_STATE_HOME="$scratch/state" XDG_CACHE_HOME="$scratch/cache"

echo "neovim e2e: $(nvim --version | head -n 1), FACET_BIN=$FACET_BIN"
# test_facet.lua: the plugin and the language features; test_preview.lua: :FacetPreview and
# test_evaluate.lua: :FacetEvaluate against Tests/Support/fake-openai (needs python3).
status=0
for test in test_facet.lua test_preview.lua test_evaluate.lua; do
  start=$(date +%s%N)
  timeout 60 nvim --headless -u NONE -i NONE -n -c "luafile $here/$test" </dev/null || status=$?
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$status" -eq 124 ]; then
    echo "FAIL neovim: $test timed out after 60 s"
  elif [ "$status" -ne 0 ]; then
    echo "neovim e2e $test failed (exit $status) in ${elapsed} ms"
    if [ -f "$XDG_CACHE_HOME/nvim/lsp.log" ]; then echo "--- lsp.log"; tail -n 20 "$XDG_CACHE_HOME/nvim/lsp.log"; fi
    if [ -f "$XDG_STATE_HOME/nvim/lsp.log" ]; then echo "--- lsp.log"; tail -n 20 "$XDG_STATE_HOME/nvim/lsp.log"; fi
  else
    echo "neovim e2e $test passed in ${elapsed} ms"
  fi
  [ "$status" -eq 0 ] || break
done
exit "$status"
