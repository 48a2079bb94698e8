"""The facade the search service holds: record what it answered, check clicks, serve the reports.

    analytics = Analytics.start(settings, registry=metrics.registry, embed=encoder.encode)
    query_id = analytics.record_page("search", q, mode, filters, page, offset, started)  # microseconds
    analytics.record_click(query_id, practice_id, position)                              # or InvalidQueryId
    analytics.catalog().run("unmet", Period(), 20)                                        # or StoreUnavailable
    analytics.close()                                                                     # at shutdown

With PRACTICE_SEARCH_ANALYTICS=off nothing is opened or recorded, responses carry no query id, and
`catalog` raises AnalyticsOff.
"""

import secrets
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from prometheus_client import CollectorRegistry
from pydantic import BaseModel

from analytics.catalog import Catalog
from analytics.query_ids import QueryIds
from analytics.recorder import Recorder
from analytics.records import Click, Kind, Search, TextPolicy
from analytics.reports import Reports
from analytics.store import Store, resolve_url
from analytics.themes import CachedEmbed, Embed
from settings.analytics import AnalyticsSettings


class AnalyticsOff(Exception):
    """PRACTICE_SEARCH_ANALYTICS is off."""


class StoreUnavailable(Exception):
    """Recording is degraded (the store failed); the reason was logged."""


class _Practice(Protocol):
    @property
    def id(self) -> str: ...


class _Hit(Protocol):
    @property
    def practice(self) -> _Practice: ...


class _Page(Protocol):
    """What analytics reads of the query engine's Page (duck-typed: analytics does not import the engine)."""

    total: int
    close_match: bool

    @property
    def hits(self) -> Sequence[_Hit]: ...


def filter_pairs(filters: BaseModel) -> tuple[tuple[str, str], ...]:
    """(name, value) per filter value in use: lists give one pair per item, booleans "true"/"false"."""
    pairs: list[tuple[str, str]] = []
    for name, value in filters.model_dump().items():
        values = value if isinstance(value, list) else [] if value is None else [value]
        pairs.extend((name, str(v).lower() if isinstance(v, bool) else str(v)) for v in values)
    return tuple(pairs)


class Analytics:
    def __init__(
        self,
        settings: AnalyticsSettings,
        url: str,
        registry: CollectorRegistry,
        embed: Embed | None = None,
    ):
        self.enabled = settings.analytics
        self.url = url
        self.embed = CachedEmbed(embed) if embed is not None else None
        self.titles: Callable[[str], str | None] = lambda _id: None
        policy = TextPolicy(max_chars=settings.analytics_max_query_chars, store_pasted=settings.analytics_store_text)
        self.recorder = Recorder(
            lambda: Store.open(url),
            policy,
            settings.analytics_retention_days,
            registry,
            queue_size=settings.analytics_queue_size,
            retry_s=settings.analytics_retry_s,
        )
        self.query_ids = QueryIds(secrets.token_bytes(32))

    @classmethod
    def start(
        cls,
        settings: AnalyticsSettings,
        index: Path,
        registry: CollectorRegistry,
        embed: Embed | None = None,
    ) -> "Analytics":
        """Open the store (when on) before the first request, so query ids use the store's shared secret."""
        analytics = cls(settings, resolve_url(settings.analytics_url, index), registry, embed)
        if analytics.enabled:
            analytics.recorder.start()
            store = analytics.recorder.store
            if store is not None:  # else a process secret: recording is off anyway
                analytics.query_ids = QueryIds(store.secret)
        return analytics

    def record_page(
        self, kind: Kind, text: str, mode: str, filters: BaseModel, page: _Page, offset: int, started: float
    ) -> str | None:
        """Queue the record of one answered page; returns its query id (None when analytics is off)."""
        if not self.enabled:
            return None
        search_id = uuid.uuid4().hex
        shown = tuple(hit.practice.id for hit in page.hits)
        now = time.time()
        self.recorder.put(
            Search(
                id=search_id,
                at=datetime.fromtimestamp(now, UTC),
                kind=kind,
                mode=mode,
                text=text,
                filters=filter_pairs(filters),
                total=page.total,
                close_match=page.close_match,
                offset=offset,
                shown=shown,
                latency_ms=(time.perf_counter() - started) * 1000,
            )
        )
        return self.query_ids.issue(search_id, offset, shown, now)

    def record_click(self, query_id: str, practice_id: str, position: int) -> None:
        """Raises AnalyticsOff, or InvalidQueryId for a click on something this service did not show."""
        if not self.enabled:
            raise AnalyticsOff()
        now = time.time()
        search_id = self.query_ids.verify(query_id, practice_id, position, now)
        self.recorder.put(
            Click(search_id=search_id, at=datetime.fromtimestamp(now, UTC), practice_id=practice_id, position=position)
        )

    def catalog(self) -> Catalog:
        if not self.enabled:
            raise AnalyticsOff()
        store = self.recorder.store
        if store is None:
            raise StoreUnavailable()
        return Catalog(Reports(store.engine), self.embed, self.titles)

    def close(self) -> None:
        if self.enabled:
            self.recorder.close()

    @asynccontextmanager
    async def lifespan(self, _app: object) -> AsyncIterator[None]:
        """The app's lifespan: flush what is queued when the server stops."""
        yield
        self.close()
