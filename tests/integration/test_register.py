"""The register: drafts by their owner, all-or-nothing imports, the public search, and each door."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.helpers import login
from typer.testing import CliRunner

from creditbank.apps.register.models import RegisterEntry, Status
from creditbank.apps.register.services import (
    EntryExists,
    InvalidEntry,
    entries_import,
    entry_create,
    entry_record_accreditation,
    entry_withdraw,
)
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def unit(code: str = "SZP-SE-101", **changes: Any) -> dict[str, Any]:
    return {
        "code": code,
        "kind": "course",
        "title_en": "Programming Fundamentals",
        "title_zh": "程序设计基础",
        "framework": "GDLEQF",
        "level": "4",
        "credits": "4",
        "credit_system": "GD-CREDIT",
        "sector": "ict",
        "outcomes_en": "Write and test structured programs.",
        "outcomes_zh": "编写并测试结构化程序。",
        "valid_from": "2024-09-01",
        **changes,
    }


def diploma(**changes: Any) -> dict[str, Any]:
    return unit(
        "SZP-SE-DIP",
        kind="diploma",
        title_en="Diploma in Software Technology",
        level="5",
        credits="20",
        requirements={
            "all_of": [{"unit": "SZP-SE-101"}, {"credits": 8, "system": "GD-CREDIT", "min_level": "GDLEQF:4"}]
        },
        **changes,
    )


def accredit(operator: Any, code: str) -> None:
    entry_record_accreditation(
        actor=operator, code=code, accredited_on=date(2024, 6, 1), next_review_on=None, note="QA panel"
    )


def test_staff_register_a_draft_for_their_own_institution(reference_data: Any, people: Any) -> None:
    entry = entry_create(actor=people["institution"], doc=unit())
    assert (entry.status, entry.owner.code, entry.level_rank, entry.entry_type) == (
        "draft",
        "sz-poly",
        4,
        "unit",
    )
    assert entry.created_by == people["institution"]


def test_staff_cannot_register_for_another_institution(reference_data: Any, people: Any) -> None:
    with pytest.raises(PermissionDenied):
        entry_create(actor=people["institution"], doc=unit(), owner_code="hk-ips")
    assert not RegisterEntry.objects.exists()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"level": "9"}, "no level 9"),
        ({"framework": "XXQF"}, "no framework"),
        ({"credits": "-2"}, "credits"),
        ({"credits": "1.234"}, "credits"),
        ({"credit_system": "MOON"}, "credit_system"),
        ({"valid_to": "2020-01-01"}, "valid_to"),
        ({"valid_from": "someday"}, "valid_from"),
        ({"kind": "badge"}, "kind"),
        ({"sector": "space"}, "sector"),
        ({"code": "bad code!"}, "code"),
        ({"title_zh": ""}, "title_zh"),
        ({"requirements": {"unit": "X"}}, "only qualifications"),
    ],
)
def test_each_bad_field_is_named_and_nothing_is_stored(
    reference_data: Any, people: Any, changes: dict, problem: str
) -> None:
    with pytest.raises(InvalidEntry, match=problem):
        entry_create(actor=people["institution"], doc=unit(**changes))
    assert not RegisterEntry.objects.exists()


def test_a_qualification_may_only_name_units_that_exist(reference_data: Any, people: Any) -> None:
    with pytest.raises(InvalidEntry, match="units not in the register: SZP-SE-101"):
        entry_create(actor=people["institution"], doc=diploma())
    entry_create(actor=people["institution"], doc=unit())
    created = entry_create(actor=people["institution"], doc=diploma())
    assert created.entry_type == "qualification"


def test_the_same_code_twice_is_refused(reference_data: Any, people: Any) -> None:
    entry_create(actor=people["institution"], doc=unit())
    with pytest.raises(EntryExists):
        entry_create(actor=people["operator"], doc=unit(), owner_code="sz-poly")


def test_an_import_is_all_or_nothing_and_lists_every_bad_entry(reference_data: Any, people: Any) -> None:
    docs = [unit("A-1"), unit("A-2", level="9"), unit("A-3", credits="x"), unit("A-1")]
    with pytest.raises(InvalidInput) as caught:
        entries_import(actor=people["institution"], docs=docs, owner_code="sz-poly")
    message = caught.value.message
    assert "#2" in message
    assert "#3" in message
    assert "given twice" in message
    assert not RegisterEntry.objects.exists()


def test_an_import_may_name_units_registered_in_the_same_file(reference_data: Any, people: Any) -> None:
    created = entries_import(actor=people["institution"], docs=[diploma(), unit()], owner_code="sz-poly")
    assert {e.code for e in created} == {"SZP-SE-DIP", "SZP-SE-101"}


def test_only_operators_record_accreditation_and_withdrawal_keeps_history(
    reference_data: Any, people: Any
) -> None:
    entry_create(actor=people["institution"], doc=unit())
    with pytest.raises(PermissionDenied):
        accredit(people["institution"], "SZP-SE-101")
    accredit(people["operator"], "SZP-SE-101")
    with pytest.raises(InvalidInput):
        entry_withdraw(actor=people["institution"], code="SZP-SE-101", reason=" ")
    withdrawn = entry_withdraw(
        actor=people["institution"], code="SZP-SE-101", reason="Replaced by a new syllabus"
    )
    assert (withdrawn.status, withdrawn.status_note) == (Status.WITHDRAWN, "Replaced by a new syllabus")
    assert RegisterEntry.objects.count() == 1


def test_public_search_shows_accredited_entries_only(
    client: Client, reference_data: Any, people: Any
) -> None:
    entries_import(
        actor=people["institution"],
        docs=[unit(), unit("SZP-SE-102", title_en="Web Front-end")],
        owner_code="sz-poly",
    )
    accredit(people["operator"], "SZP-SE-101")
    page = client.get("/register/", {"q": "programming"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "SZP-SE-101" in page
    everything = client.get("/register/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "SZP-SE-102" not in everything  # a draft
    assert client.get("/register/SZP-SE-102/").status_code == 404
    api = client.get("/api/v1/register", {"framework": "GDLEQF", "min_level": "4"}).json()
    assert [e["code"] for e in api] == ["SZP-SE-101"]
    assert client.get("/api/v1/register", {"framework": "GDLEQF", "min_level": "5"}).json() == []
    assert client.get("/api/v1/register/SZP-SE-102").status_code == 404


def test_owners_see_their_drafts(client: Client, reference_data: Any, people: Any) -> None:
    entry_create(actor=people["institution"], doc=unit())
    login(client, people["institution"])
    assert client.get("/register/SZP-SE-101/").status_code == 200
    assert "SZP-SE-101" in client.get("/register/manage/").content.decode()


def test_manage_page_registers_one_entry_and_a_file(client: Client, reference_data: Any, people: Any) -> None:
    login(client, people["institution"])
    one = client.post("/register/manage/", unit())
    assert one.status_code == 302
    bad = client.post("/register/manage/", unit("SZP-X", level="42"), HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 422
    assert "no level 42" in bad.content.decode()
    text = yaml.safe_dump([unit("SZP-SE-102"), unit("SZP-SE-201", level="5")], allow_unicode=True).encode()
    many = client.post("/register/manage/", {"file": SimpleUploadedFile("units.yaml", text)})
    assert many.status_code == 302
    assert RegisterEntry.objects.count() == 3


@pytest.mark.parametrize("role", ["learner", "assessor", "employer"])
def test_manage_page_and_api_refuse_other_roles(
    client: Client, reference_data: Any, people: Any, role: str
) -> None:
    login(client, people[role])
    assert client.get("/register/manage/").status_code == 403
    response = client.post("/api/v1/register", data=unit(), content_type="application/json")
    assert response.status_code == 403


def test_api_creates_imports_and_withdraws(client: Client, reference_data: Any, people: Any) -> None:
    login(client, people["institution"])
    created = client.post("/api/v1/register", data=unit(), content_type="application/json")
    assert (created.status_code, created.json()["status"]) == (201, "draft")
    imported = client.post(
        "/api/v1/register/import",
        data={"owner": "sz-poly", "entries": [diploma()]},
        content_type="application/json",
    )
    assert imported.status_code == 201
    withdrawn = client.post(
        "/api/v1/register/SZP-SE-DIP/withdraw", data={"reason": "replaced"}, content_type="application/json"
    )
    assert withdrawn.json()["status"] == "withdrawn"
    clash = client.post("/api/v1/register", data=unit(), content_type="application/json")
    assert (clash.status_code, clash.json()["code"]) == (409, "register_entry_exists")


@pytest.mark.django_db(transaction=True)
def test_cli_imports_and_records_accreditation(reference_data: Any, people: Any, tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump([unit(), unit("SZP-SE-102")], allow_unicode=True), encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(
        app, ["register", "import", str(path), "--institution", "sz-poly", "--operator", "operator"]
    )
    assert done.exit_code == 0, done.stderr
    again = runner.invoke(
        app, ["register", "import", str(path), "--institution", "sz-poly", "--operator", "operator"]
    )
    assert again.exit_code == 1
    recorded = runner.invoke(
        app,
        [
            "register",
            "record-accreditation",
            "SZP-SE-101",
            "--on",
            "2024-06-01",
            "--note",
            "QA",
            "--operator",
            "operator",
        ],
    )
    assert recorded.exit_code == 0, recorded.stderr
    assert RegisterEntry.objects.get(code="SZP-SE-101").status == "accredited"
    bad = runner.invoke(
        app,
        [
            "register",
            "record-accreditation",
            "SZP-SE-102",
            "--on",
            "June",
            "--note",
            "x",
            "--operator",
            "operator",
        ],
    )
    assert bad.exit_code == 1


def test_an_operator_naming_an_unknown_institution_gets_a_404_not_another_institution(
    client: Client, reference_data: Any, people: Any
) -> None:
    login(client, people["operator"])
    assert client.get("/register/manage/", {"owner": "nowhere"}).status_code == 404
    assert client.get("/deposits/", {"institution": "nowhere"}).status_code == 404
    assert client.get("/account/api-keys/", {"institution": "nowhere"}).status_code == 404
    assert "hk-ips" in client.get("/register/manage/", {"owner": "hk-ips"}).content.decode()


def test_an_unknown_minimum_level_is_named_by_page_and_api(client: Client, reference_data: Any) -> None:
    page = client.get("/register/", {"framework": "HKQF", "min_level": "9"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 404
    assert "has no level 9" in page.content.decode()
    api = client.get("/api/v1/register", {"framework": "HKQF", "min_level": "9"})
    assert (api.status_code, api.json()["code"]) == (404, "unknown_level")
