"""Build a complete index from validated practices into a new build directory, then switch to it.

Embeddings are reused from the current build when the model id and the exact embedded text
(sha256) match, so a rebuild after editing one practice embeds only that practice's texts; the
passage spans of unchanged practices are reused too, as tokenising every practice again would be
most of an update's time.
"""

import datetime
import hashlib
import importlib.metadata
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from indexer.corpus import dump_corpus
from indexer.encoder import Encoder
from indexer.index import (
    BM25,
    FAISS,
    FORMAT_VERSION,
    MANIFEST,
    PASSAGE_PRACTICE,
    PASSAGES,
    PRACTICES,
    RELATED,
    TEXT_HASHES,
    VECTORS,
    IndexLoadError,
    check_files,
    read_manifest,
    resolve_build,
)
from indexer.keyword import KeywordIndex
from indexer.passages import TEMPLATES, Passage, Spans, passage_key, passages_from_spans, practice_spans, text_hash
from indexer.related import compute_related
from indexer.schema import Practice
from indexer.settings import Settings
from indexer.store import clean_stale, make_temp_build, new_build_id, publish, writer_lock
from indexer.vectors import index_type, make_index


@dataclass(frozen=True)
class BuildReport:
    build_id: str
    path: Path
    practices: int
    vectors: int
    embedded: int  # texts actually run through the model (the rest came from the cache)
    seconds: float

    def summary(self) -> str:
        rate = self.vectors / self.seconds if self.seconds else 0.0
        return (
            f"built {self.build_id}: {self.practices} practices, {self.vectors} vectors "
            f"({self.embedded} embedded, {self.vectors - self.embedded} cached) in {self.seconds:.2f} s, "
            f"{rate:.0f} vectors/s"
        )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def corpus_digest(practices: list[Practice]) -> str:
    """sha256 of the corpus as save_corpus writes it, i.e. of the corpus file after an update."""
    return hashlib.sha256(dump_corpus(practices)).hexdigest()


def build_parameters(settings: Settings) -> dict[str, Any]:
    """The settings that shape a build's contents: a change in any of them makes the index stale."""
    return {
        "passage_tokens": settings.passage_tokens,
        "title_weight": settings.title_weight,
        "related_k": settings.related_k,
        "related_topic_weight": settings.related_topic_weight,
        "flat_max": settings.flat_max,
        "hnsw_m": settings.hnsw_m,
        "hnsw_ef_construction": settings.hnsw_ef_construction,
        "hnsw_ef_search": settings.hnsw_ef_search,
    }


def is_current(index_dir: Path, corpus_sha256: str, model_id: str, settings: Settings) -> bool:
    """True when the current build was made from this corpus, with this model and these build settings, in this
    format, and is intact."""
    try:
        build = resolve_build(index_dir)
        manifest = read_manifest(build)
        check_files(build, manifest)
    except IndexLoadError:
        return False
    return (manifest["corpus"]["sha256"] == corpus_sha256 and manifest["model"]["id"] == model_id
            and manifest.get("build_parameters") == build_parameters(settings))


@dataclass
class BuildCache:
    """What the current build can lend the next one (empty when it used another model or is damaged)."""

    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # text hash -> vector
    spans: dict[str, Spans] = field(default_factory=dict)  # passage_key(practice) -> its passages' spans


def read_cache(index_dir: Path, model_id: str, passage_tokens: int) -> BuildCache:
    """Vectors keyed by (model id, embedded text); spans too when the passage size is unchanged."""
    try:
        build = resolve_build(index_dir)
        manifest = read_manifest(build)
        check_files(build, manifest)
        if manifest["model"]["id"] != model_id:
            return BuildCache()
        hashes = json.loads((build / TEXT_HASHES).read_text(encoding="utf-8"))
        vectors = np.load(build / VECTORS, allow_pickle=False)
        rows = json.loads((build / PASSAGES).read_text(encoding="utf-8"))
        with open(build / PRACTICES, encoding="utf-8") as fh:
            keys = [passage_key(Practice.model_construct(**json.loads(line))) for line in fh if line.strip()]
    except (IndexLoadError, OSError, ValueError, KeyError, TypeError, AttributeError):
        return BuildCache()  # no usable cache: split and embed everything
    if not len(hashes) == len(vectors) == len(rows):
        return BuildCache()
    cache = BuildCache(vectors=dict(zip(hashes, vectors, strict=True)))
    if manifest.get("passage_tokens") == passage_tokens:
        for row in rows:
            cache.spans.setdefault(keys[row["practice"]], []).append((row["field"], row["start"], row["end"]))
    return cache


def embed(
    texts: list[str], encoder: Encoder, cache: dict[str, np.ndarray], show_progress: bool
) -> tuple[np.ndarray, int]:
    """Vectors for `texts`, in order; only texts missing from the cache go through the model."""
    hashes = [text_hash(t) for t in texts]
    missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in cache}
    fresh = encoder.encode(list(missing.values()), show_progress=show_progress)
    found = {**cache, **dict(zip(missing, fresh, strict=True))}
    vectors = np.stack([found[h] for h in hashes]) if hashes else np.zeros((0, encoder.dim), dtype=np.float32)
    return vectors.astype(np.float32, copy=False), len(missing)


def build_index(practices: list[Practice], settings: Settings, encoder: Encoder, **options: Any) -> BuildReport:
    """Write a new build of `practices` into settings.index and make it current: `build_locked` (same options)
    under the writer lock."""
    with writer_lock(Path(settings.index)):
        return build_locked(practices, settings, encoder, **options)


def build_locked(
    practices: list[Practice],
    settings: Settings,
    encoder: Encoder,
    *,
    corpus_sha256: str | None = None,
    use_cache: bool = True,
    show_progress: bool = False,
) -> BuildReport:
    """build_index for callers that already hold the writer lock (updates persist the corpus first)."""
    if not practices:
        raise ValueError("the corpus has no practices; nothing to index")
    started = time.perf_counter()
    index_dir = Path(settings.index)
    clean_stale(index_dir)
    corpus_sha256 = corpus_sha256 or corpus_digest(practices)

    cache = read_cache(index_dir, encoder.model_id, settings.passage_tokens) if use_cache else BuildCache()
    pairs = []
    for position, practice in enumerate(practices):
        spans = cache.spans.get(passage_key(practice))
        if spans is None:  # new or edited: tokenise and split (the slow part of an update)
            spans = practice_spans(practice, encoder.tokenizer, encoder.max_tokens, settings.passage_tokens)
        pairs.extend(passages_from_spans(practice, position, spans))
    passages = [p for p, _ in pairs]
    texts = [t for _, t in pairs]
    vectors, embedded = embed(texts, encoder, cache.vectors, show_progress)
    passage_practice = np.array([p.practice for p in passages], dtype=np.int32)

    build_id = new_build_id(corpus_sha256)
    tmp = make_temp_build(index_dir, build_id)
    try:
        vector_index = make_index(
            vectors, settings.flat_max, settings.hnsw_m, settings.hnsw_ef_construction, settings.hnsw_ef_search
        )
        keyword = KeywordIndex.build(practices, settings.title_weight)
        related = compute_related(vectors, passage_practice, practices, settings.related_k,
                                  settings.related_topic_weight)
        _write_files(tmp, practices, passages, texts, vectors, passage_practice, vector_index, keyword, related)
        seconds = time.perf_counter() - started
        manifest = _manifest(tmp, build_id, settings, encoder, corpus_sha256, len(practices), vector_index, seconds)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        final = publish(index_dir, tmp, build_id, settings.keep_builds)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return BuildReport(build_id, final, len(practices), len(texts), embedded, seconds)


def _write_files(
    folder: Path,
    practices: list[Practice],
    passages: list[Passage],
    texts: list[str],
    vectors: np.ndarray,
    passage_practice: np.ndarray,
    vector_index: faiss.Index,
    keyword: KeywordIndex,
    related: dict[str, list[tuple[str, float]]],
) -> None:
    (folder / PRACTICES).write_bytes(dump_corpus(practices))
    rows = [{"practice": p.practice, "field": p.field, "start": p.start, "end": p.end} for p in passages]
    (folder / PASSAGES).write_text(json.dumps(rows, separators=(",", ":")), encoding="utf-8")
    np.save(folder / PASSAGE_PRACTICE, passage_practice, allow_pickle=False)
    np.save(folder / VECTORS, vectors, allow_pickle=False)
    faiss.write_index(vector_index, str(folder / FAISS))
    (folder / TEXT_HASHES).write_text(json.dumps([text_hash(t) for t in texts]), encoding="utf-8")
    (folder / BM25).mkdir()
    keyword.save(folder / BM25)
    (folder / RELATED).write_text(json.dumps(related, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def _software_version() -> str:
    try:
        return importlib.metadata.version("practice-search")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _manifest(
    folder: Path,
    build_id: str,
    settings: Settings,
    encoder: Encoder,
    corpus_sha256: str,
    n_practices: int,
    vector_index: faiss.Index,
    seconds: float,
) -> dict[str, Any]:
    files = {str(f.relative_to(folder)): {"bytes": f.stat().st_size} for f in sorted(folder.rglob("*")) if f.is_file()}
    return {
        "format_version": FORMAT_VERSION,
        "build_id": build_id,
        "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 3),
        "software_version": _software_version(),
        "model": {
            "id": encoder.model_id,
            "path": encoder.model_path,
            "dim": encoder.dim,
            "max_tokens": encoder.max_tokens,
            "backend": encoder.backend,
        },
        "text_template": TEMPLATES,
        "passage_tokens": settings.passage_tokens,
        "normalisation": "l2",
        "similarity": "inner_product (= cosine)",
        "corpus": {"sha256": corpus_sha256, "practices": n_practices},
        "counts": {"practices": n_practices, "vectors": int(vector_index.ntotal)},
        "index": {
            "type": index_type(vector_index),
            "flat_max": settings.flat_max,
            "hnsw_m": settings.hnsw_m,
            "ef_construction": settings.hnsw_ef_construction,
            "ef_search": settings.hnsw_ef_search,
        },
        "bm25": {
            "library": f"bm25s {importlib.metadata.version('bm25s')}",
            "fields": {"title": ["title"], "body": ["purpose", "description"]},
            "title_weight": settings.title_weight,
            "stemmer": "snowball english (PyStemmer)",
            "stopwords": "en",
        },
        "related_k": settings.related_k,
        "build_parameters": build_parameters(settings),
        "files": files,
    }
