"""Accreditation cases through every door: the QA stages, conflict of interest, and who may do what."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.helpers import PASSWORD, login
from typer.testing import CliRunner

from creditbank.apps.accounts.models import Institution, User
from creditbank.apps.accreditation.models import CaseEvent
from creditbank.apps.accreditation.services import (
    case_assign,
    case_decide,
    case_open,
    case_review,
    case_self_assess,
    case_sign_off,
)
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.register.models import RegisterEntry
from creditbank.apps.register.services import entry_create
from creditbank.cli.main import app
from creditbank.core.accreditation import ConflictOfInterest, WrongStage
from creditbank.core.errors import DomainError, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db
FINDINGS = {
    "knowledge": "Covers the theory at level 5.",
    "skills": "Graded labs.",
    "competency": "Team projects.",
}
SCORES = {"knowledge": 4, "skills": 5, "competency": 4}


@pytest.fixture
def panel(db: Any, institutions: Any) -> dict[str, User]:
    independent = User.objects.create_user("expert", password=PASSWORD, role="assessor")
    other = User.objects.create_user(
        "hk-expert", password=PASSWORD, role="assessor", institution=institutions["other"]
    )
    return {"independent": independent, "other": other}


@pytest.fixture
def draft(reference_data: Any, people: Any) -> RegisterEntry:
    return entry_create(
        actor=people["institution"],
        doc={
            "code": "SZP-SE-301",
            "kind": "course",
            "title_en": "Cloud Computing Fundamentals",
            "title_zh": "云计算基础",
            "framework": "GDLEQF",
            "level": "5",
            "credits": "4",
            "credit_system": "GD-CREDIT",
            "sector": "ict",
            "outcomes_en": "Deploy and operate a containerised application.",
            "outcomes_zh": "部署并运维容器化应用。",
            "valid_from": "2025-09-01",
        },
    )


def through_review(people: Any, panel: Any, draft: RegisterEntry) -> str:
    ref = case_open(actor=people["institution"], entry_code=draft.code).ref
    case_self_assess(actor=people["institution"], ref=ref, findings=FINDINGS)
    case_assign(actor=people["operator"], ref=ref, reviewers=["expert", "hk-expert"])
    for reviewer in panel.values():
        case_review(
            actor=reviewer, ref=ref, scores=SCORES, findings="Meets level 5.", recommendation="approved"
        )
    return ref


def test_the_full_qa_path_accredits_the_entry_on_the_decided_level(
    people: Any, panel: Any, draft: RegisterEntry
) -> None:
    ref = through_review(people, panel, draft)
    case_sign_off(
        actor=people["operator"],
        ref=ref,
        name="Chan",
        organisation="GBA Cloud Alliance",
        statement="Needed skills.",
    )
    case = case_decide(
        actor=people["operator"],
        ref=ref,
        outcome="approved",
        reasons="All domains met.",
        level="4",
        credits="3.5",
    )
    entry = RegisterEntry.objects.get(code="SZP-SE-301")
    assert (entry.status, entry.level_id, entry.level_rank, str(entry.credits)) == (
        "accredited",
        "GDLEQF-4",
        4,
        "3.50",
    )
    assert entry.accredited_on is not None
    assert case.ref in entry.status_note
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == [
        "opened",
        "self_assessed",
        "panel_assigned",
        "reviewed",
        "reviewed",
        "signed_off",
        "decided",
    ]
    logged = json.loads(LedgerEntry.objects.get(kind="accreditation.decided", subject=f"case:{ref}").body)
    assert (logged["data"]["entry"], logged["data"]["outcome"], logged["data"]["level"]) == (
        "SZP-SE-301",
        "approved",
        "GDLEQF-4",
    )
    assert logged["data"]["credits"] == "3.5"


def test_rejection_is_explained_to_the_institution(
    client: Client, people: Any, panel: Any, draft: RegisterEntry
) -> None:
    ref = through_review(people, panel, draft)
    case_sign_off(
        actor=people["operator"], ref=ref, name="Chan", organisation="Alliance", statement="Reviewed."
    )
    case_decide(
        actor=people["operator"], ref=ref, outcome="rejected", reasons="Outcomes describe level 3 work."
    )
    assert RegisterEntry.objects.get(code="SZP-SE-301").status == "rejected"
    login(client, people["institution"])
    page = client.get(f"/accreditation/{ref}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Outcomes describe level 3 work." in page


def test_an_assessor_from_the_submitting_institution_is_refused(
    people: Any, panel: Any, draft: RegisterEntry, institutions: Any
) -> None:
    ref = case_open(actor=people["institution"], entry_code=draft.code).ref
    case_self_assess(actor=people["institution"], ref=ref, findings=FINDINGS)
    same = User.objects.create_user(
        "own-expert", password=PASSWORD, role="assessor", institution=institutions["own"]
    )
    with pytest.raises(ConflictOfInterest):
        case_assign(actor=people["operator"], ref=ref, reviewers=[same.username, "expert"])
    assert not RegisterEntry.objects.get(code=draft.code).cases.get().panel.exists()


def test_partners_of_a_cooperation_programme_are_submitters_too(
    people: Any, panel: Any, draft: RegisterEntry
) -> None:
    ref = case_open(
        actor=people["institution"], entry_code=draft.code, kind="cooperation_programme", partners=["hk-ips"]
    ).ref
    case_self_assess(actor=people["institution"], ref=ref, findings=FINDINGS)
    with pytest.raises(ConflictOfInterest, match="hk-ips"):
        case_assign(actor=people["operator"], ref=ref, reviewers=["expert", "hk-expert"])


@pytest.mark.parametrize("role", ["institution", "learner", "employer", "assessor"])
def test_only_operators_run_the_panel_and_decide(
    people: Any, panel: Any, draft: RegisterEntry, role: str
) -> None:
    ref = case_open(actor=people["institution"], entry_code=draft.code).ref
    case_self_assess(actor=people["institution"], ref=ref, findings=FINDINGS)
    with pytest.raises((PermissionDenied, NotFound)):
        case_assign(actor=people[role], ref=ref, reviewers=["expert", "hk-expert"])


def test_an_assessor_not_on_the_panel_cannot_see_or_review(
    people: Any, panel: Any, draft: RegisterEntry
) -> None:
    ref = case_open(actor=people["institution"], entry_code=draft.code).ref
    case_self_assess(actor=people["institution"], ref=ref, findings=FINDINGS)
    case_assign(actor=people["operator"], ref=ref, reviewers=["expert", "hk-expert"])
    with pytest.raises(NotFound):
        case_review(actor=people["assessor"], ref=ref, scores=SCORES, findings="x", recommendation="approved")


def test_another_institution_cannot_open_a_case_for_our_entry(
    people: Any, draft: RegisterEntry, institutions: Any
) -> None:
    stranger = User.objects.create_user(
        "hk-staff", password=PASSWORD, role="institution", institution=institutions["other"]
    )
    with pytest.raises(PermissionDenied):
        case_open(actor=stranger, entry_code=draft.code)
    assert RegisterEntry.objects.get(code=draft.code).status == "draft"


def test_refused_steps_change_nothing(people: Any, panel: Any, draft: RegisterEntry) -> None:
    ref = case_open(actor=people["institution"], entry_code=draft.code).ref
    with pytest.raises(WrongStage):
        case_decide(
            actor=people["operator"], ref=ref, outcome="approved", reasons="x", level="5", credits="4"
        )
    with pytest.raises(DomainError, match="competency: no finding"):
        case_self_assess(actor=people["institution"], ref=ref, findings={"knowledge": "x", "skills": "y"})
    case = RegisterEntry.objects.get(code=draft.code).cases.get()
    assert (case.stage, case.self_assessment) == ("self_assessment", {})
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["opened"]


def test_an_accredited_entry_cannot_be_sent_again(people: Any, panel: Any, draft: RegisterEntry) -> None:
    case_open(actor=people["institution"], entry_code=draft.code)
    with pytest.raises(DomainError, match="only drafts"):
        case_open(actor=people["institution"], entry_code=draft.code)


def test_pages_carry_the_whole_case(client: Client, people: Any, panel: Any, draft: RegisterEntry) -> None:
    login(client, people["institution"])
    opened = client.post("/accreditation/", {"entry": draft.code})
    ref = opened.url.rstrip("/").split("/")[-1]
    client.post(
        f"/accreditation/{ref}/",
        {"action": "self_assess", **{f"finding-{k}": v for k, v in FINDINGS.items()}},
    )
    login(client, people["operator"])
    form = client.get(f"/accreditation/{ref}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="assessor" disabled' in form  # the fixture's assessor works for the submitter
    assert "conflict of interest" in form
    refused = client.post(
        f"/accreditation/{ref}/", {"action": "assign", "reviewer": ["expert"]}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 422
    assert "at least 2" in refused.content.decode()
    client.post(f"/accreditation/{ref}/", {"action": "assign", "reviewer": ["expert", "hk-expert"]})
    for reviewer in panel.values():
        login(client, reviewer)
        client.post(
            f"/accreditation/{ref}/",
            {
                "action": "review",
                "findings": "ok",
                "recommendation": "approved",
                **{f"score-{k}": v for k, v in SCORES.items()},
            },
        )
    login(client, people["operator"])
    client.post(
        f"/accreditation/{ref}/",
        {"action": "signoff", "name": "Chan", "organisation": "Alliance", "statement": "Yes"},
    )
    client.post(
        f"/accreditation/{ref}/",
        {
            "action": "decide",
            "outcome": "approved",
            "level": "5",
            "credits": "4",
            "reasons": "Met.",
            "re_review_on": "2030-06-30",
        },
    )
    entry = RegisterEntry.objects.get(code=draft.code)
    assert (entry.status, str(entry.next_review_on)) == ("accredited", "2030-06-30")


def test_api_journey_and_visibility(client: Client, people: Any, panel: Any, draft: RegisterEntry) -> None:
    login(client, people["institution"])
    case = client.post(
        "/api/v1/accreditation/cases", data={"entry": draft.code}, content_type="application/json"
    ).json()
    ref = case["ref"]
    assert case["domains"] == ["knowledge", "skills", "competency"]
    done = client.post(
        f"/api/v1/accreditation/cases/{ref}/self-assessment",
        data={"findings": FINDINGS},
        content_type="application/json",
    )
    assert done.json()["stage"] == "external_review"
    assert (
        client.post(
            f"/api/v1/accreditation/cases/{ref}/panel",
            data={"reviewers": ["expert", "hk-expert"]},
            content_type="application/json",
        ).status_code
        == 403
    )
    login(client, people["operator"])
    client.post(
        f"/api/v1/accreditation/cases/{ref}/panel",
        data={"reviewers": ["expert", "hk-expert"]},
        content_type="application/json",
    )
    login(client, panel["independent"])
    reviewed = client.post(
        f"/api/v1/accreditation/cases/{ref}/reviews",
        data={"scores": SCORES, "findings": "ok", "recommendation": "approved"},
        content_type="application/json",
    ).json()
    assert reviewed["waiting_for"] == ["hk-expert"]
    login(client, people["learner"])
    assert client.get(f"/api/v1/accreditation/cases/{ref}").status_code == 403
    login(client, people["assessor"])  # an assessor not on this panel
    assert client.get(f"/api/v1/accreditation/cases/{ref}").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_cli_lists_assigns_and_decides(people: Any, panel: Any, draft: RegisterEntry) -> None:
    ref = case_open(actor=people["institution"], entry_code=draft.code).ref
    case_self_assess(actor=people["institution"], ref=ref, findings=FINDINGS)
    runner = CliRunner()
    listed = runner.invoke(
        app, ["accreditation", "list", "--operator", "operator", "--stage", "external_review"]
    )
    assert ref in listed.stdout
    conflict = Institution.objects.get(code="sz-poly")
    User.objects.create_user("own-expert", password=PASSWORD, role="assessor", institution=conflict)
    refused = runner.invoke(
        app,
        [
            "accreditation",
            "assign",
            ref,
            "--reviewer",
            "own-expert",
            "--reviewer",
            "expert",
            "--operator",
            "operator",
        ],
    )
    assert refused.exit_code == 1
    assert "cannot review" in refused.stderr
    ok = runner.invoke(
        app,
        [
            "accreditation",
            "assign",
            ref,
            "--reviewer",
            "expert",
            "--reviewer",
            "hk-expert",
            "--operator",
            "operator",
        ],
    )
    assert ok.exit_code == 0, ok.stderr
    for reviewer in panel.values():
        case_review(actor=reviewer, ref=ref, scores=SCORES, findings="ok", recommendation="approved")
    case_sign_off(actor=people["operator"], ref=ref, name="Chan", organisation="Alliance", statement="Yes")
    decided = runner.invoke(
        app,
        [
            "accreditation",
            "decide",
            ref,
            "--outcome",
            "approved",
            "--reasons",
            "Met.",
            "--level",
            "5",
            "--credits",
            "4",
            "--operator",
            "operator",
        ],
    )
    assert decided.exit_code == 0, decided.stderr
    assert RegisterEntry.objects.get(code=draft.code).status == "accredited"


def test_the_refusal_names_the_status_in_the_readers_language(
    client: Client, people: Any, draft: RegisterEntry
) -> None:
    login(client, people["institution"])
    client.post("/api/v1/accreditation/cases", data={"entry": draft.code}, content_type="application/json")
    again = client.post(
        "/api/v1/accreditation/cases",
        data={"entry": draft.code},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).json()
    assert again["code"] == "conflict"
    assert "认证中" in again["message"]
    assert "in_review" not in again["message"]


def test_an_approved_programme_alignment_joins_the_graph_for_that_programme_only(
    client: Client, people: Any, panel: Any, reference_data: Any
) -> None:
    from datetime import date

    from creditbank.apps.frameworks.selectors import registry
    from creditbank.apps.register.services import entry_record_accreditation

    diploma = entry_create(
        actor=people["institution"],
        doc={"code": "SZP-SE-DIP", "kind": "diploma", "title_en": "Diploma in Software Technology", "title_zh": "软件技术专业",
             "framework": "GDLEQF", "level": "5", "credits": "120", "credit_system": "GD-CREDIT", "sector": "ict",
             "outcomes_en": "Develop software.", "outcomes_zh": "开发软件。", "valid_from": "2020-09-01"},
    )  # fmt: skip
    with pytest.raises(DomainError, match="Only an accredited programme"):
        case_open(
            actor=people["institution"],
            entry_code=diploma.code,
            kind="programme_alignment",
            target_framework="HKQF",
            target_level="4",
        )
    entry_record_accreditation(
        actor=people["operator"],
        code=diploma.code,
        accredited_on=date(2021, 6, 1),
        next_review_on=None,
        note="QA",
    )
    ref = case_open(
        actor=people["institution"],
        entry_code=diploma.code,
        kind="programme_alignment",
        target_framework="HKQF",
        target_level="4",
    ).ref
    hk_domains = {d.key: "evidence" for d in registry().framework("HKQF").domains}
    case_self_assess(actor=people["institution"], ref=ref, findings=hk_domains)
    case_assign(actor=people["operator"], ref=ref, reviewers=["expert", "hk-expert"])
    for reviewer in panel.values():
        case_review(
            actor=reviewer,
            ref=ref,
            scores=dict.fromkeys(hk_domains, 4),
            findings="Matches HKQF 4.",
            recommendation="approved",
        )
    case_sign_off(
        actor=people["operator"], ref=ref, name="Chan", organisation="HK employers", statement="Agreed."
    )
    with pytest.raises(DomainError, match="at which level"):
        case_decide(actor=people["operator"], ref=ref, outcome="approved", reasons="Matches.")
    case_decide(
        actor=people["operator"],
        ref=ref,
        outcome="approved",
        reasons="Matches the HKQF 4 descriptors.",
        level="4",
    )
    graph = registry().graph
    mapping = graph.map_level(registry().framework("GDLEQF").level("5"), "HKQF")
    assert mapping.matches == ()  # no framework-level answer is invented
    alignment = next(p for p in mapping.programme_alignments if p.correspondence.id == f"PA-{ref}")
    assert alignment.target_level == "HKQF-4"
    assert "SZP-SE-DIP" in alignment.correspondence.scope.en  # type: ignore[union-attr]
    assert (
        RegisterEntry.objects.get(code=diploma.code).level_id == "GDLEQF-5"
    )  # the programme itself is unchanged
    api = client.get("/api/v1/levels/map", {"level": "GDLEQF:5", "to": "HKQF"}).json()
    assert any(n["correspondence"] == f"PA-{ref}" for n in api["notes"])


def test_api_opens_an_alignment_case(client: Client, people: Any, reference_data: Any) -> None:
    from datetime import date

    from creditbank.apps.register.services import entry_record_accreditation

    entry_create(
        actor=people["institution"],
        doc={"code": "SZP-DIP", "kind": "diploma", "title_en": "Diploma", "title_zh": "专科", "framework": "GDLEQF",
             "level": "5", "credits": "120", "credit_system": "GD-CREDIT", "sector": "ict", "outcomes_en": "x",
             "outcomes_zh": "x", "valid_from": "2020-09-01"},
    )  # fmt: skip
    entry_record_accreditation(
        actor=people["operator"],
        code="SZP-DIP",
        accredited_on=date(2021, 6, 1),
        next_review_on=None,
        note="QA",
    )
    login(client, people["institution"])
    body = {
        "entry": "SZP-DIP",
        "kind": "programme_alignment",
        "target_framework": "HKQF",
        "target_level": "4",
    }
    opened = client.post("/api/v1/accreditation/cases", data=body, content_type="application/json").json()
    assert (opened["target"], opened["domains"][0]) == ("HKQF-4", "knowledge_and_intellectual_skills")
    same = client.post(
        "/api/v1/accreditation/cases",
        data={**body, "target_framework": "GDLEQF"},
        content_type="application/json",
    )
    assert same.status_code == 422
