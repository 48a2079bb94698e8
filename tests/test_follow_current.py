"""A worker picks up a build that another process made current, without a restart or a reload call."""

import logging
import time

import pytest
from fastapi.testclient import TestClient

from indexer.corpus import load_corpus
from indexer.format import faiss_file
from indexer.updates import delete_practices
from search_service.app import build_app


def wait_for_build(client: TestClient, build_id: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/readyz").json()["build_id"] == build_id:
            return True
        time.sleep(0.1)
    return False


def wait_for_log(client: TestClient, caplog, text: str, timeout: float = 30) -> bool:
    """Keep requesting (a request is what makes a worker look at CURRENT) until the log says `text`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        client.get("/readyz")
        if text in caplog.text:
            return True
        time.sleep(0.1)
    return False


def test_a_build_switched_by_another_process_is_followed(index_copy, encoders):
    client = TestClient(build_app(index_copy.model_copy(update={"follow_interval_s": 0.05}), encoders))
    gone = load_corpus(index_copy.data)[0].id
    assert client.get(f"/practices/{gone}").status_code == 200
    new_build = delete_practices(index_copy, [gone], encoders=encoders)  # as the CLI or another worker would
    assert wait_for_build(client, new_build)
    assert client.get(f"/practices/{gone}").status_code == 404


@pytest.mark.slow  # two rebuilds, one of them without a usable cache
def test_a_broken_build_made_current_elsewhere_is_refused_and_the_old_one_serves(index_copy, encoders, caplog):
    caplog.set_level(logging.WARNING, logger="search_service")
    client = TestClient(build_app(index_copy.model_copy(update={"follow_interval_s": 0.05}), encoders))
    before = client.get("/readyz").json()["build_id"]
    practices = load_corpus(index_copy.data)
    broken = delete_practices(index_copy, [practices[0].id], encoders=encoders)
    faiss_file(index_copy.index / "builds" / broken, "minilm").write_bytes(b"truncated")
    # it did look at the broken build, tried to load it and refused it (not merely: it never looked)
    assert wait_for_log(client, caplog, f"index build {broken} not loaded, previous index still serving")
    assert "vectors.faiss" in caplog.text
    assert client.get("/readyz").json()["build_id"] == before
    assert client.get("/search", params={"q": "council"}).status_code == 200
    # and it keeps following: the next good build is taken up
    repaired = delete_practices(index_copy, [practices[1].id], encoders=encoders)
    assert wait_for_build(client, repaired)


def test_following_is_off_with_interval_zero(index_copy, encoders):
    client = TestClient(build_app(index_copy.model_copy(update={"follow_interval_s": 0}), encoders))
    before = client.get("/readyz").json()["build_id"]
    delete_practices(index_copy, [load_corpus(index_copy.data)[0].id], encoders=encoders)
    for _ in range(5):
        assert client.get("/search", params={"q": "council"}).status_code == 200
        time.sleep(0.1)
    assert client.get("/readyz").json()["build_id"] == before
