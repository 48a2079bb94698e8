"""Index.load refuses unusable builds with one clear sentence; failed builds never touch the current one."""

import json
import shutil

import pytest

import indexer.build
from indexer.build import build_index
from indexer.corpus import load_corpus
from indexer.index import FAISS, MANIFEST, PRACTICES, Index, IndexLoadError
from indexer.store import BUILDS, POINTER, current_build

pytestmark = pytest.mark.slow


def load_error(path, model_id) -> str:
    with pytest.raises(IndexLoadError) as err:
        Index.load(path, model_id)
    message = str(err.value)
    assert "\n" not in message and message.endswith(".")
    return message


def test_loads_from_the_index_dir_or_a_build_dir(built_index, encoder):
    via_pointer = Index.load(built_index.index, encoder.model_id)
    direct = Index.load(via_pointer.path, encoder.model_id)
    assert via_pointer.build_id == direct.build_id == via_pointer.path.name
    assert via_pointer.position == {p.id: i for i, p in enumerate(direct.practices)}


def test_truncated_faiss_file_is_refused(index_copy, encoder):
    faiss_file = current_build(index_copy.index) / FAISS
    faiss_file.write_bytes(faiss_file.read_bytes()[:1000])
    message = load_error(index_copy.index, encoder.model_id)
    assert "vectors.faiss" in message and "truncated" in message


def test_garbled_faiss_file_of_the_right_size_is_refused(index_copy, encoder):
    faiss_file = current_build(index_copy.index) / FAISS
    faiss_file.write_bytes(b"\0" * faiss_file.stat().st_size)
    assert "unreadable" in load_error(index_copy.index, encoder.model_id)


def test_missing_file_is_refused(index_copy, encoder):
    (current_build(index_copy.index) / PRACTICES).unlink()
    message = load_error(index_copy.index, encoder.model_id)
    assert "practices.jsonl is missing" in message


def test_index_of_another_model_is_refused(index_copy, encoder):
    manifest_file = current_build(index_copy.index) / MANIFEST
    manifest = json.loads(manifest_file.read_text())
    manifest["model"]["id"] = "paraphrase-multilingual-MiniLM-L12-v2@0123456789abcdef"
    manifest_file.write_text(json.dumps(manifest))
    message = load_error(index_copy.index, encoder.model_id)
    assert "paraphrase-multilingual" in message and encoder.model_id in message


def test_no_index_and_dangling_pointer_are_refused(tmp_path, index_copy, encoder):
    assert "no index at" in load_error(tmp_path / "nothing", encoder.model_id)
    (index_copy.index / POINTER).write_text("20000101T000000000000Z-deadbeef\n")
    assert "does not exist" in load_error(index_copy.index, encoder.model_id)


def test_a_build_failing_half_way_leaves_the_current_index_untouched(index_copy, encoder, monkeypatch):
    before = Index.load(index_copy.index, encoder.model_id)
    files_before = sorted(p.name for p in (index_copy.index / BUILDS).iterdir())

    def crash(*args, **kwargs):
        raise OSError("disk full")  # after the vectors were embedded, while files are being written

    monkeypatch.setattr(indexer.build.KeywordIndex, "build", crash)
    practices = load_corpus(index_copy.data)
    changed = [practices[0].model_copy(update={"title": "Renamed"}), *practices[1:]]
    with pytest.raises(OSError, match="disk full"):
        build_index(changed, index_copy, encoder)

    after = Index.load(index_copy.index, encoder.model_id)
    assert after.build_id == before.build_id and after.practices == before.practices
    assert sorted(p.name for p in (index_copy.index / BUILDS).iterdir()) == files_before  # no temp left


def test_a_killed_build_leaves_only_a_temp_dir_that_the_next_build_removes(index_copy, encoder):
    before = Index.load(index_copy.index, encoder.model_id)
    # what SIGKILL during a build leaves behind: a half-written temp build
    stale = index_copy.index / BUILDS / ".tmp-20990101T000000000000Z-abc-xyz"
    shutil.copytree(before.path, stale)
    (stale / MANIFEST).unlink()
    (stale / FAISS).write_bytes(b"half")

    assert Index.load(index_copy.index, encoder.model_id).build_id == before.build_id
    build_index(load_corpus(index_copy.data), index_copy, encoder)
    assert not stale.exists()
