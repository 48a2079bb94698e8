"""A bad index on disk: the service refuses to start with one line; a reload of one keeps the previous index serving."""

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from live_server import LiveServer

import search_service.app
from indexer.format import BM25, MANIFEST, faiss_file
from indexer.store import BUILDS, POINTER, current_build
from search_service.app import build_app, create_app

KEY = "r" * 40


def truncate_faiss(build: Path) -> None:
    file = faiss_file(build, "minilm")
    file.write_bytes(file.read_bytes()[: file.stat().st_size // 3])


def manifest_for_another_model(build: Path) -> None:
    manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    manifest["encoders"][0]["id"] = "sentence-transformers/all-mpnet-base-v2@0123456789ab"
    (build / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def remove_bm25(build: Path) -> None:
    shutil.rmtree(build / BM25)


CORRUPTIONS = [truncate_faiss, manifest_for_another_model, remove_bm25]


@pytest.mark.parametrize("corrupt", CORRUPTIONS)
def test_refuses_to_start_with_one_line(index_copy, encoders, monkeypatch, capsys, corrupt):
    corrupt(current_build(index_copy.index))
    monkeypatch.setattr(search_service.app, "load_encoders", lambda settings: encoders)  # skip the model load
    with pytest.raises(SystemExit) as exit_:
        create_app(index_copy)
    assert exit_.value.code == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("search_service: cannot start: "), lines
    assert "rebuild with `indexer build`" in lines[0]


@pytest.mark.slow  # starts a service process
def test_real_server_exits_1_without_a_traceback(index_copy, tmp_path):
    truncate_faiss(current_build(index_copy.index))
    server = LiveServer(index_copy.index, index_copy.data, tmp_path / "server.log")
    with pytest.raises(AssertionError, match="service exited 1"):
        server.start()
    reasons = [line for line in server.log().splitlines() if "cannot start" in line]
    assert len(reasons) == 1 and "vectors.faiss" in reasons[0]
    assert "Traceback" not in server.log()


def point_at_bad_copy(index_dir: Path, corrupt) -> None:
    """A new build appears and CURRENT switches to it, as after an index swap, but the build is bad."""
    good = current_build(index_dir)
    bad = index_dir / BUILDS / "20990101T000000000000Z-badbuild"
    shutil.copytree(good, bad)
    corrupt(bad)
    (index_dir / POINTER).write_text(bad.name + "\n", encoding="utf-8")


@pytest.mark.parametrize("corrupt", CORRUPTIONS)
def test_reload_of_a_bad_index_keeps_the_previous_one_serving(index_copy, encoders, corrupt):
    client = TestClient(build_app(index_copy.model_copy(update={"admin_keys": KEY}), encoders))
    before = client.get("/readyz").json()
    point_at_bad_copy(index_copy.index, corrupt)

    refused = client.post("/admin/reload", headers={"X-API-Key": KEY})
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("index not reloaded, previous index still serving: ")
    assert client.get("/readyz").json() == before
    hits = client.get("/search", params={"q": "immigrant council", "limit": 3})
    assert hits.status_code == 200 and hits.json()["results"]
