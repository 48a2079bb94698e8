"""The engine currently serving, swapped atomically on reload; writers are serialised."""

import threading
from dataclasses import dataclass, field

from indexer.index import Index
from indexer.search.engine import RankingConfig, SearchEngine
from indexer.settings import Settings
from search_service.metrics import Metrics


def ranking_config(settings: Settings) -> RankingConfig:
    return RankingConfig(
        fusion=settings.fusion,
        weight=settings.fusion_weight,
        semantic_floor=settings.semantic_floor,
        keyword_floor=settings.keyword_floor,
        duplicate_threshold=settings.duplicate_threshold,
        mmr_lambda=settings.mmr_lambda,
        cache_size=settings.query_cache_size,
    )


def load_engine(settings: Settings, encoder) -> SearchEngine:
    """Raises IndexLoadError with one sentence when the index is missing, corrupt or for another model."""
    return SearchEngine(Index.load(settings.index, encoder.model_id), encoder, ranking_config(settings))


@dataclass
class ServiceState:
    """Requests read `engine` once and keep using that object, so a swap never shows them a half state."""

    settings: Settings
    encoder: object
    engine: SearchEngine
    metrics: Metrics
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.metrics.index_loaded(self.engine)

    def reload(self) -> SearchEngine:
        engine = load_engine(self.settings, self.encoder)
        self.engine = engine
        self.metrics.index_loaded(engine)
        return engine
