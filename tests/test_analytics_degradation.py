"""A failing store degrades to "not recording" with one log line, and search keeps answering.

Each case: a full disk (a tiny tmpfs; root only), a database locked by another process, a corrupt
file, an unreachable PostgreSQL. In each, /search still answers with results, the log says once that
analytics stopped recording (never the URL's password), /metrics shows it (analytics_recording 0, the
lost records counted), and the reports answer 503 rather than wrong numbers.
"""

import logging
import os
import sqlite3
import subprocess
import time

import pytest
from analytics_support import ADMIN, analytics_app, metric
from disk_faults import fill
from fastapi.testclient import TestClient
from live_server import free_port

NOT_RECORDING = "analytics: not recording"


def not_recording_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "analytics" and NOT_RECORDING in r.getMessage()]


def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def searches_answer(client: TestClient, n: int = 5) -> list[float]:
    """n searches, each must answer with results; returns their latencies in seconds."""
    latencies = []
    for i in range(n):
        started = time.perf_counter()
        body = client.get("/search", params={"q": f"music for refugees {i}"}).json()
        latencies.append(time.perf_counter() - started)
        assert body["results"], body
    return latencies


def assert_degraded(app, client: TestClient, caplog, reason: str) -> None:
    lines = not_recording_lines(caplog)
    assert len(lines) == 1 and reason in lines[0], lines
    assert metric(app, "analytics_recording") == 0
    assert client.get("/admin/analytics/summary", headers=ADMIN).json() == {
        "detail": "the analytics store is unavailable; recording is degraded (see the log)",
        "errors": [],
    }


@pytest.fixture
def tmpfs(tmp_path):
    """A 2 MiB tmpfs: a disk that really fills up."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot mount a tmpfs under CI: {done.stderr.decode().strip()}")
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk(built_index, encoders, tmpfs, caplog):
    caplog.set_level(logging.INFO, logger="analytics")
    app = analytics_app(built_index, encoders, tmpfs, analytics_retry_s=2.0)  # no retry while it is checked
    client = TestClient(app)
    try:
        searches_answer(client, 2)
        assert app.state.analytics.recorder.flush() and metric(app, "analytics_recorded_total", record="search") == 2
        filler = fill(tmpfs)
        searches_answer(client, 3)
        wait_for(lambda: not_recording_lines(caplog))
        searches_answer(client, 5)  # still answering, now without recording
        assert_degraded(app, client, caplog, "database or disk is full")
        assert metric(app, "analytics_dropped_total", reason="write_failed") >= 1
        assert metric(app, "analytics_dropped_total", reason="not_recording") >= 1
        time.sleep(1)  # several retries while the disk stays full: still one log line
        assert len(not_recording_lines(caplog)) == 1
        filler.unlink()  # space again: the next retry records again, with one more line
        wait_for(lambda: metric(app, "analytics_recording") == 1)
        searches_answer(client, 1)
        wait_for(lambda: any("recording again" in r.getMessage() for r in caplog.records))
    finally:
        app.state.analytics.close()


def test_a_locked_database(built_index, encoders, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="analytics")
    app = analytics_app(built_index, encoders, tmp_path, analytics_retry_s=0.3)
    client = TestClient(app)
    app.state.service.engine.search("music for refugees")  # warms the encoders (unrecorded): not what is measured
    locker = sqlite3.connect(tmp_path / "analytics.sqlite3", isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock and does not let go
        latencies = searches_answer(client, 5)
        assert max(latencies) < 1.0, latencies  # the writer waits for the lock (2 s), requests never do
        wait_for(lambda: not_recording_lines(caplog))
        searches_answer(client, 3)
        assert_degraded(app, client, caplog, "database is locked")
        locker.execute("ROLLBACK")
        wait_for(lambda: metric(app, "analytics_recording") == 1)
        searches_answer(client, 1)
        wait_for(lambda: metric(app, "analytics_recorded_total", record="search") >= 1)
    finally:
        locker.close()
        app.state.analytics.close()


def test_a_corrupt_database(built_index, encoders, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="analytics")
    db = tmp_path / "analytics.sqlite3"
    db.write_bytes(b"this is not a SQLite database, just bytes " * 200)
    app = analytics_app(built_index, encoders, tmp_path)
    client = TestClient(app)
    try:
        searches_answer(client, 3)
        assert_degraded(app, client, caplog, "file is not a database")
        assert metric(app, "analytics_dropped_total", reason="not_recording") == 3
        assert db.read_bytes().startswith(b"this is not a SQLite database")  # left for an operator to look at
    finally:
        app.state.analytics.close()


def test_an_unreachable_postgresql(built_index, encoders, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="analytics")
    url = f"postgresql://analytics:s3cret-pw@127.0.0.1:{free_port()}/analytics"
    started = time.monotonic()
    app = analytics_app(built_index, encoders, tmp_path, analytics_url=url)
    assert time.monotonic() - started < 15
    client = TestClient(app)
    try:
        searches_answer(client, 3)
        assert_degraded(app, client, caplog, "OperationalError")
        assert "s3cret-pw" not in caplog.text
        assert metric(app, "analytics_dropped_total", reason="not_recording") == 3
        assert (
            client.post(
                "/events",
                json={
                    "query_id": client.get("/search", params={"q": "choir"}).json()["query_id"],
                    "practice_id": "x",
                    "position": 1,
                },
            ).status_code
            == 422
        )
    finally:
        app.state.analytics.close()
