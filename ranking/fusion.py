"""Put BM25 and each encoder's cosines on one scale, then add them.

Cosines mean different things per encoder (multilingual-e5 sits between 0.7 and 0.9, MiniLM
between 0.1 and 0.7), so each encoder's scores are standardised per query over the corpus
(z-scores: how far a practice stands out from the rest for this query). BM25 is not: one weak
accidental match among zeros would stand out enormously. It is divided instead by the most the
query's words could score (every word present, in the rarest way), so it says how much of the
query a practice covers; words the corpus has never seen count against that coverage, which keeps
a query in another language from being ranked by stray English stems.

    hybrid = sum over encoders of z(cosine) + keyword_weight * coverage

RRF (reciprocal rank fusion over the same signals) is the alternative; which one, and the weight,
were chosen on the dev half of data/eval (see bench/results).
"""

import numpy as np

RRF_K = 60
K1 = 1.5  # bm25s' default saturation parameter: a word's BM25 is at most idf * (K1 + 1)


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


def idf(document_frequency: np.ndarray, n_docs: int) -> np.ndarray:
    """Lucene's idf, the one bm25s scores with; a word no practice has gets the rarest word's idf."""
    df = np.maximum(document_frequency, 1)
    return np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def coverage(bm25: np.ndarray, document_frequency: np.ndarray, n_docs: int) -> np.ndarray:
    """BM25 divided by the query's most possible BM25: 0 = no query word, towards 1 = all of them, often."""
    most = float((idf(document_frequency, n_docs) * (K1 + 1)).sum())
    return bm25 / most if most > 0 else np.zeros_like(bm25)


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
