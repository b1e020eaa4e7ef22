"""Benchmark: ranking quality of job ↔ unit matching against human judgements, beside a keyword
baseline, and matching throughput.

The evaluation set (bench/data/matching_eval.yaml, documented in its header) holds units written
like register entries and job postings in Chinese (simplified and traditional) and English, each
posting judged by hand: which skills it asks for and which units teach what it needs (grade 2 =
central, 1 = useful). Judgements were made by reading, not by running the matcher.

For each posting:
  skills — creditbank: the vocabulary's skills found in the text (jieba / Snowball, labels in both
           languages, nearness); baseline: skills whose preferred label occurs verbatim;
  units  — creditbank: units ranked by shared skills (rarity-weighted cosine) on the skills
           suggested from their text; baseline: BM25 over the words of posting and unit.
Reported: precision@5 and nDCG@10, overall and where posting and unit texts differ in language
(cross-language pairs: the unit's substantive text is in the other language), and postings matched
per second on one core beside the baseline's rate.

Run:   .venv/bin/python bench/matching.py [--record]
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from _common import arguments, best_rate, record, title

DATA = Path(__file__).with_name("data") / "matching_eval.yaml"
K_PRECISION, K_NDCG = 5, 10
_HAN = re.compile(r"[\u3400-\u9fff]")


def main() -> None:
    args = arguments(__doc__).parse_args()
    record(run(), args.record)


def language(text: str) -> str:
    return "zh" if len(_HAN.findall(text)) * 2 > len(text.split()) else "en"


def run() -> list[str]:
    from creditbank.apps.matching.text import text_tokens, words
    from creditbank.apps.matching.vocabulary import vocabulary
    from creditbank.core.matching import Holder, keyword_rank, keyword_skills, rank, rarity, skills_in
    from creditbank.core.relevance import ndcg_at, precision_at

    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    vocab = vocabulary()
    units = data["units"]
    unit_text = {
        u["code"]: "\n".join(u[k] for k in ("title_en", "title_zh", "outcomes_en", "outcomes_zh"))
        for u in units
    }
    unit_language = {u["code"]: u["language"] for u in units}

    def found(text: str) -> list[str]:
        normal, tokens = text_tokens(text)
        return [m.skill.uri for m in skills_in(normal, tokens, vocab)]

    holders = [Holder(code, frozenset(found(text))) for code, text in unit_text.items()]
    rare = rarity(holders)
    unit_words = {code: words(text) for code, text in unit_text.items()}
    postings = data["postings"]

    ours: dict[str, Callable[[str], list[str]]] = {
        "skills": found,
        "units": lambda text: [m.key for m in rank(found(text), holders, rare)],
    }
    baseline: dict[str, Callable[[str], list[str]]] = {
        "skills": lambda text: keyword_skills(text, vocab),
        "units": lambda text: [k for k, _s in keyword_rank(words(text), unit_words)],
    }
    rows = []
    for target in ("skills", "units"):
        for name, system in (("creditbank", ours), ("keyword baseline", baseline)):
            scores = _scores(postings, target, system[target], precision_at, ndcg_at, unit_language)
            rows.append((target, name, scores))
    judgements = sum(len(p.get("skills", {})) + len(p.get("units", {})) for p in postings)
    rate_ours = best_rate(lambda: [ours["units"](p["text"]) for p in postings], len(postings))
    rate_base = best_rate(lambda: [baseline["units"](p["text"]) for p in postings], len(postings))
    languages = statistics.multimode(language(p["text"]) for p in postings)
    lines = [
        *title("matching", f"{len(postings)} postings, {len(units)} units, {judgements} judgements"),
        f"- evaluation set: bench/data/matching_eval.yaml ({sum(language(p['text']) == 'zh' for p in postings)} Chinese"
        f" and {sum(language(p['text']) == 'en' for p in postings)} English postings; most common: {', '.join(languages)});"
        f" vocabulary: {len(vocab.skills)} ESCO skills with English and Chinese labels",
        "",
        f"| target | system | P@{K_PRECISION} | nDCG@{K_NDCG} | P@{K_PRECISION} cross-language | nDCG@{K_NDCG} cross-language | postings |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for target, name, s in rows:
        lines.append(
            f"| {target} | {name} | {s['p']:.2f} | {s['ndcg']:.2f} | {_fmt(s['p_cross'])} | {_fmt(s['ndcg_cross'])} | {s['n']} |"
        )
    lines += [
        "",
        f"- throughput, one core: {rate_ours:,.0f} postings/s matched against {len(units)} units"
        f" (skills found, units ranked) vs the keyword baseline's {rate_base:,.0f}/s = {rate_ours / rate_base:.2f}×",
    ]
    return lines


def _scores(
    postings: Sequence[Mapping[str, Any]],
    target: str,
    system: Callable[[str], list[str]],
    precision_at: Callable[..., float],
    ndcg_at: Callable[..., float],
    unit_language: Mapping[str, str],
) -> dict[str, Any]:
    p, ndcg, p_cross, ndcg_cross = [], [], [], []
    for posting in postings:
        grades = {str(k): int(v) for k, v in (posting.get(target) or {}).items()}
        if not any(grades.values()):
            continue
        ranked = system(posting["text"])
        p.append(precision_at(ranked, grades, K_PRECISION))
        ndcg.append(ndcg_at(ranked, grades, K_NDCG))
        if target == "units":
            own = language(posting["text"])
            other = {k: g for k, g in grades.items() if unit_language.get(k) not in (own, "both")}
            if any(other.values()):  # the judged units written in the other language only
                kept = [k for k in ranked if k in other or unit_language.get(k) not in (own, "both")]
                p_cross.append(precision_at(kept, other, K_PRECISION))
                ndcg_cross.append(ndcg_at(kept, other, K_NDCG))
    return {
        "p": statistics.fmean(p), "ndcg": statistics.fmean(ndcg), "n": len(p),
        "p_cross": statistics.fmean(p_cross) if p_cross else None,
        "ndcg_cross": statistics.fmean(ndcg_cross) if ndcg_cross else None,
    }  # fmt: skip


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    main()
