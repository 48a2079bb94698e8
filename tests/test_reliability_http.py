"""Reliability round two, HTTP surface (issue 12 rows 5, 7, 10, 11, 12, 15, 16): bounded metrics labels,
HEAD and Allow, JSON errors everywhere, strict integers, admin auth before the body, trusted proxies."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from search_service.app import build_app
from search_service.client_address import ClientAddress

KEY = "r" * 40


def client_for(settings, encoders, **changes) -> TestClient:
    changes = {"request_timeout_s": 300, **changes}  # a shared, busy machine: timing is not what these test
    return TestClient(build_app(settings.model_copy(update=changes), encoders), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(built_index, encoders) -> TestClient:
    return client_for(built_index, encoders, rate_limit_per_minute=0, admin_keys=KEY, request_timeout_s=300)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return body


# row 5
def test_invented_methods_and_paths_collapse_to_one_metrics_label(client):
    before = len(client.get("/metrics").text)
    for i in range(300):
        client.request(f"X{i:04d}", "/search")
        client.get(f"/no-such-{i}")
    text = client.get("/metrics").text
    assert "X0001" not in text and "no-such" not in text
    assert 'method="other",route="/search"' in text
    assert 'route="unmatched"' in text
    assert len(text) < before + 20_000  # a handful of new series, not 600


# row 7
@pytest.mark.parametrize("path", ["/", "/healthz", "/widget.js", "/search?q=choir", "/readyz"])
def test_head_is_answered_where_get_is(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_405_lists_the_allowed_methods(client):
    response = client.delete("/healthz")
    error_of(response, 405)
    assert response.headers["allow"] == "GET, HEAD"
    search = client.request("PATCH", "/search")
    assert search.headers["allow"] == "GET, HEAD, POST"


# row 10
def test_deeply_nested_json_is_422_naming_the_body(client):
    body = "[" * 1000 + "]" * 1000
    response = client.post("/search", content=body, headers={"content-type": "application/json"})
    assert error_of(response, 422)["errors"] == [
        {"param": "body", "message": "body is not valid JSON (nested too deeply, or a number too long)"}
    ]


def test_an_integer_of_5000_digits_is_422(client):
    response = client.post(
        "/search", content='{"q": "choir", "limit": ' + "9" * 5000 + "}", headers={"content-type": "application/json"}
    )
    assert error_of(response, 422)["errors"][0]["param"] == "body"


@pytest.mark.parametrize("field", ["limit", "offset", "year_from"])
def test_booleans_are_not_integers(client, field):
    response = client.post("/search", json={"q": "choir", field: True})
    assert error_of(response, 422)["errors"] == [{"param": field, "message": "must be an integer, not true/false"}]


def test_integers_in_query_strings_still_parse(client):
    assert client.get("/search", params={"q": "choir", "limit": "2"}).json()["limit"] == 2


# row 11
def test_admin_key_is_checked_before_the_body(client):
    response = client.put("/practices/x", content=b"{not json", headers={"content-type": "application/json"})
    assert error_of(response, 401)["errors"][0]["param"] == "X-API-Key"


def test_admin_record_errors_name_the_field(index_copy, encoders):
    admin = client_for(index_copy, encoders, admin_keys=KEY)
    record = {
        "title": "T",
        "city": "Porto",
        "country": "Atlantis",
        "topics": ["Language"],
        "purpose": "p",
        "description": "d",
        "source_url": "https://example.org/p",
        "period": "2020",
    }
    response = admin.put("/practices/rel-x", json=record, headers={"X-API-Key": KEY})
    assert error_of(response, 422)["errors"][0]["param"] == "country"
    bad = admin.put(
        "/practices/rel-x", content=b"{oops", headers={"X-API-Key": KEY, "content-type": "application/json"}
    )
    assert error_of(bad, 422)["errors"][0]["param"] == "body"


def test_reload_409_names_no_path(index_copy, encoders):
    admin = client_for(index_copy, encoders, admin_keys=KEY)
    build = (index_copy.index / "CURRENT").read_text().strip()
    (index_copy.index / "builds" / build / "passages.json").write_text("[]")
    body = error_of(admin.post("/admin/reload", headers={"X-API-Key": KEY}), 409)
    assert "passages.json" in body["detail"] and str(index_copy.index) not in body["detail"]
    assert "/" not in body["detail"].split("still serving:")[1].replace("`indexer build`", "")


# row 12
def test_failed_admin_attempts_are_limited_per_client(built_index, encoders):
    admin = client_for(built_index, encoders, admin_keys=KEY, admin_failures_per_minute=5)
    codes = [admin.post("/admin/reload", headers={"X-API-Key": "w" * 40}).status_code for _ in range(300)]
    assert codes[:5] == [403] * 5 and set(codes[5:]) == {429}
    limited = admin.post("/admin/reload", headers={"X-API-Key": KEY})
    assert error_of(limited, 429) and int(limited.headers["retry-after"]) >= 1


def test_x_forwarded_for_is_ignored_unless_a_proxy_is_trusted(built_index, encoders):
    """Spoofed headers from one peer all land in that peer's one bucket."""
    limited = client_for(built_index, encoders, rate_limit_per_minute=3)
    codes = [
        limited.get("/search", params={"q": "choir"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
        for i in range(6)
    ]
    assert codes == [200, 200, 200, 429, 429, 429]


async def _record_client(scope, receive, send):
    scope["seen"] = scope["client"]


@pytest.mark.parametrize(
    ("trusted", "client", "forwarded", "seen"),
    [
        (["10.0.0.1"], ("10.0.0.1", 5000), b"203.0.113.9", ("203.0.113.9", 0)),  # a trusted proxy: believed
        (["10.0.0.1"], ("198.51.100.7", 5000), b"1.2.3.4", ("198.51.100.7", 5000)),  # anyone else: ignored
        ([], ("1.2.3.4", 0), b"1.2.3.4", ("forwarded-unverified", 0)),  # rewritten by uvicorn, not trusted: one bucket
        (["127.0.0.1"], ("1.2.3.4", 0), b"1.2.3.4", ("1.2.3.4", 0)),  # rewritten by uvicorn for a trusted loopback
    ],
)
def test_client_address(trusted, client, forwarded, seen):
    scope = {"type": "http", "client": client, "headers": [(b"x-forwarded-for", forwarded)]}
    # its own thread: a session's Playwright (browser tests) keeps an event loop running in this one
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, ClientAddress(_record_client, trusted)(scope, None, None)).result()
    assert scope["seen"] == seen


# row 15
def test_trailing_slash_is_not_redirected_to_the_host_header(client):
    response = client.get("/practices/x/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert "location" not in response.headers
    error_of(response, 404)


# row 16
def test_cors_preflight_refusal_is_json(built_index, encoders):
    cors = client_for(built_index, encoders, cors_origins="https://city.example")
    response = cors.options(
        "/search", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert error_of(response, 400)["detail"] == "Disallowed CORS origin"


def test_range_errors_are_json(client):
    response = client.get("/widget.css", headers={"Range": "bytes=999999999-"})  # a file served as it is
    assert error_of(response, 416)["detail"]
    malformed = client.get("/widget.css", headers={"Range": "bytes=oops"})
    assert malformed.status_code in (200, 400)
    if malformed.status_code == 400:
        error_of(malformed, 400)


def test_error_bodies_stay_json_for_every_route(client):
    """The whole shape once: a 404, a 405 and a 422 are all {"detail", "errors"} JSON."""
    for response in (client.get("/nope"), client.put("/healthz"), client.get("/search", params={"limit": "x"})):
        assert json.loads(response.content).keys() == {"detail", "errors"}
