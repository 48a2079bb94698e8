"""What the engine returns: a page of hits cut from one ranked pool per (query, mode, filters)."""

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from indexer.schema import Practice
from ranking.snippets import Snippet

Mode = Literal["hybrid", "semantic", "keyword"]


@dataclass(frozen=True)
class Hit:
    practice: Practice
    score: float
    close: bool
    snippet: Snippet | None


@dataclass
class Page:
    total: int
    hits: list[Hit]
    close_match: bool = True
    corrections: list[tuple[str, str]] = field(default_factory=list)
    notice: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Pool:
    """A query's ranked candidates: practice positions, their scores and closeness, best matching rows."""

    positions: np.ndarray
    scores: np.ndarray
    close: np.ndarray
    best_rows: np.ndarray
    query_stems: frozenset[str]
    corrections: tuple[tuple[str, str], ...]
    close_match: bool
    notice: str | None
    language: str | None
