"""The analytics store: one SQLite file in WAL mode, versioned migrations, a shared secret, the retention delete."""

import sqlite3
from datetime import UTC, date, datetime

import pytest
from analytics_support import open_together, rows

from analytics.migrations import LATEST
from analytics.records import Click, Search, TextPolicy, to_rows
from analytics.store import Store, StoreError

TABLES = ["clicks", "schema_version", "search_filters", "search_results", "searches", "secrets"]


def _search(n: int, day: date) -> Search:
    return Search(
        id=f"{n:032x}",
        at=datetime(day.year, day.month, day.day, tzinfo=UTC),
        kind="search",
        mode="hybrid",
        text=f"query {n}",
        filters=(("topic", "Housing"),),
        total=1,
        close_match=True,
        offset=0,
        shown=("a",),
        latency_ms=1.0,
    )


def _rows(*days: date):
    records = [_search(n, d) for n, d in enumerate(days, 1)]
    records += [Click(r.id, r.at, "a", 1) for r in records]
    return to_rows(records, TextPolicy(200, False), lambda _t: "en")


def test_a_new_store_is_one_wal_file_at_the_latest_schema(tmp_path):
    db = tmp_path / "sub" / "analytics.sqlite3"
    Store.open(f"sqlite:///{db}").close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    assert tables == TABLES
    assert [(r["version"], r["description"]) for r in rows(db, "schema_version")] == [
        (1, "searches, their filters and shown results, clicks, secrets")
    ]
    assert LATEST == 1


def test_reopening_migrates_nothing_and_keeps_the_secret(tmp_path):
    url = f"sqlite:///{tmp_path / 'analytics.sqlite3'}"
    first = Store.open(url)
    second = Store.open(url)
    assert len(first.secret) == 32 and first.secret == second.secret
    assert len(rows(tmp_path / "analytics.sqlite3", "schema_version")) == 1
    first.close(), second.close()


def test_workers_starting_together_migrate_once_and_share_the_secret(tmp_path):
    url = f"sqlite:///{tmp_path / 'analytics.sqlite3'}"
    secrets, errors = open_together(url)
    assert errors == [] and len(secrets) == 6 and len(set(secrets)) == 1
    assert len(rows(tmp_path / "analytics.sqlite3", "schema_version")) == 1


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    db = tmp_path / "analytics.sqlite3"
    Store.open(f"sqlite:///{db}").close()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, 'from the future', '2030-01-01')")
    with pytest.raises(StoreError, match="the store has schema version 99; this service knows up to 1"):
        Store.open(f"sqlite:///{db}")


def test_unsupported_or_invalid_urls_are_refused_in_one_line():
    with pytest.raises(StoreError, match="unsupported analytics store 'mysql'"):
        Store.open("mysql://db/analytics")
    with pytest.raises(StoreError, match="is not a URL"):
        Store.open("not a url")
    with pytest.raises(StoreError, match="needs a file"):
        Store.open("sqlite://")


def test_prune_deletes_old_days_from_every_table(tmp_path):
    db = tmp_path / "analytics.sqlite3"
    store = Store.open(f"sqlite:///{db}")
    store.write(_rows(date(2026, 1, 1), date(2026, 1, 2), date(2026, 3, 1)))
    assert store.prune(before=date(2026, 1, 3)) == 4  # two searches, two clicks
    assert [r["day"] for r in rows(db, "searches")] == ["2026-03-01"]
    for table in ("search_filters", "search_results", "clicks"):
        assert [r["day"] for r in rows(db, table)] == ["2026-03-01"]
    store.close()


def test_a_batch_is_written_all_or_nothing(tmp_path):
    db = tmp_path / "analytics.sqlite3"
    store = Store.open(f"sqlite:///{db}")
    store.write(_rows(date(2026, 1, 1)))
    with pytest.raises(StoreError, match="IntegrityError"):
        store.write(_rows(date(2026, 2, 1), date(2026, 2, 2)))  # search 1 is stored already: none of it is kept
    assert [r["day"] for r in rows(db, "searches")] == ["2026-01-01"]
    assert len(rows(db, "clicks")) == 1
    store.close()
