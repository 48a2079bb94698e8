"""SIGKILL in the middle of writing: the service during an upsert, the indexer during a build.

After a restart the index is the last complete state and matches a valid corpus file, no acknowledged
write is lost, and no temporary file is left behind.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import ids_of
from live_server import ROOT, LiveServer

from indexer.corpus import load_corpus
from indexer.format import sha256_file
from indexer.index import Index
from indexer.store import BUILDS, current_build
from indexer.updates import PENDING

KEY = "c" * 20 + "-crash-test-key-" + "5" * 8
pytestmark = pytest.mark.slow


def temp_build(index_dir: Path) -> bool:
    return any((index_dir / BUILDS).glob(".tmp-*"))


def wait_for_temp_build(index_dir: Path, still_running, timeout: float = 120) -> bool:
    """Poll until a build is being written (a .tmp- directory exists): the moment to kill."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and still_running():
        if temp_build(index_dir):
            return True
        time.sleep(0.002)
    return False


def leftovers(settings) -> list[str]:
    """Anything a crash could leave: temp builds, atomic-write temp files, the edit-in-flight marker."""
    found = [
        *(settings.index / BUILDS).glob(".tmp-*"),
        *settings.index.glob("*.tmp"),
        *settings.data.parent.glob("*.tmp"),
        *settings.index.glob(PENDING),
    ]
    return sorted(str(p) for p in found)


def assert_consistent(settings, encoders) -> Index:
    """The current build loads, was made from exactly the corpus file, and the corpus is valid."""
    corpus = load_corpus(settings.data)
    index = Index.load(settings.index, ids_of(encoders))
    assert index.manifest["corpus"]["sha256"] == sha256_file(settings.data)
    assert [p.id for p in index.practices] == [p.id for p in corpus]
    return index


def record(n: int) -> dict:
    with open(ROOT / "data" / "practices.jsonl", encoding="utf-8") as fh:
        raw = json.loads(fh.readlines()[100 + n])
    raw.pop("id")
    return {**raw, "title": f"Crash test practice {n}"}


def test_service_killed_during_an_upsert(index_copy, encoders, tmp_path):
    log = tmp_path / "server.log"
    acknowledged: list[str] = []
    killed_mid_build = False
    server = LiveServer(index_copy.index, index_copy.data, log, PRACTICE_SEARCH_ADMIN_KEYS=KEY).start()
    try:
        saved = httpx.put(server.base + "/practices/crash-0", json=record(0), headers={"X-API-Key": KEY}, timeout=120)
        assert saved.status_code == 200
        acknowledged.append("crash-0")
        for n in range(1, 5):  # a few tries: a kill must land while a build is being written
            outcome: dict[str, int] = {}

            def put(n=n, outcome=outcome) -> None:
                try:
                    response = httpx.put(
                        server.base + f"/practices/crash-{n}", json=record(n), headers={"X-API-Key": KEY}, timeout=120
                    )
                    outcome["status"] = response.status_code
                except httpx.TransportError:
                    outcome["status"] = -1  # the server died under it: not acknowledged

            writer = threading.Thread(target=put)
            writer.start()
            if wait_for_temp_build(index_copy.index, writer.is_alive):
                server.kill()
                killed_mid_build = True
            writer.join(130)
            if outcome.get("status") == 200:
                acknowledged.append(f"crash-{n}")
            if killed_mid_build:
                break
    finally:
        server.kill()
    assert killed_mid_build
    assert temp_build(index_copy.index) and (index_copy.index / PENDING).exists()  # a real crash happened

    with LiveServer(index_copy.index, index_copy.data, log) as restarted:
        ready = httpx.get(restarted.base + "/readyz").json()
        found = {pid: httpx.get(restarted.base + f"/practices/{pid}").status_code for pid in acknowledged}
    index = assert_consistent(index_copy, encoders)
    assert found == dict.fromkeys(acknowledged, 200)
    assert ready["build_id"] == index.build_id and ready["practices"] == len(index.practices)
    assert leftovers(index_copy) == []


def test_indexer_killed_during_a_build(index_copy, encoders):
    before = Index.load(index_copy.index, ids_of(encoders)).build_id
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [
        sys.executable,
        "-m",
        "indexer",
        "build",
        "--data",
        str(index_copy.data),
        "--out",
        str(index_copy.index),
        "--no-cache",
    ]
    build = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for_temp_build(index_copy.index, lambda: build.poll() is None), "the build ended before the kill"
        build.send_signal(signal.SIGKILL)
    finally:
        build.kill()
        build.wait(10)
    assert temp_build(index_copy.index)
    assert current_build(index_copy.index).name == before  # still the last complete build
    assert assert_consistent(index_copy, encoders).build_id == before

    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert assert_consistent(index_copy, encoders).build_id != before
    assert leftovers(index_copy) == []
