"""Publishing frameworks and loading reference data: versions, idempotency, and refusals that change nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from creditbank.apps.frameworks import selectors
from creditbank.apps.frameworks.models import CorrespondenceRecord, FrameworkVersion
from creditbank.apps.frameworks.services import (
    SHIPPED_DIR,
    framework_publish,
    read_framework_document,
    reference_data_load,
)
from creditbank.core.errors import InvalidFrameworkDocument, PermissionDenied, UnknownFramework, VersionExists

pytestmark = pytest.mark.django_db


def hkqf_document() -> dict[str, Any]:
    return yaml.safe_load((SHIPPED_DIR / "HKQF.yaml").read_text(encoding="utf-8"))


def stored_state() -> list[tuple[str, str, bool, str]]:
    return list(
        FrameworkVersion.objects.values_list("code", "edition", "is_current", "content_hash").order_by("pk")
    )


def test_reference_data_loads_every_shipped_framework_once(reference_data: Any) -> None:
    assert reference_data.frameworks_created == 17
    again = reference_data_load()
    assert again.frameworks_created == 0
    assert FrameworkVersion.objects.count() == 17
    assert CorrespondenceRecord.objects.count() == reference_data.correspondences


def test_new_edition_becomes_current_and_old_edition_stays_readable(reference_data: Any, people: Any) -> None:
    doc = hkqf_document()
    doc["edition"] = "2027-01"
    doc["levels"][3]["summary"]["en"] = "Revised wording for level 4."
    result = framework_publish(actor=people["operator"], document=doc, note="GLD revision")

    assert result.created
    assert selectors.registry().framework("HKQF").edition == "2027-01"
    assert selectors.registry().framework("HKQF").level("4").summary.en == "Revised wording for level 4."
    old = selectors.framework_at_edition("HKQF", "2026-11")
    assert old.level("4").summary.en != "Revised wording for level 4."
    assert [v.edition for v in selectors.framework_versions("HKQF")] == ["2027-01", "2026-11"]


def test_republishing_the_same_edition_unchanged_is_a_no_op(reference_data: Any, people: Any) -> None:
    before = stored_state()
    result = framework_publish(actor=people["operator"], document=hkqf_document())
    assert not result.created
    assert stored_state() == before


def test_same_edition_with_different_content_is_refused_and_nothing_changes(
    reference_data: Any, people: Any
) -> None:
    doc = hkqf_document()
    doc["levels"][0]["summary"]["en"] = "Silently rewritten."
    before = stored_state()
    with pytest.raises(VersionExists):
        framework_publish(actor=people["operator"], document=doc)
    assert stored_state() == before


@pytest.mark.parametrize("role", ["learner", "institution", "assessor", "employer"])
def test_only_operators_publish_frameworks(reference_data: Any, people: Any, role: str) -> None:
    doc = hkqf_document()
    doc["edition"] = "2027-01"
    before = stored_state()
    with pytest.raises(PermissionDenied):
        framework_publish(actor=people[role], document=doc)
    assert stored_state() == before


def test_invalid_document_reports_every_problem_and_stores_nothing(reference_data: Any, people: Any) -> None:
    doc = copy.deepcopy(hkqf_document())
    doc["edition"] = "2027-01"
    doc["order"] = "sideways"
    doc["levels"][2]["rank"] = 9
    del doc["name"]["zh_hant"]
    before = stored_state()
    with pytest.raises(InvalidFrameworkDocument) as caught:
        framework_publish(actor=people["operator"], document=doc)
    message = caught.value.message
    assert "order" in message
    assert "ranks" in message
    assert "zh_hant" in message
    assert stored_state() == before


def test_unknown_credit_system_is_refused(reference_data: Any, people: Any) -> None:
    doc = hkqf_document()
    doc["edition"] = "2027-01"
    doc["credit_system"] = "MOON-CREDIT"
    with pytest.raises(InvalidFrameworkDocument, match="MOON-CREDIT"):
        framework_publish(actor=people["operator"], document=doc)


def test_a_brand_new_framework_joins_the_registry(reference_data: Any, people: Any) -> None:
    doc = {
        "code": "MO-QF",
        "edition": "2027-01",
        "name": {
            "en": "Macao Qualifications Framework",
            "zh_hans": "澳门资历框架",
            "zh_hant": "澳門資歷框架",
        },
        "jurisdiction": {"en": "Macao SAR", "zh_hans": "澳门特别行政区", "zh_hant": "澳門特別行政區"},
        "kind": "proposed",
        "status": "proposed",
        "order": "ascending",
        "confidence": "low",
        "levels": [
            {
                "key": str(n),
                "rank": n,
                "number": n,
                "label": {"en": f"Level {n}", "zh_hans": f"{n}级", "zh_hant": f"{n}級"},
            }
            for n in range(1, 6)
        ],
    }
    framework_publish(actor=people["operator"], document=doc)
    framework = selectors.registry().framework("MO-QF")
    assert framework.top_rank == 5
    mapping = selectors.registry().graph.map_level(framework.level("3"), "HKQF")
    assert mapping.matches == ()  # no published referencing: nothing is invented


def test_reading_a_missing_edition_names_it(reference_data: Any) -> None:
    with pytest.raises(UnknownFramework, match="1999"):
        selectors.framework_at_edition("HKQF", "1999")


def test_malformed_yaml_says_where(db: Any) -> None:
    with pytest.raises(InvalidFrameworkDocument, match="line 2"):
        read_framework_document("code: X\n  bad: [unclosed\n")


def test_operator_adds_a_version_in_the_admin_and_a_bad_one_is_shown_on_the_form(
    client: Any, reference_data: Any, people: Any
) -> None:
    from django.contrib.auth.models import Permission
    from tests.helpers import login

    operator = people["operator"]
    operator.is_staff = True
    operator.save()
    operator.user_permissions.set(Permission.objects.filter(content_type__app_label="frameworks"))
    login(client, operator)
    text = (SHIPPED_DIR / "KQF.yaml").read_text(encoding="utf-8")
    before = stored_state()
    changed = text.replace("sources:", "sources: []\nx:", 1)
    clash = client.post(
        "/admin/frameworks/frameworkversion/add/", {"source": changed}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert clash.status_code == 200  # the form again, with the error
    assert "already has edition" in clash.content.decode()
    assert stored_state() == before
    added = client.post(
        "/admin/frameworks/frameworkversion/add/",
        {"source": text.replace('edition: "2026-11"', 'edition: "2032-01"'), "note": "annual review"},
    )
    assert added.status_code == 302
    current = FrameworkVersion.objects.get(code="KQF", is_current=True)
    assert (current.edition, current.note, current.created_by) == ("2032-01", "annual review", operator)
