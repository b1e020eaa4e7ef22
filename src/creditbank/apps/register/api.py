"""API for the register: public search, entries, and registration by institutions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.register import selectors
from creditbank.apps.register.models import RegisterEntry
from creditbank.apps.register.services import entries_import, entry_create, entry_get, entry_withdraw
from creditbank.core.errors import NotFound

router = Router(tags=["register"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class EntryIn(Schema):
    code: str
    kind: str
    title_en: str
    title_zh: str
    framework: str
    level: str
    credits: str
    credit_system: str
    sector: str
    outcomes_en: str
    outcomes_zh: str
    valid_from: str
    valid_to: str | None = None
    requirements: dict[str, Any] | None = None
    owner: str | None = None


class EntryOut(Schema):
    code: str
    version: int
    entry_type: str
    kind: str
    owner: str
    title_en: str
    title_zh: str
    framework: str
    level: str
    level_rank: int
    credits: str
    credit_system: str
    sector: str
    outcomes_en: str
    outcomes_zh: str
    requirements: dict[str, Any] | None
    valid_from: str
    valid_to: str | None
    status: str
    accredited_on: str | None
    next_review_on: str | None


class ImportIn(Schema):
    owner: str
    entries: list[dict[str, Any]]


class WithdrawIn(Schema):
    reason: str


class SearchQuery(Schema):
    q: str = ""
    framework: str = ""
    min_level: str = ""
    kind: str = ""
    sector: str = ""
    owner: str = ""
    type: str = ""
    page: int = 1


def entry_out(e: RegisterEntry) -> dict[str, Any]:
    return {
        "code": e.code,
        "version": e.version,
        "entry_type": e.entry_type,
        "kind": e.kind,
        "owner": e.owner.code,
        "title_en": e.title_en,
        "title_zh": e.title_zh,
        "framework": e.framework,
        "level": e.level_id,
        "level_rank": e.level_rank,
        "credits": str(e.credits),
        "credit_system": e.credit_system,
        "sector": e.sector,
        "outcomes_en": e.outcomes_en,
        "outcomes_zh": e.outcomes_zh,
        "requirements": e.requirements,
        "valid_from": e.valid_from.isoformat(),
        "valid_to": e.valid_to.isoformat() if e.valid_to else None,
        "status": e.status,
        "accredited_on": e.accredited_on.isoformat() if e.accredited_on else None,
        "next_review_on": e.next_review_on.isoformat() if e.next_review_on else None,
    }


def search_of(q: SearchQuery) -> selectors.Search:
    return selectors.Search(q.q, q.framework, q.min_level, q.kind, q.sector, q.owner, q.type)


@router.get("/register", response={200: list[EntryOut], **ERRORS}, summary="Search the public register")
def search_register(request: HttpRequest, q: Query[SearchQuery]) -> list[dict[str, Any]]:
    """Accredited entries valid today; 50 a page (`page`, from 1)."""
    entries = selectors.public_register(search_of(q), today=timezone.localdate())
    start = (max(q.page, 1) - 1) * selectors.PAGE_SIZE
    return [entry_out(e) for e in entries[start : start + selectors.PAGE_SIZE]]


# Declared before /register/{code} so that its path is not taken for a code.
@router.post(
    "/register/import",
    response={201: list[EntryOut], **ERRORS},
    auth=AUTHENTICATED,
    summary="Register many entries, all or nothing",
)
def import_entries(request: HttpRequest, payload: ImportIn) -> Status[list[dict[str, Any]]]:
    created = entries_import(actor=actor_of(request), docs=payload.entries, owner_code=payload.owner)
    return Status(201, [entry_out(e) for e in created])


@router.get("/register/{code}", response={200: EntryOut, **ERRORS}, summary="One register entry")
def get_entry(request: HttpRequest, code: str, version: int | None = None) -> dict[str, Any]:
    entry = entry_get(code, version)
    if not selectors.visible_entry(actor_of(request), entry):
        raise NotFound("There is no register entry %(code)s.", code=code)
    return entry_out(entry)


@router.post(
    "/register",
    response={201: EntryOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Register a qualification or unit (draft)",
)
def create_entry(request: HttpRequest, payload: EntryIn) -> Status[dict[str, Any]]:
    return Status(201, entry_out(entry_create(actor=actor_of(request), doc=payload.dict())))


@router.post(
    "/register/{code}/withdraw",
    response={200: EntryOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Withdraw an entry",
)
def withdraw_entry(request: HttpRequest, code: str, payload: WithdrawIn) -> dict[str, Any]:
    return entry_out(entry_withdraw(actor=actor_of(request), code=code, reason=payload.reason))


class CatalogueIn(Schema):
    year: int
    note: str = ""


def _diff_out(earlier: Any, diff: Any) -> dict[str, Any]:
    return {
        "against": earlier.year if earlier else None,
        "added": list(diff.added),
        "removed": list(diff.removed),
        "changed": [
            {"code": c.code, "fields": [{"field": f, "before": b, "after": a} for f, b, a in c.fields]}
            for c in diff.changed
        ],
    }


@router.get(
    "/catalogue", response={200: list[dict[str, Any]], **ERRORS}, summary="Editions of the catalogue (public)"
)
def catalogue_editions(request: HttpRequest) -> list[dict[str, Any]]:
    from creditbank.apps.register.models import CatalogueEdition

    return [
        {"year": e.year, "items": len(e.items), "published_at": e.published_at.isoformat(), "note": e.note}
        for e in CatalogueEdition.objects.all()
    ]


@router.post(
    "/catalogue",
    response={201: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Publish a year's edition",
)
def catalogue_publish_api(request: HttpRequest, payload: CatalogueIn) -> Status[dict[str, Any]]:
    from creditbank.apps.register.catalogue import catalogue_publish

    edition = catalogue_publish(actor=actor_of(request), year=payload.year, note=payload.note)
    return Status(201, {"year": edition.year, "items": edition.items})


@router.get("/catalogue/{year}", response={200: dict[str, Any], **ERRORS}, summary="One edition (public)")
def catalogue_edition_api(request: HttpRequest, year: int) -> dict[str, Any]:
    from creditbank.apps.register.catalogue import catalogue_get

    edition = catalogue_get(year)
    return {
        "year": edition.year,
        "published_at": edition.published_at.isoformat(),
        "note": edition.note,
        "items": edition.items,
    }


@router.get(
    "/catalogue/{year}/diff", response={200: dict[str, Any], **ERRORS}, summary="What an edition changed"
)
def catalogue_diff_api(request: HttpRequest, year: int, against: int | None = None) -> dict[str, Any]:
    """Against the edition before it, or another year's."""
    from creditbank.apps.register.catalogue import catalogue_compare

    earlier, diff = catalogue_compare(year, against)
    return {"year": year, **_diff_out(earlier, diff)}


class ValidityIn(Schema):
    valid_to: date | None = None
    reason: str
    apply: bool = False


class RemovalIn(Schema):
    cause: str
    reason: str
    apply: bool = False


def _effect_out(entry: Any, effect: Any, applied: bool) -> dict[str, Any]:
    return {
        "code": entry.code, "status": entry.status, "valid_to": entry.valid_to.isoformat() if entry.valid_to else None,
        "applied": applied, "revokes": effect.revokes, "learners": effect.learners,
        "outcomes": [{"id": o.pk, "learner": o.learner.public_id, "institution": o.institution.code,
                      "achieved_on": o.achieved_on.isoformat()} for o in effect.outcomes],
    }  # fmt: skip


@router.post(
    "/register/{code}/validity",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Extend or shorten an entry's validity",
)
def change_validity(request: HttpRequest, code: str, payload: ValidityIn) -> dict[str, Any]:
    """Without ``apply``, only the effect: the deposited outcomes achieved after the new end date."""
    from creditbank.apps.register.lifecycle import validity_change

    entry, effect = validity_change(
        actor=actor_of(request),
        code=code,
        valid_to=payload.valid_to,
        reason=payload.reason,
        apply=payload.apply,
    )
    return _effect_out(entry, effect, payload.apply)


@router.post(
    "/register/{code}/removal",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Remove an entry (error or fraud)",
)
def remove_entry(request: HttpRequest, code: str, payload: RemovalIn) -> dict[str, Any]:
    """Without ``apply``, only the effect; for fraud, the outcomes listed are revoked with their credentials."""
    from creditbank.apps.register.lifecycle import entry_remove

    entry, effect = entry_remove(
        actor=actor_of(request), code=code, cause=payload.cause, reason=payload.reason, apply=payload.apply
    )
    return _effect_out(entry, effect, payload.apply)
