"""API for the signed-in actor and institution API keys."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, PersonSession, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts.models import ApiKey, Institution
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accounts.services import api_key_create, api_key_revoke

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
