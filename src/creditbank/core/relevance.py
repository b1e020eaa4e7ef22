"""Ranking quality against human judgements: precision at k and nDCG at k (graded relevance)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def precision_at(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """Share of the first k results judged relevant (grade > 0); a short list counts its gaps as misses."""
    return sum(1 for key in ranked[:k] if grades.get(key, 0) > 0) / k


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """Normalised discounted cumulative gain at k, gain 2^grade − 1; 1.0 is the ideal order. A query
    with nothing relevant has no ideal and scores 0 (it is left out of averages by the caller)."""
    ideal = _dcg(sorted(grades.values(), reverse=True)[:k])
    return _dcg([grades.get(key, 0) for key in ranked[:k]]) / ideal if ideal else 0.0


def _dcg(gains: Sequence[int]) -> float:
    return float(sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains)))
