"""PostgreSQL, for deployments with several replicas: the same store, migrations and reports as SQLite,
against a real server this module starts (tests/pg_server.py).

Without PostgreSQL's binaries these tests skip locally and fail under CI=true (scripts/test installs them).
"""

import itertools
import logging
import os
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from analytics_support import ADMIN, analytics_app, metric, open_together
from fastapi.testclient import TestClient
from pg_server import PostgresServer, binaries
from test_analytics_reports import ALL, DAYS_1_2, REPORTS, SUMMARY_ALL, seed

from analytics.catalog import Catalog
from analytics.records import Search, TextPolicy, to_rows
from analytics.reports import Period, Reports
from analytics.store import Store

NAMES = (f"t{n}" for n in itertools.count())


@pytest.fixture(scope="module")
def pg():
    if binaries() is None:
        reason = "PostgreSQL is not installed (apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(reason)
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def url(pg):
    return pg.create_database(next(NAMES))


def test_a_new_postgresql_store_is_migrated_once(url):
    first, second = Store.open(url), Store.open(url)
    with first.engine.connect() as conn:
        tables = sorted(
            conn.scalars(sa.text("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"))
        )
        versions = list(conn.execute(sa.text("SELECT version, description FROM schema_version")))
    assert tables == ["clicks", "schema_version", "search_filters", "search_results", "searches", "secrets"]
    assert versions == [(1, "searches, their filters and shown results, clicks, secrets")]
    assert len(first.secret) == 32 and first.secret == second.secret
    first.close(), second.close()


def test_replicas_starting_together_migrate_once(url):
    secrets, errors = open_together(url)
    assert errors == [] and len(set(secrets)) == 1 and len(secrets) == 6


def _fake_embed(texts: list[str]) -> np.ndarray:
    return np.array([[1.0, 0.0] if "quantum" in t else [0.0, 1.0] for t in texts], dtype=np.float32)


def test_every_report_gives_the_same_numbers_as_on_sqlite(url, tmp_path):
    on_pg, on_sqlite = seed(url), seed(f"sqlite:///{tmp_path / 'analytics.sqlite3'}")
    try:
        pg_reports = Catalog(Reports(on_pg.engine), _fake_embed)
        sqlite_reports = Catalog(Reports(on_sqlite.engine), _fake_embed)
        assert pg_reports.run("summary", ALL) == SUMMARY_ALL
        for name, period in itertools.product(REPORTS, (ALL, DAYS_1_2, Period(date(2026, 11, 4), None))):
            assert pg_reports.run(name, period, 3) == sqlite_reports.run(name, period, 3), (name, period)
    finally:
        on_pg.close(), on_sqlite.close()


def test_retention_deletes_old_days_on_postgresql(url):
    store = Store.open(url)
    now = datetime.now(UTC)
    records = [
        Search(
            id=f"{n:032x}",
            at=now - timedelta(days=age),
            kind="search",
            mode="hybrid",
            text="q",
            filters=(("topic", "Housing"),),
            total=1,
            close_match=True,
            offset=0,
            shown=("a",),
            latency_ms=1.0,
        )
        for n, age in enumerate((200, 10), 1)
    ]
    store.write(to_rows(records, TextPolicy(200, False), lambda _t: "en"))
    assert store.prune(before=(now - timedelta(days=180)).date()) == 1
    with store.engine.connect() as conn:
        assert list(conn.scalars(sa.text("SELECT id FROM searches"))) == [f"{2:032x}"]
        assert conn.scalar(sa.text("SELECT count(*) FROM search_filters")) == 1
    store.close()


def test_two_replicas_share_one_store_and_accept_each_others_clicks(url, built_index, encoders, tmp_path):
    one = analytics_app(built_index, encoders, tmp_path / "one", analytics_url=url)
    two = analytics_app(built_index, encoders, tmp_path / "two", analytics_url=url)
    try:
        a, b = TestClient(one), TestClient(two)
        body = a.get("/search", params={"q": "city", "mode": "keyword", "limit": 3}).json()
        b.get("/search", params={"q": "music for refugees"})
        event = {"query_id": body["query_id"], "practice_id": body["results"][2]["id"], "position": 3}
        assert b.post("/events", json=event).status_code == 204  # the click reaches the other replica
        one.state.analytics.recorder.flush(), two.state.analytics.recorder.flush()
        for client in (a, b):
            summary = client.get("/admin/analytics/summary", headers=ADMIN).json()
            assert (summary["searches"], summary["clicks"], summary["searches_with_click"]) == (2, 1, 1)
    finally:
        one.state.analytics.close(), two.state.analytics.close()


def test_a_postgresql_outage_degrades_and_recording_resumes(pg, url, built_index, encoders, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="analytics")
    app = analytics_app(built_index, encoders, tmp_path, analytics_url=url, analytics_retry_s=0.3)
    client = TestClient(app)
    try:
        client.get("/search", params={"q": "choir"})
        assert app.state.analytics.recorder.flush() and metric(app, "analytics_recorded_total", record="search") == 1
        pg.pause()
        try:
            for i in range(3):
                assert client.get("/search", params={"q": f"music {i}"}).json()["results"]
            deadline = time.monotonic() + 20
            while metric(app, "analytics_recording") != 0:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            lines = [r.getMessage() for r in caplog.records if "analytics: not recording" in r.getMessage()]
            assert len(lines) == 1, lines
        finally:
            pg.resume()
        deadline = time.monotonic() + 20
        while metric(app, "analytics_recording") != 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        client.get("/search", params={"q": "language cafe"})
        assert app.state.analytics.recorder.flush()
        assert metric(app, "analytics_recorded_total", record="search") == 2
    finally:
        app.state.analytics.close()
