"""API for issuer feeds: a certificate body delivers certificates with its API key; feed status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts.institutions import acting_institution
from creditbank.apps.accounts.permissions import Action
from creditbank.apps.deposits import feeds

router = Router(tags=["deposits"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class FeedIn(Schema):
    code: str
    name: str
    institution: str = ""  # operators name the certificate body; institutions create their own


class DeliveryIn(Schema):
    delivery_id: str
    certificates: list[dict[str, Any]]


def feed_out(feed: Any) -> dict[str, Any]:
    status = feeds.feed_status(feed)
    return {
        "code": feed.code,
        "name": feed.name,
        "institution": feed.institution.code,
        "active": feed.active,
        "last_delivery_at": feed.last_delivery_at.isoformat() if feed.last_delivery_at else None,
        "deliveries": status.deliveries,
        "certificates": status.certificates,
        "stored": status.stored,
        "already_present": status.already_present,
        "refused": status.refused,
        "recent": [delivery_out(b) for b in status.recent],
    }


def delivery_out(batch: Any) -> dict[str, Any]:
    return {
        "batch": batch.pk,
        "delivery_id": batch.idempotency_key.split(":", 2)[-1],
        "delivered_at": batch.created_at.isoformat(),
        "rows": batch.rows,
        "stored": batch.created,
        "already_present": batch.already_present,
        "refused": batch.rejected,
        "problems": batch.problems,
    }


@router.post(
    "/feeds",
    response={201: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Set up a certificate feed",
)
def create_feed(request: HttpRequest, payload: FeedIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    institution = acting_institution(actor, payload.institution or None, Action.MANAGE_FEEDS)
    return Status(
        201,
        feed_out(
            feeds.feed_create(actor=actor, institution=institution, code=payload.code, name=payload.name)
        ),
    )


@router.get(
    "/feeds", response={200: list[dict[str, Any]], **ERRORS}, auth=AUTHENTICATED, summary="Feeds you run"
)
def list_feeds(request: HttpRequest) -> list[dict[str, Any]]:
    return [feed_out(f) for f in feeds.feeds_for(actor_of(request))]


@router.get(
    "/feeds/{code}",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="A feed's status and recent deliveries",
)
def get_feed(request: HttpRequest, code: str) -> dict[str, Any]:
    return feed_out(feeds.feed_get(actor=actor_of(request), code=code))


@router.post(
    "/feeds/{code}/deliveries",
    response={201: dict[str, Any], 200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Deliver issued certificates",
)
def deliver(request: HttpRequest, code: str, payload: DeliveryIn) -> Status[dict[str, Any]]:
    """Each certificate names the person (``learner_number``, or ``id_scheme`` + ``id_number``), the
    certificate's register code (``unit_code``), ``achieved_on``, ``result`` and optionally ``evidence``
    (the certificate number or its link). Good rows are stored, the others listed in ``problems``; the
    same ``delivery_id`` again stores nothing twice (200)."""
    done = feeds.feed_deliver(
        actor=actor_of(request), code=code, delivery_id=payload.delivery_id, certificates=payload.certificates
    )
    return Status(200 if done.replayed else 201, delivery_out(done.batch))
