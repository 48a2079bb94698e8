"""Part of a foreign query's language comes off its e5 vectors (ranking/language_shift.py, indexer/languages.py)."""

import numpy as np
import pytest

from indexer.index import Index, WordVectors
from indexer.languages import FUNCTION_WORD_ZIPF, LANGUAGES, sample_words
from ranking import RankingConfig, SearchEngine
from ranking.language_shift import SHIFT, toward_english
from ranking.word_bridge import WordBridge
from settings import Settings
from tests.conftest import ids_of

MEANS = {"en": np.array([0.0, 1.0, 0.0], np.float32), "fr": np.array([1.0, 0.0, 0.0], np.float32)}


def test_a_foreign_vector_moves_toward_english_by_the_share_and_stays_unit_length():
    v = np.array([[1.0, 1.0, 0.0]], np.float32) / np.sqrt(2)
    moved = toward_english(v, "fr", MEANS)
    expected = v - SHIFT * (MEANS["fr"] - MEANS["en"])
    assert np.allclose(moved, expected / np.linalg.norm(expected))
    assert moved[0, 1] > moved[0, 0]  # now nearer the English side than the French
    assert np.isclose(np.linalg.norm(moved), 1.0)


@pytest.mark.parametrize("language, means", [("en", MEANS), (None, MEANS), ("sv", MEANS), ("fr", {})])
def test_english_an_unknown_language_or_no_means_leave_the_vector_as_it_is(language, means):
    v = np.array([[0.6, 0.8, 0.0]], np.float32)
    assert toward_english(v, language, means) is v


def test_each_languages_sample_is_common_content_words():
    words = sample_words("fr", 50)
    assert len(words) == len(set(words)) == 50
    assert all(w.isalpha() and len(w) >= 3 for w in words)
    assert not {"les", "des", "est", "pour", "dans"} & set(words)  # function words say only "French"
    assert sample_words("fr", 0) == []
    greek = sample_words("el", 100)
    assert "επίσης" in greek and not any(w.endswith("σ") for w in greek)  # spelled as Greek text spells them
    from wordfreq import zipf_frequency

    assert all(zipf_frequency(w, "fr", wordlist="small") < FUNCTION_WORD_ZIPF for w in words)


def test_the_build_keeps_each_languages_sample_and_its_mean(built_index, encoders):
    index = Index.load(built_index.index, ids_of(encoders))
    assert index.words is not None
    means = index.words.language_means
    assert set(means) == set(LANGUAGES)
    assert index.manifest["language_words"] == {"e5": len(LANGUAGES) * built_index.language_sample_words}
    e5 = next(e for e in encoders if e.name == "e5")
    french = sample_words("fr", built_index.language_sample_words)
    assert np.allclose(means["fr"], e5.encode_queries(french).mean(axis=0), atol=1e-5)


def test_no_sample_no_shift(tmp_path, built_index, encoders):
    from indexer.build import build_index
    from indexer.corpus import load_corpus

    settings = built_index.model_copy(update={"index": tmp_path / "index", "language_sample_words": 0})
    build_index(load_corpus(built_index.data), settings, encoders)
    index = Index.load(settings.index, ids_of(encoders))
    assert index.words is not None and index.words.language_means == {}
    assert "language_words" not in index.manifest
    engine = SearchEngine(index, encoders, RankingConfig.from_settings(Settings()))
    assert engine.search("médiateurs roms", limit=3).hits  # ranked as before, unshifted


PAIRS = [
    ("fr", "médiateurs roms", "Roma mediators work between schools and Roma families"),
    ("de", "Sprachkurse für Migranten", "Language courses for migrants"),
    ("uk", "протидія чуткам про мігрантів", "Countering rumours about migrants"),
    ("el", "υποστήριξη θυμάτων ρατσισμού", "Support for victims of racism"),
    ("es", "presupuesto participativo", "A participatory budget"),
]


def test_the_engine_embeds_a_foreign_query_moved_toward_its_english_meaning(built_index, encoders):
    index = Index.load(built_index.index, ids_of(encoders))
    engine = SearchEngine(index, encoders, RankingConfig.from_settings(Settings()))
    e5 = next(e for e in encoders if e.name == "e5")
    for language, query, english in PAIRS:
        parsed = engine_query(engine, query)
        assert parsed.language == language, query
        raw, moved = e5.encode_queries([query]), engine._embed("e5", parsed)
        target = e5.encode_passages([english])[0]
        assert float(moved[0] @ target) > float(raw[0] @ target), query
    english_query = engine_query(engine, "language courses for migrants")
    assert english_query.language == "en"
    assert np.allclose(engine._embed("e5", english_query), e5.encode_queries(["language courses for migrants"]))


def engine_query(engine: SearchEngine, text: str):
    from ranking import query

    return query.parse(text, text, engine._english, engine._splitter)


def test_the_word_bridge_moves_each_foreign_word_before_it_looks_for_the_closest_corpus_word():
    """A French word closest to a French corpus word as embedded, but to the English one once moved."""

    class Fake:
        name = "e5"

        def encode_queries(self, texts):
            return np.tile(np.array([[0.95, 0.31, 0.0]], np.float32), (len(texts), 1))

    corpus = WordVectors("e5", ["ville", "city"], np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0]], np.float32), MEANS)
    assert WordBridge(corpus, Fake(), cache_size=10).english("agglomération", "fr") == "city"
    unmoved = WordVectors("e5", corpus.words, corpus.vectors)
    assert WordBridge(unmoved, Fake(), cache_size=10).english("agglomération", "fr") == "ville"
