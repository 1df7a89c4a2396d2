"""textDocument/documentSymbol and textDocument/foldingRange."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import Document, fixture_text, initialize

BASE = "file:///tmp/facet-e2e/outline"


def contains(outer: types.Range, inner: types.Range) -> bool:
    return (outer.start.line, outer.start.character) <= (inner.start.line, inner.start.character) and (
        inner.end.line,
        inner.end.character,
    ) <= (outer.end.line, outer.end.character)


@pytest.mark.asyncio
async def test_document_symbols_nest_headings_and_sections(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/outline.system.md", fixture_text("outline.system.md")).open()
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc.id))
    assert all(isinstance(s, types.DocumentSymbol) for s in symbols)

    [root] = symbols
    assert root.name == "Assistant"
    assert root.kind == types.SymbolKind.Namespace
    assert doc.text_at(root.selection_range) == "Assistant"
    assert "role" in root.detail.split(", ")
    assert root.range.start == types.Position(line=0, character=0)
    assert root.range.end.line == len(doc.text.splitlines()) - 1

    task, fmt = root.children
    assert (task.name, fmt.name) == ("Task", "Format")
    assert "task" in task.detail.split(", ")
    assert "format" in fmt.detail.split(", ")
    [section] = task.children
    assert section.name == "<examples>"
    assert section.kind == types.SymbolKind.Struct
    assert doc.text_at(section.selection_range) == "<examples>"
    assert doc.text_at(section.range).endswith("</examples>")

    def check(symbol):
        assert contains(symbol.range, symbol.selection_range), symbol.name
        for child in symbol.children or []:
            assert contains(symbol.range, child.range), (symbol.name, child.name)
            check(child)

    check(root)
    # Task ends before the Format heading.
    assert task.range.end.line < fmt.range.start.line


@pytest.mark.asyncio
async def test_no_symbols_without_headings(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/flat.system.md", fixture_text("basic.system.md")).open()
    assert list(await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc.id))) == []


@pytest.mark.asyncio
async def test_folding_ranges(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/folding.system.md", fixture_text("outline.system.md")).open()
    ranges = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc.id))
    lines = doc.text.splitlines()
    got = {(r.start_line, r.end_line, r.kind) for r in ranges}
    region, comment = types.FoldingRangeKind.Region, types.FoldingRangeKind.Comment
    expected = {
        (0, len(lines) - 1, region),  # "# Assistant" to the end
        (lines.index("## Task"), lines.index("</examples>"), region),
        (lines.index("<examples>"), lines.index("</examples>"), region),
        (lines.index("## Format"), len(lines) - 1, region),
        (lines.index("```text"), lines.index("```", lines.index("```text") + 1), region),
        (lines.index("<!--"), lines.index("-->"), comment),
    }
    assert got == expected
    starts = [(r.start_line, r.end_line) for r in ranges]
    assert starts == sorted(starts)


@pytest.mark.asyncio
async def test_front_matter_folds(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/front.system.md", fixture_text("variables.system.md")).open()
    ranges = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc.id))
    assert [(r.start_line, r.end_line) for r in ranges] == [(0, 2)]
