#!/bin/sh
# Checks the VS Code extension where neither VS Code nor the npm registry is
# available: extension.js parses (node --check), and check.js validates the
# manifest and activates the extension against stand-ins. Run by .ci/run.
set -eu
here="$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)"
if ! command -v node >/dev/null 2>&1; then
    echo "VS Code extension: node is not installed; check skipped"
    exit 0
fi
node --check "$here/extension.js"
node "$here/check.js"
