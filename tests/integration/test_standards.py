"""Harmonising regional standards through the CLI, the API and the operators' page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.helpers import login
from typer.testing import CliRunner

import creditbank
from creditbank.cli.main import app

pytestmark = pytest.mark.django_db
DEMO = Path(creditbank.__file__).parent / "data" / "demo" / "standards"
REGIONS = [DEMO / f"{r}.yaml" for r in ("GD", "HK", "MO")]


def test_the_cli_writes_the_unified_standard_and_says_when_a_conflict_needs_a_choice(
    reference_data: Any, people: Any, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "unified.yaml"
    pending = runner.invoke(
        app, ["standards", "harmonise", *map(str, REGIONS), "--out", str(out), "--operator", "operator"]
    )
    assert pending.exit_code == 3, pending.output
    assert "NEEDS A CHOICE" in pending.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["unresolved"] == ["GD:GD-1X-WEB-M+HK:HK-1X-WEB-M"]
    done = runner.invoke(
        app,
        ["standards", "harmonise", *map(str, REGIONS), "--choices", str(DEMO / "choices.yaml"), "--out", str(out),
         "--operator", "operator", "--code", "GBA-2026", "--version", "2"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    unified = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert (unified["code"], unified["version"], unified["unresolved"]) == ("GBA-2026", "2", [])
    assert [r["code"] for r in unified["rules"]] == ["GBA-1X-WEB-M", "GD-ELEC-4", "HK-ENGLISH", "MO-DATA-4"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("region: XX\nrules: []\n", encoding="utf-8")
    bad = runner.invoke(
        app,
        ["standards", "harmonise", str(broken), str(REGIONS[0]), "--out", str(out), "--operator", "operator"],
    )
    assert bad.exit_code == 1
    assert "broken.yaml: The recognition standard is not valid" in bad.output


def test_the_api_harmonises_for_operators_only(reference_data: Any, people: Any) -> None:
    body = {
        "standards": [yaml.safe_load(p.read_text(encoding="utf-8")) for p in REGIONS],
        "choices": yaml.safe_load((DEMO / "choices.yaml").read_text(encoding="utf-8")),
    }
    answer = login(Client(), people["operator"]).post(
        "/api/v1/standards/harmonisation", body, content_type="application/json"
    )
    assert answer.status_code == 200
    assert answer.json()["diffs"]["HK"]["changed"][0]["fields"]["target.credits"] == ["4", "5"]
    refused = login(Client(), people["institution"]).post(
        "/api/v1/standards/harmonisation", body, content_type="application/json"
    )
    assert refused.status_code == 403
    bad_choice = {**body, "choices": {"HK:HK-ENGLISH+MO:MO-ENGLISH": {"option": "supplement", "reason": "x"}}}
    rejected = login(Client(), people["operator"]).post(
        "/api/v1/standards/harmonisation",
        bad_choice,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert rejected.status_code == 422
    assert "supplement is not one of" in rejected.json()["message"]


def test_the_page_shows_the_classification_and_downloads_the_result(reference_data: Any, people: Any) -> None:
    operator = login(Client(), people["operator"])

    def files() -> list[SimpleUploadedFile]:
        return [SimpleUploadedFile(p.name, p.read_bytes()) for p in REGIONS]

    page = operator.post("/recognition/standards/", {"files": files()}, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 conflict still needs a choice" in html
    assert "retain:HK:HK-ENGLISH" in html
    download = operator.post(
        "/recognition/standards/",
        {
            "files": files(),
            "choices": (DEMO / "choices.yaml").read_text(encoding="utf-8"),
            "download": "yaml",
        },
    )
    assert download["Content-Disposition"] == 'attachment; filename="GBA-UNIFIED-1.yaml"'
    assert yaml.safe_load(download.content)["unresolved"] == []
    assert login(Client(), people["institution"]).get("/recognition/standards/").status_code == 403
