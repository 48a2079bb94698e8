"""The real server: uvicorn with the factory, on 127.0.0.1 and a free port, as deployments run it."""

import httpx
import pytest
from live_server import LiveServer

pytestmark = pytest.mark.slow  # each test starts a service process (two model loads)


def test_search_over_real_http(index_copy, tmp_path):
    with LiveServer(index_copy.index, index_copy.data, tmp_path / "server.log") as server:
        body = httpx.get(server.base + "/search", params={"q": "immigrant council", "limit": 3}).json()
        assert body["results"] and body["results"][0]["id"] == "immigrants-council-stavanger"
        assert httpx.get(server.base + "/practices/immigrants-council-stavanger").status_code == 200
        assert httpx.get(server.base + "/search", params={"q": "a", "limit": 0}).status_code == 422


def test_refuses_to_start_without_an_index(tmp_path, index_copy):
    server = LiveServer(tmp_path / "nothing-here", index_copy.data, tmp_path / "server.log")
    with pytest.raises(AssertionError, match="service exited 1"):
        server.start()
    out = server.log()
    reason = [line for line in out.splitlines() if "cannot start" in line]
    assert len(reason) == 1 and "indexer build" in reason[0]
    assert "Traceback" not in out
