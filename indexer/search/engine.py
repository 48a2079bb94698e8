"""SearchEngine: the facade the service calls for search, related practices and facets.

One ranked candidate pool per (query, mode, filters) is computed once and cached, so every page
and the facet counts of a query are cut from the same list.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Literal

import faiss
import numpy as np

from indexer.index import Index
from indexer.passages import split_passages
from indexer.related import centroids, relatedness, topic_matrix
from indexer.schema import Practice
from indexer.search import fusion
from indexer.search.diversity import mmr
from indexer.search.facets import Facets, count_facets
from indexer.search.filters import Filters, mask
from indexer.search.snippets import Snippet, make_snippet
from indexer.search.typos import TypoCorrector
from indexer.settings import Settings

Mode = Literal["hybrid", "semantic", "keyword"]


NEAREST_WHEN_NONE = 3  # results shown, flagged, when nothing is a close match
STRONG_KEYWORD = 0.5  # hybrid: a BM25 / best BM25 this high is a close match even with a low cosine


@dataclass(frozen=True)
class RankingConfig:
    """The ranking knobs; their defaults and documentation live in Settings, the one configuration."""

    fusion: Literal["convex", "rrf"]
    weight: float
    semantic_floor: float
    keyword_floor: float
    duplicate_threshold: float
    mmr_lambda: float
    cache_size: int

    @classmethod
    def from_settings(cls, settings: Settings) -> "RankingConfig":
        return cls(fusion=settings.fusion, weight=settings.fusion_weight, semantic_floor=settings.semantic_floor,
                   keyword_floor=settings.keyword_floor, duplicate_threshold=settings.duplicate_threshold,
                   mmr_lambda=settings.mmr_lambda, cache_size=settings.query_cache_size)


@dataclass(frozen=True)
class Hit:
    practice: Practice
    score: float
    close: bool
    snippet: Snippet | None


@dataclass
class Page:
    total: int
    hits: list[Hit]
    close_match: bool = True
    corrections: list[tuple[str, str]] = field(default_factory=list)
    notice: str | None = None


@dataclass(frozen=True)
class _Pool:
    """A query's ranked candidates: practice positions, their scores and closeness, best matching rows."""

    positions: np.ndarray
    scores: np.ndarray
    close: np.ndarray
    best_rows: np.ndarray
    query_stems: frozenset
    corrections: tuple
    close_match: bool
    notice: str | None


class _LRU:
    def __init__(self, size: int):
        self._size, self._data, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        return None

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


class SearchEngine:
    def __init__(self, index: Index, encoder, config: RankingConfig):
        self.index = index
        self.encoder = encoder
        self.config = config
        self.practices = index.practices
        self._pp = np.asarray(index.passage_practice, dtype=np.int64)
        self._n = len(self.practices)
        flat = isinstance(faiss.downcast_index(index.faiss), faiss.IndexFlat)
        self._matrix = index.vectors if flat else None
        rows_of: list[list[int]] = [[] for _ in range(self._n)]
        for row, pos in enumerate(self._pp):
            rows_of[pos].append(row)
        self._rows_of = rows_of
        self._first_rows = np.array([rows[0] for rows in rows_of], dtype=np.int64)  # title + purpose vectors
        self._ids = np.array([p.id for p in self.practices])  # ties in score rank by id, so pages are stable
        # Related practices: the same centroid + shared-topics score the build used for its related lists.
        self._centroids = centroids(np.asarray(index.vectors), self._pp, self._n)
        self._topics = topic_matrix(self.practices)
        self._topic_weight = float(index.manifest.get("build_parameters", {}).get("related_topic_weight", 0.0))
        keyword = index.keyword
        self._stem = keyword.tokenize
        self._passage_stems: dict[int, frozenset] = {}
        known_stems = set(keyword.tokenize(" ".join(keyword.vocabulary)))
        self._typos = TypoCorrector(keyword.vocabulary, known_stems, keyword.tokenize)
        self._bm25_cache = _LRU(self.config.cache_size)
        self._pools = _LRU(self.config.cache_size)
        self._embeddings = _LRU(self.config.cache_size)

    # --- scoring -------------------------------------------------------------------------------

    def _embed(self, text: str) -> np.ndarray:
        """Query vectors, one per passage when the text is longer than the model window (cached)."""
        cached = self._embeddings.get(text)
        if cached is not None:
            return cached
        spans = split_passages(text, self.encoder.tokenizer, self.encoder.max_tokens)
        vectors = self.encoder.encode([text[a:b] for a, b in spans] or [text])
        self._embeddings.put(text, vectors)
        return vectors

    def _semantic(self, text: str, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per practice: best cosine over its vectors and the row that gave it (-inf where not scored)."""
        queries = self._embed(text)
        if self._matrix is not None:
            row_scores = (self._matrix @ queries.T).max(axis=1)
        else:
            row_scores = self._ann_scores(queries, allowed)
        best = np.full(self._n, -np.inf, dtype=np.float32)
        np.maximum.at(best, self._pp, row_scores)
        best_rows = np.full(self._n, -1, dtype=np.int64)
        hit = np.flatnonzero(row_scores == best[self._pp])
        best_rows[self._pp[hit[::-1]]] = hit[::-1]
        return best, best_rows

    def _ann_scores(self, queries: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """Large indexes: HNSW search restricted to the filtered rows, so filters act before the cut."""
        ntotal = self.index.faiss.ntotal
        k = min(ntotal, 2000)
        params = None
        if not allowed.all():
            rows = np.flatnonzero(allowed[self._pp]).astype(np.int64)
            params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorBatch(rows))
        scores, rows = self.index.faiss.search(queries, k, params=params)
        out = np.full(ntotal, -np.inf, dtype=np.float32)
        for q in range(len(queries)):
            valid = rows[q] >= 0
            np.maximum.at(out, rows[q][valid], scores[q][valid])
        return out

    def _bm25(self, text: str) -> np.ndarray:
        cached = self._bm25_cache.get(text)
        if cached is None:
            cached = np.asarray(self.index.keyword.scores(text), dtype=np.float32)
            self._bm25_cache.put(text, cached)
        return cached

    # --- pools ---------------------------------------------------------------------------------

    def _pool(self, q: str, mode: Mode, filters: Filters) -> _Pool:
        key = (q, mode, filters.model_dump_json())
        pool = self._pools.get(key)
        if pool is None:
            pool = self._rank(q, mode, filters)
            self._pools.put(key, pool)
        return pool

    def _rank(self, q: str, mode: Mode, filters: Filters) -> _Pool:
        allowed = mask(self.practices, filters)
        if not q.strip():
            return self._browse(allowed)
        cfg = self.config
        text, corrections = self._typos.correct(q)
        stems = frozenset(self._stem(text))
        notice = None
        semantic = best_rows = None
        if mode != "keyword":
            try:
                semantic, best_rows = self._semantic(text, allowed)
            except Exception as err:  # the encoder failing must not take search down
                notice = f"semantic search unavailable ({type(err).__name__}); showing keyword results only"
                mode = "keyword"
        bm25 = self._bm25(text) if mode != "semantic" else np.zeros(self._n, dtype=np.float32)
        kw_norm = fusion.normalise_bm25(bm25)
        if mode == "keyword":
            scores, close = kw_norm, (bm25 > 0) & (kw_norm >= cfg.keyword_floor)
            best_rows = self._first_rows
        elif mode == "semantic":
            scores, close = semantic, semantic >= cfg.semantic_floor
        else:
            sem = np.where(np.isfinite(semantic), semantic, 0.0)
            scores = fusion.rrf(sem, bm25) if cfg.fusion == "rrf" else fusion.convex(sem, kw_norm, cfg.weight)
            close = (sem >= cfg.semantic_floor) | ((bm25 > 0) & (kw_norm >= STRONG_KEYWORD))
        scores = np.where(np.isfinite(scores), scores, -np.inf).astype(np.float32)
        order = np.lexsort((self._ids, -scores))
        order = order[allowed[order] & np.isfinite(scores[order])]
        close_order = order[close[order]]
        close_match = len(close_order) > 0
        chosen = close_order if close_match else order[:NEAREST_WHEN_NONE]
        return _Pool(chosen, scores[chosen], close[chosen], best_rows[chosen], stems, tuple(corrections),
                     close_match, notice)

    def _browse(self, allowed: np.ndarray) -> _Pool:
        """Empty query: every filtered practice, most recent first."""
        positions = [i for i in range(self._n) if allowed[i]]
        positions.sort(key=lambda i: (-(self.practices[i].start_year or 0), self.practices[i].title))
        chosen = np.asarray(positions, dtype=np.int64)
        return _Pool(chosen, np.zeros(len(chosen), dtype=np.float32), np.ones(len(chosen), dtype=bool),
                     np.full(len(chosen), -1), frozenset(), (), True, None)

    # --- public API ----------------------------------------------------------------------------

    def get(self, practice_id: str) -> Practice | None:
        pos = self.index.position.get(practice_id)
        return None if pos is None else self.practices[pos]

    def search(self, q: str, mode: Mode = "hybrid", filters: Filters | None = None,
               limit: int = 10, offset: int = 0) -> Page:
        pool = self._pool(q, mode, filters or Filters())
        page = range(offset, min(offset + limit, len(pool.positions)))
        hits = [Hit(self.practices[pool.positions[i]], round(float(pool.scores[i]), 4), bool(pool.close[i]),
                    self._snippet(int(pool.positions[i]), int(pool.best_rows[i]), pool.query_stems))
                for i in page]
        return Page(len(pool.positions), hits, pool.close_match, list(pool.corrections), pool.notice)

    def ranked(self, q: str, mode: Mode = "hybrid", filters: Filters | None = None,
               depth: int = 50) -> list[tuple[str, float]]:
        """(id, score) of the first `depth` results, the list `search` pages through, without snippets."""
        pool = self._pool(q, mode, filters or Filters())
        return [(self.practices[int(p)].id, float(s)) for p, s in zip(pool.positions[:depth], pool.scores[:depth],
                                                                         strict=True)]

    def facets(self, q: str = "", mode: Mode = "hybrid", filters: Filters | None = None) -> Facets:
        pool = self._pool(q, mode, filters or Filters())
        return count_facets([self.practices[i] for i in pool.positions])

    def similar(self, practice_id: str, filters: Filters | None = None, limit: int = 5, offset: int = 0) -> Page:
        """Related practices: precomputed candidates, minus itself and near-duplicates, diversified."""
        source = self.index.position[practice_id]
        allowed = mask(self.practices, filters or Filters())
        cfg = self.config
        candidates = [(self.index.position[i], s) for i, s in self.index.related.get(practice_id, [])
                      if i in self.index.position]
        if sum(allowed[p] for p, _ in candidates) < offset + limit:
            scores = relatedness(self._centroids[source:source + 1], self._topics[source:source + 1],
                                 self._centroids, self._topics, self._topic_weight)[0]
            candidates = [(int(p), float(scores[p])) for p in np.argsort(-scores, kind="stable")]
        cosine = self._centroids @ self._centroids[source]
        kept = [(p, s) for p, s in candidates
                if p != source and allowed[p] and cosine[p] < cfg.duplicate_threshold]
        vectors = self._centroids[[p for p, _ in kept]] if kept else np.zeros((0, self._centroids.shape[1]))
        pairwise = vectors @ vectors.T
        # Of two near-duplicates among the candidates, keep the more relevant (earlier) one.
        distinct = ~np.triu(pairwise >= cfg.duplicate_threshold, k=1).any(axis=0)
        keep = np.flatnonzero(distinct)
        positions = [kept[i][0] for i in keep]
        relevance = np.array([kept[i][1] for i in keep], dtype=np.float32)
        pairwise = pairwise[np.ix_(keep, keep)]
        cities = [self.practices[p].city for p in positions]
        picked = mmr(list(range(len(positions))), relevance, pairwise, cities,
                     lam=cfg.mmr_lambda, limit=offset + limit)
        page = picked[offset: offset + limit]
        hits = [Hit(self.practices[positions[i]], round(float(relevance[i]), 4), True, None) for i in page]
        return Page(len(positions), hits)

    def _snippet(self, position: int, best_row: int, stems: frozenset) -> Snippet | None:
        if best_row < 0:
            return None
        rows = self._rows_of[position]
        if stems:
            best_row = max(rows, key=lambda r: (len(self._stems_of(r) & stems), r == best_row))
        passage = self.index.passages[best_row]
        return make_snippet(passage.field, passage.text, set(stems), self.index.keyword.word_stems)

    def _stems_of(self, row: int) -> frozenset:
        stems = self._passage_stems.get(row)
        if stems is None:
            stems = self._passage_stems[row] = frozenset(self._stem(self.index.passages[row].text))
        return stems
