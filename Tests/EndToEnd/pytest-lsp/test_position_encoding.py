"""Position encoding negotiation: columns after astral characters (emoji, two
UTF-16 units, four UTF-8 bytes) and CJK (one UTF-16 unit, three UTF-8 bytes)
are counted in the encoding the server announced, both in what it sends and in
the edits and positions it receives."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import Document, codes, column_units, decode_tokens, fixture_text, initialize

URI = "file:///tmp/facet-e2e/encoding/unicode.system.md"
ENCODINGS = ["utf-16", "utf-8"]


async def open_unicode(client, encoding: str) -> Document:
    result = await initialize(client, encodings=["utf-8", "utf-16"] if encoding == "utf-8" else None)
    assert result.capabilities.position_encoding == encoding
    return Document(client, URI, fixture_text("unicode.system.md"), encoding=encoding).open()


@pytest.mark.asyncio
@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_diagnostic_columns_follow_the_negotiated_encoding(client, encoding):
    doc = await open_unicode(client, encoding)
    diagnostics = sorted(await doc.diagnostics(), key=lambda d: d.range.start.character)
    line = doc.text.splitlines()[1]
    expected = ["a few", "Try to", "maybe"]
    assert [d.range.start.line for d in diagnostics] == [1, 1, 1]
    for diagnostic, needle in zip(diagnostics, expected, strict=True):
        prefix = line[: line.index(needle)]
        assert diagnostic.range.start.character == column_units(prefix, encoding), needle
        assert diagnostic.range.end.character == column_units(prefix + needle, encoding), needle
        assert doc.text_at(diagnostic.range) == needle


@pytest.mark.asyncio
async def test_utf16_columns(client):
    doc = await open_unicode(client, "utf-16")
    maybe = [d for d in await doc.diagnostics() if doc.text_at(d.range) == "maybe"][0]
    # "😀 日本語の先生: Give a few examples. Try to explain 🎌 grammar, " is 59 UTF-16 units (57 code points).
    assert maybe.range.start == types.Position(line=1, character=59)


@pytest.mark.asyncio
async def test_utf8_columns(client):
    doc = await open_unicode(client, "utf-8")
    maybe = [d for d in await doc.diagnostics() if doc.text_at(d.range) == "maybe"][0]
    # The same prefix is 75 UTF-8 bytes.
    assert maybe.range.start == types.Position(line=1, character=75)


@pytest.mark.asyncio
@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_incremental_edits_use_the_negotiated_encoding(client, encoding):
    doc = await open_unicode(client, encoding)
    await doc.diagnostics()
    doc.replace("🎌", "🇯🇵 and 中文")   # astral characters replaced right after other astral characters
    doc.replace("a few", "three")
    doc.insert(doc.position("grammar"), "🙂")
    diagnostics = await doc.diagnostics()
    assert codes(diagnostics) == ["weak-instruction", "weak-instruction"]
    assert sorted(doc.text_at(d.range) for d in diagnostics) == ["Try to", "maybe"]

    # Hover inside "maybe", at a column counted in the same encoding.
    position = doc.position("maybe")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc.id, position=types.Position(line=position.line, character=position.character + 2))
    )
    assert hover is not None
    assert "weak-instruction" in hover.contents.value
    assert "maybe" in hover.contents.value


@pytest.mark.asyncio
@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_semantic_token_lengths_follow_the_negotiated_encoding(client, encoding):
    doc = await open_unicode(client, encoding)
    result = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=doc.id))
    tokens = decode_tokens(result.data, doc.text, encoding)
    line = doc.text.splitlines()[1]
    on_line = [t for t in tokens if t["line"] == 1]
    assert on_line, tokens
    for token in on_line:
        # Each token is a whole piece of the line, cut at character boundaries.
        assert token["text"] and token["text"] in line
        assert token["length"] == column_units(token["text"], encoding)
    assert any("🎌" in t["text"] for t in on_line)
