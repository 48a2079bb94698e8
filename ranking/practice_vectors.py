"""Practice-level views of a build that related practices and the topic signal share."""

import numpy as np

from indexer.schema import Practice
from indexer.topics import TOPICS


def centroids(vectors: np.ndarray, passage_practice: np.ndarray, n_practices: int) -> np.ndarray:
    """float32 (n_practices, dim), unit length: the normalised mean of each practice's passage vectors."""
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
