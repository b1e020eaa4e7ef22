"""Recognition rules and the credit policy each receiving qualification applies.

A rule is stored as the document ``core.rules.parse_rule`` reads, with the columns needed to find
it (owner, qualification, validity, status). Publishing a rule again makes a new version; the old
one is kept, marked superseded, because decisions name the version they used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditbank.apps.accounts.models import Institution
from creditbank.apps.deposits.models import JobState


class RuleStatus(models.TextChoices):
    ACTIVE = "active", _("In use")
    SUPERSEDED = "superseded", _("Superseded by a newer version")
    RETIRED = "retired", _("Retired")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, being signed")
    IN_FORCE = "in_force", _("In force")
    TERMINATED = "terminated", _("Terminated")


class Agreement(models.Model):
    """A mutual-recognition agreement (互认协议) among alliance members, with its own rules."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    scope = models.JSONField(_("scope"), default=dict)  # {sectors: [...], qualifications: [...]}
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    status_note = models.TextField(_("note on status"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("mutual-recognition agreement")
        verbose_name_plural = _("mutual-recognition agreements")

    def __str__(self) -> str:
        return self.code

    def title(self, language_code: str) -> str:
        return self.title_zh if language_code.startswith("zh") else self.title_en

    @property
    def standing(self) -> str:
        """The status as a reader needs it: an agreement in force past its end date has expired."""
        if self.status == AgreementStatus.IN_FORCE and self.valid_to and self.valid_to < timezone.localdate():
            return str(_("Expired"))
        return str(self.get_status_display())


class AgreementParty(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="agreements")
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["agreement", "institution__code"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "institution"], name="agreement_party_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.code}: {self.institution.code}"


class RecognitionRule(models.Model):
    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    owner = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="recognition_rules", verbose_name=_("owner")
    )
    qualification = models.CharField(_("receiving qualification"), max_length=40, blank=True)
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("agreement"),
    )
    title = models.CharField(_("title"), max_length=200)
    document = models.JSONField(_("rule"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RuleStatus.choices, default=RuleStatus.ACTIVE
    )
    status_note = models.TextField(_("note on status"), blank=True)
    created_at = models.DateTimeField(_("published"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_via_key = models.CharField(_("published through API key"), max_length=16, blank=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("recognition rule")
        verbose_name_plural = _("recognition rules")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="rule_code_version_unique")]
        indexes = [models.Index(fields=["owner", "status"], name="rule_owner_status")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class QualificationPolicy(models.Model):
    """The caps a receiving qualification applies to transferred credit (a preset or its own)."""

    qualification = models.CharField(_("qualification"), max_length=40, unique=True)
    preset = models.CharField(_("adopted from preset"), max_length=40, blank=True)
    document = models.JSONField(_("policy"))
    set_at = models.DateTimeField(_("set"), auto_now=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("credit policy of a qualification")
        verbose_name_plural = _("credit policies of qualifications")

    def __str__(self) -> str:
        return f"{self.qualification}: {self.preset or self.document.get('code', '')}"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for decisions")
    DECIDED = "decided", _("Decided")
    APPEALED = "appealed", _("Under appeal")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ItemDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    EVIDENCE = "evidence", _("Evidence asked for")


class TransferApplication(models.Model):
    """A learner's application to count outcomes towards a qualification of another institution."""

    ref = models.CharField(_("reference"), max_length=16, unique=True)
    learner = models.ForeignKey(
        "accounts.Learner", on_delete=models.PROTECT, related_name="transfer_applications"
    )
    qualification = models.CharField(_("qualification"), max_length=40)
    qualification_version = models.PositiveIntegerField()
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="transfer_applications",
        verbose_name=_("receiving institution"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    policy = models.JSONField(_("caps applied"))
    appeal_reason = models.TextField(_("reason for appeal"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("transfer application")
        verbose_name_plural = _("transfer applications")
        indexes = [
            models.Index(fields=["learner", "qualification"], name="transfer_learner_qualification"),
            models.Index(fields=["institution", "status"], name="transfer_institution_status"),
        ]

    def __str__(self) -> str:
        return self.ref


class TransferItem(models.Model):
    """One outcome proposed to count under one rule version, and the receiving side's decision."""

    application = models.ForeignKey(TransferApplication, on_delete=models.PROTECT, related_name="items")
    learner = models.ForeignKey("accounts.Learner", on_delete=models.PROTECT, related_name="+")
    outcome = models.ForeignKey(
        "deposits.LearningOutcome", on_delete=models.PROTECT, related_name="transfer_items"
    )
    rule = models.ForeignKey(RecognitionRule, on_delete=models.PROTECT, related_name="transfer_items")
    exempts = models.CharField(_("exempts"), max_length=40, blank=True)
    credits = models.DecimalField(_("credits"), max_digits=8, decimal_places=2)
    credit_system = models.CharField(_("credit system"), max_length=32)
    explanation = models.JSONField(_("explanation"))  # the core's reasons, rendered in the reader's language
    decision = models.CharField(
        _("decision"), max_length=16, choices=ItemDecision.choices, default=ItemDecision.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    learner_note = models.TextField(_("learner's answer"), blank=True)
    on_appeal = models.BooleanField(_("on appeal"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Accepted credit is entered into the receiving institution's term the outcome was achieved in.
    term = models.CharField(_("term"), max_length=16, blank=True)
    term_starts_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("transfer item")
        verbose_name_plural = _("transfer items")
        indexes = [models.Index(fields=["learner", "decision"], name="transfer_item_learner_decision")]

    def __str__(self) -> str:
        return f"{self.application.ref} #{self.pk}"


class CohortAudit(models.Model):
    """A pathway audit of many learners against one qualification, run by the background worker."""

    qualification = models.CharField(_("qualification"), max_length=40)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("learners of"),
    )
    region = models.CharField(_("learners in region"), max_length=2, blank=True)
    on = models.DateField(_("as on"))
    state = models.CharField(_("state"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    learners_total = models.PositiveIntegerField(default=0)
    learners_done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)  # met, in_progress, missing
    result_csv = models.TextField(blank=True)
    error = models.JSONField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("cohort audit")
        verbose_name_plural = _("cohort audits")

    def __str__(self) -> str:
        return f"{self.qualification} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.REJECTED, JobState.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.learners_done / self.learners_total) if self.learners_total else 0


class StandardKind(models.TextChoices):
    REGIONAL = "regional", _("Regional standard")
    UNIFIED = "unified", _("Unified standard")


class RecognitionStandard(models.Model):
    """A version of a recognition standard: a region's, as imported, or a unified one, as published
    by harmonisation with its decisions and its diff against each region."""

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=16, choices=StandardKind.choices)
    region = models.CharField(_("region"), max_length=2, blank=True)
    title = models.CharField(_("title"), max_length=200)
    document = models.JSONField(_("standard"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "code", "-version"]
        verbose_name = _("recognition standard")
        verbose_name_plural = _("recognition standards")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="standard_code_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"
