"""$/cancelRequest (-32800 RequestCancelled) and edits during a request
(-32801 ContentModified). The server runs with --simulate-latency, so every
document request waits SIMULATED_LATENCY_MS (checking for cancellation) before
computing, which makes the races deterministic."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from conftest import SIMULATED_LATENCY_MS
from helpers import Document, fixture_text, initialize

BASE = "file:///tmp/facet-e2e/cancel"
LATENCY = SIMULATED_LATENCY_MS / 1000


def send(client, method: str, params, msg_id: str):
    return asyncio.ensure_future(client.protocol.send_request_async(method, params, msg_id))


def hover_params(doc: Document, needle: str) -> types.HoverParams:
    p = doc.position(needle)
    return types.HoverParams(text_document=doc.id, position=types.Position(line=p.line, character=p.character + 1))


async def error_code(future) -> int:
    with pytest.raises(JsonRpcException) as error:
        await asyncio.wait_for(future, LATENCY + 5)
    return error.value.code


async def open_slow(client, name: str) -> Document:
    await initialize(client)
    doc = Document(client, f"{BASE}/{name}", fixture_text("basic.system.md")).open()
    await doc.diagnostics()
    return doc


@pytest.mark.asyncio
async def test_cancelled_requests_answer_request_cancelled_at_once(slow_client):
    client = slow_client
    doc = await open_slow(client, "cancel.system.md")
    loop = asyncio.get_running_loop()
    requests = {
        "hover-1": (types.TEXT_DOCUMENT_HOVER, hover_params(doc, "Orbit")),
        "tokens-1": (types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, types.SemanticTokensParams(text_document=doc.id)),
        "pull-1": (types.TEXT_DOCUMENT_DIAGNOSTIC, types.DocumentDiagnosticParams(text_document=doc.id)),
    }
    futures = {id_: send(client, method, params, id_) for id_, (method, params) in requests.items()}
    await asyncio.sleep(0.2)  # the requests are now waiting in the server
    cancelled_at = loop.time()
    for id_ in futures:
        client.cancel_request(types.CancelParams(id=id_))
    for id_, future in futures.items():
        assert await error_code(future) == -32800, id_
    elapsed = loop.time() - cancelled_at
    assert elapsed < LATENCY / 2, f"answers came {elapsed:.2f}s after the cancellation; the simulated latency is {LATENCY}s"


@pytest.mark.asyncio
async def test_cancelling_one_request_leaves_the_others(slow_client):
    client = slow_client
    doc = await open_slow(client, "one-of-two.system.md")
    kept = send(client, types.TEXT_DOCUMENT_HOVER, hover_params(doc, "Try to"), "kept")
    dropped = send(client, types.TEXT_DOCUMENT_HOVER, hover_params(doc, "Orbit"), "dropped")
    await asyncio.sleep(0.2)
    client.cancel_request(types.CancelParams(id="dropped"))
    client.cancel_request(types.CancelParams(id="never-sent"))  # unknown ids are ignored
    assert await error_code(dropped) == -32800
    result = await asyncio.wait_for(kept, LATENCY + 5)
    assert result is not None and "weak-instruction" in result.contents.value
    # Cancelling a request that was already answered changes nothing either.
    client.cancel_request(types.CancelParams(id="kept"))
    folding = await asyncio.wait_for(
        client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc.id)), LATENCY + 5
    )
    assert list(folding) == []


@pytest.mark.asyncio
async def test_edit_during_a_request_answers_content_modified(slow_client):
    client = slow_client
    doc = await open_slow(client, "modified.system.md")
    hover = send(client, types.TEXT_DOCUMENT_HOVER, hover_params(doc, "Try to"), "hover-modified")
    pull = send(client, types.TEXT_DOCUMENT_DIAGNOSTIC, types.DocumentDiagnosticParams(text_document=doc.id), "pull-modified")
    await asyncio.sleep(0.2)
    doc.replace("a few", "three")
    assert await error_code(hover) == -32801
    assert await error_code(pull) == -32801
    # The new version is served normally.
    report = await asyncio.wait_for(
        client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=doc.id)), LATENCY + 5
    )
    assert [d.code for d in report.items] == ["weak-instruction"]


@pytest.mark.asyncio
async def test_close_during_a_request_answers_content_modified(slow_client):
    client = slow_client
    doc = await open_slow(client, "closed.system.md")
    hover = send(client, types.TEXT_DOCUMENT_HOVER, hover_params(doc, "Try to"), "hover-closed")
    await asyncio.sleep(0.2)
    doc.close()
    assert await error_code(hover) == -32801


@pytest.mark.asyncio
async def test_reopen_during_a_request_is_not_answered_from_the_old_text(slow_client):
    """Closing and reopening a document starts its versions again at 1 (as editors
    do). A request computed on the text from before must not be answered as if
    it were about the reopened text."""
    client = slow_client
    doc = await open_slow(client, "reopened.system.md")
    hover = send(client, types.TEXT_DOCUMENT_HOVER, hover_params(doc, "Try to"), "hover-reopened")
    await asyncio.sleep(0.2)
    doc.close()
    reopened = Document(client, doc.uri, "# Scheduling\n").open()
    try:
        result = await asyncio.wait_for(hover, LATENCY + 5)
    except JsonRpcException as error:
        assert error.code == -32801
    else:
        # If answered at all, the answer must be about the text the client now has
        # (one line, a heading, no finding), not about the closed text.
        assert result is None or (
            result.range.end.line < len(reopened.text.splitlines()) and "weak-instruction" not in result.contents.value
        ), f"answered from the closed text: range {result.range}, contents {result.contents.value[:80]!r}"


def test_numeric_request_ids_can_be_cancelled():
    """pygls sends string ids; editors often send numbers."""
    from helpers import FACET_BIN
    from raw_client import RawServer

    server = RawServer(FACET_BIN, "--diagnostics-delay", "0", "--simulate-latency", str(SIMULATED_LATENCY_MS))
    try:
        server.initialize()
        uri = f"{BASE}/numeric.system.md"
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": "You are a bot.\n"}})
        id_ = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}})
        server.notify("$/cancelRequest", {"id": id_})
        reply = server.response(id_, timeout=LATENCY / 2)
        assert reply["error"]["code"] == -32800
    finally:
        server.kill()
