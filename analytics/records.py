"""What the request path hands the recorder, and how the writer turns it into rows.

The request path only builds a small frozen record (microseconds); normalising, truncating and guessing
the language happen in the writer thread, off the request path. `to_rows` is where the privacy rules
are applied: a pasted description is kept only as its length unless the settings allow its text, and
every text is normalised, blanked of contact details and truncated (analytics/privacy.py).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from analytics.privacy import keep, scrub
from analytics.store import Rows

Kind = Literal["search", "pasted", "related"]
MAX_FILTER_CHARS = 120


@dataclass(frozen=True, slots=True)
class Search:
    """One answered request. `text`: the query, the pasted description, or the source practice id."""

    id: str
    at: datetime
    kind: Kind
    mode: str
    text: str
    filters: tuple[tuple[str, str], ...]
    total: int
    close_match: bool
    offset: int
    shown: tuple[str, ...]
    latency_ms: float


@dataclass(frozen=True, slots=True)
class Click:
    """A person opened the result at `position` (absolute rank, from 1) of search `search_id`."""

    search_id: str
    at: datetime
    practice_id: str
    position: int


Record = Search | Click


@dataclass(frozen=True)
class TextPolicy:
    max_chars: int
    store_pasted: bool


def _search_row(record: Search, policy: TextPolicy, guess: Callable[[str], str]) -> dict:
    if record.kind == "related":
        query, truncated, language = record.text, False, None
    else:
        query, truncated = keep(record.text, policy.max_chars)
        language = guess(query if record.kind == "search" else record.text)
        if record.kind == "pasted" and not policy.store_pasted:
            query = None
    return {
        "id": record.id,
        "at": record.at,
        "day": record.at.date(),
        "kind": record.kind,
        "mode": record.mode,
        "query": query,
        "query_chars": len(record.text),
        "truncated": truncated,
        "language": language,
        "total": record.total,
        "close_match": record.close_match,
        "page_offset": record.offset,
        "shown": len(record.shown),
        "latency_ms": round(record.latency_ms, 3),
    }


def to_rows(records: Iterable[Record], policy: TextPolicy, guess: Callable[[str], str]) -> Rows:
    rows = Rows()
    for record in records:
        day = record.at.date()
        if isinstance(record, Click):
            rows.clicks.append(
                {
                    "search_id": record.search_id,
                    "at": record.at,
                    "day": day,
                    "practice_id": record.practice_id,
                    "position": record.position,
                }
            )
            continue
        rows.searches.append(_search_row(record, policy, guess))
        rows.search_filters.extend(
            {"search_id": record.id, "day": day, "name": name, "value": scrub(value)[:MAX_FILTER_CHARS]}
            for name, value in record.filters
        )
        rows.search_results.extend(
            {"search_id": record.id, "day": day, "position": record.offset + i, "practice_id": practice_id}
            for i, practice_id in enumerate(record.shown, 1)
        )
    return rows
