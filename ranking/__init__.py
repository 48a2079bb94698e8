"""The query engine: filters, semantic and keyword scoring, fusion, snippets, facets, related practices.

`SearchEngine` (engine.py) is the facade the service and the evaluation call; each ranking step
lives in its own module. Reads index builds (indexer.index); never imports build code.
"""

from ranking.config import RankingConfig
from ranking.engine import SearchEngine
from ranking.filters import Filters
from ranking.results import Hit, Mode, Page

__all__ = ["Filters", "Hit", "Mode", "Page", "RankingConfig", "SearchEngine"]
