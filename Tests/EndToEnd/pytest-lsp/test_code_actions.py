"""textDocument/codeAction: each finding's fixes, then "Disable <rule> here" and
"Disable <rule> in this file". Each edit is applied to the text locally and sent
back; the finding must then be gone from the diagnostics of the new version."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import REPO, Document, codes, fixture_text, initialize

BASE = "file:///tmp/facet-e2e/actions"


async def actions_at(client, doc: Document, rng: types.Range, only=None, diagnostics=()):
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.id,
            range=rng,
            context=types.CodeActionContext(diagnostics=list(diagnostics), only=only),
        )
    )
    assert all(isinstance(a, types.CodeAction) for a in result)
    return list(result)


def cursor(doc: Document, needle: str, offset: int = 1) -> types.Range:
    p = doc.position(needle)
    p = types.Position(line=p.line, character=p.character + offset)
    return types.Range(start=p, end=p)


async def open_doc(client, name: str, fixture: str) -> tuple[Document, list[types.Diagnostic]]:
    await initialize(client)
    doc = Document(client, f"{BASE}/{name}", fixture_text(fixture)).open()
    return doc, await doc.diagnostics()


@pytest.mark.asyncio
async def test_actions_for_a_weak_instruction(client):
    doc, diagnostics = await open_doc(client, "weak.system.md", "basic.system.md")
    everything = await actions_at(client, doc, cursor(doc, "Try to"))
    # Besides fixes, the document offers preferences to add (refactor actions), checked below.
    actions = [a for a in everything if a.kind == types.CodeActionKind.QuickFix]
    assert all(a.title.startswith("Add a") for a in everything if a.kind != types.CodeActionKind.QuickFix)
    assert [a.title for a in actions] == [
        'Remove "Try to"',
        "Disable weak-instruction here",
        "Disable weak-instruction in this file",
    ]
    assert all(a.kind == types.CodeActionKind.QuickFix for a in actions)
    assert [a.is_preferred for a in actions] == [True, False, False]
    published = [d for d in diagnostics if d.code == "weak-instruction"][0]
    for action in actions:
        [diagnostic] = action.diagnostics
        assert (diagnostic.code, diagnostic.range, diagnostic.message) == (published.code, published.range, published.message)


@pytest.mark.asyncio
async def test_applying_the_fix_removes_the_finding(client):
    doc, _ = await open_doc(client, "fix.system.md", "basic.system.md")
    [fix, *_] = await actions_at(client, doc, cursor(doc, "Try to"))
    doc.apply_workspace_edit(fix.edit)
    assert "Confirm each booking in one message." in doc.text
    assert codes(await doc.diagnostics()) == ["vague-quantifier"]


@pytest.mark.asyncio
async def test_disable_here_silences_only_that_unit(client):
    await initialize(client)
    text = "You are Orbit, a scheduling assistant.\nTry to book appointments quickly.\nTry to confirm each booking.\n"
    doc = Document(client, f"{BASE}/disable-here.system.md", text).open()
    assert codes(await doc.diagnostics()) == ["weak-instruction", "weak-instruction"]
    actions = await actions_at(client, doc, cursor(doc, "Try to confirm"))
    [disable] = [a for a in actions if a.title == "Disable weak-instruction here"]
    doc.apply_workspace_edit(disable.edit)
    assert "facet-disable weak-instruction" in doc.text
    remaining = await doc.diagnostics()
    assert codes(remaining) == ["weak-instruction"]
    assert doc.text_at(remaining[0].range) == "Try to"
    assert remaining[0].range.start.line == doc.position("Try to book").line


@pytest.mark.asyncio
async def test_disable_in_file_silences_the_rule_everywhere(client):
    await initialize(client)
    text = "You are Orbit, a scheduling assistant.\nTry to book appointments quickly.\nOffer a few slots.\nTry to confirm each booking.\n"
    doc = Document(client, f"{BASE}/disable-file.system.md", text).open()
    assert codes(await doc.diagnostics()) == ["vague-quantifier", "weak-instruction", "weak-instruction"]
    actions = await actions_at(client, doc, cursor(doc, "Try to confirm"))
    [disable] = [a for a in actions if a.title == "Disable weak-instruction in this file"]
    doc.apply_workspace_edit(disable.edit)
    assert "facet-disable-file weak-instruction" in doc.text
    assert codes(await doc.diagnostics()) == ["vague-quantifier"]


@pytest.mark.asyncio
async def test_missing_facet_fix_inserts_a_skeleton_sentence(client):
    doc, diagnostics = await open_doc(client, "skeleton.system.md", "no-role.system.md")
    assert codes(diagnostics) == ["missing-facet"]
    actions = await actions_at(client, doc, diagnostics[0].range)
    fix = actions[0]
    assert fix.is_preferred is True
    assert "role" in fix.title.lower()
    [edit] = fix.edit.changes[doc.uri]
    assert edit.new_text.startswith("You are ")
    doc.apply_workspace_edit(fix.edit)
    assert doc.text.startswith("You are ")
    assert "missing-facet" not in codes(await doc.diagnostics())


@pytest.mark.asyncio
async def test_duplicate_fix_removes_the_repeated_line(client):
    doc, diagnostics = await open_doc(client, "duplicate.system.md", "conflict.system.md")
    duplicate = [d for d in diagnostics if d.code == "duplicate-instruction"][0]
    actions = await actions_at(client, doc, duplicate.range, diagnostics=[duplicate])
    [fix] = [a for a in actions if a.title.startswith("Remove")]
    doc.apply_workspace_edit(fix.edit)
    assert doc.text.count("Always answer in English.") == 1
    assert codes(await doc.diagnostics()) == ["conflicting-instructions"]


@pytest.mark.asyncio
async def test_whole_document_range_offers_each_file_wide_action_once(client):
    doc, diagnostics = await open_doc(client, "all.system.md", "conflict.system.md")
    actions = await actions_at(client, doc, doc.full_range())
    titles = [a.title for a in actions]
    for rule in ("conflicting-instructions", "duplicate-instruction"):
        assert titles.count(f"Disable {rule} in this file") == 1
        assert titles.count(f"Disable {rule} here") == 1


@pytest.mark.asyncio
async def test_only_filter(client):
    doc, _ = await open_doc(client, "only.system.md", "basic.system.md")
    rng = cursor(doc, "Try to")
    refactors = await actions_at(client, doc, rng, only=[types.CodeActionKind.Refactor])
    # "Add a <dimension> preference: <name>", for the dimensions the message does not cover.
    assert refactors and all(a.kind == types.CodeActionKind.Refactor for a in refactors)
    assert all(a.title.startswith(("Add a ", "Add an ")) and " preference: " in a.title for a in refactors)
    assert await actions_at(client, doc, rng, only=[types.CodeActionKind.SourceFixAll]) == []
    assert len(await actions_at(client, doc, rng, only=[types.CodeActionKind.QuickFix])) == 3
    # No fixes where there is no finding.
    assert await actions_at(client, doc, cursor(doc, "Book"), only=[types.CodeActionKind.QuickFix]) == []


@pytest.mark.asyncio
async def test_disable_here_on_a_list_item_of_the_example(client):
    await initialize(client)
    text = (REPO / "examples" / "support-agent.system.md").read_text(encoding="utf-8")
    doc = Document(client, f"{BASE}/support-agent.system.md", text).open()
    before = codes(await doc.diagnostics())
    assert "weak-instruction" in before
    actions = await actions_at(client, doc, cursor(doc, "Try to solve", 2))
    [disable] = [a for a in actions if a.title == "Disable weak-instruction here"]
    line = doc.position("Try to solve").line
    doc.apply_workspace_edit(disable.edit)
    # On the line above the item: inline after "- " it joined the item's text.
    assert doc.text.splitlines()[line].strip() == "<!-- facet-disable weak-instruction -->"
    assert doc.text.splitlines()[line + 1].lstrip().startswith("- Try to solve")
    after = codes(await doc.diagnostics())
    assert after == [c for c in before if c != "weak-instruction"]


@pytest.mark.asyncio
async def test_disable_in_file_goes_after_front_matter(client):
    doc, diagnostics = await open_doc(client, "front-matter.system.md", "variables.system.md")
    assert codes(diagnostics) == ["undefined-variable"]
    actions = await actions_at(client, doc, cursor(doc, "{{subject}}", 3))
    [disable] = [a for a in actions if a.title == "Disable undefined-variable in this file"]
    doc.apply_workspace_edit(disable.edit)
    lines = doc.text.splitlines()
    assert lines[:4] == ["---", "variables: [user_name]", "---", "<!-- facet-disable-file undefined-variable -->"]
    assert await doc.diagnostics() == []
    # The front matter still counts: an unused declared variable is still found.
    doc.replace("{{user_name}}", "the learner")
    assert codes(await doc.diagnostics()) == ["unused-variable"]


@pytest.mark.asyncio
async def test_fix_offered_for_a_diagnostic_in_the_context_at_its_end(client):
    """With the cursor just after the flagged words (where an editor leaves it, and
    where it still shows the diagnostic), the client sends the diagnostic in
    context.diagnostics. The server must offer that diagnostic's fixes."""
    doc, diagnostics = await open_doc(client, "end-of-finding.system.md", "basic.system.md")
    weak = [d for d in diagnostics if d.code == "weak-instruction"][0]
    at_end = types.Range(start=weak.range.end, end=weak.range.end)
    actions = await actions_at(client, doc, at_end, diagnostics=[weak])
    assert 'Remove "Try to"' in [a.title for a in actions]
