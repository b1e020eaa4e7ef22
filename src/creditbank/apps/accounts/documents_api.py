"""API for paper documents filed at a counter: staff file scans, the learner and the bank read them."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from creditbank.api.auth import PersonSession
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts.documents import document_file, document_get, documents_of
from creditbank.apps.accounts.learners import learner_of
from creditbank.apps.accounts.models import Learner, LearnerDocument
from creditbank.apps.accounts.permissions import Action, require
from creditbank.core.errors import NotFound, gettext_noop

router = Router(tags=["accounts"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class DocumentOut(Schema):
    id: int
    title: str
    file_name: str
    content_type: str
    size: int
    sha256: str
    filed_at: str
    institution: str | None
    service_unit: str | None
    url: str


def document_out(d: LearnerDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "title": d.title,
        "file_name": d.original_name,
        "content_type": d.content_type,
        "size": d.size,
        "sha256": d.sha256,
        "filed_at": d.uploaded_at.isoformat(),
        "institution": d.institution.code if d.institution else None,
        "service_unit": d.unit.code if d.unit else None,
        "url": f"/api/v1/documents/{d.pk}",
    }


def _learner(actor: Any, number: str) -> Learner:
    """``me`` for the learner; a learner number for staff."""
    if number.strip().lower() == "me":
        return learner_of(actor)
    require(actor, Action.FIND_LEARNER)
    learner = Learner.objects.filter(public_id=number.strip().upper()).first()
    if learner is None:
        raise NotFound(gettext_noop("There is no learner %(number)s."), number=number)
    return learner


@router.post(
    "/learners/{number}/documents",
    response={201: DocumentOut, **ERRORS},
    auth=PersonSession(),
    summary="File a scanned paper document on a learner's account (counter staff; multipart)",
)
def file_document(
    request: HttpRequest, number: str, title: Form[str], file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """PDF, PNG or JPEG up to 10 MiB, checked by content. The file's SHA-256 enters the ledger."""
    learner = _learner(request.user, number)
    document = document_file(
        actor=request.user, learner=learner, title=title, name=file.name or "", content=file.read()
    )
    return Status(201, document_out(document))


@router.get(
    "/learners/{number}/documents",
    response={200: list[DocumentOut], **ERRORS},
    auth=PersonSession(),
    summary="Documents filed on a learner's account (`me`, or a learner number for staff)",
)
def list_documents(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    learner = _learner(request.user, number)
    return [document_out(d) for d in documents_of(actor=request.user, learner=learner)]


@router.get(
    "/documents/{document_id}",
    response={200: None, **ERRORS},
    auth=PersonSession(),
    summary="The scanned file of a filed document",
)
def get_document(request: HttpRequest, document_id: int) -> FileResponse:
    found = document_get(actor=request.user, document_id=document_id)
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
