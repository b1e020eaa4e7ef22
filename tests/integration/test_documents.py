"""Paper documents at the counter: staff scan what a learner brings, the learner and the bank see it,
the ledger holds its hash, and nothing else is stored when a scan is refused."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.helpers import login
from typer.testing import CliRunner

from creditbank.apps.accounts.documents import document_file, document_get, documents_of
from creditbank.apps.accounts.learners import learner_export
from creditbank.apps.accounts.models import LearnerDocument, User
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def test_staff_file_a_scan_and_the_ledger_holds_its_hash(bank: dict, people: dict) -> None:
    li = bank["li"]
    document = document_file(
        actor=people["institution"], learner=li, title="  Secondary   school diploma ", name="diploma.pdf",
        content=PDF,
    )  # fmt: skip
    assert (document.title, document.content_type, document.size) == (
        "Secondary school diploma",
        "application/pdf",
        len(PDF),
    )
    assert document.institution.code == "sz-poly"
    assert document.file.read() == PDF
    entry = LedgerEntry.objects.get(kind="document.filed")
    assert json.loads(entry.body)["data"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert li.public_id not in entry.body  # the learner only as a commitment


@pytest.mark.parametrize(
    ("title", "name", "content", "says"),
    [
        ("Diploma", "diploma.pdf", b"", "Attach the scanned document"),
        ("Diploma", "diploma.exe", b"MZ\x90\x00", "is not a PDF, PNG or JPEG"),
        ("Diploma", "fake.pdf", b"<html>%PDF-", "is not a PDF, PNG or JPEG"),
        (" ", "diploma.pdf", PDF, "Say what the document is"),
        ("x" * 201, "diploma.pdf", PDF, "under 200 characters"),
        ("Diploma", "huge.pdf", PDF + b"\x00" * (10 * 1024 * 1024), "larger than 10 MiB"),
    ],
)
def test_bad_scans_are_refused_and_nothing_is_kept(
    bank: dict, people: dict, title: str, name: str, content: bytes, says: str
) -> None:
    with pytest.raises(InvalidInput, match=says):
        document_file(actor=people["operator"], learner=bank["li"], title=title, name=name, content=content)
    assert not LearnerDocument.objects.exists()
    assert not LedgerEntry.objects.filter(kind="document.filed").exists()


@pytest.mark.parametrize("role", ["learner", "assessor", "employer"])
def test_only_counter_staff_file_documents(bank: dict, people: dict, role: str) -> None:
    with pytest.raises(PermissionDenied):
        document_file(actor=people[role], learner=bank["li"], title="Diploma", name="d.pdf", content=PDF)
    assert not LearnerDocument.objects.exists()


def test_who_may_open_a_document(bank: dict, people: dict, institutions: dict) -> None:
    wong = bank["wong"]
    filed = document_file(
        actor=people["institution"], learner=wong, title="Transcript", name="t.jpg", content=JPEG
    )
    other_staff = User.objects.create_user(
        username="hk-clerk", role="institution", institution=institutions["other"]
    )
    assert document_get(actor=wong.user, document_id=filed.pk) == filed
    assert document_get(actor=people["operator"], document_id=filed.pk) == filed
    assert document_get(actor=people["institution"], document_id=filed.pk) == filed
    for stranger in (other_staff, people["employer"], people["assessor"], people["learner"]):
        with pytest.raises(NotFound):
            document_get(actor=stranger, document_id=filed.pk)
    assert documents_of(actor=other_staff, learner=wong) == []
    assert [d["sha256"] for d in learner_export(actor=wong.user, learner=wong)["documents"]] == [filed.sha256]


def test_the_counter_page_files_a_scan_and_the_learner_downloads_it(bank: dict, people: dict) -> None:
    wong = bank["wong"]
    staff = login(Client(), people["institution"])
    page = f"/account/learners/{wong.public_id}/receipt/"
    refused = staff.post(
        page, {"title": "Diploma", "file": _upload("d.pdf", b"not a scan")}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 422
    assert "d.pdf is not a PDF, PNG or JPEG file." in refused.content.decode()
    filed = staff.post(page, {"title": "Diploma", "file": _upload("d.pdf", PDF)})
    assert filed.status_code == 302
    assert "Diploma" in staff.get(page).content.decode()
    learner = login(Client(), wong.user)
    mine = learner.get("/account/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Documents filed at a counter" in mine
    assert "d.pdf" in mine
    document = LearnerDocument.objects.get()
    download = learner.get(f"/account/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert login(Client(), people["employer"]).get(f"/account/documents/{document.pk}/").status_code == 404


def test_the_api_files_lists_and_serves_documents(bank: dict, people: dict) -> None:
    wong = bank["wong"]
    staff = login(Client(), people["operator"])
    created = staff.post(
        f"/api/v1/learners/{wong.public_id}/documents",
        {"title": "Employer letter", "file": _upload("l.pdf", PDF)},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["institution"] is None
    refused = staff.post(
        f"/api/v1/learners/{wong.public_id}/documents", {"title": "", "file": _upload("l.pdf", PDF)}
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_input"
    learner = login(Client(), wong.user)
    assert [d["title"] for d in learner.get("/api/v1/learners/me/documents").json()] == ["Employer letter"]
    served = learner.get(body["url"])
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF
    assert learner.get(f"/api/v1/learners/{wong.public_id}/documents").status_code == 403
    assert login(Client(), people["employer"]).get(body["url"]).status_code == 404
    assert LearnerDocument.objects.count() == 1


def test_the_cli_files_and_lists(bank: dict, people: dict, tmp_path: Path) -> None:
    scan = tmp_path / "cert.pdf"
    scan.write_bytes(PDF)
    li = bank["li"].public_id
    runner = CliRunner()
    filed = runner.invoke(
        app,
        [
            "learners",
            "file-document",
            str(scan),
            "--learner",
            li,
            "--title",
            "Certificate",
            "--operator",
            "operator",
        ],
    )
    assert filed.exit_code == 0, filed.output
    listed = runner.invoke(
        app, ["learners", "documents", "--learner", li, "--operator", "operator", "--json"]
    )
    assert [d["file_name"] for d in json.loads(listed.output)] == ["cert.pdf"]
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    refused = runner.invoke(
        app,
        [
            "learners",
            "file-document",
            str(bad),
            "--learner",
            li,
            "--title",
            "Notes",
            "--operator",
            "operator",
        ],
    )
    assert refused.exit_code == 1
    assert "notes.txt is not a PDF, PNG or JPEG file." in refused.output
    assert LearnerDocument.objects.count() == 1


def _upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
