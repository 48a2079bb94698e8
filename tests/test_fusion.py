"""Fusion puts each signal on one scale: z-scores for cosines, BM25 relative to the query's best, RRF by rank."""

import numpy as np

from ranking import fusion


def test_zscore_standardises_and_keeps_unscored_out():
    scores = np.array([0.9, 0.7, 0.5, -np.inf], dtype=np.float32)
    z = fusion.zscore(scores)
    assert np.allclose(z[:3], [1.2247449, 0.0, -1.2247449], atol=1e-6)
    assert z[3] == -np.inf
    assert np.array_equal(fusion.zscore(np.full(3, 0.8, dtype=np.float32)), np.zeros(3, dtype=np.float32))


def test_zscore_makes_encoders_with_different_ranges_agree():
    minilm = np.array([0.62, 0.41, 0.20, 0.15], dtype=np.float32)
    e5 = 0.78 + 0.1 * minilm  # the same ranking, squeezed into e5's range
    assert np.allclose(fusion.zscore(minilm), fusion.zscore(e5), atol=1e-4)


def test_bm25_relative_to_the_best_match():
    assert np.allclose(fusion.normalise_by_best(np.array([4.0, 2.0, 0.0])), [1.0, 0.5, 0.0])
    assert np.array_equal(fusion.normalise_by_best(np.zeros(3)), np.zeros(3))


def test_rrf_sums_weighted_reciprocal_ranks_and_skips_unscored():
    dense = np.array([0.9, 0.8, 0.1], dtype=np.float32)
    keyword = np.array([-np.inf, 3.0, 1.0], dtype=np.float32)
    fused = fusion.rrf([dense, keyword], [1.0, 2.0])
    k = fusion.RRF_K
    assert np.allclose(fused, [1 / (k + 1), 1 / (k + 2) + 2 / (k + 1), 1 / (k + 3) + 2 / (k + 2)])
