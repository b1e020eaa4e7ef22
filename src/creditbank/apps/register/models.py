"""The register (资历名册): qualifications and units, each placed on a framework level with credits.

Entries start as drafts; only accreditation moves one to ``accredited``, and only accredited
entries carry credit or appear in the public register.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditbank.apps.accounts.models import Institution


class EntryType(models.TextChoices):
    QUALIFICATION = "qualification", _("Qualification")
    UNIT = "unit", _("Unit")


class Kind(models.TextChoices):
    DEGREE = "degree", _("Degree")
    DIPLOMA = "diploma", _("Diploma")
    CERTIFICATE = "certificate", _("Certificate")
    SKILL_LEVEL = "skill_level", _("Vocational skill level certificate")
    X_CERTIFICATE = "x_certificate", _("1+X vocational skill certificate")
    PROFESSIONAL_TITLE = "professional_title", _("Professional title")
    COURSE = "course", _("Course")
    COMPETENCY = "competency", _("Unit of competency")
    MODULE = "module", _("Module")


QUALIFICATION_KINDS = {
    Kind.DEGREE,
    Kind.DIPLOMA,
    Kind.CERTIFICATE,
    Kind.SKILL_LEVEL,
    Kind.X_CERTIFICATE,
    Kind.PROFESSIONAL_TITLE,
}


class Sector(models.TextChoices):
    ICT = "ict", _("Information technology")
    MANUFACTURING = "manufacturing", _("Advanced manufacturing")
    AUTOMOTIVE = "automotive", _("Automotive")
    HEALTH = "health", _("Health and care")
    EDUCATION = "education", _("Education")
    BUSINESS = "business", _("Business and trade")
    FINANCE = "finance", _("Finance")
    LOGISTICS = "logistics", _("Logistics")
    TOURISM = "tourism", _("Tourism and hospitality")
    CONSTRUCTION = "construction", _("Construction")
    CREATIVE = "creative", _("Culture and creative industries")
    LANGUAGES = "languages", _("Languages")
    GENERAL = "general", _("General education")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In accreditation")
    ACCREDITED = "accredited", _("Accredited")
    REJECTED = "rejected", _("Not accredited")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RegisterEntry(models.Model):
    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    entry_type = models.CharField(_("type"), max_length=16, choices=EntryType.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    owner = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="register_entries", verbose_name=_("owner")
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    framework = models.CharField(_("framework"), max_length=32)
    level_id = models.CharField(_("level"), max_length=48)
    level_rank = models.PositiveSmallIntegerField()
    credits = models.DecimalField(_("credits"), max_digits=8, decimal_places=2)
    credit_system = models.CharField(_("credit system"), max_length=32)
    sector = models.CharField(_("sector"), max_length=24, choices=Sector.choices)
    outcomes_en = models.TextField(_("learning outcomes (English)"))
    outcomes_zh = models.TextField(_("learning outcomes (Chinese)"))
    requirements = models.JSONField(_("requirements"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    accredited_on = models.DateField(_("accredited on"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    status_note = models.TextField(_("note on status"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_via_key = models.CharField(_("created through API key"), max_length=16, blank=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="register_code_version_unique")
        ]
        indexes = [
            models.Index(fields=["status", "framework", "level_rank"], name="register_status_level"),
            models.Index(fields=["owner", "status"], name="register_owner_status"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} {self.title_en}"

    def title(self, language_code: str) -> str:
        return self.title_zh if language_code.startswith("zh") else self.title_en

    def outcomes(self, language_code: str) -> str:
        return self.outcomes_zh if language_code.startswith("zh") else self.outcomes_en


class CatalogueEdition(models.Model):
    """One yearly edition of the published catalogue of recognised learning outcomes, kept as
    published (a later edition never changes an earlier one)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    items = models.JSONField()  # the catalogue's items, as published
    note = models.TextField(_("note"), blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"catalogue {self.year}"
