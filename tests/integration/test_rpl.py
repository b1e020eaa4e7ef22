"""Recognition of prior learning: a learner's claim, judged by a panel, into the statement; one appeal."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.helpers import PASSWORD, login

from creditbank.apps.accounts.learners import SignIn, learner_open
from creditbank.apps.accounts.models import User
from creditbank.apps.accreditation.rpl import Evidence, rpl_appeal, rpl_claim
from creditbank.apps.accreditation.services import case_assign, case_decide, case_review
from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.register.services import entries_import, entry_record_accreditation
from creditbank.core.accreditation import ConflictOfInterest
from creditbank.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def claimant(reference_data: Any, people: Any) -> User:
    doc = {"code": "U-WEB", "kind": "course", "title_en": "Web Front-end", "title_zh": "Web前端", "framework": "GDLEQF",
           "level": "4", "credits": "4", "credit_system": "GD-CREDIT", "sector": "ict", "outcomes_en": "Build pages.",
           "outcomes_zh": "构建网页。", "valid_from": "2020-01-01"}  # fmt: skip
    entries_import(actor=people["operator"], docs=[doc], owner_code="sz-poly")
    entry_record_accreditation(
        actor=people["operator"], code="U-WEB", accredited_on=date(2020, 1, 1), next_review_on=None, note="QA"
    )
    learner = learner_open(
        actor=None,
        full_name="Wong Ka Ho",
        id_scheme="hk_id",
        id_number="A123456(3)",
        region="HK",
        sign_in=SignIn("wong", PASSWORD),
    )
    for name in ("p1", "p2", "p3", "p4"):
        User.objects.create_user(name, password=PASSWORD, role="assessor")
    assert learner.user is not None
    return learner.user


def claim(user: User) -> str:
    return rpl_claim(
        actor=user,
        unit_code="U-WEB",
        statement="Five years building the company site.",
        files=[Evidence("portfolio.pdf", PDF)],
    ).ref


def judge(people: Any, ref: str, panel: tuple[str, str], outcome: str) -> None:
    case_assign(actor=people["operator"], ref=ref, reviewers=list(panel))
    for name in panel:
        case_review(
            actor=User.objects.get(username=name),
            ref=ref,
            scores={"outcomes": 4},
            findings="Seen.",
            recommendation=outcome,
        )
    case_decide(
        actor=people["operator"], ref=ref, outcome=outcome, reasons="Judged against the unit's outcomes."
    )


def test_an_approved_claim_becomes_informal_learning_in_the_statement(people: Any, claimant: User) -> None:
    ref = claim(claimant)
    judge(people, ref, ("p1", "p2"), "approved")
    outcome = LearningOutcome.objects.get()
    assert (outcome.outcome_type, outcome.entry.code, outcome.evidence) == ("informal", "U-WEB", f"RPL {ref}")
    assert outcome.learner.user == claimant


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ([], "at least one"),
        ([Evidence("cv.pdf", b"MZ\x90\x00 not really a pdf")], "not a PDF, PNG or JPEG"),
        ([Evidence("big.pdf", PDF + b"0" * (10 * 1024 * 1024))], "larger than 10 MiB"),
        ([Evidence(f"{i}.png", PNG) for i in range(6)], "at most 5"),
    ],
)
def test_evidence_is_checked_by_content_and_size(claimant: User, files: list[Evidence], problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        rpl_claim(actor=claimant, unit_code="U-WEB", statement="x", files=files)


def test_only_learners_claim_and_only_against_accredited_units(people: Any, claimant: User) -> None:
    with pytest.raises((PermissionDenied, NotFound)):
        rpl_claim(
            actor=people["institution"], unit_code="U-WEB", statement="x", files=[Evidence("a.pdf", PDF)]
        )
    entries_import(
        actor=people["operator"],
        docs=[{"code": "U-DRAFT", "kind": "course", "title_en": "D", "title_zh": "D", "framework": "GDLEQF", "level": "4",
               "credits": "4", "credit_system": "GD-CREDIT", "sector": "ict", "outcomes_en": "x", "outcomes_zh": "x",
               "valid_from": "2020-01-01"}],
        owner_code="sz-poly",
    )  # fmt: skip
    with pytest.raises(Conflict, match="not accredited"):
        rpl_claim(actor=claimant, unit_code="U-DRAFT", statement="x", files=[Evidence("a.pdf", PDF)])


def test_a_rejection_is_explained_and_appealed_once_to_a_different_panel(people: Any, claimant: User) -> None:
    ref = claim(claimant)
    judge(people, ref, ("p1", "p2"), "rejected")
    assert not LearningOutcome.objects.exists()
    appeal = rpl_appeal(
        actor=claimant, ref=ref, statement="Now with references.", files=[Evidence("refs.png", PNG)]
    )
    with pytest.raises(ConflictOfInterest):
        case_assign(actor=people["operator"], ref=appeal.ref, reviewers=["p1", "p3"])
    with pytest.raises(Conflict, match="once"):
        rpl_appeal(actor=claimant, ref=ref, statement="again", files=[Evidence("refs.png", PNG)])
    judge(people, appeal.ref, ("p3", "p4"), "approved")
    assert LearningOutcome.objects.get().evidence == f"RPL {appeal.ref}"


def test_evidence_is_private_to_those_who_may_see_the_case(
    client: Client, people: Any, claimant: User
) -> None:
    ref = claim(claimant)
    login(client, claimant)
    page = client.get(f"/accreditation/{ref}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    link = page.split(f"/accreditation/{ref}/evidence/")[1].split('"')[0]
    url = f"/accreditation/{ref}/evidence/{link}"
    download = client.get(url)
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    for outsider in ("learner", "institution", "employer"):
        login(client, people[outsider])
        assert client.get(url).status_code in (403, 404)
    login(client, people["operator"])
    assert client.get(url).status_code == 200


def test_claim_page_and_api(client: Client, people: Any, claimant: User) -> None:
    login(client, claimant)
    made = client.post(
        "/accreditation/rpl/new/",
        {"unit": "U-WEB", "statement": "Built it.", "files": [SimpleUploadedFile("p.pdf", PDF)]},
    )
    assert made.status_code == 302
    refused = client.post(
        "/accreditation/rpl/new/", {"unit": "U-WEB", "statement": "Built it.", "files": [SimpleUploadedFile("x.pdf", b"hello")]},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert refused.status_code == 422
    assert "not a PDF, PNG or JPEG" in refused.content.decode()
    api = client.post(
        "/api/v1/rpl/claims",
        {"unit": "U-WEB", "statement": "Also.", "files": [SimpleUploadedFile("p.png", PNG)]},
    )
    assert (api.status_code, api.json()["learner"], api.json()["stage"]) == (
        201,
        claimant.learner.public_id,
        "external_review",
    )
    mine = client.get("/api/v1/accreditation/cases").json()
    assert len(mine) == 2


def test_an_rpl_claim_is_charged_and_an_upheld_appeal_refunded(people: Any, claimant: User) -> None:
    from decimal import Decimal

    from creditbank.apps.awards.models import Charge
    from creditbank.apps.awards.services import charge_pay, fee_set

    fee_set(actor=people["operator"], institution=None, code="rpl_assessment", amount=Decimal("200"))
    fee_set(actor=people["operator"], institution=None, code="appeal", amount=Decimal("80"))
    ref = claim(claimant)
    assert Charge.objects.get(subject=f"rpl:{ref}").due == Decimal("200.00")
    judge(people, ref, ("p1", "p2"), "rejected")
    appeal = rpl_appeal(
        actor=claimant, ref=ref, statement="Now with references.", files=[Evidence("refs.png", PNG)]
    )
    fee = Charge.objects.get(subject=f"rpl:{appeal.ref}")
    charge_pay(actor=people["operator"], charge_id=fee.pk, amount=Decimal("80"), method="cash")
    judge(people, appeal.ref, ("p3", "p4"), "approved")
    fee.refresh_from_db()
    assert fee.status == "refunded"  # paid, then the appeal was upheld
