"""Topic signal: how close a query is to the topics a practice was filed under.

Editors file every practice under a few of the programme's topics. Each topic gets a prototype
per encoder (the normalised mean of the centroids of its practices), so a topic is described by
the corpus itself, in any language the encoder reads. For a query, the topics are put in
deviations from one another (z over the topics); a practice scores its closest topic, and that
score is put in deviations over the practices, like each encoder's cosines (ranking/fusion.py):

    topic(q, p) = z_practices( max over p's topics of z_topics(cosine(q, prototype)) )

It lifts practices filed under what a query is about when their own text says it in other words
(on the dev half: typed, pasted and translated queries all gain; see bench/results/eval-dev.md).
"""

import numpy as np

from ranking.fusion import zscore


class TopicSignal:
    def __init__(self, centroids: dict[str, np.ndarray], topics: np.ndarray):
        self._filed = topics > 0  # (n_practices, n_topics)
        self._untopical = ~self._filed.any(axis=1)
        used = self._filed.any(axis=0)
        self._prototypes = {}
        for name, c in centroids.items():
            sums = topics[:, used].T @ c
            self._prototypes[name] = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        self._filed = self._filed[:, used]

    def scores(self, vectors: dict[str, np.ndarray]) -> np.ndarray:
        """Mean over the given encoders' (1, dim) query vectors of topic(q, p); zeros when no practice has topics."""
        if not self._filed.any() or not vectors:
            return np.zeros(len(self._filed), dtype=np.float32)
        per_encoder = []
        for name, query in vectors.items():
            closeness = zscore(self._prototypes[name] @ query[0])  # per topic
            best = np.where(self._filed, closeness[None, :], -np.inf).max(axis=1)
            best[self._untopical] = closeness.min()  # no topic: no lift
            per_encoder.append(zscore(best))
        return np.mean(per_encoder, axis=0).astype(np.float32)
