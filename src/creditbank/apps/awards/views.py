"""Pages for awards and fees: the learner's applications and receipts; the conferring institution's
queue, decisions, payments and waivers; windows and the fee schedule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from creditbank.apps.accounts.learners import learner_of
from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, allowed, role_of
from creditbank.apps.awards import services
from creditbank.apps.awards.models import Charge, FeeItem, TermCalendar, Waiver, Window
from creditbank.core.awards import FEE_LABELS, FeeCode
from creditbank.core.errors import DomainError, InvalidInput, NotFound, gettext_noop
from creditbank.core.terms import format_term_starts
from creditbank.web.errors import error_message


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise InvalidInput(gettext_noop("Give the amount as a number, e.g. 120.00.")) from None


def _date(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(gettext_noop("Dates are written YYYY-MM-DD.")) from None


@login_required
def award_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if role_of(user) == "learner":
        learner = learner_of(user)
        context = {
            "applications": services.awards_for(user),
            "charges": Charge.objects.filter(learner=learner),
            "learner_view": True,
        }
    elif allowed(user, Action.DECIDE_AWARD):
        context = {"applications": services.awards_for(user), "learner_view": False}
    else:
        raise PermissionDenied
    return render(request, "awards/awards.html", context)


@login_required
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    try:
        application = services.award_apply(
            actor=request.user,
            learner=learner_of(request.user),
            qualification=request.POST.get("qualification", ""),
        )
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect("awards:list")
    messages.success(request, _("Application %(ref)s submitted.") % {"ref": application.ref})
    return redirect("awards:detail", application.ref)


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, ref: str) -> HttpResponse:
    user: Any = request.user
    try:
        application = services.award_get(actor=user, ref=ref)
    except NotFound:
        raise Http404 from None
    except DomainError:
        raise PermissionDenied from None
    decides = allowed(user, Action.DECIDE_AWARD, institution_id=application.institution_id)
    if request.method == "POST":
        if not decides:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "pay" and application.charge:
                services.charge_pay(
                    actor=user, charge_id=application.charge.pk, amount=_decimal(request.POST.get("amount", "")),
                    method=request.POST.get("method", ""), reference=request.POST.get("reference", ""),
                )  # fmt: skip
                messages.success(request, _("Payment recorded; the receipt is issued."))
            elif action == "waive" and application.charge:
                services.charge_waive(
                    actor=user, charge_id=application.charge.pk, waiver_code=request.POST.get("waiver", "")
                )
                messages.success(request, _("Waiver applied."))
            else:
                services.award_decide(
                    actor=user, ref=application.ref, decision=request.POST.get("decision", ""),
                    reason=request.POST.get("reason", ""),
                )  # fmt: skip
                messages.success(request, _("Decision recorded."))
        except DomainError as exc:
            messages.error(request, error_message(exc))
        return redirect("awards:detail", application.ref)
    return render(
        request,
        "awards/award.html",
        {
            "application": application,
            "decides": decides,
            "waivers": Waiver.objects.all(),
            "result": application.audit,
        },
    )


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    charge = Charge.objects.select_related("learner", "institution").filter(receipt_number=number).first()
    if charge is None:
        raise Http404
    user: Any = request.user
    own = charge.learner.user_id == user.pk
    if not own and not allowed(user, Action.SETTLE_CHARGE, institution_id=charge.institution_id):
        raise PermissionDenied
    return render(
        request, "awards/receipt.html", {"charge": charge, "label": FEE_LABELS.get(FeeCode(charge.code))}
    )


@login_required
@require_http_methods(["GET", "POST"])
def fee_settings(request: HttpRequest) -> HttpResponse:
    """Windows and the fee schedule: an institution's own, or (operators) the bank's defaults."""
    user: Any = request.user
    if not allowed(user, Action.MANAGE_FEES):
        raise PermissionDenied
    operator = role_of(user) == "operator"
    wanted = request.POST.get("institution") if operator else None
    institution = (
        Institution.objects.filter(pk=int(wanted)).first()
        if wanted
        else (Institution.objects.filter(pk=user.institution_id).first() if not operator else None)
    )
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "window":
                opens, closes = _date(request.POST.get("opens", "")), _date(request.POST.get("closes", ""))
                if opens is None or closes is None:
                    raise InvalidInput(gettext_noop("A window needs the day it opens and the day it closes."))
                services.window_add(
                    actor=user, institution=institution, kind=request.POST.get("kind", ""), opens=opens, closes=closes,
                    confers_on=_date(request.POST.get("confers_on", "")), note=request.POST.get("note", ""),
                )  # fmt: skip
                messages.success(request, _("Window added."))
            elif request.POST.get("action") == "terms":
                starts = [t for t in request.POST.get("term_starts", "").replace(",", " ").split() if t]
                services.term_calendar_set(actor=user, institution=institution, starts=starts)
                messages.success(request, _("Terms saved."))
            else:
                services.fee_set(
                    actor=user, institution=institution, code=request.POST.get("code", ""),
                    amount=_decimal(request.POST.get("amount", "")), currency=request.POST.get("currency", "CNY"),
                )  # fmt: skip
                messages.success(request, _("Fee saved."))
            return redirect("awards:settings")
        except DomainError as exc:
            error = error_message(exc)
    scope_filter: dict[str, Any] = {} if operator else {"institution": institution}
    context = {
        "windows": Window.objects.filter(**scope_filter).select_related("institution"),
        "fees": FeeItem.objects.filter(**scope_filter).select_related("institution"),
        "calendars": TermCalendar.objects.filter(**scope_filter).select_related("institution"),
        "default_terms": format_term_starts(services.term_starts_for(institution)),
        "fee_codes": [(c.value, FEE_LABELS[c]) for c in FeeCode],
        "institutions": Institution.objects.all() if operator else [],
        "error": error,
    }
    return render(request, "awards/settings.html", context, status=422 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def overdue(request: HttpRequest) -> HttpResponse:
    """What is past its service time on the queues this person (or their institution) works, and,
    for the bank's staff, the service times and holidays themselves."""
    from creditbank.apps.awards import service_times

    user: Any = request.user
    if request.method == "POST":
        try:
            if request.POST.get("action") == "holiday":
                day = _date(request.POST.get("day", ""))
                if day is None:
                    raise InvalidInput(gettext_noop("Dates are written YYYY-MM-DD."))
                service_times.holiday_add(actor=user, day=day, name=request.POST.get("name", ""))
            else:
                service_times.service_time_set(
                    actor=user,
                    clock=request.POST.get("clock", ""),
                    days=int(request.POST.get("days", "-1") or -1),
                )
            messages.success(request, _("Saved."))
        except (DomainError, ValueError) as exc:
            messages.error(request, error_message(exc) if isinstance(exc, DomainError) else str(exc))
        return redirect("overdue")
    try:
        items = service_times.overdue(user)
    except DomainError:
        raise PermissionDenied from None
    context = {
        "items": items,
        "today": timezone.localdate(),
        "times": service_times.service_times(),
        "holidays": sorted(service_times.holidays()),
        "manages": allowed(user, Action.MANAGE_NETWORK),
    }
    return render(request, "awards/overdue.html", context)


@login_required
def expected(request: HttpRequest, qualification: str) -> HttpResponse:
    """A statement of expected award, to print for an employer or a further course before conferment."""
    from django.utils.translation import gettext

    from creditbank.apps.recognition.presenters import pathway_out

    try:
        found = services.expected_award(
            actor=request.user, learner=learner_of(request.user), qualification=qualification
        )
    except DomainError as exc:
        return render(request, "frameworks/problem.html", {"error": error_message(exc)}, status=exc.status)
    context = {
        "expected": found,
        "result": pathway_out(found.pathway, gettext),
        "today": timezone.localdate(),
    }
    return render(request, "awards/expected.html", context)
