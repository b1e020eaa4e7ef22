"""Institutions of the alliance: identity (the unified social credit code for mainland bodies),
region, and membership dates. Operators are the only writers."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from creditbank.apps.accounts.models import Institution, InstitutionKind, Region
from creditbank.apps.accounts.permissions import Action, require
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop
from creditbank.core.identity import parse_uscc

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")
MAINLAND = {Region.GUANGDONG, Region.OTHER_PROVINCE}


def institution_register(
    *,
    actor: Any,
    code: str,
    name_en: str,
    name_zh: str,
    kind: str,
    region: str,
    city: str = "",
    uscc: str = "",
) -> Institution:
    """Register an institution. Mainland institutions are identified by a valid unified social
    credit code; Hong Kong, Macao and foreign ones have none."""
    require(actor, Action.MANAGE_INSTITUTIONS)
    problems = []
    code = code.strip().lower()
    if not CODE.match(code):
        problems.append("code: 2 to 32 lower-case letters, digits or dashes")
    if not name_en.strip() or not name_zh.strip():
        problems.append("name_en and name_zh: both required")
    if kind not in InstitutionKind.values:
        problems.append(f"kind: one of {', '.join(InstitutionKind.values)}")
    if region not in Region.values:
        problems.append(f"region: one of {', '.join(Region.values)}")
    if problems:
        raise InvalidInput(
            gettext_noop("The institution is not valid: %(problems)s"), problems="; ".join(problems)
        )
    credit_code = None
    if region in MAINLAND:
        if not uscc.strip():
            raise InvalidInput(gettext_noop("A mainland institution needs its unified social credit code."))
        credit_code = parse_uscc(uscc)
    elif uscc.strip():
        raise InvalidInput(gettext_noop("Only mainland institutions have a unified social credit code."))
    try:
        with transaction.atomic():
            return Institution.objects.create(
                code=code, name_en=name_en.strip(), name_zh=name_zh.strip(), kind=kind, region=region,
                city=city.strip(), uscc=credit_code,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(
            gettext_noop("An institution with this code or credit code is already registered.")
        ) from None


def institution_get(code: str) -> Institution:
    """The institution with this code, or NotFound naming it."""
    institution = Institution.objects.filter(code=code.strip()).first() if code.strip() else None
    if institution is None:
        raise NotFound(gettext_noop("There is no institution %(code)s."), code=code or "?")
    return institution


def institution_alliance(*, actor: Any, code: str, joined: date | None, left: date | None) -> Institution:
    """Record when an institution joined (and left) the credit-bank alliance."""
    require(actor, Action.MANAGE_INSTITUTIONS)
    institution = institution_get(code)
    if left is not None and (joined is None or left <= joined):
        raise InvalidInput(gettext_noop("The date it left must come after the date it joined."))
    from creditbank.apps.ledger.services import Event, ledger_append  # the ledger builds on accounts

    institution.alliance_joined, institution.alliance_left = joined, left
    with transaction.atomic():
        institution.save(update_fields=["alliance_joined", "alliance_left"])
        # Verifiers ask whether an issuer was a member on an award date: the ledger answers.
        ledger_append(
            [
                Event(
                    "institution.alliance",
                    f"institution:{institution.code}",
                    {
                        "institution": institution.code,
                        "joined": joined.isoformat() if joined else None,
                        "left": left.isoformat() if left else None,
                    },
                )
            ]
        )
    return institution


def institution_code_of(actor: Any) -> str | None:
    """The institution a person works for, or an API key acts for."""
    person_institution = getattr(actor, "institution", None)
    return getattr(person_institution, "code", None) or getattr(actor, "institution_code", None)


def acting_institution(actor: Any, code: str | None, action: Action) -> Institution:
    """The institution an action is done for: the one named, or else the actor's own. The role is
    checked first, so a role that may never do this is refused without learning what exists."""
    require(actor, action)
    code = code or institution_code_of(actor)
    institution = Institution.objects.filter(code=code).first() if code else None
    if institution is None:
        raise NotFound(gettext_noop("There is no institution %(code)s."), code=code or "?")
    require(actor, action, institution_id=institution.pk)
    return institution
