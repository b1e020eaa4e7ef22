"""Accreditation workflow: whatever order people act in, a decision needs every QA stage."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from creditbank.core.accreditation import (
    Case,
    ConflictOfInterest,
    Decision,
    IncompleteAssessment,
    Kind,
    Outcome,
    Review,
    SignOff,
    Stage,
    WrongStage,
    assign_reviewers,
    decide,
    new_case,
    sign_off,
    submit_review,
    submit_self_assessment,
)
from creditbank.core.errors import DomainError, InvalidInput

DOMAINS = ("knowledge", "skills", "competence")
FULL = {d: f"evidence for {d}" for d in DOMAINS}


def review(reviewer: str, score: int = 4, outcome: Outcome = Outcome.APPROVED) -> Review:
    return Review(reviewer, {d: score for d in DOMAINS}, "meets the descriptors", outcome)


def case_at_decision() -> Case:
    case = new_case(Kind.NEW_ENTRY, DOMAINS, frozenset({"sz-poly"}))
    case = submit_self_assessment(case, FULL)
    case = assign_reviewers(case, {"wong": "hk-ips", "ho": None})
    case = submit_review(case, review("wong"))
    case = submit_review(case, review("ho"))
    return sign_off(case, SignOff("Chan Tai Man", "GBA Software Association", "Meets industry needs."))


def test_the_full_path_places_the_entry() -> None:
    case = decide(
        case_at_decision(), Decision(Outcome.APPROVED, "All domains met.", 4, Decimal(15)), top_rank=7
    )
    assert case.stage is Stage.DECIDED
    assert case.decision is not None
    assert case.decision.level_rank == 4


def test_a_reviewer_from_the_submitting_institution_is_refused() -> None:
    case = submit_self_assessment(new_case(Kind.NEW_ENTRY, DOMAINS, frozenset({"sz-poly", "hk-ips"})), FULL)
    with pytest.raises(ConflictOfInterest, match="hk-ips"):
        assign_reviewers(case, {"wong": "hk-ips", "ho": None})


def test_one_reviewer_is_not_a_panel() -> None:
    case = submit_self_assessment(new_case(Kind.NEW_ENTRY, DOMAINS, frozenset({"sz-poly"})), FULL)
    with pytest.raises(InvalidInput, match="at least 2"):
        assign_reviewers(case, {"ho": None})


def test_self_assessment_must_cover_every_domain() -> None:
    case = new_case(Kind.NEW_ENTRY, DOMAINS, frozenset({"sz-poly"}))
    with pytest.raises(IncompleteAssessment, match="competence: no finding"):
        submit_self_assessment(case, {"knowledge": "x", "skills": "y", "competence": "  "})


def test_a_review_scores_every_domain_once_and_only_by_the_panel() -> None:
    case = assign_reviewers(
        submit_self_assessment(new_case(Kind.NEW_ENTRY, DOMAINS, frozenset({"a"})), FULL),
        {"r1": None, "r2": None},
    )
    with pytest.raises(IncompleteAssessment, match="score must be 1 to 5"):
        submit_review(
            case, Review("r1", {"knowledge": 9, "skills": 3, "competence": 3}, "x", Outcome.APPROVED)
        )
    with pytest.raises(DomainError, match="not on this case's panel"):
        submit_review(case, review("stranger"))
    case = submit_review(case, review("r1"))
    assert case.stage is Stage.EXTERNAL_REVIEW
    assert case.waiting_for == ("r2",)
    with pytest.raises(DomainError, match="already reviewed"):
        submit_review(case, review("r1"))


def test_every_decision_is_explained_and_conditions_are_stated() -> None:
    case = case_at_decision()
    with pytest.raises(IncompleteAssessment, match="reasons"):
        decide(case, Decision(Outcome.REJECTED, " "), top_rank=7)
    with pytest.raises(IncompleteAssessment, match="conditions"):
        decide(case, Decision(Outcome.APPROVED_WITH_CONDITIONS, "ok", 4, Decimal(10)), top_rank=7)
    with pytest.raises(IncompleteAssessment, match="level"):
        decide(case, Decision(Outcome.APPROVED, "ok", 9, Decimal(10)), top_rank=7)
    rejected = decide(case, Decision(Outcome.REJECTED, "Outcomes are below level 4."), top_rank=7)
    assert rejected.stage is Stage.DECIDED


def test_deciding_before_the_stakeholders_is_refused() -> None:
    case = submit_self_assessment(new_case(Kind.NEW_ENTRY, DOMAINS, frozenset({"a"})), FULL)
    with pytest.raises(WrongStage):
        decide(case, Decision(Outcome.APPROVED, "ok", 3, Decimal(5)), top_rank=7)


def test_a_learners_rpl_claim_has_no_submitting_institution() -> None:
    case = new_case(Kind.RPL_CLAIM, DOMAINS, frozenset())
    assert case.submitters == frozenset()
    with pytest.raises(InvalidInput):
        new_case(Kind.NEW_ENTRY, DOMAINS, frozenset())


# ---- whatever people do, in any order ----

PEOPLE = {"r1": None, "r2": "hk-ips", "r3": "sz-poly", "r4": "mo-cpu"}
HAPPY_PATH = [
    ("self", FULL),
    ("assign", ["r1", "r2"]),
    ("review", "r1", 4),
    ("review", "r2", 5),
    ("signoff", "Chan"),
    ("decide", Outcome.APPROVED, 4),
]
noise = st.one_of(
    st.builds(lambda f: ("self", f), st.sampled_from([{"knowledge": "x"}, {}, FULL])),
    st.builds(lambda rs: ("assign", rs), st.sampled_from([["r3", "r1"], ["r4"], ["r4", "r1"]])),
    st.builds(lambda r, s: ("review", r, s), st.sampled_from(sorted(PEOPLE)), st.sampled_from([4, 0, 6])),
    st.builds(lambda n: ("signoff", n), st.sampled_from(["", "Chan"])),
    st.builds(lambda o, lv: ("decide", o, lv), st.sampled_from(list(Outcome)), st.sampled_from([4, 0, 9])),
)


@st.composite
def sequences(draw: Any) -> list[tuple[Any, ...]]:
    """The happy path with some steps dropped and wrong or extra actions inserted anywhere."""
    steps = [step for step in HAPPY_PATH if draw(st.integers(0, 9)) > 0]
    for extra in draw(st.lists(noise, max_size=8)):
        steps.insert(draw(st.integers(0, len(steps))), extra)
    return steps


def apply(case: Case, event: tuple[Any, ...]) -> Case:
    kind = event[0]
    if kind == "self":
        return submit_self_assessment(case, event[1])
    if kind == "assign":
        return assign_reviewers(case, {r: PEOPLE[r] for r in event[1]})
    if kind == "review":
        return submit_review(
            case, Review(event[1], {d: event[2] for d in DOMAINS}, "findings", Outcome.APPROVED)
        )
    if kind == "signoff":
        return sign_off(case, SignOff(event[1], "Industry body", "Assured."))
    outcome, level = event[1], event[2]
    return decide(case, Decision(outcome, "reasons", level, Decimal(10), "conditions"), top_rank=7)


@settings(max_examples=300, deadline=None)
@given(sequences())
def test_no_sequence_of_actions_skips_a_qa_stage(sequence: list[tuple[Any, ...]]) -> None:
    case = new_case(Kind.NEW_ENTRY, DOMAINS, frozenset({"sz-poly"}))
    for action in sequence:
        with contextlib.suppress(DomainError):  # a refused action changes nothing: cases are immutable
            case = apply(case, action)
    event(f"ends at {case.stage.value}")
    assert all(PEOPLE[r] != "sz-poly" for r in case.reviewers)
    if case.stage in (Stage.EXTERNAL_REVIEW, Stage.STAKEHOLDER_SIGNOFF, Stage.DECISION, Stage.DECIDED):
        assert set(case.self_assessment) == set(DOMAINS)
    if case.stage in (Stage.STAKEHOLDER_SIGNOFF, Stage.DECISION, Stage.DECIDED):
        assert len(case.reviews) >= 2
        assert set(case.reviews) == set(case.reviewers)
        assert all(1 <= s <= 5 for r in case.reviews.values() for s in r.scores.values())
    if case.stage in (Stage.DECISION, Stage.DECIDED) and case.kind is not Kind.RPL_CLAIM:
        assert case.signoffs
    if case.stage is Stage.DECIDED:
        assert case.decision is not None
        assert case.decision.reasons
        if case.decision.outcome.approves:
            assert case.decision.level_rank is not None
            assert 1 <= case.decision.level_rank <= 7


def test_an_rpl_claim_goes_from_review_to_decision_and_an_appeal_needs_a_new_panel() -> None:
    case = new_case(Kind.RPL_CLAIM, ("outcomes",), frozenset())
    case = submit_self_assessment(case, {"outcomes": "Five years maintaining the firm's web front end."})
    case = assign_reviewers(case, {"r1": None, "r2": "hk-ips"})
    case = submit_review(case, Review("r1", {"outcomes": 2}, "Evidence thin.", Outcome.REJECTED))
    case = submit_review(case, Review("r2", {"outcomes": 2}, "Not at level 4.", Outcome.REJECTED))
    assert case.stage is Stage.DECISION
    decided = decide(
        case, Decision(Outcome.REJECTED, "The evidence does not show the unit's outcomes."), top_rank=7
    )
    appeal = submit_self_assessment(
        new_case(Kind.RPL_CLAIM, ("outcomes",), frozenset(), excluded_reviewers=frozenset(decided.reviewers)),
        {"outcomes": "Now with the portfolio attached."},
    )
    with pytest.raises(ConflictOfInterest, match="original claim"):
        assign_reviewers(appeal, {"r1": None, "r3": None})
    assert assign_reviewers(appeal, {"r3": None, "r4": None}).reviewers.keys() == {"r3", "r4"}
