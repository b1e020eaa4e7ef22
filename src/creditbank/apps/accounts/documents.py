"""Paper documents a learner brings to a counter (a certificate, a transcript, a letter from an
employer): scanned by staff, kept on the learner's account with a ledger entry of their hash, and
opened again only by the learner, the bank and the institution whose staff filed them."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from creditbank.apps.accounts.models import Learner, LearnerDocument
from creditbank.apps.accounts.permissions import Action, allowed, require, role_of
from creditbank.apps.accounts.principals import person_of
from creditbank.apps.ledger.services import Event, learner_refs, ledger_append
from creditbank.apps.scans import MAX_FILE_BYTES, SUFFIXES, sniff
from creditbank.core.errors import InvalidInput, NotFound, PermissionDenied, gettext_noop

MAX_TITLE = 200


def document_file(*, actor: Any, learner: Learner, title: str, name: str, content: bytes) -> LearnerDocument:
    """File a scan of a paper document for a learner who is present at the counter."""
    require(actor, Action.FILE_DOCUMENT)
    staff = person_of(actor)
    if staff is None:  # a counter is staffed by a person, never by an API key
        raise PermissionDenied(action=gettext_noop("file learners' documents"))
    title = " ".join(title.split())
    if not title:
        raise InvalidInput(gettext_noop("Say what the document is (for example: diploma, transcript)."))
    if len(title) > MAX_TITLE:
        raise InvalidInput(gettext_noop("Keep the document's title under %(n)s characters."), n=MAX_TITLE)
    if not content:
        raise InvalidInput(gettext_noop("Attach the scanned document (PDF, PNG or JPEG)."))
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput(gettext_noop("%(name)s is larger than 10 MiB."), name=name)
    kind = sniff(content)
    if kind is None:
        raise InvalidInput(gettext_noop("%(name)s is not a PDF, PNG or JPEG file."), name=name)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        document = LearnerDocument(
            learner=learner,
            title=title,
            original_name=(name or "scan")[:200],
            content_type=kind,
            size=len(content),
            sha256=digest,
            uploaded_by=staff,
            institution_id=staff.institution_id,
            unit_id=staff.service_unit_id,
        )
        document.file.save(
            f"{learner.public_id}-{digest[:12]}{SUFFIXES[kind]}", ContentFile(content), save=False
        )
        document.save()
        ledger_append([_event(document)])
    return document


def _event(document: LearnerDocument) -> Event:
    facts = {
        "document": document.pk,
        "learner": learner_refs([document.learner])[document.learner_id],
        "title": document.title,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "filed_at": document.institution.code if document.institution else None,
        "unit": document.unit.code if document.unit else None,
    }
    return Event("document.filed", f"document:{document.pk}", facts)


def documents_of(*, actor: Any, learner: Learner) -> list[LearnerDocument]:
    """The documents on a learner's account that this actor may open."""
    documents = LearnerDocument.objects.select_related("institution", "unit", "uploaded_by").filter(
        learner=learner
    )
    return [d for d in documents if _may_open(actor, d)]


def document_get(*, actor: Any, document_id: int) -> LearnerDocument:
    """One document, for someone who may open it (others are told it does not exist)."""
    document = (
        LearnerDocument.objects.select_related("learner", "institution", "unit")
        .filter(pk=document_id)
        .first()
    )
    if document is None or not _may_open(actor, document):
        raise NotFound(gettext_noop("There is no document %(id)s."), id=document_id)
    return document


def _may_open(actor: Any, document: LearnerDocument) -> bool:
    if role_of(actor) == "institution":
        return document.institution_id is not None and allowed(
            actor, Action.VIEW_DOCUMENT, institution_id=document.institution_id
        )
    return allowed(actor, Action.VIEW_DOCUMENT, learner_user_id=document.learner.user_id)
