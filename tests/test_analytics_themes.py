"""Unmet themes: unmet queries grouped by meaning (the service's encoder, or a fake), labelled by their words."""

import numpy as np
import pytest

from analytics.themes import CachedEmbed, Theme, group, label

FAKE = {  # three directions: Roma school mediation, urban gardens, space travel
    "roma school mediators": [1.0, 0.0, 0.0],
    "mediators for roma pupils": [0.95, 0.31, 0.0],
    "urban gardens": [0.0, 1.0, 0.0],
    "community gardens in parks": [0.1, 0.99, 0.0],
    "quantum spaceport": [0.0, 0.0, 1.0],
}


def fake_embed(texts: list[str]) -> np.ndarray:
    vectors = np.array([FAKE[t] for t in texts], dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_similar_queries_form_one_theme_most_searched_first():
    queries = [
        ("urban gardens", 4),
        ("roma school mediators", 5),
        ("mediators for roma pupils", 3),
        ("community gardens in parks", 2),
        ("quantum spaceport", 1),
    ]
    assert group(queries, fake_embed) == [
        Theme(
            label="mediators, roma, school",
            searches=8,
            queries=2,
            examples=["roma school mediators", "mediators for roma pupils"],
        ),
        Theme(
            label="gardens, urban, community",
            searches=6,
            queries=2,
            examples=["urban gardens", "community gardens in parks"],
        ),
        Theme(label="quantum, spaceport", searches=1, queries=1, examples=["quantum spaceport"]),
    ]


def test_a_strict_similarity_keeps_every_query_apart():
    queries = [("roma school mediators", 5), ("mediators for roma pupils", 3)]
    assert [t.queries for t in group(queries, fake_embed, similarity=0.99)] == [1, 1]


def test_no_unmet_queries_no_themes():
    assert group([], fake_embed) == []


def test_labels_skip_stop_words_in_several_languages_and_weigh_by_searches():
    assert label([("the roma and the school", 1), ("les médiateurs pour les roms", 3)]) == "médiateurs, roms, roma"
    assert label([("de la", 2)]) == "de la"  # nothing but stop words: the query itself


@pytest.mark.slow
def test_real_encoder_groups_paraphrases(encoder):
    queries = [
        ("roma school mediators", 3),
        ("mediation for roma pupils in schools", 2),
        ("urban gardening with refugees", 2),
        ("community gardens for newcomers", 1),
    ]
    themes = group(queries, encoder.encode_queries)
    assert [sorted(t.examples) for t in themes] == [
        ["mediation for roma pupils in schools", "roma school mediators"],
        ["community gardens for newcomers", "urban gardening with refugees"],
    ]


def test_embeddings_are_cached_between_reports():
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return fake_embed(texts)

    cached = CachedEmbed(embed, size=2)
    first = cached(["urban gardens", "quantum spaceport"])
    again = cached(["quantum spaceport", "urban gardens", "urban gardens"])
    assert calls == [["urban gardens", "quantum spaceport"]]
    assert np.array_equal(again, first[[1, 0, 0]])
    cached(["roma school mediators"])  # evicts the least recently used: quantum spaceport
    cached(["urban gardens"])
    cached(["quantum spaceport"])
    assert calls[1:] == [["roma school mediators"], ["quantum spaceport"]]
