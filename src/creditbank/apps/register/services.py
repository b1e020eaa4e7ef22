"""Writes for the register: drafts by institutions, withdrawal, and recording accreditation.

Every door (page, API, CLI file import) sends the same entry document through ``entry_validate``,
which reports every problem at once and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from creditbank.apps.accounts.institutions import acting_institution
from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accounts.principals import person_of, via_key_of
from creditbank.apps.frameworks.selectors import registry
from creditbank.apps.ledger.services import Event, ledger_append
from creditbank.apps.register.models import (
    QUALIFICATION_KINDS,
    EntryType,
    Kind,
    RegisterEntry,
    Sector,
    Status,
)
from creditbank.core.errors import Conflict, DomainError, InvalidInput, NotFound, gettext_noop
from creditbank.core.requirements import parse_requirements, unit_codes

CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{1,39}$")
MAX_CREDITS = Decimal(1000)


class InvalidEntry(InvalidInput):
    code = "invalid_register_entry"
    template = gettext_noop("Register entry %(code)s is not valid: %(problems)s")


class EntryExists(Conflict):
    code = "register_entry_exists"
    template = gettext_noop("Register entry %(code)s version %(version)s already exists.")


@dataclass(frozen=True)
class EntryFields:
    """A validated entry document, ready to store."""

    values: dict[str, Any]
    owner: Institution


def _text(doc: Mapping[str, Any], key: str, problems: list[str], *, limit: int = 200) -> str:
    value = " ".join(str(doc.get(key) or "").split()) if limit <= 200 else str(doc.get(key) or "").strip()
    if not value:
        problems.append(f"{key}: required")
    elif len(value) > limit:
        problems.append(f"{key}: at most {limit} characters")
    return value


def _date(raw: Any, key: str, problems: list[str], *, required: bool) -> date | None:
    if raw in (None, ""):
        if required:
            problems.append(f"{key}: required, as YYYY-MM-DD")
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        problems.append(f"{key}: {raw!r} is not a date (YYYY-MM-DD)")
        return None


def entry_validate(
    doc: Mapping[str, Any], *, owner: Institution, extra_units: Iterable[str] = ()
) -> EntryFields:
    """Check an entry document against the frameworks, credit systems and the register."""
    problems: list[str] = []
    code = str(doc.get("code") or "").strip().upper()
    if not CODE.match(code):
        problems.append("code: 2 to 40 capital letters, digits, dots, dashes or underscores")
    kind = str(doc.get("kind") or "")
    if kind not in Kind.values:
        problems.append(f"kind: one of {', '.join(Kind.values)}")
    sector = str(doc.get("sector") or "")
    if sector not in Sector.values:
        problems.append(f"sector: one of {', '.join(Sector.values)}")
    reg = registry()
    framework_code = str(doc.get("framework") or "").strip().upper()
    level = None
    try:
        level = reg.framework(framework_code).level(str(doc.get("level") or ""))
    except DomainError as exc:
        problems.append(f"framework/level: {exc.message}")
    credit_system = str(doc.get("credit_system") or "").strip().upper()
    if credit_system not in reg.credit_systems:
        problems.append(f"credit_system: one of {', '.join(sorted(reg.credit_systems))}")
    try:
        credits = Decimal(str(doc.get("credits")))
        if (
            not credits.is_finite()
            or credits <= 0
            or credits > MAX_CREDITS
            or credits != credits.quantize(Decimal("0.01"))
        ):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems.append(f"credits: a positive number up to {MAX_CREDITS} with at most two decimals")
        credits = Decimal(0)
    valid_from = _date(doc.get("valid_from"), "valid_from", problems, required=True)
    valid_to = _date(doc.get("valid_to"), "valid_to", problems, required=False)
    if valid_from and valid_to and valid_to <= valid_from:
        problems.append("valid_to: must be after valid_from")
    values: dict[str, Any] = {
        "code": code,
        "kind": kind,
        "entry_type": EntryType.QUALIFICATION if kind in QUALIFICATION_KINDS else EntryType.UNIT,
        "title_en": _text(doc, "title_en", problems),
        "title_zh": _text(doc, "title_zh", problems),
        "outcomes_en": _text(doc, "outcomes_en", problems, limit=5000),
        "outcomes_zh": _text(doc, "outcomes_zh", problems, limit=5000),
        "framework": framework_code,
        "level_id": level.id if level else "",
        "level_rank": level.rank if level else 0,
        "credits": credits,
        "credit_system": credit_system,
        "sector": sector,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "requirements": None,
    }
    raw_tree = doc.get("requirements")
    if raw_tree not in (None, "", {}):
        if values["entry_type"] != EntryType.QUALIFICATION:
            problems.append("requirements: only qualifications have a requirement tree")
        else:
            try:
                tree = parse_requirements(raw_tree, reg.frameworks)
            except DomainError as exc:
                problems.append(f"requirements: {exc.message}")
            else:
                named = unit_codes(tree)
                known = set(RegisterEntry.objects.filter(code__in=named).values_list("code", flat=True))
                missing = sorted(named - known - set(extra_units))
                if missing:
                    problems.append(f"requirements: units not in the register: {', '.join(missing)}")
                values["requirements"] = raw_tree
    if problems:
        raise InvalidEntry(code=code or "?", problems="; ".join(problems))
    return EntryFields(values, owner)


def entry_create(*, actor: Any, doc: Mapping[str, Any], owner_code: str | None = None) -> RegisterEntry:
    """Register a qualification or unit as a draft for its owner; accreditation decides it later."""
    owner = acting_institution(actor, owner_code or doc.get("owner"), Action.MANAGE_REGISTER)
    fields = entry_validate(doc, owner=owner)
    return _store(actor, [fields])[0]


def entries_import(*, actor: Any, docs: Sequence[Mapping[str, Any]], owner_code: str) -> list[RegisterEntry]:
    """Register many entries at once, all or nothing: every bad entry is reported, none stored."""
    owner = acting_institution(actor, owner_code, Action.MANAGE_REGISTER)
    if not docs:
        raise InvalidInput(gettext_noop("The file holds no register entries."))
    batch_units = {str(d.get("code") or "").strip().upper() for d in docs}
    validated, problems = [], []
    for i, doc in enumerate(docs, start=1):
        try:
            validated.append(entry_validate(doc, owner=owner, extra_units=batch_units))
        except InvalidEntry as exc:
            problems.append(f"#{i} {exc.message}")
    codes = [f.values["code"] for f in validated]
    duplicated = sorted({c for c in codes if codes.count(c) > 1})
    if duplicated:
        problems.append(f"codes given twice in the file: {', '.join(duplicated)}")
    if problems:
        raise InvalidInput(
            gettext_noop("No entries were registered: %(problems)s"), problems=" | ".join(problems)
        )
    return _store(actor, validated)


def _store(actor: Any, validated: list[EntryFields]) -> list[RegisterEntry]:
    person, key = person_of(actor), via_key_of(actor)
    try:
        with transaction.atomic():
            entries = [
                RegisterEntry.objects.create(
                    owner=f.owner, created_by=person, created_via_key=key, **f.values
                )
                for f in validated
            ]
            from creditbank.apps.matching.services import unit_skills_suggest  # skills are matching's

            unit_skills_suggest(entries)
            return entries
    except IntegrityError:
        taken = RegisterEntry.objects.filter(code__in=[f.values["code"] for f in validated]).values_list(
            "code", flat=True
        )
        raise EntryExists(code=", ".join(sorted(set(taken))), version=1) from None


def entry_get(code: str, version: int | None = None) -> RegisterEntry:
    entries = RegisterEntry.objects.select_related("owner").filter(code=code.strip().upper())
    entry = entries.filter(version=version).first() if version else entries.order_by("-version").first()
    if entry is None:
        raise NotFound(gettext_noop("There is no register entry %(code)s."), code=code)
    return entry


def entry_withdraw(*, actor: Any, code: str, reason: str) -> RegisterEntry:
    """Withdraw an entry (it stays on record, marked withdrawn, with the reason)."""
    entry = entry_get(code)
    require(actor, Action.MANAGE_REGISTER, institution_id=entry.owner_id)
    if not reason.strip():
        raise InvalidInput(gettext_noop("Give a reason for withdrawing the entry."))
    entry.status = Status.WITHDRAWN
    entry.status_note = reason.strip()
    with transaction.atomic():
        entry.save(update_fields=["status", "status_note"])
        ledger_append([register_event("register.withdrawn", entry)])
    return entry


def entry_record_accreditation(
    *, actor: Any, code: str, accredited_on: date, next_review_on: date | None, note: str
) -> RegisterEntry:
    """Record an accreditation decided outside creditbank (e.g. migrating an existing register).
    Accreditation decided inside creditbank goes through accreditation cases instead."""
    require(actor, Action.RECORD_ACCREDITATION)
    entry = entry_get(code)
    if entry.status == Status.WITHDRAWN:
        raise Conflict(gettext_noop("Entry %(code)s is withdrawn."), code=entry.code)
    if not note.strip():
        raise InvalidInput(gettext_noop("Say where the accreditation was decided (the note)."))
    entry.status = Status.ACCREDITED
    entry.accredited_on = accredited_on
    entry.next_review_on = next_review_on
    entry.status_note = note.strip()
    with transaction.atomic():
        entry.save(update_fields=["status", "accredited_on", "next_review_on", "status_note"])
        ledger_append([register_event("register.accredited", entry)])
    return entry


def register_event(kind: str, entry: RegisterEntry) -> Event:
    """A change of a register entry's standing, as the ledger records it."""
    return Event(
        kind,
        f"entry:{entry.code}:{entry.version}",
        {
            "code": entry.code,
            "version": entry.version,
            "owner": entry.owner.code,
            "framework": entry.framework,
            "level": entry.level_id,
            "credits": f"{entry.credits:.2f}",
            "credit_system": entry.credit_system,
            "status": entry.status,
            "accredited_on": entry.accredited_on.isoformat() if entry.accredited_on else None,
            "next_review_on": entry.next_review_on.isoformat() if entry.next_review_on else None,
            "note": entry.status_note,
        },
    )
