"""facet.preview: the "▶ Preview" code lenses, and workspace/executeCommand
facet.preview against Tests/Support/fake-openai (an OpenAI-compatible fake whose
model name picks its behaviour): the answers stream into
.facet/previews/NAME.preview.md, $/progress begin/report/end, the cache, force,
cancellation ($/cancelRequest, window/workDoneProgress/cancel, a new preview of
the same document), endpoint faults, and an API key from the editor's settings
that never reaches a file or a log.

Every test writes its workspace (.facet.toml pointing at the fake, the message
with its cases) under pytest's tmp_path and runs the server with its own
--preview-cache, --trace-file and stderr log there."""

from __future__ import annotations

import asyncio
import hashlib
import json
import pathlib
import subprocess
import sys
import urllib.request
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient

from helpers import FACET_BIN, REPO, Document, file_uri, finish, fixture_text, initialize, make_client, wait_until
from raw_client import RawServer

FAKE_OPENAI = REPO / "Tests" / "Support" / "fake-openai" / "fake_openai.py"
FIXTURE = "preview.system.md"
COMMAND = "facet.preview"
API_KEY = "sk-facet-e2e-0123456789abcdef"
HEADER_SECRET = "gw-credential-e2e-fedcba9876"

# The fixture's cases: (name in the result, the user message the fake echoes).
CASES = [
    ("case 1", "What is your refund policy for annual plans?"),
    ("greeting", "Say hello to a new customer."),
    ("follow-up", "The one from March."),
]


# --------------------------------------------------------------------------- the fake endpoint


class FakeOpenAI:
    """Tests/Support/fake-openai/fake_openai.py in a subprocess; it exits when its stdin closes."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen(
            [sys.executable, str(FAKE_OPENAI), "--port", "0", "--exit-on-stdin-eof", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.startswith("PORT "), f"fake_openai.py printed {line!r}"
        self.port = int(line.split()[1])
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def _call(self, method: str, path: str) -> Any:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/__stats")

    def requests(self) -> list[dict[str, Any]]:
        return self._call("GET", "/__requests")

    def reset(self) -> None:
        self._call("POST", "/__reset")

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def shared_fake():
    fake = FakeOpenAI()
    yield fake
    fake.close()


@pytest.fixture
def fake(shared_fake: FakeOpenAI) -> FakeOpenAI:
    """The module's fake, with its recorded requests and counters cleared."""
    shared_fake.reset()
    return shared_fake


@pytest.fixture
def keyed_fake():
    """A fake that answers 401 unless given ``Authorization: Bearer API_KEY``."""
    fake = FakeOpenAI("--api-key", API_KEY)
    yield fake
    fake.close()


# --------------------------------------------------------------------------- workspace and server


class Workspace:
    """A folder with .facet.toml (endpoint profiles pointing at the fake) and the fixture message."""

    def __init__(self, root: pathlib.Path, fake: FakeOpenAI, model: str = "slow-20"):
        self.root = root
        (root / ".facet.toml").write_text(
            "[preview]\n"
            'endpoint = "fake"\n'
            "\n"
            "[endpoints.fake]\n"
            f'base-url = "{fake.base_url}"\n'
            f'model = "{model}"\n'
            "\n"
            "[endpoints.endless]\n"
            f'base-url = "{fake.base_url}"\n'
            'model = "endless"\n'
            "\n"
            "[endpoints.broken]\n"
            f'base-url = "{fake.base_url}"\n'
            'model = "fault-500"\n',
            encoding="utf-8",
        )
        self.text = fixture_text(FIXTURE)
        self.path = root / "billing.system.md"
        self.path.write_text(self.text, encoding="utf-8")
        self.uri = file_uri(self.path)
        self.previews = root / ".facet" / "previews"

    @property
    def folder(self) -> types.WorkspaceFolder:
        return types.WorkspaceFolder(uri=file_uri(self.root), name="preview-e2e")

    @property
    def system_message(self) -> str:
        """What the preview sends as the system message: the file without its front matter."""
        return self.text.split("---\n", 2)[2].strip()


@pytest.fixture
def workspace(tmp_path: pathlib.Path, fake: FakeOpenAI) -> Workspace:
    root = tmp_path / "ws"
    root.mkdir()
    return Workspace(root, fake)


def preview_server_command(scratch: pathlib.Path) -> list[str]:
    """facet lsp with its own preview cache, index and trace file, stderr into a file."""
    return [
        "sh", "-c", 'exec "$@" 2>"$0"', str(scratch / "stderr.log"),
        FACET_BIN, "lsp", "--diagnostics-delay", "0", "--log-level", "debug",
        "--preview-cache", str(scratch / "previews.sqlite"),
        "--index", str(scratch / "index.sqlite"),
        "--trace-file", str(scratch / "trace.log"),
    ]  # fmt: skip


@pytest_asyncio.fixture
async def preview_client(tmp_path: pathlib.Path):
    """A pygls client on a server whose cache, index, trace and stderr live in tmp_path/server."""
    scratch = tmp_path / "server"
    scratch.mkdir()
    client = await ClientServerConfig(server_command=preview_server_command(scratch), client_factory=make_client).start()
    client.scratch = scratch  # type: ignore[attr-defined]
    yield client
    await finish(client)
    await client.stop()


def capabilities(progress: bool = True, show_document: bool = True) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        window=types.WindowClientCapabilities(
            work_done_progress=progress,
            show_document=types.ShowDocumentClientCapabilities(support=show_document),
        )
    )


async def start(client: LanguageClient, ws: Workspace, *, options: Any = None, **caps: bool) -> Document:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(**caps),
            workspace_folders=[ws.folder],
            initialization_options=options,
            client_info=types.ClientInfo(name="facet-e2e", version="1"),
        )
    )
    doc = Document(client, ws.uri, ws.text).open()
    await doc.diagnostics()
    return doc


def as_json(value: Any) -> Any:
    """The command's answer as plain JSON (pygls may hand back attrs objects)."""
    if isinstance(value, (dict, list, str, int, float, bool)) or value is None:
        return value
    return default_converter().unstructure(value)


async def run_preview(client: LanguageClient, doc: Document, options: dict[str, Any] | None = None,
                      token: str | None = None, timeout: float = 10) -> dict[str, Any]:
    arguments: list[Any] = [doc.uri] + ([options] if options is not None else [])
    if token is not None:
        client.progress_reports.setdefault(token, [])  # a token the client made itself
    result = await asyncio.wait_for(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=COMMAND, arguments=arguments, work_done_token=token)
        ),
        timeout,
    )
    return as_json(result)


def send_preview(client: LanguageClient, doc: Document, options: dict[str, Any] | None, msg_id: str,
                 token: str | None = None) -> asyncio.Future:
    """Starts a preview without waiting for it (a request id we choose, for $/cancelRequest)."""
    if token is not None:
        client.progress_reports.setdefault(token, [])
    params = types.ExecuteCommandParams(command=COMMAND, arguments=[doc.uri] + ([options] if options is not None else []),
                                        work_done_token=token)
    return asyncio.ensure_future(client.protocol.send_request_async(types.WORKSPACE_EXECUTE_COMMAND, params, msg_id))


def kinds(reports: list[Any]) -> list[str]:
    return [r.kind for r in reports]


def preview_tokens(client: LanguageClient) -> list[Any]:
    return [t for t, reports in client.progress_reports.items() if reports and getattr(reports[0], "title", "").startswith("Facet preview")]


# --------------------------------------------------------------------------- lenses


@pytest.mark.asyncio
async def test_lenses_offer_a_preview_and_one_per_case(client):
    await initialize(client)
    text = fixture_text(FIXTURE)
    doc = Document(client, "file:///tmp/facet-e2e/preview/lens.system.md", text).open()
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc.id))
    commands = [(lens.command.title, lens.command.command) for lens in lenses]

    [top] = [lens for lens in lenses if lens.command.title == "▶ Preview"]
    assert top.command.command == COMMAND
    assert list(top.command.arguments) == [doc.uri]
    assert top.range.start == types.Position(line=0, character=0)
    # The coverage lens is still there beside it.
    assert [c for c in commands if c[1] == "facet.showCoverage"], commands

    per_case = [lens for lens in lenses if lens.command.title.startswith("▶ Preview case ")]
    assert [lens.command.title for lens in per_case] == ["▶ Preview case 1", "▶ Preview case 2", "▶ Preview case 3"]
    lines = text.splitlines()
    for number, lens in enumerate(per_case, start=1):
        assert lens.command.command == COMMAND
        uri, options = lens.command.arguments
        assert uri == doc.uri
        assert as_json(options) == {"case": number}
        # Each sits on its item of `cases:` (the "- " lines directly under it).
        assert lines[lens.range.start.line].startswith("  - "), (number, lens.range, lines[lens.range.start.line])
    item_lines = [i for i, line in enumerate(lines) if line.startswith("  - ")]
    assert [lens.range.start.line for lens in per_case] == item_lines


@pytest.mark.asyncio
async def test_a_message_without_cases_gets_only_the_preview_lens(client):
    await initialize(client)
    doc = Document(client, "file:///tmp/facet-e2e/preview/no-cases.system.md", fixture_text("basic.system.md")).open()
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc.id))
    titles = [lens.command.title for lens in lenses if lens.command.command == COMMAND]
    assert titles == ["▶ Preview"]


# --------------------------------------------------------------------------- streaming


@pytest.mark.asyncio
async def test_preview_streams_the_answers_into_the_preview_file(preview_client, fake, workspace):
    client = preview_client
    doc = await start(client, workspace)
    preview_file = workspace.previews / "billing.preview.md"

    # Watch the file while the request runs: it must be rewritten as text arrives.
    snapshots: list[str] = []

    async def watch():
        while True:
            if preview_file.exists():
                text = preview_file.read_text(encoding="utf-8")
                if not snapshots or snapshots[-1] != text:
                    snapshots.append(text)
            await asyncio.sleep(0.01)

    watcher = asyncio.ensure_future(watch())
    try:
        result = await run_preview(client, doc)
    finally:
        watcher.cancel()

    # The answer.
    assert pathlib.Path(result["file"]).parent == workspace.previews, result
    # billing.system.md gives billing.preview.md: a name no editor set-up takes for a system message.
    assert pathlib.Path(result["file"]) == preview_file
    assert [(c["name"], c["status"], c["cached"]) for c in result["cases"]] == [(name, "done", False) for name, _ in CASES]
    assert all("error" not in c for c in result["cases"]), result

    # The file, once finished.
    final = preview_file.read_text(encoding="utf-8")
    for _, user in CASES:
        assert f"Echo: {user}" in final, final
    assert f"fake ({fake.base_url})" in final
    assert "| Model | slow-20 |" in final
    digest = hashlib.sha256(workspace.system_message.encode("utf-8")).hexdigest()[:12]
    assert f"`sha256:{digest}`" in final, final
    assert "Sorry to hear that. Which invoice is it?" in final  # the written reply is shown as such
    assert "streaming…" not in final

    # ... and on the way: several versions, some with an answer only partly there.
    partial = [s for s in snapshots if "streaming…" in s]
    assert len(snapshots) >= 3 and partial, f"{len(snapshots)} versions of the file seen, {len(partial)} while streaming"
    assert "running" in partial[0]

    # The fake got the system message, then each case's conversation.
    sent = fake.requests()
    assert len(sent) == 3
    for request, (_, user) in zip(sent, CASES):
        assert request["model"] == "slow-20" and request["stream"] is True
        assert request["messages"][0] == {"role": "system", "content": workspace.system_message}
        assert request["messages"][-1] == {"role": "user", "content": user}
    assert [m["role"] for m in sent[2]["messages"]] == ["system", "user", "assistant", "user"]

    # window/showDocument for the file, without taking focus.
    [shown] = client.shown_documents
    assert shown.uri == file_uri(preview_file)
    assert not shown.take_focus


@pytest.mark.asyncio
async def test_progress_on_a_token_the_server_creates(preview_client, fake, workspace):
    client = preview_client
    doc = await start(client, workspace, progress=True)
    result = await run_preview(client, doc)
    assert [c["status"] for c in result["cases"]] == ["done"] * 3

    # pytest-lsp registers a token when the server sends window/workDoneProgress/create and
    # warns (an error here, see pytest.ini) about progress on any other token.
    [token] = preview_tokens(client)
    assert isinstance(token, str) and token.startswith("facet-preview-")
    reports = client.progress_reports[token]
    assert reports[0].kind == "begin" and reports[-1].kind == "end"
    assert kinds(reports).count("begin") == 1 and kinds(reports).count("end") == 1
    assert "report" in kinds(reports)
    begin = reports[0]
    assert begin.title == "Facet preview: billing.system.md"
    assert begin.cancellable is True
    assert "fake" in begin.message and "slow-20" in begin.message
    percentages = [r.percentage for r in reports if r.kind == "report" and r.percentage is not None]
    assert percentages == sorted(percentages) and all(0 <= p <= 100 for p in percentages)
    assert any("Echo:" in (r.message or "") for r in reports if r.kind == "report")
    assert reports[-1].message == "3 of 3 cases answered"


@pytest.mark.asyncio
async def test_progress_on_the_clients_token(preview_client, fake, workspace):
    client = preview_client
    # The client offers its own token with the request, so the server needs no create.
    doc = await start(client, workspace, progress=False, show_document=False)
    result = await run_preview(client, doc, {"case": 2}, token="preview-token-1")
    assert [(c["name"], c["status"]) for c in result["cases"]] == [("greeting", "done")]
    reports = client.progress_reports["preview-token-1"]
    assert reports[0].kind == "begin" and reports[-1].kind == "end"
    assert "report" in kinds(reports)
    assert list(client.progress_reports) == ["preview-token-1"]
    # One case only: the second.
    [request] = fake.requests()
    assert request["messages"][-1]["content"] == CASES[1][1]
    # No showDocument for a client that cannot show documents; the file is written all the same.
    assert client.shown_documents == []
    assert f"Echo: {CASES[1][1]}" in pathlib.Path(result["file"]).read_text(encoding="utf-8")


@pytest.mark.asyncio
async def test_no_progress_for_a_client_without_work_done_progress(preview_client, fake, workspace):
    client = preview_client
    doc = await start(client, workspace, progress=False, show_document=False)
    result = await run_preview(client, doc, {"case": 1})
    assert [c["status"] for c in result["cases"]] == ["done"]
    assert client.progress_reports == {}


# --------------------------------------------------------------------------- cache and force


@pytest.mark.asyncio
async def test_the_same_preview_again_comes_from_the_cache_and_force_sends_it_again(preview_client, fake, workspace):
    client = preview_client
    doc = await start(client, workspace)
    first = await run_preview(client, doc)
    assert [c["cached"] for c in first["cases"]] == [False] * 3
    assert fake.stats()["requests"] == 3

    second = await run_preview(client, doc)
    assert fake.stats()["requests"] == 3, "the second, identical preview reached the endpoint"
    assert [(c["name"], c["status"], c["cached"]) for c in second["cases"]] == [(name, "done", True) for name, _ in CASES]
    text = pathlib.Path(second["file"]).read_text(encoding="utf-8")
    assert text.count("(cached)") == 3, text
    for _, user in CASES:
        assert f"Echo: {user}" in text
    tokens = preview_tokens(client)
    assert len(tokens) == 2
    assert client.progress_reports[tokens[1]][-1].message == "3 of 3 cases answered (3 from the cache)"

    forced = await run_preview(client, doc, {"force": True})
    assert fake.stats()["requests"] == 6, "force did not send the cases again"
    assert [(c["status"], c["cached"]) for c in forced["cases"]] == [("done", False)] * 3
    assert "(cached)" not in pathlib.Path(forced["file"]).read_text(encoding="utf-8")

    # A changed message is a different preview: not served from the cache.
    doc.replace("at most three sentences", "at most two sentences")
    changed = await run_preview(client, doc, {"case": 1})
    assert [c["cached"] for c in changed["cases"]] == [False]
    assert fake.stats()["requests"] == 7
    assert "at most two sentences" in fake.requests()[-1]["messages"][0]["content"]


# --------------------------------------------------------------------------- cancellation


async def wait_for_ticks(client: LanguageClient, token: str) -> None:
    """Until the endless stream has produced text (a progress report quoting it)."""
    await wait_until(
        lambda: any("tick" in (r.message or "") for r in client.progress_reports.get(token, []) if r.kind == "report"),
        5, "the endless answer to stream")


@pytest.mark.asyncio
async def test_work_done_progress_cancel_stops_the_preview(preview_client, fake, workspace):
    client = preview_client
    doc = await start(client, workspace, progress=False)
    running = send_preview(client, doc, {"endpoint": "endless"}, "endless-1", token="endless-token")
    await wait_for_ticks(client, "endless-token")
    assert fake.stats()["disconnects"] == 0

    loop = asyncio.get_running_loop()
    cancelled_at = loop.time()
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token="endless-token"))
    result = as_json(await asyncio.wait_for(running, 5))
    elapsed = loop.time() - cancelled_at
    assert elapsed < 1.0, f"answered {elapsed:.2f}s after the cancel"

    assert [(c["name"], c["status"]) for c in result["cases"]] == [(name, "cancelled") for name, _ in CASES]
    assert client.progress_reports["endless-token"][-1].kind == "end"
    assert client.progress_reports["endless-token"][-1].message == "cancelled"
    # The HTTP stream was dropped: the fake saw its write fail. Only the first case was sent.
    await wait_until(lambda: fake.stats()["disconnects"] == 1, 3, "the fake to count a disconnect")
    assert fake.stats()["requests"] == 1
    text = pathlib.Path(result["file"]).read_text(encoding="utf-8")
    assert "| Status | cancelled |" in text and "tick" in text, text
    # No warning for a cancellation the user asked for.
    assert client.messages == []


@pytest.mark.asyncio
async def test_shutdown_during_a_preview_leaves_its_file_whole(preview_client, fake, workspace):
    """The file gets its last state before shutdown answers; a write still
    running at exit used to leave a temporary file beside it."""
    client = preview_client
    doc = await start(client, workspace, progress=False)
    send_preview(client, doc, {"endpoint": "endless"}, "endless-shutdown", token="shutdown-token")
    await wait_for_ticks(client, "shutdown-token")
    await asyncio.wait_for(client.shutdown_session(), 5)
    await wait_until(lambda: client._server.returncode is not None, 5, "the server to exit")  # type: ignore[union-attr]
    assert client._server.returncode == 0  # type: ignore[union-attr]
    files = sorted(p.name for p in workspace.previews.iterdir())
    assert files == [".gitignore", "billing.preview.md"], files
    text = (workspace.previews / "billing.preview.md").read_text(encoding="utf-8")
    assert "| Status | stopped: the server was shut down |" in text and "tick" in text, text
    # The stream was dropped. Waited for here, so that the fake does not count it
    # in a later test (it notices at its next write).
    await wait_until(lambda: fake.stats()["disconnects"] == 1, 3, "the fake to count a disconnect")


@pytest.mark.asyncio
async def test_cancel_request_stops_the_preview(preview_client, fake, workspace):
    client = preview_client
    doc = await start(client, workspace, progress=False)
    running = send_preview(client, doc, {"endpoint": "endless"}, "endless-2", token="endless-token-2")
    await wait_for_ticks(client, "endless-token-2")
    loop = asyncio.get_running_loop()
    cancelled_at = loop.time()
    client.cancel_request(types.CancelParams(id="endless-2"))
    with pytest.raises(JsonRpcException) as error:
        await asyncio.wait_for(running, 5)
    assert error.value.code == -32800
    assert loop.time() - cancelled_at < 1.0
    await wait_until(lambda: fake.stats()["disconnects"] == 1, 3, "the fake to count a disconnect")
    assert client.progress_reports["endless-token-2"][-1].kind == "end"


@pytest.mark.asyncio
async def test_a_new_preview_of_the_same_document_replaces_the_running_one(preview_client, fake, workspace):
    client = preview_client
    doc = await start(client, workspace, progress=False)
    old = send_preview(client, doc, {"endpoint": "endless"}, "old", token="old-token")
    await wait_for_ticks(client, "old-token")
    new = send_preview(client, doc, {"case": 2}, "new", token="new-token")
    old_result = as_json(await asyncio.wait_for(old, 5))
    assert [c["status"] for c in old_result["cases"]] == ["cancelled"] * 3
    assert client.progress_reports["old-token"][-1].message == "cancelled"
    new_result = as_json(await asyncio.wait_for(new, 10))
    assert [(c["name"], c["status"]) for c in new_result["cases"]] == [("greeting", "done")]
    await wait_until(lambda: fake.stats()["disconnects"] == 1, 3, "the fake to count a disconnect")
    # The file shows the newer preview.
    text = pathlib.Path(new_result["file"]).read_text(encoding="utf-8")
    assert f"Echo: {CASES[1][1]}" in text and "tick" not in text


# --------------------------------------------------------------------------- faults


@pytest.mark.asyncio
async def test_an_endpoint_fault_is_in_the_answer_the_file_and_a_message(preview_client, fake, workspace):
    client = preview_client
    doc = await start(client, workspace)
    result = await run_preview(client, doc, {"endpoint": "broken"})
    assert [c["status"] for c in result["cases"]] == ["failed"] * 3
    for case in result["cases"]:
        assert "HTTP 500" in case["error"] and "internal boom" in case["error"], case
    shown = await wait_until(lambda: [m for m in client.messages if "internal boom" in m.message], what="window/showMessage")
    assert shown[0].type == types.MessageType.Warning
    assert shown[0].message.startswith("Facet preview:")
    [token] = preview_tokens(client)
    assert "internal boom" in client.progress_reports[token][-1].message
    text = pathlib.Path(result["file"]).read_text(encoding="utf-8")
    assert "⚠" in text and "internal boom" in text and "| Model | fault-500 |" in text


@pytest.mark.asyncio
@pytest.mark.parametrize("warm_up", [True, False])
async def test_warm_up_off_in_the_settings_reaches_a_server_that_drops_kept_alive_requests(preview_client, tmp_path, warm_up):
    """The fake drops a request sent on a connection that served the warm-up GET, as some proxies do."""
    client = preview_client
    fake = FakeOpenAI()
    try:
        root = tmp_path / "dropping"
        root.mkdir()
        ws = Workspace(root, fake, model="fault-drop-reused")
        doc = await start(client, ws, options={"preview": {"endpoints": {"fake": {"timeout": 1, "warmUp": warm_up}}}})
        result = await run_preview(client, doc, {"case": 1})
        [case] = result["cases"]
        if warm_up:
            assert case["status"] == "failed", case
            assert "did not start answering within 1 s" in case["error"] and "warmUp in the editor's settings" in case["error"], case
        else:
            assert case["status"] == "done", case
            assert f"Echo: {CASES[0][1]}" in pathlib.Path(result["file"]).read_text(encoding="utf-8")
    finally:
        fake.close()


@pytest.mark.asyncio
async def test_a_case_that_does_not_exist_is_invalid_params(preview_client, fake, workspace):
    client = preview_client
    doc = await start(client, workspace)
    with pytest.raises(JsonRpcException) as error:
        await run_preview(client, doc, {"case": 9})
    assert error.value.code == -32602
    assert "case 9 does not exist" in error.value.message
    await wait_until(lambda: [m for m in client.messages if "case 9" in m.message], what="window/showMessage")
    assert fake.stats()["requests"] == 0
    assert not workspace.previews.exists()


# --------------------------------------------------------------------------- API keys


def secret_free(path: pathlib.Path) -> bool:
    data = path.read_bytes()
    return API_KEY.encode() not in data and HEADER_SECRET.encode() not in data


@pytest.mark.asyncio
@pytest.mark.parametrize("via", ["initializationOptions", "workspace/configuration"])
async def test_an_api_key_from_the_settings_is_sent_and_never_written(preview_client, keyed_fake, tmp_path, via):
    client = preview_client
    root = tmp_path / "keyed"
    root.mkdir()
    ws = Workspace(root, keyed_fake)
    settings = {"preview": {"endpoints": {"fake": {"apiKey": API_KEY, "headers": {"X-Gateway-Token": HEADER_SECRET}}}}}
    if via == "initializationOptions":
        doc = await start(client, ws, options=settings)
    else:
        client.set_configuration(settings, section="facet")
        caps = capabilities()
        caps.workspace = types.WorkspaceClientCapabilities(configuration=True)
        await client.initialize_session(types.InitializeParams(capabilities=caps, workspace_folders=[ws.folder]))
        await wait_until(lambda: client.server_requests, what="workspace/configuration")  # type: ignore[attr-defined]
        doc = Document(client, ws.uri, ws.text).open()
        await doc.diagnostics()

    result = await run_preview(client, doc)
    assert [c["status"] for c in result["cases"]] == ["done"] * 3, result
    requests = keyed_fake.requests()
    assert len(requests) == 3 and all(r["authorized"] for r in requests)
    assert all(r["headers"].get("x-gateway-token") == HEADER_SECRET for r in requests), requests[0]["headers"]

    await finish(client)  # the server exits: its logs are complete
    scratch: pathlib.Path = client.scratch  # type: ignore[attr-defined]
    stderr_log, trace = scratch / "stderr.log", scratch / "trace.log"
    assert "preview of" in stderr_log.read_text(encoding="utf-8"), "the server's debug log is missing"
    assert "facet.preview" in trace.read_text(encoding="utf-8"), "the trace is missing"
    for path in [pathlib.Path(result["file"]), stderr_log, trace, *scratch.glob("previews.sqlite*")]:
        assert secret_free(path), f"the API key or the gateway credential is in {path}"


@pytest.mark.asyncio
async def test_without_the_key_the_endpoint_refuses_and_the_answer_says_so(preview_client, keyed_fake, tmp_path):
    """The key above is what made the difference."""
    client = preview_client
    root = tmp_path / "unkeyed"
    root.mkdir()
    doc = await start(client, Workspace(root, keyed_fake))
    result = await run_preview(client, doc)
    assert [c["status"] for c in result["cases"]] == ["failed"] * 3
    assert "401" in result["cases"][0]["error"], result
    # Unauthorized is the same for every case: only the first is sent.
    assert len(keyed_fake.requests()) == 1


# --------------------------------------------------------------------------- a refused progress token


def test_a_refused_progress_token_gets_no_progress(tmp_path, fake):
    """LSP 3.17, window/workDoneProgress/create: "In case an error occurs a server
    must not send any progress notification using the token provided". Facet holds
    `begin` until the client answers create, and sends nothing after a refusal."""
    root = tmp_path / "ws"
    root.mkdir()
    ws = Workspace(root, fake)
    server = RawServer(FACET_BIN, "--diagnostics-delay", "0", "--log-level", "info",
                       "--preview-cache", str(tmp_path / "p.sqlite"), "--index", str(tmp_path / "i.sqlite"))
    try:
        server.initialize({"window": {"workDoneProgress": True}}, workspaceFolders=[{"uri": file_uri(root), "name": "ws"}])
        server.notify("textDocument/didOpen", {"textDocument": {"uri": ws.uri, "languageId": "markdown", "version": 1, "text": ws.text}})
        request = server.request("workspace/executeCommand", {"command": COMMAND, "arguments": [ws.uri, {"case": 1}]})
        token = None
        on_token: list[str] = []
        while True:
            message = server.next_message(10)
            if message.get("method") == "window/workDoneProgress/create":
                token = message["params"]["token"]
                server.send({"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32603, "message": "no progress, thanks"}})
            elif message.get("method") == "$/progress" and token is not None and message["params"]["token"] == token:
                on_token.append(message["params"]["value"]["kind"])
            elif message.get("id") == request and "method" not in message:
                break
        assert token is not None
        assert message["result"]["cases"][0]["status"] == "done"
        # The server did read the refusal (it logs it) while the case was still streaming.
        assert any(b"progress refused: no progress, thanks" in line for line in server.stderr_lines), server.stderr_lines
        assert on_token == [], on_token
    finally:
        server.kill()
