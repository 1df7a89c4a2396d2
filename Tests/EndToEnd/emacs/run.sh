#!/usr/bin/env bash
# Headless Emacs + Eglot end-to-end test of editors/emacs/facet.el with a real `facet lsp`.
# Usage: [FACET_BIN=/path/to/facet] Tests/EndToEnd/emacs/run.sh   (from any directory)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../prologue.sh" emacs emacs

# A throw-away HOME: no user init, no ~/.emacs.d state (Eglot's events, auto-saves).
# --batch already skips the init file; not -Q, since Debian's site-start puts elpa-eglot on load-path.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch"

echo "emacs e2e: $(emacs --version | head -n 1), FACET_BIN=$FACET_BIN"
start=$(date +%s%N)
status=0
# Twice: with whatever markdown-mode this machine has (facet-mode derives from text-mode
# without it), then with a stub markdown-mode, so both branches of facet.el are checked.
for variant in installed stub; do
  echo "--- run with markdown-mode: $variant"
  stub=0; [ "$variant" = stub ] && stub=1
  # Emacs and Eglot log to stderr; keep it for failures only.
  FACET_TEST_MARKDOWN_STUB=$stub timeout 60 emacs --batch -l "$here/test-facet.el" \
    </dev/null 2>"$scratch/stderr.log" || status=$?
  if [ "$status" -ne 0 ]; then
    [ "$status" -eq 124 ] && echo "FAIL emacs: timed out after 60 s"
    echo "last lines of Emacs's stderr:"
    tail -n 15 "$scratch/stderr.log" | sed 's/^/    /'
    break
  fi
done
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$status" -ne 0 ]; then
  echo "emacs e2e failed (exit $status) in ${elapsed} ms"
  exit "$status"
fi
echo "emacs e2e passed in ${elapsed} ms"

# facet-preview and facet-evaluate against Tests/Support/fake-openai (needs python3);
# once each is enough, the markdown-mode variants do not matter to them.
for test in test-preview.el test-evaluate.el; do
  echo "--- $test"
  start=$(date +%s%N)
  timeout 60 emacs --batch -l "$here/$test" </dev/null 2>"$scratch/stderr.log" || status=$?
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$status" -ne 0 ]; then
    [ "$status" -eq 124 ] && echo "FAIL emacs: $test timed out after 60 s"
    echo "last lines of Emacs's stderr:"
    tail -n 15 "$scratch/stderr.log" | sed 's/^/    /'
    echo "emacs e2e $test failed (exit $status) in ${elapsed} ms"
    break
  fi
  echo "emacs e2e $test passed in ${elapsed} ms"
done
exit "$status"
