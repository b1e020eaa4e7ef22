"""Mutual-recognition agreements: drafted by the bank, checked for conflicts, signed by every party, then in force."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from tests.helpers import PASSWORD, login
from tests.integration.conftest import BLOCK

from creditbank.apps.accounts.models import Institution, User
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.recognition.agreements import agreement_create, agreement_sign, agreement_terminate
from creditbank.apps.recognition.models import Agreement, AgreementStatus
from creditbank.apps.recognition.selectors import pathway
from creditbank.apps.recognition.services import rule_publish, rule_retire
from creditbank.core.errors import Conflict, InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 1)
DOC = {
    "code": "GBA-ICT",
    "title_en": "GBA ICT credit recognition",
    "title_zh": "大湾区信息技术学分互认",
    "parties": ["sz-poly", "hk-ips"],
    "scope": {"sectors": ["ict"], "qualifications": ["HK-DIP"]},
    "valid_from": "2025-01-01",
}
AGREED = {**BLOCK, "code": "GBA-R1", "qualification": "HK-DIP", "agreement": "GBA-ICT"}


@pytest.fixture
def alliance(gba: dict[str, Any], people: dict[str, Any]) -> dict[str, Any]:
    Institution.objects.update(alliance_joined=date(2021, 9, 1))
    hk_staff = User.objects.create_user(
        username="hkstaff",
        password=PASSWORD,
        role="institution",
        institution=Institution.objects.get(code="hk-ips"),
    )
    return {**gba, "hk_staff": hk_staff, "sz_staff": people["institution"]}


def test_a_draft_names_every_problem_and_stores_nothing(alliance: dict[str, Any]) -> None:
    Institution.objects.filter(code="hk-ips").update(alliance_left=date(2025, 1, 1))
    with pytest.raises(InvalidInput) as err:
        agreement_create(
            actor=alliance["operator"],
            doc={**DOC, "title_zh": "", "parties": ["hk-ips", "nowhere"], "valid_to": "2024-01-01"},
        )
    for expected in (
        "title_zh: required",
        "parties: no such institution: nowhere",
        "parties: not members of the alliance: hk-ips",
        "parties: between 2 and",
        "valid_to: must not be before valid_from",
    ):
        assert expected in err.value.message
    assert not Agreement.objects.exists()
    with pytest.raises(PermissionDenied):
        agreement_create(actor=alliance["sz_staff"], doc=DOC)


def test_signed_by_every_party_the_agreement_counts_the_other_parties_learning(
    alliance: dict[str, Any],
) -> None:
    agreement_create(actor=alliance["operator"], doc=DOC)
    record = rule_publish(actor=alliance["operator"], doc=AGREED, owner_code="hk-ips")
    assert record.document["source"]["institutions"] == ["sz-poly"]  # the other parties only
    before = pathway(actor=alliance["operator"], learner=alliance["wong"], qualification="HK-DIP", on=ON)
    assert before.proposal.uses == ()  # a draft counts nothing
    with pytest.raises(PermissionDenied):
        agreement_sign(actor=alliance["operator"], code="GBA-ICT")  # each party signs for itself
    agreement_sign(actor=alliance["sz_staff"], code="GBA-ICT")
    with pytest.raises(Conflict, match="has signed"):
        agreement_sign(actor=alliance["sz_staff"], code="GBA-ICT")
    in_force = agreement_sign(actor=alliance["hk_staff"], code="GBA-ICT")
    assert in_force.status == AgreementStatus.IN_FORCE
    after = pathway(actor=alliance["operator"], learner=alliance["wong"], qualification="HK-DIP", on=ON)
    assert {m.rule.code for m in after.proposal.uses} == {"GBA-R1"}
    kinds = list(LedgerEntry.objects.filter(subject="agreement:GBA-ICT").values_list("kind", flat=True))
    assert kinds == ["agreement.drafted", "agreement.signed", "agreement.signed", "agreement.in_force"]
    with pytest.raises(Conflict, match="in force"):
        rule_retire(actor=alliance["operator"], code="GBA-R1", reason="changed our mind")
    agreement_terminate(actor=alliance["operator"], code="GBA-ICT", reason="replaced by GBA-ICT-2")
    ended = pathway(actor=alliance["operator"], learner=alliance["wong"], qualification="HK-DIP", on=ON)
    assert ended.proposal.uses == ()


def test_a_rule_must_fit_the_agreement_and_adding_one_asks_for_signatures_again(
    alliance: dict[str, Any],
) -> None:
    agreement_create(actor=alliance["operator"], doc=DOC)
    with pytest.raises(InvalidInput) as err:
        rule_publish(
            actor=alliance["operator"],
            doc={
                **AGREED,
                "qualification": "OTHER",
                "source": {**BLOCK["source"], "institutions": ["mo-cpu"]},
            },
            owner_code="hk-ips",
        )
    assert "source.institutions: not parties: mo-cpu" in err.value.message
    assert "qualification: GBA-ICT covers HK-DIP" in err.value.message
    with pytest.raises(PermissionDenied):  # institutions sign agreements; the bank drafts their rules
        rule_publish(actor=alliance["hk_staff"], doc=AGREED)
    rule_publish(actor=alliance["operator"], doc=AGREED, owner_code="hk-ips")
    agreement_sign(actor=alliance["sz_staff"], code="GBA-ICT")
    rule_publish(
        actor=alliance["operator"], doc={**AGREED, "code": "GBA-R2", "factor": "2"}, owner_code="hk-ips"
    )
    assert not Agreement.objects.get().parties.filter(signed_at__isnull=False).exists()


def test_a_conflict_with_a_partys_own_rule_blocks_signing_and_is_listed(alliance: dict[str, Any]) -> None:
    rule_publish(
        actor=alliance["operator"], doc={**BLOCK, "factor": "1"}, owner_code="hk-ips"
    )  # hk-ips's own: x1
    agreement_create(actor=alliance["operator"], doc=DOC)
    rule_publish(actor=alliance["operator"], doc=AGREED, owner_code="hk-ips")  # the agreement: x2
    with pytest.raises(
        InvalidInput, match="cannot be signed while its rules conflict: GBA-R1 v1 and HK-R-GD v1"
    ):
        agreement_sign(actor=alliance["sz_staff"], code="GBA-ICT")
    operator = login(Client(), alliance["operator"])
    listed = operator.get("/api/v1/agreements/GBA-ICT", HTTP_ACCEPT_LANGUAGE="en").json()
    assert listed["conflicts"][0]["rules"] == ["GBA-R1 v1", "HK-R-GD v1"]
    page = operator.get("/recognition/agreements/GBA-ICT/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "accept the same learning" in page
    rule_retire(actor=alliance["operator"], code="HK-R-GD", reason="superseded by the GBA agreement")
    agreement_sign(actor=alliance["sz_staff"], code="GBA-ICT")


def test_drafts_are_seen_by_the_bank_and_the_parties_only(
    alliance: dict[str, Any], people: dict[str, Any]
) -> None:
    agreement_create(actor=alliance["operator"], doc={**DOC, "parties": ["hk-ips", "sz-poly"]})
    assert Client().get("/api/v1/agreements/GBA-ICT").status_code == 404
    assert Client().get("/recognition/agreements/GBA-ICT/").status_code == 404
    assert login(Client(), alliance["sz_staff"]).get("/recognition/agreements/GBA-ICT/").status_code == 200
    assert login(Client(), people["employer"]).get("/api/v1/agreements/GBA-ICT").status_code == 404
    assert Client().get("/api/v1/agreements").json() == []
    assert Client().get("/api/v1/agreements", {"drafts": "true"}).status_code in (401, 403)
    drafts = login(Client(), alliance["operator"]).get("/api/v1/agreements", {"drafts": "true"}).json()
    assert [a["code"] for a in drafts] == ["GBA-ICT"]


def test_operators_draft_on_the_page_and_parties_sign_there(alliance: dict[str, Any]) -> None:
    operator = login(Client(), alliance["operator"])
    drafted = operator.post(
        "/recognition/agreements/",
        {
            "code": "GBA-ICT",
            "title_en": "GBA ICT",
            "title_zh": "大湾区",
            "parties": "sz-poly, hk-ips",
            "sectors": "ict",
            "qualifications": "HK-DIP",
            "valid_from": "2025-01-01",
        },
    )
    assert drafted.status_code == 302
    added = operator.post(
        "/recognition/agreements/GBA-ICT/",
        {
            "action": "rule",
            "document": "owner: hk-ips\ncode: GBA-R1\nqualification: HK-DIP\nsource: {sector: ict, system: GD-CREDIT}\ntarget: {credits: 4, system: HKQF-CREDIT}\nvalid_from: 2025-01-01\n",
        },
    )
    assert added.status_code == 302
    for staff in (alliance["sz_staff"], alliance["hk_staff"]):
        signed = login(Client(), staff).post("/recognition/agreements/GBA-ICT/", {"action": "sign"})
        assert signed.status_code == 302
    assert Agreement.objects.get().status == AgreementStatus.IN_FORCE
    assert "GBA-ICT" in Client().get("/recognition/agreements/").content.decode()


def test_the_cli_drafts_lists_checks_and_terminates(alliance: dict[str, Any], tmp_path: Any) -> None:
    import yaml
    from typer.testing import CliRunner

    from creditbank.cli.main import app

    rule_publish(actor=alliance["operator"], doc={**BLOCK, "factor": "1"}, owner_code="hk-ips")
    file = tmp_path / "gba.yaml"
    rule = {k: v for k, v in AGREED.items() if k != "agreement"}
    file.write_text(yaml.safe_dump({**DOC, "rules": [{**rule, "owner": "hk-ips"}]}), encoding="utf-8")
    runner = CliRunner()
    drafted = runner.invoke(app, ["agreements", "draft", str(file), "--operator", "operator"])
    assert drafted.exit_code == 0, drafted.output
    listed = runner.invoke(app, ["agreements", "list"])
    assert "GBA-ICT [draft]" in listed.output
    checked = runner.invoke(app, ["agreements", "conflicts", "GBA-ICT", "--operator", "operator"])
    assert checked.exit_code == 1
    assert "GBA-R1 v1 and HK-R-GD v1 accept the same learning" in checked.output
    ended = runner.invoke(
        app, ["agreements", "terminate", "GBA-ICT", "--reason", "redrafted", "--operator", "operator"]
    )
    assert ended.exit_code == 0


def test_conflicts_among_rules_in_use_are_listed_for_operators_and_the_institutions_concerned(
    alliance: dict[str, Any], tmp_path: Any
) -> None:
    from typer.testing import CliRunner

    from creditbank.cli.main import app

    rule_publish(actor=alliance["operator"], doc=BLOCK, owner_code="hk-ips")
    runner = CliRunner()
    assert runner.invoke(app, ["rules", "conflicts"]).exit_code == 0
    rule_publish(
        actor=alliance["operator"], doc={**BLOCK, "code": "HK-R-GD2", "factor": "3"}, owner_code="hk-ips"
    )
    listed = runner.invoke(app, ["rules", "conflicts"])
    assert listed.exit_code == 1
    assert "HK-R-GD v1 and HK-R-GD2 v1 accept the same learning" in listed.output
    hk = (
        login(Client(), alliance["hk_staff"])
        .get("/api/v1/recognition/conflicts", HTTP_ACCEPT_LANGUAGE="en")
        .json()
    )
    assert [c["rules"] for c in hk] == [["HK-R-GD v1", "HK-R-GD2 v1"]]
    assert login(Client(), alliance["sz_staff"]).get("/api/v1/recognition/conflicts").json() == []
    page = (
        login(Client(), alliance["hk_staff"])
        .get("/recognition/rules/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "HK-R-GD2 v1 accept the same learning" in page


def test_an_agreement_past_its_end_date_has_expired_and_counts_nothing(alliance: dict[str, Any]) -> None:
    agreement_create(
        actor=alliance["operator"], doc={**DOC, "valid_from": "2024-01-01", "valid_to": "2025-12-31"}
    )
    rule_publish(actor=alliance["operator"], doc=AGREED, owner_code="hk-ips")
    agreement_sign(actor=alliance["sz_staff"], code="GBA-ICT")
    agreement = agreement_sign(actor=alliance["hk_staff"], code="GBA-ICT")
    assert agreement.standing == "Expired"
    assert (
        pathway(
            actor=alliance["operator"], learner=alliance["wong"], qualification="HK-DIP", on=ON
        ).proposal.uses
        == ()
    )
    during = pathway(
        actor=alliance["operator"], learner=alliance["wong"], qualification="HK-DIP", on=date(2025, 6, 1)
    )
    assert {m.rule.code for m in during.proposal.uses} == {"GBA-R1"}
