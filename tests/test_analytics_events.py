"""POST /events: a click on a result this service showed is stored (204); anything else is a 4xx and never stored."""

import base64
import datetime

import pytest
from analytics_support import analytics_app, flush, rows
from fastapi.testclient import TestClient

from analytics.query_ids import QueryIds

TODAY = datetime.datetime.now(datetime.UTC).date().isoformat()


@pytest.fixture
def service(built_index, encoders, tmp_path):
    app = analytics_app(built_index, encoders, tmp_path, analytics_events_per_minute=1000)
    client = TestClient(app)
    body = client.get("/search", params={"q": "city", "mode": "keyword", "limit": 3}).json()
    yield app, client, body, tmp_path / "analytics.sqlite3"
    app.state.analytics.close()


def _event(body: dict, index: int = 1, **change) -> dict:
    return {"query_id": body["query_id"], "practice_id": body["results"][index]["id"], "position": index + 1, **change}


def test_a_click_on_a_shown_result_is_stored(service):
    app, client, body, db = service
    response = client.post("/events", json=_event(body))
    assert (response.status_code, response.content) == (204, b"")
    flush(app)
    [search] = rows(db, "searches")
    [click] = rows(db, "clicks")
    assert click["at"].startswith(TODAY)
    assert {k: v for k, v in click.items() if k != "at"} == {
        "id": 1,
        "search_id": search["id"],
        "day": TODAY,
        "practice_id": body["results"][1]["id"],
        "position": 2,
    }


def test_a_click_on_a_later_page_carries_its_absolute_position(service):
    app, client, _, db = service
    page = client.get("/search", params={"q": "city", "mode": "keyword", "limit": 2, "offset": 2}).json()
    assert (
        client.post(
            "/events", json={"query_id": page["query_id"], "practice_id": page["results"][0]["id"], "position": 3}
        ).status_code
        == 204
    )
    assert (
        client.post(
            "/events", json={"query_id": page["query_id"], "practice_id": page["results"][0]["id"], "position": 1}
        ).status_code
        == 422
    )
    flush(app)
    assert [(c["practice_id"], c["position"]) for c in rows(db, "clicks")] == [(page["results"][0]["id"], 3)]


def _tampered(token: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[8] ^= 1  # one bit of the search id
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def _foreign(body: dict) -> str:
    """A well-formed query id signed with another key (another service, or a forger)."""
    shown = [r["id"] for r in body["results"]]
    return QueryIds(b"not the service's secret").issue("0" * 32, 0, shown, datetime.datetime.now().timestamp())


def _expired(app, body: dict) -> str:
    shown = [r["id"] for r in body["results"]]
    two_days_ago = datetime.datetime.now().timestamp() - 2 * 86_400
    return app.state.analytics.query_ids.issue("0" * 32, 0, shown, two_days_ago)


REFUSED = [
    ("wrong practice at that position", lambda app, b: _event(b, practice_id=b["results"][0]["id"]), "practice_id"),
    ("position not on the page", lambda app, b: _event(b, position=9), "position"),
    ("tampered query id", lambda app, b: _event(b, query_id=_tampered(b["query_id"])), "query_id"),
    ("query id signed elsewhere", lambda app, b: _event(b, query_id=_foreign(b)), "query_id"),
    ("expired query id", lambda app, b: _event(b, query_id=_expired(app, b)), "query_id"),
    ("made-up query id", lambda app, b: _event(b, query_id="A" * 60), "query_id"),
    ("extra field", lambda app, b: {**_event(b), "type": "click"}, "type"),
    ("user agent smuggled in", lambda app, b: {**_event(b), "user_agent": "Mozilla"}, "user_agent"),
    ("missing position", lambda app, b: {k: v for k, v in _event(b).items() if k != "position"}, "position"),
    ("position as text", lambda app, b: _event(b, position="2"), "position"),
    ("negative position", lambda app, b: _event(b, position=-5), "position"),
    (
        "query id with bad characters",
        lambda app, b: _event(b, query_id="<script>alert(1)</script>xxxxxxxx"),
        "query_id",
    ),
    ("not an object", lambda app, b: ["click"], "body"),
]


@pytest.mark.parametrize(("case", "make", "param"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_forged_or_malformed_event_is_refused_and_not_stored(service, case, make, param):
    app, client, body, db = service
    response = client.post("/events", json=make(app, body))
    assert response.status_code == 422, response.text
    assert param in [e["param"] for e in response.json()["errors"]]
    flush(app)
    assert rows(db, "clicks") == []


def test_a_body_that_is_not_json_is_refused(service):
    app, client, _, db = service
    response = client.post("/events", content=b"query_id=x&position=1", headers={"Content-Type": "text/plain"})
    assert response.status_code == 422
    flush(app)
    assert rows(db, "clicks") == []


def test_events_are_rate_limited_per_client(built_index, encoders, tmp_path):
    app = analytics_app(built_index, encoders, tmp_path, analytics_events_per_minute=3)
    try:
        client = TestClient(app)
        body = client.get("/search", params={"q": "city", "mode": "keyword", "limit": 3}).json()
        statuses = [client.post("/events", json=_event(body, i % 3)).status_code for i in range(5)]
        assert statuses == [204, 204, 204, 429, 429]
        limited = client.post("/events", json=_event(body))
        assert limited.json()["detail"].startswith("too many events; retry after")
        assert int(limited.headers["Retry-After"]) >= 1
        other = TestClient(app, client=("192.0.2.8", 1000))
        assert other.post("/events", json=_event(body)).status_code == 204
        flush(app)
        assert len(rows(tmp_path / "analytics.sqlite3", "clicks")) == 4
    finally:
        app.state.analytics.close()


def test_only_post_is_accepted_on_events(service):
    _, client, _, _ = service
    assert client.get("/events").status_code == 405
