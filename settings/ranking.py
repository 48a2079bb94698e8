"""Settings of the query engine: fusion, floors, related practices, caches (chosen on the dev half of data/eval)."""

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings

from settings.indexing import encoder_list


class RankingSettings(BaseSettings):
    fusion: Literal["zscore", "rrf"] = Field(
        "zscore", description="hybrid fusion: z-scored cosines plus BM25 coverage, or reciprocal rank fusion"
    )
    keyword_weight: float = Field(
        3.0,
        ge=0,
        le=100,
        description="hybrid: worth of the best BM25 match, in z-units of one encoder (RRF: its weight)",
    )
    topic_weight: float = Field(
        1.0,
        ge=0,
        le=100,
        description="z-score fusion: worth of the closeness of a practice's topics to the query, in z-units",
    )
    place_weight: float = Field(
        3.0,
        ge=0,
        le=100,
        description="z-score fusion: worth, in z-units, of being in a country or city a typed query names",
    )
    minilm_floor: float = Field(0.25, ge=-1, le=1, description="MiniLM cosine below which a result is not close")
    e5_floor: float = Field(0.79, ge=-1, le=1, description="multilingual-e5 cosine below which a result is not close")
    minilm_match_floor: float = Field(
        0.30,
        ge=-1,
        le=1,
        description="best MiniLM cosine a pasted English text needs to have a close match at all (below: unmet)",
    )
    e5_match_floor: float = Field(
        0.82,
        ge=-1,
        le=1,
        description="best multilingual-e5 cosine a typed English query needs to have a close match at all",
    )
    e5_foreign_match_floor: float = Field(
        0.81,
        ge=-1,
        le=1,
        description="best multilingual-e5 cosine a query in another language needs to have a close match at all",
    )
    keyword_floor: float = Field(0.15, ge=0, le=1, description="keyword mode: BM25/max below which not close")
    duplicate_threshold: float = Field(
        4.7,
        ge=0,
        le=20,
        description="related: similarity (deviations above the mean pair) above which two practices are one",
    )
    related_topic_weight: float = Field(
        3.0,
        ge=0,
        le=20,
        description="related practices: weight of shared topics (Jaccard) added to the z-scored similarity",
    )
    related_keyword_weight: float = Field(
        3.0,
        ge=0,
        le=20,
        description="related practices: worth of BM25 of the practice's own text (÷ the best other practice's)",
    )
    related_encoders: str = Field(
        "e5",
        description="related practices: comma-separated encoders whose centroids compare practices "
        "(those the index lacks are left out; none left: every encoder of the index)",
    )
    mmr_lambda: float = Field(0.8, ge=0, le=1, description="related practices: relevance vs diversity trade-off")
    query_cache_size: int = Field(
        1024, ge=1, le=1_000_000, description="queries whose embeddings and rankings are cached"
    )

    @field_validator("related_encoders")
    @classmethod
    def _known_related_encoders(cls, value: str) -> str:
        return encoder_list(value)
