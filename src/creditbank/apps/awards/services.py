"""Award applications inside their windows, with the fee they cost, decided by the conferring
institution; an award becomes an outcome in the learner's bank and a credential.

Eligibility is checked twice, when applying and when deciding, on the learner's record as it stands:
the learner's own outcomes and the transfers already accepted, never a transfer only proposed."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from creditbank.apps.accounts.account_reviews import require_official
from creditbank.apps.accounts.models import Institution, Learner
from creditbank.apps.accounts.permissions import Action, require, role_of
from creditbank.apps.accounts.principals import person_of
from creditbank.apps.awards.models import (
    AwardApplication,
    AwardStatus,
    Charge,
    ChargeStatus,
    FeeItem,
    TermCalendar,
    Waiver,
    Window,
)
from creditbank.apps.ledger.services import Event, learner_refs, ledger_append
from creditbank.apps.recognition.presenters import pathway_out
from creditbank.apps.recognition.selectors import Pathway, evaluate, holdings_of, receiving
from creditbank.core import awards as core
from creditbank.core import terms
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop
from creditbank.core.pathways import audit

RECEIPT_PREFIX = "CB"


class WindowClosed(Conflict):
    code = "window_closed"
    template = gettext_noop(
        "%(institution)s takes award applications only inside a window; the next opens on %(opens)s."
    )


class IntakeClosed(Conflict):
    code = "intake_closed"
    template = gettext_noop(
        "%(institution)s takes applications into its programmes only inside an intake window; the next opens on %(opens)s."
    )


class NotEligible(Conflict):
    code = "not_eligible"
    template = gettext_noop(
        "Your record does not yet meet %(qualification)s: %(missing)s. Transfers count once they are accepted."
    )


# --- windows and fees ---------------------------------------------------------------------------


def _scope(actor: Any, institution: Institution | None) -> None:
    if institution is None:
        require(actor, Action.MANAGE_FEES)
        if role_of(actor) != "operator":
            raise InvalidInput(gettext_noop("Only the bank sets its own windows and default fees."))
    else:
        require(actor, Action.MANAGE_FEES, institution_id=institution.pk)


def window_add(
    *, actor: Any, institution: Institution | None, kind: str, opens: date, closes: date,
    confers_on: date | None = None, note: str = "",
) -> Window:  # fmt: skip
    _scope(actor, institution)
    checked = core.check_window(kind, opens, closes, confers_on)
    return Window.objects.create(
        institution=institution,
        kind=checked.kind.value,
        opens=opens,
        closes=closes,
        confers_on=confers_on,
        note=note.strip()[:200],
    )


def intake_check(institution: Institution, today: date) -> None:
    """Transfer applications into an institution's programmes are intakes: where intake windows are
    set (the institution's own, or the bank's), they are taken only inside one."""
    intakes = [_core(w) for w in windows_for(institution) if w.kind == core.WindowKind.INTAKE.value]
    if intakes and core.open_window(intakes, core.WindowKind.INTAKE, today) is None:
        opens = core.next_opening(intakes, core.WindowKind.INTAKE, today)
        raise IntakeClosed(
            institution=institution.code,
            opens=opens.isoformat() if opens else gettext_noop("not yet announced"),
        )


def windows_for(institution: Institution | None) -> list[Window]:
    """An institution's own windows, or the bank's when it has set none."""
    own = list(Window.objects.filter(institution=institution))
    return own or list(Window.objects.filter(institution__isnull=True))


def term_calendar_set(*, actor: Any, institution: Institution | None, starts: Sequence[str]) -> TermCalendar:
    """Set the term starts of an institution (or the bank's default), the academic year's first first."""
    _scope(actor, institution)
    parsed = terms.parse_term_starts(starts)
    with transaction.atomic():
        calendar = TermCalendar.objects.select_for_update().filter(institution=institution).first()
        calendar = calendar or TermCalendar(institution=institution)
        calendar.term_starts = terms.format_term_starts(parsed)
        calendar.save()
    return calendar


def term_starts_for(institution: Institution | None) -> tuple[tuple[int, int], ...]:
    """An institution's term starts, else the bank's, else the mainland's autumn and spring."""
    for owner in (institution, None) if institution is not None else (None,):
        calendar = TermCalendar.objects.filter(institution=owner).first()
        if calendar is not None:
            return terms.parse_term_starts(calendar.term_starts)
    return terms.DEFAULT_TERM_STARTS


def _core(window: Window) -> core.Window:
    return core.Window(core.WindowKind(window.kind), window.opens, window.closes, window.confers_on)


def fee_set(
    *, actor: Any, institution: Institution | None, code: str, amount: Decimal, currency: str = "CNY"
) -> FeeItem:
    _scope(actor, institution)
    try:
        fee = core.FeeCode(code)
    except ValueError:
        raise InvalidInput(
            gettext_noop("Unknown fee %(code)s; use one of %(codes)s."),
            code=code,
            codes=", ".join(core.FeeCode),
        ) from None
    if amount < 0:
        raise InvalidInput(gettext_noop("Fees and quantities are never negative."))
    if len(currency.strip()) != 3:
        raise InvalidInput(gettext_noop("Give the currency as three letters (CNY, HKD, MOP)."))
    item, _created = FeeItem.objects.update_or_create(
        institution=institution,
        code=fee.value,
        defaults={"amount": amount, "currency": currency.strip().upper()},
    )
    return item


def fee_for(institution: Institution | None, code: core.FeeCode) -> FeeItem | None:
    """The institution's own fee, or the bank's default."""
    own = FeeItem.objects.filter(institution=institution, code=code.value).first() if institution else None
    return own or FeeItem.objects.filter(institution__isnull=True, code=code.value).first()


def charge_create(
    *,
    learner: Learner,
    institution: Institution | None,
    code: core.FeeCode,
    description: str,
    quantity: Decimal = Decimal(1),
    subject: str = "",
) -> Charge | None:
    """Charge the learner the scheduled fee; nothing when the schedule has no (or a zero) fee."""
    item = fee_for(institution, code)
    if item is None or item.amount == 0:
        return None
    amount = core.charge_amount(item.amount, quantity)
    charge = Charge.objects.create(
        learner=learner, institution=institution, code=code.value, description=description[:200],
        gross=amount.gross, waived=amount.waived, due=amount.due, currency=item.currency, subject=subject[:64],
    )  # fmt: skip
    ledger_append([_charge_event("fee.charged", charge)])
    return charge


def charge_refund(subject: str, reason: str) -> Charge | None:
    """An appeal upheld: its fee is refunded if paid, or waived if still due (inside the caller's
    transaction). Nothing when no fee was charged."""
    charge = (
        Charge.objects.select_for_update(of=("self",))
        .filter(subject=subject)
        .select_related("learner")
        .first()
    )
    if charge is None or charge.status in (ChargeStatus.REFUNDED, ChargeStatus.WAIVED):
        return charge
    charge.status = ChargeStatus.REFUNDED if charge.status == ChargeStatus.PAID else ChargeStatus.WAIVED
    if charge.status == ChargeStatus.WAIVED:
        charge.waived, charge.due = charge.gross, Decimal(0)
    charge.payment_reference = (
        charge.payment_reference + " · " if charge.payment_reference else ""
    ) + reason[:60]
    charge.settled_at = timezone.now()
    charge.save()
    ledger_append([_charge_event("fee.refunded", charge)])
    return charge


def _charge_event(kind: str, charge: Charge) -> Event:
    ref = learner_refs([charge.learner])[charge.learner_id]
    return Event(
        kind,
        f"charge:{charge.pk}",
        {
            "charge": charge.pk, "learner": ref, "fee": charge.code, "due": f"{charge.due:.2f}",
            "currency": charge.currency, "status": charge.status, "receipt": charge.receipt_number,
        },
    )  # fmt: skip


def _locked_charge(actor: Any, charge_id: int, *, settled_ok: bool = False) -> Charge:
    charge = (
        Charge.objects.select_for_update(of=("self",)).select_related("learner").filter(pk=charge_id).first()
    )
    if charge is None:
        raise NotFound(gettext_noop("There is no charge %(charge)s."), charge=charge_id)
    require(actor, Action.SETTLE_CHARGE, institution_id=charge.institution_id)
    if charge.status != ChargeStatus.DUE and not settled_ok:
        raise Conflict(gettext_noop("Charge %(charge)s is already settled."), charge=charge_id)
    return charge


def _next_receipt(year: int) -> str:
    serial = Charge.objects.filter(receipt_number__startswith=f"{RECEIPT_PREFIX}-{year}-").count() + 1
    return core.receipt_number(RECEIPT_PREFIX, year, serial)


def _save_numbered(charge: Charge, year: int) -> None:
    """Give the receipt the year's next number; two payments at once may reach for the same number,
    so the loser (refused by the unique index) takes the next."""
    for _attempt in range(5):
        charge.receipt_number = _next_receipt(year)
        try:
            with transaction.atomic():  # a savepoint: the transaction goes on after a refusal
                charge.save()
            return
        except IntegrityError:
            continue
    raise Conflict(gettext_noop("The receipt could not be numbered; record the payment again."))


def charge_pay(*, actor: Any, charge_id: int, amount: Decimal, method: str, reference: str = "") -> Charge:
    """Record a payment made at the counter or through a payment provider, and issue the receipt.

    No gateway is built in; a provider's callback calls this (``POST /charges/{id}/payment`` with an
    institution API key) with its own payment reference. A callback repeated with the same reference
    and amount is the same payment: the receipt already issued comes back, nothing is recorded twice."""
    reference = reference.strip()[:100]
    with transaction.atomic():
        charge = _locked_charge(actor, charge_id, settled_ok=True)
        if charge.status != ChargeStatus.DUE:
            if reference and charge.payment_reference == reference and charge.paid_amount == amount:
                return charge
            raise Conflict(gettext_noop("Charge %(charge)s is already settled."), charge=charge_id)
        if amount != charge.due:
            raise InvalidInput(
                gettext_noop("The payment must be the amount due, %(due)s %(currency)s."),
                due=f"{charge.due:.2f}", currency=charge.currency,
            )  # fmt: skip
        if not method.strip():
            raise InvalidInput(gettext_noop("Say how it was paid (cash, card, bank transfer, provider)."))
        now = timezone.now()
        charge.status = ChargeStatus.PAID
        charge.paid_amount = amount
        charge.payment_method = method.strip()[:32]
        charge.payment_reference = reference
        charge.settled_at = now
        charge.settled_by = person_of(actor)
        _save_numbered(charge, now.year)
        ledger_append([_charge_event("fee.paid", charge)])
    return charge


def charge_waive(*, actor: Any, charge_id: int, waiver_code: str) -> Charge:
    """Apply a waiver category; a partial waiver leaves the rest due."""
    with transaction.atomic():
        charge = _locked_charge(actor, charge_id)
        waiver = Waiver.objects.filter(code=waiver_code).first()
        if waiver is None:
            raise NotFound(gettext_noop("There is no waiver category %(code)s."), code=waiver_code)
        amount = core.charge_amount(charge.gross, Decimal(1), waiver.percent)
        charge.waiver = waiver
        charge.waived, charge.due = amount.waived, amount.due
        if amount.due == 0:
            charge.status = ChargeStatus.WAIVED
            charge.settled_at = timezone.now()
            charge.settled_by = person_of(actor)
        charge.save()
        ledger_append([_charge_event("fee.waived", charge)])
    return charge


# --- awards -------------------------------------------------------------------------------------


def eligibility(learner: Learner, qualification: str, on: date) -> Pathway:
    """The pathway with only what already counts: own outcomes and accepted transfers."""
    side = receiving(qualification, on)
    holdings = holdings_of(learner)
    proposal, _what_if = evaluate(side, learner, holdings)
    settled = dataclasses.replace(proposal, uses=())
    details = {a.id: a for a in side.catalogue}
    found = audit(side.tree, holdings, settled, side.catalogue, exempt_details=details)
    from creditbank.apps.deposits.models import LearningOutcome

    outcomes = {
        str(o.pk): o
        for o in LearningOutcome.objects.select_related("entry", "institution").filter(
            pk__in=[int(h.id) for h in holdings]
        )
    }
    named = {o.entry.code: o.entry for o in outcomes.values()}
    return Pathway(
        learner,
        side.qualification,
        on,
        side.policy,
        side.preset,
        side.rules,
        settled,
        found,
        outcomes,
        {**named, **side.units},
    )


def _missing(snapshot: dict[str, Any]) -> str:
    names: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if node["status"] == "met":
            return
        if node["kind"] == "unit":
            names.append(str(node["unit"]))
        elif node["kind"] == "credits":
            names.append(f"{node['credits_needed']} {node['credit_system']} credits")
        for child in node.get("children", []):
            walk(child)

    walk(snapshot["requirements"])
    return ", ".join(names[:6]) or "—"


def _event(kind: str, application: AwardApplication, **extra: Any) -> Event:
    ref = learner_refs([application.learner])[application.learner_id]
    return Event(
        kind,
        f"award:{application.ref}",
        {"award": application.ref, "learner": ref, "qualification": application.qualification.code,
         "institution": application.institution.code, "status": application.status, **extra},
    )  # fmt: skip


def award_apply(
    *, actor: Any, learner: Learner, qualification: str, on: date | None = None
) -> AwardApplication:
    """Apply for the award of a qualification the record meets, inside an open award window."""
    require(actor, Action.APPLY_AWARD, learner_user_id=learner.user_id)
    require_official(learner)
    today = on or timezone.localdate()
    pathway = eligibility(learner, qualification, today)
    entry = pathway.qualification
    windows = windows_for(entry.owner)
    window = next(
        (w for w in windows if _core(w).kind is core.WindowKind.AWARD and _core(w).is_open(today)), None
    )
    if window is None:
        opens = core.next_opening([_core(w) for w in windows], core.WindowKind.AWARD, today)
        raise WindowClosed(
            institution=entry.owner.code,
            opens=opens.isoformat() if opens else gettext_noop("not yet announced"),
        )
    snapshot = pathway_out(pathway, gettext)
    if not pathway.audit.met:
        raise NotEligible(qualification=entry.code, missing=_missing(snapshot))
    if AwardApplication.objects.filter(
        learner=learner, qualification__code=entry.code, status=AwardStatus.SUBMITTED
    ).exists():
        raise Conflict(
            gettext_noop("You have already applied for %(qualification)s; it is being decided."),
            qualification=entry.code,
        )
    with transaction.atomic():
        charge = charge_create(
            learner=learner, institution=entry.owner, code=core.FeeCode.AWARD_APPLICATION,
            description=f"{entry.code} award application",
        )  # fmt: skip
        application = AwardApplication.objects.create(
            ref="AW-" + secrets.token_hex(4).upper(), learner=learner, qualification=entry,
            institution=entry.owner, window=window, audit=snapshot, charge=charge,
        )  # fmt: skip
        ledger_append([_event("award.applied", application)])
    return application


def award_get(*, actor: Any, ref: str) -> AwardApplication:
    application = (
        AwardApplication.objects.select_related(
            "learner", "qualification", "institution", "window", "charge", "outcome"
        )
        .filter(ref=ref.strip().upper())
        .first()
    )
    if application is None:
        raise NotFound(gettext_noop("There is no award application %(ref)s."), ref=ref)
    if role_of(actor) == "learner":
        require(actor, Action.APPLY_AWARD, learner_user_id=application.learner.user_id)
    else:
        require(actor, Action.DECIDE_AWARD, institution_id=application.institution_id)
    return application


def awards_for(actor: Any) -> list[AwardApplication]:
    found = AwardApplication.objects.select_related("learner", "qualification", "institution", "charge")
    role = role_of(actor)
    if role == "learner":
        found = found.filter(learner__user_id=actor.pk)
    elif role == "institution":
        found = found.filter(institution_id=actor.institution_id)
    else:
        require(actor, Action.DECIDE_AWARD)
    return list(found[:300])


def award_decide(*, actor: Any, ref: str, decision: str, reason: str = "") -> AwardApplication:
    """Award (the fee settled, the record still meeting the requirements) or refuse with a reason.
    An award is deposited as the qualification's outcome and issued as a credential."""
    from creditbank.apps.credentials.services import credential_issue
    from creditbank.apps.deposits.services import deposit_batch

    if decision not in ("awarded", "refused"):
        raise InvalidInput(gettext_noop("Decide awarded or refused."))
    if decision == "refused" and not reason.strip():
        raise InvalidInput(gettext_noop("Give the reason for refusing: the learner reads it."))
    with transaction.atomic():
        found = award_get(actor=actor, ref=ref)
        require(
            actor, Action.DECIDE_AWARD, institution_id=found.institution_id
        )  # learners read, never decide
        application = (
            AwardApplication.objects.select_for_update(of=("self",))
            .select_related("learner", "qualification", "institution", "window", "charge")
            .get(pk=found.pk)
        )
        if application.status != AwardStatus.SUBMITTED:
            raise Conflict(gettext_noop("Application %(ref)s is already decided."), ref=application.ref)
        if decision == "awarded":
            charge = application.charge
            if charge is not None and charge.status == ChargeStatus.DUE:
                raise Conflict(
                    gettext_noop("The award application fee (%(due)s %(currency)s) is not settled yet."),
                    due=f"{charge.due:.2f}", currency=charge.currency,
                )  # fmt: skip
            today = timezone.localdate()
            pathway = eligibility(application.learner, application.qualification.code, today)
            if not pathway.audit.met:
                raise NotEligible(
                    qualification=application.qualification.code,
                    missing=_missing(pathway_out(pathway, gettext)),
                )
            conferred = application.window.confers_on or today
            done = deposit_batch(
                actor=actor,
                rows=[{"learner_number": application.learner.public_id, "unit_code": application.qualification.code,
                       "achieved_on": min(conferred, today).isoformat(), "result": "awarded", "outcome_type": "formal"}],
                idempotency_key=f"award:{application.ref}",
                institution_code=application.institution.code,
            )  # fmt: skip
            from creditbank.apps.deposits.models import LearningOutcome

            application.outcome = LearningOutcome.objects.filter(batch=done.batch).first()
        application.status = decision
        application.reason = reason.strip()
        application.decided_at = timezone.now()
        application.decided_by = person_of(actor)
        application.save()
        ledger_append([_event("award.decided", application, reason=application.reason)])
        if application.outcome is not None:
            credential_issue(actor=actor, outcome_id=application.outcome.pk, language="zh-hans")
    return application


@dataclasses.dataclass(frozen=True)
class ExpectedAward:
    """What a learner may show before conferment: the record meets the qualification, and when it
    can be applied for and conferred."""

    pathway: Pathway
    window: Window | None  # open now, or the next one
    open_now: bool


def expected_award(*, actor: Any, learner: Learner, qualification: str) -> ExpectedAward:
    """A statement of expected award; refused, naming what is missing, while the record does not
    meet the qualification (accepted transfers only)."""
    require(actor, Action.APPLY_AWARD, learner_user_id=learner.user_id)
    today = timezone.localdate()
    pathway = eligibility(learner, qualification, today)
    if not pathway.audit.met:
        raise NotEligible(
            qualification=pathway.qualification.code, missing=_missing(pathway_out(pathway, gettext))
        )
    windows = [w for w in windows_for(pathway.qualification.owner) if w.kind == core.WindowKind.AWARD.value]
    current = next((w for w in windows if _core(w).is_open(today)), None)
    upcoming = min((w for w in windows if w.opens > today), key=lambda w: w.opens, default=None)
    return ExpectedAward(pathway, current or upcoming, current is not None)
