"""API for awards and fees: apply, decide, settle; windows and the fee schedule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts.institutions import acting_institution
from creditbank.apps.accounts.learners import learner_of
from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, require, role_of
from creditbank.apps.awards import services
from creditbank.apps.awards.models import AwardApplication, Charge, FeeItem, Window
from creditbank.core.errors import NotFound, gettext_noop
from creditbank.core.terms import format_term_starts

router = Router(tags=["awards"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ApplyIn(Schema):
    qualification: str


class DecisionIn(Schema):
    decision: str
    reason: str = ""


class PaymentIn(Schema):
    amount: Decimal
    method: str
    reference: str = ""


class WaiverIn(Schema):
    waiver: str


class WindowIn(Schema):
    kind: str
    opens: date
    closes: date
    confers_on: date | None = None
    note: str = ""
    institution: str = ""  # empty: the caller's institution; operators may leave it empty for the bank's


class TermsIn(Schema):
    term_starts: list[str]  # MM-DD, the academic year's first first
    institution: str = ""  # empty: the caller's institution; operators may leave it empty for the bank's


class FeeIn(Schema):
    code: str
    amount: Decimal
    currency: str = "CNY"
    institution: str = ""


def charge_out(charge: Charge | None) -> dict[str, Any] | None:
    if charge is None:
        return None
    return {
        "id": charge.pk, "fee": charge.code, "description": charge.description, "gross": str(charge.gross),
        "waived": str(charge.waived), "due": str(charge.due), "currency": charge.currency, "status": charge.status,
        "receipt": charge.receipt_number, "paid_by": charge.payment_method or None,
        "settled_at": charge.settled_at.isoformat() if charge.settled_at else None,
    }  # fmt: skip


def application_out(a: AwardApplication) -> dict[str, Any]:
    return {
        "ref": a.ref, "learner": a.learner.public_id, "qualification": a.qualification.code,
        "institution": a.institution.code, "status": a.status, "reason": a.reason,
        "window": {"opens": a.window.opens.isoformat(), "closes": a.window.closes.isoformat(),
                   "confers_on": a.window.confers_on.isoformat() if a.window.confers_on else None},
        "fee": charge_out(a.charge), "outcome": a.outcome_id,
        "submitted_at": a.submitted_at.isoformat(), "decided_at": a.decided_at.isoformat() if a.decided_at else None,
        "audit": a.audit,
    }  # fmt: skip


def _institution(actor: Any, code: str) -> Institution | None:
    """The institution named, else the actor's own; for the bank's staff naming none, the bank."""
    if not code and role_of(actor) == "operator":
        return None
    return acting_institution(actor, code or None, Action.MANAGE_FEES)


@router.post(
    "/awards", response={201: dict[str, Any], **ERRORS}, auth=AUTHENTICATED, summary="Apply for an award"
)
def apply(request: HttpRequest, payload: ApplyIn) -> Status[dict[str, Any]]:
    """Refused outside an award window (with the next opening date) or when the record, counting only
    accepted transfers, does not meet the qualification (with what is missing)."""
    actor = actor_of(request)
    require(actor, Action.APPLY_AWARD, learner_user_id=getattr(actor, "pk", None))
    application = services.award_apply(
        actor=actor, learner=learner_of(actor), qualification=payload.qualification
    )
    return Status(201, application_out(application))


@router.get(
    "/awards",
    response={200: list[dict[str, Any]], **ERRORS},
    auth=AUTHENTICATED,
    summary="Award applications you may see",
)
def list_awards(request: HttpRequest) -> list[dict[str, Any]]:
    return [application_out(a) for a in services.awards_for(actor_of(request))]


@router.get(
    "/awards/expected",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="A statement of expected award",
)
def expected(request: HttpRequest, qualification: str) -> dict[str, Any]:
    """While the record meets a qualification (accepted transfers only): when to apply, when it is
    expected to be conferred, and the requirements as met; 409 naming what is missing otherwise."""
    from django.utils.translation import gettext

    from creditbank.apps.recognition.presenters import pathway_out

    actor = actor_of(request)
    found = services.expected_award(actor=actor, learner=learner_of(actor), qualification=qualification)
    window = found.window
    return {
        "learner": found.pathway.learner.public_id,
        "open_now": found.open_now,
        "window": {"opens": window.opens.isoformat(), "closes": window.closes.isoformat(),
                   "confers_on": window.confers_on.isoformat() if window.confers_on else None} if window else None,
        "pathway": pathway_out(found.pathway, gettext),
    }  # fmt: skip


@router.get(
    "/awards/{ref}",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="One award application",
)
def get_award(request: HttpRequest, ref: str) -> dict[str, Any]:
    return application_out(services.award_get(actor=actor_of(request), ref=ref))


@router.post(
    "/awards/{ref}/decision",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Confer or refuse",
)
def decide(request: HttpRequest, ref: str, payload: DecisionIn) -> dict[str, Any]:
    return application_out(
        services.award_decide(
            actor=actor_of(request), ref=ref, decision=payload.decision, reason=payload.reason
        )
    )


@router.get(
    "/charges", response={200: list[dict[str, Any]], **ERRORS}, auth=AUTHENTICATED, summary="Your fees"
)
def my_charges(request: HttpRequest) -> list[dict[str, Any]]:
    actor = actor_of(request)
    return [charge_out(c) or {} for c in Charge.objects.filter(learner=learner_of(actor))]


@router.post(
    "/charges/{charge_id}/payment",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Record a payment",
)
def pay(request: HttpRequest, charge_id: int, payload: PaymentIn) -> dict[str, Any]:
    """No payment gateway is built in: a counter, or a provider's callback, records the payment here
    with its reference; the receipt number comes back."""
    charge = services.charge_pay(
        actor=actor_of(request),
        charge_id=charge_id,
        amount=payload.amount,
        method=payload.method,
        reference=payload.reference,
    )
    return charge_out(charge) or {}


@router.post(
    "/charges/{charge_id}/waiver",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Apply a waiver",
)
def waive(request: HttpRequest, charge_id: int, payload: WaiverIn) -> dict[str, Any]:
    return (
        charge_out(
            services.charge_waive(actor=actor_of(request), charge_id=charge_id, waiver_code=payload.waiver)
        )
        or {}
    )


@router.get(
    "/award-windows", response={200: list[dict[str, Any]], **ERRORS}, summary="Application windows (public)"
)
def windows(request: HttpRequest, institution: str = "") -> list[dict[str, Any]]:
    found = Window.objects.select_related("institution")
    if institution:
        found = found.filter(institution__code=institution)
    return [
        {"institution": w.institution.code if w.institution else None, "kind": w.kind, "opens": w.opens.isoformat(),
         "closes": w.closes.isoformat(), "confers_on": w.confers_on.isoformat() if w.confers_on else None, "note": w.note}
        for w in found
    ]  # fmt: skip


@router.post(
    "/award-windows", response={201: dict[str, Any], **ERRORS}, auth=AUTHENTICATED, summary="Add a window"
)
def add_window(request: HttpRequest, payload: WindowIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    w = services.window_add(
        actor=actor, institution=_institution(actor, payload.institution), kind=payload.kind, opens=payload.opens,
        closes=payload.closes, confers_on=payload.confers_on, note=payload.note,
    )  # fmt: skip
    return Status(
        201, {"id": w.pk, "kind": w.kind, "opens": w.opens.isoformat(), "closes": w.closes.isoformat()}
    )


@router.get(
    "/terms", response={200: dict[str, Any], **ERRORS}, summary="An institution's term starts (public)"
)
def get_terms(request: HttpRequest, institution: str = "") -> dict[str, Any]:
    """The term starts that apply to an institution (its own, else the bank's), or the bank's."""
    found = Institution.objects.filter(code=institution).first() if institution else None
    if institution and found is None:
        raise NotFound(gettext_noop("There is no institution %(code)s."), code=institution)
    return {
        "institution": institution or None,
        "term_starts": format_term_starts(services.term_starts_for(found)),
    }


@router.put("/terms", response={200: dict[str, Any], **ERRORS}, auth=AUTHENTICATED, summary="Set term starts")
def set_terms(request: HttpRequest, payload: TermsIn) -> dict[str, Any]:
    actor = actor_of(request)
    institution = _institution(actor, payload.institution)
    calendar = services.term_calendar_set(actor=actor, institution=institution, starts=payload.term_starts)
    return {"institution": institution.code if institution else None, "term_starts": calendar.term_starts}


@router.get("/fees", response={200: list[dict[str, Any]], **ERRORS}, summary="Fee schedules (public)")
def fees(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"institution": f.institution.code if f.institution else None, "fee": f.code, "amount": str(f.amount), "currency": f.currency}
        for f in FeeItem.objects.select_related("institution")
    ]  # fmt: skip


@router.put("/fees", response={200: dict[str, Any], **ERRORS}, auth=AUTHENTICATED, summary="Set a fee")
def set_fee(request: HttpRequest, payload: FeeIn) -> dict[str, Any]:
    actor = actor_of(request)
    item = services.fee_set(
        actor=actor, institution=_institution(actor, payload.institution), code=payload.code, amount=payload.amount,
        currency=payload.currency,
    )  # fmt: skip
    return {"fee": item.code, "amount": str(item.amount), "currency": item.currency}


class ServiceTimeIn(Schema):
    clock: str
    days: int


class HolidayIn(Schema):
    day: date
    name: str


@router.get(
    "/overdue",
    response={200: list[dict[str, Any]], **ERRORS},
    auth=AUTHENTICATED,
    summary="What is past its service time",
)
def overdue(request: HttpRequest) -> list[dict[str, Any]]:
    """For an institution, its own queues; for the bank's staff, every queue; most overdue first."""
    from creditbank.apps.awards.service_times import overdue as overdue_items

    today = timezone.localdate()
    return [
        {"service": i.clock.value, "ref": i.ref, "what": i.what, "institution": i.institution or None,
         "since": i.deadline.started.isoformat(), "due": i.deadline.due.isoformat(), "days_late": i.deadline.days_late(today)}
        for i in overdue_items(actor_of(request), today=today)
    ]  # fmt: skip


@router.get(
    "/service-times",
    response={200: dict[str, int], **ERRORS},
    summary="Service times in working days (public)",
)
def get_service_times(request: HttpRequest) -> dict[str, int]:
    from creditbank.apps.awards.service_times import service_times

    return {clock.value: days for clock, _label, days in service_times()}


@router.put(
    "/service-times",
    response={200: dict[str, int], **ERRORS},
    auth=AUTHENTICATED,
    summary="Set a service time",
)
def set_service_time(request: HttpRequest, payload: ServiceTimeIn) -> dict[str, int]:
    from creditbank.apps.awards.service_times import service_time_set

    row = service_time_set(actor=actor_of(request), clock=payload.clock, days=payload.days)
    return {row.clock: row.days}


@router.post(
    "/holidays", response={201: dict[str, Any], **ERRORS}, auth=AUTHENTICATED, summary="Add a public holiday"
)
def add_holiday(request: HttpRequest, payload: HolidayIn) -> Status[dict[str, Any]]:
    from creditbank.apps.awards.service_times import holiday_add

    row = holiday_add(actor=actor_of(request), day=payload.day, name=payload.name)
    return Status(201, {"day": row.day.isoformat(), "name": row.name})
