"""What the engine feeds each signal: the encoders read what the user typed; another language is e5's alone."""

import numpy as np
import pytest
from conftest import ids_of

from evaluation.runner import with_encoders
from indexer.index import Index
from ranking import RankingConfig, SearchEngine
from ranking.filters import Filters
from settings import Settings

pytestmark = pytest.mark.slow


class Recording:
    """An encoder that remembers every query text it embeds."""

    def __init__(self, encoder):
        self._encoder = encoder
        self.name, self.model_id, self.dim = encoder.name, encoder.model_id, encoder.dim
        self.tokenizer = encoder.tokenizer
        self.seen: list[str] = []

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        return self._encoder.encode_queries(texts)


@pytest.fixture
def engine_and_encoders(built_index, encoders):
    recording = [Recording(e) for e in encoders]
    index = Index.load(built_index.index, ids_of(encoders))
    return SearchEngine(index, recording, RankingConfig.from_settings(Settings())), {r.name: r for r in recording}


def test_corrections_feed_bm25_but_the_encoders_embed_the_typed_text(engine_and_encoders):
    engine, recording = engine_and_encoders
    page = engine.search("intercultral mediaton")
    assert page.corrections == [("intercultral", "intercultural"), ("mediaton", "mediation")]
    assert recording["e5"].seen == ["intercultral mediaton"]


def test_a_query_in_another_language_is_ranked_by_e5_and_bm25_of_its_bridged_words(engine_and_encoders):
    engine, recording = engine_and_encoders
    text = "lutter contre les rumeurs et les préjugés sur les migrants"
    page = engine.search(text)
    assert page.language == "fr"
    assert recording["minilm"].seen == []
    assert text in recording["e5"].seen  # the query, whole
    words = set(recording["e5"].seen) - {text}  # and, side by side, each content word the corpus lacks
    corpus_words = set(engine.index.words.words)
    assert "migrants" in corpus_words  # ... so it maps to itself, unembedded
    assert "rumeurs" in words <= set(text.split()) - corpus_words and not words & {"les", "et", "sur"}
    bridged = engine._bridge.english(text, "fr")
    pool = engine._pool_for(text, "hybrid", Filters())
    assert pool.query_stems == frozenset(engine.index.keyword.tokenize(bridged)) != frozenset()
    assert page.total > 0 and page.hits[0].score == pytest.approx(max(h.score for h in page.hits))


def test_a_bridged_query_reports_no_corrections_since_bm25_reads_the_bridged_words(engine_and_encoders):
    engine, _ = engine_and_encoders
    text = "lutter contre les rumeurs sur les migrantz"
    assert engine.search(text, mode="keyword").corrections == [("migrantz", "migrants")]
    page = engine.search(text)
    assert page.language == "fr" and page.corrections == []


def test_keyword_mode_reads_a_foreign_query_as_typed(engine_and_encoders):
    engine, recording = engine_and_encoders
    text = "lutter contre les rumeurs"
    pool = engine._pool_for(text, "keyword", Filters())
    assert recording["e5"].seen == [] and pool.query_stems == frozenset(engine.index.keyword.tokenize(text))


def test_a_failing_bridge_leaves_the_foreign_query_to_e5(engine_and_encoders, monkeypatch):
    engine, _ = engine_and_encoders

    def broken(text: str, language: str) -> str:
        raise RuntimeError("engine gone")

    monkeypatch.setattr(engine._bridge, "english", broken)
    text = "lutter contre les rumeurs sur les migrants"
    page = engine.search(text)
    assert page.language == "fr" and page.total > 0 and page.notice is None
    assert engine._pool_for(text, "hybrid", Filters()).query_stems == frozenset()


PASTED = (
    "Our town runs a welcome desk for newly arrived migrants in the town hall. Staff and volunteers who speak "
    "their languages help them find housing, register with a doctor, enrol their children at school and sign "
    "up for free language courses, and they refer people on to local associations."
)


def test_a_typed_english_query_is_e5s_and_pasted_english_text_is_read_by_both_encoders(engine_and_encoders):
    engine, recording = engine_and_encoders
    assert engine.search("how to fight rumours about refugees").language == "en"
    assert recording["minilm"].seen == [] and recording["e5"].seen == ["how to fight rumours about refugees"]
    assert len(PASTED.split()) > 30 and engine.search(PASTED).language == "en"
    assert recording["minilm"].seen == [PASTED] and recording["e5"].seen[-1] == PASTED


def test_without_e5_minilm_reads_every_query(built_index, encoders):
    index = with_encoders(Index.load(built_index.index, ids_of(encoders)), ["minilm"])
    recording = Recording(next(e for e in encoders if e.name == "minilm"))
    engine = SearchEngine(index, [recording], RankingConfig.from_settings(Settings()))
    assert engine.search("how to fight rumours about refugees").total > 0
    assert recording.seen == ["how to fight rumours about refugees"]


def test_off_topic_queries_have_no_close_match(engine_and_encoders):
    engine, _ = engine_and_encoders
    page = engine.search("zxqv blorf quantum spaceport")
    assert page.close_match is False and len(page.hits) <= 3 and not any(h.close for h in page.hits)


@pytest.mark.parametrize(
    "query", ["lifeguards at the municipal swimming pool", "surveillants de baignade à la piscine"]
)
def test_a_query_sharing_only_a_word_with_the_corpus_is_unmet_below_the_match_floor(built_index, encoders, query):
    index = Index.load(built_index.index, ids_of(encoders))
    engine = SearchEngine(index, encoders, RankingConfig.from_settings(Settings()))
    no_match_floor = SearchEngine(
        index,
        encoders,
        RankingConfig.from_settings(Settings(minilm_match_floor=-1, e5_match_floor=-1, e5_foreign_match_floor=-1)),
    )
    assert no_match_floor.search(query).close_match  # a shared word or a low floor lets something through
    page = engine.search(query)
    assert page.close_match is False and len(page.hits) == 3 and not any(h.close for h in page.hits)
    assert engine.search("a council giving immigrants a say in local politics").close_match
    assert engine.search("conseil des immigrés pour participer à la vie politique locale").close_match


def test_a_filter_never_decides_whether_a_query_has_a_close_match(built_index, encoders):
    """With the match floor just above the best cosine in a country that has close practices, choosing that country
    narrows the list to them instead of flipping the query to unmet: each facet count is the total its filter
    gives."""
    index = Index.load(built_index.index, ids_of(encoders))
    query = "welcoming refugees"
    probe = SearchEngine(index, encoders, RankingConfig.from_settings(Settings()))
    e5 = next(e for e in encoders if e.name == "e5")
    cosines, _ = probe._scorers["e5"].scores(e5.encode_queries([query]), np.ones(len(index.practices), dtype=bool))
    best_by_country: dict[str, float] = {}
    for practice, cosine in zip(index.practices, cosines, strict=True):
        for code in practice.all_country_codes:
            best_by_country[code] = max(best_by_country.get(code, -1.0), float(cosine))
    shown = {entry.value for entry in probe.facets(query).countries if entry.count}
    country = min(shown, key=best_by_country.__getitem__)
    floor = best_by_country[country] + 1e-4
    assert floor < float(cosines.max())  # the query as a whole still has a close match
    engine = SearchEngine(index, encoders, RankingConfig.from_settings(Settings(e5_match_floor=floor)))
    assert engine.search(query).close_match
    counts = {entry.value: entry.count for entry in engine.facets(query).countries}
    assert counts[country] > 0
    for code, count in counts.items():
        page = engine.search(query, filters=Filters(country=[code]), limit=1)
        assert (page.total, page.close_match) == (count, count > 0), code


def test_a_named_place_lifts_its_practices_by_the_place_weight(built_index, encoders):
    index = Index.load(built_index.index, ids_of(encoders))
    with_places = SearchEngine(index, encoders, RankingConfig.from_settings(Settings()))
    without = SearchEngine(index, encoders, RankingConfig.from_settings(Settings(place_weight=0)))
    query = "integration strategy Germany"
    lifted, plain = dict(with_places.ranked(query, depth=50)), dict(without.ranked(query, depth=50))
    german = {p.id for p in index.practices if p.country_code == "DE"}
    assert german and set(lifted) == set(plain)
    for pid in lifted:
        assert lifted[pid] == pytest.approx(plain[pid] + (Settings().place_weight if pid in german else 0.0), abs=1e-3)
    assert with_places.ranked(query, depth=1)[0][0] in german
    # in Ukrainian too (e5 alone), and never in keyword mode
    ukrainian = "стратегія інтеграції Німеччина"
    top, lifted_score = with_places.ranked(ukrainian, depth=1)[0]
    assert top in german  # and the same practices are close with or without the lift, so it is in both lists
    assert lifted_score == pytest.approx(dict(without.ranked(ukrainian))[top] + Settings().place_weight, abs=1e-3)
    assert with_places.ranked(query, "keyword") == without.ranked(query, "keyword")
