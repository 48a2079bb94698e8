"""Reliability round two, admin and CLI writes (issue 12 rows 2, 3, 9, 11): a missing or foreign corpus file
is refused before anything changes; a full disk answers 507 and leaves the corpus as it was; start-up on
a full disk serves the intact build; the corpus file keeps its mode."""

import errno
import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from disk_faults import fill
from fastapi.testclient import TestClient
from live_server import LiveServer

from indexer import format as fmt
from indexer.corpus import load_corpus
from indexer.store import current_build
from indexer.updates import PENDING, CorpusMismatch, resume_pending, upsert_practices
from search_service.app import build_app

KEY = "w" * 40


def new_record() -> dict:
    """A real practice of the shipped corpus that the 12-practice test index does not hold."""
    with open("data/practices.jsonl", encoding="utf-8") as fh:
        record = json.loads(fh.readlines()[200])
    return {k: v for k, v in record.items() if k != "id"}


def admin_client(settings, encoders) -> TestClient:
    return TestClient(
        build_app(settings.model_copy(update={"admin_keys": KEY, "request_timeout_s": 300}), encoders),
        raise_server_exceptions=False,
    )


def state_of(settings) -> tuple[str, bytes | None, bool]:
    """What a refused write must leave untouched: the current build, the corpus bytes, no PENDING marker."""
    data = Path(settings.data)
    return (
        current_build(settings.index).name,
        data.read_bytes() if data.exists() else None,
        (settings.index / PENDING).exists(),
    )


def leftovers(settings) -> list[str]:
    return sorted(p.name for p in Path(settings.data).parent.glob(".practices.jsonl.*"))


# row 2
def test_a_missing_corpus_file_refuses_the_write_and_the_index_keeps_its_practices(index_copy, encoders):
    admin = admin_client(index_copy, encoders)
    before = admin.get("/readyz").json()["practices"]
    Path(index_copy.data).unlink()
    snapshot = state_of(index_copy)
    response = admin.put("/practices/rel-new", json=new_record(), headers={"X-API-Key": KEY})
    assert response.status_code == 409, response.text
    assert "corpus file (PRACTICE_SEARCH_DATA) does not exist" in response.json()["detail"]
    assert str(index_copy.data) not in response.json()["detail"]
    assert admin.get("/readyz").json()["practices"] == before
    assert state_of(index_copy) == snapshot
    deleted = admin.delete(
        f"/practices/{load_corpus(current_build(index_copy.index) / fmt.PRACTICES)[0].id}", headers={"X-API-Key": KEY}
    )
    assert deleted.status_code == 409, deleted.text
    assert state_of(index_copy) == snapshot


def test_a_corpus_file_other_than_the_builds_refuses_the_write(index_copy, encoders):
    practices = load_corpus(index_copy.data)
    Path(index_copy.data).write_text(practices[0].model_dump_json() + "\n", encoding="utf-8")
    snapshot = state_of(index_copy)
    with pytest.raises(CorpusMismatch, match="differs from the one the serving build was made from"):
        upsert_practices(index_copy, [new_record() | {"id": "rel-new"}], encoders=encoders)
    assert state_of(index_copy) == snapshot


def test_a_pending_edit_of_another_corpus_file_is_never_resumed_from_this_one(index_copy, encoders, tmp_path):
    (index_copy.index / PENDING).write_text(str(tmp_path / "elsewhere.jsonl"))
    build = current_build(index_copy.index).name
    with pytest.raises(CorpusMismatch, match="another corpus file"):
        resume_pending(index_copy, encoders=encoders)
    assert current_build(index_copy.index).name == build


# row 3 (injected)
def test_disk_full_while_building_answers_507_and_rolls_the_corpus_back(index_copy, encoders, monkeypatch):
    admin = admin_client(index_copy, encoders)
    snapshot = state_of(index_copy)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fmt, "write_arrays", full)
    response = admin.put("/practices/rel-new", json=new_record(), headers={"X-API-Key": KEY})
    assert response.status_code == 507, response.text
    assert response.json()["detail"] == "no space left on the disk of the index or the corpus; nothing was changed"
    assert state_of(index_copy) == snapshot
    assert leftovers(index_copy) == []
    assert admin.get("/practices/rel-new").status_code == 404


def test_a_read_only_index_directory_answers_503(index_copy, encoders, monkeypatch):
    admin = admin_client(index_copy, encoders)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(fmt, "write_arrays", read_only)
    response = admin.put("/practices/rel-new", json=new_record(), headers={"X-API-Key": KEY})
    assert response.status_code == 503, response.text
    assert "not writable" in response.json()["detail"]


# row 3 (a real full disk: a small tmpfs)
@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({done.stderr.decode().strip() or done.returncode}); "
            "the injected ENOSPC tests cover the same path"
        )
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def on_disk(index_copy, disk: Path):
    shutil.copytree(index_copy.index, disk / "index")
    shutil.copyfile(index_copy.data, disk / "practices.jsonl")
    return index_copy.model_copy(update={"index": disk / "index", "data": disk / "practices.jsonl"})


def test_a_full_tmpfs_answers_507_and_changes_nothing(index_copy, encoders, small_disk):
    settings = on_disk(index_copy, small_disk)
    admin = admin_client(settings, encoders)
    fill(small_disk)
    snapshot = state_of(settings)
    response = admin.put("/practices/rel-new", json=new_record(), headers={"X-API-Key": KEY})
    assert response.status_code == 507, response.text
    assert state_of(settings) == snapshot
    assert admin.get("/search", params={"q": "choir"}).status_code == 200


def test_start_up_on_a_full_disk_serves_the_intact_build_and_says_why_the_edit_waits(index_copy, small_disk, tmp_path):
    settings = on_disk(index_copy, small_disk)
    practices = load_corpus(settings.data)
    # what a crash after the acknowledged corpus write leaves: the corpus ahead of the build, and the marker
    extra = json.loads(practices[0].model_dump_json()) | {"id": "rel-pending", "title": "Pending practice"}
    with open(settings.data, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(extra) + "\n")
    (settings.index / PENDING).write_text(str(Path(settings.data).resolve()))
    filler = fill(small_disk)
    log = tmp_path / "server.log"
    with LiveServer(settings.index, settings.data, log, PRACTICE_SEARCH_REQUEST_TIMEOUT_S="120") as server:
        assert httpx.get(server.base + "/readyz", timeout=60).json()["practices"] == len(practices)
        assert httpx.get(server.base + "/search", params={"q": "choir"}, timeout=120).status_code == 200
    text = log.read_text()
    assert (
        "search_service: warning: a pending index edit was not applied (No space left on device); "
        "serving the current build"
    ) in text
    assert "Traceback" not in text
    filler.unlink()
    with LiveServer(settings.index, settings.data, log) as server:  # space again: the edit is finished
        assert httpx.get(server.base + "/readyz", timeout=60).json()["practices"] == len(practices) + 1
    assert not (settings.index / PENDING).exists()


# row 9
@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_the_corpus_file_keeps_its_mode(index_copy, encoders, mode):
    os.chmod(index_copy.data, mode)
    upsert_practices(index_copy, [new_record() | {"id": "rel-new"}], encoders=encoders)
    assert os.stat(index_copy.data).st_mode & 0o777 == mode
