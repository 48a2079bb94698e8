"""The word bridge: each content word of a foreign query becomes its closest corpus word, for BM25."""

import numpy as np
import pytest

from indexer.index import WordVectors
from indexer.vocabulary import Vocabulary
from indexer.word_vectors import bridge_words
from ranking.word_bridge import MAX_WORDS, WordBridge

CORPUS_WORDS = ["mediators", "refugees", "roma"]
NEAR = {"médiateurs": 0, "mediadores": 0, "roms": 2, "flüchtlinge": 1}  # foreign word -> corpus word it sits by


class Fake:
    """Unit vectors: a known foreign word next to its corpus word, anything else halfway between all."""

    name = "e5"
    model_id = "fake-e5"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.full((len(texts), 3), 1.0, dtype=np.float32)
        for row, text in enumerate(texts):
            if text in NEAR:
                out[row] = 0.1
                out[row, NEAR[text]] = 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture
def bridge_and_encoder():
    encoder = Fake()
    words = WordVectors("e5", CORPUS_WORDS, np.eye(3, dtype=np.float32))
    return WordBridge(words, encoder, cache_size=100), encoder


def test_each_content_word_becomes_its_closest_corpus_word_in_order(bridge_and_encoder):
    bridge, _ = bridge_and_encoder
    assert bridge.english("Médiateurs roms", "fr") == "mediators roma"
    assert bridge.english("Flüchtlinge mediadores", "de") == "refugees mediators"


def test_function_words_and_short_words_carry_nothing(bridge_and_encoder):
    bridge, encoder = bridge_and_encoder
    assert bridge.english("les médiateurs et les roms de la ville", "fr").split()[:2] == ["mediators", "roma"]
    embedded = {w for call in encoder.calls for w in call}
    assert not embedded & {"les", "et", "de", "la"}  # among French's commonest words, or under 3 letters
    assert "ville" in embedded  # a content word, even when it lands nowhere useful
    assert bridge.english("et de la", "fr") == ""


def test_word_vectors_are_cached_and_a_long_text_gives_at_most_max_words(bridge_and_encoder):
    bridge, encoder = bridge_and_encoder
    bridge.english("médiateurs roms", "fr")
    bridge.english("roms médiateurs roms", "fr")
    assert encoder.calls == [["médiateurs", "roms"]]
    text = " ".join(f"mot{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(100))
    assert len(bridge.english(text, "fr").split()) == MAX_WORDS
    assert len(encoder.calls[-1]) == MAX_WORDS


def test_a_corpus_word_is_its_own_closest_without_the_encoder(bridge_and_encoder):
    bridge, encoder = bridge_and_encoder
    assert bridge.english("roma médiateurs refugees", "fr") == "roma mediators refugees"
    assert encoder.calls == [["médiateurs"]]
    assert bridge.english("Roma refugees", "fr") == "roma refugees" and len(encoder.calls) == 1


def test_an_unknown_language_keeps_every_word_of_three_letters_or_more(bridge_and_encoder):
    bridge, _ = bridge_and_encoder
    assert bridge.english("les roms", "xx") == "mediators roma"  # "les" is a word here, and lands somewhere


def test_the_bridge_offers_corpus_words_of_two_practices_or_more_only():
    vocabulary = {"refugees": 9, "mediators": 2, "tsymbaliuk": 1, "of": 40, "2022": 5, "anti-rumour": 3}
    assert bridge_words(vocabulary) == ["mediators", "refugees"]


def _vocabulary(model_id: str, words: dict[str, int]) -> Vocabulary:
    """Foreign words stored with the vector Fake gives them (next to corpus word `index`)."""
    vectors = np.full((len(words), 3), 0.1, dtype=np.float32)
    for row, index in enumerate(words.values()):
        vectors[row, index] = 1.0
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return Vocabulary(model_id, {w: i for i, w in enumerate(words)}, vectors)


def test_words_of_the_foreign_vocabulary_are_not_embedded_and_map_as_embedded_ones_do(bridge_and_encoder):
    plain, _ = bridge_and_encoder
    encoder = Fake()
    words = WordVectors("e5", CORPUS_WORDS, np.eye(3, dtype=np.float32))
    vocabulary = _vocabulary(encoder.model_id, {"médiateurs": 0, "roms": 2})
    bridge = WordBridge(words, encoder, cache_size=100, vocabulary=vocabulary)
    text = "Médiateurs roms Flüchtlinge"
    assert bridge.english(text, "fr") == plain.english(text, "fr") == "mediators roma refugees"
    assert encoder.calls == [["flüchtlinge"]]  # the only word the vocabulary lacks


def test_a_vocabulary_of_another_model_is_not_used():
    encoder = Fake()
    words = WordVectors("e5", CORPUS_WORDS, np.eye(3, dtype=np.float32))
    vocabulary = _vocabulary("another model", {"médiateurs": 1})  # would map it to "refugees"
    bridge = WordBridge(words, encoder, cache_size=100, vocabulary=vocabulary)
    assert bridge.english("médiateurs", "fr") == "mediators"
    assert encoder.calls == [["médiateurs"]]
