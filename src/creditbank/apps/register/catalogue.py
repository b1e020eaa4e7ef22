"""The published catalogue of recognised learning outcomes: a yearly edition of every accredited
unit and qualification valid that year, with its level, credits and the recognition rules in use
that name it; editions are kept as published and compared with each other."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accounts.principals import person_of
from creditbank.apps.ledger.services import Event, ledger_append
from creditbank.apps.register.models import CatalogueEdition, RegisterEntry, Status
from creditbank.core.catalogues import CatalogueDiff, catalogue_diff
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop


def _rules_naming(codes: set[str]) -> dict[str, list[str]]:
    """The recognition rules in use that name each unit, as source or as the unit exempted."""
    from creditbank.apps.recognition.models import (
        RecognitionRule,
        RuleStatus,
    )  # recognition builds on the register

    naming: dict[str, list[str]] = {}
    for rule in RecognitionRule.objects.filter(status=RuleStatus.ACTIVE).order_by("code", "version"):
        document = rule.document if isinstance(rule.document, dict) else {}
        source = document.get("source", {}) if isinstance(document.get("source"), dict) else {}
        target = document.get("target", {}) if isinstance(document.get("target"), dict) else {}
        named = {str(u).upper() for u in source.get("units", []) or []} | {
            str(target.get("exempt", "")).upper()
        }
        for code in named & codes:
            naming.setdefault(code, []).append(f"{rule.code} v{rule.version}")
    return naming


def catalogue_items(year: int) -> list[dict[str, Any]]:
    """Every accredited entry valid at some time in the year (its latest version), as published."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    entries = (
        RegisterEntry.objects.select_related("owner")
        .filter(status=Status.ACCREDITED, valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .order_by("code", "-version")
    )
    latest: dict[str, RegisterEntry] = {}
    for entry in entries:
        latest.setdefault(entry.code, entry)
    rules = _rules_naming(set(latest))
    return [
        {
            "code": e.code, "version": e.version, "title_en": e.title_en, "title_zh": e.title_zh, "kind": e.kind,
            "owner": e.owner.code, "framework": e.framework, "level": e.level_id, "credits": f"{e.credits:.2f}",
            "credit_system": e.credit_system, "sector": e.sector, "valid_from": e.valid_from.isoformat(),
            "valid_to": e.valid_to.isoformat() if e.valid_to else None, "rules": rules.get(e.code, []),
        }
        for e in latest.values()
    ]  # fmt: skip


def catalogue_publish(*, actor: Any, year: int, note: str = "") -> CatalogueEdition:
    """Publish the year's edition; an edition is never replaced."""
    require(actor, Action.PUBLISH_CATALOGUE)
    if not 2000 <= year <= 2100:
        raise InvalidInput(gettext_noop("Give the catalogue's year, e.g. 2026."))
    items = catalogue_items(year)
    if not items:
        raise InvalidInput(
            gettext_noop("No accredited entry is valid in %(year)s: there is nothing to publish."), year=year
        )
    try:
        with transaction.atomic():
            edition = CatalogueEdition.objects.create(
                year=year, items=items, note=note.strip(), published_by=person_of(actor)
            )
            digest = hashlib.sha256(
                json.dumps(items, sort_keys=True, ensure_ascii=False).encode()
            ).hexdigest()
            ledger_append(
                [
                    Event(
                        "catalogue.published",
                        f"catalogue:{year}",
                        {"year": year, "items": len(items), "sha256": digest},
                    )
                ]
            )
    except IntegrityError:
        raise Conflict(
            gettext_noop("The %(year)s catalogue is published already; editions are never replaced."),
            year=year,
        ) from None
    return edition


def catalogue_get(year: int) -> CatalogueEdition:
    edition = CatalogueEdition.objects.filter(year=year).first()
    if edition is None:
        raise NotFound(gettext_noop("There is no %(year)s catalogue."), year=year)
    return edition


def catalogue_compare(year: int, against: int | None = None) -> tuple[CatalogueEdition | None, CatalogueDiff]:
    """How the year's edition differs from ``against`` (by default the edition before it)."""
    edition = catalogue_get(year)
    earlier = (
        catalogue_get(against)
        if against is not None
        else CatalogueEdition.objects.filter(year__lt=year).order_by("-year").first()
    )
    return earlier, catalogue_diff(earlier.items if earlier else [], edition.items)
