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


def test_operators_import_preview_and_publish_versions_on_the_page(reference_data: Any, people: Any) -> None:
    from creditbank.apps.ledger.models import LedgerEntry
    from creditbank.apps.recognition.models import RecognitionStandard

    operator = login(Client(), people["operator"])
    for path in REGIONS:
        imported = operator.post(
            "/recognition/standards/",
            {"action": "import", "file": SimpleUploadedFile(path.name, path.read_bytes())},
        )
        assert imported.status_code == 302
    regional = ["GD-RECOGNITION", "HK-RECOGNITION", "MO-RECOGNITION"]
    preview = operator.post(
        "/recognition/standards/", {"action": "preview", "regional": regional}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = preview.content.decode()
    assert "1 conflict still needs a choice" in html
    assert "retain:HK:HK-ENGLISH" in html
    refused = operator.post(
        "/recognition/standards/", {"action": "publish", "regional": regional}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 409
    assert "Choose for every conflict before publishing" in refused.content.decode()
    choices = (DEMO / "choices.yaml").read_text(encoding="utf-8")
    for _ in range(2):  # publishing again makes the next version
        published = operator.post(
            "/recognition/standards/", {"action": "publish", "regional": regional, "choices": choices}
        )
        assert published.status_code == 302
    unified = RecognitionStandard.objects.filter(code="GBA-UNIFIED").order_by("version")
    assert [u.version for u in unified] == [1, 2]
    assert unified[0].document["derived_from"][0] == {"region": "GD", "code": "GD-RECOGNITION", "version": 1}
    assert LedgerEntry.objects.filter(kind="standard.published").count() == 2
    page = operator.get(
        "/recognition/standards/GBA-UNIFIED/?version=1", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "GBA-1X-WEB-M" in page
    assert "target.credits" in page
    download = operator.post(
        "/recognition/standards/", {"action": "download", "regional": regional, "choices": choices}
    )
    assert download["Content-Disposition"] == 'attachment; filename="GBA-UNIFIED.yaml"'
    bad = operator.post(
        "/recognition/standards/",
        {"action": "import", "file": SimpleUploadedFile("x.yaml", b"region: GD\nrules: []\n")},
    )
    assert bad.status_code == 422
    assert RecognitionStandard.objects.filter(kind="regional").count() == 3
    assert login(Client(), people["institution"]).get("/recognition/standards/").status_code == 403


def test_the_api_and_cli_keep_and_publish_versions(reference_data: Any, people: Any, tmp_path: Path) -> None:
    operator = login(Client(), people["operator"])
    for path in REGIONS[:2]:
        kept = operator.post(
            "/api/v1/standards",
            yaml.safe_load(path.read_text(encoding="utf-8")),
            content_type="application/json",
        )
        assert kept.status_code == 201
    runner = CliRunner()
    imported = runner.invoke(app, ["standards", "import", str(REGIONS[2]), "--operator", "operator"])
    assert imported.exit_code == 0, imported.output
    regional = ["GD-RECOGNITION", "HK-RECOGNITION", "MO-RECOGNITION"]
    pending = operator.post(
        "/api/v1/standards/unified", {"regional": regional}, content_type="application/json"
    )
    assert pending.status_code == 409
    published = runner.invoke(
        app,
        [
            "standards",
            "publish",
            *regional,
            "--choices",
            str(DEMO / "choices.yaml"),
            "--operator",
            "operator",
        ],
    )
    assert published.exit_code == 0, published.output
    assert "Published GBA-UNIFIED version 1 (4 rules)" in published.output
    latest = operator.get("/api/v1/standards/GBA-UNIFIED").json()
    assert (latest["kind"], latest["version"]) == ("unified", 1)
    assert login(Client(), people["institution"]).get("/api/v1/standards").status_code == 403
