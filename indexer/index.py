"""A built index, loaded and checked: what the search service reads (the file format is in docs/index-format.md).

    idx = Index.load(Path("models/index"), encoder.model_id)   # or a builds/<id> directory
    idx.practices[idx.passage_practice[row]]                     # the practice behind FAISS row `row`

Every way a build can be unusable (missing, truncated, other model, other format) is reported as
IndexLoadError with one sentence saying what is wrong and what to do.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from indexer.corpus import load_corpus
from indexer.keyword import KeywordIndex
from indexer.passages import Passage
from indexer.problems import CorpusError
from indexer.schema import Practice
from indexer.store import current_build

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PRACTICES = "practices.jsonl"
PASSAGES = "passages.json"
PASSAGE_PRACTICE = "passage_practice.npy"
VECTORS = "vectors.npy"
FAISS = "vectors.faiss"
TEXT_HASHES = "text_hashes.json"
RELATED = "related.json"
BM25 = "bm25"


class IndexLoadError(Exception):
    """The index cannot be used as it is; the message is one sentence for the operator."""


def resolve_build(path: Path) -> Path:
    """An index directory (follow CURRENT) or a build directory itself."""
    path = Path(path)
    if (path / MANIFEST).is_file():
        return path
    build = current_build(path)
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
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise IndexLoadError(f"{build / MANIFEST} is not valid JSON; rebuild with `indexer build`.") from None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        found = manifest.get("format_version") if isinstance(manifest, dict) else None
        raise IndexLoadError(
            f"index {build} has format version {found}, this software reads {FORMAT_VERSION}; "
            "rebuild with `indexer build`."
        )
    return manifest


def check_files(build: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists exists with exactly the recorded size (catches truncation)."""
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


@dataclass
class Index:
    path: Path
    manifest: dict[str, Any]
    practices: list[Practice]
    position: dict[str, int]
    faiss: faiss.Index
    vectors: np.ndarray  # float32 (n_vectors, dim), read-only memory map: the vectors in `faiss`, row for row
    passages: list[Passage]
    passage_practice: np.ndarray
    text_hashes: list[str]
    keyword: KeywordIndex
    related: dict[str, list[tuple[str, float]]]

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    @classmethod
    def load(cls, path: Path, model_id: str) -> "Index":
        build = resolve_build(Path(path))
        manifest = read_manifest(build)
        built_with = manifest.get("model", {}).get("id")
        if built_with != model_id:
            raise IndexLoadError(
                f"index {build} was built with model {built_with!r} but the configured model is {model_id!r}; "
                "rebuild with `indexer build`."
            )
        check_files(build, manifest)
        try:
            return cls._read(build, manifest)
        except IndexLoadError:
            raise
        except (OSError, RuntimeError, ValueError, KeyError, TypeError, CorpusError) as err:
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise IndexLoadError(f"index {build} is unreadable ({reason}); rebuild with `indexer build`.") from None

    @classmethod
    def _read(cls, build: Path, manifest: dict[str, Any]) -> "Index":
        counts = manifest["counts"]
        practices = load_corpus(build / PRACTICES)
        vectors = np.load(build / VECTORS, allow_pickle=False, mmap_mode="r")  # FAISS holds its own copy
        passage_practice = np.load(build / PASSAGE_PRACTICE, allow_pickle=False)
        vector_index = faiss.read_index(str(build / FAISS))
        raw_passages = json.loads((build / PASSAGES).read_text(encoding="utf-8"))
        text_hashes = json.loads((build / TEXT_HASHES).read_text(encoding="utf-8"))
        passages = []
        for row in raw_passages:
            practice = practices[row["practice"]]
            value = getattr(practice, row["field"])
            passages.append(
                Passage(row["practice"], row["field"], value[row["start"] : row["end"]], row["start"], row["end"])
            )
        dim = manifest["model"]["dim"]
        n = counts["vectors"]
        shapes = {
            "practices": (len(practices), counts["practices"]),
            "vectors": (vectors.shape, (n, dim)),
            "FAISS vectors": ((vector_index.ntotal, vector_index.d), (n, dim)),
            "passages": (len(passages), n),
            "passage rows": (passage_practice.shape, (n,)),
            "text hashes": (len(text_hashes), n),
        }
        for what, (found, expected) in shapes.items():
            if found != expected:
                raise IndexLoadError(f"index {build} holds {found} {what} but its manifest says {expected}; rebuild.")
        if isinstance(vector_index, faiss.IndexHNSWFlat):
            vector_index.hnsw.efSearch = manifest["index"]["ef_search"]
        related_raw = json.loads((build / RELATED).read_text(encoding="utf-8"))
        return cls(
            path=build,
            manifest=manifest,
            practices=practices,
            position={p.id: i for i, p in enumerate(practices)},
            faiss=vector_index,
            vectors=vectors,
            passages=passages,
            passage_practice=passage_practice.astype(np.int32, copy=False),
            text_hashes=text_hashes,
            keyword=KeywordIndex.load(build / BM25, manifest["bm25"]["title_weight"]),
            related={k: [(other, float(s)) for other, s in v] for k, v in related_raw.items()},
        )
