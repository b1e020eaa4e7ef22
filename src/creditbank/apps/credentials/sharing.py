"""A learner shares chosen outcomes with an employer through a link that expires and can be
revoked; every opening of the link is logged for the learner to see.

Sharing an outcome shares its verifiable credential (issued now if the learner has none yet), so
what the employer sees can be checked by anyone, not only read off this bank's page.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from creditbank.apps.accounts import crypto
from creditbank.apps.accounts.learners import learner_of
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.credentials.models import Credential, ShareAccess, ShareLink
from creditbank.apps.credentials.services import credential_issue
from creditbank.apps.deposits.models import LearningOutcome, OutcomeStatus
from creditbank.core.errors import DomainError, InvalidInput, NotFound, gettext_noop

TOKEN_FIELD = "credentials.share_token"  # noqa: S105 (the name tokens are sealed under, not a secret)
LONGEST = timedelta(days=366)


class ShareUnavailable(DomainError):
    code = "share_unavailable"
    status = 410


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _expiry(expires_on: date) -> datetime:
    today = timezone.localdate()
    if expires_on <= today:
        raise InvalidInput(gettext_noop("The link must expire after today; choose a later date."))
    if expires_on - today > LONGEST:
        raise InvalidInput(
            gettext_noop("A link may last at most a year; choose %(latest)s or earlier."),
            latest=(today + LONGEST).isoformat(),
        )
    return timezone.make_aware(datetime.combine(expires_on, time.max))


def share_create(
    *, actor: Any, outcome_ids: Sequence[int], label: str, expires_on: date, language: str = "zh-hans"
) -> tuple[ShareLink, str]:
    """A new link showing the credentials of the chosen outcomes; returns it with its token."""
    require(actor, Action.SHARE_RECORD, learner_user_id=getattr(actor, "pk", None))  # the role, first
    learner = learner_of(actor)
    if not label.strip():
        raise InvalidInput(gettext_noop("Say whom the link is for: you will see it in your list of links."))
    wanted = sorted(set(outcome_ids))
    if not wanted:
        raise InvalidInput(gettext_noop("Choose at least one outcome to share."))
    expires_at = _expiry(expires_on)
    outcomes = LearningOutcome.objects.filter(learner=learner, pk__in=wanted, status=OutcomeStatus.RECORDED)
    found = {o.pk for o in outcomes}
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise InvalidInput(
            gettext_noop("These outcomes are not yours, or no longer stand in the bank: %(outcomes)s."),
            outcomes=", ".join(missing),
        )
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        credentials = [credential_issue(actor=actor, outcome_id=pk, language=language) for pk in wanted]
        link = ShareLink.objects.create(
            learner=learner,
            label=label.strip()[:200],
            token_hash=_hash(token),
            token_encrypted=crypto.encrypt(token, field=TOKEN_FIELD),
            expires_at=expires_at,
        )
        link.credentials.set(credentials)
    return link, token


def share_token(link: ShareLink) -> str:
    return crypto.decrypt(link.token_encrypted, field=TOKEN_FIELD)


def shares_of(actor: Any) -> list[ShareLink]:
    require(actor, Action.SHARE_RECORD, learner_user_id=getattr(actor, "pk", None))  # the role, first
    learner = learner_of(actor)
    return list(ShareLink.objects.filter(learner=learner).prefetch_related("credentials", "accesses"))


def share_get(*, actor: Any, link_id: int) -> ShareLink:
    link = ShareLink.objects.select_related("learner").filter(pk=link_id).first()
    if link is None:
        raise NotFound(gettext_noop("There is no share link %(link)s."), link=link_id)
    require(actor, Action.SHARE_RECORD, learner_user_id=link.learner.user_id)
    return link


def share_revoke(*, actor: Any, link_id: int) -> ShareLink:
    """Stop the link at once; its access log stays."""
    with transaction.atomic():
        link = share_get(actor=actor, link_id=link_id)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
    return link


def _network(address: str) -> str:
    """The requester's network, not their address: enough for the learner to tell one employer's
    office from another, without the bank keeping who exactly opened the link."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def share_open(token: str, *, address: str = "", user_agent: str = "") -> tuple[ShareLink, list[Credential]]:
    """What a link shows, logging the opening; an expired or revoked link is refused (and logged)."""
    link = ShareLink.objects.select_related("learner").filter(token_hash=_hash(token)).first()
    if link is None:
        raise NotFound(gettext_noop("This share link does not exist. Ask the learner for a new one."))
    now = timezone.now()
    refused = "revoked" if link.revoked_at else "expired" if link.expires_at <= now else ""
    ShareAccess.objects.create(
        link=link, network=_network(address), user_agent=user_agent[:200], refused=refused
    )
    if refused == "revoked":
        raise ShareUnavailable(gettext_noop("The learner has withdrawn this link."))
    if refused == "expired":
        raise ShareUnavailable(
            gettext_noop("This link expired on %(when)s. Ask the learner for a new one."),
            when=timezone.localtime(link.expires_at).date().isoformat(),
        )
    credentials = list(link.credentials.select_related("institution", "outcome__entry").order_by("issued_at"))
    return link, credentials
