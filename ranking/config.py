"""The ranking knobs as the engine needs them; their defaults and documentation live in settings/ranking.py."""

from dataclasses import dataclass
from typing import Literal

from settings import Settings


@dataclass(frozen=True)
class RankingConfig:
    fusion: Literal["zscore", "rrf"]
    keyword_weight: float
    topic_weight: float
    place_weight: float
    floors: dict[str, float]  # encoder name -> cosine at or above which a result is a close match
    match_floors: dict[str, float]  # encoder name -> best cosine an English query needs for any result to be close
    foreign_match_floor: float  # the same for e5 and a query in another language
    keyword_floor: float
    duplicate_threshold: float
    related_topic_weight: float
    related_keyword_weight: float
    related_encoders: tuple[str, ...]  # whose centroids compare practices (ranking/related.py)
    mmr_lambda: float
    cache_size: int

    @classmethod
    def from_settings(cls, settings: Settings) -> "RankingConfig":
        return cls(
            fusion=settings.fusion,
            keyword_weight=settings.keyword_weight,
            topic_weight=settings.topic_weight,
            place_weight=settings.place_weight,
            floors={"minilm": settings.minilm_floor, "e5": settings.e5_floor},
            match_floors={"minilm": settings.minilm_match_floor, "e5": settings.e5_match_floor},
            foreign_match_floor=settings.e5_foreign_match_floor,
            keyword_floor=settings.keyword_floor,
            duplicate_threshold=settings.duplicate_threshold,
            related_topic_weight=settings.related_topic_weight,
            related_keyword_weight=settings.related_keyword_weight,
            related_encoders=tuple(settings.related_encoders.split(",")),
            mmr_lambda=settings.mmr_lambda,
            cache_size=settings.query_cache_size,
        )
