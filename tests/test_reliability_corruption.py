"""Reliability round two, damaged index files (issue 12 rows 4 and 6): same-size garbage and flipped bytes are
caught by the manifest's sha256, vectors must be unit length, a bad CURRENT or passage map is one line, a
reload keeps the old index, and a corrupted build never seeds the next one's embedding cache."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, ids_of
from fastapi.testclient import TestClient

from indexer import format as fmt
from indexer.build import build_index
from indexer.corpus import load_corpus
from indexer.format import IndexLoadError
from indexer.index import Index
from indexer.store import current_build
from search_service.app import build_app

KEY = "z" * 40


def build_dir(settings) -> Path:
    return current_build(settings.index)


def overwrite_same_size(path: Path, offset: int = 128) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(os.urandom(size - offset))


def flip_byte(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if at is None else at
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def reseal(build: Path) -> None:
    """Rewrite the manifest's file table over the current bytes: what a forger, or a buggy writer, would do."""
    manifest = json.loads((build / fmt.MANIFEST).read_text())
    manifest["files"] = fmt.file_table(build)
    (build / fmt.MANIFEST).write_text(json.dumps(manifest))


def damaged_files(build: Path) -> list[Path]:
    return [
        fmt.vectors_file(build, "minilm"),
        fmt.vectors_file(build, "e5"),
        fmt.faiss_file(build, "e5"),
        next((build / fmt.BM25).rglob("*.npy")),
        build / fmt.PASSAGE_PRACTICE,
    ]


@pytest.mark.parametrize("which", range(5))
@pytest.mark.parametrize("damage", [overwrite_same_size, flip_byte])
def test_same_size_damage_to_any_file_is_refused(index_copy, encoders, which, damage):
    build = build_dir(index_copy)
    target = damaged_files(build)[which]
    size = target.stat().st_size
    damage(target) if damage is flip_byte else damage(target, min(128, size // 2))
    assert target.stat().st_size == size
    with pytest.raises(IndexLoadError, match="does not match the sha256 its manifest records"):
        Index.load(index_copy.index, ids_of(encoders))


def test_vectors_that_are_not_unit_length_are_refused_even_with_a_resealed_manifest(index_copy, encoders):
    build = build_dir(index_copy)
    vectors = np.load(fmt.vectors_file(build, "e5"))
    vectors[3] *= 7.0  # cosines of 4.7-11.1 in the issue
    np.save(fmt.vectors_file(build, "e5"), vectors)
    reseal(build)
    with pytest.raises(IndexLoadError, match="not unit length"):
        Index.load(index_copy.index, ids_of(encoders))


def test_words_that_do_not_pair_with_their_vectors_are_refused_even_with_a_resealed_manifest(index_copy, encoders):
    words_file, _ = fmt.words_files(build_dir(index_copy), "e5")
    words_file.write_text(json.dumps([*json.loads(words_file.read_text(encoding="utf-8")), "extra"]), encoding="utf-8")
    reseal(build_dir(index_copy))
    with pytest.raises(IndexLoadError, match="do not pair words with unit vectors"):
        Index.load(index_copy.index, ids_of(encoders))


def test_a_corrupted_build_never_seeds_the_next_builds_embedding_cache(index_copy, encoders):
    clean = np.load(fmt.vectors_file(build_dir(index_copy), "minilm"))
    overwrite_same_size(fmt.vectors_file(build_dir(index_copy), "minilm"))
    report = build_index(load_corpus(index_copy.data), index_copy, encoders)
    assert report.embedded["minilm"] == report.vectors  # nothing taken from the damaged build
    assert report.embedded["e5"] == report.vectors  # the whole build is untrusted, not just one file
    rebuilt = np.load(fmt.vectors_file(build_dir(index_copy), "minilm"))
    assert np.allclose(rebuilt, clean, atol=1e-5)


def test_reload_onto_a_corrupted_build_is_409_and_the_old_index_keeps_serving(index_copy, encoders):
    settings = index_copy.model_copy(update={"admin_keys": KEY, "request_timeout_s": 300})
    client = TestClient(build_app(settings, encoders))
    before = client.get("/search", params={"q": "choir"}).json()
    before.pop("query_id")  # a fresh signed id per answer
    build = build_dir(index_copy)
    copy = build.parent / "20990101T000000000000Z-corrupt"
    shutil.copytree(build, copy)
    overwrite_same_size(fmt.vectors_file(copy, "e5"))
    (index_copy.index / "CURRENT").write_text(copy.name + "\n")
    response = client.post("/admin/reload", headers={"X-API-Key": KEY})
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "index not reloaded, previous index still serving: index file vectors.npy "
        "does not match the sha256 its manifest records (corrupted); rebuild "
        "with `indexer build`."
    )
    after = client.get("/search", params={"q": "choir"}).json()
    after.pop("query_id")
    assert after == before


def start(settings) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "PRACTICE_SEARCH_INDEX": str(settings.index),
        "PRACTICE_SEARCH_DATA": str(settings.data),
    }
    code = "from search_service.app import create_app; create_app()"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_start_up_on_corrupted_vectors_and_a_non_utf8_current_is_refused_in_one_line(index_copy):
    overwrite_same_size(fmt.vectors_file(build_dir(index_copy), "e5"))
    done = start(index_copy)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"search_service: cannot start: index file {fmt.vectors_file(build_dir(index_copy), 'e5')} does not match "
        "the sha256 its manifest records (corrupted); rebuild with `indexer build`."
    ]
    (index_copy.index / "CURRENT").write_bytes(b"\xff\xfe build \x80\n")  # row 6
    done = start(index_copy)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"search_service: cannot start: the CURRENT file of index {index_copy.index} is unreadable; "
        "run `indexer build`."
    ]


# row 6
def test_an_out_of_range_passage_map_is_refused(index_copy, encoders):
    build = build_dir(index_copy)
    rows = np.load(build / fmt.PASSAGE_PRACTICE)
    rows[0] = 10_000
    np.save(build / fmt.PASSAGE_PRACTICE, rows)
    reseal(build)
    with pytest.raises(IndexLoadError, match="maps rows to practices that do not exist"):
        Index.load(index_copy.index, ids_of(encoders))


def test_the_index_follower_logs_a_bad_current_and_keeps_serving(index_copy, encoders, caplog):
    client = TestClient(
        build_app(index_copy.model_copy(update={"follow_interval_s": 0.01, "request_timeout_s": 300}), encoders)
    )
    assert client.get("/search", params={"q": "choir"}).status_code == 200
    (index_copy.index / "CURRENT").write_bytes(b"\xff\xfe\n")
    for _ in range(3):
        time.sleep(0.02)
        assert client.get("/search", params={"q": "choir"}).status_code == 200
    warnings = [r.getMessage() for r in caplog.records if "CURRENT unreadable" in r.getMessage()]
    assert warnings == ["index CURRENT unreadable (CURRENT is not UTF-8); previous index still serving"]
