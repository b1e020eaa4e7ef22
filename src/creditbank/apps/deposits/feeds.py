"""Issuer feeds: a certificate body (1+X training-evaluation organisation, skills assessment centre)
pushes the certificates it issued into learners' accounts through its API key.

A delivery is a deposit batch of the feed: idempotent by the delivery id the body gives, accepted row
by row (a certificate for someone without an account, or of a unit not accredited, is reported and
the rest stored), with the same checks and ledger entries as any deposit. The feed's page shows each
delivery and its error report."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, require, role_of
from creditbank.apps.deposits.models import ImportBatch, IssuerFeed
from creditbank.apps.deposits.services import Deposited, deposit_batch
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{2,39}$")
_DELIVERY = re.compile(r"^[A-Za-z0-9._:-]{1,60}$")


def feed_create(*, actor: Any, institution: Institution, code: str, name: str) -> IssuerFeed:
    require(actor, Action.MANAGE_FEEDS, institution_id=institution.pk)
    code = code.strip().lower()
    if not _CODE.match(code):
        raise InvalidInput(
            gettext_noop("A feed code is 3 to 40 lower-case letters, digits or hyphens, e.g. gba-skills-1x.")
        )
    if not name.strip():
        raise InvalidInput(gettext_noop("Name the feed: what it delivers."))
    if IssuerFeed.objects.filter(code=code).exists():
        raise Conflict(gettext_noop("There is already a feed %(code)s."), code=code)
    return IssuerFeed.objects.create(institution=institution, code=code, name=name.strip()[:200])


def feed_get(*, actor: Any, code: str) -> IssuerFeed:
    feed = IssuerFeed.objects.select_related("institution").filter(code=code.strip().lower()).first()
    if feed is None:
        raise NotFound(gettext_noop("There is no feed %(code)s."), code=code)
    require(actor, Action.MANAGE_FEEDS, institution_id=feed.institution_id)
    return feed


def feeds_for(actor: Any) -> list[IssuerFeed]:
    require(actor, Action.MANAGE_FEEDS)
    found = IssuerFeed.objects.select_related("institution")
    if role_of(actor) == "institution":
        found = found.filter(institution_id=actor.institution_id)
    return list(found)


def feed_deliver(
    *, actor: Any, code: str, delivery_id: str, certificates: Sequence[Mapping[str, Any]]
) -> Deposited:
    """Store a delivery's certificates; the same delivery id again stores nothing twice."""
    feed = feed_get(actor=actor, code=code)
    if not feed.active:
        raise Conflict(
            gettext_noop("Feed %(code)s is paused; the bank accepts no deliveries on it."), code=feed.code
        )
    if not _DELIVERY.match(delivery_id.strip()):
        raise InvalidInput(gettext_noop("Give the delivery an id of 1 to 60 letters, digits or . _ : -"))
    rows = [{"outcome_type": "certificate", **row} for row in certificates]
    done = deposit_batch(
        actor=actor,
        rows=rows,
        idempotency_key=f"feed:{feed.code}:{delivery_id.strip()}"[:80],
        institution_code=feed.institution.code,
        good_rows_only=True,
        file_name=f"{feed.code} delivery {delivery_id.strip()}",
        feed=feed,
    )
    if not done.replayed:
        IssuerFeed.objects.filter(pk=feed.pk).update(last_delivery_at=timezone.now())
    return done


@dataclass(frozen=True)
class FeedStatus:
    feed: IssuerFeed
    deliveries: int
    certificates: int  # rows delivered
    stored: int
    already_present: int
    refused: int
    recent: list[ImportBatch]


def feed_status(feed: IssuerFeed, *, recent: int = 20) -> FeedStatus:
    batches = ImportBatch.objects.filter(feed=feed)
    totals = batches.aggregate(
        rows=Sum("rows"), created=Sum("created"), present=Sum("already_present"), rejected=Sum("rejected")
    )
    return FeedStatus(
        feed,
        batches.count(),
        totals["rows"] or 0,
        totals["created"] or 0,
        totals["present"] or 0,
        totals["rejected"] or 0,
        list(batches.order_by("-created_at", "-pk")[:recent]),
    )
