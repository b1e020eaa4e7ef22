"""Counted figures for the dashboards, made in advance by ``stats_refresh`` so that a page reads a
few hundred rows, never the bank's outcomes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditbank.apps.accounts.models import Institution


class Figure(models.Model):
    chart = models.CharField(_("chart"), max_length=32)
    period = models.CharField(_("period"), max_length=16, blank=True)
    category = models.CharField(_("category"), max_length=80)
    # Null: the whole bank (operators); else what one institution did (its staff see only theirs).
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        indexes = [models.Index(fields=["chart", "institution"], name="figure_chart_institution")]

    def __str__(self) -> str:
        return f"{self.chart} {self.period} {self.category} = {self.value}"


class Refresh(models.Model):
    """When the figures were last counted, and how long it took."""

    finished_at = models.DateTimeField(_("counted at"))
    seconds = models.FloatField(_("seconds"))
    figures = models.PositiveIntegerField(_("figures"))

    class Meta:
        ordering = ["-finished_at"]
        verbose_name = _("count of statistics")
        verbose_name_plural = _("counts of statistics")

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} ({self.figures} figures)"
