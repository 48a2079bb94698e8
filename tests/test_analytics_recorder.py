"""The recorder: records are written in batches by one thread; a full queue drops and counts, never blocks."""

import threading
import time
from datetime import UTC, date, datetime, timedelta

from prometheus_client import CollectorRegistry

from analytics.recorder import Recorder
from analytics.records import Search, TextPolicy, to_rows
from analytics.store import Rows, Store

POLICY = TextPolicy(200, False)


def _search(n: int, at: datetime | None = None) -> Search:
    return Search(
        id=f"{n:032x}",
        at=at or datetime.now(UTC),
        kind="search",
        mode="hybrid",
        text=f"query {n}",
        filters=(),
        total=1,
        close_match=True,
        offset=0,
        shown=("a",),
        latency_ms=1.0,
    )


class SlowStore:
    """Stands in for Store: each write waits for `release`, so the queue behind it fills up."""

    secret = b"s" * 32

    def __init__(self) -> None:
        self.release = threading.Event()
        self.batches: list[Rows] = []

    def write(self, rows: Rows) -> None:
        self.release.wait(10)
        self.batches.append(rows)

    def prune(self, before: date) -> int:
        return 0

    def close(self) -> None:
        pass


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def test_a_full_queue_drops_and_counts_and_every_record_is_accounted_for():
    registry, store = CollectorRegistry(), SlowStore()
    recorder = Recorder(lambda: store, POLICY, 180, registry, queue_size=10, flush_s=0.0)
    recorder.start()
    recorder.put(_search(0))
    deadline = time.monotonic() + 5
    while recorder._queue.qsize() and time.monotonic() < deadline:  # the writer took it and now waits
        time.sleep(0.01)
    started = time.perf_counter()
    for n in range(1, 16):
        recorder.put(_search(n))
    assert time.perf_counter() - started < 0.05  # never blocked
    assert _value(registry, "analytics_dropped_total", reason="queue_full") == 5
    assert _value(registry, "analytics_queue_depth") == 10
    store.release.set()
    assert recorder.flush(10)
    written = [row["id"] for batch in store.batches for row in batch.searches]
    assert written == [f"{n:032x}" for n in range(11)]
    assert _value(registry, "analytics_recorded_total", record="search") == 11
    recorder.close()


def test_records_are_written_in_batches(tmp_path):
    registry = CollectorRegistry()
    writes: list[int] = []
    store = Store.open(f"sqlite:///{tmp_path / 'analytics.sqlite3'}")
    original = store.write
    store.write = lambda rows: (writes.append(len(rows.searches)), original(rows))[1]
    recorder = Recorder(lambda: store, POLICY, 180, registry, flush_s=0.5)
    recorder.start()
    for n in range(200):
        recorder.put(_search(n))
    assert recorder.flush(10)
    assert sum(writes) == 200 and len(writes) <= 3
    recorder.close()


def test_rows_older_than_the_retention_period_are_deleted_automatically(tmp_path):
    db = f"sqlite:///{tmp_path / 'analytics.sqlite3'}"
    store = Store.open(db)
    old, recent = datetime.now(UTC) - timedelta(days=31), datetime.now(UTC) - timedelta(days=29)
    store.write(to_rows([_search(1, old), _search(2, recent)], POLICY, lambda _t: "en"))
    store.close()
    recorder = Recorder(lambda: Store.open(db), POLICY, 30, CollectorRegistry())
    recorder.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with recorder.store.engine.connect() as conn:  # a new snapshot each time
            ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM searches ORDER BY id")]
        if len(ids) == 1:
            break
        time.sleep(0.05)
    assert ids == [f"{2:032x}"]
    recorder.close()
