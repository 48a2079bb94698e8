"""Put BM25 and each encoder's cosines on one scale, then add them.

Cosines mean different things per encoder (multilingual-e5 sits between 0.7 and 0.9, MiniLM
between 0.1 and 0.7), so each encoder's scores are standardised per query over the corpus
(z-scores: how far a practice stands out from the rest for this query; a clear top hit sits
3 to 4 deviations out). BM25 is not: its scores are mostly zeros, and one weak match among them
would stand out enormously. It is divided by the query's best BM25 instead (1.0 = the best
keyword match), and `keyword_weight` says how many deviations that best match is worth. For a query
in another language BM25 reads the corpus words its words map to (word_bridge.py), never the words as
typed, whose English stems would match only by accident.

    hybrid = sum over encoders of z(cosine) + keyword_weight * BM25 / best BM25
             + topic_weight * topic signal (topic_signal.py) + place_weight * [in a place the query names]

The last two are on the same scale: the topic signal is itself in deviations, and a named place is
worth a fixed number of them (places.py). RRF (reciprocal rank fusion over the encoders and BM25)
is the alternative; which one, and the weights, were chosen on the dev half of data/eval (see
bench/results).
"""

import numpy as np

RRF_K = 60


def zscore(scores: np.ndarray) -> np.ndarray:
    """Standardise the finite scores; -inf stays -inf, a constant list becomes zeros."""
    finite = np.isfinite(scores)
    if not finite.any():
        return np.zeros_like(scores)
    values = scores[finite]
    spread = float(values.std())
    out = np.full_like(scores, -np.inf)
    out[finite] = (values - values.mean()) / spread if spread > 1e-9 else 0.0
    return out


def normalise_by_best(bm25: np.ndarray) -> np.ndarray:
    """Keyword mode's score: 1.0 = this query's best keyword match."""
    top = float(bm25.max()) if bm25.size else 0.0
    return bm25 / top if top > 0 else np.zeros_like(bm25)


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def rrf(signals: list[np.ndarray], weights: list[float]) -> np.ndarray:
    """Sum of weight / (K + rank) over the signals; -inf marks a practice a signal does not score."""
    out = np.zeros(len(signals[0]), dtype=np.float32)
    for scores, weight in zip(signals, weights, strict=True):
        scored = np.isfinite(scores)
        if weight and scored.any():
            out += np.where(scored, weight / (RRF_K + _ranks(np.where(scored, scores, -np.inf))), 0.0)
    return out
