#!/usr/bin/env bash
# Checks `facet preview` against a real OpenAI-compatible server: llama-cpp-python's
# llama_cpp.server serving a tiny generated model. Not run by CI; see README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$REPO/.venv-realserver"
FACET="${FACET_BIN:-$REPO/.build/debug/facet}"
START=$SECONDS
step() { echo "== $1 (at $((SECONDS - START)) s)"; }

# 1. Python side: llama-cpp-python builds from source (several minutes, once).
if ! "$VENV/bin/python" -c 'import llama_cpp, llama_cpp.server.app, gguf; assert llama_cpp.__version__ == "0.3.36"' 2>/dev/null; then
    step "installing llama-cpp-python 0.3.36 into $VENV (builds from source; log: $VENV/pip.log)"
    python3 -m venv "$VENV"
    if ! CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$VENV/bin/pip" install --disable-pip-version-check \
            'llama-cpp-python[server]==0.3.36' gguf >"$VENV/pip.log" 2>&1; then
        tail -n 40 "$VENV/pip.log"; echo "FAIL: pip install (see $VENV/pip.log)"; exit 1
    fi
fi

# 2. The facet binary.
if [ ! -x "$FACET" ]; then
    step "building facet (swift build)"
    (cd "$REPO" && swift build)
fi

# 3. A tiny model and a server on a free loopback port.
TMP="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT

step "making the tiny GGUF"
"$VENV/bin/python" "$HERE/make_tiny_gguf.py" "$TMP/tiny.gguf"
PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

step "starting llama_cpp.server on 127.0.0.1:$PORT"
"$VENV/bin/python" -m llama_cpp.server --model "$TMP/tiny.gguf" --host 127.0.0.1 --port "$PORT" \
    --n_ctx 1024 >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
MODEL=""
for _ in $(seq 1 120); do
    MODEL="$(curl -sf "http://127.0.0.1:$PORT/v1/models" | "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["data"][0]["id"])' 2>/dev/null)" && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.5
done
if [ -z "$MODEL" ]; then tail -n 40 "$TMP/server.log"; echo "FAIL: server did not start"; exit 1; fi
echo "server's model id: $MODEL"

# 4. A system message with two cases, and an endpoint profile for the server.
mkdir "$TMP/project"
cat >"$TMP/project/agent.md" <<'MD'
---
cases:
  - name: greeting
    user: Hello there, who are you?
  - name: refund
    user: What is the refund policy?
---
You are the support agent for Acme. Answer briefly.
MD
cat >"$TMP/project/.facet.toml" <<TOML
[endpoints.llama]
base-url = "http://127.0.0.1:$PORT/v1"
model = "$MODEL"
max-tokens = 32

[endpoints.llama-nostream]
base-url = "http://127.0.0.1:$PORT/v1"
model = "$MODEL"
max-tokens = 32
stream = false
TOML

# 5. Run facet (JSON, then streamed text) and check what came back.
step "running facet preview"
cd "$TMP/project"
STATUS=0
"$VENV/bin/python" "$HERE/check.py" "$FACET" agent.md "$TMP/c.sqlite" || STATUS=$?
step "done"
exit $STATUS
