"""Relevance evaluation: metrics over graded judgments, and running data/eval against a SearchEngine.

    queries = load_queries(Path("data/eval/queries.jsonl"), split="dev")
    report = evaluate(engine, queries, related_entries)        # every mode and variant
    print(render_markdown(report))

Judgments map practice id -> grade (2 = highly, 1 = partly relevant; unjudged = 0). Metrics are
pure functions over a ranked list of ids so they can be checked by hand; the runner only turns
queries into ranked lists. Variants (fusion method and weight, single vector vs passages, BM25
title weight, related-practice diversity) are built in memory from one loaded index, so a
comparison never needs a rebuild. No FastAPI here: the CLI and the benchmarks share it.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import faiss
import numpy as np

from indexer.index import Index
from indexer.keyword import KeywordIndex
from indexer.search.engine import Mode, RankingConfig, SearchEngine

Split = Literal["dev", "test", "all"]
MODES: tuple[Mode, ...] = ("keyword", "semantic", "hybrid")
DEPTH = 50  # ranked ids fetched per query: the deepest cut-off any metric reads
CONVEX_WEIGHTS = tuple(round(0.1 * i, 1) for i in range(11))
TITLE_WEIGHTS = (1.0, 2.0, 3.0, 4.0)
FLOOR_GRID = tuple(round(0.01 * i, 2) for i in range(101))  # 0.00 .. 1.00
# The engine hides below-floor results when any result is close, so a floor must keep nearly all
# relevant ones: the chosen floor is the highest that keeps this share of judged-relevant candidates.
KEEP_RELEVANT = 0.95


# --- metrics ----------------------------------------------------------------------------------


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain: sum of gain / log2(rank + 1), ranks from 1."""
    return sum(g / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with the grade as the gain (2 or 1), against the ideal ordering of all judged ids."""
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(pid, 0) for pid in ranked[:k]]) / ideal


def recall_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int) -> float:
    """Share of the judged-relevant ids (grade >= 1) found in the first k."""
    relevant = {pid for pid, grade in judgments.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def mrr_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    """1 / rank of the first relevant id within the first k, else 0."""
    for rank, pid in enumerate(ranked[:k], start=1):
        if judgments.get(pid, 0) > 0:
            return 1.0 / rank
    return 0.0


def precision_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int = 5) -> float:
    """Relevant ids in the first k, divided by k (a short list is not rewarded for being short)."""
    wanted = set(relevant)
    return sum(1 for pid in ranked[:k] if pid in wanted) / k


def distinct_at_k(values: Sequence[str], k: int = 5) -> int:
    """How many different values (e.g. cities) the first k results show."""
    return len(set(values[:k]))


def floor_separation(relevant: Sequence[float], unjudged: Sequence[float], floor: float) -> tuple[float, float]:
    """(share of relevant scores >= floor, share of unjudged scores < floor): what a relevance floor keeps apart."""
    above = sum(1 for s in relevant if s >= floor) / len(relevant) if relevant else 0.0
    below = sum(1 for s in unjudged if s < floor) / len(unjudged) if unjudged else 0.0
    return above, below


def choose_floor(relevant: Sequence[float], keep: float = KEEP_RELEVANT, grid: Sequence[float] = FLOOR_GRID) -> float:
    """The highest floor with at least `keep` of the relevant scores at or above it (so the most unjudged below)."""
    kept = [f for f in grid if floor_separation(relevant, (), f)[0] >= keep]
    return max(kept) if kept else min(grid)


# --- the evaluation set -----------------------------------------------------------------------


@dataclass(frozen=True)
class EvalQuery:
    id: str
    split: str
    kind: str
    endpoint: Literal["search", "similar"]
    query: str
    judgments: dict[str, int]


@dataclass(frozen=True)
class RelatedEntry:
    id: str
    split: str
    related: dict[str, int]
    duplicates: tuple[str, ...] = ()


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _in_split(row: Mapping[str, Any], split: Split) -> bool:
    return split == "all" or row["split"] == split


def load_queries(path: Path, split: Split = "all") -> list[EvalQuery]:
    return [
        EvalQuery(r["id"], r["split"], r["kind"], r.get("endpoint", "search"), r["query"],
                  {k: int(v) for k, v in r["judgments"].items()})
        for r in _read_jsonl(path) if _in_split(r, split)
    ]


def load_related(path: Path, split: Split = "all") -> list[RelatedEntry]:
    return [
        RelatedEntry(r["id"], r["split"], {k: int(v) for k, v in r["related"].items()},
                     tuple(r.get("duplicates", ())))
        for r in _read_jsonl(path) if _in_split(r, split)
    ]


# --- running ----------------------------------------------------------------------------------


class MemoEncoder:
    """Wraps an Encoder so every engine variant reuses each query's embedding (one encode per text)."""

    def __init__(self, encoder: Any):
        self._encoder = encoder
        self.tokenizer = encoder.tokenizer
        self.max_tokens = encoder.max_tokens
        self.model_id = encoder.model_id
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            for text, vector in zip(missing, self._encoder.encode(missing), strict=True):
                self._memo[text] = vector
        return np.stack([self._memo[t] for t in texts])


def single_vector_index(index: Index) -> Index:
    """The same index with only each practice's first (title + purpose) vector: the one-vector baseline."""
    pp = np.asarray(index.passage_practice)
    _, first = np.unique(pp, return_index=True)  # each practice's lowest row, as the engine's profile vector
    vectors = np.ascontiguousarray(index.vectors[first])
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    return dataclasses.replace(
        index, faiss=flat, vectors=vectors, passages=[index.passages[i] for i in first],
        passage_practice=pp[first], text_hashes=[index.text_hashes[i] for i in first],
    )


def title_weight_index(index: Index, title_weight: float) -> Index:
    """The same index with its BM25 rebuilt in memory at another title weight."""
    return dataclasses.replace(index, keyword=KeywordIndex.build(index.practices, title_weight))


def run_queries(engine: SearchEngine, queries: Sequence[EvalQuery], mode: Mode,
                depth: int = DEPTH) -> dict[str, list[str]]:
    """Ranked ids per query id, as the service would return them (search, or POST /similar for paragraphs)."""
    return {q.id: [pid for pid, _ in engine.ranked(q.query, mode, depth=depth)] for q in queries}


@dataclass(frozen=True)
class Scores:
    n: int
    ndcg10: float
    recall10: float
    recall50: float
    mrr10: float


def score(runs: Mapping[str, Sequence[str]], queries: Sequence[EvalQuery]) -> Scores:
    """Mean metrics over the queries (each query weighs the same)."""
    if not queries:
        return Scores(0, 0.0, 0.0, 0.0, 0.0)
    per = [(ndcg_at_k(runs[q.id], q.judgments, 10), recall_at_k(runs[q.id], q.judgments, 10),
            recall_at_k(runs[q.id], q.judgments, 50), mrr_at_k(runs[q.id], q.judgments, 10)) for q in queries]
    means = np.mean(np.asarray(per), axis=0)
    return Scores(len(queries), *(float(m) for m in means))


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
        hits = engine.similar(entry.id, limit=k).hits
        ids = [h.practice.id for h in hits]
        precisions.append(precision_at_k(ids, entry.related, k))
        cities.append(distinct_at_k([h.practice.city for h in hits], k))
        duplicates += len(set(ids) & set(entry.duplicates))
    return RelatedScores(len(entries), float(np.mean(precisions)), float(np.mean(cities)), duplicates)


@dataclass
class FloorReport:
    """Where judged-relevant and unjudged practices fall against a score floor, over the top DEPTH per query."""

    name: str
    current: float
    best: float
    grid: list[tuple[float, float, float]]  # (floor, share relevant above, share unjudged below)


def _floor_report(name: str, current: float, relevant: list[float], unjudged: list[float]) -> FloorReport:
    grid = [(f, *floor_separation(relevant, unjudged, f)) for f in FLOOR_GRID]
    return FloorReport(name, current, choose_floor(relevant), grid)


def floor_reports(index: Index, encoder: Any, queries: Sequence[EvalQuery], config: RankingConfig,
                  depth: int = DEPTH) -> list[FloorReport]:
    """Raw cosine and BM25/max of each query's top `depth` candidates, split into judged-relevant vs unjudged.

    Scored without any floor (that is what is being chosen), on the candidates a floor would act on.
    """
    engine = SearchEngine(index, encoder, dataclasses.replace(config, semantic_floor=-1.0, keyword_floor=0.0))
    sem_rel: list[float] = []
    sem_un: list[float] = []
    kw_rel: list[float] = []
    kw_un: list[float] = []
    for q in queries:
        for pid, value in engine.ranked(q.query, "semantic", depth=depth):
            (sem_rel if q.judgments.get(pid, 0) > 0 else sem_un).append(value)
        for pid, value in engine.ranked(q.query, "keyword", depth=depth):
            (kw_rel if q.judgments.get(pid, 0) > 0 else kw_un).append(value)
    return [_floor_report("semantic_floor (cosine)", config.semantic_floor, sem_rel, sem_un),
            _floor_report("keyword_floor (BM25 / max)", config.keyword_floor, kw_rel, kw_un)]


@dataclass
class Report:
    split: str
    n_queries: int
    config: RankingConfig
    title_weight: float
    modes: dict[str, Scores]
    per_kind: dict[str, dict[str, Scores]]  # kind -> mode -> scores
    per_endpoint: dict[str, dict[str, Scores]]  # endpoint -> mode -> scores
    fusion_grid: dict[float, dict[str, Scores]]  # BM25 title weight -> "convex w=0.6" / "rrf" -> hybrid scores
    vectors: dict[str, dict[str, Scores]]  # "passages" / "single vector" -> mode -> scores
    title_weights: dict[float, dict[str, Scores]]  # title weight -> mode -> scores
    related: dict[str, RelatedScores]  # variant -> scores
    floors: list[FloorReport] = field(default_factory=list)

    def best_fusion(self, title_weight: float) -> str:
        """Highest hybrid nDCG@10 at this title weight (Recall@10 breaks ties)."""
        grid = self.fusion_grid[title_weight]
        return max(grid, key=lambda name: (round(grid[name].ndcg10, 9), round(grid[name].recall10, 9)))


def _fusion_name(config: RankingConfig) -> str:
    return "rrf" if config.fusion == "rrf" else f"convex w={config.weight:.1f}"


def evaluate(index: Index, encoder: Any, queries: Sequence[EvalQuery], related: Sequence[RelatedEntry],
             config: RankingConfig, split: str = "all",
             progress: Callable[[str], None] | None = None) -> Report:
    """Every mode and variant over one query set; the engine is rebuilt per variant, embeddings are shared."""
    say = progress or (lambda _msg: None)
    memo = encoder if isinstance(encoder, MemoEncoder) else MemoEncoder(encoder)
    queries = [q for q in queries if q.judgments]

    def runs_for(idx: Index, cfg: RankingConfig, modes: Sequence[Mode]) -> dict[str, dict[str, list[str]]]:
        engine = SearchEngine(idx, memo, cfg)
        return {m: run_queries(engine, queries, m) for m in modes}

    def scored(runs: Mapping[str, Mapping[str, Sequence[str]]], subset: Sequence[EvalQuery]) -> dict[str, Scores]:
        return {m: score(r, subset) for m, r in runs.items()}

    say("modes")
    base = runs_for(index, config, MODES)
    kinds = sorted({q.kind for q in queries})
    endpoints = sorted({q.endpoint for q in queries})
    per_kind = {k: scored(base, [q for q in queries if q.kind == k]) for k in kinds}
    per_endpoint = {e: scored(base, [q for q in queries if q.endpoint == e]) for e in endpoints}

    say("single vector vs passages")
    single = single_vector_index(index)
    vectors = {"passages (default)": {m: score(base[m], queries) for m in ("semantic", "hybrid")}}
    vectors["single vector"] = scored(runs_for(single, config, ("semantic", "hybrid")), queries)

    say("title weight x fusion")
    grid_configs = [dataclasses.replace(config, fusion="convex", weight=w) for w in CONVEX_WEIGHTS]
    grid_configs.append(dataclasses.replace(config, fusion="rrf"))
    current_tw = float(index.keyword.title_weight)
    title_weights: dict[float, dict[str, Scores]] = {}
    fusion_grid: dict[float, dict[str, Scores]] = {}
    for tw in sorted({*TITLE_WEIGHTS, current_tw}):
        idx = index if tw == current_tw else title_weight_index(index, tw)
        title_weights[tw] = scored(runs_for(idx, config, ("keyword", "hybrid")), queries)
        fusion_grid[tw] = {_fusion_name(c): score(runs_for(idx, c, ("hybrid",))["hybrid"], queries)
                           for c in grid_configs}

    say("related practices")
    related_scores = {
        f"MMR lambda={config.mmr_lambda:g} (default)": score_related(SearchEngine(index, memo, config), related),
        "no diversity (lambda=1)": score_related(
            SearchEngine(index, memo, dataclasses.replace(config, mmr_lambda=1.0)), related),
    }

    say("floors")
    floors = floor_reports(index, memo, [q for q in queries if q.endpoint == "search"], config)
    return Report(split, len(queries), config, current_tw, scored(base, queries), per_kind, per_endpoint,
                  fusion_grid, vectors, title_weights, related_scores, floors)


# --- rendering --------------------------------------------------------------------------------

_HEAD = "| {} | n | nDCG@10 | R@10 | R@50 | MRR@10 |\n|---|---:|---:|---:|---:|---:|"


def _row(name: str, s: Scores) -> str:
    return f"| {name} | {s.n} | {s.ndcg10:.3f} | {s.recall10:.3f} | {s.recall50:.3f} | {s.mrr10:.3f} |"


def render_markdown(report: Report) -> str:
    """The report as Markdown tables (what `indexer eval` prints and writes to bench/results/)."""
    cfg = report.config
    modes = report.modes
    lines = [
        f"# Relevance evaluation: split `{report.split}` ({report.n_queries} queries)",
        "",
        f"Defaults: fusion `{_fusion_name(cfg)}`, semantic_floor {cfg.semantic_floor:g}, "
        f"keyword_floor {cfg.keyword_floor:g}, BM25 title weight {report.title_weight:g}, "
        f"MMR lambda {cfg.mmr_lambda:g}. Ranked lists are what the service returns (floors applied), "
        f"top {DEPTH}; `similar` queries run as POST /similar does, in the mode of the row."
        + ("" if report.split == "dev" else " Defaults are tuned on the dev half only; `best here` marks on "
           "this split are for information, never for choosing."),
        "",
        "## Modes",
        "",
        _HEAD.format("mode"),
        *(_row(m, s) for m, s in modes.items()),
        "",
        f"Hybrid nDCG@10 margin: {modes['hybrid'].ndcg10 - modes['keyword'].ndcg10:+.3f} over keyword, "
        f"{modes['hybrid'].ndcg10 - modes['semantic'].ndcg10:+.3f} over semantic.",
        "",
        "## nDCG@10 per query kind and endpoint",
        "",
        "| kind | n | " + " | ".join(MODES) + " |",
        "|---|---:|" + "---:|" * len(MODES),
    ]
    groups = [(k, v) for k, v in report.per_kind.items()]
    groups += [(f"endpoint: {e}", v) for e, v in report.per_endpoint.items()]
    for name, by_mode in groups:
        n = next(iter(by_mode.values())).n
        lines.append(f"| {name} | {n} | " + " | ".join(f"{by_mode[m].ndcg10:.3f}" for m in MODES) + " |")
    lines += ["", f"## Fusion (hybrid, BM25 title weight {report.title_weight:g})", "", _HEAD.format("fusion")]
    best = report.best_fusion(report.title_weight)
    for name, s in report.fusion_grid[report.title_weight].items():
        mark = " (default)" if name == _fusion_name(cfg) else ""
        mark += " **best here**" if name == best else ""
        lines.append(_row(name + mark, s))
    weights = list(report.fusion_grid)
    lines += ["", "## Hybrid nDCG@10: fusion x BM25 title weight (* = best in its column)", "",
              "| fusion | " + " | ".join(f"title {tw:g}" for tw in weights) + " |",
              "|---|" + "---:|" * len(weights)]
    bests = {tw: report.best_fusion(tw) for tw in weights}
    for name in report.fusion_grid[report.title_weight]:
        cells = [f"{report.fusion_grid[tw][name].ndcg10:.3f}{'*' if bests[tw] == name else ''}" for tw in weights]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Single vector (title + purpose) vs passages", "", _HEAD.format("vectors / mode")]
    for variant, by_mode in report.vectors.items():
        lines += [_row(f"{variant} / {m}", s) for m, s in by_mode.items()]
    lines += ["", "## BM25 title weight", "", _HEAD.format("title weight / mode")]
    for tw, by_mode in report.title_weights.items():
        mark = " (default)" if tw == report.title_weight else ""
        lines += [_row(f"{tw:g}{mark} / {m}", s) for m, s in by_mode.items()]
    lines += ["", "## Related practices (GET /practices/{id}/similar, top 5)", "",
              "| variant | n | precision@5 | distinct cities@5 | duplicates shown |", "|---|---:|---:|---:|---:|"]
    for name, r in report.related.items():
        lines.append(f"| {name} | {r.n} | {r.precision5:.3f} | {r.distinct_cities5:.2f} | {r.duplicates_shown} |")
    for floor in report.floors:
        lines += ["", f"## {floor.name}: current {floor.current:g}; highest keeping {KEEP_RELEVANT:.0%} "
                  f"of judged-relevant here: {floor.best:g}", "",
                  "Candidates: each search query's top 50 with no floor applied.", "",
                  "| floor | judged relevant above | unjudged below |", "|---:|---:|---:|"]
        shown = {floor.current, floor.best}
        lines += [f"| {f:.2f} | {above:.3f} | {below:.3f} |" for f, above, below in floor.grid
                  if f in shown or (round(f * 100) % 5 == 0 and abs(f - floor.best) < 0.26)]
    return "\n".join(lines) + "\n"


def report_json(report: Report) -> dict[str, Any]:
    """The same numbers as plain JSON, for plots and the benchmark summary."""
    return json.loads(json.dumps(dataclasses.asdict(report), default=str))
