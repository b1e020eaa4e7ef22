"""Job ↔ learning-outcome matching on shared skill concepts (ESCO).

A text (a job posting, a unit's outcomes) in Chinese or English is mapped onto skill concepts; units,
postings and learners are then compared by concept, so a Chinese posting finds a unit described in
English. Texts arrive here already tokenised (the adapter normalises, segments Chinese with jieba and
stems English); this module decides what a text mentions and how things rank, and explains why.

Positions: every token carries an ordinal position in which a Chinese character and an English
content word each count one and a sentence break counts many, so "near each other" means the same
thing in both languages and in mixed text ("SQL查询").
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

SLACK = 2  # positions a mention may spread beyond its label's own width ("分析数据" for "数据分析")


class Token(NamedTuple):
    """One token of a normalised text: its form, its ordinal span, and its span in the text."""

    form: str
    pos: int
    end: int
    start_char: int
    end_char: int


@dataclass(frozen=True)
class Term:
    """One label of a skill, as the tokens a text must contain close together."""

    label: str
    forms: frozenset[str]
    width: int


@dataclass(frozen=True)
class Skill:
    uri: str
    sector: str
    en: str
    zh: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Vocabulary:
    skills: Mapping[str, Skill]
    by_form: Mapping[str, tuple[tuple[Skill, Term], ...]]


LabelTokens = Callable[[str], Sequence[Token]]


def vocabulary_build(docs: Iterable[Mapping[str, object]], label_tokens: LabelTokens) -> Vocabulary:
    """The vocabulary from its documents (uri, sector, en, en_alt, zh, zh_alt), each label tokenised
    by ``label_tokens`` (the same normalisation the texts get)."""
    skills: dict[str, Skill] = {}
    by_form: dict[str, list[tuple[Skill, Term]]] = defaultdict(list)
    for doc in docs:
        labels = [str(doc["en"]), *_strings(doc.get("en_alt")), str(doc["zh"]), *_strings(doc.get("zh_alt"))]
        terms = []
        for label in dict.fromkeys(labels):
            tokens = label_tokens(label)
            if tokens:
                width = max(t.end for t in tokens) - min(t.pos for t in tokens)
                terms.append(Term(label, frozenset(t.form for t in tokens), width))
        skill = Skill(str(doc["uri"]), str(doc["sector"]), str(doc["en"]), str(doc["zh"]), tuple(terms))
        skills[skill.uri] = skill
        for term in terms:
            by_form[_rarest(term.forms)].append((skill, term))
    return Vocabulary(skills, {form: tuple(pairs) for form, pairs in by_form.items()})


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def _rarest(forms: frozenset[str]) -> str:
    # Any member would do for the index; the longest is the most selective and stable across runs.
    return max(forms, key=lambda f: (len(f), f))


@dataclass(frozen=True)
class Mention:
    """A skill found in a text: the label that matched, where first, and how often."""

    skill: Skill
    label: str
    evidence: str
    count: int
    first: int


def skills_in(text: str, tokens: Sequence[Token], vocabulary: Vocabulary) -> list[Mention]:
    """The skills a text mentions, most mentioned first (then earliest): a skill is mentioned where
    all the tokens of one of its labels occur within that label's width (plus a little slack)."""
    positions: dict[str, list[Token]] = defaultdict(list)
    for token in tokens:
        positions[token.form].append(token)
    best: dict[str, Mention] = {}
    ranks: dict[str, tuple[int, int, int]] = {}
    for form in positions:
        for skill, term in vocabulary.by_form.get(form, ()):
            if not term.forms <= positions.keys():
                continue
            spans = _placements(term, positions)
            if not spans:
                continue
            first = spans[0]
            mention = Mention(skill, term.label, text[first[0] : first[1]], len(spans), first[2])
            # The label found most often, then the fullest ("SQL查询" over "SQL"), then the earliest.
            rank_new = (mention.count, len(term.forms), -mention.first)
            if skill.uri not in best or rank_new > ranks[skill.uri]:
                best[skill.uri], ranks[skill.uri] = mention, rank_new
    return sorted(best.values(), key=lambda m: (-m.count, m.first, m.skill.uri))


def _placements(term: Term, positions: Mapping[str, list[Token]]) -> list[tuple[int, int, int]]:
    """Where the term's tokens lie close enough together: (start char, end char, position) each,
    anchored on the occurrences of its least frequent token."""
    anchor = min(term.forms, key=lambda f: (len(positions[f]), f))
    others = [f for f in term.forms if f != anchor]
    found = []
    for token in positions[anchor]:
        chosen = [token]
        for form in others:
            chosen.append(min(positions[form], key=lambda t: (abs(t.pos - token.pos), t.pos)))
        start, end = min(t.pos for t in chosen), max(t.end for t in chosen)
        if end - start <= term.width + SLACK:
            found.append((min(t.start_char for t in chosen), max(t.end_char for t in chosen), start))
    return found


# ---- ranking: what teaches, holds or lacks the skills a posting asks for ----------------------


@dataclass(frozen=True)
class Holder:
    """Something that carries skills: a unit of the register, a posting, a learner's record."""

    key: str
    skills: frozenset[str]


def rarity(holders: Iterable[Holder]) -> dict[str, float]:
    """Inverse document frequency of each skill among the holders: a skill every unit teaches says
    little about a match; a skill one unit teaches says much."""
    counted = list(holders)
    df: Counter[str] = Counter(s for h in counted for s in h.skills)
    n = len(counted)
    return {s: math.log((n + 1) / (c + 1)) + 1 for s, c in df.items()}


def _weight(skill: str, rare: Mapping[str, float]) -> float:
    return rare.get(skill, math.log(len(rare) + 2) + 1)  # unseen: as rare as can be


@dataclass(frozen=True)
class Match:
    """A holder ranked against the wanted skills: its score (cosine of rarity-weighted skill sets),
    which wanted skills it has and which it lacks."""

    key: str
    score: float
    matched: tuple[str, ...]
    missing: tuple[str, ...] = field(default=())


def rank(wanted: Collection[str], holders: Iterable[Holder], rare: Mapping[str, float]) -> list[Match]:
    """Holders that share at least one wanted skill, best first (ties: more matched, then key)."""
    want = set(wanted)
    if not want:
        return []
    norm_w = math.sqrt(sum(_weight(s, rare) ** 2 for s in want))
    out = []
    for holder in holders:
        shared = want & holder.skills
        if not shared:
            continue
        norm_h = math.sqrt(sum(_weight(s, rare) ** 2 for s in holder.skills))
        score = sum(_weight(s, rare) ** 2 for s in shared) / (norm_w * norm_h)
        out.append(Match(holder.key, score, _by_weight(shared, rare), _by_weight(want - shared, rare)))
    return sorted(out, key=lambda m: (-m.score, -len(m.matched), m.key))


def fit(required: Collection[str], held: Collection[str], rare: Mapping[str, float]) -> Match:
    """How much of what a posting requires a record holds: the share of the requirement's weight
    that is held (1.0 = everything), with the held and missing skills, weightiest first."""
    need, have = set(required), set(held)
    total = sum(_weight(s, rare) for s in need)
    shared = need & have
    score = sum(_weight(s, rare) for s in shared) / total if total else 0.0
    return Match("", score, _by_weight(shared, rare), _by_weight(need - shared, rare))


def _by_weight(skills: Collection[str], rare: Mapping[str, float]) -> tuple[str, ...]:
    return tuple(sorted(skills, key=lambda s: (-_weight(s, rare), s)))


def teachers(skills: Iterable[str], units: Iterable[Holder]) -> dict[str, list[str]]:
    """For each skill, the units that teach it (in the units' order)."""
    wanted = set(skills)
    out: dict[str, list[str]] = {s: [] for s in wanted}
    for unit in units:
        for s in unit.skills & wanted:
            out[s].append(unit.key)
    return out


@dataclass(frozen=True)
class Occupation:
    """An occupation (ESCO) with the skills it cannot do without and those that help."""

    uri: str
    sector: str
    en: str
    zh: str
    essential: frozenset[str]
    optional: frozenset[str]


@dataclass(frozen=True)
class OccupationFit:
    occupation: Occupation
    match: Match  # over the essential skills: the share held, held and missing
    helpful: tuple[str, ...]  # optional skills held


def occupations_fitting(
    held: Collection[str], occupations: Iterable[Occupation], rare: Mapping[str, float]
) -> list[OccupationFit]:
    """Occupations whose essential skills the record shows at least one of, best fit first (then
    more helpful skills held, then the label)."""
    have = set(held)
    found = []
    for occupation in occupations:
        match = fit(occupation.essential, have, rare)
        if match.matched:
            found.append(OccupationFit(occupation, match, _by_weight(occupation.optional & have, rare)))
    return sorted(found, key=lambda f: (-f.match.score, -len(f.helpful), f.occupation.en))


@dataclass(frozen=True)
class Coverage:
    """Demanded skills an institution's units teach and those none of them does, by demand."""

    covered: tuple[tuple[str, int], ...]
    uncovered: tuple[tuple[str, int], ...]


def coverage(demand: Mapping[str, int], taught: Collection[str]) -> Coverage:
    ordered = sorted(demand.items(), key=lambda kv: (-kv[1], kv[0]))
    have = set(taught)
    return Coverage(
        tuple(kv for kv in ordered if kv[0] in have), tuple(kv for kv in ordered if kv[0] not in have)
    )


# ---- the baseline the evaluation compares with: plain keyword match -----------------------------


def keyword_rank(query: Sequence[str], documents: Mapping[str, Sequence[str]]) -> list[tuple[str, float]]:
    """BM25 over tokens, no skill concepts: what a search box does. The evaluation's baseline."""
    k1, b = 1.2, 0.75
    n = len(documents)
    if not n:
        return []
    df: Counter[str] = Counter(f for doc in documents.values() for f in set(doc))
    average = sum(len(d) for d in documents.values()) / n or 1.0
    terms = set(query)
    scored = []
    for key, doc in documents.items():
        counts = Counter(doc)
        score = 0.0
        for f in terms & counts.keys():
            idf = math.log(1 + (n - df[f] + 0.5) / (df[f] + 0.5))
            tf = counts[f]
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / average))
        if score > 0:
            scored.append((key, score))
    return sorted(scored, key=lambda kv: (-kv[1], kv[0]))


def keyword_skills(text: str, vocabulary: Vocabulary) -> list[str]:
    """The baseline's skills: those whose preferred label (in either language) occurs verbatim in the
    text, case aside; first occurrence first."""
    folded = text.casefold()
    found = []
    for skill in vocabulary.skills.values():
        at = [i for i in (folded.find(skill.en.casefold()), folded.find(skill.zh.casefold())) if i >= 0]
        if at:
            found.append((min(at), skill.uri))
    return [uri for _at, uri in sorted(found)]
