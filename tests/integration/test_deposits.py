"""Deposits: every bad row explained, nothing half-stored, nothing stored twice, history kept."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook
from tests.helpers import PASSWORD, login
from typer.testing import CliRunner

from creditbank.apps.accounts.learners import learner_export
from creditbank.apps.accounts.models import Learner, User
from creditbank.apps.deposits.models import Assessment, LearningOutcome
from creditbank.apps.deposits.services import (
    BatchRejected,
    deposit_batch,
    deposit_one,
    outcome_amend,
    outcome_revoke,
)
from creditbank.cli.main import app
from creditbank.core.errors import Conflict, InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def row(learner: Learner, code: str = "U-101", achieved: str = "2024-06-30", **extra: str) -> dict[str, str]:
    return {
        "learner_number": learner.public_id,
        "unit_code": code,
        "achieved_on": achieved,
        "result": "A",
        **extra,
    }


def test_a_single_deposit_copies_level_and_credits_and_resending_changes_nothing(
    people: Any, bank: Any
) -> None:
    outcome = deposit_one(actor=people["institution"], row=row(bank["wong"]))
    assert (outcome.level_id, str(outcome.credits), outcome.credit_system) == (
        "GDLEQF-4",
        "4.00",
        "GD-CREDIT",
    )
    again = deposit_one(actor=people["institution"], row=row(bank["wong"]))
    assert again.pk == outcome.pk
    assert LearningOutcome.objects.count() == 1


def test_a_batch_with_bad_rows_stores_nothing_and_explains_every_row(people: Any, bank: Any) -> None:
    rows = [
        row(bank["wong"]),
        row(bank["wong"], "U-DRAFT"),
        row(bank["wong"], "HK-201"),
        row(bank["wong"], achieved="2999-01-01"),
        {
            "id_scheme": "hk_id",
            "id_number": "A123456(4)",
            "unit_code": "U-101",
            "achieved_on": "2024-01-01",
            "result": "A",
        },
        {"learner_number": "LAAAAAAAAAA", "unit_code": "U-101", "achieved_on": "2024-01-01", "result": "A"},
        row(bank["li"], "NOPE"),
        row(bank["li"], achieved="2019-01-01"),
        row(bank["wong"]),
    ]
    with pytest.raises(BatchRejected) as caught:
        deposit_batch(actor=people["institution"], rows=rows, idempotency_key="k1")
    report = {issue["line"]: " ".join(issue["problems"]) for issue in caught.value.details["report"]}
    assert sorted(report) == [3, 4, 5, 6, 7, 8, 9, 10]  # line 2 is the only good row; 10 repeats it
    assert "not accredited" in report[3]
    assert "belongs to hk-ips" in report[4]
    assert "future" in report[5]
    assert "check digit" in report[6]
    assert "no lifelong learning account" in report[7]
    assert "not in the register" in report[8]
    assert "not valid on 2019-01-01" in report[9]
    assert "repeats line 2" in report[10]
    assert not LearningOutcome.objects.exists()


def test_good_rows_only_stores_the_good_and_keeps_the_report(people: Any, bank: Any) -> None:
    rows = [row(bank["wong"]), row(bank["li"], "U-DRAFT"), row(bank["li"], "U-102")]
    done = deposit_batch(actor=people["institution"], rows=rows, idempotency_key="k2", good_rows_only=True)
    assert (done.batch.created, done.batch.rejected, done.replayed) == (2, 1, False)
    assert done.batch.problems[0]["line"] == 3


def test_resending_a_batch_is_idempotent_and_a_reused_key_is_refused(people: Any, bank: Any) -> None:
    rows = [row(bank["wong"]), row(bank["li"], "U-102")]
    first = deposit_batch(actor=people["institution"], rows=rows, idempotency_key="k3")
    again = deposit_batch(actor=people["institution"], rows=rows, idempotency_key="k3")
    assert (again.replayed, again.batch.pk) == (True, first.batch.pk)
    with pytest.raises(Conflict, match="used before"):
        deposit_batch(actor=people["institution"], rows=[row(bank["wong"])], idempotency_key="k3")
    other_key = deposit_batch(actor=people["institution"], rows=rows, idempotency_key="k4")
    assert (other_key.batch.created, other_key.batch.already_present) == (0, 2)
    assert LearningOutcome.objects.count() == 2


def test_a_learner_can_be_named_by_identity_document(people: Any, bank: Any) -> None:
    by_id = {
        "id_scheme": "passport",
        "id_number": "k1234567",
        "id_country": "gbr",
        "unit_code": "U-101",
        "achieved_on": "2024-03-01",
        "result": "pass",
    }
    outcome = deposit_one(actor=people["institution"], row=by_id)
    assert outcome.learner == bank["li"]


def test_the_same_learning_again_is_flagged_not_double_counted(people: Any, bank: Any) -> None:
    first = deposit_one(actor=people["institution"], row=row(bank["wong"], achieved="2023-01-10"))
    second = deposit_one(actor=people["institution"], row=row(bank["wong"], achieved="2024-01-10"))
    assert second.possible_duplicate_of == first


def test_one_assessment_grants_several_certificates(people: Any, bank: Any) -> None:
    rows = [
        row(bank["wong"], "U-101", assessment_ref="EXAM-2024-07"),
        row(bank["wong"], "U-102", assessment_ref="EXAM-2024-07"),
    ]
    deposit_batch(actor=people["institution"], rows=rows, idempotency_key="k5")
    assessment = Assessment.objects.get()
    assert assessment.outcomes.count() == 2


def test_corrections_keep_history(people: Any, bank: Any) -> None:
    outcome = deposit_one(actor=people["institution"], row=row(bank["wong"]))
    with pytest.raises(InvalidInput):
        outcome_revoke(actor=people["institution"], outcome_id=outcome.pk, reason=" ")
    fixed = outcome_amend(
        actor=people["institution"], outcome_id=outcome.pk, reason="Grade re-marked", result="A+"
    )
    outcome.refresh_from_db()
    assert (outcome.status, fixed.supersedes, fixed.result) == ("amended", outcome, "A+")
    with pytest.raises(Conflict):
        outcome_revoke(actor=people["institution"], outcome_id=outcome.pk, reason="again")
    revoked = outcome_revoke(
        actor=people["institution"], outcome_id=fixed.pk, reason="Deposited for the wrong learner"
    )
    assert revoked.status == "revoked"
    assert LearningOutcome.objects.count() == 2  # nothing deleted


def test_other_institutions_and_other_roles_cannot_deposit_or_correct(
    people: Any, bank: Any, institutions: Any
) -> None:
    outcome = deposit_one(actor=people["institution"], row=row(bank["wong"]))
    stranger = User.objects.create_user(
        "hk-staff", password=PASSWORD, role="institution", institution=institutions["other"]
    )
    with pytest.raises(PermissionDenied):
        outcome_revoke(actor=stranger, outcome_id=outcome.pk, reason="not ours")
    for role in ("learner", "assessor", "employer"):
        with pytest.raises(PermissionDenied):
            deposit_one(actor=people[role], row=row(bank["li"]), institution_code="sz-poly")
    with pytest.raises(PermissionDenied):
        deposit_one(actor=people["institution"], row=row(bank["li"], "HK-201"), institution_code="hk-ips")


def test_upload_page_reads_gb18030_utf8_bom_and_xlsx(client: Client, people: Any, bank: Any) -> None:
    login(client, people["institution"])
    header = "learner_number,unit_code,achieved_on,result\n"
    gbk = (header + f"{bank['wong'].public_id},U-101,2024-06-30,优秀\n").encode("gb18030")
    assert client.post("/deposits/", {"file": SimpleUploadedFile("gbk.csv", gbk)}).status_code == 302
    bom = ("\ufeff" + header + f"{bank['li'].public_id},U-101,2024-06-30,良好\n").encode("utf-8")
    assert client.post("/deposits/", {"file": SimpleUploadedFile("bom.csv", bom)}).status_code == 302
    book = Workbook()
    sheet = book.active
    sheet.append(["learner_number", "unit_code", "achieved_on", "result"])
    sheet.append([bank["li"].public_id, "U-102", date(2024, 7, 1), "B"])
    data = io.BytesIO()
    book.save(data)
    assert (
        client.post("/deposits/", {"file": SimpleUploadedFile("book.xlsx", data.getvalue())}).status_code
        == 302
    )
    assert sorted(LearningOutcome.objects.values_list("result", flat=True)) == ["B", "优秀", "良好"]


def test_upload_page_shows_every_bad_row_and_a_missing_column(client: Client, people: Any, bank: Any) -> None:
    login(client, people["institution"])
    text = f"learner_number,unit_code,achieved_on,result\n{bank['wong'].public_id},U-101,2024-06-30,A\n{bank['li'].public_id},U-DRAFT,2024-06-30,A\n"
    rejected = client.post(
        "/deposits/", {"file": SimpleUploadedFile("mixed.csv", text.encode())}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert rejected.status_code == 422
    page = rejected.content.decode()
    assert "U-DRAFT is not accredited" in page
    assert not LearningOutcome.objects.exists()
    no_column = client.post(
        "/deposits/",
        {"file": SimpleUploadedFile("x.csv", b"unit_code,result\nU-101,A\n")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "lacks columns: achieved_on" in no_column.content.decode()


def test_learner_statement_page_csv_api_and_export(client: Client, people: Any, bank: Any) -> None:
    deposit_batch(
        actor=people["institution"],
        rows=[row(bank["wong"]), row(bank["wong"], "U-102")],
        idempotency_key="k6",
    )
    wong_user = bank["wong"].user
    login(client, wong_user)
    page = client.get("/deposits/statement/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "8.00 GD-CREDIT" in page
    csv_text = client.get("/deposits/statement/", {"format": "csv"}).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert [line.split(",")[1] for line in lines[1:]] == ["U-101", "U-102"]
    assert len(client.get("/api/v1/learners/me/statement").json()) == 2
    exported = learner_export(actor=wong_user, learner=bank["wong"])
    assert {o["unit"] for o in exported["learning_outcomes"]} == {"U-101", "U-102"}
    login(client, people["learner"])  # someone else
    assert "U-101" not in client.get("/deposits/statement/").content.decode()


def test_api_batches_with_idempotency_key_and_files(client: Client, people: Any, bank: Any) -> None:
    login(client, people["institution"])
    body = {"rows": [row(bank["wong"]), row(bank["li"], "U-DRAFT")]}
    rejected = client.post(
        "/api/v1/deposits/batches", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1"
    )
    assert (rejected.status_code, rejected.json()["code"]) == (422, "batch_rejected")
    assert rejected.json()["details"]["report"][0]["line"] == 3
    body["good_rows_only"] = True
    first = client.post(
        "/api/v1/deposits/batches", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-2"
    )
    again = client.post(
        "/api/v1/deposits/batches", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-2"
    )
    assert (first.status_code, again.status_code, again.json()["id"]) == (201, 200, first.json()["id"])
    text = f"learner_number,unit_code,achieved_on,result\n{bank['li'].public_id},U-102,2024-06-30,A\n"
    uploaded = client.post("/api/v1/deposits/files", {"file": SimpleUploadedFile("a.csv", text.encode())})
    assert uploaded.json()["created"] == 1
    outcome_id = LearningOutcome.objects.order_by("pk").values_list("pk", flat=True).first()
    revoked = client.post(
        f"/api/v1/outcomes/{outcome_id}/revoke",
        data={"reason": "wrong learner"},
        content_type="application/json",
    )
    assert revoked.json()["status"] == "revoked"


@pytest.mark.django_db(transaction=True)
def test_cli_import_reports_rows_and_exits_1_on_rejection(people: Any, bank: Any, tmp_path: Path) -> None:
    good = f"{bank['wong'].public_id},U-101,2024-06-30,A"
    bad = f"{bank['li'].public_id},U-DRAFT,2024-06-30,A"
    path = tmp_path / "outcomes.csv"
    path.write_text(f"learner_number,unit_code,achieved_on,result\n{good}\n{bad}\n", encoding="utf-8")
    runner = CliRunner()
    args = ["deposit", "import", str(path), "--institution", "sz-poly", "--operator", "operator"]
    rejected = runner.invoke(app, args)
    assert rejected.exit_code == 1
    assert "line 3" in rejected.stderr
    assert not LearningOutcome.objects.exists()
    partial = runner.invoke(app, [*args, "--good-rows-only"])
    assert partial.exit_code == 1
    assert "1 new, 0 already present, 1 rejected" in partial.stdout
    path.write_text(f"learner_number,unit_code,achieved_on,result\n{good}\n", encoding="utf-8")
    clean = runner.invoke(app, args)
    assert clean.exit_code == 0, clean.stderr
    assert "0 new, 1 already present, 0 rejected" in clean.stdout
    assert json.loads(json.dumps(list(LearningOutcome.objects.values_list("result", flat=True)))) == ["A"]


@pytest.mark.skipif(
    not __import__("shutil").which("pdftotext"), reason="needs poppler-utils (installed by .ci/run)"
)
def test_the_statement_pdf_has_the_record_and_embeds_its_cjk_font(
    client: Client, people: Any, bank: Any, tmp_path: Path
) -> None:
    import subprocess

    deposit_batch(
        actor=people["institution"],
        rows=[row(bank["wong"]), row(bank["wong"], "U-102")],
        idempotency_key="pdf",
    )
    login(client, bank["wong"].user)
    response = client.get("/deposits/statement/", {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "statement.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert bank["wong"].public_id in text
    assert "课程 U-101" in text
    assert "学习成果清单" in text  # the PDF speaks the reader's language
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts.replace(" ", "").replace("-", "")
    assert "Serif" not in fonts  # no fallback font: every glyph comes from the CJK sans
    assert all(
        line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip()
    )  # every font embedded
    # The paper leads to the learner's record as a signed credential, holding both outcomes.
    from creditbank.apps.credentials.models import Credential
    from creditbank.apps.credentials.verify import credential_verify

    record = Credential.objects.get(kind="ClrCredential")
    assert f"/verify/{record.id}/" in text.replace("\n", "")
    report = credential_verify(record.document)
    assert report.verification.verified
    assert len(report.embedded) == 2
    again = client.get("/deposits/statement/", {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert again.status_code == 200
    assert (
        Credential.objects.filter(kind="ClrCredential").count() == 1
    )  # the same record, while nothing changed
