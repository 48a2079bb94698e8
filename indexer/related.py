"""Related practices: for each practice, the nearest others by the centroid of its vectors.

The centroid (normalised mean of purpose and passage vectors) stands for the whole practice, so
one long description passage does not decide relatedness on its own.
"""

import numpy as np


def centroids(vectors: np.ndarray, passage_practice: np.ndarray, n_practices: int) -> np.ndarray:
    """float32 (n_practices, dim), unit length."""
    sums = np.zeros((n_practices, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, passage_practice, vectors)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.maximum(norms, 1e-12)).astype(np.float32)


def compute_related(
    vectors: np.ndarray, passage_practice: np.ndarray, ids: list[str], k: int
) -> dict[str, list[tuple[str, float]]]:
    """id -> up to k (other id, cosine), best first; ties broken by id so builds are reproducible."""
    c = centroids(vectors, passage_practice, len(ids))
    related: dict[str, list[tuple[str, float]]] = {}
    for lo in range(0, len(ids), 1024):  # blocks keep memory flat for large corpora
        sims = c[lo : lo + 1024] @ c.T
        for row, scores in enumerate(sims):
            me = lo + row
            scores[me] = -np.inf
            take = min(k, len(ids) - 1)
            top = np.argpartition(-scores, take - 1)[:take] if take > 0 else np.array([], dtype=np.int64)
            ranked = sorted(((round(float(scores[j]), 6), ids[j]) for j in top), key=lambda t: (-t[0], t[1]))
            related[ids[me]] = [(other, score) for score, other in ranked]
    return related
