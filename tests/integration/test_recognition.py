"""Recognition rules, credit policies and pathways against a real database, through services, CLI and API."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from tests.helpers import login
from tests.integration.conftest import BLOCK, EXEMPT
from typer.testing import CliRunner

from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.recognition.models import QualificationPolicy, RecognitionRule, RuleStatus
from creditbank.apps.recognition.selectors import pathway
from creditbank.apps.recognition.services import policy_set, rule_publish, rule_retire
from creditbank.cli.main import app
from creditbank.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from creditbank.core.rules import InvalidRule

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 1)


def test_a_published_rule_is_stored_with_its_version_and_recorded_in_the_ledger(gba: dict[str, Any]) -> None:
    first = rule_publish(actor=gba["operator"], doc=EXEMPT, owner_code="hk-ips")
    second = rule_publish(
        actor=gba["operator"], doc={**EXEMPT, "conditions": {"grades": ["A"]}}, owner_code="hk-ips"
    )
    first.refresh_from_db()
    assert (first.version, first.status) == (1, RuleStatus.SUPERSEDED)
    assert (second.version, second.status) == (2, RuleStatus.ACTIVE)
    assert second.document["conditions"] == {"grades": ["A"]}
    subjects = list(LedgerEntry.objects.filter(kind="rule.published").values_list("subject", flat=True))
    assert subjects == ["rule:HK-R-EX:1", "rule:HK-R-EX:2"]


def test_a_rule_is_checked_against_the_register_and_nothing_is_stored_when_it_fails(
    gba: dict[str, Any],
) -> None:
    bad = {
        **EXEMPT,
        "qualification": "U-101",
        "source": {"units": ["NOPE-1"], "institutions": ["nowhere"]},
        "target": {"exempt": "U-101"},
    }
    with pytest.raises(InvalidRule) as err:
        rule_publish(actor=gba["operator"], doc=bad, owner_code="hk-ips")
    message = err.value.message
    assert "qualification: U-101 is not a qualification in the register" in message
    assert "target.exempt: U-101 is not a unit of hk-ips" in message
    assert "source.units: not in the register: NOPE-1" in message
    assert "source.institutions: no such institution: nowhere" in message
    with pytest.raises(InvalidRule, match="HK-DIP counts HKQF-CREDIT credits, not GD-CREDIT"):
        rule_publish(
            actor=gba["operator"],
            doc={**BLOCK, "qualification": "HK-DIP", "target": {"system": "GD-CREDIT", "credits": 2}},
            owner_code="hk-ips",
        )
    assert not RecognitionRule.objects.exists()
    assert not LedgerEntry.objects.filter(kind__startswith="rule.").exists()


def test_institutions_publish_rules_only_for_themselves(gba: dict[str, Any], people: dict[str, Any]) -> None:
    staff = people["institution"]  # works for sz-poly
    with pytest.raises(PermissionDenied):
        rule_publish(actor=staff, doc=EXEMPT, owner_code="hk-ips")
    with pytest.raises(PermissionDenied):
        rule_publish(actor=people["learner"], doc=EXEMPT)
    own = rule_publish(
        actor=staff, doc={**BLOCK, "code": "SZ-R", "target": {"system": "GD-CREDIT", "credits": 2}}
    )
    assert own.owner.code == "sz-poly"
    rule_publish(actor=gba["operator"], doc=EXEMPT, owner_code="hk-ips")
    with pytest.raises(Conflict, match="belongs to hk-ips"):
        rule_publish(
            actor=staff,
            doc={**EXEMPT, "qualification": None, "target": {"system": "GD-CREDIT", "credits": 1}},
        )
    with pytest.raises(PermissionDenied):
        rule_retire(actor=staff, code="HK-R-EX", reason="not ours")


def test_a_retired_rule_stops_counting(gba: dict[str, Any]) -> None:
    rule_publish(actor=gba["operator"], doc=EXEMPT, owner_code="hk-ips")
    before = pathway(actor=gba["operator"], learner=gba["wong"], qualification="HK-DIP", on=ON)
    assert [m.rule.code for m in before.proposal.uses] == ["HK-R-EX"]
    rule_retire(actor=gba["operator"], code="HK-R-EX", reason="the units changed")
    after = pathway(actor=gba["operator"], learner=gba["wong"], qualification="HK-DIP", on=ON)
    assert after.proposal.uses == ()
    with pytest.raises(InvalidInput):
        rule_retire(actor=gba["operator"], code="HK-R-EX", reason="")


def test_the_pathway_counts_own_and_transferred_credit_under_the_caps(gba: dict[str, Any]) -> None:
    rule_publish(actor=gba["operator"], doc=EXEMPT, owner_code="hk-ips")
    rule_publish(actor=gba["operator"], doc=BLOCK, owner_code="hk-ips")
    uncapped = pathway(actor=gba["operator"], learner=gba["wong"], qualification="HK-DIP", on=ON)
    # U-102 is worth 15 as the HK-202 exemption (more than 8 as a block); U-101 gives 4 x 2 = 8.
    assert sorted((m.holding.unit, m.award.credits) for m in uncapped.proposal.uses if m.award) == [
        ("U-101", 8),
        ("U-102", 15),
    ]
    assert uncapped.audit.met
    policy_set(actor=gba["operator"], qualification="HK-DIP", preset="HK-MTR-ACADEMY")  # 45 % of 30 = 13.5
    capped = pathway(actor=gba["operator"], learner=gba["wong"], qualification="HK-DIP", on=ON)
    assert capped.proposal.credits == 8
    assert not capped.audit.met
    assert "45%" in capped.proposal.left_out[0].reasons[0].render()


def test_a_what_if_changes_nothing_that_is_stored(gba: dict[str, Any]) -> None:
    rule_publish(actor=gba["operator"], doc=BLOCK, owner_code="hk-ips")
    counts = (LearningOutcome.objects.count(), LedgerEntry.objects.count(), RecognitionRule.objects.count())
    pathway(actor=gba["operator"], learner=gba["wong"], qualification="HK-DIP", on=ON)
    assert (
        LearningOutcome.objects.count(),
        LedgerEntry.objects.count(),
        RecognitionRule.objects.count(),
    ) == counts


def test_a_policy_is_a_preset_or_a_valid_document(gba: dict[str, Any], people: dict[str, Any]) -> None:
    record = policy_set(actor=gba["operator"], qualification="HK-DIP", preset="gd-2025-he")
    assert (record.preset, record.document["highest_only"]) == ("GD-2025-HE", True)
    with pytest.raises(NotFound, match="the presets are"):
        policy_set(actor=gba["operator"], qualification="HK-DIP", preset="NOPE")
    with pytest.raises(InvalidInput):
        policy_set(actor=gba["operator"], qualification="HK-DIP", document={"code": "X", "caps": "many"})
    with pytest.raises(PermissionDenied):
        policy_set(actor=people["institution"], qualification="HK-DIP", preset="GD-2025-HE")
    assert QualificationPolicy.objects.get().preset == "GD-2025-HE"
    assert LedgerEntry.objects.filter(kind="policy.set").count() == 1


def test_only_the_learner_and_the_bank_see_a_pathway(gba: dict[str, Any], people: dict[str, Any]) -> None:
    for role in ("learner", "institution", "employer", "assessor"):
        with pytest.raises(PermissionDenied):
            pathway(actor=people[role], learner=gba["wong"], qualification="HK-DIP", on=ON)


def test_the_cli_audits_and_proposes(gba: dict[str, Any]) -> None:
    rule_publish(actor=gba["operator"], doc=EXEMPT, owner_code="hk-ips")
    rule_publish(actor=gba["operator"], doc=BLOCK, owner_code="hk-ips")
    runner = CliRunner()
    number = gba["wong"].public_id
    args = ["--learner", number, "--qualification", "HK-DIP", "--operator", "operator", "--on", "2026-06-01"]
    met = runner.invoke(app, ["audit", *args])
    assert met.exit_code == 0, met.output
    assert "HK-202" in met.output
    as_json = runner.invoke(app, ["transfer", "propose", *args, "--json"])
    assert as_json.exit_code == 0
    data = json.loads(as_json.output)
    assert {u["exempts"] for u in data["transfer"]["uses"]} == {"HK-202", None}
    rule_retire(actor=gba["operator"], code="HK-R-EX", reason="gone")
    missing = runner.invoke(app, ["audit", *args])
    assert missing.exit_code == 3
    unknown = runner.invoke(
        app, ["audit", "--learner", "NOBODY", "--qualification", "HK-DIP", "--operator", "operator"]
    )
    assert unknown.exit_code == 1
    assert "There is no learner NOBODY" in unknown.output


def test_the_api_serves_the_learner_their_own_pathway(gba: dict[str, Any], people: dict[str, Any]) -> None:
    from creditbank.apps.accounts.models import User

    rule_publish(actor=gba["operator"], doc=BLOCK, owner_code="hk-ips")
    wong = User.objects.get(username="wong")
    client = login(Client(), wong)
    own = client.get(
        "/api/v1/learners/me/pathway",
        {"qualification": "HK-DIP", "on": "2026-06-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert own.status_code == 200
    body = own.json()
    assert body["requirements"]["children"][0]["status"] == "met"
    assert body["transfer"]["uses"][0]["counts_as"] == "counts as 8 HKQF-CREDIT credits under rule HK-R-GD v1"
    other = client.get(f"/api/v1/learners/{gba['li'].public_id}/pathway", {"qualification": "HK-DIP"})
    assert other.status_code == 403
    anonymous = Client().get("/api/v1/learners/me/pathway", {"qualification": "HK-DIP"})
    assert anonymous.status_code == 401
    operator = login(Client(), people["operator"])
    proposal = operator.get(
        f"/api/v1/learners/{gba['wong'].public_id}/transfer-proposal", {"qualification": "HK-DIP"}
    )
    assert proposal.status_code == 200
    assert proposal.json()["transfer"]["credits"] == "16"
    zh = operator.get(
        f"/api/v1/learners/{gba['wong'].public_id}/pathway",
        {"qualification": "HK-DIP"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert zh.json()["qualification"]["title"].startswith("课程")


def test_rules_and_presets_are_public_and_publishing_needs_rights(
    gba: dict[str, Any], people: dict[str, Any]
) -> None:
    rule_publish(actor=gba["operator"], doc=EXEMPT, owner_code="hk-ips")
    listed = Client().get("/api/v1/recognition/rules", {"qualification": "HK-DIP"})
    assert [r["code"] for r in listed.json()] == ["HK-R-EX"]
    presets = Client().get("/api/v1/recognition/policy-presets").json()
    assert {"KR-ACBS-BACHELOR", "GD-2025-HE"} <= {p["preset"] for p in presets}
    staff = login(Client(), people["institution"])
    refused = staff.post(
        "/api/v1/recognition/rules",
        {**EXEMPT, "code": "X-1", "owner": "hk-ips"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    bad = staff.post(
        "/api/v1/recognition/rules", {**BLOCK, "code": "X-2", "factor": "0"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert "factor: a number above 0" in bad.json()["message"]
    put = login(Client(), gba["operator"]).put(
        "/api/v1/recognition/policies/HK-DIP", {"preset": "KR-ACBS-BACHELOR"}, content_type="application/json"
    )
    assert put.status_code == 200
    assert Client().get("/api/v1/recognition/policies/HK-DIP").json()["preset"] == "KR-ACBS-BACHELOR"
