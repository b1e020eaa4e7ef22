"""As-of replay of a learner's record from ledger entries: the fold is checked against a plain
model of the history (hypothesis), and entries of another learner are refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditbank.core.ledger.entries import entry_bytes
from creditbank.core.ledger.replay import ReplayMismatch, replay

ME = "sha256:" + "a" * 64


def entry(kind: str, day: int, outcome: int, learner: str = ME, result: str = "A") -> str:
    at = f"2024-01-{day:02d}T08:00:00.000000Z"
    return entry_bytes(
        kind, at, {"outcome": outcome, "learner": learner, "result": result, "unit": f"U-{outcome}"}
    ).decode()


def test_the_record_as_of_a_date_shows_what_was_said_then() -> None:
    log = [
        (0, entry("outcome.deposited", 3, 1)),
        (1, entry("outcome.deposited", 5, 2, result="B")),
        (2, entry("outcome.amended", 9, 2, result="B")),
        (3, entry("outcome.deposited", 9, 3, result="B+")),
        (4, entry("outcome.revoked", 20, 1)),
    ]
    on_10th = {r.outcome: r for r in replay(log, ME, "2024-01-10T23:59:59.999999Z")}
    assert {k: r.status for k, r in on_10th.items()} == {1: "recorded", 2: "amended", 3: "recorded"}
    assert on_10th[3].facts["result"] == "B+"
    assert on_10th[1].seq == 0
    assert on_10th[2].recorded_at.startswith("2024-01-05")
    on_4th = replay(log, ME, "2024-01-04T23:59:59.999999Z")
    assert [r.outcome for r in on_4th] == [1]
    assert replay(log, ME, "2024-01-31T00:00:00Z")[0].status == "revoked"
    assert replay(log, ME, "2023-12-31T23:59:59Z") == []


def test_an_entry_about_another_learner_is_refused() -> None:
    with pytest.raises(ReplayMismatch):
        replay(
            [(7, entry("outcome.deposited", 3, 1, learner="sha256:" + "b" * 64))], ME, "2024-12-31T00:00:00Z"
        )


def test_other_kinds_of_entry_are_not_part_of_the_record() -> None:
    log = [(0, entry("credential.issued", 3, 1)), (1, entry("outcome.deposited", 3, 1))]
    assert [r.seq for r in replay(log, ME, "2024-12-31T00:00:00Z")] == [1]


KINDS = ["outcome.deposited", "outcome.amended", "outcome.revoked"]


@given(
    st.lists(st.tuples(st.sampled_from(KINDS), st.integers(1, 28), st.integers(1, 4)), max_size=30),
    st.integers(1, 28),
)
def test_replay_agrees_with_the_last_entry_of_each_outcome_by_that_day(
    history: list[tuple[str, int, int]], day: int
) -> None:
    log = [(i, entry(kind, d, outcome)) for i, (kind, d, outcome) in enumerate(history)]
    expected: dict[int, str] = {}
    for kind, d, outcome in sorted(history, key=lambda h: h[1]):  # stable: log order within a day
        if d <= day:
            expected[outcome] = {
                "outcome.deposited": "recorded",
                "outcome.amended": "amended",
                "outcome.revoked": "revoked",
            }[kind]
    got = replay(log, ME, f"2024-01-{day:02d}T23:59:59.999999Z")
    assert {r.outcome: r.status for r in got} == expected
