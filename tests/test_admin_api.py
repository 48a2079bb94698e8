"""Admin routes: keys, upsert and delete through the indexer, atomic engine swap, reload."""

import json

import pytest
from fastapi.testclient import TestClient

from indexer.corpus import load_corpus
from indexer.format import faiss_file
from search_service.app import build_app

KEY = "k" * 40


@pytest.fixture
def admin(index_copy, encoders):
    settings = index_copy.model_copy(update={"admin_keys": f"{'x' * 32},{KEY}"})
    return TestClient(build_app(settings, encoders)), settings


def new_record(**changes) -> dict:
    with open("data/practices.jsonl", encoding="utf-8") as fh:
        base = json.loads(fh.readlines()[200])
    base.pop("id")
    return {**base, **changes}


def test_admin_routes_are_off_without_keys(index_copy, encoders):
    client = TestClient(build_app(index_copy, encoders))
    assert client.delete("/practices/anything").status_code == 404
    assert client.post("/admin/reload").status_code == 404
    assert "PRACTICE_SEARCH_ADMIN_KEYS" in client.put("/practices/x", json={}).json()["detail"]


def test_missing_and_wrong_keys(admin):
    client, _ = admin
    assert client.post("/admin/reload").status_code == 401
    assert client.post("/admin/reload", headers={"X-API-Key": "y" * 40}).status_code == 403
    assert client.post("/admin/reload", headers={"X-API-Key": KEY}).status_code == 200


def test_upsert_then_search_then_delete(admin):
    client, settings = admin
    before = client.get("/readyz").json()
    record = new_record(title="Harbour choir of newcomers", purpose="To sing sea shanties with newcomers.")
    saved = client.put("/practices/harbour-choir-test", json=record, headers={"X-API-Key": KEY})
    assert saved.status_code == 200, saved.text
    assert saved.json()["build_id"] != before["build_id"]
    hits = client.get("/search", params={"q": "sea shanties choir", "limit": 3}).json()["results"]
    assert hits[0]["id"] == "harbour-choir-test"
    assert "harbour-choir-test" in {p.id for p in load_corpus(settings.data)}

    gone = client.delete("/practices/harbour-choir-test", headers={"X-API-Key": KEY})
    assert gone.status_code == 200
    assert client.get("/practices/harbour-choir-test").status_code == 404
    assert "harbour-choir-test" not in {p.id for p in load_corpus(settings.data)}
    assert client.delete("/practices/harbour-choir-test", headers={"X-API-Key": KEY}).status_code == 404


def test_invalid_upsert_changes_nothing(admin):
    client, settings = admin
    before = settings.data.read_bytes()
    bad = client.put("/practices/bad-one", json=new_record(topics=["Knitting"]), headers={"X-API-Key": KEY})
    assert bad.status_code == 422 and "topics" in bad.json()["detail"]
    mismatch = client.put("/practices/a", json={**new_record(), "id": "b"}, headers={"X-API-Key": KEY})
    assert mismatch.status_code == 422
    assert settings.data.read_bytes() == before


def test_reload_of_a_bad_index_keeps_serving(admin):
    client, settings = admin
    build = next((settings.index / "builds").iterdir())
    faiss_file(build, "minilm").write_bytes(b"broken")
    response = client.post("/admin/reload", headers={"X-API-Key": KEY})
    assert response.status_code == 409 and "previous index still serving" in response.json()["detail"]
    assert client.get("/search", params={"q": "council"}).status_code == 200
