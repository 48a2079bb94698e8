"""Index.load refuses unusable builds with one clear sentence; failed builds never touch the current one."""

import json
import shutil

import pytest
from conftest import ids_of

import indexer.build
from indexer.build import build_index
from indexer.corpus import load_corpus
from indexer.format import MANIFEST, PRACTICES, faiss_file, file_table
from indexer.index import Index, IndexLoadError
from indexer.store import BUILDS, POINTER, current_build

pytestmark = pytest.mark.slow


def load_error(path, encoder_ids: dict[str, str]) -> str:
    with pytest.raises(IndexLoadError) as err:
        Index.load(path, encoder_ids)
    message = str(err.value)
    assert "\n" not in message and message.endswith(".")
    return message


def test_loads_from_the_index_dir_or_a_build_dir(built_index, encoders):
    via_pointer = Index.load(built_index.index, ids_of(encoders))
    direct = Index.load(via_pointer.path, ids_of(encoders))
    assert via_pointer.build_id == direct.build_id == via_pointer.path.name
    assert via_pointer.position == {p.id: i for i, p in enumerate(direct.practices)}
    assert set(via_pointer.dense) == {"minilm", "e5"}


def test_truncated_faiss_file_is_refused(index_copy, encoders):
    file = faiss_file(current_build(index_copy.index), "minilm")
    file.write_bytes(file.read_bytes()[:1000])
    message = load_error(index_copy.index, ids_of(encoders))
    assert f"{file}" in message and "truncated" in message


def test_garbled_faiss_file_of_the_right_size_is_refused_by_its_sha256(index_copy, encoders):
    file = faiss_file(current_build(index_copy.index), "e5")
    file.write_bytes(b"\0" * file.stat().st_size)
    message = load_error(index_copy.index, ids_of(encoders))
    assert "encoders/e5/vectors.faiss" in message and "sha256" in message and "corrupted" in message


def test_garbled_file_whose_manifest_was_rewritten_too_is_unreadable(index_copy, encoders):
    """The checksums pass (someone rewrote the manifest), so the reader itself must refuse the file."""
    build = current_build(index_copy.index)
    file = faiss_file(build, "minilm")
    file.write_bytes(b"\0" * file.stat().st_size)
    manifest = json.loads((build / MANIFEST).read_text())
    (build / MANIFEST).write_text(json.dumps({**manifest, "files": file_table(build)}))
    assert "unreadable" in load_error(index_copy.index, ids_of(encoders))


def test_missing_file_is_refused(index_copy, encoders):
    (current_build(index_copy.index) / PRACTICES).unlink()
    message = load_error(index_copy.index, ids_of(encoders))
    assert "practices.jsonl is missing" in message


def test_index_of_another_model_is_refused(index_copy, encoders, encoder):
    manifest_file = current_build(index_copy.index) / MANIFEST
    manifest = json.loads(manifest_file.read_text())
    manifest["encoders"][0]["id"] = "paraphrase-multilingual-MiniLM-L12-v2@0123456789abcdef"
    manifest_file.write_text(json.dumps(manifest))
    message = load_error(index_copy.index, ids_of(encoders))
    assert "paraphrase-multilingual" in message and encoder.model_id in message


def test_index_with_other_encoders_is_refused(built_index, encoder):
    """Built with MiniLM and e5, configured with MiniLM alone: refused, naming both sets."""
    message = load_error(built_index.index, ids_of([encoder]))
    assert "'e5'" in message and "rebuild" in message


def test_no_index_and_dangling_pointer_are_refused(tmp_path, index_copy, encoders):
    assert "no index at" in load_error(tmp_path / "nothing", ids_of(encoders))
    (index_copy.index / POINTER).write_text("20000101T000000000000Z-deadbeef\n")
    assert "does not exist" in load_error(index_copy.index, ids_of(encoders))


def test_a_build_failing_half_way_leaves_the_current_index_untouched(index_copy, encoders, monkeypatch):
    before = Index.load(index_copy.index, ids_of(encoders))
    files_before = sorted(p.name for p in (index_copy.index / BUILDS).iterdir())

    def crash(*args, **kwargs):
        raise OSError("disk full")  # after the vectors were embedded, while files are being written

    monkeypatch.setattr(indexer.build.KeywordIndex, "build", crash)
    practices = load_corpus(index_copy.data)
    changed = [practices[0].model_copy(update={"title": "Renamed"}), *practices[1:]]
    with pytest.raises(OSError, match="disk full"):
        build_index(changed, index_copy, encoders)

    after = Index.load(index_copy.index, ids_of(encoders))
    assert after.build_id == before.build_id and after.practices == before.practices
    assert sorted(p.name for p in (index_copy.index / BUILDS).iterdir()) == files_before  # no temp left


def test_a_killed_build_leaves_only_a_temp_dir_that_the_next_build_removes(index_copy, encoders):
    before = Index.load(index_copy.index, ids_of(encoders))
    # what SIGKILL during a build leaves behind: a half-written temp build
    stale = index_copy.index / BUILDS / ".tmp-20990101T000000000000Z-abc-xyz"
    shutil.copytree(before.path, stale)
    (stale / MANIFEST).unlink()
    faiss_file(stale, "minilm").write_bytes(b"half")

    assert Index.load(index_copy.index, ids_of(encoders)).build_id == before.build_id
    build_index(load_corpus(index_copy.data), index_copy, encoders)
    assert not stale.exists()
