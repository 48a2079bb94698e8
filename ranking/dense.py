"""Semantic scores from one encoder's vectors: per practice, the best cosine over its passages.

A query of several vectors (a pasted paragraph, split like the practices are) scores each practice
by the mean over the query's passages of their best cosine with the practice's passages, so a long
text matches practices that resemble all of it, not one sentence of it.
"""

import faiss
import numpy as np

from indexer.index import DenseVectors

ANN_DEPTH = 2000  # rows an HNSW search returns per query vector


class DenseScorer:
    def __init__(self, dense: DenseVectors, passage_practice: np.ndarray, n_practices: int):
        self.name = dense.name
        self._faiss = dense.faiss
        flat = isinstance(faiss.downcast_index(dense.faiss), faiss.IndexFlat)
        self._matrix = np.asarray(dense.vectors) if flat else None
        self._pp = passage_practice.astype(np.int64)
        self._n = n_practices

    def scores(self, queries: np.ndarray, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(score per practice, -inf where unscored; the row of that practice that matched best)."""
        row_scores = self._matrix @ queries.T if self._matrix is not None else self._ann(queries, allowed)
        per_practice = np.full((self._n, len(queries)), -np.inf, dtype=np.float32)
        np.maximum.at(per_practice, self._pp, row_scores)
        score = per_practice.mean(axis=1) if len(queries) > 1 else per_practice[:, 0]
        row_mean = row_scores.mean(axis=1)
        best = np.full(self._n, -np.inf, dtype=np.float32)
        np.maximum.at(best, self._pp, row_mean)
        hit = np.flatnonzero(row_mean == best[self._pp])
        best_rows = np.full(self._n, -1, dtype=np.int64)
        best_rows[self._pp[hit[::-1]]] = hit[::-1]  # the first such row of each practice
        return score.astype(np.float32), best_rows

    def _ann(self, queries: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """Large indexes: HNSW restricted to the filtered rows, so filters act before the cut."""
        ntotal = self._faiss.ntotal
        params = None
        if not allowed.all():
            rows = np.flatnonzero(allowed[self._pp]).astype(np.int64)
            params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorBatch(rows))
        scores, rows = self._faiss.search(queries, min(ntotal, ANN_DEPTH), params=params)
        out = np.full((ntotal, len(queries)), -np.inf, dtype=np.float32)
        for q in range(len(queries)):
            valid = rows[q] >= 0
            out[rows[q][valid], q] = scores[q][valid]
        return out
