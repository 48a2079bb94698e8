"""The real server: uvicorn with the factory, on 127.0.0.1 and a free port, as deployments run it."""

import os
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(settings, **env):
    port = free_port()
    environ = {**os.environ, "HF_HUB_OFFLINE": "1", "PRACTICE_SEARCH_INDEX": str(settings.index),
               "PRACTICE_SEARCH_DATA": str(settings.data), **env}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "search_service.app:create_app", "--factory",
                             "--host", "127.0.0.1", "--port", str(port)], env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(proc, base: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError("service not ready in time")


def test_search_over_real_http(index_copy):
    proc, base = start(index_copy)
    try:
        wait_ready(proc, base)
        body = httpx.get(base + "/search", params={"q": "immigrant council", "limit": 3}).json()
        assert body["results"] and body["results"][0]["id"] == "immigrants-council-stavanger"
        assert httpx.get(base + "/practices/immigrants-council-stavanger").status_code == 200
        assert httpx.get(base + "/search", params={"q": "a", "limit": 0}).status_code == 422
    finally:
        proc.terminate()
        proc.wait(10)


def test_refuses_to_start_without_an_index(tmp_path, index_copy):
    settings = index_copy.model_copy(update={"index": tmp_path / "nothing-here"})
    proc, _ = start(settings)
    out, _ = proc.communicate(timeout=90)
    assert proc.returncode == 1
    reason = [line for line in out.splitlines() if "cannot start" in line]
    assert len(reason) == 1 and "indexer build" in reason[0]
    assert "Traceback" not in out
