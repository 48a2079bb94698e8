"""Related practices, every step: candidates, near-duplicates, diversity (MMR with a city cap), paging.

Two practices are compared by the cosine of their centroids (the normalised mean of a practice's
vectors, so one long passage does not decide alone), per encoder. Encoders spread cosines very
differently (e5's centroids sit at 0.85 +- 0.02, MiniLM's at 0.33 +- 0.11), so each cosine is put
in deviations from that encoder's mean over all pairs of practices (z) before they are averaged;
shared topics are added on that scale:

    similarity(a, b) = mean_e z_e(cosine(centroid_e a, centroid_e b))
    score(a, b)      = similarity(a, b) + topic_weight * Jaccard(topics a, topics b)

Two practices more similar than `duplicate_threshold` deviations are one programme published twice
(the corpus's two such pairs and Bilbao's successive plans sit above 5, the next pairs, distinct
projects, below 4.5): never shown for each other, and of two such candidates only the more relevant.
"""

from dataclasses import dataclass

import numpy as np

from indexer.index import Index
from indexer.schema import Practice
from indexer.topics import TOPICS

CANDIDATES = 200  # most related practices diversified per request
PAIR_SAMPLE = 2000  # practices whose pairs set an encoder's mean and spread (all of them in small corpora)


def centroids(vectors: np.ndarray, passage_practice: np.ndarray, n_practices: int) -> np.ndarray:
    """float32 (n_practices, dim), unit length."""
    sums = np.zeros((n_practices, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, passage_practice, vectors)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.maximum(norms, 1e-12)).astype(np.float32)


def topic_matrix(practices: list[Practice]) -> np.ndarray:
    """float32 (n_practices, n_topics): 1 where the practice has the topic."""
    column = {t: i for i, t in enumerate(TOPICS)}
    matrix = np.zeros((len(practices), len(TOPICS)), dtype=np.float32)
    for row, practice in enumerate(practices):
        matrix[row, [column[t] for t in practice.topics]] = 1.0
    return matrix


def _pair_spread(c: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of the cosines between distinct practices (over a sample when large)."""
    sample = c[np.linspace(0, len(c) - 1, min(len(c), PAIR_SAMPLE)).astype(np.int64)]
    cosines = sample @ sample.T
    values = cosines[np.triu_indices(len(sample), 1)]
    if len(values) < 2:
        return 0.0, 1.0
    return float(values.mean()), max(float(values.std()), 1e-6)


def mmr(
    relevance: np.ndarray,
    similarity: np.ndarray,
    cities: list[str],
    *,
    lam: float,
    limit: int,
    city_cap: int = 2,
    capped_top: int = 5,
) -> list[int]:
    """Pick up to `limit` candidates (row indices) by maximal marginal relevance.

    Within the first `capped_top` picks no city appears more than `city_cap` times, unless no other
    candidate is left."""
    chosen: list[int] = []
    remaining = list(range(len(relevance)))
    while remaining and len(chosen) < limit:
        redundancy = similarity[np.ix_(remaining, chosen)].max(axis=1) if chosen else np.zeros(len(remaining))
        gain = lam * relevance[remaining] - (1 - lam) * redundancy
        order = [remaining[i] for i in np.argsort(-gain, kind="stable")]
        pick = order[0]
        if len(chosen) < capped_top:
            used = [cities[c] for c in chosen]
            allowed = [c for c in order if used.count(cities[c]) < city_cap]
            pick = allowed[0] if allowed else pick
        chosen.append(pick)
        remaining.remove(pick)
    return chosen


@dataclass(frozen=True)
class RelatedPage:
    total: int
    positions: list[int]
    scores: list[float]


class RelatedPractices:
    def __init__(self, index: Index, topic_weight: float, duplicate_threshold: float, mmr_lambda: float):
        n = len(index.practices)
        self._centroids = [centroids(np.asarray(d.vectors), index.passage_practice, n) for d in index.dense.values()]
        self._spread = [_pair_spread(c) for c in self._centroids]
        self._topics = topic_matrix(index.practices)
        self._cities = [p.city for p in index.practices]
        self.topic_weight, self.duplicate_threshold, self.mmr_lambda = topic_weight, duplicate_threshold, mmr_lambda

    def similarity(self, rows: np.ndarray | int) -> np.ndarray:
        """Mean over encoders of the z-scored centroid cosines of `rows` against every practice."""
        return np.mean(
            [(c[rows] @ c.T - mean) / std for c, (mean, std) in zip(self._centroids, self._spread, strict=True)], axis=0
        )

    def scores(self, source: int) -> np.ndarray:
        shared = self._topics @ self._topics[source]
        union = self._topics.sum(axis=1) + self._topics[source].sum() - shared
        return self.similarity(source) + self.topic_weight * shared / np.maximum(union, 1.0)

    def page(self, source: int, allowed: np.ndarray, limit: int, offset: int) -> RelatedPage:
        """Ranked related practices of `source` among `allowed`, near-duplicates removed, diversified."""
        relevance = self.scores(source)
        keep = allowed & (self.similarity(source) < self.duplicate_threshold)
        keep[source] = False
        candidates = np.flatnonzero(keep)
        candidates = candidates[np.lexsort((candidates, -relevance[candidates]))]
        total = len(candidates)
        candidates = candidates[: max(CANDIDATES, 4 * (offset + limit))]  # MMR compares pairs: bound the work
        pairwise = self.similarity(candidates)[:, candidates] if len(candidates) else np.zeros((0, 0))
        # Of two near-duplicates among the candidates, keep the more relevant (earlier) one.
        distinct = ~np.triu(pairwise >= self.duplicate_threshold, k=1).any(axis=0)
        candidates, pairwise = candidates[distinct], pairwise[np.ix_(distinct, distinct)]
        picked = mmr(
            relevance[candidates],
            pairwise,
            [self._cities[c] for c in candidates],
            lam=self.mmr_lambda,
            limit=offset + limit,
        )
        page = picked[offset : offset + limit]
        total -= int((~distinct).sum())
        return RelatedPage(total, [int(candidates[i]) for i in page], [float(relevance[candidates[i]]) for i in page])
