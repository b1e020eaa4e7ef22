"""Policy caps on recognised credit (学分认定上限), as configurable rule sets.

A policy is a list of caps a receiving qualification applies to transferred credit: a total, a
share of the graduation credits, a minimum residency, a limit per source institution, per year or
per term (by when the outcome was achieved), a maximum number of certificates, and "similar
certificates count once, the highest level only". Caps only ever say *how much may count*; which
outcomes to count is the optimiser's job (``core.transfer``). Shipped presets (Korean ACBS,
Guangdong 2025, Hong Kong institutions' examples) are reference scenarios an operator adopts or
edits, never rules built into the code.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from creditbank.core.errors import InvalidInput, gettext_noop
from creditbank.core.reasons import Reason, number, reason
from creditbank.core.rules import CENT, Holding
from creditbank.core.texts import Text


class InvalidPolicy(InvalidInput):
    code = "invalid_policy"
    template = gettext_noop("The credit policy is not valid: %(problems)s")


class CapKind(enum.StrEnum):
    TOTAL = "total"  # at most N credits transferred into the qualification
    TOTAL_SHARE = "total_share"  # at most this share of the qualification's credits
    MIN_RESIDENCY = "min_residency"  # at least N credits must be earned at the receiving institution
    PER_INSTITUTION = "per_institution"  # at most N credits from any one source institution
    PER_YEAR = "per_year"  # at most N credits from outcomes achieved in one (policy) year
    PER_TERM = "per_term"  # at most N credits from outcomes achieved in one term
    MAX_CERTIFICATES = "max_certificates"  # at most N certificates counted

    @property
    def counts_outcomes(self) -> bool:
        return self is CapKind.MAX_CERTIFICATES


CAP_LABELS = {
    CapKind.TOTAL: gettext_noop("at most %(value)s credits transferred in all"),
    CapKind.TOTAL_SHARE: gettext_noop("at most %(share)s%% of the qualification's credits transferred"),
    CapKind.MIN_RESIDENCY: gettext_noop("at least %(value)s credits earned at the receiving institution"),
    CapKind.PER_INSTITUTION: gettext_noop("at most %(value)s credits from one institution"),
    CapKind.PER_YEAR: gettext_noop("at most %(value)s credits from one year"),
    CapKind.PER_TERM: gettext_noop("at most %(value)s credits from one term"),
    CapKind.MAX_CERTIFICATES: gettext_noop("at most %(value)s certificates counted"),
}


@dataclass(frozen=True, slots=True)
class Cap:
    kind: CapKind
    value: Decimal
    kinds: tuple[str, ...] = ()  # applies only to outcomes of these register kinds (empty: all)
    outcome_types: tuple[str, ...] = ()  # … and of these types of learning
    year_start: tuple[int, int] = (1, 1)  # month, day the policy year starts (Korea: 1 March)
    term_starts: tuple[tuple[int, int], ...] = ((1, 1), (7, 1))
    ref: str = ""  # where the cap comes from, e.g. KR-ACBS-CAP-YEAR

    def applies_to(self, h: Holding) -> bool:
        if self.kind is CapKind.MAX_CERTIFICATES and not self.outcome_types and not self.kinds:
            return h.is_certificate
        return (not self.kinds or h.kind in self.kinds) and (
            not self.outcome_types or h.outcome_type in self.outcome_types
        )

    def limit(self, qualification_credits: Decimal) -> Decimal:
        """The limit of each group, in credits (or certificates)."""
        if self.kind is CapKind.TOTAL_SHARE:
            return (qualification_credits * self.value).quantize(CENT, rounding=ROUND_DOWN)
        if self.kind is CapKind.MIN_RESIDENCY:
            return max(qualification_credits - self.value, Decimal(0))
        return self.value

    def group(self, h: Holding) -> str:
        """Which group of this cap an outcome falls in (the cap applies to each group separately)."""
        if self.kind is CapKind.PER_INSTITUTION:
            return h.institution
        if self.kind is CapKind.PER_YEAR:
            start = date(h.achieved_on.year, *self.year_start)
            year = h.achieved_on.year if h.achieved_on >= start else h.achieved_on.year - 1
            return str(year) if self.year_start == (1, 1) else f"{year}/{year + 1}"
        if self.kind is CapKind.PER_TERM:
            return _term(h.achieved_on, self.term_starts)
        return "all"

    def describe(self) -> Reason:
        return reason(CAP_LABELS[self.kind], value=number(self.value), share=number(self.value * 100))


def _term(on: date, starts: Sequence[tuple[int, int]]) -> str:
    """The term an outcome ends in: the latest term start on or before the date."""
    ordered = sorted(starts)
    for index in range(len(ordered) - 1, -1, -1):
        if on >= date(on.year, *ordered[index]):
            return f"{on.year}-T{index + 1}"
    return f"{on.year - 1}-T{len(ordered)}"


@dataclass(frozen=True, slots=True)
class Policy:
    code: str
    title: Text
    caps: tuple[Cap, ...] = ()
    highest_only: bool = False  # similar certificates count once, the highest level only
    source: str = ""  # a note on where the policy comes from


NO_CAPS = Policy("NONE", Text("No caps", "无上限", "無上限"))

_KNOWN = {"code", "title", "caps", "highest_only", "source", "note"}
_CAP_KNOWN = {"kind", "value", "kinds", "outcome_types", "year_start", "term_starts", "ref"}


def parse_policy(doc: Any) -> Policy:
    """Validate a policy document (the shipped preset YAML shape); every problem with its path."""
    problems: list[str] = []
    if not isinstance(doc, Mapping):
        raise InvalidPolicy(problems="the policy must be a mapping with code, title and caps")
    unknown = sorted(set(doc) - _KNOWN)
    if unknown:
        problems.append(f"unknown keys {', '.join(unknown)}")
    code = str(doc.get("code") or "").strip().upper()
    if not code:
        problems.append("code: required")
    title = Text.parse(doc.get("title"), "title", problems, required=True)
    raw_caps = doc.get("caps") or []
    if not isinstance(raw_caps, list):
        problems.append("caps: a list")
        raw_caps = []
    caps = [c for i, raw in enumerate(raw_caps) if (c := _parse_cap(raw, f"caps[{i}]", problems))]
    highest_only = doc.get("highest_only", False)
    if not isinstance(highest_only, bool):
        problems.append("highest_only: true or false")
    if problems or title is None:
        raise InvalidPolicy(problems="; ".join(problems))
    return Policy(code, title, tuple(caps), bool(highest_only), str(doc.get("source") or ""))


def _month_day(raw: Any, where: str, problems: list[str]) -> tuple[int, int] | None:
    try:
        month, day = (int(p) for p in str(raw).split("-"))
        date(2001, month, day)  # 29 February is not a term start
        return month, day
    except (ValueError, TypeError):
        problems.append(f"{where}: a month and day, MM-DD")
        return None


def _parse_cap(raw: Any, where: str, problems: list[str]) -> Cap | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: a mapping with kind and value")
        return None
    unknown = sorted(set(raw) - _CAP_KNOWN)
    if unknown:
        problems.append(f"{where}: unknown keys {', '.join(unknown)}")
    try:
        kind = CapKind(str(raw.get("kind")))
    except ValueError:
        problems.append(f"{where}.kind: one of {', '.join(k.value for k in CapKind)}")
        return None
    try:
        value = Decimal(str(raw.get("value")))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or isinstance(raw.get("value"), bool):
        problems.append(f"{where}.value: a number, at least 0")
        return None
    if kind is CapKind.TOTAL_SHARE and value > 1:
        problems.append(f"{where}.value: a share between 0 and 1 (0.5 for half)")
    if kind.counts_outcomes and value != value.to_integral_value():
        problems.append(f"{where}.value: a whole number of certificates")
    year_start = _month_day(raw.get("year_start", "01-01"), f"{where}.year_start", problems) or (1, 1)
    raw_terms = raw.get("term_starts", ["01-01", "07-01"])
    terms = tuple(
        t
        for i, r in enumerate(raw_terms if isinstance(raw_terms, list) else [None])
        if (t := _month_day(r, f"{where}.term_starts[{i}]", problems))
    )
    lists = {}
    for key in ("kinds", "outcome_types"):
        value_list = raw.get(key) or []
        if not isinstance(value_list, list) or not all(isinstance(v, str) for v in value_list):
            problems.append(f"{where}.{key}: a list")
            value_list = []
        lists[key] = tuple(value_list)
    return Cap(
        kind,
        value,
        lists["kinds"],
        lists["outcome_types"],
        year_start,
        terms or ((1, 1),),
        str(raw.get("ref") or ""),
    )


def _mmdd(month_day: tuple[int, int]) -> str:
    return f"{month_day[0]:02d}-{month_day[1]:02d}"


def policy_document(policy: Policy) -> dict[str, Any]:
    """The policy as a document ``parse_policy`` reads back."""
    caps = []
    for cap in policy.caps:
        doc: dict[str, Any] = {"kind": cap.kind.value, "value": str(cap.value)}
        if cap.kinds:
            doc["kinds"] = list(cap.kinds)
        if cap.outcome_types:
            doc["outcome_types"] = list(cap.outcome_types)
        if cap.kind is CapKind.PER_YEAR:
            doc["year_start"] = _mmdd(cap.year_start)
        if cap.kind is CapKind.PER_TERM:
            doc["term_starts"] = [_mmdd(t) for t in cap.term_starts]
        if cap.ref:
            doc["ref"] = cap.ref
        caps.append(doc)
    return {
        "code": policy.code,
        "title": policy.title.as_dict(),
        "caps": caps,
        "highest_only": policy.highest_only,
        "source": policy.source,
    }


# --- checking a selection --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Counted:
    """One outcome counted for ``credits`` (what a cap sums)."""

    holding: Holding
    credits: Decimal


@dataclass(frozen=True, slots=True)
class Breach:
    cap: Cap
    group: str
    total: Decimal
    limit: Decimal


def cap_usage(
    policy: Policy, selection: Sequence[Counted], qualification_credits: Decimal
) -> list[tuple[Cap, str, Decimal, Decimal]]:
    """(cap, group, used, limit) for every group of every cap that the selection touches."""
    rows: list[tuple[Cap, str, Decimal, Decimal]] = []
    for cap in policy.caps:
        totals: dict[str, Decimal] = {}
        for c in selection:
            if cap.applies_to(c.holding):
                key = cap.group(c.holding)
                totals[key] = totals.get(key, Decimal(0)) + (
                    Decimal(1) if cap.kind.counts_outcomes else c.credits
                )
        limit = cap.limit(qualification_credits)
        rows.extend((cap, key, used, limit) for key, used in sorted(totals.items()))
    return rows


def breaches(policy: Policy, selection: Sequence[Counted], qualification_credits: Decimal) -> list[Breach]:
    """Every cap group the selection exceeds; an empty list means the selection is allowed."""
    return [
        Breach(cap, group, used, limit)
        for cap, group, used, limit in cap_usage(policy, selection, qualification_credits)
        if used > limit
    ]
