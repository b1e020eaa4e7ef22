"""Frameworks: parsing framework documents, level order (rank) and finding levels."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditbank.core.errors import InvalidFrameworkDocument, InvalidLevelReference, UnknownLevel
from creditbank.core.frameworks import Confidence, Order, parse_framework, parse_level_reference
from creditbank.core.texts import Text, language_key


def problems_of(excinfo: pytest.ExceptionInfo[InvalidFrameworkDocument]) -> str:
    return str(excinfo.value.params["problems"])


# --- parsing a document ---------------------------------------------------------------------------


def test_valid_document_builds_framework_with_levels_from_lowest_rank(make_framework_doc):
    fw = parse_framework(make_framework_doc("TESTQF", 4))

    assert fw.code == "TESTQF"
    assert [lv.id for lv in fw.levels] == ["TESTQF-1", "TESTQF-2", "TESTQF-3", "TESTQF-4"]
    assert fw.top_rank == 4
    assert fw.confidence is Confidence.HIGH
    assert fw.domains[0].key == "knowledge"


def test_lowercase_code_is_read_as_capitals(make_framework_doc):
    doc = make_framework_doc("TESTQF", 2)
    doc["code"] = " testqf "

    assert parse_framework(doc).code == "TESTQF"


def test_missing_short_name_falls_back_to_name(make_framework_doc):
    doc = make_framework_doc("TESTQF", 2)
    del doc["short_name"]

    fw = parse_framework(doc)

    assert fw.short_name == fw.name


def test_several_wrong_fields_are_all_named_in_one_error(make_framework_doc):
    doc = make_framework_doc("TESTQF", 3)
    doc.update(
        code="test qf",
        edition="",
        kind="galactic",
        status="maybe",
        order="sideways",
        confidence="certain",
        sources="not a list",
        credit_system=42,
    )

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    problems = problems_of(excinfo)
    for field in (
        "code:",
        "edition:",
        "kind:",
        "status:",
        "order:",
        "confidence:",
        "sources:",
        "credit_system:",
    ):
        assert field in problems
    assert excinfo.value.code == "invalid_framework_document"
    assert problems in excinfo.value.message


def test_level_problems_are_reported_together_with_document_problems(make_framework_doc):
    doc = make_framework_doc("TESTQF", 3)
    doc["edition"] = None
    doc["levels"][0]["label"] = "Level 1"  # a plain string instead of three languages
    doc["levels"][1]["number"] = "two"

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    problems = problems_of(excinfo)
    assert "edition:" in problems
    assert "levels[0].label" in problems
    assert "levels[1]: number must be a whole number" in problems


def test_non_mapping_document_is_rejected():
    with pytest.raises(InvalidFrameworkDocument):
        parse_framework(["not", "a", "mapping"])  # type: ignore[arg-type]


def test_empty_level_list_is_rejected(make_framework_doc):
    doc = make_framework_doc("TESTQF", 1)
    doc["levels"] = []

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    assert "levels: a non-empty list" in problems_of(excinfo)


def test_level_id_must_be_code_dash_key(make_framework_doc):
    doc = make_framework_doc("TESTQF", 2)
    doc["levels"][1]["id"] = "OTHER-2"

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    assert "levels[1]: id must be TESTQF-<key>" in problems_of(excinfo)


def test_rank_gap_is_rejected(make_framework_doc):
    doc = make_framework_doc("TESTQF", 3, numbered=False)
    doc["levels"][2]["rank"] = 4

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    assert "no gaps or repeats, got [1, 2, 4]" in problems_of(excinfo)


def test_repeated_rank_is_rejected(make_framework_doc):
    doc = make_framework_doc("TESTQF", 3, numbered=False)
    doc["levels"][2]["rank"] = 2

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    assert "no gaps or repeats, got [1, 2, 2]" in problems_of(excinfo)


@pytest.mark.parametrize("rank", [0, -1, "1", 1.0, True, None])
def test_rank_must_be_a_whole_number_from_one(make_framework_doc, rank):
    doc = make_framework_doc("TESTQF", 2)
    doc["levels"][0]["rank"] = rank

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    assert "levels[0]: rank must be a whole number" in problems_of(excinfo)


def test_repeated_level_keys_are_rejected(make_framework_doc):
    doc = make_framework_doc("TESTQF", 2, numbered=False)
    doc["levels"][1]["key"] = "1"
    doc["levels"][1]["id"] = "TESTQF-1"

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    assert "keys must be unique" in problems_of(excinfo)


def test_ascending_framework_whose_numbers_fall_with_rank_is_rejected(make_framework_doc):
    doc = make_framework_doc("TESTQF", 3, order="descending")
    doc["order"] = "ascending"

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    assert "ascending framework's level numbers must rise with rank" in problems_of(excinfo)


def test_descending_framework_whose_numbers_rise_with_rank_is_rejected(make_framework_doc):
    doc = make_framework_doc("TESTQF", 3, order="ascending")
    doc["order"] = "descending"

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    assert "descending framework's level numbers must fall as rank rises" in problems_of(excinfo)


def test_unnumbered_tiers_are_accepted_in_either_order(make_framework_doc):
    for order in ("ascending", "descending"):
        doc = make_framework_doc("TESTQF", 3, order=order, numbered=False)

        fw = parse_framework(doc)

        assert [lv.number for lv in fw.levels] == [None, None, None]


def test_confidence_is_required(make_framework_doc):
    doc = make_framework_doc("TESTQF", 2)
    del doc["confidence"]

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    assert "confidence:" in problems_of(excinfo)


def test_order_confidence_defaults_to_high(make_framework_doc):
    doc = make_framework_doc("TESTQF", 2)
    del doc["order_confidence"]

    assert parse_framework(doc).order_confidence is Confidence.HIGH


def test_missing_name_is_reported_as_an_invalid_document(make_framework_doc):
    doc = make_framework_doc("TESTQF", 2)
    del doc["name"]

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    assert "name" in problems_of(excinfo)


def test_level_without_label_is_reported_not_dropped(make_framework_doc):
    doc = make_framework_doc("TESTQF", 3)
    del doc["levels"][2]["label"]

    with pytest.raises(InvalidFrameworkDocument) as excinfo:
        parse_framework(doc)

    assert "levels[2]" in problems_of(excinfo)


# --- generated documents --------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 12), order=st.sampled_from(Order), data=st.data())
def test_generated_documents_parse_into_rank_order_whatever_the_listing_order(
    make_framework_doc, n, order, data
):
    doc = make_framework_doc("GEN-QF", n, order=order.value)
    doc["levels"] = data.draw(st.permutations(doc["levels"]))

    fw = parse_framework(doc)

    assert fw.order is order
    assert [lv.rank for lv in fw.levels] == list(range(1, n + 1))
    assert fw.top_rank == n
    for level in fw.levels:
        expected_rank = level.number if order is Order.ASCENDING else n + 1 - level.number
        assert level.rank == expected_rank
        assert fw.by_rank(level.rank) is level
        assert fw.level(str(level.number)) is level
        assert fw.level(level.id) is level
        assert level.framework_code == "GEN-QF"
    assert [lv.number for lv in fw.levels_by_label] == list(range(1, n + 1))
    assert fw.levels_by_label[0].number == 1


@settings(max_examples=100, deadline=None)
@given(n=st.integers(2, 12), order=st.sampled_from(Order))
def test_generated_documents_with_the_wrong_declared_order_are_rejected(make_framework_doc, n, order):
    other = Order.DESCENDING if order is Order.ASCENDING else Order.ASCENDING
    doc = make_framework_doc("GEN-QF", n, order=order.value)
    doc["order"] = other.value

    with pytest.raises(InvalidFrameworkDocument):
        parse_framework(doc)


# --- finding levels -------------------------------------------------------------------------------


@pytest.mark.parametrize("reference", ["4", " 4 ", "HKQF-4", "hkqf-4", "Hkqf-4"])
def test_level_is_found_by_key_or_id(shipped_frameworks, reference):
    assert shipped_frameworks["HKQF"].level(reference).id == "HKQF-4"


@pytest.mark.parametrize("reference", ["senior", "Senior", "SENIOR", "QCPTP-senior", "qcptp-Senior"])
def test_named_tier_is_found_case_insensitively(shipped_frameworks, reference):
    assert shipped_frameworks["QCPTP"].level(reference).id == "QCPTP-senior"


def test_level_of_a_dashed_framework_code_is_found_by_id(shipped_frameworks):
    fw = shipped_frameworks["QF-EHEA"]

    level = fw.level("QF-EHEA-first")

    assert level.key == "first"
    assert level.framework_code == "QF-EHEA"


def test_unknown_level_lists_valid_keys_in_the_frameworks_own_reading_order(shipped_frameworks):
    with pytest.raises(UnknownLevel) as excinfo:
        shipped_frameworks["NVQC"].level("6")

    err = excinfo.value
    assert err.params == {"framework": "NVQC", "level": "6", "levels": "1, 2, 3, 4, 5"}
    assert err.status == 404
    assert "1, 2, 3, 4, 5" in err.message


def test_unknown_level_of_an_ascending_framework_lists_keys_lowest_first(shipped_frameworks):
    with pytest.raises(UnknownLevel) as excinfo:
        shipped_frameworks["QCPTP"].level("principal")

    assert excinfo.value.params["levels"] == "junior, intermediate, senior"


def test_level_id_of_another_framework_is_not_found(shipped_frameworks):
    with pytest.raises(UnknownLevel):
        shipped_frameworks["HKQF"].level("NZQF-4")


def test_descending_framework_ranks_its_level_one_highest(shipped_frameworks):
    nvqc = shipped_frameworks["NVQC"]

    assert nvqc.order is Order.DESCENDING
    assert nvqc.level("1").rank == 5
    assert nvqc.level("5").rank == 1
    assert nvqc.by_rank(5).id == "NVQC-1"
    assert [lv.id for lv in nvqc.levels_by_label] == ["NVQC-1", "NVQC-2", "NVQC-3", "NVQC-4", "NVQC-5"]


# --- level references -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("HKQF:4", ("HKQF", "4")),
        (" hkqf : 4 ", ("HKQF", "4")),
        ("QF-EHEA:first", ("QF-EHEA", "first")),
        ("QCPTP:Senior", ("QCPTP", "Senior")),
    ],
)
def test_level_reference_splits_framework_and_level(reference, expected):
    assert parse_level_reference(reference) == expected


# A dash is ambiguous because framework codes contain dashes (CN-PLLQF-3), so only the colon form counts.
@pytest.mark.parametrize("reference", ["HKQF4", ":4", "HKQF:", " : ", "", "HKQF-4", "CN-PLLQF-3"])
def test_malformed_level_reference_is_rejected(reference):
    with pytest.raises(InvalidLevelReference) as excinfo:
        parse_level_reference(reference)

    assert excinfo.value.params["reference"] == reference
    assert "FRAMEWORK:LEVEL" in excinfo.value.message


# --- confidence and texts -------------------------------------------------------------------------


def test_lowering_confidence_stops_at_low():
    assert Confidence.HIGH.lowered() is Confidence.MEDIUM
    assert Confidence.MEDIUM.lowered() is Confidence.LOW
    assert Confidence.LOW.lowered() is Confidence.LOW


@pytest.mark.parametrize(("raw", "expected"), [("high", Confidence.HIGH), ("Medium", Confidence.MEDIUM)])
def test_confidence_is_parsed_case_insensitively(raw, expected):
    assert Confidence.parse(raw) is expected


def test_confidence_uses_its_default_only_when_absent():
    assert Confidence.parse(None, default=Confidence.LOW) is Confidence.LOW
    with pytest.raises(ValueError, match="high, medium or low"):
        Confidence.parse("certain", default=Confidence.LOW)


def test_plain_string_text_is_reported_not_accepted():
    problems: list[str] = []

    assert Text.parse("Level 1", "label", problems) is None
    assert problems == ["label: give a mapping with keys en, zh_hans, zh_hant, not a plain string"]


def test_text_missing_a_language_is_reported(make_text):
    raw = make_text("Level 1")
    raw["zh_hant"] = "  "
    problems: list[str] = []

    assert Text.parse(raw, "label", problems) is None
    assert problems == ["label: missing or empty text for zh_hant"]


@pytest.mark.parametrize(
    ("code", "key"),
    [("en", "en"), ("en-GB", "en"), ("zh-hans", "zh_hans"), ("zh-Hant-HK", "zh_hant"), ("zh_TW", "zh_hant")],
)
def test_language_codes_map_to_text_keys(code, key):
    assert language_key(code) == key


def test_document_is_not_modified_by_parsing(make_framework_doc):
    doc = make_framework_doc("TESTQF", 3)
    before = copy.deepcopy(doc)

    parse_framework(doc)

    assert doc == before
