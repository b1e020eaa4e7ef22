"""The reference data shipped in creditbank/data/frameworks is complete and consistent."""

from __future__ import annotations

from creditbank.core.frameworks import Order
from creditbank.core.referencing import NO_AGREED_EQUIVALENT, EdgeKind, Relation, check_levels_exist

EXPECTED_CODES = {
    "AQF",
    "AQRF",
    "CN-PLLQF",
    "EQF",
    "GDLEQF",
    "HKQF",
    "IE-NFQ",
    "KQF",
    "LOFOUC",
    "MY-MQF",
    "NVQC",
    "NZQF",
    "QCPTP",
    "QF-EHEA",
    "SCQF",
    "TH-NQF",
    "TH-TQF-HED",
}


def test_all_seventeen_frameworks_parse_under_their_file_names(shipped_framework_docs, shipped_frameworks):
    assert len(shipped_framework_docs) == 17
    assert set(shipped_frameworks) == EXPECTED_CODES
    assert {fw.code for fw in shipped_frameworks.values()} == {
        stem.upper() for stem in shipped_framework_docs
    }


def test_every_framework_has_ranks_one_to_its_top_level(shipped_frameworks):
    for fw in shipped_frameworks.values():
        assert [lv.rank for lv in fw.levels] == list(range(1, fw.top_rank + 1)), fw.code
        assert all(lv.framework_code == fw.code for lv in fw.levels), fw.code


def test_only_the_vocational_certificates_are_numbered_downwards(shipped_frameworks):
    descending = {fw.code for fw in shipped_frameworks.values() if fw.order is Order.DESCENDING}

    assert descending == {"NVQC"}


def test_meta_frameworks_are_eqf_aqrf_and_qf_ehea(shipped_frameworks):
    assert {fw.code for fw in shipped_frameworks.values() if fw.meta_framework} == {"EQF", "AQRF", "QF-EHEA"}


def test_every_correspondence_names_existing_levels(shipped_correspondences, shipped_frameworks):
    check_levels_exist(shipped_correspondences, shipped_frameworks)


def test_every_correspondence_side_holds_levels_of_its_own_framework(shipped_correspondences, shipped_graph):
    for corr in shipped_correspondences:
        for side in (corr.source, corr.target):
            for level_id in side.levels:
                assert shipped_graph.level(level_id).framework_code == side.framework, corr.id


def test_correspondence_ids_are_unique(shipped_correspondences):
    ids = [corr.id for corr in shipped_correspondences]

    assert len(ids) == len(set(ids))


def test_programme_alignments_are_scoped_and_published_correspondences_are_not(shipped_correspondences):
    for corr in shipped_correspondences:
        if corr.kind is EdgeKind.PROGRAMME_ALIGNMENT:
            assert corr.scope is not None, corr.id
        else:
            assert corr.scope is None, corr.id
        if corr.relation != NO_AGREED_EQUIVALENT:
            Relation.parse(corr.relation)


def test_the_graph_has_no_dangling_correspondences(shipped_graph):
    assert shipped_graph.dangling == []


def test_the_graph_holds_every_shipped_correspondence_and_study(
    shipped_graph, shipped_correspondences, shipped_studies, shipped_referencing_doc
):
    assert shipped_graph.correspondences == shipped_correspondences
    assert len(shipped_studies) == len(shipped_referencing_doc["studies"])


def test_every_framework_credit_system_exists(shipped_frameworks, shipped_credit_systems):
    for fw in shipped_frameworks.values():
        if fw.credit_system is not None:
            assert fw.credit_system in shipped_credit_systems, fw.code


def test_all_credit_systems_parse_with_unique_codes(shipped_credit_systems, shipped_credit_systems_doc):
    assert len(shipped_credit_systems) == len(shipped_credit_systems_doc["systems"])
    for system in shipped_credit_systems.values():
        assert (system.hours_per_credit is None) == (system.hours_basis is None), system.code


def test_no_level_summary_is_the_same_in_english_and_chinese(shipped_frameworks):
    for fw in shipped_frameworks.values():
        for level in fw.levels:
            if level.summary is None:
                continue
            assert level.summary.en != level.summary.zh_hans, level.id
            assert level.summary.en != level.summary.zh_hant, level.id


def test_no_level_label_is_left_untranslated(shipped_frameworks):
    for fw in shipped_frameworks.values():
        for level in fw.levels:
            assert level.label.en != level.label.zh_hans, level.id
            assert level.label.en != level.label.zh_hant, level.id
