"""The engine currently serving, swapped atomically on reload; writers are serialised."""

import threading
from dataclasses import dataclass, field

from indexer.index import Index
from indexer.search.engine import RankingConfig, SearchEngine
from indexer.settings import Settings
from search_service.metrics import Metrics


def load_engine(settings: Settings, encoder) -> SearchEngine:
    """Raises IndexLoadError with one sentence when the index is missing, corrupt or for another model."""
    return SearchEngine(Index.load(settings.index, encoder.model_id), encoder, RankingConfig.from_settings(settings))


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
