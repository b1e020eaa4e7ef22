"""Skills of register entries and job postings matched against the register, through the services,
the API and the CLI: suggestions when an entry is registered, the institution's decision (on the
ledger, in its scope only), cross-language matches with reasons, all-or-nothing files, and who
sees which postings."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from stdnum.cn import ric
from tests.helpers import PASSWORD, login
from tests.integration.conftest import unit
from typer.testing import CliRunner

from creditbank.apps.accounts.learners import SignIn, learner_open
from creditbank.apps.accounts.models import Institution, User
from creditbank.apps.deposits.services import deposit_batch
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.matching.models import JobPosting, TagStatus, UnitSkill
from creditbank.apps.matching.services import (
    curriculum_coverage,
    learner_prospects,
    matching_consent_set,
    posting_match,
    postings_import,
    unit_skills_decide,
)
from creditbank.apps.matching.vocabulary import vocabulary
from creditbank.apps.register.services import entries_import, entry_record_accreditation
from creditbank.apps.stats.services import stats_refresh
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def uri(label: str) -> str:
    """The vocabulary's concept whose English label is this (the tests name skills as ESCO does)."""
    (found,) = [s.uri for s in vocabulary().skills.values() if s.en == label]
    return found


DATABASES = unit(
    "DB-101", title_en="Database Applications", title_zh="数据库应用",
    outcomes_en="Design a relational schema, write SQL queries and transactions, and tune simple indexes.",
    outcomes_zh="见英文说明。",
)  # fmt: skip
NURSING = unit(
    "NUR-101", sector="health", title_en="Fundamentals of Nursing", title_zh="护理学基础",
    outcomes_en="See the Chinese description.",
    outcomes_zh="为老年患者提供基础护理服务，实施感染控制措施，并规范完成急救操作。",
)  # fmt: skip


@pytest.fixture
def register(reference_data: Any, people: dict[str, Any]) -> dict[str, Any]:
    entries_import(actor=people["operator"], docs=[DATABASES, NURSING], owner_code="sz-poly")
    for code in ("DB-101", "NUR-101"):
        entry_record_accreditation(
            actor=people["operator"],
            code=code,
            accredited_on=date(2020, 6, 1),
            next_review_on=None,
            note="QA",
        )
    return people


def tags(code: str, status: str = TagStatus.SUGGESTED) -> set[str]:
    return set(UnitSkill.objects.filter(entry__code=code, status=status).values_list("skill", flat=True))


def test_registering_an_entry_suggests_the_skills_its_outcomes_name(register: dict) -> None:
    assert uri("SQL") in tags("DB-101")
    assert not tags("DB-101") & tags("NUR-101")
    assert all(UnitSkill.objects.filter(entry__code="DB-101").values_list("evidence", flat=True))


def test_a_chinese_posting_finds_a_unit_described_in_english_and_the_reverse(register: dict) -> None:
    zh = posting_match(
        actor=register["employer"], text="招聘数据库开发工程师：熟练编写SQL查询，负责数据库设计与优化。"
    )
    assert [u.entry.code for u in zh.units][:1] == ["DB-101"]
    assert uri("SQL") in zh.units[0].match.matched
    en = posting_match(
        actor=register["employer"], text="Care assistant: basic nursing care for older patients."
    )
    assert "NUR-101" in [u.entry.code for u in en.units]
    assert "DB-101" not in [u.entry.code for u in en.units]


def test_the_institution_decides_what_its_entry_teaches_on_the_ledger(register: dict) -> None:
    suggested = sorted(tags("DB-101"))
    before = LedgerEntry.objects.count()
    unit_skills_decide(
        actor=register["institution"], code="DB-101", confirm=[suggested[0]], reject=suggested[1:]
    )
    assert tags("DB-101", TagStatus.CONFIRMED) == {suggested[0]}
    assert tags("DB-101", TagStatus.REJECTED) == set(suggested[1:])
    entry = LedgerEntry.objects.order_by("-pk").first()
    assert LedgerEntry.objects.count() == before + 1
    assert entry is not None
    assert entry.kind == "register.skills_decided"
    # Rejected skills no longer bring the unit up; confirmed ones do.
    lost = posting_match(actor=register["employer"], text="Must tune indexes and write SQL queries.")
    hit = next((u for u in lost.units if u.entry.code == "DB-101"), None)
    assert hit is None or set(hit.match.matched) <= {suggested[0]}


def test_decisions_are_checked_and_change_nothing_when_wrong(register: dict) -> None:
    before = (tags("DB-101"), LedgerEntry.objects.count())
    other = User.objects.create_user(
        "hk-staff", role="institution", institution=Institution.objects.get(code="hk-ips")
    )
    with pytest.raises(PermissionDenied):  # hk-ips staff do not decide sz-poly's entries
        unit_skills_decide(actor=other, code="DB-101", confirm=[uri("SQL")])
    with pytest.raises(InvalidInput, match="Unknown skills"):
        unit_skills_decide(actor=register["operator"], code="DB-101", confirm=["http://example.org/not-esco"])
    with pytest.raises(InvalidInput, match="both confirmed and rejected"):
        unit_skills_decide(
            actor=register["operator"], code="DB-101", confirm=[uri("SQL")], reject=[uri("SQL")]
        )
    with pytest.raises(InvalidInput, match="at least one skill"):
        unit_skills_decide(actor=register["operator"], code="DB-101")
    assert (tags("DB-101"), LedgerEntry.objects.count()) == before


def test_a_file_of_postings_is_kept_whole_or_not_at_all(register: dict) -> None:
    bad = b"title,text,region\nDBA,Write SQL queries,GD\nNurse,,HK\nCarer,nursing care,XX1\n"
    with pytest.raises(InvalidInput) as refused:
        postings_import(actor=register["employer"], raw=bad, file_name="jobs.csv")
    assert "line 3" in refused.value.message
    assert "line 4" in refused.value.message
    assert not JobPosting.objects.exists()
    good = "title,text\nDBA,Write SQL queries daily\n护士,提供基础护理服务\n".encode()
    found = postings_import(actor=register["employer"], raw=good, file_name="jobs.csv")
    assert [f.posting.title for f in found] == ["DBA", "护士"]
    assert [f.units[0].entry.code for f in found] == ["DB-101", "NUR-101"]


def test_postings_are_matched_by_employers_institutions_and_the_bank_and_seen_by_who_posted(
    register: dict,
) -> None:
    with pytest.raises(PermissionDenied):
        posting_match(actor=register["learner"], text="Write SQL queries")
    mine = posting_match(actor=register["employer"], text="Write SQL queries").posting
    client = login(Client(), register["institution"])
    assert client.get(f"/api/v1/matching/postings/{mine.pk}").status_code == 404
    assert client.get("/api/v1/matching/postings").json() == []
    operator = login(Client(), register["operator"])
    assert operator.get(f"/api/v1/matching/postings/{mine.pk}").status_code == 200
    assert login(Client(), register["learner"]).get("/matching/postings/").status_code == 403


def test_the_api_matches_a_posting_with_reasons_and_decides_skills(register: dict) -> None:
    client = login(Client(), register["employer"])
    done = client.post(
        "/api/v1/matching/postings",
        {"title": "数据库工程师", "text": "熟练编写SQL查询", "region": "GD"},
        content_type="application/json",
    )
    assert done.status_code == 201, done.content
    body = done.json()
    assert body["title"] == "数据库工程师"
    assert uri("SQL") in [s["uri"] for s in body["skills"]]
    assert body["units"][0]["code"] == "DB-101"
    assert uri("SQL") in [s["uri"] for s in body["units"][0]["teaches"]]
    refused = client.post("/api/v1/matching/postings", {"text": " "}, content_type="application/json")
    assert refused.status_code == 422
    staff = login(Client(), register["institution"])
    decided = staff.post(
        "/api/v1/register/entries/DB-101/skills", {"confirm": [uri("SQL")]}, content_type="application/json"
    )
    assert decided.status_code == 200, decided.content
    assert {"uri": uri("SQL"), "status": "confirmed"}.items() <= next(
        t for t in decided.json() if t["uri"] == uri("SQL")
    ).items()
    assert (
        client.post(
            "/api/v1/register/entries/DB-101/skills",
            {"confirm": [uri("SQL")]},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_the_cli_matches_a_posting_file(register: dict, tmp_path: Any) -> None:
    posting = tmp_path / "posting.txt"
    posting.write_text("数据库工程师\n熟练编写SQL查询，负责数据库设计。", encoding="utf-8")
    done = CliRunner().invoke(app, ["match", "posting", str(posting), "--operator", "operator", "--json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    assert result["title"] == "数据库工程师"
    assert result["units"][0]["code"] == "DB-101"
    missing = CliRunner().invoke(
        app, ["match", "posting", str(tmp_path / "none.txt"), "--operator", "operator"]
    )
    assert missing.exit_code == 1
    assert "There is no file" in missing.output


@pytest.fixture
def learner(register: dict) -> Any:
    """A learner with a recorded Database Applications outcome."""
    person = learner_open(
        actor=None, full_name="Wong Ka Ho", id_scheme="hk_id", id_number="A123456(3)", region="HK",
        sign_in=SignIn("wong", PASSWORD),
    )  # fmt: skip
    deposit_batch(
        actor=register["operator"],
        rows=[{"learner_number": person.public_id, "unit_code": "DB-101", "achieved_on": "2024-01-10", "result": "A"}],
        idempotency_key="jobs-DB-101", institution_code="sz-poly",
    )  # fmt: skip
    return person


def test_a_learner_sees_published_jobs_that_fit_and_what_is_missing(register: dict, learner: Any) -> None:
    employer = register["employer"]
    posting_match(actor=employer, text="Write SQL queries. Provide basic nursing care.", public=True)
    posting_match(actor=employer, text="Write SQL queries for our private team.")  # not published
    (job,) = learner_prospects(actor=learner.user, learner=learner).jobs
    assert uri("SQL") in job.match.matched
    assert job.held_by[uri("SQL")]  # the outcome that shows it
    nursing = [s for s in job.match.missing if vocabulary().skills[s].sector == "health"]
    assert nursing
    assert [e.code for e in job.fillers[nursing[0]]] == ["NUR-101"]
    assert 0 < job.match.score < 1
    other = learner_open(actor=None, full_name="Li Na", id_scheme="passport", id_number="K1234567",
                         id_country="GBR", region="XX", sign_in=SignIn("lina", PASSWORD))  # fmt: skip
    with pytest.raises(PermissionDenied):
        learner_prospects(actor=other.user, learner=learner)
    mine = login(Client(), learner.user).get("/api/v1/learners/me/jobs")
    assert mine.status_code == 200
    assert [j["title"] for j in mine.json()] == [job.posting.title]
    assert login(Client(), learner.user).get("/matching/jobs/").status_code == 200


def test_an_institution_sees_which_demanded_skills_its_units_do_not_teach(
    register: dict, tmp_path: Any
) -> None:
    posting_match(
        actor=register["employer"], text="Write SQL queries and handle customer complaints.", public=True
    )
    result = curriculum_coverage(actor=register["institution"])
    assert (uri("SQL"), 1) in result.coverage.covered
    assert [e.code for e in result.units[uri("SQL")]] == ["DB-101"]
    assert (uri("handle customer complaints"), 1) in result.coverage.uncovered
    hk = User.objects.create_user(
        "hk-staff", role="institution", institution=Institution.objects.get(code="hk-ips")
    )
    with pytest.raises(PermissionDenied):
        curriculum_coverage(actor=hk, institution_code="sz-poly")
    api = login(Client(), register["institution"]).get("/api/v1/matching/coverage")
    assert api.status_code == 200
    assert uri("handle customer complaints") in [d["uri"] for d in api.json()["uncovered"]]
    done = CliRunner().invoke(
        app, ["match", "coverage", "--institution", "sz-poly", "--operator", "operator", "--json"]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["covered"][0]["units"] == ["DB-101"]
    assert login(Client(), register["institution"]).get("/matching/curriculum/").status_code == 200
    assert login(Client(), register["employer"]).get("/matching/curriculum/").status_code == 403


def test_employers_see_how_many_consenting_learners_hold_a_skill_never_fewer_than_five(
    register: dict,
) -> None:
    people = []
    for n in range(6):
        body = f"44030519900101{n:03d}"
        person = learner_open(
            actor=register["operator"], full_name=f"Learner {n}", id_scheme="cn_ric",
            id_number=body + ric.calc_check_digit(body + "0"), region="GD",
        )  # fmt: skip
        people.append(person)
    deposit_batch(
        actor=register["operator"],
        rows=[{"learner_number": p.public_id, "unit_code": "DB-101", "achieved_on": "2024-01-10", "result": "A"}
              for p in people],
        idempotency_key="holders", institution_code="sz-poly",
    )  # fmt: skip
    for person in people[:5]:  # the sixth never consents
        person.user = User.objects.create_user(f"u-{person.public_id}", role="learner")
        person.save()
        matching_consent_set(actor=person.user, learner=person, given=True)
    stats_refresh()  # holders are counted with the statistics, not on each posting
    found = posting_match(actor=register["employer"], text="Write SQL queries.")
    assert found.holders[uri("SQL")] == 5
    matching_consent_set(actor=people[0].user, learner=people[0], given=False)
    stats_refresh()
    again = posting_match(actor=register["employer"], text="Write SQL queries.")
    assert again.holders[uri("SQL")] is None  # four: not told
    with pytest.raises(PermissionDenied):  # only the learner decides
        matching_consent_set(actor=register["operator"], learner=people[1], given=False)
    api = login(Client(), people[1].user).put(
        "/api/v1/learners/me/matching-consent", {"given": False}, content_type="application/json"
    )
    assert api.status_code == 200
    assert api.json()["given"] is False
    assert LedgerEntry.objects.filter(kind="learner.matching_consent").count() == 7


def test_a_learner_sees_occupations_whose_essential_skills_their_record_shows(
    register: dict, learner: Any
) -> None:
    fits = learner_prospects(actor=learner.user, learner=learner).occupations
    assert "database administrator" in [f.occupation.en for f in fits[:3]]
    top = fits[0]
    assert top.match.matched
    assert set(top.match.matched) <= top.occupation.essential
    assert all(fits[i].match.score >= fits[i + 1].match.score for i in range(len(fits) - 1))
    body = login(Client(), learner.user).get("/api/v1/learners/me/occupations").json()
    assert [o["label_en"] for o in body] == [f.occupation.en for f in fits]
