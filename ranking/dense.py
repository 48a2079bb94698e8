"""Semantic scores from one encoder's vectors: per practice, the best cosine over its passages."""

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

    def scores(self, query: np.ndarray, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For a (1, dim) query: (best cosine per practice, -inf where unscored; the row that gave it)."""
        rows = self._matrix @ query[0] if self._matrix is not None else self._ann(query, allowed)
        best = np.full(self._n, -np.inf, dtype=np.float32)
        np.maximum.at(best, self._pp, rows)
        hit = np.flatnonzero(rows == best[self._pp])
        best_rows = np.full(self._n, -1, dtype=np.int64)
        best_rows[self._pp[hit[::-1]]] = hit[::-1]  # the first such row of each practice
        return best, best_rows

    def _ann(self, query: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """Large indexes: HNSW restricted to the filtered rows, so filters act before the cut."""
        ntotal = self._faiss.ntotal
        params = None
        if not allowed.all():
            rows = np.flatnonzero(allowed[self._pp]).astype(np.int64)
            params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorBatch(rows))  # type: ignore[attr-defined]
        scores, rows = self._faiss.search(query, min(ntotal, ANN_DEPTH), params=params)
        out = np.full(ntotal, -np.inf, dtype=np.float32)
        valid = rows[0] >= 0
        out[rows[0][valid]] = scores[0][valid]
        return out
