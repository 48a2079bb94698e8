"""Recording off the request path: a bounded queue and one writer thread that inserts in batches.

A request only puts a small record on the queue (never blocking); when the queue is full the record is
dropped and counted. The writer opens the store, writes a batch at most every `flush_s`, and deletes
rows older than the retention period once an hour. When the store fails -- unreachable, locked, corrupt,
disk full -- the recorder logs one line and stops recording; requests keep being answered and their
records are counted as dropped. Every `retry_s` the writer tries the store again (silently: one line per
outage, however long), and logs one line when a write succeeds again.

Metrics (in the service's Prometheus registry):
    analytics_recorded_total{record}   rows written: search | click
    analytics_dropped_total{reason}    queue_full | not_recording | write_failed
    analytics_recording                1 while recording, 0 while degraded
    analytics_queue_depth              records waiting for the writer
"""

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge

from analytics.language import LanguageGuesser
from analytics.records import Click, Record, TextPolicy, to_rows
from analytics.store import Store, StoreError

log = logging.getLogger("analytics")

BATCH_MAX = 1000
PRUNE_EVERY_S = 3600.0
DROP_REASONS = ("queue_full", "not_recording", "write_failed")


class RecorderMetrics:
    def __init__(self, registry: CollectorRegistry, depth: Callable[[], int]):
        self.recorded = Counter("analytics_recorded_total", "Analytics rows written", ["record"], registry=registry)
        self.dropped = Counter(
            "analytics_dropped_total", "Analytics records not written, by reason", ["reason"], registry=registry
        )
        self.recording = Gauge("analytics_recording", "1 while analytics are being recorded", registry=registry)
        self.depth = Gauge("analytics_queue_depth", "Analytics records waiting for the writer", registry=registry)
        self.depth.set_function(depth)
        for record in ("search", "click"):
            self.recorded.labels(record)
        for reason in DROP_REASONS:
            self.dropped.labels(reason)


class Recorder:
    def __init__(
        self,
        open_store: Callable[[], Store],
        policy: TextPolicy,
        retention_days: int,
        registry: CollectorRegistry,
        queue_size: int = 10_000,
        flush_s: float = 0.25,
        retry_s: float = 30.0,
    ):
        self._open_store, self.policy, self.retention_days = open_store, policy, retention_days
        self.flush_s, self.retry_s = flush_s, retry_s
        self._queue: queue.Queue[Record | None] = queue.Queue(maxsize=queue_size)
        self.metrics = RecorderMetrics(registry, self._queue.qsize)
        self._guesser = LanguageGuesser()
        self.store: Store | None = None
        self.recording = False
        self._degraded_reason: str | None = None
        self._next_retry = 0.0
        self._next_prune = 0.0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None

    # --- the request side ------------------------------------------------------------------------

    def start(self) -> None:
        """Open the store now (so the first request has the shared secret), then start the writer."""
        self._try_open()
        self._thread = threading.Thread(target=self._run, name="analytics-writer", daemon=True)
        self._thread.start()

    def put(self, record: Record) -> None:
        """Never blocks, never raises: a record that cannot be queued is counted as dropped."""
        if not self.recording:
            self.metrics.dropped.labels("not_recording").inc()
            return
        try:
            self._queue.put_nowait(record)
        except queue.Full:
            self.metrics.dropped.labels("queue_full").inc()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every record queued so far is written or dropped (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)  # blocking is fine at shutdown
            self._thread.join(timeout=10)
        if self.store is not None:
            self.store.close()

    # --- the writer thread -------------------------------------------------------------------------

    def _try_open(self) -> None:
        try:
            self.store = self._open_store()
        except StoreError as err:
            self._degrade(str(err))
            return
        self._set_recording(True)

    def _set_recording(self, on: bool) -> None:
        self.recording = on
        self.metrics.recording.set(1 if on else 0)

    def _degrade(self, reason: str) -> None:
        """Stop recording, with one log line per outage (not one per failed retry)."""
        self._set_recording(False)
        self._next_retry = time.monotonic() + self.retry_s
        if self.store is not None:
            self.store.close()
            self.store = None
        if self._degraded_reason is None:
            log.warning("analytics: not recording: %s; search is unaffected, retrying every %g s", reason, self.retry_s)
            self._degraded_reason = reason

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = self._collect()
            if batch:
                self._write(batch)
            self._done(len(batch) + stopping)
            self._housekeeping()

    def _collect(self) -> tuple[list[Record], bool]:
        """Block for the first record, then gather more for up to flush_s; (batch, whether to stop)."""
        try:
            first = self._queue.get(timeout=self._wait_s())
        except queue.Empty:
            return [], False
        if first is None:
            return [], True
        batch: list[Record] = [first]
        deadline = time.monotonic() + self.flush_s
        while len(batch) < BATCH_MAX:
            try:
                record = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if record is None:
                return batch, True
            batch.append(record)
        return batch, False

    def _wait_s(self) -> float:
        """Idle until the next retry (degraded) or retention delete (recording)."""
        due = self._next_retry if not self.recording else self._next_prune
        return min(PRUNE_EVERY_S, max(0.05, due - time.monotonic()))

    def _write(self, batch: list[Record]) -> None:
        if self.store is None:
            self.metrics.dropped.labels("not_recording").inc(len(batch))
            return
        try:
            self.store.write(to_rows(batch, self.policy, self._guesser.guess))
        except Exception as err:  # noqa: BLE001 - the writer must outlive anything, and say once what stopped it
            self.metrics.dropped.labels("write_failed").inc(len(batch))
            self._degrade(str(err) if isinstance(err, StoreError) else f"{type(err).__name__}: {err}")
            return
        if self._degraded_reason is not None:  # only a write proves the store is back (a full disk still opens)
            log.warning("analytics: recording again")
            self._degraded_reason = None
        clicks = sum(isinstance(r, Click) for r in batch)
        self.metrics.recorded.labels("search").inc(len(batch) - clicks)
        self.metrics.recorded.labels("click").inc(clicks)

    def _done(self, count: int) -> None:
        with self._idle:
            for _ in range(count):
                self._queue.task_done()
            self._idle.notify_all()

    def _housekeeping(self) -> None:
        now = time.monotonic()
        if not self.recording:
            if now >= self._next_retry:
                self._try_open()
            return
        if now >= self._next_prune and self.store is not None:
            self._next_prune = now + PRUNE_EVERY_S
            cutoff = datetime.now(UTC).date() - timedelta(days=self.retention_days)
            try:
                deleted = self.store.prune(before=cutoff)
            except StoreError as err:
                self._degrade(str(err))
                return
            if deleted:
                log.info("analytics: deleted %d rows from before %s (retention)", deleted, cutoff)
