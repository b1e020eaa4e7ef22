"""Learning outcomes deposited into learners' accounts, and the batches that brought them.

Outcomes are never deleted or edited in place: a mistake is revoked with a reason, and an
amendment is a new outcome that supersedes the old one. Level and credits are copied from the
register entry at deposit time, so the record says what was true when it was made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditbank.apps.accounts.models import ApiKey, Institution, Learner, ServiceUnit
from creditbank.apps.register.models import RegisterEntry
from creditbank.core.deposits import OutcomeType


class OutcomeStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    PENDING = "pending", _("Awaiting review")  # counts for nothing until reviewed
    REJECTED = "rejected", _("Rejected at review")
    AMENDED = "amended", _("Amended (superseded)")
    REVOKED = "revoked", _("Revoked")


# Outcomes that stand in the bank or wait for review: a deposit of either is not stored again.
STANDING = (OutcomeStatus.RECORDED, OutcomeStatus.PENDING)


class IssuerFeed(models.Model):
    """A certificate body's push of issued certificates (1+X, skills assessment) into learners'
    accounts; each delivery is an import batch of the feed, accepted row by row."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="feeds")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_delivery_at = models.DateTimeField(_("last delivery"), null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ImportBatch(models.Model):
    """One file or API batch. Its idempotency key makes re-sending the same batch harmless."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="deposit_batches")
    idempotency_key = models.CharField(_("idempotency key"), max_length=80)
    feed = models.ForeignKey(
        IssuerFeed, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    file_name = models.CharField(max_length=200, blank=True)
    content_hash = models.CharField(max_length=64)
    good_rows_only = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    already_present = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)  # [{"line": n, "problems": [...]}]
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_via_key = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "idempotency_key"], name="batch_idempotency_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution.code} {self.idempotency_key}"


class Assessment(models.Model):
    """One assessment event that may grant several certificates (一考多证)."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="assessments")
    reference = models.CharField(max_length=80)
    held_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "learner", "reference"], name="assessment_once_per_learner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution.code} {self.reference}"


class LearningOutcome(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="outcomes")
    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="outcomes")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="outcomes")
    outcome_type = models.CharField(
        _("type"), max_length=16, choices=[(t.value, t.value) for t in OutcomeType]
    )
    achieved_on = models.DateField(_("achieved on"))
    result = models.CharField(_("result"), max_length=500)
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes"
    )
    # As the register said when the outcome was deposited:
    framework = models.CharField(max_length=32)
    level_id = models.CharField(max_length=48)
    level_rank = models.PositiveSmallIntegerField()
    credits = models.DecimalField(max_digits=8, decimal_places=2)
    credit_system = models.CharField(max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=OutcomeStatus.choices, default=OutcomeStatus.RECORDED
    )
    status_reason = models.TextField(blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("possible duplicate of"),
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes"
    )
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    deposited_at = models.DateTimeField(auto_now_add=True)
    # While pending: the review level it waits for (1: its site, 2: the site's sub-centre).
    awaiting_level = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["learner_id", "-achieved_on", "pk"]
        constraints = [
            # The natural key: re-sending an outcome never stores it twice. Superseded, revoked and
            # rejected outcomes keep their place in history, so only standing ones are unique.
            models.UniqueConstraint(
                fields=["learner", "entry", "achieved_on"],
                condition=models.Q(status__in=["recorded", "pending"]),
                name="outcome_natural_key",
            )
        ]
        indexes = [models.Index(fields=["learner", "status"], name="outcome_learner_status")]

    def __str__(self) -> str:
        return f"{self.learner.public_id} {self.entry.code} {self.achieved_on}"


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected: nothing stored")
    FAILED = "failed", _("Failed: nothing stored")


class DepositJob(models.Model):
    """A large file deposited in the background. The file is kept as it was sent; the job records
    how far the worker has got and, at the end, the batch it stored or why nothing was stored."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="deposit_jobs")
    file = models.FileField(upload_to="deposit-files/%Y/%m/")
    file_name = models.CharField(max_length=200)
    file_size = models.PositiveIntegerField()
    file_sha256 = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=80, blank=True)
    good_rows_only = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    phase = models.CharField(max_length=16, blank=True)  # reading, checking, storing
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    replayed = models.BooleanField(default=False)
    problems = models.JSONField(default=list)  # every bad row, when the file was rejected
    error = models.JSONField(null=True, blank=True)  # DomainError.as_record() when nothing was stored
    task_id = models.CharField(max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # A job sent with an API key runs as that key; revoking the key before it runs stops it.
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["institution", "file_sha256"], name="deposit_job_file")]

    def __str__(self) -> str:
        return f"{self.institution.code} {self.file_name} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.REJECTED, JobState.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class LearningRecord(models.Model):
    """Learning that earns no credit (work experience, community activity, learning points): kept
    beside the outcomes, never counted by transfers or pathways. A learner's own record is
    self-declared; one an institution records is attested by it."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(_("kind"), max_length=24)
    title = models.CharField(_("title"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=9, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=9, decimal_places=2, null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    institution = models.ForeignKey(  # the attesting institution; empty when self-declared
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["learner", "-started_on"], name="record_learner_idx")]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.kind} {self.title}"


class ReviewPolicy(models.Model):
    """How many levels review an outcome type before it counts: 0 none, 1 the site, 2 the site then
    its sub-centre. Types without a policy are not reviewed."""

    outcome_type = models.CharField(_("type"), max_length=16, unique=True)
    levels = models.PositiveSmallIntegerField(_("review levels"), default=0)

    class Meta:
        ordering = ["outcome_type"]

    def __str__(self) -> str:
        return f"{self.outcome_type}: {self.levels}"


class OutcomeReview(models.Model):
    """One review step of a deposited outcome: who, at which unit and level, when and why."""

    outcome = models.ForeignKey(LearningOutcome, on_delete=models.PROTECT, related_name="reviews")
    level = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(ServiceUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decision = models.CharField(max_length=16)  # approved, rejected
    reason = models.TextField(blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["outcome_id", "level", "at"]

    def __str__(self) -> str:
        return f"review {self.level} of {self.outcome_id}: {self.decision}"
