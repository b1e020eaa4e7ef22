"""Accreditation cases under quality assurance (认证与质量保障), as pure state transitions.

The stages follow the mechanism the seed documents propose for the Greater Bay Area:

1. internal self-assessment by the submitting institution, against each descriptor domain of the
   target framework;
2. external professional review by at least two assessors assigned by the bank, none of them from
   a submitting institution (conflict of interest);
3. stakeholder assurance: at least one sign-off by a stakeholder (employer, industry body, learner
   representative);
4. a decision: approved (with level and credits), approved with conditions, or rejected, always
   with reasons.

Each function takes a case and returns the next case, or raises a DomainError naming what is
missing. Nothing here knows about storage, users or the clock: times and ids are arguments.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from creditbank.core.errors import Conflict, InvalidInput, gettext_noop

MIN_REVIEWERS = 2
SCORES = range(1, 6)  # 1 = not met … 5 = fully met, for each descriptor domain


class Kind(enum.StrEnum):
    NEW_ENTRY = "new_entry"  # place a new unit or qualification on a level with credits
    PROGRAMME_ALIGNMENT = "programme_alignment"  # align a programme with another framework
    COOPERATION_PROGRAMME = "cooperation_programme"  # a programme run jointly across regions
    RPL_CLAIM = "rpl_claim"  # a learner's claim for recognition of prior learning


class Stage(enum.StrEnum):
    SELF_ASSESSMENT = "self_assessment"
    EXTERNAL_REVIEW = "external_review"
    STAKEHOLDER_SIGNOFF = "stakeholder_signoff"
    DECISION = "decision"
    DECIDED = "decided"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.SELF_ASSESSMENT: gettext_noop("internal self-assessment"),
    Stage.EXTERNAL_REVIEW: gettext_noop("external professional review"),
    Stage.STAKEHOLDER_SIGNOFF: gettext_noop("stakeholder assurance"),
    Stage.DECISION: gettext_noop("awaiting decision"),
    Stage.DECIDED: gettext_noop("decided"),
}


class Outcome(enum.StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REJECTED = "rejected"

    @property
    def approves(self) -> bool:
        return self is not Outcome.REJECTED

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.APPROVED: gettext_noop("approved"),
    Outcome.APPROVED_WITH_CONDITIONS: gettext_noop("approved with conditions"),
    Outcome.REJECTED: gettext_noop("rejected"),
}


class WrongStage(Conflict):
    code = "wrong_stage"
    template = gettext_noop("This case is at the %(stage)s stage; %(action)s is not possible now.")


class ConflictOfInterest(Conflict):
    code = "conflict_of_interest"
    template = gettext_noop(
        "%(reviewer)s belongs to %(institution)s, which submitted this case, so cannot review it."
    )


class IncompleteAssessment(InvalidInput):
    code = "incomplete_assessment"
    template = gettext_noop("The assessment is incomplete: %(problems)s")


@dataclass(frozen=True, slots=True)
class Review:
    reviewer: str
    scores: Mapping[str, int]  # descriptor domain -> 1..5
    findings: str
    recommendation: Outcome


@dataclass(frozen=True, slots=True)
class SignOff:
    name: str
    organisation: str
    statement: str


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reasons: str
    level_rank: int | None = None
    credits: Decimal | None = None
    conditions: str = ""


@dataclass(frozen=True, slots=True)
class Case:
    kind: Kind
    domains: tuple[str, ...]  # descriptor domains the case is judged against
    submitters: frozenset[str]  # institutions that submitted it (empty for a learner's RPL claim)
    stage: Stage = Stage.SELF_ASSESSMENT
    self_assessment: Mapping[str, str] = field(default_factory=dict)
    reviewers: Mapping[str, str | None] = field(default_factory=dict)  # reviewer -> home institution
    reviews: Mapping[str, Review] = field(default_factory=dict)
    signoffs: tuple[SignOff, ...] = ()
    decision: Decision | None = None
    excluded_reviewers: frozenset[str] = frozenset()  # an appeal goes to a different panel

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """Assigned reviewers who have not reviewed yet."""
        return tuple(r for r in self.reviewers if r not in self.reviews)


def new_case(
    kind: Kind,
    domains: tuple[str, ...],
    submitters: frozenset[str],
    excluded_reviewers: frozenset[str] = frozenset(),
) -> Case:
    if not domains:
        raise InvalidInput(gettext_noop("A case needs at least one descriptor domain to be judged against."))
    if kind is not Kind.RPL_CLAIM and not submitters:
        raise InvalidInput(gettext_noop("A case needs the institution that submits it."))
    return Case(kind, domains, submitters, excluded_reviewers=excluded_reviewers)


def _require(case: Case, stage: Stage, action: str) -> None:
    if case.stage is not stage:
        raise WrongStage(stage=case.stage.label, action=action)


def _missing_domains(given: Mapping[str, object], domains: tuple[str, ...]) -> list[str]:
    return [d for d in domains if d not in given]


def submit_self_assessment(case: Case, findings: Mapping[str, str]) -> Case:
    """The submitter's own evidence against every descriptor domain."""
    _require(case, Stage.SELF_ASSESSMENT, gettext_noop("submitting the self-assessment"))
    cleaned = {d: " ".join(str(t).split()) for d, t in findings.items() if str(t).strip()}
    problems = [f"{d}: no finding" for d in _missing_domains(cleaned, case.domains)]
    problems += [f"{d}: not a domain of this framework" for d in cleaned if d not in case.domains]
    if problems:
        raise IncompleteAssessment(problems="; ".join(problems))
    return replace(case, self_assessment=cleaned, stage=Stage.EXTERNAL_REVIEW)


def assign_reviewers(case: Case, reviewers: Mapping[str, str | None]) -> Case:
    """Operators assign the external panel: at least two, none from a submitting institution."""
    _require(case, Stage.EXTERNAL_REVIEW, gettext_noop("assigning reviewers"))
    for reviewer, home in reviewers.items():
        if home is not None and home in case.submitters:
            raise ConflictOfInterest(reviewer=reviewer, institution=home)
        if reviewer in case.excluded_reviewers:
            raise ConflictOfInterest(
                gettext_noop("%(reviewer)s judged the original claim, so cannot hear its appeal."),
                reviewer=reviewer,
            )
    panel = {**case.reviewers, **reviewers}
    if len(panel) < MIN_REVIEWERS:
        raise InvalidInput(
            gettext_noop("External review needs at least %(n)s independent reviewers."), n=MIN_REVIEWERS
        )
    return replace(case, reviewers=panel)


def submit_review(case: Case, review: Review) -> Case:
    """An assigned reviewer scores every domain and recommends; the last review moves the case on."""
    _require(case, Stage.EXTERNAL_REVIEW, gettext_noop("submitting a review"))
    if review.reviewer not in case.reviewers:
        raise Conflict(gettext_noop("%(reviewer)s is not on this case's panel."), reviewer=review.reviewer)
    if review.reviewer in case.reviews:
        raise Conflict(gettext_noop("%(reviewer)s has already reviewed this case."), reviewer=review.reviewer)
    problems = [f"{d}: no score" for d in _missing_domains(review.scores, case.domains)]
    problems += [f"{d}: score must be 1 to 5" for d, s in review.scores.items() if s not in SCORES]
    problems += [f"{d}: not a domain of this framework" for d in review.scores if d not in case.domains]
    if not review.findings.strip():
        problems.append("findings: required")
    if problems:
        raise IncompleteAssessment(problems="; ".join(problems))
    reviews = {**case.reviews, review.reviewer: review}
    done = len(reviews) >= MIN_REVIEWERS and all(r in reviews for r in case.reviewers)
    # A learner's RPL claim is judged by assessors against the unit's outcomes; stakeholder
    # assurance belongs to the accreditation of programmes, not of one person's learning.
    after_review = Stage.DECISION if case.kind is Kind.RPL_CLAIM else Stage.STAKEHOLDER_SIGNOFF
    return replace(case, reviews=reviews, stage=after_review if done else case.stage)


def sign_off(case: Case, signoff: SignOff) -> Case:
    """A stakeholder's assurance; the first one lets the case go to decision."""
    if case.stage not in (Stage.STAKEHOLDER_SIGNOFF, Stage.DECISION):
        raise WrongStage(stage=case.stage.label, action=gettext_noop("a stakeholder sign-off"))
    if not (signoff.name.strip() and signoff.organisation.strip() and signoff.statement.strip()):
        raise IncompleteAssessment(problems="name, organisation and statement are all required")
    return replace(case, signoffs=(*case.signoffs, signoff), stage=Stage.DECISION)


def decide(case: Case, decision: Decision, *, top_rank: int) -> Case:
    """The bank's decision, with reasons; an approval of a new entry places it on a level with credits."""
    _require(case, Stage.DECISION, gettext_noop("deciding"))
    problems = []
    if not decision.reasons.strip():
        problems.append("reasons: every decision is explained")
    if decision.outcome is Outcome.APPROVED_WITH_CONDITIONS and not decision.conditions.strip():
        problems.append("conditions: say what must be met")
    if decision.outcome.approves and case.kind is Kind.NEW_ENTRY:
        if decision.level_rank is None or not 1 <= decision.level_rank <= top_rank:
            problems.append(f"level: a level of the framework (rank 1 to {top_rank})")
        if decision.credits is None or decision.credits <= 0:
            problems.append("credits: a positive number")
    if problems:
        raise IncompleteAssessment(problems="; ".join(problems))
    return replace(case, decision=decision, stage=Stage.DECIDED)
