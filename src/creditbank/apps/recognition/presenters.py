"""A pathway as plain data, with every explanation rendered in the reader's language.

One shape for the API, the CLI's --json and the pages, so that the three doors say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import get_language

from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.recognition.models import TransferApplication, TransferItem
from creditbank.apps.recognition.selectors import Pathway
from creditbank.core.pathways import AuditNode
from creditbank.core.reasons import Reason, number
from creditbank.core.rules import Holding, Match
from creditbank.core.transfer import use_reason

Gettext = Callable[[str], str]


def _lang() -> str:
    return get_language() or "en"


def _outcome(o: LearningOutcome | None, holding: Holding) -> dict[str, Any]:
    return {
        "outcome_id": int(holding.id),
        "unit": holding.unit,
        "title": o.entry.title(_lang()) if o else holding.unit,
        "institution": holding.institution,
        "achieved_on": holding.achieved_on.isoformat(),
        "result": holding.result,
        "credits": number(holding.credits),
        "credit_system": holding.credit_system,
        "level": f"{holding.framework} {holding.level}",
    }


def _reasons(reasons: tuple[Reason, ...], gettext: Gettext) -> list[dict[str, Any]]:
    return [{"text": r.render(gettext), "held": r.held} for r in reasons]


def _use(p: Pathway, m: Match, gettext: Gettext) -> dict[str, Any]:
    assert m.award is not None
    return {
        **_outcome(p.outcomes.get(m.holding.id), m.holding),
        "rule": m.rule.ref,
        "rule_title": m.rule.title,
        "counts_as": use_reason(m).render(gettext),
        "credits_recognised": number(m.award.credits),
        "exempts": m.award.exempts,
        "checks": _reasons(m.checks, gettext),
    }


def _node(p: Pathway, node: AuditNode, gettext: Gettext) -> dict[str, Any]:
    lang = _lang()
    counted = []
    for used in (*node.used, *node.progress):
        holding_id = used.removeprefix("T:")
        o = p.outcomes.get(holding_id)
        counted.append(
            {
                "outcome_id": int(holding_id),
                "unit": o.entry.code if o else holding_id,
                "title": o.entry.title(lang) if o else holding_id,
                "transferred": used.startswith("T:"),
            }
        )
    suggestions = [
        {"code": code, "title": p.units[code].title(lang), "credits": number(p.units[code].credits)}
        if code in p.units
        else {"code": code, "title": code, "credits": None}
        for code in node.suggestions
    ]
    unit = p.units.get(node.unit or "")
    return {
        "kind": node.kind,
        "status": node.status.value,
        "unit": node.unit,
        "unit_title": unit.title(lang) if unit else node.unit,
        "credits_needed": None if node.credits_needed is None else number(node.credits_needed),
        "credits_counted": number(node.credits_counted),
        "credit_system": node.system,
        "min_level": node.min_level,
        "n": node.n,
        "counted": counted,
        "suggestions": suggestions,
        "children": [_node(p, c, gettext) for c in node.children],
    }


def pathway_out(p: Pathway, gettext: Gettext) -> dict[str, Any]:
    lang = _lang()
    q = p.qualification
    proposal = p.proposal
    return {
        "learner": p.learner.public_id,
        "on": p.on.isoformat(),
        "qualification": {
            "code": q.code,
            "version": q.version,
            "title": q.title(lang),
            "owner": q.owner.code,
            "credits": number(q.credits),
            "credit_system": q.credit_system,
            "level": f"{q.framework} {q.level_id.rsplit('-', 1)[-1]}",
        },
        "met": p.audit.met,
        "credits_counted": number(p.audit.credits_counted),
        "requirements": _node(p, p.audit.root, gettext),
        "policy": {
            "code": p.policy.code,
            "preset": p.preset or None,
            "title": p.policy.title.get(lang),
            "caps": [c.describe().render(gettext) for c in p.policy.caps],
            "highest_only": p.policy.highest_only,
        },
        "rules_in_force": [r.ref for r in p.rules],
        "transfer": {
            "credits": number(proposal.credits),
            "certificates": proposal.certificates,
            "optimal": proposal.optimal,
            "uses": [_use(p, m, gettext) for m in proposal.uses],
            "left_out": [
                {
                    **_outcome(p.outcomes.get(lft.holding.id), lft.holding),
                    "reasons": _reasons(lft.reasons, gettext),
                }
                for lft in proposal.left_out
            ],
            "not_eligible": [
                {
                    **_outcome(p.outcomes.get(m.holding.id), m.holding),
                    "rule": m.rule.ref,
                    "reasons": _reasons(tuple(c for c in m.checks if not c.held), gettext),
                }
                for m in proposal.ineligible
            ],
            "caps": [
                {"cap": cap.render(gettext), "group": group, "used": number(used), "limit": number(limit)}
                for cap, group, used, limit in proposal.usage
            ],
        },
    }


def item_out(item: TransferItem, gettext: Gettext) -> dict[str, Any]:
    lang = _lang()
    reasons = [Reason.from_record(r) for r in item.explanation]
    return {
        "id": item.pk,
        "outcome_id": item.outcome_id,
        "unit": item.outcome.entry.code,
        "title": item.outcome.entry.title(lang),
        "institution": item.outcome.institution.code,
        "achieved_on": item.outcome.achieved_on.isoformat(),
        "rule": f"{item.rule.code} v{item.rule.version}",
        "exempts": item.exempts or None,
        "credits": number(item.credits),
        "credit_system": item.credit_system,
        "counts_as": reasons[0].render(gettext) if reasons else "",
        "checks": [{"text": r.render(gettext), "held": r.held} for r in reasons[1:]],
        "decision": item.decision,
        "decision_label": item.get_decision_display(),
        "reason": item.reason,
        "learner_note": item.learner_note,
        "on_appeal": item.on_appeal,
        "decided_at": item.decided_at.isoformat() if item.decided_at else None,
        "term": {"label": item.term, "starts_on": item.term_starts_on.isoformat()}
        if item.term_starts_on
        else None,
    }


def application_out(a: TransferApplication, gettext: Gettext) -> dict[str, Any]:
    items = a.items.select_related("outcome__entry", "outcome__institution", "rule").order_by("pk")
    return {
        "ref": a.ref,
        "learner": a.learner.public_id,
        "qualification": a.qualification,
        "qualification_version": a.qualification_version,
        "institution": a.institution.code,
        "status": a.status,
        "status_label": a.get_status_display(),
        "submitted_at": a.submitted_at.isoformat(),
        "decided_at": a.decided_at.isoformat() if a.decided_at else None,
        "appeal_reason": a.appeal_reason or None,
        "items": [item_out(i, gettext) for i in items],
    }
