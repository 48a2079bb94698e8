"""Recording: every search, pasted description and related view is stored as the issue lists, and nothing
about the person who sent it (no header, no client address) ever reaches the store."""

import datetime
import sqlite3
from pathlib import Path

import pytest
from analytics_support import analytics_app, flush, raw_bytes, rows
from fastapi.testclient import TestClient

from analytics.privacy import keep
from analytics.store import resolve_url
from settings import Settings

TODAY = datetime.datetime.now(datetime.UTC).date().isoformat()
PASTED = (
    "Our city runs free language cafés where newcomers practise the local language with volunteers, "
    "and a welcome desk that helps them find housing, work and schools."
)


@pytest.fixture
def service(built_index, encoders, tmp_path):
    app = analytics_app(built_index, encoders, tmp_path)
    yield app, TestClient(app), tmp_path / "analytics.sqlite3"
    app.state.analytics.close()


def _stable(row: dict) -> dict:
    """A searches row without what differs run to run (random id, clock)."""
    assert len(row["id"]) == 32 and row["at"].startswith(TODAY) and row["latency_ms"] > 0
    return {k: v for k, v in row.items() if k not in ("id", "at", "latency_ms")}


def test_a_search_is_recorded_with_its_filters_and_the_shown_results(service):
    app, client, db = service
    q = "  Intercultural MEDIATION for   newcomers in schools "
    body = client.get(
        "/search", params={"q": q, "country": ["Norway", "DE"], "topic": "anti-discrimination", "limit": 3}
    ).json()
    flush(app)
    [row] = rows(db, "searches")
    assert _stable(row) == {
        "day": TODAY,
        "kind": "search",
        "mode": "hybrid",
        "query": "intercultural mediation for newcomers in schools",
        "query_chars": len(q),
        "truncated": 0,
        "language": "en",
        "total": body["total"],
        "close_match": int(body["close_match"]),
        "page_offset": 0,
        "shown": len(body["results"]),
    }
    assert rows(db, "search_filters") == [
        {"search_id": row["id"], "day": TODAY, "name": "country", "value": "NO"},
        {"search_id": row["id"], "day": TODAY, "name": "country", "value": "DE"},
        {"search_id": row["id"], "day": TODAY, "name": "topic", "value": "Anti-discrimination"},
    ]
    assert rows(db, "search_results") == [
        {"search_id": row["id"], "day": TODAY, "position": i, "practice_id": r["id"]}
        for i, r in enumerate(body["results"], 1)
    ]
    assert app.state.analytics.query_ids.verify(body["query_id"], body["results"][0]["id"], 1, _now()) == row["id"]


def _now() -> float:
    return datetime.datetime.now(datetime.UTC).timestamp()


def test_a_later_page_is_recorded_with_its_offset_and_absolute_positions(service):
    app, client, db = service
    body = client.get("/search", params={"q": "city", "mode": "keyword", "limit": 2, "offset": 2}).json()
    flush(app)
    [row] = rows(db, "searches")
    assert (row["page_offset"], row["mode"], row["shown"]) == (2, "keyword", 2)
    assert [(r["position"], r["practice_id"]) for r in rows(db, "search_results")] == [
        (3, body["results"][0]["id"]),
        (4, body["results"][1]["id"]),
    ]


def test_a_pasted_description_is_kept_only_as_its_length_and_matches(service):
    app, client, db = service
    body = client.post("/similar", json={"text": PASTED, "limit": 4}).json()
    flush(app)
    [row] = rows(db, "searches")
    assert _stable(row) == {
        "day": TODAY,
        "kind": "pasted",
        "mode": "hybrid",
        "query": None,
        "query_chars": len(PASTED),
        "truncated": 0,
        "language": "en",
        "total": body["total"],
        "close_match": int(body["close_match"]),
        "page_offset": 0,
        "shown": 4,
    }
    assert [r["practice_id"] for r in rows(db, "search_results")] == [r["id"] for r in body["results"]]
    assert b"language caf" not in raw_bytes(db)


def test_a_pasted_text_is_stored_truncated_when_the_setting_allows_it(built_index, encoders, tmp_path):
    app = analytics_app(built_index, encoders, tmp_path, analytics_store_text=True, analytics_max_query_chars=40)
    try:
        TestClient(app).post("/similar", json={"text": PASTED, "limit": 2})
        flush(app)
        [row] = rows(tmp_path / "analytics.sqlite3", "searches")
        assert (row["query"], row["truncated"], row["query_chars"]) == (
            "our city runs free language cafés where",
            1,
            len(PASTED),
        )
    finally:
        app.state.analytics.close()


def test_a_long_query_is_stored_truncated(built_index, encoders, tmp_path):
    app = analytics_app(built_index, encoders, tmp_path, analytics_max_query_chars=20)
    try:
        TestClient(app).get("/search", params={"q": "music making without language for refugee children"})
        flush(app)
        [row] = rows(tmp_path / "analytics.sqlite3", "searches")
        assert (row["query"], row["truncated"], row["query_chars"]) == ("music making without", 1, 50)
    finally:
        app.state.analytics.close()


def test_a_related_view_is_recorded_with_its_source_practice(service):
    app, client, db = service
    body = client.get("/practices/immigrants-council-stavanger/similar", params={"limit": 3}).json()
    flush(app)
    [row] = rows(db, "searches")
    assert _stable(row) == {
        "day": TODAY,
        "kind": "related",
        "mode": "related",
        "query": "immigrants-council-stavanger",
        "query_chars": 28,
        "truncated": 0,
        "language": None,
        "total": body["total"],
        "close_match": 1,
        "page_offset": 0,
        "shown": 3,
    }
    assert isinstance(body["query_id"], str)


MARKERS = {
    "User-Agent": "ua-marker-5c1d",
    "X-Forwarded-For": "203.0.113.77",
    "X-Real-IP": "198.51.100.9",
    "Cookie": "session=cookie-marker-77aa",
    "Referer": "https://referer-marker.example/page",
    "Authorization": "Bearer auth-marker-91f0",
    "Accept-Language": "xx-MARKER",
}
CLIENT = ("192.0.2.55", 43210)


def test_no_request_header_or_client_address_reaches_the_store(built_index, encoders, tmp_path):
    app = analytics_app(built_index, encoders, tmp_path)
    client = TestClient(app, client=CLIENT)
    try:
        body = client.get("/search", params={"q": "music for refugees"}, headers=MARKERS).json()
        client.post("/similar", json={"text": PASTED}, headers=MARKERS)
        client.get("/practices/immigrants-council-stavanger/similar", headers=MARKERS)
        assert (
            client.post(
                "/events",
                json={"query_id": body["query_id"], "practice_id": body["results"][0]["id"], "position": 1},
                headers=MARKERS,
            ).status_code
            == 204
        )
        flush(app)
    finally:
        app.state.analytics.close()
    db = tmp_path / "analytics.sqlite3"
    with sqlite3.connect(db) as conn:
        dump = "\n".join(conn.iterdump())
    assert len(rows(db, "searches")) == 3 and len(rows(db, "clicks")) == 1
    needles = [
        *MARKERS.values(),
        "cookie-marker-77aa",
        "referer-marker",
        CLIENT[0],
        "192.0.2",
        "testclient",
        "127.0.0.1",
    ]
    raw = raw_bytes(db)
    assert [n for n in needles if n in dump or n.encode() in raw] == []


def test_contact_details_typed_into_a_query_are_blanked():
    assert keep("Contact ana.silva@example.org or +351 912 345 678 about Roma mediators", 200) == (
        "contact <email> or <number> about roma mediators",
        False,
    )
    assert keep("year 2019 projects", 200) == ("year 2019 projects", False)  # short numbers stay


def test_responses_carry_a_query_id_that_names_the_shown_page(service):
    app, client, _ = service
    ids = app.state.analytics.query_ids
    for body in (
        client.get("/search", params={"q": "city", "mode": "keyword", "limit": 2}).json(),
        client.post("/similar", json={"text": PASTED, "limit": 2}).json(),
        client.get("/practices/immigrants-council-stavanger/similar", params={"limit": 2}).json(),
    ):
        second = body["results"][1]["id"]
        assert len(ids.verify(body["query_id"], second, 2, _now())) == 32


def test_with_analytics_off_nothing_is_stored_and_no_query_id_is_given(built_index, encoders, tmp_path):
    app = analytics_app(built_index, encoders, tmp_path, analytics=False)
    client = TestClient(app)
    body = client.get("/search", params={"q": "choir"}).json()
    assert body["query_id"] is None
    assert client.post("/events", json={"query_id": "A" * 40, "practice_id": "x", "position": 1}).json() == {
        "detail": "analytics is off (PRACTICE_SEARCH_ANALYTICS=off)",
        "errors": [],
    }
    assert (
        client.get("/admin/analytics/summary", headers={"X-API-Key": app.state.service.settings.admin_keys}).status_code
        == 404
    )
    assert list(tmp_path.iterdir()) == []


def test_the_default_store_is_a_sqlite_file_beside_the_index():
    assert resolve_url("", Path("models/index")) == "sqlite:///models/analytics.sqlite3"
    assert resolve_url("postgresql://db/analytics", Path("models/index")) == "postgresql://db/analytics"


def test_analytics_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PRACTICE_SEARCH_ANALYTICS", "off")
    monkeypatch.setenv("PRACTICE_SEARCH_ANALYTICS_URL", "postgresql://analytics@db/analytics")
    monkeypatch.setenv("PRACTICE_SEARCH_ANALYTICS_RETENTION_DAYS", "30")
    settings = Settings()
    assert (settings.analytics, settings.analytics_url, settings.analytics_retention_days) == (
        False,
        "postgresql://analytics@db/analytics",
        30,
    )
    monkeypatch.setenv("PRACTICE_SEARCH_ANALYTICS", "on")
    assert Settings().analytics is True
