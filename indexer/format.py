"""The one place that names every file of an index build, writes its manifest and checks it on load.

    builds/<build_id>/
        manifest.json             format version, encoders, corpus digest, counts, build settings, and
                                  for every other file its size and sha256 (checked on load)
        practices.jsonl           the corpus the build was made from (row = practice position)
        passages.json             [{practice, field, start, end}]: the text behind each vector row
        passage_practice.npy      int32 (rows,): vector row -> practice position
        text_hashes.json          sha256 of each row's embedded text (the embedding cache key)
        vectors.npy, vectors.faiss     MiniLM's vectors (float32 (rows, dim), unit length) and their FAISS
                                       index, at the names format 1 gave them, so tools and checks written
                                       for one-encoder builds find them where they were
        encoders/<name>/vectors.npy    the same for every other encoder (e5: encoders/e5/)
        encoders/<name>/vectors.faiss
        encoders/e5/words.json, words.npy   the corpus words and their multilingual vectors (word_vectors.py)
        encoders/e5/language_words.json, language_words.npy   each language's sample words ({language: [word]},
                                  rows in that order) and their vectors (languages.py)
        bm25/                     the keyword index (see keyword.py)

Both the writer (build.py) and the readers (index.py, the build cache) go through these functions,
so a file's name and its checks exist once. Every way a build can be unusable is an IndexLoadError
with one sentence for the operator.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from indexer.store import current_build

FORMAT_VERSION = 3
MANIFEST = "manifest.json"
PRACTICES = "practices.jsonl"
PASSAGES = "passages.json"
PASSAGE_PRACTICE = "passage_practice.npy"
TEXT_HASHES = "text_hashes.json"
ENCODERS = "encoders"
VECTORS = "vectors.npy"
FAISS = "vectors.faiss"
WORDS = "words.json"
WORD_VECTORS = "words.npy"
LANGUAGE_WORDS = "language_words.json"
LANGUAGE_VECTORS = "language_words.npy"
BM25 = "bm25"
UNIT_NORM_TOLERANCE = 1e-3


class IndexLoadError(Exception):
    """The index cannot be used as it is; the message is one sentence for the operator."""


ROOT_ENCODER = "minilm"  # the encoder of format 1: its files keep their names at the build's root


def _encoder_folder(build: Path, encoder: str) -> Path:
    return build if encoder == ROOT_ENCODER else build / ENCODERS / encoder


def vectors_file(build: Path, encoder: str) -> Path:
    return _encoder_folder(build, encoder) / VECTORS


def faiss_file(build: Path, encoder: str) -> Path:
    return _encoder_folder(build, encoder) / FAISS


def resolve_build(path: Path) -> Path:
    """An index directory (follow CURRENT) or a build directory itself."""
    path = Path(path)
    if (path / MANIFEST).is_file():
        return path
    try:
        build = current_build(path)
    except (OSError, UnicodeDecodeError):
        raise IndexLoadError(f"the CURRENT file of index {path} is unreadable; run `indexer build`.") from None
    if build is None:
        raise IndexLoadError(f"no index at {path}: run `indexer build` first.")
    if not build.is_dir():
        raise IndexLoadError(f"index {path} points to build {build.name}, which does not exist; run `indexer build`.")
    return build


def read_manifest(build: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexLoadError(f"index build {build} has no {MANIFEST}; rebuild with `indexer build`.") from None
    except (json.JSONDecodeError, UnicodeDecodeError, OSError):
        raise IndexLoadError(f"{build / MANIFEST} is not valid JSON; rebuild with `indexer build`.") from None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        found = manifest.get("format_version") if isinstance(manifest, dict) else None
        raise IndexLoadError(
            f"index {build} has format version {found}, this software reads {FORMAT_VERSION}; "
            "rebuild with `indexer build`."
        )
    return manifest


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_table(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and sha256 of every file of a build but the manifest: what check_files compares on load."""
    return {
        str(f.relative_to(folder)): {"bytes": f.stat().st_size, "sha256": sha256_file(f)}
        for f in sorted(folder.rglob("*"))
        if f.is_file() and f.name != MANIFEST
    }


def check_files(build: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists exists with exactly its recorded size and sha256 (truncation, bit rot,
    same-size overwrites)."""
    for name, meta in sorted(manifest.get("files", {}).items()):
        file = build / name
        if not file.is_file():
            raise IndexLoadError(f"index file {file} is missing; rebuild with `indexer build`.")
        size = file.stat().st_size
        if size != meta["bytes"]:
            raise IndexLoadError(
                f"index file {file} has {size} bytes but the manifest records {meta['bytes']} "
                "(truncated or altered); rebuild with `indexer build`."
            )
        if sha256_file(file) != meta["sha256"]:
            raise IndexLoadError(
                f"index file {file} does not match the sha256 its manifest records (corrupted); "
                "rebuild with `indexer build`."
            )


def checked_build(path: Path) -> tuple[Path, dict[str, Any]]:
    """The build an index directory points to, with its manifest, after every file passed its checks."""
    build = resolve_build(path)
    manifest = read_manifest(build)
    check_files(build, manifest)
    return build, manifest


def encoder_names(manifest: dict[str, Any]) -> list[str]:
    return [e["name"] for e in manifest["encoders"]]


def read_vectors(build: Path, encoder: str, mmap: bool = True) -> np.ndarray:
    """float32 (rows, dim); refused unless every row is unit length (what inner product = cosine needs)."""
    vectors = np.load(vectors_file(build, encoder), allow_pickle=False, mmap_mode="r" if mmap else None)
    if vectors.dtype != np.float32 or vectors.ndim != 2:
        raise IndexLoadError(f"{vectors_file(build, encoder)} is not a float32 matrix; rebuild with `indexer build`.")
    norms = np.linalg.norm(vectors, axis=1) if len(vectors) else np.ones(0)
    if not np.all(np.abs(norms - 1.0) <= UNIT_NORM_TOLERANCE):
        raise IndexLoadError(
            f"{vectors_file(build, encoder)} holds vectors that are not unit length (corrupted); "
            "rebuild with `indexer build`."
        )
    return vectors


def words_files(build: Path, encoder: str) -> tuple[Path, Path]:
    folder = _encoder_folder(build, encoder)
    return folder / WORDS, folder / WORD_VECTORS


def read_word_vectors(build: Path, encoder: str) -> tuple[list[str], np.ndarray]:
    """The corpus words and one unit vector each (refused when they do not pair up)."""
    words_path, vectors_path = words_files(build, encoder)
    words = json.loads(words_path.read_text(encoding="utf-8"))
    vectors = np.load(vectors_path, allow_pickle=False)
    if not _pairs(words, vectors):
        raise IndexLoadError(f"{words_path} and {vectors_path} do not pair words with unit vectors; rebuild.")
    return words, vectors


def language_words_files(build: Path, encoder: str) -> tuple[Path, Path]:
    folder = _encoder_folder(build, encoder)
    return folder / LANGUAGE_WORDS, folder / LANGUAGE_VECTORS


def read_language_words(build: Path, encoder: str) -> dict[str, tuple[list[str], np.ndarray]]:
    """Each language's sample words and their (words, dim) unit vectors (refused when they do not pair up)."""
    words_path, vectors_path = language_words_files(build, encoder)
    samples = json.loads(words_path.read_text(encoding="utf-8"))
    vectors = np.load(vectors_path, allow_pickle=False)
    listed = [w for words in samples.values() for w in words] if isinstance(samples, dict) else None
    if listed is None or not _pairs(listed, vectors):
        raise IndexLoadError(f"{words_path} and {vectors_path} do not pair words with unit vectors; rebuild.")
    out, start = {}, 0
    for language, words in samples.items():
        out[language] = (words, vectors[start : start + len(words)])
        start += len(words)
    return out


def _pairs(words: Any, vectors: np.ndarray) -> bool:
    norms = np.linalg.norm(vectors, axis=1) if vectors.ndim == 2 else np.zeros(0)
    return (
        isinstance(words, list)
        and vectors.dtype == np.float32
        and vectors.ndim == 2
        and len(words) == len(vectors)
        and bool(np.all(np.abs(norms - 1.0) <= UNIT_NORM_TOLERANCE))
    )


def read_faiss(build: Path, encoder: str) -> faiss.Index:
    return faiss.read_index(str(faiss_file(build, encoder)))


def read_passage_rows(build: Path) -> list[dict[str, Any]]:
    rows = json.loads((build / PASSAGES).read_text(encoding="utf-8"))
    if not isinstance(rows, list):
        raise IndexLoadError(f"{build / PASSAGES} is not a list; rebuild with `indexer build`.")
    return rows


def read_passage_practice(build: Path, n_practices: int) -> np.ndarray:
    rows = np.load(build / PASSAGE_PRACTICE, allow_pickle=False)
    if rows.ndim != 1 or (len(rows) and (rows.min() < 0 or rows.max() >= n_practices)):
        raise IndexLoadError(
            f"{build / PASSAGE_PRACTICE} maps rows to practices that do not exist; rebuild with `indexer build`."
        )
    return rows.astype(np.int32, copy=False)


def read_text_hashes(build: Path) -> list[str]:
    return json.loads((build / TEXT_HASHES).read_text(encoding="utf-8"))


def write_arrays(
    folder: Path,
    corpus: bytes,
    passage_rows: list[dict[str, Any]],
    passage_practice: np.ndarray,
    text_hashes: list[str],
    vectors: dict[str, np.ndarray],
    indexes: dict[str, faiss.Index],
    word_vectors: dict[str, tuple[list[str], np.ndarray]],
    language_words: dict[str, tuple[dict[str, list[str]], np.ndarray]],
) -> None:
    """Everything but the keyword index (its own save) and the manifest (written last, over the files)."""
    (folder / PRACTICES).write_bytes(corpus)
    (folder / PASSAGES).write_text(json.dumps(passage_rows, separators=(",", ":")), encoding="utf-8")
    np.save(folder / PASSAGE_PRACTICE, passage_practice, allow_pickle=False)
    (folder / TEXT_HASHES).write_text(json.dumps(text_hashes), encoding="utf-8")
    for name, matrix in vectors.items():
        vectors_file(folder, name).parent.mkdir(parents=True, exist_ok=True)
        np.save(vectors_file(folder, name), matrix, allow_pickle=False)
        faiss.write_index(indexes[name], str(faiss_file(folder, name)))
    for name, (words, matrix) in word_vectors.items():
        words_path, vectors_path = words_files(folder, name)
        words_path.write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
        np.save(vectors_path, matrix, allow_pickle=False)
    for name, (samples, matrix) in language_words.items():
        words_path, vectors_path = language_words_files(folder, name)
        words_path.write_text(json.dumps(samples, ensure_ascii=False), encoding="utf-8")
        np.save(vectors_path, matrix, allow_pickle=False)


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    manifest = {**manifest, "format_version": FORMAT_VERSION, "files": file_table(folder)}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
