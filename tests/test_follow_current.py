"""A worker picks up a build that another process made current, without a restart or a reload call."""

import time

from fastapi.testclient import TestClient

from indexer.corpus import load_corpus
from indexer.updates import delete_practices
from search_service.app import build_app


def wait_for_build(client: TestClient, build_id: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/readyz").json()["build_id"] == build_id:
            return True
        time.sleep(0.1)
    return False


def test_a_build_switched_by_another_process_is_followed(index_copy, encoder):
    client = TestClient(build_app(index_copy.model_copy(update={"follow_interval_s": 0.05}), encoder))
    gone = load_corpus(index_copy.data)[0].id
    assert client.get(f"/practices/{gone}").status_code == 200
    new_build = delete_practices(index_copy, [gone], encoder=encoder)  # as the CLI or another worker would
    assert wait_for_build(client, new_build)
    assert client.get(f"/practices/{gone}").status_code == 404


def test_a_broken_build_made_current_elsewhere_is_refused_and_the_old_one_serves(index_copy, encoder):
    client = TestClient(build_app(index_copy.model_copy(update={"follow_interval_s": 0.05}), encoder))
    before = client.get("/readyz").json()["build_id"]
    new_build = delete_practices(index_copy, [load_corpus(index_copy.data)[0].id], encoder=encoder)
    (index_copy.index / "builds" / new_build / "vectors.faiss").write_bytes(b"truncated")
    assert not wait_for_build(client, new_build, timeout=2)
    assert client.get("/readyz").json()["build_id"] == before
    assert client.get("/search", params={"q": "council"}).status_code == 200


def test_following_is_off_with_interval_zero(index_copy, encoder):
    client = TestClient(build_app(index_copy.model_copy(update={"follow_interval_s": 0}), encoder))
    before = client.get("/readyz").json()["build_id"]
    delete_practices(index_copy, [load_corpus(index_copy.data)[0].id], encoder=encoder)
    for _ in range(5):
        assert client.get("/search", params={"q": "council"}).status_code == 200
        time.sleep(0.1)
    assert client.get("/readyz").json()["build_id"] == before
