"""Helpers the analytics tests share: an app on the fixture index with its own store, and reading that store.

app = analytics_app(index_copy, encoders, tmp_path)          # SQLite store in tmp_path, admin key KEY
client = TestClient(app)
client.get("/search", params={"q": "choir"})
flush(app)                                                  # the writer is asynchronous
rows(tmp_path / "analytics.sqlite3", "searches")
"""

import sqlite3
import threading
from pathlib import Path

from fastapi import FastAPI

from analytics.store import Store
from search_service.app import build_app
from settings import Settings

KEY = "analytics-test-admin-key-" + "k" * 20
ADMIN = {"X-API-Key": KEY}


def analytics_app(settings: Settings, encoders: list, tmp_path: Path, **overrides: object) -> FastAPI:
    """The service with a private SQLite store (or `analytics_url=...`), admin key KEY, no rate limit."""
    update = {
        "analytics_url": f"sqlite:///{tmp_path / 'analytics.sqlite3'}",
        "admin_keys": KEY,
        "rate_limit_per_minute": 0,
        **overrides,
    }
    return build_app(settings.model_copy(update=update), encoders)


def flush(app: FastAPI) -> None:
    assert app.state.analytics.recorder.flush(timeout=20), "the analytics writer did not catch up"


def rows(db: Path, table: str) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")]  # noqa: S608 - test-only


def raw_bytes(db: Path) -> bytes:
    """The database file and its write-ahead log, as bytes: what a disk thief would read."""
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())


def metric(app: FastAPI, name: str, **labels: str) -> float:
    value = app.state.service.metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


def open_together(url: str, n: int = 6) -> tuple[list[bytes], list[Exception]]:
    """`n` threads open the store at once (replicas starting together): the secrets they read, their errors."""
    secrets: list[bytes] = []
    errors: list[Exception] = []

    def start() -> None:
        try:
            store = Store.open(url)
            secrets.append(store.secret)
            store.close()
        except Exception as err:  # noqa: BLE001 - collected for the assertion
            errors.append(err)

    threads = [threading.Thread(target=start) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return secrets, errors
