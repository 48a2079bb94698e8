"""Upsert, delete and sync: corpus first, then a cached rebuild; results match a full build."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ids_of

from indexer.build import build_index
from indexer.corpus import load_corpus, save_corpus
from indexer.index import Index
from indexer.problems import CorpusError
from indexer.store import POINTER
from indexer.updates import delete_practices, sync_index, upsert_practices
from ranking import RankingConfig, SearchEngine
from settings import Settings

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
NEW_PURPOSE = "To teach every child in the city to sail small boats on the fjord, whatever their background."


@pytest.fixture
def spy(encoders, monkeypatch) -> dict[str, list[str]]:
    """Every passage text each encoder is asked to embed during the test."""
    seen: dict[str, list[str]] = {}
    for encoder in encoders:
        real = encoder.encode_passages
        texts_of = seen[encoder.name] = []

        def encode(texts, real=real, texts_of=texts_of, **kw):
            texts_of.extend(texts)
            return real(texts, **kw)

        monkeypatch.setattr(encoder, "encode_passages", encode)
    return seen


def ranked(index: Index, vector: np.ndarray, name: str = "minilm") -> list[str]:
    vectors = index.dense[name].faiss
    scores, rows = vectors.search(vector.reshape(1, -1), vectors.ntotal)
    best: dict[str, float] = {}
    for score, row in zip(scores[0], rows[0], strict=True):
        pid = index.practices[index.passage_practice[row]].id
        best[pid] = max(best.get(pid, -1.0), float(score))
    return sorted(best, key=lambda k: (-best[k], k))


def related_lists(index: Index, encoders) -> dict[str, list[str]]:
    """Every practice's related practices, as GET /practices/{id}/similar computes them (nothing is stored)."""
    engine = SearchEngine(index, encoders, RankingConfig.from_settings(Settings()))
    return {
        p.id: [h.practice.id for h in engine.related_page(p.id, limit=len(index.practices)).hits]
        for p in index.practices
    }


def test_upsert_changes_results_and_embeds_only_that_practice(index_copy, encoders, spy):
    before = Index.load(index_copy.index, ids_of(encoders))
    target = before.practices[5]
    queries = {e.name: e.encode_queries([NEW_PURPOSE])[0] for e in encoders}
    for name, query in queries.items():
        assert ranked(before, query, name)[0] != target.id, name

    changed = target.model_copy(update={"purpose": NEW_PURPOSE, "description": target.description + " Zwieback."})
    build_id = upsert_practices(index_copy, [changed], encoders=encoders)

    after = Index.load(index_copy.index, ids_of(encoders))
    assert after.build_id == build_id != before.build_id
    for name, query in queries.items():
        assert ranked(after, query, name)[0] == target.id, name
    assert after.practices[int(np.argmax(after.keyword.scores("zwieback")))].id == target.id
    position = after.position[target.id]
    # only its changed texts went through each model: the purpose, and the passage with the new word
    assert set(spy) == {"minilm", "e5"}
    for name, texts in spy.items():
        assert 2 <= len(texts) <= int(np.sum(after.passage_practice == position)), name
        assert all(text.startswith(target.title) for text in texts), name
        assert any(NEW_PURPOSE in text for text in texts) and any("Zwieback" in text for text in texts), name
    assert load_corpus(index_copy.data)[position] == changed


def test_upsert_of_a_new_practice_from_a_raw_record_adds_it(index_copy, encoders):
    base = load_corpus(index_copy.data)[0].model_dump()
    raw = {
        **base,
        "id": "",
        "title": "Night football league",
        "purpose": NEW_PURPOSE,
        "description": "Teams of young people from every neighbourhood play football on summer nights.",
    }
    upsert_practices(index_copy, [raw], encoders=encoders)
    after = Index.load(index_copy.index, ids_of(encoders))
    assert len(after.practices) == 13
    new_id = after.practices[-1].id
    assert new_id.startswith("night-football-league")
    related = related_lists(after, encoders)
    assert related[new_id] and all(len(v) == 12 for v in related.values())
    assert all(new_id in others for pid, others in related.items() if pid != new_id)


def test_delete_removes_it_from_vectors_bm25_and_every_related_list(index_copy, encoders):
    before = Index.load(index_copy.index, ids_of(encoders))
    gone = before.practices[3]
    its_vectors = int(np.sum(before.passage_practice == 3))
    word = "bergen"
    assert before.keyword.scores(word)[3] > 0

    assert any(gone.id in others for others in related_lists(before, encoders).values())

    delete_practices(index_copy, [gone.id], encoders=encoders)

    after = Index.load(index_copy.index, ids_of(encoders))
    assert gone.id not in after.position and gone not in after.practices
    for name in ("minilm", "e5"):
        assert after.dense[name].faiss.ntotal == before.dense[name].faiss.ntotal - its_vectors == len(after.passages)
    assert gone.title not in {after.practices[p.practice].title for p in after.passages}
    assert after.keyword.scores(word).shape == (11,)
    related = related_lists(after, encoders)
    assert gone.id not in related
    assert all(gone.id not in others for others in related.values())
    assert gone.id not in {p.id for p in load_corpus(index_copy.data)}


def test_unknown_id_or_invalid_record_changes_nothing(index_copy, encoders):
    corpus = index_copy.data.read_bytes()
    pointer = (index_copy.index / POINTER).read_text()
    with pytest.raises(KeyError, match="no practice with id 'no-such-practice'"):
        delete_practices(index_copy, ["no-such-practice"], encoders=encoders)
    with pytest.raises(CorpusError) as err:
        upsert_practices(index_copy, [{"title": "Only a title"}], encoders=encoders)
    assert {p.field for p in err.value.problems} >= {"city", "purpose"}
    assert index_copy.data.read_bytes() == corpus
    assert (index_copy.index / POINTER).read_text() == pointer


def test_updates_then_full_rebuild_give_the_same_results(index_copy, encoders, tmp_path):
    practices = load_corpus(index_copy.data)
    edited = practices[2].model_copy(update={"purpose": NEW_PURPOSE})
    upsert_practices(index_copy, [edited], encoders=encoders)
    delete_practices(index_copy, [practices[7].id], encoders=encoders)
    updated = Index.load(index_copy.index, ids_of(encoders))

    fresh_settings = index_copy.model_copy(update={"index": tmp_path / "fresh"})
    build_index(load_corpus(index_copy.data), fresh_settings, encoders, use_cache=False)
    fresh = Index.load(fresh_settings.index, ids_of(encoders))

    for query in (NEW_PURPOSE, "anti-discrimination", "welcoming newcomers to the city"):
        for encoder in encoders:
            vector = encoder.encode_queries([query])[0]
            assert ranked(updated, vector, encoder.name) == ranked(fresh, vector, encoder.name), encoder.name
        assert np.allclose(updated.keyword.scores(query), fresh.keyword.scores(query))
    assert related_lists(updated, encoders) == related_lists(fresh, encoders)


def test_sync_finishes_an_update_whose_index_switch_was_lost(index_copy, encoders):
    practices = load_corpus(index_copy.data)
    save_corpus(index_copy.data, practices[:-1])  # the corpus write landed, the switch did not
    stale = Index.load(index_copy.index, ids_of(encoders))
    assert len(stale.practices) == 12

    build_id = sync_index(index_copy, encoders=encoders)
    synced = Index.load(index_copy.index, ids_of(encoders))
    assert synced.build_id == build_id and len(synced.practices) == 11
    assert sync_index(index_copy, encoders=encoders) == build_id  # already in line: no new build


def test_cli_upsert_reports_bad_records_with_file_and_line(index_copy, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "x"}\nnot json\n')
    result = subprocess.run(
        [sys.executable, "-m", "indexer", "upsert", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "PRACTICE_SEARCH_DATA": str(index_copy.data),
            "PRACTICE_SEARCH_INDEX": str(index_copy.index),
            "HF_HUB_OFFLINE": "1",
            "PATH": "",
        },
    )
    assert result.returncode == 1
    assert f"{bad}:1:" in result.stderr and f"{bad}:2: json" in result.stderr
    assert "Traceback" not in result.stderr


def test_temp_files_of_a_killed_write_are_removed_by_the_next_edit(index_copy, encoders):
    leftovers = [
        index_copy.data.parent / f".{index_copy.data.name}.abc123.tmp",
        index_copy.index / ".CURRENT.abc123.tmp",
        index_copy.index / ".PENDING.abc123.tmp",
    ]
    for path in leftovers:
        path.write_bytes(b"half")
    delete_practices(index_copy, [load_corpus(index_copy.data)[0].id], encoders=encoders)
    assert [p for p in leftovers if p.exists()] == []
