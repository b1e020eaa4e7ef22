"""API for credentials: issue, read, revoke, suspend and reinstate (with permission); verify,
status lists and DID documents for anyone."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext
from ninja import Body, Router, Schema
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts.institutions import acting_institution
from creditbank.apps.accounts.permissions import Action
from creditbank.apps.credentials import keys, sharing
from creditbank.apps.credentials.models import IssuerKey, ShareLink
from creditbank.apps.credentials.presenters import credential_out, report_out
from creditbank.apps.credentials.selectors import credentials_for, issuer_keys
from creditbank.apps.credentials.services import (
    credential_get,
    credential_issue,
    credential_reinstate,
    credential_revoke,
    credential_suspend,
    record_issue,
)
from creditbank.apps.credentials.status import public_url
from creditbank.apps.credentials.verify import credential_verify
from creditbank.core.credentials.multikey import public_multikey

router = Router(tags=["credentials"])
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
LD_JSON = "application/ld+json"


class IssueIn(Schema):
    outcome_id: int
    suite: str = "eddsa-rdfc-2022"
    language: str = "zh-hans"


class ReasonIn(Schema):
    reason: str


class NoteIn(Schema):
    note: str


class RotateIn(Schema):
    institution: str | None = None  # operators name the institution; institutions rotate their own
    note: str = ""


class KeyOut(Schema):
    id: int
    institution: str | None
    public_key: str
    verification_method: str
    state: str
    created_at: str
    retired_at: str | None
    compromised_at: str | None
    note: str


def key_out(key: IssuerKey) -> dict[str, Any]:
    return {
        "id": key.pk,
        "institution": key.institution.code if key.institution else None,
        "public_key": public_multikey(bytes(key.public_key)),
        "verification_method": keys.verification_method(key.institution, key),
        "state": key.state,
        "created_at": key.created_at.isoformat(),
        "retired_at": key.retired_at.isoformat() if key.retired_at else None,
        "compromised_at": key.compromised_at.isoformat() if key.compromised_at else None,
        "note": key.note,
    }


@router.post(
    "/credentials",
    response={201: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Issue a credential for an outcome",
)
def issue(request: HttpRequest, payload: IssueIn) -> Status[dict[str, Any]]:
    """An Open Badges 3.0 credential signed with the depositing institution's key; asking again for
    the same outcome, suite and language returns the credential already issued."""
    credential = credential_issue(
        actor=actor_of(request), outcome_id=payload.outcome_id, suite=payload.suite, language=payload.language
    )
    return Status(201, credential_out(credential))


class RecordIn(Schema):
    learner: str = "me"  # or a learner number (operators)
    suite: str = "eddsa-rdfc-2022"
    language: str = "zh-hans"


@router.post(
    "/credentials/record",
    response={201: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Issue a learner's whole record (CLR 2.0)",
)
def issue_record(request: HttpRequest, payload: RecordIn) -> Status[dict[str, Any]]:
    """Every outcome standing in the bank, as its institution's Open Badges credential (issued where
    missing), bundled in a ClrCredential the bank signs."""
    from creditbank.apps.deposits.history import learner_named

    actor = actor_of(request)
    learner = learner_named(actor, payload.learner)
    return Status(
        201,
        credential_out(
            record_issue(actor=actor, learner=learner, suite=payload.suite, language=payload.language)
        ),
    )


@router.get(
    "/credentials",
    response={200: list[dict[str, Any]], **ERRORS},
    auth=AUTHENTICATED,
    summary="Credentials you may see",
)
def list_credentials(request: HttpRequest, limit: int = 100) -> list[dict[str, Any]]:
    """The learner's own, the institution's, or (for operators) the latest issued."""
    return [
        credential_out(c, document=False) for c in credentials_for(actor_of(request), limit=min(limit, 500))
    ]


@router.get(
    "/credentials/{credential_id}",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="One credential",
)
def get_credential(request: HttpRequest, credential_id: str) -> dict[str, Any]:
    return credential_out(credential_get(actor=actor_of(request), credential_id=credential_id))


@router.get(
    "/credentials/{credential_id}/certificate.pdf",
    response={200: bytes, **ERRORS},
    auth=AUTHENTICATED,
    summary="The certificate to print (PDF)",
)
def certificate(request: HttpRequest, credential_id: str) -> HttpResponse:
    """A4, in the credential's language, with a QR code leading to its verification; a revoked or
    suspended credential's certificate says so."""
    from creditbank.apps.credentials.certificates import certificate_pdf

    credential = credential_get(actor=actor_of(request), credential_id=credential_id)
    response = HttpResponse(certificate_pdf(credential), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{credential.id}.pdf"'
    return response


@router.post(
    "/credentials/{credential_id}/revoke",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Revoke a credential",
)
def revoke(request: HttpRequest, credential_id: str, payload: ReasonIn) -> dict[str, Any]:
    return credential_out(
        credential_revoke(actor=actor_of(request), credential_id=credential_id, reason=payload.reason)
    )


@router.post(
    "/credentials/{credential_id}/suspend",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Suspend a credential",
)
def suspend(request: HttpRequest, credential_id: str, payload: ReasonIn) -> dict[str, Any]:
    return credential_out(
        credential_suspend(actor=actor_of(request), credential_id=credential_id, reason=payload.reason)
    )


@router.post(
    "/credentials/{credential_id}/reinstate",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Lift a suspension",
)
def reinstate(request: HttpRequest, credential_id: str, payload: ReasonIn) -> dict[str, Any]:
    return credential_out(
        credential_reinstate(actor=actor_of(request), credential_id=credential_id, reason=payload.reason)
    )


@router.post(
    "/verify", response={200: dict[str, Any], **ERRORS}, summary="Verify a credential (no account needed)"
)
def verify(request: HttpRequest, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    """Post the credential's JSON as the body. The answer has every check with its verdict, the
    first that failed and why, and what the bank's records say of the issuer and the achievement."""
    return report_out(credential_verify(payload, language=get_language() or "en"), gettext)


@router.get(
    "/issuer-keys", response={200: list[KeyOut], **ERRORS}, auth=AUTHENTICATED, summary="Signing keys"
)
def list_keys(request: HttpRequest) -> list[dict[str, Any]]:
    return [key_out(k) for k in issuer_keys(actor_of(request))]


@router.post(
    "/issuer-keys/rotate",
    response={201: KeyOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Rotate an institution's key",
)
def rotate(request: HttpRequest, payload: RotateIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    institution = acting_institution(actor, payload.institution, Action.MANAGE_ISSUER_KEYS)
    return Status(201, key_out(keys.key_rotate(actor=actor, institution=institution, note=payload.note)))


@router.post(
    "/issuer-keys/{key_id}/compromised",
    response={200: KeyOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Mark a key compromised",
)
def compromised(request: HttpRequest, key_id: int, payload: NoteIn) -> dict[str, Any]:
    return key_out(keys.key_mark_compromised(actor=actor_of(request), key_id=key_id, note=payload.note))


class ShareIn(Schema):
    outcome_ids: list[int]
    label: str
    expires_on: date
    language: str = "zh-hans"


def share_out(link: ShareLink, *, accesses: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": link.pk,
        "label": link.label,
        "url": public_url(reverse("shared", args=[sharing.share_token(link)])),
        "credentials": [str(c.id) for c in link.credentials.all()],
        "created_at": link.created_at.isoformat(),
        "expires_at": link.expires_at.isoformat(),
        "revoked_at": link.revoked_at.isoformat() if link.revoked_at else None,
        "opened": link.accesses.filter(refused="").count(),
    }
    if accesses:
        out["accesses"] = [
            {
                "at": a.at.isoformat(),
                "network": a.network,
                "user_agent": a.user_agent,
                "refused": a.refused or None,
            }
            for a in link.accesses.all()[:500]
        ]
    return out


@router.post(
    "/shares", response={201: dict[str, Any], **ERRORS}, auth=AUTHENTICATED, summary="Share outcomes"
)
def create_share(request: HttpRequest, payload: ShareIn) -> Status[dict[str, Any]]:
    """A link (with expiry) showing the credentials of the chosen outcomes; learners only, their own."""
    link, _token = sharing.share_create(
        actor=actor_of(request),
        outcome_ids=payload.outcome_ids,
        label=payload.label,
        expires_on=payload.expires_on,
        language=payload.language,
    )
    return Status(201, share_out(link))


@router.get(
    "/shares", response={200: list[dict[str, Any]], **ERRORS}, auth=AUTHENTICATED, summary="Your links"
)
def list_shares(request: HttpRequest) -> list[dict[str, Any]]:
    return [share_out(link) for link in sharing.shares_of(actor_of(request))]


@router.get(
    "/shares/{link_id}",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="One link and who opened it",
)
def get_share(request: HttpRequest, link_id: int) -> dict[str, Any]:
    return share_out(sharing.share_get(actor=actor_of(request), link_id=link_id), accesses=True)


@router.post(
    "/shares/{link_id}/revoke",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Withdraw a link",
)
def revoke_share(request: HttpRequest, link_id: int) -> dict[str, Any]:
    return share_out(sharing.share_revoke(actor=actor_of(request), link_id=link_id))


@router.get(
    "/shared/{token}",
    response={200: dict[str, Any], **ERRORS, 410: ErrorOut},
    summary="A shared record (no account needed)",
)
def open_share(request: HttpRequest, token: str) -> dict[str, Any]:
    """What the learner shared through the link, each credential with its verification now; the
    opening is logged for the learner. 410 when the link expired or was withdrawn."""
    link, found = sharing.share_open(
        token, address=request.META.get("REMOTE_ADDR", ""), user_agent=request.META.get("HTTP_USER_AGENT", "")
    )
    language = get_language() or "en"
    return {
        "learner_name": link.learner.full_name,
        "expires_at": link.expires_at.isoformat(),
        "credentials": [
            {
                "document": c.document,
                "verification": report_out(credential_verify(c.document, language=language), gettext),
            }
            for c in found
        ],
    }
