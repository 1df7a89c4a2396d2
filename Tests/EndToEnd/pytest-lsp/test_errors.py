"""JSON-RPC and LSP error answers: not initialized, unknown method, invalid params,
unreadable messages. Most of these need control of the raw byte stream."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from helpers import FACET_BIN, Document, fixture_text, initialize
from raw_client import RawServer

URI = "file:///tmp/facet-e2e/errors.system.md"


@pytest.fixture
def raw():
    server = RawServer(FACET_BIN, "--diagnostics-delay", "0")
    yield server
    server.kill()


def open_raw(server: RawServer, text: str, uri: str = URI) -> None:
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})


def test_requests_before_initialize_answer_server_not_initialized(raw):
    for method, params in [
        ("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
        ("shutdown", None),
        ("facet/noSuchMethod", {}),
    ]:
        reply = raw.call(method, params)
        assert "result" not in reply, method
        assert reply["error"]["code"] == -32002, method

    # The server is still usable afterwards.
    assert "capabilities" in raw.initialize()["result"]


def test_notifications_before_initialize_are_dropped(raw):
    open_raw(raw, fixture_text("basic.system.md"))
    raw.initialize()
    reply = raw.call("textDocument/foldingRange", {"textDocument": {"uri": URI}})
    # The document was never opened as far as the server knows.
    assert reply["error"]["code"] == -32602
    assert not any(m.get("method") == "textDocument/publishDiagnostics" for m in raw.received)


@pytest.mark.asyncio
async def test_unknown_method_answers_method_not_found(client):
    await initialize(client)
    with pytest.raises(JsonRpcException) as error:
        await client.protocol.send_request_async("facet/noSuchMethod", {"x": 1})
    assert error.value.code == -32601
    assert "facet/noSuchMethod" in error.value.message


@pytest.mark.asyncio
async def test_request_on_a_document_that_is_not_open_is_invalid_params(client):
    await initialize(client)
    with pytest.raises(JsonRpcException) as error:
        await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri="file:///tmp/facet-e2e/never-opened.system.md"),
                position=types.Position(line=0, character=0),
            )
        )
    assert error.value.code == -32602


def test_missing_param_answers_invalid_params_naming_the_field(raw):
    raw.initialize()
    open_raw(raw, fixture_text("basic.system.md"))
    reply = raw.call("textDocument/hover", {"textDocument": {"uri": URI}})
    assert reply["error"]["code"] == -32602
    message = reply["error"]["message"]
    assert "position" in message
    # The path should be the field's path in the request: params.position.
    assert "params.position" in message and "params.params" not in message, message


def test_wrongly_typed_param_answers_invalid_params(raw):
    raw.initialize()
    open_raw(raw, fixture_text("basic.system.md"))
    reply = raw.call("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": "zero", "character": 0}})
    assert reply["error"]["code"] == -32602
    assert "line" in reply["error"]["message"]


def test_params_of_the_wrong_shape_answer_invalid_params(raw):
    raw.initialize()
    reply = raw.call("textDocument/documentSymbol", [1, 2, 3])
    assert reply["error"]["code"] == -32602


@pytest.mark.asyncio
async def test_unknown_command_answers_invalid_params(client):
    await initialize(client)
    with pytest.raises(JsonRpcException) as error:
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="facet.noSuchCommand"))
    assert error.value.code == -32602
    assert "facet.showCoverage" in error.value.message  # names the known commands


@pytest.mark.asyncio
async def test_show_coverage_without_an_open_document_answers_invalid_params(client):
    await initialize(client)
    with pytest.raises(JsonRpcException) as error:
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="facet.showCoverage", arguments=[]))
    assert error.value.code == -32602


def test_unparsable_message_answers_parse_error_and_the_server_carries_on(raw):
    raw.initialize()
    body = b'{"jsonrpc": "2.0", "id": 41, "method": '
    raw.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    raw.proc.stdin.flush()
    error = raw.next_message()
    assert error["error"]["code"] == -32700
    assert error["id"] is None
    # The next well-formed request is answered normally.
    open_raw(raw, fixture_text("clean.system.md"))
    reply = raw.call("textDocument/foldingRange", {"textDocument": {"uri": URI}})
    assert reply["result"] == []


def test_message_without_jsonrpc_version_is_an_invalid_request(raw):
    raw.initialize()
    raw.send({"id": 77, "method": "textDocument/foldingRange", "params": {"textDocument": {"uri": URI}}})
    reply = raw.response(77)
    assert reply["error"]["code"] == -32600


@pytest.mark.asyncio
async def test_unknown_notification_is_ignored(client):
    await initialize(client)
    client.protocol.notify("facet/noSuchNotification", {"x": 1})
    doc = Document(client, "file:///tmp/facet-e2e/after-unknown.system.md", fixture_text("basic.system.md")).open()
    assert "weak-instruction" in [d.code for d in await doc.diagnostics()]
