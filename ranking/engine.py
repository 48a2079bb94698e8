"""SearchEngine: the facade the service calls for search, related practices and facets.

One ranked candidate pool per (query, mode, filters) is computed once and cached, so every page
and the facet counts of a query are cut from the same list. Each step lives in its own module:
query.py (language, the text BM25 reads), word_bridge.py (BM25's text for a foreign query), dense.py
and indexer/keyword.py (scores), fusion.py, filters.py, facets.py, snippets.py, typos.py, related.py.
"""

import dataclasses
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from indexer.encoders import TextEncoder
from indexer.index import Index
from indexer.keyword import practice_text
from indexer.schema import Practice
from indexer.vocabulary import Vocabulary
from indexer.word_vectors import MULTILINGUAL
from ranking import fusion, query
from ranking.cache import LRU
from ranking.config import RankingConfig
from ranking.dense import DenseScorer
from ranking.facets import Facets, disjunctive_facets
from ranking.filters import Filters, mask
from ranking.language_shift import toward_english
from ranking.lexicon import warm_up
from ranking.places import PlaceMatcher
from ranking.practice_vectors import centroids, topic_matrix
from ranking.related import RelatedPractices
from ranking.results import Hit, Mode, Page, Pool
from ranking.snippets import Snippet, make_snippet
from ranking.suggest import Suggester, Suggestion
from ranking.topic_signal import TopicSignal
from ranking.typos import TypoCorrector
from ranking.word_bridge import WordBridge

NEAREST_WHEN_NONE = 3  # results shown, flagged, when nothing is a close match
STRONG_KEYWORD = 0.5  # hybrid: a BM25 / best BM25 this high is a close match even with low cosines
MONOLINGUAL = "minilm"  # English-only, and read only for pasted English text where e5 is there (see _reads)
ENGLISH_MIN_PRACTICES = 3


class SearchEngine:
    def __init__(
        self,
        index: Index,
        encoders: list[TextEncoder],
        config: RankingConfig,
        vocabulary: Vocabulary | None = None,
    ):
        self.index = index
        self.config = config
        self.practices = index.practices
        self.encoders = {e.name: e for e in encoders}
        self._splitter = encoders[0].tokenizer
        self._n = len(self.practices)
        pp = index.passage_practice
        self._scorers = {name: DenseScorer(dense, pp, self._n) for name, dense in index.dense.items()}
        rows_of: list[list[int]] = [[] for _ in range(self._n)]
        for row, pos in enumerate(pp):
            rows_of[pos].append(row)
        self._rows_of = rows_of
        self._first_rows = np.array([rows[0] for rows in rows_of], dtype=np.int64)  # title + purpose rows
        self._ids = np.array([p.id for p in self.practices])  # ties in score rank by id, so pages are stable
        practice_centroids = {n: centroids(np.asarray(d.vectors), pp, self._n) for n, d in index.dense.items()}
        topics = topic_matrix(self.practices)
        related_centroids = {n: c for n, c in practice_centroids.items() if n in config.related_encoders}
        self.related = RelatedPractices(
            index,
            related_centroids or practice_centroids,
            topics,
            config.related_topic_weight,
            config.related_keyword_weight,
            config.duplicate_threshold,
            config.mmr_lambda,
        )
        self._topic_signal = TopicSignal(practice_centroids, topics)
        self._places = PlaceMatcher(self.practices)
        keyword = index.keyword
        self._stem = keyword.tokenize
        self._passage_stems: dict[int, frozenset[str]] = {}
        self._typos = TypoCorrector(keyword.vocabulary, (practice_text(p) for p in self.practices))
        # Words of at least 3 practices: English (the corpus is), unlike the odd foreign title's.
        self._english = frozenset(w for w, n in keyword.vocabulary.items() if n >= ENGLISH_MIN_PRACTICES)
        warm_up()
        self._suggester = Suggester(self.practices)
        self._bm25_cache: LRU[str, np.ndarray] = LRU(config.cache_size)
        self._pools: LRU[tuple[str, str, str], Pool] = LRU(config.cache_size)
        self._embeddings: LRU[tuple[str, str], np.ndarray] = LRU(config.cache_size)
        words = index.words
        self._language_means = words.language_means if words is not None else {}
        self._bridge = (
            WordBridge(words, self.encoders[words.encoder], config.cache_size, vocabulary)
            if words is not None and words.encoder in self.encoders and words.encoder in self._scorers
            else None
        )
        # The encoders release the GIL while they compute: one thread each embeds a query side by side (a foreign
        # query's words take the thread MiniLM leaves free).
        self._pool = ThreadPoolExecutor(max_workers=max(1, len(encoders)), thread_name_prefix="encode")

    @property
    def vocabulary_words(self) -> int:
        """Foreign words whose vectors the word bridge reads from the vocabulary instead of the encoder."""
        return self._bridge.vocabulary_words if self._bridge is not None else 0

    # --- scoring -------------------------------------------------------------------------------

    def _embed(self, name: str, q: query.Query) -> np.ndarray:
        """One encoder's query vector, shape (1, dim) (cached)."""
        key = (name, q.text)
        cached = self._embeddings.get(key)
        if cached is None:
            cached = self.encoders[name].encode_queries([q.text])
            if name == MULTILINGUAL:
                cached = toward_english(cached, q.language, self._language_means)
            self._embeddings.put(key, cached)
        return cached

    def _query_vectors(self, q: query.Query, foreign: bool) -> dict[str, np.ndarray]:
        """The (1, dim) query vector of every encoder that reads the query."""
        names = [n for n in self._scorers if self._reads(n, q, foreign)]
        return dict(zip(names, self._pool.map(lambda n: self._embed(n, q), names), strict=True))

    def _reads(self, name: str, q: query.Query, foreign: bool) -> bool:
        """MiniLM reads only pasted English text when e5 is there. For a typed English query e5 alone tied both
        encoders on the dev half (nDCG@10 0.811 against 0.810; test 0.789 against 0.774) and saves the second
        core for the word bridge and concurrent searches. Pasted text gains from both (0.719 against e5's
        0.675)."""
        if name != MONOLINGUAL or MULTILINGUAL not in self._scorers:
            return True
        return not foreign and q.pasted

    def _foreign(self, q: query.Query) -> bool:
        """Written in another language, and a multilingual encoder is there to read it: then the English-only
        signals (MiniLM, English-stemmed BM25 of the words as typed) would add only noise, and stay out of the
        ranking; BM25 reads the query carried over to corpus words instead, where the build has them."""
        return q.language not in (None, "en") and MULTILINGUAL in self._scorers

    def _bridged(self, q: query.Query, future: "Future[str] | None") -> query.Query | None:
        """The query with the corpus words its words map to as BM25's text, or None (no bridge, or it failed)."""
        if future is None:
            return None
        try:
            return dataclasses.replace(q, keyword_text=future.result())
        except Exception:  # an encoder failing must not take search down: the query is ranked as before
            return None

    def _bm25(self, q: query.Query) -> tuple[np.ndarray, list[str]]:
        keyword = self.index.keyword
        stems = keyword.tokenize(q.keyword_text)
        key = " ".join(stems)
        cached = self._bm25_cache.get(key)
        if cached is None:
            cached = keyword.stem_scores(stems) if stems else np.zeros(self._n, dtype=np.float32)
            self._bm25_cache.put(key, cached)
        return cached, stems

    # --- pools ---------------------------------------------------------------------------------

    def _pool_for(self, q: str, mode: Mode, filters: Filters) -> Pool:
        key = (q, mode, filters.model_dump_json())
        pool = self._pools.get(key)
        if pool is None:
            pool = self._rank(q, mode, filters)
            self._pools.put(key, pool)
        return pool

    def _rank(self, text: str, mode: Mode, filters: Filters) -> Pool:
        allowed = mask(self.practices, filters)
        if not text.strip():
            return self._browse(allowed)
        cfg = self.config
        corrected, corrections = self._typos.correct(text)
        q = query.parse(text, corrected, self._english, self._splitter)
        foreign = self._foreign(q)
        notice = None
        vectors: dict[str, np.ndarray] = {}
        bridging = None
        if mode == "hybrid" and foreign and self._bridge is not None:
            bridging = self._pool.submit(self._bridge.english, text, q.language or "")
        if mode != "keyword":
            try:
                vectors = self._query_vectors(q, foreign)
            except Exception as err:  # an encoder failing must not take search down
                notice = f"semantic search unavailable ({type(err).__name__}); showing keyword results only"
                mode = "keyword"
        dense = {n: self._scorers[n].scores(v, allowed) for n, v in vectors.items()}
        bridged = self._bridged(q, bridging) if mode == "hybrid" else None
        keyword_q = bridged or q
        if bridged is not None:  # BM25 reads the bridged words, not the corrected ones: nothing was corrected
            corrections = []
        keyword_used = mode == "keyword" or (mode == "hybrid" and (bridged is not None or not foreign))
        bm25, stems = self._bm25(keyword_q) if keyword_used else (np.zeros(self._n, dtype=np.float32), [])
        best_of_query = fusion.normalise_by_best(bm25)
        strong_keyword = (bm25 > 0) & (best_of_query >= (cfg.keyword_floor if mode == "keyword" else STRONG_KEYWORD))
        semantic_close, met = self._semantic_closeness(dense, foreign)
        if mode == "keyword":
            scores, close, best_rows = best_of_query, strong_keyword, self._first_rows
        else:
            topics, places = self._topic_signal.scores(vectors), self._places.named(text, q.language)
            scores = self._fuse(dense, topics, places, bm25 if keyword_used else None)
            close = (semantic_close | (strong_keyword if mode == "hybrid" else False)) & met
            best_rows = dense[self._snippet_encoder(dense)][1]
        scores = np.where(np.isfinite(scores), scores, -np.inf).astype(np.float32)
        order = np.lexsort((self._ids, -scores))
        order = order[allowed[order] & np.isfinite(scores[order])]
        close_order = order[close[order]]
        close_match = len(close_order) > 0
        chosen = close_order if close_match else order[:NEAREST_WHEN_NONE]
        return Pool(
            chosen,
            scores[chosen],
            close[chosen],
            best_rows[chosen],
            frozenset(stems),
            tuple(corrections),
            close_match,
            notice,
            q.language,
        )

    def _semantic_closeness(
        self, dense: dict[str, tuple[np.ndarray, np.ndarray]], foreign: bool
    ) -> tuple[np.ndarray, bool]:
        """(practices at or above the judge's floor, whether the query's best cosine reaches its match floor).

        The judge is the first encoder that ran (MiniLM for pasted English text, else e5). A query the collection
        has nothing for ("parking meter pricing") still shares a word or two with some practice; unless its best
        cosine reaches the match floor, nothing is close and it is reported unmet. Across languages e5's cosines
        sit lower, so a query in another language has a floor of its own. The best cosine is over every practice
        scored, not only those the filters allow: a filter narrows the list but never decides what counts as close,
        so a facet's count is the total that clicking it gives."""
        if not dense:
            return np.zeros(self._n, dtype=bool), True
        judge = next(iter(dense))
        cosines = dense[judge][0]
        cfg = self.config
        floor = cfg.foreign_match_floor if foreign else cfg.match_floors.get(judge, -np.inf)
        return cosines >= cfg.floors.get(judge, 1.0), bool((cosines >= floor).any())

    def _fuse(
        self,
        dense: dict[str, tuple[np.ndarray, np.ndarray]],
        topics: np.ndarray,
        places: np.ndarray,
        bm25: np.ndarray | None,
    ) -> np.ndarray:
        """z-score fusion: sum over encoders of z(cosine) + topic_weight * topic signal + place_weight * (in a place
        the query names) + keyword_weight * BM25 / best. RRF fuses the encoders and BM25 only (ranks of the topic
        signal, tied within each topic, hurt it on dev)."""
        cfg = self.config
        cosines = [scores for scores, _ in dense.values()]
        if cfg.fusion == "rrf":
            signals, weights = list(cosines), [1.0] * len(cosines)
            if bm25 is not None:
                signals.append(np.where(bm25 > 0, bm25, -np.inf))
                weights.append(cfg.keyword_weight)
            return fusion.rrf(signals, weights)
        fused = np.sum([fusion.zscore(c) for c in cosines], axis=0) + cfg.topic_weight * topics
        fused = fused + cfg.place_weight * places
        if bm25 is not None:
            fused = fused + cfg.keyword_weight * fusion.normalise_by_best(bm25)
        return fused

    def _snippet_encoder(self, dense: dict[str, tuple[np.ndarray, np.ndarray]]) -> str:
        """The multilingual encoder's best rows when it ran (they follow the query's meaning in any language)."""
        return MULTILINGUAL if MULTILINGUAL in dense else next(iter(dense))

    def _browse(self, allowed: np.ndarray) -> Pool:
        """Empty query: every filtered practice, most recent first."""
        positions = [i for i in range(self._n) if allowed[i]]
        positions.sort(key=lambda i: (-(self.practices[i].start_year or 0), self.practices[i].title))
        chosen = np.asarray(positions, dtype=np.int64)
        return Pool(
            chosen,
            np.zeros(len(chosen), dtype=np.float32),
            np.ones(len(chosen), dtype=bool),
            np.full(len(chosen), -1),
            frozenset(),
            (),
            True,
            None,
            None,
        )

    # --- public API ----------------------------------------------------------------------------

    def get(self, practice_id: str) -> Practice | None:
        pos = self.index.position.get(practice_id)
        return None if pos is None else self.practices[pos]

    def search(
        self, q: str, mode: Mode = "hybrid", filters: Filters | None = None, limit: int = 10, offset: int = 0
    ) -> Page:
        pool = self._pool_for(q, mode, filters or Filters())
        page = range(offset, min(offset + limit, len(pool.positions)))
        hits = [
            Hit(
                self.practices[pool.positions[i]],
                round(float(pool.scores[i]), 4),
                bool(pool.close[i]),
                self._snippet(int(pool.positions[i]), int(pool.best_rows[i]), pool.query_stems),
            )
            for i in page
        ]
        return Page(len(pool.positions), hits, pool.close_match, list(pool.corrections), pool.notice, pool.language)

    def ranked(
        self, q: str, mode: Mode = "hybrid", filters: Filters | None = None, depth: int = 50
    ) -> list[tuple[str, float]]:
        """(id, score) of the first `depth` results, the list `search` pages through, without snippets."""
        pool = self._pool_for(q, mode, filters or Filters())
        return [
            (self.practices[int(p)].id, float(s))
            for p, s in zip(pool.positions[:depth], pool.scores[:depth], strict=True)
        ]

    def facets(self, q: str = "", mode: Mode = "hybrid", filters: Filters | None = None) -> Facets:
        """Disjunctive counts (ranking/facets.py): each facet over the pool without its own filter."""
        return disjunctive_facets(lambda f: self._pool_for(q, mode, f).positions, self.practices, filters or Filters())

    def suggest(self, q: str, limit: int = 8) -> list[Suggestion]:
        """Titles, cities, countries and topics starting with what is typed (ranking/suggest.py)."""
        return self._suggester.suggest(q, limit)

    def related_page(self, practice_id: str, filters: Filters | None = None, limit: int = 5, offset: int = 0) -> Page:
        """Related practices of a practice: itself and near-duplicates excluded, diversified."""
        page = self.related.page(
            self.index.position[practice_id], mask(self.practices, filters or Filters()), limit, offset
        )
        hits = [
            Hit(self.practices[p], round(s, 4), True, None) for p, s in zip(page.positions, page.scores, strict=True)
        ]
        return Page(page.total, hits)

    def _snippet(self, position: int, best_row: int, stems: frozenset[str]) -> Snippet | None:
        if best_row < 0:
            return None
        rows = self._rows_of[position]
        if stems:
            best_row = max(rows, key=lambda r: (len(self._stems_of(r) & stems), r == best_row))
        passage = self.index.passages[best_row]
        return make_snippet(passage.field, passage.text, set(stems), self.index.keyword.word_stems)

    def _stems_of(self, row: int) -> frozenset[str]:
        stems = self._passage_stems.get(row)
        if stems is None:
            stems = self._passage_stems[row] = frozenset(self._stem(self.index.passages[row].text))
        return stems
