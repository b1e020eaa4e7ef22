"""Level referencing: answers are paths in a graph of published correspondences.

The generated-graph properties are the heart of this module: composing correspondences through
meta-frameworks may only keep or weaken what they say, and nothing is answered that no published
correspondence supports.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditbank.core.errors import InvalidInput, UnknownFramework
from creditbank.core.frameworks import Confidence, Framework, parse_framework
from creditbank.core.referencing import (
    MAX_PATH_EDGES,
    Correspondence,
    EdgeKind,
    LevelMapping,
    ReferencingGraph,
    Relation,
    Step,
    check_levels_exist,
    parse_correspondence,
)

# --- generated graphs -----------------------------------------------------------------------------

NATIONAL_CODES = ("NA", "N-B", "NC", "N-D")
META_CODES = ("MA", "M-B")
SCOPE = {"en": "Programme X only", "zh_hans": "仅限课程X", "zh_hant": "僅限課程X"}


@dataclass(frozen=True)
class FrameworkSpec:
    code: str
    n_levels: int
    order: str
    meta: bool


@dataclass(frozen=True)
class EdgeSpec:
    source: int  # index into the framework specs
    target: int
    source_ranks: tuple[int, ...]  # 1-based ranks, possibly beyond the framework (dangling)
    target_ranks: tuple[int, ...]
    relation: str
    confidence: str
    symmetric: bool | None  # None: leave the field out and take the parser's default
    kind: str


@dataclass(frozen=True)
class GraphSpec:
    frameworks: tuple[FrameworkSpec, ...]
    edges: tuple[EdgeSpec, ...]


def level_id(spec: FrameworkSpec, rank: int) -> str:
    number = rank if spec.order == "ascending" else spec.n_levels + 1 - rank
    return f"{spec.code}-{number}"


@st.composite
def graph_specs(draw: st.DrawFn, *, gaps: bool = True, programme: bool = True) -> GraphSpec:
    n_national = draw(st.integers(2, len(NATIONAL_CODES)))
    n_meta = draw(st.integers(1, len(META_CODES)))
    frameworks = tuple(
        FrameworkSpec(code, draw(st.integers(1, 5)), draw(st.sampled_from(["ascending", "descending"])), meta)
        for code, meta in [
            *((c, False) for c in NATIONAL_CODES[:n_national]),
            *((c, True) for c in META_CODES[:n_meta]),
        ]
    )
    kinds = ["published"] * 3 + (["programme_alignment"] if programme else [])

    def ranks(fw: FrameworkSpec) -> tuple[int, ...]:
        chosen = draw(st.sets(st.integers(1, fw.n_levels), min_size=1, max_size=min(2, fw.n_levels)))
        return tuple(sorted(chosen))

    # Every ordered pair of frameworks may be linked; links between meta-frameworks are drawn more
    # often so that three-hop paths (national -> meta -> meta -> national) are exercised too.
    pairs = list(itertools.permutations(range(len(frameworks)), 2))
    meta_pairs = [(a, b) for a, b in pairs if frameworks[a].meta and frameworks[b].meta]
    edges = []
    for _ in range(draw(st.integers(0, 14))):
        a, b = draw(st.sampled_from(pairs + meta_pairs * 6))
        kind = draw(st.sampled_from(kinds))
        source_ranks, target_ranks = ranks(frameworks[a]), ranks(frameworks[b])
        relation = draw(st.sampled_from([r.code for r in Relation]))
        if gaps and kind == "published" and draw(st.integers(0, 5)) == 0:
            relation = "no_agreed_equivalent"
            if draw(st.booleans()):
                source_ranks = ()
            else:
                target_ranks = ()
        edges.append(
            EdgeSpec(
                a,
                b,
                source_ranks,
                target_ranks,
                relation,
                draw(st.sampled_from(["high", "medium", "low"])),
                draw(st.one_of(st.none(), st.booleans())),
                kind,
            )
        )
    return GraphSpec(frameworks, tuple(edges))


def framework_from_spec(make_framework_doc: Any, spec: FrameworkSpec) -> Framework:
    return parse_framework(make_framework_doc(spec.code, spec.n_levels, order=spec.order, meta=spec.meta))


def correspondence_doc(spec: GraphSpec, i: int, edge: EdgeSpec) -> dict[str, Any]:
    source, target = spec.frameworks[edge.source], spec.frameworks[edge.target]
    doc: dict[str, Any] = {
        "id": f"E{i}",
        "kind": edge.kind,
        "from": {"framework": source.code, "levels": [level_id(source, r) for r in edge.source_ranks]},
        "to": {"framework": target.code, "levels": [level_id(target, r) for r in edge.target_ranks]},
        "relation": edge.relation,
        "basis": "official_referencing_report",
        "confidence": edge.confidence,
    }
    if edge.symmetric is not None:
        doc["symmetric"] = edge.symmetric
    if edge.kind == "programme_alignment":
        doc["scope"] = SCOPE
    return doc


def build_graph(make_framework_doc: Any, spec: GraphSpec, *, kinds: tuple[str, ...] = ()) -> ReferencingGraph:
    """The graph of a spec; with ``kinds``, only edges of those kinds (ids stay those of the full spec)."""
    frameworks = {fw.code: framework_from_spec(make_framework_doc, fw) for fw in spec.frameworks}
    correspondences = tuple(
        parse_correspondence(correspondence_doc(spec, i, edge), EdgeKind.PUBLISHED)
        for i, edge in enumerate(spec.edges)
        if not kinds or edge.kind in kinds
    )
    return ReferencingGraph(frameworks, correspondences)


def expected_reach(graph: ReferencingGraph, source_id: str, target_code: str) -> dict[str, bool]:
    """An independent oracle: target levels reachable by published, non-gap correspondences, going
    through meta-frameworks only, never revisiting a framework, in at most MAX_PATH_EDGES hops.
    Maps each reachable level id to whether a direct (one-hop) path exists."""
    fw_of = {lv.id: fw.code for fw in graph.frameworks.values() for lv in fw.levels}
    neighbours: dict[str, set[str]] = defaultdict(set)
    for corr in graph.correspondences:
        if corr.kind is not EdgeKind.PUBLISHED or corr.is_gap:
            continue
        if any(lv not in fw_of for lv in (*corr.source.levels, *corr.target.levels)):
            continue
        for a, b in itertools.product(corr.source.levels, corr.target.levels):
            neighbours[a].add(b)
            neighbours[b].add(a)
    reach: dict[str, bool] = {}

    def walk(at: str, visited: frozenset[str], hops: int) -> None:
        for nxt in neighbours[at]:
            fw = fw_of[nxt]
            if fw == target_code:
                reach[nxt] = reach.get(nxt, False) or hops == 0
            elif fw not in visited and graph.frameworks[fw].meta_framework and hops + 1 < MAX_PATH_EDGES:
                walk(nxt, visited | {fw}, hops + 1)

    walk(source_id, frozenset({fw_of[source_id]}), 0)
    return reach


def check_mapping_properties(graph: ReferencingGraph, mapping: LevelMapping) -> None:
    source = mapping.source
    target = mapping.target.code
    seen_levels = set()
    for match in mapping.matches:
        assert match.level.framework_code == target
        assert match.level.id not in seen_levels, "a target level appears once, with all its paths"
        seen_levels.add(match.level.id)
        assert match.paths
        assert match.best is match.paths[0]
        # (d) direct paths sort before indirect ones
        assert [p.indirect for p in match.paths] == sorted(p.indirect for p in match.paths)
        assert list(match.paths) == sorted(match.paths, key=lambda p: p.sort_key())
        for path in match.paths:
            steps = path.steps
            assert 1 <= len(steps) <= MAX_PATH_EDGES
            assert steps[0].source == source.id
            assert steps[-1].target == match.level.id
            for before, after in itertools.pairwise(steps):
                assert before.target == after.source
            for step in steps:
                corr = step.correspondence
                # (e) programme alignments and gaps never carry an answer
                assert corr.kind is EdgeKind.PUBLISHED
                assert not corr.is_gap
                stated = Relation.parse(corr.relation)
                assert step.relation <= stated
                if step.reverse and not corr.symmetric:
                    assert step.relation <= Relation.BROADLY_COMPARABLE
            # (c) only meta-frameworks in between, and no framework twice
            on_path = [source.framework_code, *(graph.level(s.target).framework_code for s in steps)]
            assert len(on_path) == len(set(on_path))
            for code in on_path[1:-1]:
                assert graph.frameworks[code].meta_framework
            assert path.via == tuple(s.target for s in steps[:-1])
            # (a) composition never raises confidence
            weakest_confidence = min(s.correspondence.confidence for s in steps)
            weakest_relation = min(s.relation for s in steps)
            assert path.confidence <= weakest_confidence
            # (b) nor strengthens the relation
            assert path.relation <= weakest_relation
            if path.indirect:
                if weakest_confidence > Confidence.LOW:
                    assert path.confidence < weakest_confidence
                else:
                    assert path.confidence is Confidence.LOW
                assert path.relation <= Relation.BROADLY_COMPARABLE
            else:
                assert path.confidence == weakest_confidence
                assert path.relation == weakest_relation
        assert match.relation == match.best.relation
        assert match.confidence == match.best.confidence
        assert match.indirect == match.best.indirect
    # (d) matches reached directly come before those reached only indirectly
    assert [m.indirect for m in mapping.matches] == sorted(m.indirect for m in mapping.matches)
    for gap in mapping.gaps:
        assert gap.level == source.id
        assert gap.framework == target or graph.frameworks[gap.framework].meta_framework
    for alignment in mapping.programme_alignments:
        assert alignment.correspondence.kind is EdgeKind.PROGRAMME_ALIGNMENT
        assert source.id in (alignment.source_level, alignment.target_level)
        ends = {
            graph.level(alignment.source_level).framework_code,
            graph.level(alignment.target_level).framework_code,
        }
        assert ends == {source.framework_code, target}


@settings(max_examples=150, deadline=None)
@given(spec=graph_specs())
def test_generated_graphs_compose_only_through_meta_frameworks_and_never_strengthen(make_framework_doc, spec):
    graph = build_graph(make_framework_doc, spec)

    assert graph.dangling == []
    for fw in graph.frameworks.values():
        for level in fw.levels:
            # (g) a level read in its own framework is itself, and only itself
            (itself,) = graph.map_level(level, fw.code).matches
            assert itself.level is level
            assert itself.best.steps == ()
    for fw, other in itertools.permutations(graph.frameworks.values(), 2):
        for level in fw.levels:
            mapping = graph.map_level(level, other.code)

            check_mapping_properties(graph, mapping)
            found = {m.level.id: not m.indirect for m in mapping.matches}
            assert found == expected_reach(graph, level.id, other.code)


@settings(max_examples=100, deadline=None)
@given(spec=graph_specs())
def test_programme_alignments_never_change_the_framework_level_answer(make_framework_doc, spec):
    with_alignments = build_graph(make_framework_doc, spec)
    published_only = build_graph(make_framework_doc, spec, kinds=("published",))

    for fw, other in itertools.permutations(with_alignments.frameworks.values(), 2):
        for level in fw.levels:
            left = with_alignments.map_level(level, other.code)
            right = published_only.map_level(level, other.code)

            assert left.matches == right.matches
            assert left.gaps == right.gaps
            assert right.programme_alignments == ()


@settings(max_examples=100, deadline=None)
@given(spec=graph_specs())
def test_correspondence_naming_missing_levels_is_set_aside_as_dangling(make_framework_doc, spec):
    source_fw = spec.frameworks[0]
    target_fw = spec.frameworks[-1]  # a meta-framework
    broken = EdgeSpec(
        0,
        len(spec.frameworks) - 1,
        (source_fw.n_levels + 1,),  # one past the top: does not exist
        (1,),
        "equivalent",
        "high",
        True,
        "published",
    )
    graph = build_graph(make_framework_doc, GraphSpec(spec.frameworks, (*spec.edges, broken)))

    missing_id = level_id(source_fw, source_fw.n_levels + 1)
    assert len(graph.dangling) == 1
    corr, missing = graph.dangling[0]
    assert corr.id == f"E{len(spec.edges)}"
    assert missing == missing_id
    for level in graph.frameworks[source_fw.code].levels:
        mapping = graph.map_level(level, target_fw.code)
        assert all(s.correspondence.id != corr.id for m in mapping.matches for p in m.paths for s in p.steps)
    with pytest.raises(InvalidInput) as excinfo:
        check_levels_exist(graph.correspondences, graph.frameworks)
    assert f"unknown level {missing_id}" in excinfo.value.message


@settings(max_examples=50, deadline=None)
@given(spec=graph_specs())
def test_compare_maps_every_level_of_the_left_framework_lowest_first(make_framework_doc, spec):
    graph = build_graph(make_framework_doc, spec)
    left, right = spec.frameworks[0].code, spec.frameworks[1].code

    rows = graph.compare(left, right)

    assert [row.source for row in rows] == list(graph.frameworks[left].levels)
    assert all(row.target.code == right for row in rows)
    assert rows == [graph.map_level(level, right) for level in graph.frameworks[left].levels]


def test_mapping_a_level_into_its_own_framework_returns_the_level_itself(shipped_graph):
    level = shipped_graph.level("HKQF-4")

    mapping = shipped_graph.map_level(level, "HKQF")

    (match,) = mapping.matches
    assert match.level is level
    assert match.best.steps == ()
    assert not match.indirect
    assert match.relation is Relation.EQUIVALENT
    assert match.confidence is Confidence.HIGH


# --- hand-made graphs -----------------------------------------------------------------------------


def small_graph(make_framework_doc: Any, *corr_docs: dict[str, Any]) -> ReferencingGraph:
    frameworks = {
        "NA": parse_framework(make_framework_doc("NA", 3)),
        "NB": parse_framework(make_framework_doc("NB", 3)),
        "MA": parse_framework(make_framework_doc("MA", 3, meta=True)),
    }
    return ReferencingGraph(frameworks, tuple(parse_correspondence(d, EdgeKind.PUBLISHED) for d in corr_docs))


def corr(cid: str, a: str, b: str, relation: str = "equivalent", **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "from": {"framework": a.rsplit("-", 1)[0], "levels": [a]},
        "to": {"framework": b.rsplit("-", 1)[0], "levels": [b]},
        "relation": relation,
        "basis": "official_statement",
        "confidence": extra.pop("confidence", "high"),
        **extra,
    }


def test_two_national_frameworks_are_only_comparable_through_a_meta_framework(make_framework_doc):
    graph = small_graph(make_framework_doc, corr("A", "NA-2", "MA-2"), corr("B", "NB-3", "MA-2"))

    mapping = graph.map_level(graph.level("NA-2"), "NB")

    (match,) = mapping.matches
    assert match.level.id == "NB-3"
    assert match.indirect
    assert match.best.via == ("MA-2",)
    assert match.relation is Relation.BROADLY_COMPARABLE
    assert match.confidence is Confidence.MEDIUM
    assert "meta-framework" in mapping.explanation


def test_a_national_framework_is_never_a_stepping_stone(make_framework_doc):
    graph = small_graph(make_framework_doc, corr("A", "NA-1", "NB-1"), corr("B", "NB-1", "MA-1"))

    assert graph.map_level(graph.level("NA-1"), "MA").matches == ()


def test_one_way_placement_read_in_reverse_is_at_most_broadly_comparable(make_framework_doc):
    graph = small_graph(make_framework_doc, corr("A", "NA-2", "MA-3", symmetric=False))

    forward = graph.map_level(graph.level("NA-2"), "MA")
    backward = graph.map_level(graph.level("MA-3"), "NA")

    assert forward.matches[0].relation is Relation.EQUIVALENT
    assert backward.matches[0].relation is Relation.BROADLY_COMPARABLE
    assert backward.matches[0].best.steps[0].reverse


def test_symmetric_correspondence_reads_the_same_both_ways(make_framework_doc):
    graph = small_graph(make_framework_doc, corr("A", "NA-2", "NB-2", symmetric=True))

    backward = graph.map_level(graph.level("NB-2"), "NA")

    assert backward.matches[0].relation is Relation.EQUIVALENT
    assert backward.matches[0].confidence is Confidence.HIGH


def test_direct_match_sorts_before_a_stronger_indirect_one(make_framework_doc):
    graph = small_graph(
        make_framework_doc,
        corr("A", "NA-1", "NB-3", relation="partial", confidence="low"),
        corr("B", "NA-1", "MA-1"),
        corr("C", "MA-1", "NB-1"),
    )

    mapping = graph.map_level(graph.level("NA-1"), "NB")

    assert [m.level.id for m in mapping.matches] == ["NB-3", "NB-1"]
    assert [m.indirect for m in mapping.matches] == [False, True]


def test_only_a_programme_alignment_gives_no_match_but_is_shown(make_framework_doc):
    alignment = corr("PA", "NA-2", "NB-2", kind="programme_alignment", scope=SCOPE)
    graph = small_graph(make_framework_doc, alignment)

    mapping = graph.map_level(graph.level("NA-2"), "NB")
    reverse = graph.map_level(graph.level("NB-2"), "NA")

    assert mapping.matches == ()
    assert [(p.source_level, p.target_level) for p in mapping.programme_alignments] == [("NA-2", "NB-2")]
    assert [(p.source_level, p.target_level) for p in reverse.programme_alignments] == [("NA-2", "NB-2")]
    assert "does not infer" in mapping.explanation


def test_unknown_target_framework_is_reported(shipped_graph):
    with pytest.raises(UnknownFramework) as excinfo:
        shipped_graph.map_level(shipped_graph.level("HKQF-4"), "XXQF")

    assert excinfo.value.params == {"code": "XXQF"}


def test_compare_with_an_unknown_framework_is_reported(shipped_graph):
    with pytest.raises(UnknownFramework):
        shipped_graph.compare("HKQF", "XXQF")
    with pytest.raises(UnknownFramework):
        shipped_graph.compare("XXQF", "HKQF")


def test_target_framework_code_is_case_insensitive(shipped_graph):
    mapping = shipped_graph.map_level(shipped_graph.level("HKQF-4"), "nzqf")

    assert mapping.target.code == "NZQF"
    assert [m.level.id for m in mapping.matches] == ["NZQF-5", "NZQF-6"]


# --- parsing correspondences ----------------------------------------------------------------------


def valid_doc(**changes: Any) -> dict[str, Any]:
    doc = corr("X-1", "NA-1", "NB-1", relation="broadly_comparable")
    doc.update(changes)
    return doc


def test_published_correspondence_is_symmetric_unless_it_says_otherwise():
    assert parse_correspondence(valid_doc(), EdgeKind.PUBLISHED).symmetric is True
    assert parse_correspondence(valid_doc(symmetric=False), EdgeKind.PUBLISHED).symmetric is False


def test_programme_alignment_is_one_way_by_default_and_keeps_its_decision_date():
    doc = valid_doc(scope=SCOPE, decided="2025-06")

    parsed = parse_correspondence(doc, EdgeKind.PROGRAMME_ALIGNMENT)

    assert parsed.kind is EdgeKind.PROGRAMME_ALIGNMENT
    assert parsed.symmetric is False
    assert parsed.published == "2025-06"
    assert parsed.scope is not None


def test_side_framework_codes_are_read_as_capitals():
    doc = valid_doc()
    doc["from"]["framework"] = "na"

    assert parse_correspondence(doc, EdgeKind.PUBLISHED).source.framework == "NA"


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"relation": "similar"}, "similar"),
        ({"confidence": "certain"}, "confidence"),
        ({"confidence": None}, "confidence"),
        ({"kind": "rumour"}, "rumour"),
        ({"from": None}, "X-1"),
        ({"to": {"levels": ["NB-1"]}}, "framework"),
        ({"to": {"framework": "NB", "levels": []}}, "levels on both sides"),
        ({"relation": "no_agreed_equivalent"}, "levels on one side only"),
        ({"kind": "programme_alignment"}, "scope"),
        ({"notes": "plain string"}, "notes"),
    ],
)
def test_invalid_correspondence_is_rejected_naming_the_problem(changes, fragment):
    doc = valid_doc()
    doc.update(changes)

    with pytest.raises(InvalidInput) as excinfo:
        parse_correspondence(doc, EdgeKind.PUBLISHED)

    assert excinfo.value.params["id"] == "X-1"
    assert fragment.lower() in excinfo.value.message.lower()


def test_missing_relation_is_rejected():
    doc = valid_doc()
    del doc["relation"]

    with pytest.raises(InvalidInput):
        parse_correspondence(doc, EdgeKind.PUBLISHED)


def test_correspondence_without_id_is_rejected_as_invalid_input():
    doc = valid_doc()
    del doc["id"]

    with pytest.raises(InvalidInput) as excinfo:
        parse_correspondence(doc, EdgeKind.PUBLISHED)

    assert excinfo.value.params["id"] == "?"


def test_check_levels_exist_names_unknown_frameworks_and_levels(shipped_frameworks):
    doc = valid_doc()
    doc["from"] = {"framework": "HKQF", "levels": ["HKQF-9"]}
    doc["to"] = {"framework": "XXQF", "levels": ["XXQF-1"]}
    bad = parse_correspondence(doc, EdgeKind.PUBLISHED)

    with pytest.raises(InvalidInput) as excinfo:
        check_levels_exist([bad], shipped_frameworks)

    message = excinfo.value.message
    assert "X-1: unknown level HKQF-9" in message
    assert "X-1: unknown framework XXQF" in message
    assert "X-1: unknown level XXQF-1" in message


def test_step_relation_of_a_one_way_correspondence_depends_on_direction():
    one_way: Correspondence = parse_correspondence(
        valid_doc(relation="equivalent", symmetric=False), EdgeKind.PUBLISHED
    )

    assert Step("NA-1", "NB-1", one_way, reverse=False).relation is Relation.EQUIVALENT
    assert Step("NB-1", "NA-1", one_way, reverse=True).relation is Relation.BROADLY_COMPARABLE


# --- the shipped data: published referencing reports ----------------------------------------------


def match_ids(mapping: LevelMapping) -> list[str]:
    return [m.level.id for m in mapping.matches]


def test_hkqf_4_is_nzqf_5_and_6_directly_broadly_comparable_high(shipped_graph):
    mapping = shipped_graph.map_level(shipped_graph.level("HKQF-4"), "NZQF")

    assert match_ids(mapping) == ["NZQF-5", "NZQF-6"]
    for match in mapping.matches:
        assert not match.indirect
        assert len(match.paths) == 1
        assert match.relation is Relation.BROADLY_COMPARABLE
        assert match.confidence is Confidence.HIGH
        assert match.best.steps[0].correspondence.id == "HKQF-NZQF-4"
    assert mapping.explanation == "Published correspondences support these levels."


def test_hkqf_3_is_nzqf_3_and_4(shipped_graph):
    mapping = shipped_graph.map_level(shipped_graph.level("HKQF-3"), "NZQF")

    assert match_ids(mapping) == ["NZQF-3", "NZQF-4"]
    assert not any(m.indirect for m in mapping.matches)


def test_nzqf_8_has_no_hkqf_match_and_a_published_gap(shipped_graph):
    mapping = shipped_graph.map_level(shipped_graph.level("NZQF-8"), "HKQF")

    assert mapping.matches == ()
    assert "HKQF" in {g.framework for g in mapping.gaps}
    hkqf_gap = next(g for g in mapping.gaps if g.framework == "HKQF")
    assert hkqf_gap.correspondence.id == "HKQF-NZQF-8"
    assert "no agreed equivalent" in mapping.explanation


def test_hkqf_6_has_no_gdleqf_match_only_a_scoped_programme_alignment(shipped_graph):
    mapping = shipped_graph.map_level(shipped_graph.level("HKQF-6"), "GDLEQF")

    assert mapping.matches == ()
    (alignment,) = mapping.programme_alignments
    assert (alignment.source_level, alignment.target_level) == ("HKQF-6", "GDLEQF-6")
    assert alignment.correspondence.scope is not None
    assert "Only the Hong Kong programmes" in alignment.correspondence.scope.en


def test_hkqf_4_has_no_gdleqf_match_and_no_programme_alignment(shipped_graph):
    mapping = shipped_graph.map_level(shipped_graph.level("HKQF-4"), "GDLEQF")

    assert mapping.matches == ()
    assert mapping.programme_alignments == ()
    assert "does not infer" in mapping.explanation


def test_ie_nfq_7_reaches_scqf_9_and_10_only_through_eqf_6_with_lowered_confidence(shipped_graph):
    mapping = shipped_graph.map_level(shipped_graph.level("IE-NFQ-7"), "SCQF")

    assert match_ids(mapping) == ["SCQF-9", "SCQF-10"]
    for match in mapping.matches:
        assert all(p.indirect for p in match.paths)
        assert [p.via for p in match.paths] == [("EQF-6",)]
        step_confidences = [s.correspondence.confidence for s in match.best.steps]
        assert step_confidences == [Confidence.HIGH, Confidence.MEDIUM]
        assert match.confidence < min(step_confidences)
        assert match.confidence is Confidence.LOW
        assert match.relation is Relation.BROADLY_COMPARABLE
    assert "meta-framework" in mapping.explanation


def test_eqf_6_is_ie_nfq_7_and_8_read_in_reverse_as_broadly_comparable(shipped_graph):
    mapping = shipped_graph.map_level(shipped_graph.level("EQF-6"), "IE-NFQ")

    assert match_ids(mapping) == ["IE-NFQ-7", "IE-NFQ-8"]
    for match in mapping.matches:
        assert not match.indirect
        step = match.best.steps[0]
        assert step.reverse
        assert step.correspondence.relation == "equivalent"
        assert not step.correspondence.symmetric
        assert match.relation is Relation.BROADLY_COMPARABLE


def test_nvqc_1_is_its_highest_level_and_maps_to_the_senior_title(shipped_graph):
    nvqc_1 = shipped_graph.level("NVQC-1")
    assert nvqc_1.rank == 5
    assert shipped_graph.level("NVQC-5").rank == 1

    mapping = shipped_graph.map_level(nvqc_1, "QCPTP")

    # referencing.yaml (NVQC-QCPTP-3) publishes NVQC-1 -> QCPTP-senior, broadly comparable, medium.
    assert match_ids(mapping) == ["QCPTP-senior"]
    assert mapping.matches[0].relation is Relation.BROADLY_COMPARABLE
    assert mapping.matches[0].confidence is Confidence.MEDIUM
    assert not mapping.matches[0].indirect


def test_nvqc_lowest_levels_have_a_published_gap_to_professional_titles(shipped_graph):
    for level_id in ("NVQC-5", "NVQC-4"):
        mapping = shipped_graph.map_level(shipped_graph.level(level_id), "QCPTP")

        assert mapping.matches == ()
        assert [g.framework for g in mapping.gaps] == ["QCPTP"]


def test_compare_hkqf_with_nzqf_gives_one_row_per_hkqf_level_lowest_first(shipped_graph):
    rows = shipped_graph.compare("HKQF", "NZQF")

    assert [row.source.id for row in rows] == [f"HKQF-{n}" for n in range(1, 8)]
    assert [match_ids(row) for row in rows] == [
        ["NZQF-1"],
        ["NZQF-2"],
        ["NZQF-3", "NZQF-4"],
        ["NZQF-5", "NZQF-6"],
        ["NZQF-7"],
        ["NZQF-9"],
        ["NZQF-10"],
    ]


def test_frameworks_linked_only_by_a_study_get_no_answer_but_show_the_study(shipped_graph):
    for level in shipped_graph.framework("HKQF").levels:
        mapping = shipped_graph.map_level(level, "EQF")

        assert mapping.matches == ()
        assert mapping.studies
        assert all({"HKQF", "EQF"} <= set(s.frameworks) for s in mapping.studies)


def test_every_shipped_level_pair_satisfies_the_composition_properties(shipped_graph):
    for fw, other in itertools.permutations(shipped_graph.frameworks.values(), 2):
        for level in fw.levels:
            mapping = shipped_graph.map_level(level, other.code)

            check_mapping_properties(shipped_graph, mapping)
            assert {m.level.id: not m.indirect for m in mapping.matches} == expected_reach(
                shipped_graph, level.id, other.code
            )
