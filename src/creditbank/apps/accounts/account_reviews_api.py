"""API for the review of new accounts by the service network."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from creditbank.api.auth import AUTHENTICATED, PersonSession, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts import account_reviews as reviews
from creditbank.apps.accounts.models import Learner

router = Router(tags=["review"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class WaitingOut(Schema):
    learner_number: str
    full_name: str
    region: str
    level: int
    site: str | None
    waiting_since: str


class AccountsReviewIn(Schema):
    accounts: list[str]
    decision: str  # approved or rejected
    reason: str = ""


class ReviewedOut(Schema):
    learner_number: str
    status: str
    awaiting_level: int | None


class LevelsIn(Schema):
    levels: int


def reviewed_out(learner: Learner) -> dict[str, Any]:
    return {
        "learner_number": learner.public_id,
        "status": learner.status,
        "awaiting_level": learner.awaiting_level,
    }


@router.get(
    "/account-reviews",
    response={200: list[WaitingOut], **ERRORS},
    auth=PersonSession(),
    summary="New accounts waiting for your review, oldest first",
)
def queue(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "learner_number": w.learner.public_id,
            "full_name": w.learner.full_name,
            "region": w.learner.region,
            "level": w.learner.awaiting_level or 1,
            "site": w.learner.review_unit.code if w.learner.review_unit else None,
            "waiting_since": w.since.isoformat(),
        }
        for w in reviews.account_review_queue(request.user)
    ]


@router.post(
    "/account-reviews",
    response={200: list[ReviewedOut], **ERRORS},
    auth=PersonSession(),
    summary="Approve or reject new accounts (a reason is required to reject)",
)
def review(request: HttpRequest, payload: AccountsReviewIn) -> list[dict[str, Any]]:
    done = reviews.accounts_review(actor=request.user, numbers=payload.accounts, decision=payload.decision,
                                   reason=payload.reason)  # fmt: skip
    return [reviewed_out(a) for a in done]


@router.get(
    "/account-review-policy",
    response={200: LevelsIn},
    summary="How many levels review a new account (public): 0 none, 1 the site, 2 then the sub-centre",
)
def get_policy(request: HttpRequest) -> dict[str, int]:
    return {"levels": reviews.account_review_levels()}


@router.put(
    "/account-review-policy",
    response={200: LevelsIn, **ERRORS},
    auth=AUTHENTICATED,
    summary="Set how many levels review a new account (the bank centre)",
)
def set_policy(request: HttpRequest, payload: LevelsIn) -> dict[str, int]:
    return {"levels": reviews.account_review_policy_set(actor=actor_of(request), levels=payload.levels)}
