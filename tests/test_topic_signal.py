"""The topic signal (ranking/topic_signal.py): practices filed under the topic nearest the query rise."""

import numpy as np
import pytest

from ranking.fusion import zscore
from ranking.topic_signal import TopicSignal


def unit(*rows: list[float]) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


# Four practices, three topics: 0 and 1 are filed under topic A (their vectors point along x), 2 under B
# (along y), 3 under C (along z).
CENTROIDS = unit([1, 0.2, 0], [1, 0, 0.2], [0, 1, 0], [0, 0, 1])
TOPICS = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)


def test_a_practice_scores_the_closeness_of_its_topic_prototype_to_the_query():
    signal = TopicSignal({"enc": CENTROIDS}, TOPICS)
    scores = signal.scores({"enc": unit([1, 0, 0])})
    assert scores[0] == scores[1] > scores[2]
    assert scores[2] == pytest.approx(scores[3])
    # in deviations over the practices, as each encoder's cosines are
    assert scores.mean() == pytest.approx(0.0, abs=1e-6) and scores.std() == pytest.approx(1.0, rel=1e-5)


def test_the_closest_of_several_topics_counts_and_a_practice_without_topics_gets_no_lift():
    topics = np.array([[1, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float32)
    signal = TopicSignal({"enc": CENTROIDS}, topics)
    scores = signal.scores({"enc": unit([0, 1, 0])})
    assert scores[0] == pytest.approx(scores[2])  # filed under B among others
    assert scores[3] == pytest.approx(scores.min())  # no topic: as low as the farthest topic
    assert scores[2] > scores[1]


def test_encoders_are_averaged_after_standardising_each():
    other = unit([0, 1, 0], [0, 1, 0.1], [1, 0, 0], [0, 0, 1])  # a second encoder that disagrees
    both = TopicSignal({"a": CENTROIDS, "b": other}, TOPICS).scores({"a": unit([1, 0, 0]), "b": unit([1, 0, 0])})
    a = TopicSignal({"a": CENTROIDS}, TOPICS).scores({"a": unit([1, 0, 0])})
    b = TopicSignal({"b": other}, TOPICS).scores({"b": unit([1, 0, 0])})
    np.testing.assert_allclose(both, (a + b) / 2, rtol=1e-5)
    np.testing.assert_allclose(a, zscore(a), rtol=1e-5)


def test_no_signal_without_topics_or_query_vectors():
    assert not TopicSignal({"enc": CENTROIDS}, np.zeros_like(TOPICS)).scores({"enc": unit([1, 0, 0])}).any()
    assert not TopicSignal({"enc": CENTROIDS}, TOPICS).scores({}).any()
