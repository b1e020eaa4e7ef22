"""Frameworks, credit systems and referencing, stored as validated documents.

Each framework version keeps the whole document it was published with (the shipped YAML shape),
so old versions stay readable exactly as they were; the core parses documents into objects.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    SHIPPED = "shipped", _("Shipped with creditbank")
    OPERATOR = "operator", _("Published by an operator")


class FrameworkVersion(models.Model):
    code = models.CharField(_("code"), max_length=32, db_index=True)
    edition = models.CharField(_("edition"), max_length=32)
    document = models.JSONField(_("document"))
    content_hash = models.CharField(max_length=64)
    is_current = models.BooleanField(_("current"), default=True)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("published"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code", "-created_at"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.UniqueConstraint(fields=["code", "edition"], name="framework_edition_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="one_current_version_per_framework"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.edition}"


class CreditSystemRecord(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    document = models.JSONField(_("document"))
    content_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("credit system")
        verbose_name_plural = _("credit systems")

    def __str__(self) -> str:
        return self.code


class CorrespondenceRecord(models.Model):
    ident = models.CharField(_("identifier"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=32)
    source_framework = models.CharField(max_length=32, db_index=True)
    target_framework = models.CharField(max_length=32, db_index=True)
    document = models.JSONField(_("document"))
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["ident"]
        verbose_name = _("level correspondence")
        verbose_name_plural = _("level correspondences")

    def __str__(self) -> str:
        return self.ident


class StudyRecord(models.Model):
    """A comparison study whose level table is not verified: shown to users, never used to map."""

    frameworks = models.CharField(max_length=128, unique=True)
    document = models.JSONField(_("document"))

    class Meta:
        ordering = ["frameworks"]
        verbose_name = _("unverified study")
        verbose_name_plural = _("unverified studies")

    def __str__(self) -> str:
        return self.frameworks
