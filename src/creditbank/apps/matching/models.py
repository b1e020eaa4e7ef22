"""Skills a register entry teaches (suggested from its text, decided by its institution) and job
postings matched against the register. Skill concepts themselves are shipped reference data
(``data/skills``), named here by their ESCO URI."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditbank.apps.register.models import RegisterEntry, Sector


class TagStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class UnitSkill(models.Model):
    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="skills")
    skill = models.CharField(_("skill (ESCO URI)"), max_length=120)
    status = models.CharField(_("status"), max_length=12, choices=TagStatus.choices)
    label = models.CharField(_("label that matched"), max_length=200, blank=True)
    evidence = models.CharField(_("text that matched"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("skill of a register entry")
        verbose_name_plural = _("skills of register entries")
        constraints = [
            models.UniqueConstraint(fields=["entry", "skill"], name="unitskill_entry_skill_unique")
        ]
        indexes = [models.Index(fields=["skill", "status"], name="unitskill_skill_status")]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.skill} ({self.status})"


class PostingSource(models.TextChoices):
    PASTED = "pasted", _("Pasted")
    FILE = "file", _("Uploaded file")
    API = "api", _("API")


class JobPosting(models.Model):
    title = models.CharField(_("title"), max_length=200)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    text = models.TextField(_("posting"))
    region = models.CharField(_("region"), max_length=2, blank=True)
    sector = models.CharField(_("sector"), max_length=24, choices=Sector.choices, blank=True)
    skills = models.JSONField(_("skills found"), default=list)
    source = models.CharField(_("source"), max_length=8, choices=PostingSource.choices)
    # Shown to learners ("which jobs fit my record") only when the poster publishes it.
    public = models.BooleanField(_("shown to learners"), default=False)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_via_key = models.CharField(_("posted through API key"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        indexes = [
            models.Index(fields=["posted_by", "created_at"], name="posting_by_created"),
            models.Index(fields=["public", "created_at"], name="posting_public_created"),
        ]

    def __str__(self) -> str:
        return self.title

    def skill_uris(self) -> list[str]:
        return [s["uri"] for s in self.skills]


class MatchingConsent(models.Model):
    """A learner's answer to "may employers see me counted, anonymously, among the holders of the
    skills their postings ask for?": no until the learner says yes; each change is a ledger entry."""

    learner = models.OneToOneField(
        "accounts.Learner", on_delete=models.CASCADE, related_name="matching_consent"
    )
    given = models.BooleanField(_("counted in skill statistics"), default=False)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("consent to skill statistics")
        verbose_name_plural = _("consents to skill statistics")

    def __str__(self) -> str:
        return f"{self.learner_id} {'yes' if self.given else 'no'}"
