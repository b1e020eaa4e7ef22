"""The `creditbank` command: answers for scripts, clear errors with non-zero exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from creditbank.apps.frameworks.models import FrameworkVersion
from creditbank.apps.frameworks.services import SHIPPED_DIR
from creditbank.cli.main import app

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_frameworks_list_shows_all_frameworks(reference_data: Any) -> None:
    result = run("frameworks", "list", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 17


def test_frameworks_show_lists_descending_levels_highest_first(reference_data: Any) -> None:
    result = run("frameworks", "show", "NVQC")
    assert result.exit_code == 0
    cells = [line.split("│") for line in result.stdout.splitlines() if line.count("│") >= 3]
    rows = [row for row in cells if row[2].strip()]  # wrapped summaries continue on rank-less lines
    assert [row[2].strip() for row in rows] == ["5", "4", "3", "2", "1"]
    assert "Level 1" in rows[0][1]  # NVQC level 1 is the highest


def test_levels_map_json_matches_the_published_referencing(reference_data: Any) -> None:
    result = run("levels", "map", "HKQF:4", "--to", "NZQF", "--json")
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert [m["level"]["id"] for m in body["matches"]] == ["NZQF-5", "NZQF-6"]


def test_credits_convert_json_gives_the_range(reference_data: Any) -> None:
    result = run("credits", "convert", "30", "--from", "HKQF-CREDIT", "--to", "ECTS", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["to"] == {"system": "ECTS", "low": "10.00", "high": "12.00"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("levels", "map", "NOPE:1", "--to", "NZQF"), "no framework with code NOPE"),
        (("levels", "map", "HKQF:8", "--to", "NZQF"), "has no level 8"),
        (("levels", "map", "HKQF", "--to", "NZQF"), "FRAMEWORK:LEVEL"),
        (("credits", "convert", "-5", "--from", "HKQF-CREDIT", "--to", "ECTS"), "cannot be negative"),
        (("credits", "convert", "5", "--from", "GD-CREDIT", "--to", "ECTS"), "no published number"),
        (("frameworks", "show", "NOPE"), "NOPE"),
    ],
)
def test_bad_input_gives_a_clear_error_and_exit_code_1(
    reference_data: Any, args: tuple[str, ...], fragment: str
) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert fragment in result.stderr


def test_import_publishes_a_new_version_as_the_named_operator(
    reference_data: Any, people: Any, tmp_path: Path
) -> None:
    path = tmp_path / "aqf.yaml"
    path.write_text(
        (SHIPPED_DIR / "AQF.yaml")
        .read_text(encoding="utf-8")
        .replace('edition: "2026-11"', 'edition: "2031-01"')
    )
    assert run("frameworks", "import", str(path), "--operator", "learner").exit_code == 1
    assert not FrameworkVersion.objects.filter(edition="2031-01").exists()
    result = run("frameworks", "import", str(path), "--operator", "operator")
    assert result.exit_code == 0, result.stderr
    assert FrameworkVersion.objects.get(code="AQF", is_current=True).edition == "2031-01"


def test_apikey_create_prints_the_secret_once(people: Any, institutions: Any) -> None:
    result = run("apikey", "create", "sz-poly", "--name", "registry feed", "--operator", "operator")
    assert result.exit_code == 0
    assert "cbk_" in result.stdout
    assert run("apikey", "create", "nowhere", "--name", "x", "--operator", "operator").exit_code == 1
