"""Related practices, every step: candidates, near-duplicates, diversity (MMR with a city cap), paging.

Two practices are compared by the cosine of their centroids (the normalised mean of a practice's
vectors, so one long passage does not decide alone), per encoder of `related_encoders`. Encoders
spread cosines very differently (e5's centroids sit at 0.85 +- 0.02, MiniLM's at 0.33 +- 0.11), so
each cosine is put in deviations from that encoder's mean over all pairs of practices (z) before
they are averaged; shared topics and shared words are added on that scale:

    similarity(a, b) = mean_e z_e(cosine(centroid_e a, centroid_e b))
    score(a, b)      = similarity(a, b) + topic_weight * Jaccard(topics a, topics b)
                       + keyword_weight * BM25(text of a, b) / best BM25 of any other practice

The keyword term reads a's whole indexed text as a BM25 query, as a pasted description is read: the
practices that share its distinctive words (names of programmes, "mentoring", "Roma") gain on those
that only share its broad meaning. On the dev related judgments (63 entries), precision@5: 0.454
without it and 0.514 with weight 3, the worth the best keyword match has in search (test, 62 entries:
0.432 and 0.506). With it, e5's centroids alone do as well as both encoders' (0.514 each; MiniLM's
alone 0.498), so the one encoder's are the default (test: 0.506, 0.471 and 0.439).

Two practices more similar than `duplicate_threshold` deviations are one programme published twice
(on e5's centroids the corpus's two such pairs and Bilbao's successive plans sit at 5.9, 5.1 and 4.8,
the next pairs, distinct projects, at 4.4 and below; on both encoders' at 5.7, 5.1, 5.0 and 4.4):
never shown for each other, and of two such candidates only the more relevant.
"""

from dataclasses import dataclass

import numpy as np

from indexer.index import Index
from indexer.keyword import practice_text
from ranking.fusion import normalise_by_best

CANDIDATES = 50  # most related practices diversified per request
PAIR_SAMPLE = 2000  # practices whose pairs set an encoder's mean and spread (all of them in small corpora)


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
    candidate is left. Ties go to the earlier candidate."""
    n = len(relevance)
    city = np.unique(np.asarray(cities, dtype=object), return_inverse=True)[1] if n else np.zeros(0, dtype=np.int64)
    per_city = np.zeros(int(city.max()) + 1 if n else 0, dtype=np.int64)
    available = np.ones(n, dtype=bool)
    redundancy = np.zeros(n, dtype=np.float64)  # highest similarity to a chosen candidate (0 before the first)
    chosen: list[int] = []
    while len(chosen) < min(limit, n):
        gain = np.where(available, lam * relevance - (1 - lam) * redundancy, -np.inf)
        if len(chosen) < capped_top:
            uncapped = available & (per_city[city] < city_cap)
            if uncapped.any():
                gain = np.where(uncapped, gain, -np.inf)
        pick = int(np.argmax(gain))
        chosen.append(pick)
        available[pick] = False
        per_city[city[pick]] += 1
        redundancy = similarity[:, pick] if len(chosen) == 1 else np.maximum(redundancy, similarity[:, pick])
    return chosen


@dataclass(frozen=True)
class RelatedPage:
    total: int
    positions: list[int]
    scores: list[float]


class RelatedPractices:
    def __init__(
        self,
        index: Index,
        centroids: dict[str, np.ndarray],
        topics: np.ndarray,
        topic_weight: float,
        keyword_weight: float,
        duplicate_threshold: float,
        mmr_lambda: float,
    ):
        per_encoder = list(centroids.values())
        spread = [_pair_spread(c) for c in per_encoder]
        # The mean of z-scored cosines is one dot product: left rows are scaled by 1 / (E * std), less the means.
        e = len(per_encoder)
        self._left = np.hstack([c / (e * std) for c, (_, std) in zip(per_encoder, spread, strict=True)])
        self._right = np.hstack(per_encoder)
        self._offset = float(sum(mean / (e * std) for mean, std in spread))
        self._topics = topics  # (n_practices, n_topics), ranking/practice_vectors.py
        self._topic_counts = self._topics.sum(axis=1)
        self._cities = [p.city for p in index.practices]
        self._practices, self._keyword = index.practices, index.keyword
        self.topic_weight, self.keyword_weight = topic_weight, keyword_weight
        self.duplicate_threshold, self.mmr_lambda = duplicate_threshold, mmr_lambda

    def similarity(self, rows: np.ndarray | int, against: np.ndarray | None = None) -> np.ndarray:
        """Mean over encoders of the z-scored centroid cosines of `rows` against `against` (every practice)."""
        right = self._right if against is None else self._right[against]
        return self._left[rows] @ right.T - self._offset

    def scores(self, source: int, similarity: np.ndarray | None = None) -> np.ndarray:
        shared = self._topics @ self._topics[source]
        union = self._topic_counts + self._topic_counts[source] - shared
        base = self.similarity(source) if similarity is None else similarity
        return base + self.topic_weight * shared / np.maximum(union, 1.0) + self.keyword_weight * self._keywords(source)

    def _keywords(self, source: int) -> np.ndarray:
        """BM25 of the source's text per practice, over the best other practice's (itself left out: 0)."""
        if not self.keyword_weight:
            return np.zeros(len(self._cities), dtype=np.float32)
        bm25 = self._keyword.scores(practice_text(self._practices[source])).copy()
        bm25[source] = 0.0
        return normalise_by_best(bm25)

    def page(self, source: int, allowed: np.ndarray, limit: int, offset: int) -> RelatedPage:
        """Ranked related practices of `source` among `allowed`, near-duplicates removed, diversified."""
        similarity = self.similarity(source)
        relevance = self.scores(source, similarity)
        keep = allowed & (similarity < self.duplicate_threshold)
        keep[source] = False
        candidates = np.flatnonzero(keep)
        candidates = candidates[np.lexsort((candidates, -relevance[candidates]))]
        total = len(candidates)
        candidates = candidates[: max(CANDIDATES, 4 * (offset + limit))]  # MMR compares pairs: bound the work
        pairwise = self.similarity(candidates, candidates)
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
