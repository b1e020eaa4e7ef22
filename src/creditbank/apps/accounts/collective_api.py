"""API for collective accounts: register a file of people, read the roster and its codes, issue a new
code; and, for anyone holding a code, activate the account."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts import collective
from creditbank.apps.accounts.collective_views import read_roster
from creditbank.apps.accounts.institutions import acting_institution
from creditbank.apps.accounts.models import CollectiveRegistration
from creditbank.apps.accounts.permissions import Action

router = Router(tags=["accounts"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ActivateIn(Schema):
    learner_number: str
    code: str
    id_number: str
    username: str
    password: str


def registration_out(registration: CollectiveRegistration, *, entries: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": registration.pk,
        "institution": registration.institution.code,
        "file_name": registration.file_name,
        "rows": registration.rows,
        "new_accounts": registration.created,
        "existing_accounts": registration.existing,
        "rejected": registration.rejected,
        "problems": registration.problems,
        "registered_at": registration.created_at.isoformat(),
    }
    if entries:
        out["entries"] = [
            {
                "id": e.pk,
                "learner_number": e.learner.public_id,
                "full_name": e.learner.full_name,
                "member_ref": e.member_ref,
                "new_account": e.new_account,
                "state": collective.entry_state(e),
                "activation_code": collective.roster_code(e) or None,
                "code_expires_at": e.code_expires_at.isoformat() if e.code_expires_at else None,
            }
            for e in registration.entries.select_related("learner").order_by("pk")
        ]
    return out


@router.post(
    "/collective-registrations",
    response={201: dict[str, Any], 200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Register students or staff from a CSV/XLSX file",
)
def register(
    request: HttpRequest,
    file: File[UploadedFile],
    institution: Form[str] = "",
    good_rows_only: Form[bool] = False,
) -> Status[dict[str, Any]]:
    """Columns full_name, id_scheme, id_number, id_country, region, member_ref. Rows with problems
    refuse the whole file (422, with the report) unless ``good_rows_only``; the same file again
    registers nothing (200)."""
    actor = actor_of(request)
    found = acting_institution(actor, institution or None, Action.REGISTER_COLLECTIVE)
    done = collective.collective_register(
        actor=actor,
        institution=found,
        rows=read_roster(file.read(), file.name or ""),
        file_name=file.name or "",
        good_rows_only=good_rows_only,
    )
    return Status(200 if done.replayed else 201, registration_out(done.registration, entries=True))


@router.get(
    "/collective-registrations",
    response={200: list[dict[str, Any]], **ERRORS},
    auth=AUTHENTICATED,
    summary="Registrations you may see",
)
def list_registrations(request: HttpRequest) -> list[dict[str, Any]]:
    return [registration_out(r) for r in collective.registrations_for(actor_of(request))]


@router.get(
    "/collective-registrations/{registration_id}",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="One registration, its roster and the codes still to use",
)
def get_registration(request: HttpRequest, registration_id: int) -> dict[str, Any]:
    found = collective.registration_get(actor=actor_of(request), registration_id=registration_id)
    return registration_out(found, entries=True)


@router.post(
    "/roster-entries/{entry_id}/code",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="A new activation code (the old one stops working)",
)
def reissue(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    entry = collective.roster_code_reissue(actor=actor_of(request), entry_id=entry_id)
    return {"learner_number": entry.learner.public_id, "activation_code": collective.roster_code(entry)}


@router.post(
    "/learners/activate",
    response={200: dict[str, Any], **ERRORS},
    summary="Activate an account opened by an institution (no account needed)",
)
def activate(request: HttpRequest, payload: ActivateIn) -> dict[str, Any]:
    learner = collective.learner_activate(**payload.dict())
    return {"learner_number": learner.public_id, "username": learner.user.username if learner.user else None}
