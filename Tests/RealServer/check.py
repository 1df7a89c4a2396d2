"""Runs `facet preview` against the server set up by run.sh and checks the answers.

Usage: python check.py FACET FILE CACHE   (in the folder holding FILE and .facet.toml)
"""
import json
import os
import subprocess
import sys
import time

facet, file, cache = sys.argv[1:4]


def preview(endpoint, *extra):
    return [facet, "preview", file, "--endpoint", endpoint, "--no-cache", "--cache-file", cache, *extra]

failures = 0


def check(ok, what):
    global failures
    print(("PASS: " if ok else "FAIL: ") + what)
    failures += not ok


# 1. --format json: one document at the end, with every case's answers; once
# streamed (llama) and once with stream = false (llama-nostream).
def check_json(endpoint, streamed):
    started = time.monotonic()
    run = subprocess.run(preview(endpoint, "--format", "json"), capture_output=True, text=True)
    print(f"json run, {endpoint}: {time.monotonic() - started:.2f} s")
    check(run.returncode == 0, f"{endpoint}: exits 0 (got {run.returncode}; stderr: {run.stderr.strip()[:300]!r})")
    try:
        doc = json.loads(run.stdout)
    except ValueError:
        doc = {"cases": []}
        print(run.stdout[:1000])
    print(f"endpoint {doc.get('endpoint')!r} model {doc.get('model')!r} base-url {doc.get('baseURL')!r}")
    check(len(doc["cases"]) == 2, f"{endpoint}: two cases in the JSON (got {len(doc['cases'])})")
    for case in doc["cases"]:
        name = f"{endpoint}/{case['name']}"
        check(case["status"] == "done", f"{name}: status done (got {case['status']!r})")
        check(len(case["answers"]) == 1, f"{name}: one answer")
        for a in case["answers"]:
            print(f"  {name}: {a['text'][:40]!r}... finish={a.get('finishReason')} chunks={a['chunks']} "
                  f"first text {a.get('firstTextSeconds')} s, total {a['seconds']:.3f} s, usage {a.get('usage')}")
            check(a["text"].strip() != "", f"{name}: answer not empty")
            check(a.get("finishReason") in ("stop", "length"), f"{name}: finish reason stop or length")
            check(a["complete"] and not a.get("error"), f"{name}: complete, no error ({a.get('error')})")
            if streamed:
                check(a["chunks"] > 1, f"{name}: answer arrived in {a['chunks']} chunks (streamed)")
            usage = a.get("usage")
            if usage is None:
                print(f"NOTE: {name}: the server reported no token usage")
            else:
                check(usage["promptTokens"] > 0 and 0 < usage["completionTokens"] <= 32,
                      f"{name}: usage {usage['promptTokens']} prompt + {usage['completionTokens']} completion (max-tokens 32)")
            if not streamed:  # llama_cpp.server reports usage only in non-streamed answers
                check(usage is not None, f"{name}: usage reported without streaming")


check_json("llama", streamed=True)
check_json("llama-nostream", streamed=False)

# 2. Text format: the answer must reach stdout while the model is still writing.
# A longer answer (--max-tokens 400) makes the stream last long enough to see.
started = time.monotonic()
proc = subprocess.Popen(preview("llama", "--max-tokens", "400"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, first_text, first_finish, reads_before_finish = b"", None, None, 0
quote = b"> Hello there, who are you?\n"
while chunk := os.read(proc.stdout.fileno(), 65536):
    now = time.monotonic() - started
    out += chunk
    after = out.split(quote, 1)[1] if quote in out else b""
    if first_finish is None and after.strip():
        if b"\n[" in after:
            first_finish = now
        else:
            first_text = first_text if first_text is not None else now
            reads_before_finish += 1
stderr = proc.stderr.read().decode()
code = proc.wait()
ended = time.monotonic() - started
text = out.decode(errors="replace")
print(f"text run: first answer bytes at {first_text} s, first case finished at {first_finish} s, "
      f"process ended at {ended:.3f} s; {reads_before_finish} reads of answer text before the first case finished")
check(code == 0, f"text run exits 0 (got {code}; stderr: {stderr.strip()[:300]!r})")
check(text.count("[length") + text.count("[stop") == 2, "text run: two finish lines ([length or [stop)")
check(first_text is not None and first_finish is not None and reads_before_finish >= 2,
      "text run: answer text reached stdout in pieces before the case finished (streamed, not buffered)")

print(f"FAIL: {failures} check(s) failed" if failures else "PASS: all checks")
sys.exit(1 if failures else 0)
