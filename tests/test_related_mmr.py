"""Diversity of related practices: maximal marginal relevance with a city cap (ranking/related.py)."""

import numpy as np

from ranking.related import mmr


def test_mmr_takes_the_most_relevant_first_then_demotes_a_near_copy_of_it():
    relevance = np.array([3.0, 2.9, 2.0])
    similarity = np.array([[5.0, 4.9, 0.0], [4.9, 5.0, 0.0], [0.0, 0.0, 5.0]])  # 0 and 1 are near copies
    picked = mmr(relevance, similarity, ["a", "b", "c"], lam=0.8, limit=3)
    assert picked == [0, 2, 1]


def test_mmr_without_diversity_is_the_relevance_order_and_ties_keep_the_earlier_candidate():
    relevance = np.array([1.0, 2.0, 2.0, 0.5])
    similarity = np.ones((4, 4))
    assert mmr(relevance, similarity, ["a", "b", "c", "d"], lam=1.0, limit=4) == [1, 2, 0, 3]


def test_mmr_caps_a_city_at_two_of_the_first_five_unless_nothing_else_is_left():
    relevance = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    similarity = np.zeros((5, 5))
    cities = ["Oslo", "Oslo", "Oslo", "Bergen", "Oslo"]
    assert mmr(relevance, similarity, cities, lam=1.0, limit=5) == [0, 1, 3, 2, 4]
    assert mmr(relevance, similarity, cities, lam=1.0, limit=2) == [0, 1]


def test_mmr_returns_at_most_the_candidates_it_has():
    assert mmr(np.array([1.0]), np.zeros((1, 1)), ["a"], lam=0.8, limit=5) == [0]
    assert mmr(np.zeros(0), np.zeros((0, 0)), [], lam=0.8, limit=5) == []
