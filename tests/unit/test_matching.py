"""Matching texts to skills and ranking what teaches, holds or lacks them (core.matching), with the
product's own tokeniser (jieba, OpenCC, Snowball): a Chinese posting and an English syllabus meet in
shared skill concepts; wording order, traditional characters and stemming do not matter; distance
and sentence breaks do."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from creditbank.apps.matching.text import label_tokens, text_tokens
from creditbank.core.matching import (
    Holder,
    Occupation,
    coverage,
    fit,
    keyword_rank,
    occupations_fitting,
    rank,
    rarity,
    skills_in,
    teachers,
    vocabulary_build,
)
from creditbank.core.relevance import ndcg_at, precision_at

DOCS = [
    {"uri": "esco:sql", "sector": "ict", "en": "SQL", "en_alt": ["write SQL queries"], "zh": "SQL数据库查询",
     "zh_alt": ["SQL查询", "结构化查询语言"]},
    {"uri": "esco:analysis", "sector": "data", "en": "perform data analysis", "en_alt": ["analyse data"],
     "zh": "数据分析", "zh_alt": ["分析数据"]},
    {"uri": "esco:databases", "sector": "ict", "en": "databases", "en_alt": ["database design"], "zh": "数据库",
     "zh_alt": ["数据库设计", "资料库"]},
    {"uri": "esco:oop", "sector": "ict", "en": "object-oriented programming", "en_alt": [], "zh": "面向对象编程",
     "zh_alt": ["面向对象", "物件导向"]},
    {"uri": "esco:nursing", "sector": "health", "en": "provide professional care in nursing", "en_alt": [],
     "zh": "护理服务", "zh_alt": ["临床护理"]},
]  # fmt: skip
VOCABULARY = vocabulary_build(DOCS, label_tokens)


def found(text: str) -> list[str]:
    normal, tokens = text_tokens(text)
    return [m.skill.uri for m in skills_in(normal, tokens, VOCABULARY)]


def test_a_chinese_posting_and_an_english_syllabus_meet_in_the_same_skills() -> None:
    posting = found("招聘数据分析师：熟练编写SQL查询，熟悉面向对象编程。")
    syllabus = found("Students analyse data, write SQL queries and design object-oriented programs.")
    assert set(posting) == {"esco:analysis", "esco:sql", "esco:oop"}
    assert set(syllabus) >= {"esco:analysis", "esco:sql"}


def test_wording_order_and_inflection_do_not_matter() -> None:
    assert found("负责分析数据") == ["esco:analysis"]
    assert found("He analysed the data weekly.") == ["esco:analysis"]


def test_traditional_characters_match_simplified_labels() -> None:
    assert found("建置關係式數據庫並以物件導向方式設計") == ["esco:databases", "esco:oop"]


def test_words_far_apart_or_in_other_sentences_are_not_a_mention() -> None:
    assert found("数据库性能分析") == ["esco:databases"]  # 数据…分析 too far apart for 数据分析
    assert found("We collect data. Analysis is done by others.") == []


def test_the_evidence_is_the_text_that_matched_and_repeats_are_counted() -> None:
    normal, tokens = text_tokens("临床护理经验；能独立完成临床护理。")
    (mention,) = skills_in(normal, tokens, VOCABULARY)
    assert (mention.skill.uri, mention.label, mention.evidence, mention.count) == (
        "esco:nursing", "临床护理", "临床护理", 2,
    )  # fmt: skip
    text, tokens = text_tokens("能獨立完成臨床護理，熟悉SQL查询")  # quoted as written, not as normalised
    assert [m.evidence for m in skills_in(text, tokens, VOCABULARY)] == ["臨床護理", "SQL查询"]


def test_rare_skills_weigh_more_and_reasons_say_what_matched_and_what_is_missing() -> None:
    units = [
        Holder("DB-101", frozenset({"esco:databases", "esco:sql"})),
        Holder("DB-102", frozenset({"esco:databases"})),
        Holder("DB-103", frozenset({"esco:databases", "esco:oop"})),
        Holder("NUR-1", frozenset({"esco:nursing"})),
    ]
    ranked = rank({"esco:sql", "esco:databases", "esco:analysis"}, units, rarity(units))
    assert [m.key for m in ranked] == ["DB-101", "DB-102", "DB-103"]
    assert ranked[0].matched == ("esco:sql", "esco:databases")  # the rarer first
    assert ranked[0].missing == ("esco:analysis",)
    assert teachers({"esco:databases", "esco:analysis"}, units) == {
        "esco:databases": ["DB-101", "DB-102", "DB-103"], "esco:analysis": [],
    }  # fmt: skip


def test_fit_is_the_share_of_the_requirement_held() -> None:
    rare = {"a": 1.0, "b": 3.0}
    assert fit({"a", "b"}, {"a", "b", "c"}, rare).score == 1.0
    partial = fit({"a", "b"}, {"a"}, rare)
    assert (partial.score, partial.matched, partial.missing) == (0.25, ("a",), ("b",))


def test_coverage_lists_the_demanded_skills_no_unit_teaches_by_demand() -> None:
    result = coverage({"sql": 5, "nursing": 9, "oop": 2}, taught={"sql"})
    assert result.covered == (("sql", 5),)
    assert result.uncovered == (("nursing", 9), ("oop", 2))


def test_the_keyword_baseline_needs_shared_words() -> None:
    docs = {"A": ["sql", "queri"], "B": ["nurs", "care"], "C": ["数据", "分析"]}
    assert [k for k, _s in keyword_rank(["sql"], docs)] == ["A"]
    assert keyword_rank(["护理"], docs) == []  # no concept bridges 护理 and "nursing"


SKILLS = st.sampled_from([f"s{i}" for i in range(12)])
HOLDERS = st.lists(st.frozensets(SKILLS, min_size=1), min_size=1, max_size=8)


@given(st.sets(SKILLS, min_size=1), HOLDERS, SKILLS)
def test_learning_a_wanted_skill_never_lowers_a_rank(
    wanted: set[str], sets: list[frozenset[str]], extra: str
) -> None:
    holders = [Holder(str(i), s) for i, s in enumerate(sets)]
    rare = rarity(holders)
    before = {m.key: m.score for m in rank(wanted, holders, rare)}
    grown = [Holder("0", holders[0].skills | {extra}), *holders[1:]]
    after = {m.key: m.score for m in rank(wanted, grown, rare)}
    if extra in wanted:
        assert after["0"] >= before.get("0", 0.0) - 1e-12
    elif "0" in before:
        assert after["0"] <= before["0"] + 1e-12
    assert all(0.0 < s <= 1.0 + 1e-12 for s in after.values())


@given(st.sets(SKILLS), st.sets(SKILLS), SKILLS)
def test_fit_grows_with_what_is_held(required: set[str], held: set[str], extra: str) -> None:
    rare = {f"s{i}": 1.0 + i for i in range(12)}
    before, after = fit(required, held, rare), fit(required, held | {extra}, rare)
    assert 0.0 <= before.score <= after.score <= 1.0
    assert set(after.matched) | set(after.missing) == required


@given(
    st.lists(
        st.sampled_from(["招聘数据分析师", "熟练编写SQL查询", "临床护理", "物流", "wash dishes"]), max_size=5
    )
)
def test_what_a_text_mentions_does_not_depend_on_the_order_of_its_sentences(sentences: list[str]) -> None:
    assert set(found("。".join(sentences))) == set(found("。".join(reversed(sentences))))


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 3), min_size=1), st.permutations("abcdefgh")
)
def test_ndcg_is_one_for_the_ideal_order_and_at_most_one_otherwise(
    grades: dict[str, int], order: list[str]
) -> None:
    ideal = sorted(grades, key=lambda k: -grades[k])
    if any(grades.values()):
        assert abs(ndcg_at(ideal, grades, 5) - 1.0) < 1e-9
    assert 0.0 <= ndcg_at(order, grades, 5) <= 1.0 + 1e-9
    assert 0.0 <= precision_at(order, grades, 5) <= 1.0


@given(st.lists(st.tuples(st.sets(SKILLS, min_size=1, max_size=4), st.sets(SKILLS, max_size=3)), min_size=1, max_size=6),
       st.sets(SKILLS))  # fmt: skip
def test_occupations_fit_on_their_essential_skills_best_first(
    shapes: list[tuple[set[str], set[str]]], held: set[str]
) -> None:
    jobs = [
        Occupation(f"o{i}", "ict", f"job {i}", f"岗位{i}", frozenset(e), frozenset(o - e))
        for i, (e, o) in enumerate(shapes)
    ]
    rare = {f"s{i}": 1.0 + i for i in range(12)}
    fits = occupations_fitting(held, jobs, rare)
    assert [f.match.score for f in fits] == sorted((f.match.score for f in fits), reverse=True)
    for f in fits:
        assert set(f.match.matched) == f.occupation.essential & held
        assert set(f.helpful) == f.occupation.optional & held
    assert {f.occupation.uri for f in fits} == {j.uri for j in jobs if j.essential & held}
