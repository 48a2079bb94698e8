"""The foreign vocabulary: every other language's common words, embedded once per model and checked on load."""

import logging

import numpy as np
import pytest

from indexer.cli import main
from indexer.index import Index
from indexer.languages import LANGUAGES, sample_words
from indexer.progress import Silent
from indexer.vocabulary import VocabularyError, listing_file, load_vocabulary, vocabulary_words, words_source
from indexer.vocabulary_build import build_vocabulary, up_to_date
from ranking import RankingConfig, SearchEngine
from search_service.state import load_engine


@pytest.fixture
def settings(built_index, tmp_path):
    return built_index.model_copy(update={"vocabulary_dir": tmp_path / "vocabulary", "foreign_vocabulary_words": 2})


def test_the_words_are_each_other_languages_commonest_content_words_once_each():
    words = vocabulary_words(5)
    assert len(words) == len(set(words))
    assert set(sample_words("fr", 5)) <= set(words) and set(sample_words("uk", 5)) <= set(words)
    others = {w for language in LANGUAGES if language != "en" for w in sample_words(language, 5)}
    assert not (set(sample_words("en", 5)) - others) & set(words)  # English's own words are the corpus's
    assert all(w == w.lower() and len(w) >= 3 for w in words)
    assert vocabulary_words(0) == []


def test_a_build_stores_what_the_encoder_gives_and_a_second_one_embeds_nothing(settings, encoders):
    e5 = next(e for e in encoders if e.name == "e5")
    first = build_vocabulary(settings, encoders, Silent())
    words = vocabulary_words(2)
    assert (first.words, first.embedded) == (len(words), len(words))
    vocabulary = load_vocabulary(settings.vocabulary_dir, "e5", e5.model_id)
    assert vocabulary.source == words_source(2)
    assert list(vocabulary.row) == words
    assert np.allclose(vocabulary.vectors[[vocabulary.row[w] for w in words[:4]]], e5.encode_queries(words[:4]))
    assert build_vocabulary(settings, encoders, Silent()).embedded == 0

    more = settings.model_copy(update={"foreign_vocabulary_words": 3})
    assert up_to_date(settings, {"e5": e5.model_id}) is not None  # the same words: current
    assert up_to_date(more, {"e5": e5.model_id}) is None  # words from another count: not current
    grown = build_vocabulary(more, encoders, Silent())
    assert grown.embedded == len(set(vocabulary_words(3)) - set(words))  # the earlier words are kept
    assert len(list(settings.vocabulary_dir.glob("e5-*.npy"))) == 1  # the earlier vectors file is gone


def test_damaged_or_foreign_files_are_refused_and_the_next_build_mends_them(settings, encoders):
    e5 = next(e for e in encoders if e.name == "e5")
    with pytest.raises(VocabularyError, match="no vocabulary"):
        load_vocabulary(settings.vocabulary_dir, "e5", e5.model_id)
    build_vocabulary(settings, encoders, Silent())
    with pytest.raises(VocabularyError, match="not 'other-model'"):
        load_vocabulary(settings.vocabulary_dir, "e5", "other-model")
    vectors_file = next(settings.vocabulary_dir.glob("e5-*.npy"))
    data = bytearray(vectors_file.read_bytes())
    data[-8:] = b"\x00" * 8
    vectors_file.write_bytes(bytes(data))
    with pytest.raises(VocabularyError, match="sha256"):
        load_vocabulary(settings.vocabulary_dir, "e5", e5.model_id)
    listing_file(settings.vocabulary_dir, "e5").write_text("{not json", encoding="utf-8")
    with pytest.raises(VocabularyError, match="unreadable"):
        load_vocabulary(settings.vocabulary_dir, "e5", e5.model_id)
    assert build_vocabulary(settings, encoders, Silent()).embedded == len(vocabulary_words(2))
    load_vocabulary(settings.vocabulary_dir, "e5", e5.model_id)


def test_the_engine_ranks_the_same_with_it_and_embeds_fewer_words(settings, encoders, monkeypatch):
    settings = settings.model_copy(update={"foreign_vocabulary_words": 40})
    build_vocabulary(settings, encoders, Silent())
    e5 = next(e for e in encoders if e.name == "e5")
    embedded: list[str] = []
    encode = e5.encode_queries
    monkeypatch.setattr(e5, "encode_queries", lambda texts: embedded.extend(texts) or encode(texts))
    index = Index.load(settings.index, {e.name: e.model_id for e in encoders})
    common = [w for w in sample_words("fr", 40) if w not in index.words.words][:2]  # in the vocabulary
    query = f"les médiateurs {' '.join(common)}"
    plain = SearchEngine(index, encoders, RankingConfig.from_settings(settings)).ranked(query)
    without = set(embedded)
    embedded.clear()
    engine = load_engine(settings, encoders)
    assert engine.vocabulary_words == len(vocabulary_words(40))
    served = engine.ranked(query)
    assert served == plain
    assert set(common) <= without - set(embedded) and "médiateurs" in set(embedded)


def test_the_service_runs_without_a_vocabulary_and_says_why(settings, encoders, caplog):
    with caplog.at_level(logging.WARNING, logger="search_service"):
        engine = load_engine(settings, encoders)
    assert engine.ranked("intégration des migrants") and engine.vocabulary_words == 0
    assert "no vocabulary for e5" in caplog.text and "indexer vocabulary" in caplog.text


def test_the_command_needs_the_multilingual_encoder(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PRACTICE_SEARCH_ENCODERS", "minilm")
    monkeypatch.setenv("PRACTICE_SEARCH_VOCABULARY_DIR", str(tmp_path))
    assert main(["vocabulary"]) == 1
    assert "PRACTICE_SEARCH_ENCODERS has no e5" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_the_command_embeds_once_then_has_nothing_to_do(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PRACTICE_SEARCH_FOREIGN_VOCABULARY_WORDS", "1")
    monkeypatch.setenv("PRACTICE_SEARCH_VOCABULARY_DIR", str(tmp_path))
    words = len(vocabulary_words(1))
    assert main(["vocabulary"]) == 0
    assert f"{words} words ({words} embedded" in capsys.readouterr().out
    assert main(["vocabulary"]) == 0
    assert "up to date; nothing to do" in capsys.readouterr().out
