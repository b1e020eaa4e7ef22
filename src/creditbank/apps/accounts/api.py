"""API for the signed-in actor and institution API keys."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, PersonSession, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts.institutions import institution_alliance, institution_register
from creditbank.apps.accounts.learners import (
    learner_export,
    learner_find,
    learner_identity,
    learner_of,
    learner_open,
)
from creditbank.apps.accounts.models import ApiKey, Institution, Learner
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accounts.services import api_key_create, api_key_revoke
from creditbank.core.errors import PermissionDenied

router = Router(tags=["accounts"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class MeOut(Schema):
    kind: str
    name: str
    role: str
    institution: str | None


class ApiKeyOut(Schema):
    prefix: str
    name: str
    institution: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


class ApiKeyCreatedOut(ApiKeyOut):
    secret: str


class ApiKeyIn(Schema):
    name: str


def key_out(key: ApiKey) -> dict[str, Any]:
    return {
        "prefix": key.prefix,
        "name": key.name,
        "institution": key.institution.code,
        "created_at": key.created_at.isoformat(),
        "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


@router.get("/me", response={200: MeOut, **ERRORS}, auth=AUTHENTICATED, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    if getattr(actor, "key_prefix", None):
        return {
            "kind": "api_key",
            "name": str(actor),
            "role": actor.role,
            "institution": actor.institution_code,
        }
    return {
        "kind": "person",
        "name": str(actor),
        "role": actor.role,
        "institution": actor.institution.code if actor.institution_id else None,
    }


@router.get(
    "/institutions/{code}/api-keys",
    response={200: list[ApiKeyOut], **ERRORS},
    auth=AUTHENTICATED,
    summary="List API keys",
)
def list_keys(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    institution = get_object_or_404(Institution, code=code)
    require(actor_of(request), Action.MANAGE_API_KEYS, institution_id=institution.pk)
    return [key_out(k) for k in institution.api_keys.select_related("institution")]


# Keys are created and revoked by people only: a leaked key must not be able to mint more keys.
@router.post(
    "/institutions/{code}/api-keys",
    response={201: ApiKeyCreatedOut, **ERRORS},
    auth=PersonSession(),
    summary="Create an API key (the secret is shown once)",
)
def create_key(request: HttpRequest, code: str, payload: ApiKeyIn) -> Status[dict[str, Any]]:
    institution = get_object_or_404(Institution, code=code)
    issued = api_key_create(actor=request.user, institution=institution, name=payload.name)  # type: ignore[arg-type]
    return Status(201, {**key_out(issued.key), "secret": issued.secret})


@router.delete(
    "/api-keys/{prefix}",
    response={200: ApiKeyOut, **ERRORS},
    auth=PersonSession(),
    summary="Revoke an API key",
)
def revoke_key(request: HttpRequest, prefix: str) -> dict[str, Any]:
    return key_out(api_key_revoke(actor=request.user, prefix=prefix))  # type: ignore[arg-type]


class LearnerOpenIn(Schema):
    full_name: str
    id_scheme: str
    id_number: str
    id_country: str = ""
    region: str


class IdentityIn(Schema):
    id_scheme: str
    id_number: str
    id_country: str = ""


class LearnerOut(Schema):
    learner_number: str
    full_name: str
    region: str
    identity_document: str
    opened_at: str
    status: str  # official, pending (under review) or rejected
    awaiting_level: int | None
    status_reason: str


def learner_out(learner: Learner) -> dict[str, Any]:
    identity = learner_identity(learner)
    return {
        "learner_number": learner.public_id,
        "full_name": learner.full_name,
        "region": learner.region,
        "identity_document": f"{identity.scheme.value} {identity.masked}",
        "opened_at": learner.created_at.isoformat(),
        "status": learner.status,
        "awaiting_level": learner.awaiting_level,
        "status_reason": learner.status_reason,
    }


@router.post(
    "/learners",
    response={201: LearnerOut, 409: ErrorOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Open a lifelong learning account for a learner (institutions, operators)",
)
def open_learner(request: HttpRequest, payload: LearnerOpenIn) -> Status[dict[str, Any]]:
    """One person, one account: a second account for the same identity document is refused (409,
    `duplicate_learner`, with the existing learner number in `details.learner`)."""
    if actor_of(request) is None:
        raise PermissionDenied(action="open learner accounts")
    learner = learner_open(actor=actor_of(request), **payload.dict())
    return Status(201, learner_out(learner))


@router.post(
    "/learners/lookup",
    response={200: LearnerOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Find a learner by identity document (institutions, operators)",
)
def lookup_learner(request: HttpRequest, payload: IdentityIn) -> dict[str, Any]:
    return learner_out(learner_find(actor=actor_of(request), **payload.dict()))


@router.get("/learners/me", response={200: LearnerOut, **ERRORS}, auth=PersonSession(), summary="My account")
def my_learner(request: HttpRequest) -> dict[str, Any]:
    return learner_out(learner_of(request.user))


@router.get(
    "/learners/me/export",
    response={200: dict[str, Any], **ERRORS},
    auth=PersonSession(),
    summary="Everything the bank holds about me",
)
def my_export(request: HttpRequest) -> dict[str, Any]:
    return learner_export(actor=request.user, learner=learner_of(request.user))


class InstitutionIn(Schema):
    code: str
    name_en: str
    name_zh: str
    kind: str
    region: str
    city: str = ""
    uscc: str = ""


class AllianceIn(Schema):
    joined: date | None = None
    left: date | None = None


class InstitutionOut(Schema):
    code: str
    name_en: str
    name_zh: str
    kind: str
    region: str
    city: str
    uscc: str | None
    alliance_joined: str | None
    alliance_left: str | None


def institution_out(i: Institution) -> dict[str, Any]:
    return {
        "code": i.code,
        "name_en": i.name_en,
        "name_zh": i.name_zh,
        "kind": i.kind,
        "region": i.region,
        "city": i.city,
        "uscc": i.uscc,
        "alliance_joined": i.alliance_joined.isoformat() if i.alliance_joined else None,
        "alliance_left": i.alliance_left.isoformat() if i.alliance_left else None,
    }


@router.get(
    "/institutions",
    response=list[InstitutionOut],
    summary="Institutions and their alliance membership (public)",
)
def list_institutions(request: HttpRequest) -> list[dict[str, Any]]:
    """Public: verifiers check whether an issuer belonged to the alliance on a date."""
    return [institution_out(i) for i in Institution.objects.order_by("code")]


@router.post(
    "/institutions",
    response={201: InstitutionOut, **ERRORS},
    auth=PersonSession(),
    summary="Register an institution (operators)",
)
def register_institution(request: HttpRequest, payload: InstitutionIn) -> Status[dict[str, Any]]:
    return Status(201, institution_out(institution_register(actor=request.user, **payload.dict())))


@router.post(
    "/institutions/{code}/alliance",
    response={200: InstitutionOut, **ERRORS},
    auth=PersonSession(),
    summary="Alliance dates (operators)",
)
def set_alliance(request: HttpRequest, code: str, payload: AllianceIn) -> dict[str, Any]:
    return institution_out(
        institution_alliance(actor=request.user, code=code, joined=payload.joined, left=payload.left)
    )


class AssessorOut(Schema):
    username: str
    name: str
    institution: str | None
    sectors: list[str]


class SectorsIn(Schema):
    sectors: list[str]


def assessor_out(a: Any) -> dict[str, Any]:
    return {
        "username": a.username,
        "name": str(a),
        "institution": a.institution.code if a.institution else None,
        "sectors": a.expertise_sectors,
    }


@router.get(
    "/assessors",
    response={200: list[AssessorOut], **ERRORS},
    auth=PersonSession(),
    summary="Assessors (operators)",
)
def list_assessors(request: HttpRequest) -> list[dict[str, Any]]:
    from creditbank.apps.accounts.models import User

    require(request.user, Action.MANAGE_ASSESSORS)
    return [
        assessor_out(a)
        for a in User.objects.filter(role="assessor").select_related("institution").order_by("username")
    ]


@router.post(
    "/assessors/{username}/sectors",
    response={200: AssessorOut, **ERRORS},
    auth=PersonSession(),
    summary="Set sectors",
)
def set_sectors(request: HttpRequest, username: str, payload: SectorsIn) -> dict[str, Any]:
    from creditbank.apps.accounts.assessors import assessor_set_sectors

    return assessor_out(assessor_set_sectors(actor=request.user, username=username, sectors=payload.sectors))
