"""Catalogue editions compared item by item, field by field."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from creditbank.core.catalogues import catalogue_diff


def item(code: str, **changes: object) -> dict[str, object]:
    return {
        "code": code,
        "title_en": f"Unit {code}",
        "level": "GDLEQF-4",
        "credits": "4.00",
        "rules": [],
        **changes,
    }


def test_added_removed_and_changed_fields_are_named() -> None:
    diff = catalogue_diff(
        [item("A"), item("B"), item("C")], [item("A"), item("C", credits="6.00", rules=["R1 v2"]), item("D")]
    )
    assert diff.added == ("D",)
    assert diff.removed == ("B",)
    [change] = diff.changed
    assert change.code == "C"
    assert change.fields == (("credits", "4.00", "6.00"), ("rules", [], ["R1 v2"]))


@given(st.lists(st.sampled_from("ABCDEFG"), unique=True), st.lists(st.sampled_from("ABCDEFG"), unique=True))
def test_an_edition_compared_with_itself_is_unchanged_and_sets_add_up(a: list[str], b: list[str]) -> None:
    first, second = [item(c) for c in a], [item(c) for c in b]
    assert catalogue_diff(first, first).unchanged
    diff = catalogue_diff(first, second)
    assert set(diff.added) == set(b) - set(a)
    assert set(diff.removed) == set(a) - set(b)
    assert diff.changed == ()
