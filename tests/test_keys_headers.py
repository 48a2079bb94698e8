"""Admin keys (length, never logged, reads need none), CORS allow-list, CSP and nosniff, errors without internals."""

import json
import os
import subprocess

import httpx
import pytest
from fastapi.testclient import TestClient
from live_server import ROOT, LiveServer, uvicorn_command

from search_service.app import build_app
from settings import Settings

KEY = "adm1n-" + "q7" * 20
OTHER_KEY = "n0t-the-key-" + "z" * 30
ORIGIN = "https://www.city.example"


@pytest.fixture(scope="module")
def client(built_index, encoders) -> TestClient:
    settings = built_index.model_copy(update={"admin_keys": KEY, "cors_origins": ORIGIN, "rate_limit_per_minute": 0})
    return TestClient(build_app(settings, encoders), raise_server_exceptions=False)


@pytest.mark.slow  # starts a service process
def test_short_admin_key_refuses_start_without_echoing_it(tmp_path):
    short = "only-twenty-chars-ok"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PRACTICE_SEARCH_ADMIN_KEYS": f"{KEY},{short}"}
    done = subprocess.run(
        uvicorn_command(0),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1
    reasons = [line for line in output.splitlines() if "cannot start" in line]
    assert reasons == [
        "search_service: cannot start: PRACTICE_SEARCH_ADMIN_KEYS: "
        "admin key 2 has 20 characters; at least 32 are needed"
    ]
    assert short not in output and KEY not in output and "Traceback" not in output


def test_settings_never_show_keys():
    settings = Settings(admin_keys=KEY)
    assert KEY not in repr(settings) and KEY not in str(settings)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/search", {"q": "youth"}),
        ("/facets", {}),
        ("/practices/immigrants-council-stavanger", {}),
        ("/practices/immigrants-council-stavanger/similar", {}),
        ("/healthz", {}),
        ("/readyz", {}),
    ],
)
def test_public_reads_need_no_key(client, path, params):
    assert client.get(path, params=params).status_code == 200


def test_admin_routes_need_the_key(client):
    assert client.post("/admin/reload").status_code == 401
    assert client.post("/admin/reload", headers={"X-API-Key": OTHER_KEY}).status_code == 403
    assert client.delete("/practices/immigrants-council-stavanger", headers={"X-API-Key": KEY[:-1]}).status_code == 403
    assert client.post("/admin/reload", headers={"X-API-Key": KEY}).status_code == 200


@pytest.mark.slow  # starts a service process
def test_keys_never_reach_the_log(index_copy, tmp_path):
    """Right and wrong keys, on writes and reloads, with access logging on: neither key is in the output."""
    record = json.loads(index_copy.data.read_text(encoding="utf-8").splitlines()[0])
    with LiveServer(
        index_copy.index, index_copy.data, tmp_path / "server.log", PRACTICE_SEARCH_ADMIN_KEYS=KEY
    ) as server:
        for key, expected in ((KEY, 200), (OTHER_KEY, 403)):
            headers = {"X-API-Key": key}
            assert httpx.post(server.base + "/admin/reload", headers=headers, timeout=60).status_code == expected
            saved = httpx.put(server.base + f"/practices/{record['id']}", json=record, headers=headers, timeout=120)
            assert saved.status_code == expected
        log = server.log()
    assert "PUT /practices/" in log  # the access log was on
    assert KEY not in log and OTHER_KEY not in log


def test_cors_only_for_configured_origins(client):
    allowed = client.get("/search", params={"q": "youth"}, headers={"Origin": ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    other = client.get("/search", params={"q": "youth"}, headers={"Origin": "https://evil.example"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = client.options("/similar", headers={"Origin": ORIGIN, **preflight})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == ORIGIN
    refused = client.options("/similar", headers={"Origin": "https://evil.example", **preflight})
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    # admin methods are never offered cross-origin
    admin = client.options("/practices/x", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"})
    assert admin.status_code == 400


def test_no_cors_without_configured_origins(built_index, encoders):
    plain = TestClient(build_app(built_index, encoders))
    response = plain.get("/search", params={"q": "youth"}, headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in response.headers


def test_demo_page_forbids_inline_script(client):
    page = client.get("/")
    assert page.status_code == 200
    directives = dict(d.strip().split(" ", 1) for d in page.headers["content-security-policy"].split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives.get("default-src", "")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text and " on" not in page.text.split("<body", 1)[1].split(">", 1)[0]


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/search", {"params": {"q": "youth"}}),
        ("GET", "/no-such-route", {}),
        ("GET", "/practices/no-such-practice", {}),
        ("GET", "/search", {"params": {"limit": "many"}}),
        ("POST", "/search", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}),
        ("PATCH", "/search", {}),
        ("GET", "/widget.js", {}),
    ],
)
def test_every_answer_says_nosniff_and_errors_are_json(client, method, path, kwargs):
    response = client.request(method, path, **kwargs)
    assert response.headers["x-content-type-options"] == "nosniff"
    if response.status_code >= 400:
        assert set(response.json()) == {"detail", "errors"}


def test_internal_errors_show_no_stack_trace_or_path(built_index, encoders, caplog):
    broken = TestClient(build_app(built_index, encoders), raise_server_exceptions=False)

    def fail(*args, **kwargs):
        raise RuntimeError(f"boom in {ROOT}/ranking/engine.py line 42")

    broken.app.state.service.engine.search = fail
    response = broken.get("/search", params={"q": "youth"})
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error; the request was not completed", "errors": []}
    assert "boom" in caplog.text  # the operator's log has it; the client does not
