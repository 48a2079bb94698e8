"""Relevance metrics: pure functions over a ranked list of ids and graded judgments, checkable by hand.

Judgments map practice id -> grade (2 = highly, 1 = partly relevant; unjudged = 0).
"""

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

FLOOR_GRID = tuple(round(0.01 * i, 2) for i in range(101))  # 0.00 .. 1.00
# The engine hides below-floor results when any result is close, so a floor must keep nearly all
# relevant ones: the chosen floor is the highest that keeps this share of judged-relevant candidates.
KEEP_RELEVANT = 0.95


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain: sum of gain / log2(rank + 1), ranks from 1."""
    return sum(g / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with the grade as the gain (2 or 1), against the ideal ordering of all judged ids."""
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(pid, 0) for pid in ranked[:k]]) / ideal


def recall_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int) -> float:
    """Share of the judged-relevant ids (grade >= 1) found in the first k."""
    relevant = {pid for pid, grade in judgments.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def mrr_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    """1 / rank of the first relevant id within the first k, else 0."""
    for rank, pid in enumerate(ranked[:k], start=1):
        if judgments.get(pid, 0) > 0:
            return 1.0 / rank
    return 0.0


def precision_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int = 5) -> float:
    """Relevant ids in the first k, divided by k (a short list is not rewarded for being short)."""
    wanted = set(relevant)
    return sum(1 for pid in ranked[:k] if pid in wanted) / k


def distinct_at_k(values: Sequence[str], k: int = 5) -> int:
    """How many different values (e.g. cities) the first k results show."""
    return len(set(values[:k]))


def mean_interval(values: Sequence[float], rounds: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95% bootstrap interval of the mean, resampling the queries: with 12 queries a language's mean moves by
    about 0.1 with which queries happened to be written, so a gap to a goal smaller than that is not a finding."""
    if not values:
        return 0.0, 0.0
    data = np.asarray(values, dtype=np.float64)
    draws = np.random.default_rng(seed).integers(0, len(data), size=(rounds, len(data)))
    low, high = np.percentile(data[draws].mean(axis=1), [2.5, 97.5])
    return float(low), float(high)


def floor_separation(relevant: Sequence[float], unjudged: Sequence[float], floor: float) -> tuple[float, float]:
    """(share of relevant scores >= floor, share of unjudged scores < floor): what a relevance floor keeps apart."""
    above = sum(1 for s in relevant if s >= floor) / len(relevant) if relevant else 0.0
    below = sum(1 for s in unjudged if s < floor) / len(unjudged) if unjudged else 0.0
    return above, below


def choose_floor(relevant: Sequence[float], keep: float = KEEP_RELEVANT, grid: Sequence[float] = FLOOR_GRID) -> float:
    """The highest floor with at least `keep` of the relevant scores at or above it (so the most unjudged below)."""
    kept = [f for f in grid if floor_separation(relevant, (), f)[0] >= keep]
    return max(kept) if kept else min(grid)


# --- the evaluation set -----------------------------------------------------------------------
