"""Collective accounts (集体开户): an institution or enterprise registers its students or staff from a
file; each person then activates their own account with a one-time code and their identity number.

People who already have an account are recognised by their identity document (the blind index) and
joined to the roster, never given a second account. Codes are kept encrypted so that the institution
can print them for the people who have not activated yet; a code works once, for 90 days, and five
wrong tries lock it until the institution issues a new one.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from creditbank.apps.accounts import crypto
from creditbank.apps.accounts.account_reviews import account_opening
from creditbank.apps.accounts.learners import ID_FIELD, SignIn, identity_index, new_public_id, sign_in_create
from creditbank.apps.accounts.models import CollectiveRegistration, Institution, Learner, Region, RosterEntry
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accounts.principals import person_of, via_key_of
from creditbank.core.errors import InvalidInput, NotFound, gettext_noop
from creditbank.core.identity import parse_identity
from creditbank.core.rosters import parse_roster

CODE_FIELD = "accounts.activation_code"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LIFETIME = timedelta(days=90)
MAX_TRIES = 5


class RosterRejected(InvalidInput):
    code = "roster_rejected"
    template = gettext_noop(
        "%(rejected)s of %(rows)s rows have problems; nothing was registered. Fix them, or register the good rows only."
    )


class ActivationRefused(InvalidInput):
    code = "activation_refused"
    template = gettext_noop(
        "The learner number, the activation code or the identity number is wrong, or the code has expired."
    )


@dataclass(frozen=True)
class Registered:
    registration: CollectiveRegistration
    replayed: bool  # the same file was registered before: nothing new was made


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _normal_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def content_hash(rows: Sequence[Mapping[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(list(rows), sort_keys=True, default=str).encode()).hexdigest()


def collective_register(
    *,
    actor: Any,
    institution: Institution,
    rows: Sequence[Mapping[str, Any]],
    file_name: str = "",
    good_rows_only: bool = False,
) -> Registered:
    """Register the people listed in ``rows``: an account for each who has none (to activate with a
    code), and each who has one joined to the institution's roster. All or nothing unless
    ``good_rows_only``; the same rows sent again register nothing twice."""
    require(actor, Action.REGISTER_COLLECTIVE, institution_id=institution.pk)
    if not rows:
        raise InvalidInput(gettext_noop("The file lists nobody."))
    digest = content_hash(rows)
    earlier = CollectiveRegistration.objects.filter(institution=institution, content_hash=digest).first()
    if earlier is not None:
        return Registered(earlier, replayed=True)
    good, bad = parse_roster(rows, regions=Region.values, today=timezone.localdate())
    report = [{"line": p.line, "problems": list(p.problems)} for p in bad]
    if bad and not good_rows_only:
        raise RosterRejected(rejected=len(bad), rows=len(rows), report=report)
    with transaction.atomic():
        registration = CollectiveRegistration.objects.create(
            institution=institution,
            file_name=file_name[:200],
            content_hash=digest,
            rows=len(rows),
            rejected=len(bad),
            problems=report,
            submitted_by=person_of(actor),
            submitted_via_key=via_key_of(actor),
        )
        indexes = {row.line: identity_index(row.identity) for row in good}
        existing = {
            learner.id_index: learner
            for learner in Learner.objects.filter(id_index__in=indexes.values()).select_related("user")
        }
        opening = account_opening(actor, institution, in_person=False)
        fresh = [
            Learner(
                public_id=new_public_id(),
                full_name=row.full_name,
                id_scheme=row.identity.scheme.value,
                id_country=row.identity.country,
                id_number_encrypted=crypto.encrypt(row.identity.number, field=ID_FIELD),
                id_index=indexes[row.line],
                region=row.region,
                opened_by=person_of(actor),
                opened_at_institution=institution,
                status=opening.status,
                awaiting_level=opening.awaiting_level,
                review_unit=opening.review_unit,
            )
            for row in good
            if indexes[row.line] not in existing
        ]
        Learner.objects.bulk_create(fresh, batch_size=1000)
        made = {learner.id_index for learner in fresh}
        learners = {**existing, **{learner.id_index: learner for learner in fresh}}
        expires = timezone.now() + CODE_LIFETIME
        entries = []
        for row in good:
            learner = learners[indexes[row.line]]
            needs_code = learner.user_id is None
            entries.append(
                RosterEntry(
                    registration=registration,
                    learner=learner,
                    member_ref=row.member_ref,
                    new_account=learner.id_index in made,
                    code_encrypted=crypto.encrypt(new_code(), field=CODE_FIELD) if needs_code else "",
                    code_expires_at=expires if needs_code else None,
                )
            )
        RosterEntry.objects.bulk_create(entries, batch_size=1000)
        registration.created = len(fresh)
        registration.existing = len(good) - len(fresh)
        registration.save(update_fields=["created", "existing"])
    return Registered(registration, replayed=False)


def roster_code(entry: RosterEntry) -> str:
    """The entry's activation code, for the institution to hand to the person ('' once activated)."""
    return crypto.decrypt(entry.code_encrypted, field=CODE_FIELD) if entry.code_encrypted else ""


def roster_code_reissue(*, actor: Any, entry_id: int) -> RosterEntry:
    """A new code for someone who lost theirs or locked it; the old code stops working."""
    entry = RosterEntry.objects.select_related("registration", "learner").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(gettext_noop("There is no roster entry %(entry)s."), entry=entry_id)
    if entry.registration is None:  # opened at a counter: any staff who may open accounts
        require(actor, Action.FIND_LEARNER)
    else:
        require(actor, Action.REGISTER_COLLECTIVE, institution_id=entry.registration.institution_id)
    if entry.learner.user_id is not None:
        raise InvalidInput(
            gettext_noop("%(learner)s has already activated the account."), learner=entry.learner.public_id
        )
    entry.code_encrypted = crypto.encrypt(new_code(), field=CODE_FIELD)
    entry.code_expires_at = timezone.now() + CODE_LIFETIME
    entry.failed_attempts = 0
    entry.save(update_fields=["code_encrypted", "code_expires_at", "failed_attempts"])
    return entry


def learner_activate(
    *, learner_number: str, code: str, id_number: str, username: str, password: str
) -> Learner:
    """The person sets their own sign-in with the code their institution gave them, proving who they
    are with their identity number too. Every wrong try counts towards the lock."""
    learner = Learner.objects.filter(public_id=learner_number.strip().upper(), user__isnull=True).first()
    entry = (
        RosterEntry.objects.filter(learner=learner, code_expires_at__gt=timezone.now())
        .exclude(code_encrypted="")
        .order_by("-code_expires_at")
        .first()
        if learner is not None
        else None
    )
    if learner is None or entry is None:
        raise ActivationRefused()
    if entry.failed_attempts >= MAX_TRIES:
        raise InvalidInput(
            gettext_noop(
                "This code is locked after %(tries)s wrong tries; ask your institution for a new one."
            ),
            tries=MAX_TRIES,
        )
    if not (_code_matches(entry, code) and _identity_matches(learner, id_number)):
        RosterEntry.objects.filter(pk=entry.pk).update(failed_attempts=F("failed_attempts") + 1)
        raise ActivationRefused()
    with transaction.atomic():
        locked = Learner.objects.select_for_update().get(pk=learner.pk)
        if locked.user_id is not None:
            raise ActivationRefused()
        locked.user = sign_in_create(SignIn(username, password), locked.full_name)
        locked.save(update_fields=["user"])
        RosterEntry.objects.filter(learner=locked).update(code_encrypted="", activated_at=timezone.now())
    return locked


def _code_matches(entry: RosterEntry, code: str) -> bool:
    return hmac.compare_digest(_normal_code(roster_code(entry)), _normal_code(code))


def _identity_matches(learner: Learner, id_number: str) -> bool:
    try:
        identity = parse_identity(learner.id_scheme, id_number, country=learner.id_country)
    except InvalidInput:
        return False
    return hmac.compare_digest(identity_index(identity), learner.id_index)


def registrations_for(actor: Any) -> list[CollectiveRegistration]:
    require(actor, Action.REGISTER_COLLECTIVE)
    found = CollectiveRegistration.objects.select_related("institution")
    if getattr(actor, "role", None) == "institution":
        found = found.filter(institution_id=actor.institution_id)
    return list(found[:200])


def registration_get(*, actor: Any, registration_id: int) -> CollectiveRegistration:
    registration = (
        CollectiveRegistration.objects.select_related("institution").filter(pk=registration_id).first()
    )
    if registration is None:
        raise NotFound(
            gettext_noop("There is no registration %(registration)s."), registration=registration_id
        )
    require(actor, Action.REGISTER_COLLECTIVE, institution_id=registration.institution_id)
    return registration


def entry_state(entry: RosterEntry) -> str:
    """activated, waiting (a code to use), locked, expired, or joined (an account in use already)."""
    if entry.activated_at is not None:
        return "activated"
    if not entry.code_encrypted:
        return "joined"
    if entry.failed_attempts >= MAX_TRIES:
        return "locked"
    if entry.code_expires_at is not None and entry.code_expires_at <= timezone.now():
        return "expired"
    return "waiting"


def codes_csv(registration: CollectiveRegistration, activation_url: str) -> str:
    """Letters to hand out: one line per person still to activate, with their code and where to use it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["learner_number", "full_name", "member_ref", "activation_code", "expires", "activate_at"]
    )
    for entry in registration.entries.select_related("learner").order_by("pk"):
        if entry_state(entry) in ("waiting", "expired", "locked"):
            expires = (
                timezone.localtime(entry.code_expires_at).date().isoformat() if entry.code_expires_at else ""
            )
            writer.writerow(
                [
                    entry.learner.public_id,
                    entry.learner.full_name,
                    entry.member_ref,
                    roster_code(entry),
                    expires,
                    activation_url,
                ]
            )
    return "\ufeff" + out.getvalue()  # a BOM, so that Excel opens the Chinese names as UTF-8


def counter_open(
    *, actor: Any, full_name: str, id_scheme: str, id_number: str, id_country: str = "", region: str
) -> tuple[Learner, str]:
    """Staff open an account for a person at the counter (their identity document checked there):
    the account and the one-time code the receipt prints, with which the person sets their sign-in."""
    from creditbank.apps.accounts.learners import learner_open

    with transaction.atomic():
        learner = learner_open(
            actor=actor,
            full_name=full_name,
            id_scheme=id_scheme,
            id_number=id_number,
            id_country=id_country,
            region=region,
        )
        code = new_code()
        RosterEntry.objects.create(
            registration=None, learner=learner, new_account=True,
            code_encrypted=crypto.encrypt(code, field=CODE_FIELD), code_expires_at=timezone.now() + CODE_LIFETIME,
        )  # fmt: skip
    return learner, code


def counter_code(learner: Learner) -> RosterEntry | None:
    """The counter entry still waiting for activation, if any."""
    return (
        RosterEntry.objects.filter(learner=learner, registration__isnull=True, activated_at__isnull=True)
        .exclude(code_encrypted="")
        .first()
    )
