"""API for deposit review and the service network."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts import network
from creditbank.apps.accounts.models import ServiceUnit
from creditbank.apps.deposits import reviews
from creditbank.apps.deposits.models import ReviewPolicy

router = Router(tags=["review"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ReviewIn(Schema):
    outcome_ids: list[int]
    decision: str
    reason: str = ""


class PolicyIn(Schema):
    outcome_type: str
    levels: int


class UnitIn(Schema):
    code: str
    name_en: str
    name_zh: str
    level: str
    parent: str = ""
    territory: str = ""


class StaffIn(Schema):
    username: str


class ServedIn(Schema):
    institution: str


def unit_out(unit: ServiceUnit) -> dict[str, Any]:
    return {
        "code": unit.code, "name_en": unit.name_en, "name_zh": unit.name_zh, "level": unit.level,
        "parent": unit.parent.code if unit.parent else None, "territory": unit.territory,
    }  # fmt: skip


@router.get(
    "/reviews",
    response={200: list[dict[str, Any]], **ERRORS},
    auth=AUTHENTICATED,
    summary="Deposits waiting for your review",
)
def queue(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"outcome": w.outcome.pk, "level": w.outcome.awaiting_level, "institution": w.outcome.institution.code,
         "learner": w.outcome.learner.public_id, "unit": w.outcome.entry.code, "type": w.outcome.outcome_type,
         "achieved_on": w.outcome.achieved_on.isoformat(), "waiting_since": w.since.isoformat()}
        for w in reviews.review_queue(actor_of(request))
    ]  # fmt: skip


@router.post(
    "/reviews",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Approve or reject deposits",
)
def review(request: HttpRequest, payload: ReviewIn) -> dict[str, Any]:
    done = reviews.outcomes_review(
        actor=actor_of(request),
        outcome_ids=payload.outcome_ids,
        decision=payload.decision,
        reason=payload.reason,
    )
    return {
        "reviewed": [{"outcome": o.pk, "status": o.status, "awaiting_level": o.awaiting_level} for o in done]
    }


@router.get(
    "/review-policy",
    response={200: dict[str, int], **ERRORS},
    summary="Which outcome types are reviewed (public)",
)
def get_policy(request: HttpRequest) -> dict[str, int]:
    return dict(ReviewPolicy.objects.values_list("outcome_type", "levels"))


@router.put(
    "/review-policy",
    response={200: dict[str, int], **ERRORS},
    auth=AUTHENTICATED,
    summary="Set an outcome type's review",
)
def set_policy(request: HttpRequest, payload: PolicyIn) -> dict[str, int]:
    policy = reviews.review_policy_set(
        actor=actor_of(request), outcome_type=payload.outcome_type, levels=payload.levels
    )
    return {policy.outcome_type: policy.levels}


@router.get(
    "/service-units",
    response={200: list[dict[str, Any]], **ERRORS},
    summary="The bank's service network (public)",
)
def units(request: HttpRequest) -> list[dict[str, Any]]:
    return [{**unit_out(u), "depth": depth} for u, depth in network.units_tree()]


@router.post(
    "/service-units", response={201: dict[str, Any], **ERRORS}, auth=AUTHENTICATED, summary="Add a unit"
)
def add_unit(request: HttpRequest, payload: UnitIn) -> Status[dict[str, Any]]:
    return Status(201, unit_out(network.unit_create(actor=actor_of(request), **payload.dict())))


@router.post(
    "/service-units/{code}/staff",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Put staff at a unit",
)
def assign_staff(request: HttpRequest, code: str, payload: StaffIn) -> dict[str, Any]:
    user = network.unit_assign_staff(actor=actor_of(request), code=code, username=payload.username)
    return {"username": user.username, "unit": code}


@router.post(
    "/service-units/{code}/institutions",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="A site serves an institution",
)
def assign_institution(request: HttpRequest, code: str, payload: ServedIn) -> dict[str, Any]:
    found = network.unit_assign_institution(
        actor=actor_of(request), code=code, institution=payload.institution
    )
    return {"institution": found.code, "unit": code}
