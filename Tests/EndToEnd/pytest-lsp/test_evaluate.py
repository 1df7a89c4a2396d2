"""facet.evaluate: the "★ Evaluate" code lens runs every case on the two
compared endpoints, has the judge score each answer on each rubric, and
writes .facet/previews/NAME.eval.md with per-rubric scores, the flagged gaps
and the per-turn drift; rubrics the models did not follow become diagnostics
on their sentences. The fake endpoint plays both models and the judge (model
names quality-... and judge; see Tests/Support/fake-openai)."""

from __future__ import annotations

import asyncio
import pathlib
from typing import Any

import pytest
from lsprotocol import types

from helpers import Document, fixture_text, wait_until
from test_preview import FakeOpenAI, as_json, capabilities, fake, preview_client, shared_fake  # noqa: F401 (fixtures)

FIXTURE = "evaluate.system.md"
COMMAND = "facet.evaluate"


class EvalWorkspace:
    """.facet.toml comparing a weaker model with a stronger one, judged by the fake's judge."""

    def __init__(self, root: pathlib.Path, fake: FakeOpenAI, small: str):
        def endpoint(name: str, model: str) -> str:
            return f'[endpoints.{name}]\nbase-url = "{fake.base_url}"\nmodel = "{model}"\n\n'

        (root / ".facet.toml").write_text(
            '[preview]\nendpoint = "strong"\ncompare = ["small", "strong"]\n\n[judge]\nendpoint = "judge"\n\n'
            + endpoint("small", small) + endpoint("strong", "quality-5") + endpoint("judge", "judge"),
            encoding="utf-8",
        )
        self.text = fixture_text(FIXTURE)
        self.path = root / "orders.system.md"
        self.path.write_text(self.text, encoding="utf-8")
        self.uri = self.path.resolve().as_uri()
        self.folder = types.WorkspaceFolder(uri=root.resolve().as_uri(), name="evaluate-e2e")


async def open_workspace(client, ws: EvalWorkspace) -> Document:
    await client.initialize_session(
        types.InitializeParams(capabilities=capabilities(), workspace_folders=[ws.folder],
                               client_info=types.ClientInfo(name="facet-e2e", version="1"))
    )
    doc = Document(client, ws.uri, ws.text).open()
    await doc.diagnostics()
    return doc


async def evaluate_lens(client, doc: Document) -> types.CodeLens:
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc.id))
    [lens] = [lens for lens in lenses if lens.command.command == COMMAND]
    return lens


@pytest.mark.asyncio
async def test_the_evaluate_lens_scores_compares_and_reports_drift(preview_client, fake, tmp_path):
    client = preview_client
    # The small model ignores the format, and its third answer in a conversation gets worse.
    ws = EvalWorkspace(tmp_path, fake, small="quality-4+format=1,4+format=1,2+format=1")
    doc = await open_workspace(client, ws)
    lens = await evaluate_lens(client, doc)
    assert lens.command.title == "★ Evaluate: small vs strong"
    assert list(lens.command.arguments) == [doc.uri]

    client.progress_reports.setdefault("eval-token", [])
    result: Any = as_json(await asyncio.wait_for(client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=COMMAND, arguments=list(lens.command.arguments), work_done_token="eval-token")), 20))
    assert result["cancelled"] is False
    # 5 answers per endpoint, each judged on 3 rubrics (role, task, format).
    assert result["requests"] == 40 and fake.stats()["requests"] == 40
    means = {entry["endpoint"]: entry["mean"] for entry in result["endpoints"]}
    assert means["strong"] == 5 and means["small"] < 3.5, means
    assert any(m.startswith("The format instruction was not followed in 3 of 6 judged cases") for m in result["notFollowed"]), result

    reports = client.progress_reports["eval-token"]
    assert reports[0].kind == "begin" and reports[0].title == "Facet evaluation: orders.system.md"
    assert reports[-1].kind == "end"

    text = pathlib.Path(result["file"]).read_text(encoding="utf-8")
    assert result["file"].endswith("/.facet/previews/orders.eval.md")
    for piece in [
        "| Endpoints | small (quality-4+format=1,4+format=1,2+format=1) vs strong (quality-5) — reference |",
        "| format | 1 ⚠ | The response meets the rubric at level 1. |",
        "small vs strong: 0 wins, 0 ties, 3 losses · capacity recovery 0.0% · 3 cases flagged (gap ≥ 1.5)",
        "⚑ small falls short",
        "case 3: conversation on small: turn 1 3 → turn 2 3 → turn 3 1.67 — ⚑ adherence drops by 1.33 at turn 3",
    ]:
        assert piece in text, f"{piece!r} not in\n{text}"

    # The format sentence carries the finding, from the evaluation's own source.
    def not_followed() -> list[types.Diagnostic]:
        return [d for d in client.diagnostics.get(doc.uri, []) if d.code == "not-followed"]

    await wait_until(lambda: not_followed() != [], 5, "the not-followed diagnostic")
    [finding] = [d for d in not_followed() if d.range.start == doc.position("Reply in JSON only.")
                 and d.message.startswith("The format instruction")]
    assert finding.source == "facet eval"
    assert finding.message.startswith("The format instruction was not followed in 3 of 6 judged cases (small: 3 of 3; strong: 0 of 3")
    # The weak third turn of the conversation also marks the role and the task (on every
    # sentence its rubric quotes: the classifier may also read "Reply in JSON only." as a task).
    assert sorted({d.message.split(" was")[0] for d in not_followed()}) == ["The format instruction", "The role", "The task"]

    # Editing the sentence retires the finding; the lint diagnostics stay.
    doc.replace("Reply in JSON only.", "Reply in YAML only.")
    published = await doc.diagnostics()
    assert [d.message.split(" was")[0] for d in published if d.code == "not-followed"] == ["The role", "The task"]


@pytest.mark.asyncio
async def test_cancelling_an_evaluation_stops_its_requests(preview_client, fake, tmp_path):
    client = preview_client
    ws = EvalWorkspace(tmp_path, fake, small="endless")
    doc = await open_workspace(client, ws)
    client.progress_reports.setdefault("cancel-token", [])
    running = asyncio.ensure_future(client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=COMMAND, arguments=[doc.uri], work_done_token="cancel-token")))
    await wait_until(lambda: fake.stats()["requests"] >= 1, 5, "the first request")
    await asyncio.sleep(0.2)
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token="cancel-token"))
    result: Any = as_json(await asyncio.wait_for(running, 5))
    assert result["cancelled"] is True
    await wait_until(lambda: fake.stats()["disconnects"] >= 1, 3, "the fake to count a disconnect")
    text = pathlib.Path(result["file"]).read_text(encoding="utf-8")
    assert "| Status | cancelled |" in text, text
