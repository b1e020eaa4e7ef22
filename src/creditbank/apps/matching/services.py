"""Skills of register entries (suggested from their text, decided by their institution) and job
postings matched against the register.

A posting is employer's working material, not a record of the bank about anyone, so it is stored
(for the employer to come back to, and for demand statistics) but not written to the ledger; an
institution's decision on what its unit teaches is a statement about a register entry, and is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from creditbank.apps.accounts.institutions import acting_institution
from creditbank.apps.accounts.models import Institution, Learner, Region
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accounts.principals import person_of, via_key_of
from creditbank.apps.ledger.services import Event, learner_refs, ledger_append
from creditbank.apps.lookups import chunked
from creditbank.apps.matching import selectors
from creditbank.apps.matching.models import JobPosting, MatchingConsent, PostingSource, TagStatus, UnitSkill
from creditbank.apps.matching.text import text_tokens
from creditbank.apps.matching.vocabulary import occupations, vocabulary
from creditbank.apps.register.models import RegisterEntry, Sector
from creditbank.apps.register.selectors import accredited_on
from creditbank.apps.register.services import entry_get
from creditbank.apps.tables import read_table
from creditbank.core.errors import InvalidInput, gettext_noop
from creditbank.core.matching import (
    Coverage,
    Match,
    Mention,
    OccupationFit,
    coverage,
    fit,
    occupations_fitting,
    rank,
    skills_in,
    teachers,
)

MAX_POSTING_CHARS = 20_000
MAX_POSTINGS_A_FILE = 500
POSTING_COLUMNS = ("title", "text", "employer", "region", "sector")
UNITS_SHOWN = 20


def entry_text(entry: RegisterEntry) -> str:
    """What a register entry says it teaches, in both languages (a line break between parts, so no
    mention spans two of them)."""
    return "\n".join((entry.title_en, entry.title_zh, entry.outcomes_en, entry.outcomes_zh))


def unit_skills_suggest(entries: Sequence[RegisterEntry]) -> int:
    """Suggest the skills new register entries mention; run by the register inside the transaction
    that stores them. Returns how many suggestions were made."""
    vocab = vocabulary()
    rows = []
    for entry in entries:
        normal, tokens = text_tokens(entry_text(entry))
        for mention in skills_in(normal, tokens, vocab):
            rows.append(
                UnitSkill(entry=entry, skill=mention.skill.uri, status=TagStatus.SUGGESTED,
                          label=mention.label[:200], evidence=mention.evidence[:200])
            )  # fmt: skip
    UnitSkill.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1_000)
    return len(rows)


def unit_skills_decide(
    *, actor: Any, code: str, confirm: Collection[str] = (), reject: Collection[str] = ()
) -> list[UnitSkill]:
    """The owner says which skills its entry (newest version) teaches: suggested ones confirmed or
    rejected, others added by confirming them. Returns the entry's skills after the decision."""
    entry = entry_get(code)
    require(actor, Action.MANAGE_REGISTER, institution_id=entry.owner_id)
    confirm, reject = list(dict.fromkeys(confirm)), list(dict.fromkeys(reject))
    if not confirm and not reject:
        raise InvalidInput(gettext_noop("Choose at least one skill to confirm or reject."))
    vocab = vocabulary()
    unknown = [uri for uri in (*confirm, *reject) if uri not in vocab.skills]
    if unknown:
        raise InvalidInput(
            gettext_noop("Unknown skills %(skills)s: choose skills from the vocabulary."),
            skills=", ".join(unknown),
        )
    both = sorted(set(confirm) & set(reject))
    if both:
        raise InvalidInput(
            gettext_noop("A skill cannot be both confirmed and rejected: %(skills)s."), skills=", ".join(both)
        )
    now, person = timezone.now(), person_of(actor)
    with transaction.atomic():
        for uri, status in [(u, TagStatus.CONFIRMED) for u in confirm] + [
            (u, TagStatus.REJECTED) for u in reject
        ]:
            UnitSkill.objects.update_or_create(
                entry=entry, skill=uri,
                defaults={"status": status, "decided_by": person, "decided_at": now},
                create_defaults={"status": status, "decided_by": person, "decided_at": now,
                                 "label": vocab.skills[uri].en},
            )  # fmt: skip
        tags = list(UnitSkill.objects.filter(entry=entry).order_by("skill"))
        ledger_append([_skills_event(entry, tags, via_key_of(actor))])
    return tags


def _skills_event(entry: RegisterEntry, tags: Sequence[UnitSkill], via_key: str) -> Event:
    return Event(
        "register.skills_decided",
        f"entry:{entry.code}:{entry.version}",
        {
            "code": entry.code,
            "version": entry.version,
            "owner": entry.owner.code,
            "confirmed": sorted(t.skill for t in tags if t.status == TagStatus.CONFIRMED),
            "rejected": sorted(t.skill for t in tags if t.status == TagStatus.REJECTED),
            **({"via_key": via_key} if via_key else {}),
        },
    )


@dataclass(frozen=True)
class UnitHit:
    """A register entry that teaches some of what a posting asks for, and why it ranks where it does."""

    entry: RegisterEntry
    match: Match
    confirmed: bool  # its skills were decided by its institution (else suggested from its text)


@dataclass(frozen=True)
class PostingMatch:
    posting: JobPosting
    mentions: list[Mention]
    units: list[UnitHit]
    holders: dict[str, int | None]  # skill -> consenting learners who hold it (None: fewer than MIN_COUNT)


def posting_match(
    *,
    actor: Any,
    text: str,
    title: str = "",
    employer: str = "",
    region: str = "",
    sector: str = "",
    source: str = PostingSource.PASTED,
    public: bool = False,
    today: date | None = None,
) -> PostingMatch:
    """Find the skills a job posting asks for and the register's units that teach them, best first
    with the reasons; the posting is kept for its poster (and for demand statistics)."""
    require(actor, Action.MATCH_POSTINGS)
    posting = _posting(actor, text=text, title=title, employer=employer, region=region, sector=sector,
                       source=source, public=public)  # fmt: skip
    posting.save()
    return posting_result(posting, today=today or timezone.localdate())


def _posting(
    actor: Any, *, text: str, title: str, employer: str, region: str, sector: str, source: str, public: bool
) -> JobPosting:
    body = text.strip()
    if not body:
        raise InvalidInput(gettext_noop("Paste the text of the job posting."))
    if len(body) > MAX_POSTING_CHARS:
        raise InvalidInput(
            gettext_noop("The posting is longer than %(limit)s characters; shorten it."),
            limit=MAX_POSTING_CHARS,
        )
    region = region.strip().upper()
    if region and region not in Region.values:
        raise InvalidInput(
            gettext_noop("Unknown region %(region)s; use one of %(regions)s."),
            region=region, regions=", ".join(Region.values),
        )  # fmt: skip
    sector = sector.strip().lower()
    if sector and sector not in Sector.values:
        raise InvalidInput(
            gettext_noop("Unknown sector %(sector)s; use one of %(sectors)s."),
            sector=sector, sectors=", ".join(Sector.values),
        )  # fmt: skip
    heading = " ".join(title.split()) or body.splitlines()[0].strip()
    normal, tokens = text_tokens(body)
    mentions = skills_in(normal, tokens, vocabulary())
    return JobPosting(
        title=heading[:200], employer=" ".join(employer.split())[:200], text=body, region=region, sector=sector,
        skills=[{"uri": m.skill.uri, "label": m.label, "evidence": m.evidence, "count": m.count} for m in mentions],
        source=source, public=public, posted_by=person_of(actor), posted_via_key=via_key_of(actor),
    )  # fmt: skip


def posting_result(posting: JobPosting, *, today: date) -> PostingMatch:
    """A stored posting ranked against the register as it stands today."""
    return postings_results([posting], today=today)[0]


def postings_results(postings: Sequence[JobPosting], *, today: date) -> list[PostingMatch]:
    """Stored postings ranked against the register as it stands today (read once for all of them)."""
    vocab, teaching = vocabulary(), selectors.teaching(today)
    results = []
    for posting in postings:
        mentions = [
            Mention(vocab.skills[s["uri"]], s["label"], s["evidence"], s["count"], i)
            for i, s in enumerate(posting.skills)
            if s["uri"] in vocab.skills
        ]
        ranked = rank([m.skill.uri for m in mentions], teaching.holders, teaching.rarity)[:UNITS_SHOWN]
        entries = RegisterEntry.objects.select_related("owner").in_bulk([int(m.key) for m in ranked])
        units = [UnitHit(entries[int(m.key)], m, int(m.key) in teaching.confirmed) for m in ranked]
        holders = {h.skill: h.count for h in skill_holders([m.skill.uri for m in mentions])}
        results.append(PostingMatch(posting, mentions, units, holders))
    return results


def postings_import(
    *, actor: Any, raw: bytes, file_name: str, public: bool = False, today: date | None = None
) -> list[PostingMatch]:
    """Many postings from a CSV or XLSX file (columns title, text; optional employer, region,
    sector), all or none: every bad row is named and nothing is kept."""
    require(actor, Action.MATCH_POSTINGS)
    rows = read_table(raw, file_name, columns=POSTING_COLUMNS, missing=_missing_columns)
    if not rows:
        raise InvalidInput(gettext_noop("The file holds no postings."))
    if len(rows) > MAX_POSTINGS_A_FILE:
        raise InvalidInput(
            gettext_noop("The file holds %(count)s postings; send at most %(limit)s at a time."),
            count=len(rows), limit=MAX_POSTINGS_A_FILE,
        )  # fmt: skip
    postings, problems = [], []
    for line, row in enumerate(rows, start=2):
        try:
            postings.append(_posting(actor, **_fields(row), source=PostingSource.FILE, public=public))
        except InvalidInput as exc:
            problems.append(f"line {line}: {exc.message}")
    if problems:
        raise InvalidInput(gettext_noop("No postings were kept: %(problems)s"), problems=" | ".join(problems))
    with transaction.atomic():
        for posting in postings:
            posting.save()
    return postings_results(postings, today=today or timezone.localdate())


def _missing_columns(header: tuple[str, ...]) -> list[str]:
    return [c for c in ("title", "text") if c not in header]


def _fields(row: Mapping[str, Any]) -> dict[str, str]:
    return {name: str(row.get(name) or "") for name in POSTING_COLUMNS}


def unit_skills_backfill(*, actor: Any) -> int:
    """Suggestions for register entries that have no skills at all (registered before the
    vocabulary shipped). Entries with suggestions or decisions are left alone."""
    require(actor, Action.MANAGE_INSTITUTIONS)
    bare = list(RegisterEntry.objects.filter(skills__isnull=True).order_by("pk").values_list("pk", flat=True))
    made = 0
    for chunk in chunked(bare):
        with transaction.atomic():
            made += unit_skills_suggest(list(RegisterEntry.objects.filter(pk__in=chunk)))
    return made


@dataclass(frozen=True)
class JobFit:
    """A published posting against a learner's record: the share of what it asks that the record
    shows, the skills held (with the outcomes that show them) and missing (with units that teach them)."""

    posting: JobPosting
    match: Match
    held_by: dict[str, list[int]]
    fillers: dict[str, list[RegisterEntry]]


JOBS_SHOWN = 20
OCCUPATIONS_SHOWN = 10
POSTINGS_READ = 1_000  # the newest published postings a learner's record is compared with
FILLERS_A_SKILL = 3


@dataclass(frozen=True)
class Prospects:
    """A learner's record against occupations and published postings: what fits, best first, and
    the units that teach each skill either of them misses."""

    jobs: list[JobFit]
    occupations: list[OccupationFit]
    fillers: dict[str, list[RegisterEntry]]


def learner_prospects(*, actor: Any, learner: Learner, today: date | None = None) -> Prospects:
    """Which occupations (ESCO) and published jobs fit a learner's record and what is missing; the
    record's skills and what the register teaches are read once for both."""
    require(actor, Action.VIEW_LEARNER_RECORD, learner_user_id=learner.user_id)
    held = selectors.learner_skills(learner.pk)
    teaching = selectors.teaching(today or timezone.localdate())
    fits = []
    for posting in selectors.public_postings().order_by("-created_at", "-pk")[:POSTINGS_READ]:
        match = fit(posting.skill_uris(), held, teaching.rarity)
        if match.matched:
            fits.append((posting, match))
    fits.sort(key=lambda pm: (-pm[1].score, -len(pm[1].matched), -pm[0].pk))
    fits = fits[:JOBS_SHOWN]
    fitting = occupations_fitting(held, occupations(), teaching.rarity)[:OCCUPATIONS_SHOWN]
    missing = {s for _p, m in fits for s in m.missing} | {s for f in fitting for s in f.match.missing}
    fillers = fillers_for(missing, teaching)
    jobs = [
        JobFit(posting, match, {s: held[s] for s in match.matched}, {s: fillers[s] for s in match.missing})
        for posting, match in fits
    ]
    return Prospects(jobs, fitting, fillers)


def fillers_for(skills: Collection[str], teaching: selectors.Teaching) -> dict[str, list[RegisterEntry]]:
    """For each skill, the units that teach it best (at most FILLERS_A_SKILL)."""
    holders = {h.key: h for h in teaching.holders}
    # One pass over the register for every skill, then each skill ranks only the units teaching it.
    by_skill = {
        s: [int(m.key) for m in rank([s], [holders[k] for k in keys], teaching.rarity)[:FILLERS_A_SKILL]]
        for s, keys in teachers(skills, teaching.holders).items()
    }
    entries = RegisterEntry.objects.select_related("owner").in_bulk(
        {e for ids in by_skill.values() for e in ids}
    )
    return {s: [entries[e] for e in ids] for s, ids in by_skill.items()}


@dataclass(frozen=True)
class CurriculumCoverage:
    """Skills demanded by job postings (how many postings ask for each) that an institution's
    accredited units teach, with those units, and those none of them teaches."""

    institution: Institution
    postings: int
    coverage: Coverage
    units: dict[str, list[RegisterEntry]]


def curriculum_coverage(
    *, actor: Any, institution_code: str | None = None, today: date | None = None
) -> CurriculumCoverage:
    """An institution's curriculum against the demand in published postings and its own."""
    institution = acting_institution(actor, institution_code, Action.MANAGE_REGISTER)
    postings = selectors.public_postings() | selectors.postings_for(actor)
    demand: Counter[str] = Counter()
    count = 0
    for skills in postings.distinct().values_list("skills", flat=True):
        demand.update({s["uri"] for s in skills})
        count += 1
    own = accredited_on(today or timezone.localdate()).filter(owner=institution)
    taught, _decided = selectors.skills_of(own)
    entries = own.in_bulk(list(taught))
    units: dict[str, list[RegisterEntry]] = {}
    for entry_id, skills in sorted(taught.items()):
        for s in skills:
            units.setdefault(s, []).append(entries[entry_id])
    return CurriculumCoverage(institution, count, coverage(demand, units), units)


def matching_consent_set(*, actor: Any, learner: Learner, given: bool) -> MatchingConsent:
    """The learner's own choice to be counted (anonymously) in employers' skill counts, or no more."""
    require(actor, Action.SHARE_RECORD, learner_user_id=learner.user_id)
    with transaction.atomic():
        consent, _created = MatchingConsent.objects.update_or_create(
            learner=learner, defaults={"given": given}
        )
        ledger_append([
            Event("learner.matching_consent", f"learner-consent:{consent.pk}",
                  {"learner": learner_refs([learner])[learner.pk], "given": given})
        ])  # fmt: skip
    return consent


MIN_COUNT = 5  # fewer holders than this are reported as "fewer than 5", so no one can be singled out


@dataclass(frozen=True)
class Holders:
    """How many consenting learners hold a skill (None: fewer than MIN_COUNT)."""

    skill: str
    count: int | None


def skill_holders(skills: Sequence[str]) -> list[Holders]:
    """For each skill, the number of learners who consented and whose recorded outcomes show it, as
    the statistics last counted them (counting live would read every consenting learner's outcomes
    on each posting: seconds at a million learners); small numbers are not told."""
    from creditbank.apps.stats.services import holders_counted  # counted with the other statistics

    counted = holders_counted(skills)
    return [Holders(s, counted[s] if counted[s] >= MIN_COUNT else None) for s in skills]
