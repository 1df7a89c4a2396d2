"""textDocument/semanticTokens/full and /range, decoded from LSP's 5-integer
relative encoding against the document text."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import Document, decode_tokens, fixture_text, initialize

BASE = "file:///tmp/facet-e2e/tokens"


async def full_tokens(client, doc: Document):
    result = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=doc.id))
    return decode_tokens(result.data, doc.text, doc.encoding)


async def range_tokens(client, doc: Document, start_line: int, end_line: int):
    rng = types.Range(start=types.Position(line=start_line, character=0), end=types.Position(line=end_line, character=0))
    result = await client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(text_document=doc.id, range=rng)
    )
    return decode_tokens(result.data, doc.text, doc.encoding)


def well_formed(tokens, text: str) -> None:
    lines = text.splitlines()
    previous = (-1, -1)
    for t in tokens:
        assert t["length"] > 0
        assert t["modifiers"] == 0
        assert t["start"] + t["length"] <= len(lines[t["line"]]), t  # single-line, inside its line (ASCII here)
        assert (t["line"], t["start"]) > previous, "tokens must be sorted and not overlap"
        previous = (t["line"], t["start"] + t["length"] - 1)


@pytest.mark.asyncio
async def test_full_tokens_colour_each_unit_by_its_facet(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/basic.system.md", fixture_text("basic.system.md")).open()
    tokens = await full_tokens(client, doc)
    well_formed(tokens, doc.text)
    by_text = {t["text"]: t["type"] for t in tokens}
    assert by_text["You are Orbit, a scheduling assistant for a dental clinic."] == "role"
    assert by_text["Book, move and cancel appointments for patients."] == "task"
    assert [t["line"] for t in tokens] == [0, 1, 2, 3]


@pytest.mark.asyncio
async def test_variables_are_cut_out_of_their_unit(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/variables.system.md", fixture_text("variables.system.md")).open()
    tokens = await full_tokens(client, doc)
    well_formed(tokens, doc.text)
    line3 = [(t["text"], t["type"]) for t in tokens if t["line"] == 3]
    assert line3 == [("You are a tutor for ", "role"), ("{{user_name}}", "variable"), (".", "role")]
    assert ("{{subject}}", "variable") in [(t["text"], t["type"]) for t in tokens if t["line"] == 4]


@pytest.mark.asyncio
async def test_range_tokens_are_the_full_tokens_in_that_range(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/outline.system.md", fixture_text("outline.system.md")).open()
    full = await full_tokens(client, doc)
    assert any(t["type"] == "role" and t["text"].startswith("You are Quill") for t in full)

    partial = await range_tokens(client, doc, 2, 7)
    assert partial, "no tokens in lines 2-6"
    assert all(2 <= t["line"] < 7 for t in partial)
    assert partial == [t for t in full if 2 <= t["line"] < 7]
    assert partial[0]["type"] == "role" and partial[0]["text"].startswith("You are Quill")

    later = await range_tokens(client, doc, 13, 16)
    assert later == [t for t in full if 13 <= t["line"] < 16]
    assert all(t["type"] != "role" for t in later)


@pytest.mark.asyncio
async def test_tokens_follow_edits(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/edited.system.md", fixture_text("clean.system.md")).open()
    await doc.diagnostics()
    doc.edit(
        [
            types.TextEdit(
                range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=1, character=0)),
                new_text="",
            )
        ]
    )
    tokens = await full_tokens(client, doc)
    well_formed(tokens, doc.text)
    assert "role" not in [t["type"] for t in tokens]
    assert tokens[0]["line"] == 0 and tokens[0]["text"] == "Book, move and cancel appointments for patients."


@pytest.mark.asyncio
async def test_a_unit_over_several_lines_gives_one_token_per_line(client):
    await initialize(client)
    text = "You are Orbit,\na scheduling assistant for a dental clinic.\n\nBook, move and cancel appointments for patients.\n"
    doc = Document(client, f"{BASE}/wrapped.system.md", text).open()
    tokens = await full_tokens(client, doc)
    well_formed(tokens, doc.text)
    assert [(t["line"], t["text"], t["type"]) for t in tokens] == [
        (0, "You are Orbit,", "role"),
        (1, "a scheduling assistant for a dental clinic.", "role"),
        (3, "Book, move and cancel appointments for patients.", "task"),
    ]
