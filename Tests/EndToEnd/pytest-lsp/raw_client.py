"""A minimal JSON-RPC client over the server's stdio pipes, for the few tests that
must control the byte stream exactly (requests before ``initialize``, exit codes)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
from typing import Any


class RawServer:
    def __init__(self, binary: str, *args: str):
        self.proc = subprocess.Popen(
            [binary, "lsp", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: "queue.Queue[dict[str, Any]]" = queue.Queue()
        self.received: list[dict[str, Any]] = []
        self._next_id = 1
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._stderr = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr.start()
        self.stderr_lines: list[bytes] = []

    # -- wire ---------------------------------------------------------------
    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.rstrip(b"\r\n")
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers["content-length"])
            body = stream.read(length)
            if len(body) < length:
                return
            self.messages.put(json.loads(body.decode("utf-8")))

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr_lines.append(line)

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method: str, params: Any = None) -> int:
        id_ = self._next_id
        self._next_id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": id_, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return id_

    def notify(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def next_message(self, timeout: float = 5.0) -> dict[str, Any]:
        message = self.messages.get(timeout=timeout)
        self.received.append(message)
        return message

    def response(self, id_: int, timeout: float = 5.0) -> dict[str, Any]:
        """The response to request ``id_`` (other messages are kept in ``received``)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no response to request {id_} within {timeout}s")
            message = self.next_message(remaining)
            if message.get("id") == id_ and "method" not in message:
                return message

    def call(self, method: str, params: Any = None, timeout: float = 5.0) -> dict[str, Any]:
        return self.response(self.request(method, params), timeout)

    def initialize(self, capabilities: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        reply = self.call(
            "initialize",
            {"processId": os.getpid(), "rootUri": None, "capabilities": capabilities or {}, **extra},
        )
        self.notify("initialized", {})
        return reply

    def close_stdin(self) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass

    def wait(self, timeout: float = 5.0) -> int:
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
