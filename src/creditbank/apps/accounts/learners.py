"""Learner accounts: open, find, read and export. The only writers of Learner rows."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from creditbank.apps.accounts import crypto
from creditbank.apps.accounts.account_reviews import account_opened, account_opening
from creditbank.apps.accounts.models import Learner, Region, Role, User
from creditbank.apps.accounts.permissions import Action, require, role_of
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop
from creditbank.core.identity import Identity, IdScheme, blind_index, parse_identity

ID_FIELD = "learner.id_number"
# Learner numbers avoid letters that read like digits (I, O) and are easy to read aloud.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class DuplicateLearner(Conflict):
    code = "duplicate_learner"
    template = gettext_noop("This person already has a lifelong learning account.")


@dataclass(frozen=True)
class SignIn:
    username: str
    password: str


def new_public_id() -> str:
    return "L" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def identity_index(identity: Identity) -> str:
    return blind_index(identity, crypto.blind_index_key())


def learner_open(
    *,
    actor: Any,
    full_name: str,
    id_scheme: str,
    id_number: str,
    id_country: str = "",
    region: str,
    sign_in: SignIn | None = None,
) -> Learner:
    """Open a lifelong learning account. Staff open one for a learner who is present; a person
    opening their own gives a username and password for it. One person, one account."""
    require(actor, Action.OPEN_LEARNER_ACCOUNT)
    name = " ".join(full_name.split())
    if not name:
        raise InvalidInput(gettext_noop("Give the learner's full name as on the identity document."))
    if region not in Region.values:
        raise InvalidInput(
            gettext_noop("Unknown region %(region)s; use one of %(regions)s."),
            region=region,
            regions=", ".join(Region.values),
        )
    identity = parse_identity(id_scheme, id_number, country=id_country, today=timezone.localdate())
    index = identity_index(identity)
    self_service = role_of(actor) is None
    if self_service and sign_in is None:
        raise InvalidInput(gettext_noop("Choose a username and a password for your account."))
    existing = Learner.objects.filter(id_index=index).values_list("public_id", flat=True).first()
    if existing:
        # Staff may learn which account it is (to use it); the public is told only that it exists.
        if self_service:
            raise DuplicateLearner()
        raise DuplicateLearner(
            gettext_noop("This person already has lifelong learning account %(learner)s."), learner=existing
        )
    opening = account_opening(actor)
    with transaction.atomic():
        user = sign_in_create(sign_in, name) if sign_in else None
        staff = actor if not self_service else None
        try:
            learner = Learner(
                public_id=new_public_id(),
                user=user,
                full_name=name,
                id_scheme=identity.scheme.value,
                id_country=identity.country,
                id_number_encrypted=crypto.encrypt(identity.number, field=ID_FIELD),
                id_index=index,
                region=region,
                opened_by=staff if isinstance(staff, User) else None,
                opened_at_institution_id=getattr(staff, "institution_id", None),
            )
            opening.apply(learner)
            learner.save(force_insert=True)
        except IntegrityError:  # a concurrent request opened the same person's account
            raise DuplicateLearner() from None
        account_opened(learner, actor, opening)
        from creditbank.apps.awards.services import charge_create  # fees are the awards app's
        from creditbank.core.awards import FeeCode

        charge_create(learner=learner, institution=None, code=FeeCode.REGISTRATION,
                      description="Lifelong learning account", subject=f"registration:{learner.public_id}")  # fmt: skip
    return learner


def sign_in_create(sign_in: SignIn, name: str) -> User:
    """A learner's own username and password (checked by the password validators)."""
    username = sign_in.username.strip()
    if not username or User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(
            gettext_noop("The username %(username)s is taken; choose another."), username=username
        )
    user = User(username=username, role=Role.LEARNER, display_name=name)
    try:
        validate_password(sign_in.password, user)
    except ValidationError as exc:
        raise InvalidInput(
            gettext_noop("The password is too weak: %(problems)s"), problems=" ".join(exc.messages)
        ) from None
    user.set_password(sign_in.password)
    user.save()
    return user


def learner_find(*, actor: Any, id_scheme: str, id_number: str, id_country: str = "") -> Learner:
    """The account of the person with this identity document; NotFound if none."""
    require(actor, Action.FIND_LEARNER)
    identity = parse_identity(id_scheme, id_number, country=id_country)
    learner = Learner.objects.filter(id_index=identity_index(identity)).first()
    if learner is None:
        raise NotFound(gettext_noop("No lifelong learning account exists for this identity document."))
    return learner


def learner_of(actor: Any) -> Learner:
    user_id = getattr(actor, "pk", None)
    learner = None if user_id is None else Learner.objects.filter(user_id=user_id).first()
    if learner is None:
        raise NotFound(gettext_noop("You have no lifelong learning account yet."))
    return learner


def learner_identity(learner: Learner) -> Identity:
    number = crypto.decrypt(learner.id_number_encrypted, field=ID_FIELD)
    return Identity(IdScheme(learner.id_scheme), number, learner.id_country)


def learner_export(*, actor: Any, learner: Learner) -> dict[str, Any]:
    """Everything the bank holds about a learner, for the learner (or an operator acting for them)."""
    require(actor, Action.VIEW_LEARNER_RECORD, learner_user_id=learner.user_id)
    from creditbank.apps.deposits.models import LearningOutcome, LearningRecord  # deposits builds on accounts

    identity = learner_identity(learner)
    user = learner.user
    outcomes = LearningOutcome.objects.select_related("entry", "institution").filter(learner=learner)
    return {
        "format": "creditbank learner export 1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "learner_number": learner.public_id,
            "full_name": learner.full_name,
            "region": learner.region,
            "opened_at": learner.created_at.isoformat(),
            "opened_at_institution": learner.opened_at_institution.code
            if learner.opened_at_institution
            else None,
        },
        "identity_document": {
            "type": identity.scheme.value,
            "number": identity.number,
            "issuing_state": identity.country,
        },
        "sign_in": None
        if user is None
        else {
            "username": user.username,
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "date_joined": user.date_joined.isoformat(),
        },
        "learning_outcomes": [
            {
                "id": o.pk,
                "unit": o.entry.code,
                "title": {"en": o.entry.title_en, "zh": o.entry.title_zh},
                "institution": o.institution.code,
                "type": o.outcome_type,
                "achieved_on": o.achieved_on.isoformat(),
                "result": o.result,
                "level": o.level_id,
                "credits": str(o.credits),
                "credit_system": o.credit_system,
                "status": o.status,
                "status_reason": o.status_reason,
                "evidence": o.evidence,
            }
            for o in outcomes
        ],
        "learning_without_credit": [
            {
                "id": r.pk,
                "kind": r.kind,
                "title": r.title,
                "organisation": r.organisation,
                "started_on": r.started_on.isoformat(),
                "ended_on": r.ended_on.isoformat() if r.ended_on else None,
                "hours": str(r.hours) if r.hours is not None else None,
                "points": str(r.points) if r.points is not None else None,
                "attested_by": r.institution.code if r.institution else None,
                "withdrawn_at": r.withdrawn_at.isoformat() if r.withdrawn_at else None,
            }
            for r in LearningRecord.objects.select_related("institution").filter(learner=learner)
        ],
        # The scans themselves are downloaded one by one; the hash shows each is the one filed.
        "documents": [
            {
                "id": d.pk,
                "title": d.title,
                "file_name": d.original_name,
                "content_type": d.content_type,
                "sha256": d.sha256,
                "filed_at": d.uploaded_at.isoformat(),
                "filed_by_institution": d.institution.code if d.institution else None,
            }
            for d in learner.documents.select_related("institution")
        ],
    }
