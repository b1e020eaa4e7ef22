"""Readable names for the categories the figures are counted by (codes in storage, words on pages)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creditbank.apps.accounts.models import Region
from creditbank.apps.recognition.models import ItemDecision
from creditbank.apps.register.models import Sector
from creditbank.core.accreditation import Outcome, Stage
from creditbank.core.deposits import OutcomeType

SKILL_SECTORS = {
    "ict": gettext_lazy("Information technology"), "data": gettext_lazy("Data and AI"), "finance": gettext_lazy("Finance"),
    "logistics": gettext_lazy("Trade and logistics"), "tourism": gettext_lazy("Tourism, exhibitions and hospitality"),
    "manufacturing": gettext_lazy("Advanced manufacturing"), "health": gettext_lazy("Health and care"),
    "tcm": gettext_lazy("Traditional Chinese medicine"), "marine": gettext_lazy("Marine economy"), "education": gettext_lazy("Education"),
    "professional": gettext_lazy("Professional services"), "transversal": gettext_lazy("Transversal skills"), "languages": gettext_lazy("Languages"),
}  # fmt: skip


def for_chart(chart: str) -> dict[str, str]:
    if chart == "accounts_by_month" or chart == "outcomes_by_region":
        return {str(v): str(label) for v, label in Region.choices}
    if chart == "outcomes_by_month":
        return {
            OutcomeType.FORMAL.value: _("formal"), OutcomeType.NON_FORMAL.value: _("non-formal"),
            OutcomeType.CERTIFICATE.value: _("certificate"), OutcomeType.INFORMAL.value: _("informal (RPL)"),
        }  # fmt: skip
    if chart == "outcomes_by_sector":
        return {str(v): str(label) for v, label in Sector.choices}
    if chart == "demand_supply":
        return {k: str(v) for k, v in SKILL_SECTORS.items()}
    if chart == "transfer_flows":
        regions = {str(v): str(label) for v, label in Region.choices}
        return {f"{a}>{b}": f"{regions[a]} → {regions[b]}" for a in regions for b in regions}
    if chart == "transfer_flows_institutions":
        return {}  # institution codes, as written
    if chart == "transfer_decisions":
        return {str(v): str(label) for v, label in ItemDecision.choices}
    if chart == "transfer_days":
        return {"mean": _("mean days")}
    if chart == "transfer_acceptance":
        return {"rate": _("accepted, per cent")}
    if chart == "accreditation_pipeline":
        names = {stage.value: _(stage.label) for stage in Stage}
        names.update(
            {
                f"{Stage.DECIDED.value}:{o.value}": f"{names[Stage.DECIDED.value]}: {_(o.label)}"
                for o in Outcome
            }
        )
        return names
    return {}


def period(chart: str, value: str) -> str:
    if chart == "demand_supply":
        return {"demand": _("demand (job postings)"), "supply": _("supply (recorded outcomes)")}.get(
            value, value
        )
    return value or _("all")


def labeller(chart: str) -> Callable[[str], str]:
    """Words for a chart's periods and categories (its names looked up once)."""
    names = for_chart(chart)
    return lambda value: names.get(value) or period(chart, value)
