"""API for matching: the skill vocabulary, a register entry's skills, and job postings matched
against the register."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts.learners import learner_of
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.matching import selectors
from creditbank.apps.matching.models import PostingSource, UnitSkill
from creditbank.apps.matching.services import (
    CurriculumCoverage,
    PostingMatch,
    curriculum_coverage,
    learner_prospects,
    matching_consent_set,
    posting_match,
    posting_result,
    postings_import,
    unit_skills_decide,
)
from creditbank.apps.matching.vocabulary import vocabulary
from creditbank.apps.register.selectors import visible_entry
from creditbank.apps.register.services import entry_get
from creditbank.core.errors import NotFound, gettext_noop
from creditbank.core.matching import Skill

router = Router(tags=["matching"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class SkillOut(Schema):
    uri: str
    sector: str
    label_en: str
    label_zh: str


def skill_out(skill: Skill) -> dict[str, str]:
    return {"uri": skill.uri, "sector": skill.sector, "label_en": skill.en, "label_zh": skill.zh}


class TagOut(SkillOut):
    status: str
    matched_label: str
    evidence: str
    decided_at: str | None


class DecisionIn(Schema):
    confirm: list[str] = []
    reject: list[str] = []


class MentionOut(SkillOut):
    matched_label: str
    evidence: str
    count: int
    learners_holding: int | None  # learners who consented and hold it; null when fewer than 5


class UnitOut(Schema):
    code: str
    version: int
    kind: str
    title_en: str
    title_zh: str
    owner: str
    framework: str
    level: str
    credits: str
    credit_system: str
    score: float
    teaches: list[SkillOut]
    lacks: list[SkillOut]
    skills_confirmed: bool


class PostingIn(Schema):
    text: str
    title: str = ""
    employer: str = ""
    region: str = ""
    sector: str = ""
    public: bool = False  # shown to learners ("which jobs fit my record")


class MatchOut(Schema):
    id: int
    public: bool
    title: str
    employer: str
    region: str
    sector: str
    posted_at: str
    skills: list[MentionOut]
    units: list[UnitOut]


class PostingSummaryOut(Schema):
    id: int
    title: str
    employer: str
    posted_at: str
    skills: int


def match_out(found: PostingMatch) -> dict[str, Any]:
    posting, skills = found.posting, vocabulary().skills
    return {
        "id": posting.pk,
        "public": posting.public,
        "title": posting.title,
        "employer": posting.employer,
        "region": posting.region,
        "sector": posting.sector,
        "posted_at": posting.created_at.isoformat(),
        "skills": [
            {
                **skill_out(m.skill),
                "matched_label": m.label,
                "evidence": m.evidence,
                "count": m.count,
                "learners_holding": found.holders.get(m.skill.uri),
            }
            for m in found.mentions
        ],
        "units": [
            {
                "code": u.entry.code,
                "version": u.entry.version,
                "kind": u.entry.kind,
                "title_en": u.entry.title_en,
                "title_zh": u.entry.title_zh,
                "owner": u.entry.owner.code,
                "framework": u.entry.framework,
                "level": u.entry.level_id,
                "credits": f"{u.entry.credits:.2f}",
                "credit_system": u.entry.credit_system,
                "score": round(u.match.score, 4),
                "teaches": [skill_out(skills[s]) for s in u.match.matched],
                "lacks": [skill_out(skills[s]) for s in u.match.missing],
                "skills_confirmed": u.confirmed,
            }
            for u in found.units
        ],
    }


def tag_out(tag: UnitSkill) -> dict[str, Any]:
    skill = vocabulary().skills.get(tag.skill)
    base = (
        skill_out(skill) if skill else {"uri": tag.skill, "sector": "", "label_en": tag.label, "label_zh": ""}
    )
    return {
        **base, "status": tag.status, "matched_label": tag.label, "evidence": tag.evidence,
        "decided_at": tag.decided_at.isoformat() if tag.decided_at else None,
    }  # fmt: skip


@router.get(
    "/matching/skills", response=list[SkillOut], summary="The skill vocabulary (ESCO concepts, en/zh)"
)
def skills(request: HttpRequest, q: str = "", sector: str = "") -> list[dict[str, str]]:
    words = q.casefold().split()
    found = [
        s for s in vocabulary().skills.values()
        if (not sector or s.sector == sector)
        and all(w in f"{s.en} {s.zh} {' '.join(t.label for t in s.terms)}".casefold() for w in words)
    ]  # fmt: skip
    return [skill_out(s) for s in sorted(found, key=lambda s: (s.sector, s.en))]


@router.get(
    "/register/entries/{code}/skills", response={200: list[TagOut], **ERRORS},
    summary="The skills a register entry teaches: suggested from its text, confirmed or rejected by its institution",
)  # fmt: skip
def entry_skills(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    entry = entry_get(code)
    if not visible_entry(actor_of(request), entry):
        raise NotFound(gettext_noop("There is no register entry %(code)s."), code=code)
    return [tag_out(t) for t in selectors.entry_skills(entry)]


@router.post(
    "/register/entries/{code}/skills", response={200: list[TagOut], **ERRORS}, auth=AUTHENTICATED,
    summary="Confirm or reject skills of one of your register entries",
)  # fmt: skip
def decide_skills(request: HttpRequest, code: str, payload: DecisionIn) -> list[dict[str, Any]]:
    tags = unit_skills_decide(
        actor=actor_of(request), code=code, confirm=payload.confirm, reject=payload.reject
    )
    return [tag_out(t) for t in tags]


@router.post(
    "/matching/postings", response={201: MatchOut, **ERRORS}, auth=AUTHENTICATED,
    summary="Match a job posting: the skills it asks for and the units that teach them, with reasons",
)  # fmt: skip
def match_posting(request: HttpRequest, payload: PostingIn) -> Status[dict[str, Any]]:
    found = posting_match(actor=actor_of(request), **payload.dict(), source=PostingSource.API)
    return Status(201, match_out(found))


@router.post(
    "/matching/postings/file", response={201: list[MatchOut], **ERRORS}, auth=AUTHENTICATED,
    summary="Match many job postings from a CSV or XLSX file (title, text; optional employer, region, sector)",
)  # fmt: skip
def match_file(
    request: HttpRequest, file: File[UploadedFile], public: Form[bool] = False
) -> Status[list[dict[str, Any]]]:
    found = postings_import(
        actor=actor_of(request), raw=file.read(), file_name=file.name or "", public=public
    )
    return Status(201, [match_out(f) for f in found])


@router.get("/matching/postings", response={200: list[PostingSummaryOut], **ERRORS}, auth=AUTHENTICATED,
            summary="Your job postings, newest first")  # fmt: skip
def postings(request: HttpRequest, limit: Query[int] = 50) -> list[dict[str, Any]]:
    actor = actor_of(request)
    require(actor, Action.MATCH_POSTINGS)
    return [
        {"id": p.pk, "title": p.title, "employer": p.employer, "posted_at": p.created_at.isoformat(),
         "skills": len(p.skills)}
        for p in selectors.postings_for(actor)[: max(1, min(limit, 500))]
    ]  # fmt: skip


@router.get("/matching/postings/{posting_id}", response={200: MatchOut, **ERRORS}, auth=AUTHENTICATED,
            summary="One of your postings, ranked against the register as it stands today")  # fmt: skip
def posting(request: HttpRequest, posting_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    require(actor, Action.MATCH_POSTINGS)
    found = selectors.postings_for(actor).filter(pk=posting_id).first()
    if found is None:
        raise NotFound(gettext_noop("There is no job posting %(posting)s of yours."), posting=posting_id)
    return match_out(posting_result(found, today=timezone.localdate()))


class JobFitOut(Schema):
    posting: int
    title: str
    employer: str
    fit: float
    held: list[SkillOut]
    missing: list[SkillOut]
    units_for_missing: dict[str, list[str]]  # skill URI -> register codes that teach it


@router.get("/learners/me/jobs", response={200: list[JobFitOut], **ERRORS}, auth=AUTHENTICATED,
            summary="Published job postings against your record: the fit, what you have, what is missing and where to learn it")  # fmt: skip
def my_jobs(request: HttpRequest) -> list[dict[str, Any]]:
    actor = actor_of(request)
    skills = vocabulary().skills
    return [
        {"posting": f.posting.pk, "title": f.posting.title, "employer": f.posting.employer,
         "fit": round(f.match.score, 4), "held": [skill_out(skills[s]) for s in f.match.matched],
         "missing": [skill_out(skills[s]) for s in f.match.missing],
         "units_for_missing": {s: [e.code for e in es] for s, es in f.fillers.items()}}
        for f in learner_prospects(actor=actor, learner=learner_of(actor)).jobs
    ]  # fmt: skip


class DemandOut(SkillOut):
    postings: int
    units: list[str]


class CoverageOut(Schema):
    institution: str
    postings: int
    uncovered: list[DemandOut]
    covered: list[DemandOut]


@router.get("/matching/coverage", response={200: CoverageOut, **ERRORS}, auth=AUTHENTICATED,
            summary="Your curriculum against the skills job postings ask for: what no unit of yours teaches")  # fmt: skip
def curriculum(request: HttpRequest, institution: str = "") -> dict[str, Any]:
    result = curriculum_coverage(actor=actor_of(request), institution_code=institution or None)
    return coverage_out(result)


def coverage_out(result: CurriculumCoverage) -> dict[str, Any]:
    skills = vocabulary().skills

    def demand(uri: str, n: int) -> dict[str, Any]:
        return {**skill_out(skills[uri]), "postings": n, "units": [e.code for e in result.units.get(uri, [])]}

    return {
        "institution": result.institution.code,
        "postings": result.postings,
        "uncovered": [demand(s, n) for s, n in result.coverage.uncovered],
        "covered": [demand(s, n) for s, n in result.coverage.covered],
    }


class ConsentIn(Schema):
    given: bool


class ConsentOut(Schema):
    given: bool
    changed_at: str


@router.put("/learners/me/matching-consent", response={200: ConsentOut, **ERRORS}, auth=AUTHENTICATED,
            summary="Whether employers may see you counted, anonymously, among holders of the skills they ask for")  # fmt: skip
def my_consent(request: HttpRequest, payload: ConsentIn) -> dict[str, Any]:
    actor = actor_of(request)
    consent = matching_consent_set(actor=actor, learner=learner_of(actor), given=payload.given)
    return {"given": consent.given, "changed_at": consent.changed_at.isoformat()}


class OccupationFitOut(Schema):
    uri: str
    label_en: str
    label_zh: str
    sector: str
    fit: float
    held: list[SkillOut]
    helpful: list[SkillOut]
    missing: list[SkillOut]


@router.get("/learners/me/occupations", response={200: list[OccupationFitOut], **ERRORS}, auth=AUTHENTICATED,
            summary="Occupations (ESCO) whose essential skills your record shows, with what is missing")  # fmt: skip
def my_occupations(request: HttpRequest) -> list[dict[str, Any]]:
    actor = actor_of(request)
    skills = vocabulary().skills
    return [
        {"uri": f.occupation.uri, "label_en": f.occupation.en, "label_zh": f.occupation.zh,
         "sector": f.occupation.sector, "fit": round(f.match.score, 4),
         "held": [skill_out(skills[s]) for s in f.match.matched], "helpful": [skill_out(skills[s]) for s in f.helpful],
         "missing": [skill_out(skills[s]) for s in f.match.missing]}
        for f in learner_prospects(actor=actor, learner=learner_of(actor)).occupations
    ]  # fmt: skip
