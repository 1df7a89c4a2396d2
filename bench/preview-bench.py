#!/usr/bin/env python3
"""Preview streaming overhead: how long after a chunk leaves the endpoint does
the editor (or the terminal) have it?

The in-repo fake endpoint (Tests/Support/fake-openai) streams `bench-N-D`
answers: N chunks, D ms apart, each carrying `<seq>:<monotonic ns at send>`.
Three readers take the same stream, on the same machine and clock:

  direct  Python's http.client reading the SSE stream itself (the floor:
          loopback plus a minimal client);
  lsp     `facet lsp`: the time a `$/progress` report naming the chunk is read
          off the server's stdout (the report carries the latest text);
  cli     `facet preview`: the time the chunk's text is read off stdout.

Facet's overhead is its median minus the direct reader's median.

    swift build -c release
    python3 bench/preview-bench.py [--bin .build/release/facet] [--chunks 300] [--gap-ms 10] [--runs 5]
"""
import argparse, json, os, pathlib, re, statistics, subprocess, sys, tempfile, threading, time, http.client

ROOT = pathlib.Path(__file__).resolve().parent.parent
FAKE = ROOT / "Tests/Support/fake-openai/fake_openai.py"
TOKEN = re.compile(rb"(\d+):(\d+) ")


def start_fake():
    proc = subprocess.Popen([sys.executable, str(FAKE), "--port", "0", "--exit-on-stdin-eof"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    port = int(proc.stdout.readline().split()[1])
    return proc, port


def direct(port, model):
    """Latencies (ns) seen by a bare client reading the stream."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    body = json.dumps({"model": model, "stream": True, "messages": [{"role": "user", "content": "go"}]})
    conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    latencies = []
    while True:
        line = response.fp.readline()
        if not line or line.startswith(b"data: [DONE]"):
            break
        now = time.monotonic_ns()
        for _, sent in TOKEN.findall(line.replace(b"\\u", b"")):
            latencies.append(now - int(sent))
    conn.close()
    return latencies


def cli(binary, workdir, model, cache):
    env = dict(os.environ, FACET_PREVIEW_CACHE=cache)
    proc = subprocess.Popen([binary, "preview", str(workdir / "bench.system.md"), "--model", model, "--no-cache"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, bufsize=0)
    latencies, pending = [], b""
    fd = proc.stdout.fileno()
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        now = time.monotonic_ns()
        pending += chunk
        matches = list(TOKEN.finditer(pending))
        for match in matches:
            latencies.append(now - int(match.group(2)))
        if matches:
            pending = pending[matches[-1].end():]
    proc.wait()
    return latencies


class Lsp:
    """Just enough of an LSP client: framing, a reader thread stamping arrival times."""

    def __init__(self, binary, cache, index):
        self.proc = subprocess.Popen([binary, "lsp", "--diagnostics-delay", "0", "--preview-cache", cache, "--index", index],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        self.messages, self.cond, self.next_id = [], threading.Condition(), 1
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        fd, buffer = self.proc.stdout.fileno(), b""
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return
            buffer += chunk
            while b"\r\n\r\n" in buffer:
                header, rest = buffer.split(b"\r\n\r\n", 1)
                length = int(re.search(rb"Content-Length: (\d+)", header).group(1))
                if len(rest) < length:
                    break
                now = time.monotonic_ns()
                with self.cond:
                    self.messages.append((now, json.loads(rest[:length])))
                    self.cond.notify_all()
                buffer = rest[length:]

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, method, params):
        rid, self.next_id = self.next_id, self.next_id + 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return rid

    def wait_for(self, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for stamp, message in self.messages:
                    if predicate(message):
                        return stamp, message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no such message from facet lsp")
                self.cond.wait(left)

    def close(self):
        self.proc.kill()


def lsp_run(client, uri, model, rid_holder):
    start = len(client.messages)
    rid = client.request("workspace/executeCommand", {"command": "facet.preview", "workDoneToken": "bench",
                                                      "arguments": [uri, {"force": True}]})
    client.wait_for(lambda m: m.get("id") == rid and "method" not in m)
    latencies, seen = [], set()
    for stamp, message in client.messages[start:]:
        if message.get("method") != "$/progress" or message["params"]["token"] != "bench":
            continue
        text = (message["params"]["value"].get("message") or "").encode()
        tokens = TOKEN.findall(text)
        if tokens:
            seq, sent = tokens[-1]
            if seq not in seen:
                seen.add(seq)
                latencies.append(stamp - int(sent))
    return latencies


def summary(name, values):
    ms = sorted(v / 1e6 for v in values)
    if not ms:
        return f"{name:7} no samples", None
    p95 = ms[int(0.95 * (len(ms) - 1))]
    return f"{name:7} median {statistics.median(ms):6.3f} ms   p95 {p95:6.3f} ms   ({len(ms)} chunks)", statistics.median(ms)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=str(ROOT / ".build/release/facet"))
    parser.add_argument("--chunks", type=int, default=300)
    parser.add_argument("--gap-ms", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"no facet binary at {args.bin}; run `swift build -c release` first")
    model = f"bench-{args.chunks}-{args.gap_ms}"
    fake, port = start_fake()
    with tempfile.TemporaryDirectory(prefix="facet-preview-bench-") as scratch:
        work = pathlib.Path(scratch)
        (work / ".facet.toml").write_text(f'[preview]\nendpoint = "fake"\n[endpoints.fake]\nbase-url = "http://127.0.0.1:{port}/v1"\nmodel = "{model}"\nmax-tokens = 100000\n')
        text = "You are a benchmark. Answer.\n"
        (work / "bench.system.md").write_text(text)
        cache, index = str(work / "previews.sqlite"), str(work / "index.sqlite")
        results = {"direct": [], "lsp": [], "cli": []}
        client = Lsp(args.bin, cache, index)
        uri = (work / "bench.system.md").as_uri()
        client.request("initialize", {"processId": None, "rootUri": work.as_uri(), "capabilities": {"window": {"workDoneProgress": True}}})
        client.wait_for(lambda m: m.get("id") == 1)
        client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        client.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
        try:
            for _ in range(args.runs):
                results["direct"] += direct(port, model)
                results["lsp"] += lsp_run(client, uri, model, None)
                results["cli"] += cli(args.bin, work, model, cache)
        finally:
            client.close()
            fake.kill()
    print(f"{args.runs} runs of {args.chunks} chunks, {args.gap_ms} ms apart, from the fake endpoint on loopback")
    medians = {}
    for name in ("direct", "lsp", "cli"):
        line, medians[name] = summary(name, results[name])
        print(line)
    if medians["direct"] is not None:
        for name in ("lsp", "cli"):
            if medians[name] is not None:
                print(f"overhead {name}: {medians[name] - medians['direct']:+.3f} ms median (target < 5 ms)")


if __name__ == "__main__":
    main()
