"""`facet check --format sarif` read by a SARIF object model written by others
(sarif-pydantic): every object and field Facet writes must be one SARIF 2.1.0
defines, with the type it defines, and the fixes must apply to the file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from pydantic import BaseModel
from sarif_pydantic import Sarif

from helpers import FACET_BIN

MESSAGE = (
    "Try to be brief.\r\n"
    "Explain every step in detail.\r\n"
    "Use a few examples.\r\n"
    "<rules>\r\n"
    "<!-- facet-disable not-a-rule -->\r\n"
    "Answer in English.\r\n"
)


# SARIF 2.1.0 defines these, the object model does not (yet): checked by hand below.
NOT_MODELLED = {"toolExecutionNotifications"}


def unknown_fields(model: BaseModel, where: str = "sarif") -> list[str]:
    """Fields the model does not define, anywhere in the tree (the model allows them,
    so a misspelled or invented field would otherwise pass)."""
    found = [f"{where}.{name}" for name in (model.model_extra or {}) if name not in NOT_MODELLED]
    for name in type(model).model_fields:
        value = getattr(model, name)
        values = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else [value]
        for index, item in enumerate(values):
            if isinstance(item, BaseModel):
                found += unknown_fields(item, f"{where}.{name}[{index}]")
    return found


def check(tmp_path: Path, *paths: str) -> tuple[int, dict]:
    run = subprocess.run([FACET_BIN, "check", "--format", "sarif", *paths], cwd=tmp_path, capture_output=True, timeout=60)
    return run.returncode, json.loads(run.stdout)


def test_sarif_output_is_sarif_with_fixes_that_apply(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    message = tmp_path / "sub" / "a b.system.md"
    message.write_bytes(MESSAGE.encode())
    status, document = check(tmp_path, "sub/a b.system.md", str(tmp_path / "missing.system.md"))
    assert status == 2  # the missing file
    sarif = Sarif.model_validate(document)
    assert unknown_fields(sarif) == []

    run = sarif.runs[0]
    assert run.tool.driver.name == "facet"
    rule_ids = {rule.id for rule in run.tool.driver.rules}
    results = run.results
    assert {"conflicting-instructions", "weak-instruction", "vague-quantifier", "unbalanced-section", "unknown-rule"} <= {
        result.rule_id for result in results
    }
    assert all(result.rule_id in rule_ids for result in results)
    base = run.original_uri_base_ids["SRCROOT"].uri
    assert base == tmp_path.resolve().as_uri() + "/" or base == tmp_path.as_uri() + "/"
    location = results[0].locations[0].physical_location
    assert location.artifact_location.uri == "sub/a%20b.system.md"
    assert location.artifact_location.uri_base_id == "SRCROOT"
    assert run.invocations[0].execution_successful is False
    notifications = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notifications] == ["error"]
    assert notifications[0]["message"]["text"].endswith("missing.system.md: cannot read: No such file or directory")

    # Each fix, applied to the bytes, changes the file as the JSON format's fix does.
    raw = message.read_bytes()
    json_findings = json.loads(
        subprocess.run([FACET_BIN, "check", "--format", "json", "sub/a b.system.md"], cwd=tmp_path, capture_output=True, timeout=60).stdout
    )["files"][0]["findings"]
    fixed = 0
    for result, finding in zip(results, json_findings):
        assert result.rule_id == finding["rule"]
        for fix, json_fix in zip(result.fixes or [], finding["fixes"]):
            after = bytearray(raw)
            for replacement in sorted(fix.artifact_changes[0].replacements, key=lambda r: r.deleted_region.byte_offset, reverse=True):
                region = replacement.deleted_region
                after[region.byte_offset : region.byte_offset + region.byte_length] = replacement.inserted_content.text.encode()
            expected = bytearray(raw)
            for edit in sorted(json_fix["edits"], key=lambda e: e["range"]["start"], reverse=True):
                expected[edit["range"]["start"] : edit["range"]["end"]] = edit["newText"].encode()
            assert bytes(after) == bytes(expected) != raw
            fixed += 1
    assert fixed >= 2
    assert b"\r\n" in raw and all(b"\n" not in line for line in bytes(after).split(b"\r\n"))
