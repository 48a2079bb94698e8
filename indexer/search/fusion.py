"""Combine semantic and keyword scores into one ranking score.

Convex: w * cosine + (1 - w) * bm25 / max_bm25 (max over the whole corpus for this query, so a filter
never changes a practice's score). RRF: sum of 1 / (k + rank) over both rankings. Which one, and the
weight, were chosen on the dev half of data/eval (see bench/results).
"""

import numpy as np

RRF_K = 60


def normalise_bm25(bm25: np.ndarray) -> np.ndarray:
    top = float(bm25.max()) if bm25.size else 0.0
    return bm25 / top if top > 0 else np.zeros_like(bm25)


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def convex(semantic: np.ndarray, keyword_norm: np.ndarray, weight: float) -> np.ndarray:
    return weight * semantic + (1.0 - weight) * keyword_norm


def rrf(semantic: np.ndarray, keyword: np.ndarray) -> np.ndarray:
    kw_ranks = np.where(keyword > 0, _ranks(keyword), np.inf)
    return 1.0 / (RRF_K + _ranks(semantic)) + 1.0 / (RRF_K + kw_ranks)
