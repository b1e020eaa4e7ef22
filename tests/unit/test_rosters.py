"""Roster rows for collective registration: every problem per line, a person listed twice once."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from creditbank.core.deposits import RowProblem
from creditbank.core.identity import hkid_check_digit
from creditbank.core.rosters import missing_roster_columns, parse_roster

REGIONS = ("GD", "HK", "MO", "CN", "XX")
TODAY = date(2026, 12, 1)


def hkid(n: int) -> str:
    digits = f"{n:06d}"
    return f"A{digits}({hkid_check_digit('A', digits)})"


def row(n: int, **changes: str) -> dict[str, str]:
    return {"full_name": f"Person {n}", "id_scheme": "hk_id", "id_number": hkid(n), "region": "HK", **changes}


def test_good_rows_are_read_with_their_identity() -> None:
    good, bad = parse_roster([row(1), row(2, member_ref="S-2")], regions=REGIONS, today=TODAY)
    assert bad == []
    assert [(r.line, r.member_ref) for r in good] == [(2, ""), (3, "S-2")]
    assert good[0].identity.scheme.value == "hk_id"


def test_each_problem_of_a_row_is_named() -> None:
    good, bad = parse_roster(
        [row(1, full_name=" ", region="SH", id_number="A123")], regions=REGIONS, today=TODAY
    )
    assert good == []
    [problem] = bad
    assert problem.line == 2
    assert "full_name is empty" in problem.problems
    assert "region must be GD, HK, MO, CN or XX" in problem.problems
    assert any("A123" in p for p in problem.problems)


@given(st.lists(st.integers(0, 30), min_size=1, max_size=40))
def test_a_person_listed_again_is_a_problem_on_the_later_line_only(people: list[int]) -> None:
    good, bad = parse_roster([row(n) for n in people], regions=REGIONS, today=TODAY)
    assert [r.identity.number for r in good] == [
        hkid(n).replace("(", "").replace(")", "") for n in dict.fromkeys(people)
    ] or len(good) == len(set(people))
    assert [r.full_name for r in good] == [f"Person {n}" for n in dict.fromkeys(people)]  # first mention kept
    assert all(isinstance(p, RowProblem) and p.problems[0].startswith("the same person as line") for p in bad)
    assert len(bad) == len(people) - len(set(people))


def test_missing_columns_are_named() -> None:
    assert missing_roster_columns(("full_name", "id_number")) == ["id_scheme", "region"]
