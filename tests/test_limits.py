"""Limits: body size (413), query and page caps (422), slow clients (408), slow handlers (503), rate limit (429)."""

import contextlib
import json
import re
import socket
import time
import urllib.error
import urllib.request

import pytest
from fastapi.testclient import TestClient
from live_server import threaded_server

from search_service.app import build_app


def client_for(settings, encoders, **changes) -> TestClient:
    return TestClient(build_app(settings.model_copy(update=changes), encoders), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(built_index, encoders) -> TestClient:
    return client_for(built_index, encoders, rate_limit_per_minute=0)


def assert_error(response, status: int) -> None:
    assert response.status_code == status, response.text
    assert set(response.json()) == {"detail", "errors"}


def test_body_over_the_limit_is_413(client):
    assert_error(client.post("/similar", json={"text": "x" * 70_000}), 413)


def test_chunked_body_over_the_limit_is_413(client):
    """No Content-Length to refuse up front: the limit trips while the chunks arrive."""
    chunks = (b'{"text": "' + b"x" * 10_000 for _ in range(8))
    response = client.post("/similar", content=chunks, headers={"Content-Type": "application/json"})
    assert_error(response, 413)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/search", {"q": "x" * 501}),
        ("/search", {"q": "youth", "limit": 51}),
        ("/search", {"q": "youth", "limit": 0}),
        ("/search", {"q": "youth", "offset": 10_001}),
        ("/facets", {"q": "x" * 501}),
    ],
)
def test_query_and_page_caps_are_422(client, path, params):
    response = client.get(path, params=params)
    assert_error(response, 422)
    assert response.json()["errors"][0]["param"] in params


def test_pasted_text_cap_is_422(client):
    assert_error(client.post("/similar", json={"text": "word " * 1001}), 422)


def test_rate_limit_answers_429_with_retry_after(built_index, encoders):
    limited = client_for(built_index, encoders, rate_limit_per_minute=5)
    codes = [limited.get("/practices/immigrants-council-stavanger").status_code for _ in range(5)]
    refused = limited.get("/search", params={"q": "youth"})
    assert codes == [200] * 5
    assert_error(refused, 429)
    assert 1 <= int(refused.headers["retry-after"]) <= 12  # one token back at 5 a minute
    assert refused.headers["x-content-type-options"] == "nosniff"
    # monitors and operators are never limited
    assert [limited.get(p).status_code for p in ("/healthz", "/readyz", "/metrics")] == [200, 200, 200]


def test_rate_limit_zero_is_off(client):
    assert {client.get("/healthz").status_code} | {client.get("/facets").status_code for _ in range(30)} == {200}


def test_slow_handler_is_cut_off_with_503(built_index, encoders):
    slow = client_for(built_index, encoders, rate_limit_per_minute=0, request_timeout_s=0.2)
    engine = slow.app.state.service.engine

    def stuck(*args, **kwargs):
        time.sleep(1.5)
        raise AssertionError("the late answer must be dropped")

    engine.facets = stuck  # instance attribute: only this app's engine is slowed
    started = time.monotonic()
    response = slow.get("/facets")
    assert_error(response, 503)
    assert time.monotonic() - started < 1.2
    assert slow.get("/practices/immigrants-council-stavanger").status_code == 200


def read_rest(sock: socket.socket, reply: bytes) -> bytes:
    """The rest of a response whose first bytes arrived: the body may come in a later segment."""
    sock.settimeout(5)
    for _ in range(20):
        head, _, body = reply.partition(b"\r\n\r\n")
        length = re.search(rb"content-length: (\d+)", head, re.I)
        if length and len(body) >= int(length.group(1)):
            break
        chunk = sock.recv(65536)
        if not chunk:
            break
        reply += chunk
    return reply


def test_slow_body_is_cut_off_with_408(built_index, encoders):
    """A client that sends headers, then dribbles the body a byte at a time, is answered 408 on time."""
    app = build_app(built_index.model_copy(update={"body_timeout_s": 1.0, "rate_limit_per_minute": 0}), encoders)
    with threaded_server(app) as port, socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        body = b'{"q": "youth", "limit": 3}'
        sock.sendall(
            b"POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        started = time.monotonic()
        reply = b""
        for byte in body[:-1]:  # never the last byte: the body is never complete
            sock.sendall(bytes([byte]))
            sock.settimeout(0.25)
            with contextlib.suppress(TimeoutError):
                reply += sock.recv(65536)
            if reply:
                break
        elapsed = time.monotonic() - started
        reply = read_rest(sock, reply)
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b'"detail"' in reply and b"Traceback" not in reply
    assert 0.9 <= elapsed < 4


def test_a_client_that_sends_a_huge_body_before_reading_still_gets_413(built_index, encoders):
    """urllib writes the whole body before it reads: the 413 must not be lost to a broken pipe."""
    app = build_app(built_index.model_copy(update={"rate_limit_per_minute": 0}), encoders)
    request = urllib.request.Request(
        "http://127.0.0.1:{port}/similar",
        data=b'{"text": "' + b"x" * 3_000_000 + b'"}',
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with threaded_server(app) as port:
        request.full_url = request.full_url.format(port=port)
        for _ in range(3):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            assert refused.value.code == 413
            assert json.loads(refused.value.read())["errors"][0]["param"] == "body"


def test_a_declared_body_that_never_comes_is_408(built_index, encoders):
    app = build_app(built_index.model_copy(update={"body_timeout_s": 1.0, "rate_limit_per_minute": 0}), encoders)
    with threaded_server(app) as port, socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST /similar HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000000\r\n\r\n" + b"x" * 1000
        )
        reply = read_rest(sock, sock.recv(65536))
    assert reply.startswith(b"HTTP/1.1 408") and b'"detail"' in reply
