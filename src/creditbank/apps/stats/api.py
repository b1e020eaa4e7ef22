"""API for the dashboards' figures (counted in advance) and the operators' grouped export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from creditbank.api.auth import AUTHENTICATED, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.stats.services import (
    BY_NAME,
    CHARTS,
    chart_table,
    last_refresh,
    outcomes_export,
    scope_of,
    stats_refresh,
)
from creditbank.core.errors import NotFound, gettext_noop

router = Router(tags=["statistics"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ChartOut(Schema):
    chart: str
    title: str
    kind: str
    institution: str | None
    counted_at: str | None
    periods: list[str]
    categories: list[str]
    values: list[list[int]]  # one list per category, one value per period


class RefreshOut(Schema):
    counted_at: str
    seconds: float
    figures: int


@router.get("/stats", response={200: list[str], **ERRORS}, auth=AUTHENTICATED, summary="The charts there are")
def charts(request: HttpRequest) -> list[str]:
    scope_of(actor_of(request))
    return [c.name for c in CHARTS]


@router.post("/stats/refresh", response={200: RefreshOut, **ERRORS}, auth=AUTHENTICATED,
             summary="Count every chart's figures again (operators)")  # fmt: skip
def refresh(request: HttpRequest) -> dict[str, Any]:
    done = stats_refresh(actor=actor_of(request))
    return {
        "counted_at": done.finished_at.isoformat(),
        "seconds": round(done.seconds, 3),
        "figures": done.figures,
    }


@router.get("/stats/{chart}", response={200: ChartOut, **ERRORS}, auth=AUTHENTICATED,
            summary="One chart's figures: the whole bank (operators) or one institution's")  # fmt: skip
def chart(request: HttpRequest, chart: str, institution: str = "") -> dict[str, Any]:
    found = BY_NAME.get(chart)
    if found is None:
        raise NotFound(gettext_noop("There is no chart %(chart)s."), chart=chart)
    scope = scope_of(actor_of(request), institution or None)
    data = chart_table(found, scope)
    refresh = last_refresh()
    return {
        "chart": found.name, "title": str(found.title), "kind": found.kind, "institution": scope.label or None,
        "counted_at": refresh.finished_at.isoformat() if refresh else None, "periods": data.periods,
        "categories": data.categories, "values": [data.values[c] for c in data.categories],
    }  # fmt: skip


@router.get("/stats/outcomes/grouped", response={200: list[dict[str, Any]], **ERRORS}, auth=AUTHENTICATED,
            summary="Recorded outcomes counted by region, level, type, sector, institution or year (comma-separated)")  # fmt: skip
def grouped(request: HttpRequest, by: str, institution: str = "") -> list[dict[str, object]]:
    return outcomes_export(
        actor=actor_of(request),
        by=[d.strip() for d in by.split(",") if d.strip()],
        institution_code=institution or None,
    )
