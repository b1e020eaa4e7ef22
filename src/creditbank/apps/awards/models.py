"""Award applications, the windows they are taken in, the fee schedule, and what learners owe and paid."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditbank.apps.accounts.models import Institution, Learner
from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.register.models import RegisterEntry


class Window(models.Model):
    """An intake or award-application window of a conferring institution (empty: the bank's own)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16)  # intake, award
    opens = models.DateField(_("opens"))
    closes = models.DateField(_("closes"))
    confers_on = models.DateField(_("conferment date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["opens", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} window {self.opens}–{self.closes}"


class TermCalendar(models.Model):
    """An institution's term starts (MM-DD, the academic year's first first); empty institution: the
    bank's default. Credit recognised is entered into the term its outcome was achieved in."""

    institution = models.OneToOneField(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    term_starts = models.JSONField(_("term starts"))
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"terms {self.term_starts}"


class FeeItem(models.Model):
    """One line of a fee schedule: the bank's default (no institution) or an institution's own."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField(_("fee"), max_length=24)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["institution", "code"], name="one_fee_per_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.amount} {self.currency}"


class Waiver(models.Model):
    """A category of learners whose fees are reduced (e.g. low income: 100 %)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    percent = models.DecimalField(_("per cent waived"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.percent} %)"


class ChargeStatus(models.TextChoices):
    DUE = "due", _("due")
    PAID = "paid", _("paid")
    WAIVED = "waived", _("waived")
    REFUNDED = "refunded", _("refunded")


class Charge(models.Model):
    """What a learner owes for one service, and how it was settled; paid charges carry a receipt."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="charges")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField(_("fee"), max_length=24)
    description = models.CharField(_("for"), max_length=200)
    subject = models.CharField(max_length=64, blank=True)  # what it is for: "transfer:TR-…:appeal"
    gross = models.DecimalField(max_digits=10, decimal_places=2)
    waived = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    due = models.DecimalField(_("amount due"), max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    waiver = models.ForeignKey(Waiver, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=ChargeStatus.choices, default=ChargeStatus.DUE
    )
    paid_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    payment_method = models.CharField(_("paid by"), max_length=32, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    receipt_number = models.CharField(_("receipt"), max_length=32, unique=True, null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("charged"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["learner", "-created_at"], name="charge_learner_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.due} {self.currency} ({self.status})"


class AwardStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    AWARDED = "awarded", _("awarded")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")


class AwardApplication(models.Model):
    """A learner's application for a qualification whose requirements their record meets."""

    ref = models.CharField(_("reference"), max_length=24, unique=True)
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="award_applications")
    qualification = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")  # conferring
    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        _("status"), max_length=16, choices=AwardStatus.choices, default=AwardStatus.SUBMITTED
    )
    audit = models.JSONField()  # the audit when applying: what met each requirement
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    outcome = models.ForeignKey(
        LearningOutcome, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # One open application per learner and qualification.
            models.UniqueConstraint(
                fields=["learner", "qualification"],
                condition=models.Q(status="submitted"),
                name="one_open_award_application",
            ),
        ]

    def __str__(self) -> str:
        return self.ref


class ServiceTime(models.Model):
    """How many working days one of the bank's clocks allows (the defaults apply without a row)."""

    clock = models.CharField(_("service"), max_length=32, unique=True)
    days = models.PositiveSmallIntegerField(_("working days"))

    def __str__(self) -> str:
        return f"{self.clock}: {self.days}"


class Holiday(models.Model):
    """A public holiday: not a working day for any service time."""

    day = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"
