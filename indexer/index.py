"""A built index, loaded and checked: what the query engine reads (the file set is in format.py).

    idx = Index.load(Path("models/index"), encoder_ids(settings))   # or a builds/<id> directory
    idx.practices[idx.passage_practice[row]]                          # the practice behind vector row `row`
    idx.dense["e5"].vectors                                           # one vector set per encoder

Every way a build can be unusable (missing, truncated, corrupted, other encoders, other format) is
reported as IndexLoadError with one sentence saying what is wrong and what to do.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from indexer import format as fmt
from indexer.corpus import load_corpus
from indexer.format import IndexLoadError
from indexer.keyword import KeywordIndex
from indexer.passages import Passage
from indexer.problems import CorpusError
from indexer.schema import Practice


@dataclass(frozen=True)
class DenseVectors:
    """One encoder's vectors: row r is passage r, in `faiss` too."""

    name: str
    model_id: str
    vectors: np.ndarray  # float32 (rows, dim), read-only memory map
    faiss: faiss.Index


@dataclass(frozen=True)
class WordVectors:
    """The corpus words one encoder embedded at build time (word_vectors.py), row r = words[r]."""

    encoder: str
    words: list[str]
    vectors: np.ndarray  # float32 (words, dim), unit length
    language_means: dict[str, np.ndarray] = field(default_factory=dict)  # language -> its sample's mean (languages.py)


@dataclass
class Index:
    path: Path
    manifest: dict[str, Any]
    practices: list[Practice]
    position: dict[str, int]
    passages: list[Passage]
    passage_practice: np.ndarray
    text_hashes: list[str]
    keyword: KeywordIndex
    dense: dict[str, DenseVectors]
    words: WordVectors | None = None

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    @property
    def rows(self) -> int:
        return len(self.passage_practice)

    @classmethod
    def load(cls, path: Path, encoder_ids: dict[str, str]) -> "Index":
        """`encoder_ids`: name -> model id the deployment is configured with; the build must hold exactly these."""
        build = fmt.resolve_build(Path(path))
        manifest = fmt.read_manifest(build)
        built_with = {e["name"]: e["id"] for e in manifest.get("encoders", [])}
        if built_with != encoder_ids:
            raise IndexLoadError(
                f"index {build} was built with encoders {built_with} but the configured ones are {encoder_ids}; "
                "rebuild with `indexer build`."
            )
        fmt.check_files(build, manifest)
        try:
            return cls._read(build, manifest)
        except IndexLoadError:
            raise
        except (OSError, RuntimeError, ValueError, KeyError, TypeError, IndexError, CorpusError) as err:
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise IndexLoadError(f"index {build} is unreadable ({reason}); rebuild with `indexer build`.") from None

    @classmethod
    def _read(cls, build: Path, manifest: dict[str, Any]) -> "Index":
        counts = manifest["counts"]
        practices = load_corpus(build / fmt.PRACTICES)
        passage_practice = fmt.read_passage_practice(build, len(practices))
        text_hashes = fmt.read_text_hashes(build)
        passages = []
        for row in fmt.read_passage_rows(build):
            practice = practices[row["practice"]]
            value = getattr(practice, row["field"])
            passages.append(
                Passage(row["practice"], row["field"], value[row["start"] : row["end"]], row["start"], row["end"])
            )
        n = counts["vectors"]
        shapes: dict[str, tuple[Any, Any]] = {
            "practices": (len(practices), counts["practices"]),
            "passages": (len(passages), n),
            "passage rows": (passage_practice.shape, (n,)),
            "text hashes": (len(text_hashes), n),
        }
        dense = {}
        for encoder in manifest["encoders"]:
            name, dim = encoder["name"], encoder["dim"]
            vectors = fmt.read_vectors(build, name)
            vector_index = fmt.read_faiss(build, name)
            shapes[f"{name} vectors"] = (vectors.shape, (n, dim))
            shapes[f"{name} FAISS vectors"] = ((vector_index.ntotal, vector_index.d), (n, dim))
            if isinstance(vector_index, faiss.IndexHNSWFlat):
                vector_index.hnsw.efSearch = manifest["index"]["ef_search"]
            dense[name] = DenseVectors(name, encoder["id"], vectors, vector_index)
        words = None
        for name, count in manifest.get("words", {}).items():
            listed, word_matrix = fmt.read_word_vectors(build, name)
            shapes[f"{name} words"] = ((len(listed), word_matrix.shape[1]), (count, dense[name].vectors.shape[1]))
            means = {}
            if name in manifest.get("language_words", {}):
                samples = fmt.read_language_words(build, name)
                rows = sum(len(v) for _, v in samples.values())
                shapes[f"{name} language words"] = (rows, manifest["language_words"][name])
                means = {language: v.mean(axis=0) for language, (_, v) in samples.items() if len(v)}
            words = WordVectors(name, listed, word_matrix, means)
        for what, (found, expected) in shapes.items():
            if found != expected:
                raise IndexLoadError(f"index {build} holds {found} {what} but its manifest says {expected}; rebuild.")
        return cls(
            path=build,
            manifest=manifest,
            practices=practices,
            position={p.id: i for i, p in enumerate(practices)},
            passages=passages,
            passage_practice=passage_practice,
            text_hashes=text_hashes,
            keyword=KeywordIndex.load(build / fmt.BM25, manifest["bm25"]["title_weight"]),
            dense=dense,
            words=words,
        )
