"""Run the eval set against the query engine: every mode, and the variants the defaults were chosen from.

Variants (fusion method and keyword weight, encoder subsets, a plain baseline, related-practice
diversity) are engines built in memory over one loaded index, sharing each query's embedding, so a
comparison never needs a rebuild. Ranked lists are what the service returns (floors applied).
"""

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import faiss
import numpy as np

from evaluation.dataset import EvalQuery, OffTopicQuery, RelatedEntry
from evaluation.metrics import (
    choose_floor,
    distinct_at_k,
    mean_interval,
    mrr_at_k,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)
from indexer.encoders import TextEncoder
from indexer.index import DenseVectors, Index
from indexer.word_vectors import MULTILINGUAL
from ranking import RankingConfig, SearchEngine
from ranking.dense import DenseScorer
from ranking.engine import MONOLINGUAL
from ranking.language_shift import toward_english
from ranking.results import Mode

MODES: tuple[Mode, ...] = ("keyword", "semantic", "hybrid")
DEPTH = 50  # ranked ids fetched per query: the deepest cut-off any metric reads
FUSIONS: tuple[tuple[str, float], ...] = (
    ("zscore", 0.0),
    ("zscore", 1.0),
    ("zscore", 2.0),
    ("zscore", 3.0),
    ("zscore", 4.0),
    ("rrf", 0.5),
    ("rrf", 1.0),
    ("rrf", 2.0),
)

# (label, topic weight, place weight): the topic and place signals left out, other place weights; None = default
SIGNAL_VARIANTS: tuple[tuple[str, float | None, float | None], ...] = (
    ("no topic signal", 0.0, None),
    ("no place signal", None, 0.0),
    ("neither", 0.0, 0.0),
    *((f"place weight {w:g}", None, w) for w in (1.0, 2.0, 4.0, 6.0)),
)


def fusion_label(method: str, weight: float) -> str:
    """A fusion variant's row name in the report ("zscore kw=3")."""
    return f"{method} kw={weight:g}"


class MemoEncoder:
    """Wraps an encoder so every engine variant reuses each query's embedding (one encode per text)."""

    def __init__(self, encoder: TextEncoder):
        self._encoder = encoder
        self.name, self.model_id, self.dim = encoder.name, encoder.model_id, encoder.dim
        self.model_path, self.backend = encoder.model_path, encoder.backend
        self.max_tokens, self.tokenizer = encoder.max_tokens, encoder.tokenizer
        self._memo: dict[str, np.ndarray] = {}

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            self._memo.update(zip(missing, self._encoder.encode_queries(missing), strict=True))
        return np.stack([self._memo[t] for t in texts])

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        return self._encoder.encode_passages(texts, show_progress=show_progress)

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self._encoder.count_tokens(texts)


def with_encoders(index: Index, names: Sequence[str]) -> Index:
    words = index.words if index.words is not None and index.words.encoder in names else None
    return dataclasses.replace(index, dense={n: index.dense[n] for n in names}, words=words)


def single_vector_index(index: Index, name: str) -> Index:
    """One encoder, and only each practice's first (title + purpose) vector: the one-vector baseline."""
    pp = np.asarray(index.passage_practice)
    _, first = np.unique(pp, return_index=True)
    vectors = np.ascontiguousarray(index.dense[name].vectors[first])
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    return dataclasses.replace(
        index,
        dense={name: DenseVectors(name, index.dense[name].model_id, vectors, flat)},
        passages=[index.passages[i] for i in first],
        passage_practice=pp[first],
        text_hashes=[index.text_hashes[i] for i in first],
    )


def run_queries(engine: SearchEngine, queries: Sequence[EvalQuery], mode: Mode) -> dict[str, list[str]]:
    """Ranked ids per query id, as the service would return them (search, or POST /similar for paragraphs)."""
    return {q.id: [pid for pid, _ in engine.ranked(q.query, mode, depth=DEPTH)] for q in queries}


@dataclass(frozen=True)
class Scores:
    n: int
    ndcg10: float
    recall10: float
    recall50: float
    mrr10: float
    ndcg10_interval: tuple[float, float] = (0.0, 0.0)  # 95% bootstrap interval over the queries


def score(runs: Mapping[str, Sequence[str]], queries: Sequence[EvalQuery]) -> Scores:
    """Mean metrics over the queries (each query weighs the same)."""
    if not queries:
        return Scores(0, 0.0, 0.0, 0.0, 0.0)
    per = [
        (
            ndcg_at_k(runs[q.id], q.judgments, 10),
            recall_at_k(runs[q.id], q.judgments, 10),
            recall_at_k(runs[q.id], q.judgments, 50),
            mrr_at_k(runs[q.id], q.judgments, 10),
        )
        for q in queries
    ]
    ndcg10, recall10, recall50, mrr10 = (float(m) for m in np.mean(np.asarray(per), axis=0))
    return Scores(len(queries), ndcg10, recall10, recall50, mrr10, mean_interval([p[0] for p in per]))


@dataclass(frozen=True)
class Difference:
    mean: float  # variant minus default, nDCG@10, over the same queries
    low: float  # 95% bootstrap interval of that mean
    high: float


def difference(
    variant: Mapping[str, Sequence[str]], default: Mapping[str, Sequence[str]], queries: Sequence[EvalQuery]
) -> Difference:
    """Paired over the same queries, so each query's own difficulty cancels out: a knob whose interval holds 0
    has not shown it earns its place."""
    deltas = [ndcg_at_k(variant[q.id], q.judgments, 10) - ndcg_at_k(default[q.id], q.judgments, 10) for q in queries]
    low, high = mean_interval(deltas)
    return Difference(float(np.mean(deltas)) if deltas else 0.0, low, high)


@dataclass(frozen=True)
class RelatedScores:
    n: int
    precision5: float
    distinct_cities5: float
    duplicates_shown: int


def score_related(engine: SearchEngine, entries: Sequence[RelatedEntry], k: int = 5) -> RelatedScores:
    """Related-practice precision@k (any grade counts), mean distinct cities in the top k, duplicates shown."""
    entries = [e for e in entries if engine.get(e.id) is not None]
    if not entries:
        return RelatedScores(0, 0.0, 0.0, 0)
    precisions, cities, duplicates = [], [], 0
    for entry in entries:
        hits = engine.related_page(entry.id, limit=k).hits
        ids = [h.practice.id for h in hits]
        precisions.append(precision_at_k(ids, entry.related, k))
        cities.append(distinct_at_k([h.practice.city for h in hits], k))
        duplicates += len(set(ids) & set(entry.duplicates))
    return RelatedScores(len(entries), float(np.mean(precisions)), float(np.mean(cities)), duplicates)


@dataclass(frozen=True)
class UnmetShare:
    n: int
    unmet: float  # share of the queries that hybrid search reports with no close match


def unmet_share(engine: SearchEngine, texts: Sequence[str]) -> UnmetShare:
    """What the analytics' unmet-query report would count: judged queries should stay out, off-topic ones in."""
    if not texts:
        return UnmetShare(0, 0.0)
    return UnmetShare(len(texts), sum(not engine.search(t, limit=1).close_match for t in texts) / len(texts))


@dataclass
class Report:
    split: str
    config: RankingConfig
    encoders: list[str]
    groups: dict[str, dict[str, Scores]]  # main groups, kinds and authors -> mode -> scores
    languages: dict[str, Scores]  # language -> hybrid scores of the translations (and "en" of their sources)
    fusion: dict[str, dict[str, Scores]]  # "zscore kw=2" -> group -> hybrid scores
    encoder_sets: dict[str, dict[str, Scores]]  # "minilm" / "e5" / "minilm+e5" -> group -> hybrid scores
    related: dict[str, RelatedScores]
    floors: dict[str, float] = field(default_factory=dict)  # encoder -> floor keeping 95% of judged relevant
    unmet: dict[str, UnmetShare] = field(default_factory=dict)  # judged / off-topic group -> reported unmet
    differences: dict[str, dict[str, Difference]] = field(default_factory=dict)  # fusion variant -> group -> vs default

    @property
    def headline(self) -> dict[str, float | None]:
        """The numbers the issue's targets name; None for a group the eval set has no query in."""

        def hybrid(group: str) -> float | None:
            return self.groups[group]["hybrid"].ndcg10 if group in self.groups else None

        related = next(iter(self.related.values()), None)
        return {
            "search_hybrid": hybrid("search (English)"),
            "pasted_hybrid": hybrid("pasted"),
            "multilingual_hybrid": hybrid("multilingual"),
            "related_p5": related.precision5 if related else None,
        }


def _groups(queries: Sequence[EvalQuery]) -> dict[str, list[EvalQuery]]:
    english = [q for q in queries if q.lang == "en"]
    groups = {
        "search (English)": [q for q in english if q.endpoint == "search"],
        "pasted": [q for q in english if q.endpoint == "similar"],
        "multilingual": [q for q in queries if q.lang != "en" and q.endpoint == "search"],
        "pasted, translated": [q for q in queries if q.lang != "en" and q.endpoint == "similar"],
    }
    for kind in sorted({q.kind for q in english}):
        groups[f"kind: {kind}"] = [q for q in english if q.kind == kind]
    for author in sorted({q.author for q in queries}):
        groups[f"author {author}: search (English)"] = [q for q in groups["search (English)"] if q.author == author]
        groups[f"author {author}: multilingual"] = [q for q in groups["multilingual"] if q.author == author]
    return groups


def evaluate(
    index: Index,
    encoders: Sequence[TextEncoder],
    queries: Sequence[EvalQuery],
    related: Sequence[RelatedEntry],
    config: RankingConfig,
    split: str = "all",
    progress: Callable[[str], None] | None = None,
    off_topic: Sequence[OffTopicQuery] = (),
) -> Report:
    say = progress or (lambda _msg: None)
    memo = [e if isinstance(e, MemoEncoder) else MemoEncoder(e) for e in encoders]
    queries = [q for q in queries if q.judgments]
    groups = _groups(queries)
    main_groups = ("search (English)", "pasted", "multilingual")

    def engine_for(idx: Index, cfg: RankingConfig) -> SearchEngine:
        return SearchEngine(idx, [m for m in memo if m.name in idx.dense], cfg)

    def group_scores(runs: Mapping[str, Sequence[str]], names: Sequence[str]) -> dict[str, Scores]:
        return {g: score(runs, groups[g]) for g in names if groups.get(g)}

    say("modes")
    engine = engine_for(index, config)
    runs = {m: run_queries(engine, queries, m) for m in MODES}
    by_group: dict[str, dict[str, Scores]] = {
        g: {m: score(runs[m], qs) for m in MODES} for g, qs in groups.items() if qs
    }
    translated = [q for q in queries if q.source is not None and q.endpoint == "search"]
    languages = {
        lang: score(runs["hybrid"], [q for q in translated if q.lang == lang])
        for lang in sorted({q.lang for q in translated})
    }
    sources = {q.source for q in translated}
    if sources:
        languages["en (their sources)"] = score(runs["hybrid"], [q for q in queries if q.id in sources])

    say("fusion")
    fusion: dict[str, dict[str, Scores]] = {}
    differences: dict[str, dict[str, Difference]] = {}
    default = fusion_label(config.fusion, config.keyword_weight)

    def add_variant(label: str, variant_runs: Mapping[str, Sequence[str]]) -> None:
        fusion[label] = group_scores(variant_runs, main_groups)
        if label != default:
            differences[label] = {g: difference(variant_runs, runs["hybrid"], groups[g]) for g in fusion[label]}

    for method, weight in FUSIONS:
        cfg = dataclasses.replace(config, fusion=method, keyword_weight=weight)  # type: ignore[arg-type]
        add_variant(fusion_label(method, weight), run_queries(engine_for(index, cfg), queries, "hybrid"))

    for label, topic_weight, place_weight in SIGNAL_VARIANTS:
        cfg = dataclasses.replace(
            config,
            topic_weight=config.topic_weight if topic_weight is None else topic_weight,
            place_weight=config.place_weight if place_weight is None else place_weight,
        )
        add_variant(f"{default}, {label}", run_queries(engine_for(index, cfg), queries, "hybrid"))

    say("encoders")
    names = list(index.dense)
    subsets = [[n] for n in names] + ([names] if len(names) > 1 else [])
    encoder_sets = {
        "+".join(s): group_scores(
            run_queries(engine_for(with_encoders(index, s), config), queries, "hybrid"), main_groups
        )
        for s in subsets
    }
    if "minilm" in index.dense:
        baseline = dataclasses.replace(config, fusion="rrf", keyword_weight=1.0, topic_weight=0.0, place_weight=0.0)
        encoder_sets["baseline: RRF of BM25 and one MiniLM vector per practice"] = group_scores(
            run_queries(engine_for(single_vector_index(index, "minilm"), baseline), queries, "hybrid"), main_groups
        )

    say("related practices")
    related_scores = {
        f"MMR lambda={config.mmr_lambda:g} (default)": score_related(engine, related),
        "no diversity (lambda=1)": score_related(
            engine_for(index, dataclasses.replace(config, mmr_lambda=1.0)), related
        ),
        "no keyword signal": score_related(
            engine_for(index, dataclasses.replace(config, related_keyword_weight=0.0)), related
        ),
    }
    for subset in subsets if len(names) > 1 else []:
        label = f"{subset[0]} centroids only" if len(subset) == 1 else "centroids of " + " + ".join(subset)
        related_scores[label] = score_related(
            engine_for(index, dataclasses.replace(config, related_encoders=tuple(subset))), related
        )

    say("floors")
    floors = {}
    everything = np.ones(len(index.practices), dtype=bool)
    for name in names:
        scorer = DenseScorer(index.dense[name], index.passage_practice, len(index.practices))
        encoder = next(m for m in memo if m.name == name)
        relevant = []
        for q in groups["search (English)"] + (groups.get("multilingual", []) if name != MONOLINGUAL else []):
            vector = encoder.encode_queries([q.query])
            if name == MULTILINGUAL and index.words is not None:  # as the engine embeds it (language_shift.py)
                vector = toward_english(vector, q.lang, index.words.language_means)
            cosines, _ = scorer.scores(vector, everything)
            relevant += [
                float(cosines[index.position[p]]) for p, g in q.judgments.items() if g > 0 and p in index.position
            ]
        floors[name] = choose_floor(relevant)

    say("unmet queries")
    unmet = {f"judged: {g}": unmet_share(engine, [q.query for q in groups[g]]) for g in main_groups if groups.get(g)}
    for label, wanted in (("English", True), ("other languages", False)):
        texts = [q.query for q in off_topic if (q.lang == "en") == wanted]
        if texts:
            unmet[f"off-topic: {label}"] = unmet_share(engine, texts)
    return Report(
        split, config, names, by_group, languages, fusion, encoder_sets, related_scores, floors, unmet, differences
    )


def as_json(report: Report) -> dict[str, Any]:
    return dataclasses.asdict(report) | {"headline": report.headline}
