"""The dashboards: charts with their tables and CSV, for the bank's operators and institution staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, allowed, role_of
from creditbank.apps.stats import labels
from creditbank.apps.stats.services import (
    BY_NAME,
    CHARTS,
    chart_rows,
    chart_table,
    last_refresh,
    scope_of,
    stats_refresh,
)
from creditbank.core.errors import DomainError
from creditbank.core.statistics import table_csv
from creditbank.web.errors import error_message


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allowed(user, Action.VIEW_STATS):
        raise DjangoPermissionDenied
    if request.method == "POST":
        try:
            done = stats_refresh(actor=user)
            messages.success(request, _("Counted %(n)s figures.") % {"n": done.figures})
        except DomainError as exc:
            messages.error(request, error_message(exc))
        return redirect(request.get_full_path())
    try:
        scope = scope_of(user, request.GET.get("institution") or None)
    except DomainError as exc:
        raise Http404(error_message(exc)) from None
    charts = []
    for chart in CHARTS:
        data = chart_table(chart, scope)
        rows, words = chart_rows(chart, data), labels.labeller(chart.name)
        charts.append({
            "chart": chart,
            "rows": [(words(p), [rows.values[c][i] for c in rows.categories]) for i, p in enumerate(rows.periods)],
            "columns": [words(c) for c in rows.categories],
            "data": {"kind": chart.kind, "title": str(chart.title), "periods": [words(p) for p in data.periods],
                     "categories": [words(c) for c in data.categories],
                     "values": [data.values[c] for c in data.categories]},
        })  # fmt: skip
    return render(
        request,
        "stats/dashboard.html",
        {
            "charts": charts,
            "scope": scope,
            "refresh": last_refresh(),
            "institutions": Institution.objects.order_by("code") if role_of(user) == "operator" else [],
            "may_refresh": allowed(user, Action.MANAGE_INSTITUTIONS),
        },
    )


@login_required
def chart_csv(request: HttpRequest, name: str) -> HttpResponse:
    user: Any = request.user
    chart = BY_NAME.get(name)
    if chart is None:
        raise Http404
    if not allowed(user, Action.VIEW_STATS):
        raise DjangoPermissionDenied
    try:
        scope = scope_of(user, request.GET.get("institution") or None)
    except DomainError as exc:
        raise Http404(error_message(exc)) from None
    response = HttpResponse(
        table_csv(chart_rows(chart, chart_table(chart, scope)), str(chart.row_header)),
        content_type="text/csv; charset=utf-8",
    )
    suffix = f"-{scope.label}" if scope.label else ""
    response["Content-Disposition"] = f'attachment; filename="{name}{suffix}.csv"'
    return response
