"""Reliability round two against a real uvicorn process (issue 12 rows 1, 8, 12, 14): a burst of hostile
pastes leaves search answered and memory bounded; a 413 closes the connection; X-Forwarded-For from
loopback is not believed; secrets in URLs never reach the access log."""

import random
import socket
import string
import threading
import time
from pathlib import Path

import httpx
import pytest
from live_server import LiveServer

from ranking.lexicon import is_real_word
from ranking.typos import MAX_CORRECTIONS, TypoCorrector

KEY = "l" * 40
pytestmark = pytest.mark.slow


def junk(seed: int, chars: int = 5000) -> str:
    rng = random.Random(seed)
    return " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(6, 12))) for _ in range(800))[
        :chars
    ]


def rss_mib(pid: int) -> float:
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


@pytest.fixture(scope="module")
def server(built_index, tmp_path_factory):
    log = tmp_path_factory.mktemp("live") / "server.log"
    with LiveServer(
        built_index.index,
        built_index.data,
        log,
        PRACTICE_SEARCH_ADMIN_KEYS=KEY,
        PRACTICE_SEARCH_RATE_LIMIT_PER_MINUTE="600",
    ) as live:
        httpx.get(live.base + "/search", params={"q": "choir"}, timeout=120)  # warm: first queries load lazily
        yield live


# row 1
def test_typo_correction_work_is_bounded_whatever_the_text():
    vocabulary = {f"{a}{b}word{c}": 3 for a in string.ascii_lowercase for b in string.ascii_lowercase for c in "xyz"}
    corrector = TypoCorrector(vocabulary)
    is_real_word("warm")  # the word lists load once per process (the service loads them at start-up)
    for text in (junk(1), "q" * 5000):
        t0 = time.perf_counter()
        assert corrector.correct(text) == (text, [])  # pasted paragraphs and giant tokens are never corrected
        assert time.perf_counter() - t0 < 0.5  # difflib took ~3 s of CPU on such a text
    query = " ".join(f"{a}bwordq" for a in "cdefghij")  # eight unknown words, each one edit from a real one
    _, corrections = corrector.correct(query)
    assert len(corrections) == MAX_CORRECTIONS


def test_a_burst_of_hostile_pastes_leaves_search_answered_and_memory_bounded(server):
    base, pid = server.base, server.pid
    httpx.get(base + "/search", params={"q": "choir"})
    before = rss_mib(pid)
    codes, searches, peak = [], [], [before]
    texts = [junk(100 + i) for i in range(24)]

    def paste(text: str) -> None:
        response = httpx.post(base + "/similar", json={"text": text, "limit": 5}, timeout=60)
        codes.append(response.status_code)
        if response.status_code == 503:
            assert response.headers["retry-after"] == "2"

    threads = [threading.Thread(target=paste, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for _ in range(4):
        time.sleep(0.5)
        t0 = time.perf_counter()
        searches.append(
            (
                httpx.get(base + "/search", params={"q": "roma school mediators"}, timeout=60).status_code,
                time.perf_counter() - t0,
            )
        )
        peak.append(rss_mib(pid))
    for t in threads:
        t.join()
    # pastes wait in line for a core; those that would wait too long are told to retry, quickly
    assert set(codes) <= {200, 503} and codes.count(200) >= 4, codes
    assert all(code == 200 for code, _ in searches)
    assert max(s for _, s in searches) < 8, searches  # answered during the burst, not after it
    assert max(peak) - before < 400, (before, peak)  # the issue measured +1.35 GB


# row 8
def test_a_413_closes_the_connection(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /similar HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 50000000000\r\n\r\n"
        )
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 413")
        assert b"connection: close" in answer.lower()
        sent, t0 = 0, time.monotonic()
        closed = False
        try:
            while time.monotonic() - t0 < 5 and sent < 200_000_000:
                sock.sendall(b"x" * 65536)
                sent += 65536
        except OSError:  # reset or broken pipe: the server stopped reading
            closed = True
        if not closed:
            sock.settimeout(2)
            try:
                closed = sock.recv(1) == b""
            except OSError:
                closed = True
        assert closed, f"the server kept reading after its 413 ({sent} bytes sent)"


def test_a_chunked_body_over_the_limit_is_413_and_closes(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /similar HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 32768
        try:
            for _ in range(8):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 413")
        assert b"connection: close" in answer.lower()


# row 12
def test_spoofed_x_forwarded_for_from_loopback_shares_one_bucket(built_index, tmp_path):
    with LiveServer(
        built_index.index,
        built_index.data,
        tmp_path / "server.log",
        PRACTICE_SEARCH_RATE_LIMIT_PER_MINUTE="5",
        PRACTICE_SEARCH_REQUEST_TIMEOUT_S="120",
    ) as live:
        codes = [
            httpx.get(
                live.base + "/search", params={"q": "choir"}, timeout=120, headers={"X-Forwarded-For": f"203.0.113.{i}"}
            ).status_code
            for i in range(10)
        ]
    assert codes[:5] == [200] * 5 and codes[5:] == [429] * 5


def test_wrong_admin_keys_are_limited(server):
    codes = [
        httpx.post(server.base + "/admin/reload", headers={"X-API-Key": f"{i:040d}"}).status_code for i in range(30)
    ]
    assert codes[:10] == [403] * 10 and set(codes[10:]) == {429}


# row 14
def test_keys_in_urls_are_redacted_from_the_access_log(server):
    httpx.get(server.base + "/healthz", params={"X-API-Key": "secret-" + "s" * 33, "q": "kept"})
    time.sleep(0.3)
    log = server.log()
    assert "secret-sss" not in log
    assert "/healthz?X-API-Key=REDACTED&q=kept" in log


def test_metrics_stay_small_after_invented_methods(server):
    for i in range(200):
        httpx.request(f"Z{i:03d}", server.base + "/search")
    text = httpx.get(server.base + "/metrics").text
    assert "Z001" not in text and len(text) < 60_000  # uvicorn refuses most invented methods itself
