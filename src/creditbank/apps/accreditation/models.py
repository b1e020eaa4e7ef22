"""Accreditation cases and everything recorded at each quality-assurance stage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditbank.apps.accounts.models import Institution, Learner
from creditbank.apps.register.models import RegisterEntry
from creditbank.core.accreditation import Kind, Outcome, Stage


class AccreditationCase(models.Model):
    ref = models.CharField(_("reference"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=[(k.value, k.value) for k in Kind])
    entry = models.ForeignKey(
        RegisterEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    submitter = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    partners = models.ManyToManyField(Institution, blank=True, related_name="partner_cases")
    learner = models.ForeignKey(
        Learner, on_delete=models.PROTECT, null=True, blank=True, related_name="rpl_claims"
    )
    appeal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeal",
        verbose_name=_("appeal of"),
    )
    framework = models.CharField(_("framework"), max_length=32)
    # For a programme alignment: the framework and level the programme is proposed to align with.
    target_framework = models.CharField(_("aligned with framework"), max_length=32, blank=True)
    target_level_id = models.CharField(_("proposed level"), max_length=48, blank=True)
    domains = models.JSONField(_("descriptor domains"))
    stage = models.CharField(_("stage"), max_length=24, choices=[(s.value, s.value) for s in Stage])
    self_assessment = models.JSONField(_("self-assessment"), default=dict)
    outcome = models.CharField(
        _("outcome"), max_length=32, blank=True, choices=[(o.value, o.value) for o in Outcome]
    )
    decided_level_id = models.CharField(max_length=48, blank=True)
    decided_credits = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    re_review_on = models.DateField(_("re-review on"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("accreditation case")
        verbose_name_plural = _("accreditation cases")
        indexes = [models.Index(fields=["stage", "updated_at"], name="case_stage_updated")]

    def __str__(self) -> str:
        return self.ref


class PanelMember(models.Model):
    case = models.ForeignKey(AccreditationCase, on_delete=models.CASCADE, related_name="panel")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panels")
    home_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "reviewer"], name="panel_member_once")]

    def __str__(self) -> str:
        return f"{self.case} panel: {self.reviewer}"


class CaseReview(models.Model):
    case = models.ForeignKey(AccreditationCase, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(_("scores"))
    findings = models.TextField(_("findings"))
    recommendation = models.CharField(_("recommendation"), max_length=32)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "reviewer"], name="one_review_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.case} review by {self.reviewer}"


class CaseSignOff(models.Model):
    case = models.ForeignKey(AccreditationCase, on_delete=models.CASCADE, related_name="signoffs")
    name = models.CharField(_("name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=200)
    statement = models.TextField(_("statement"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.case} sign-off by {self.organisation}"


class CaseEvent(models.Model):
    """The case's timeline: who did what, and when."""

    case = models.ForeignKey(AccreditationCase, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.action}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


EVENT_LABELS = {
    "opened": _("case opened"),
    "self_assessed": _("self-assessment submitted"),
    "panel_assigned": _("review panel assigned"),
    "reviewed": _("review submitted"),
    "signed_off": _("stakeholder sign-off recorded"),
    "decided": _("decision made"),
}


class CaseEvidence(models.Model):
    """A file a learner submits with an RPL claim; served only to those who may see the case."""

    case = models.ForeignKey(AccreditationCase, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.case} {self.original_name}"
