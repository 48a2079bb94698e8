"""Relevance metrics on hand-computed cases, and `indexer eval` end to end on a 12-practice index."""

import json
import math
import re

import pytest

from evaluation.dataset import EvalQuery, load_off_topic, load_queries
from evaluation.metrics import (
    choose_floor,
    distinct_at_k,
    floor_separation,
    mean_interval,
    mrr_at_k,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)
from evaluation.runner import difference
from indexer import cli
from settings import Settings

JUDGED = {"a": 2, "c": 1, "d": 2}


def test_ndcg_uses_grades_as_gains_against_the_ideal_order():
    # DCG = 2/log2(2) + 0 + 1/log2(4) = 2.5; ideal [2, 2, 1] = 2 + 2/log2(3) + 1/2
    assert ndcg_at_k(["a", "b", "c"], JUDGED, 10) == pytest.approx(2.5 / (2.5 + 2 / math.log2(3)))


def test_ndcg_is_one_for_the_ideal_ranking_and_zero_without_relevant_results():
    assert ndcg_at_k(["d", "a", "c", "x"], JUDGED, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], JUDGED, 10) == 0.0
    assert ndcg_at_k(["a"], {}, 10) == 0.0


def test_ndcg_cut_off_ignores_results_below_k():
    # only "x" is inside k=1; the ideal top 1 is a grade 2
    assert ndcg_at_k(["x", "a"], JUDGED, 1) == 0.0
    assert ndcg_at_k(["c", "a"], JUDGED, 1) == pytest.approx(0.5)


def test_recall_counts_every_grade_as_relevant():
    assert recall_at_k(["a", "b"], JUDGED, 2) == pytest.approx(1 / 3)
    assert recall_at_k(["a", "b", "c", "d"], JUDGED, 50) == pytest.approx(1.0)


def test_mrr_is_the_reciprocal_rank_of_the_first_relevant_result_within_k():
    assert mrr_at_k(["x", "y", "c"], JUDGED, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(["x", "y", "c"], JUDGED, 2) == 0.0


def test_precision_divides_by_k_even_when_fewer_results_come_back():
    assert precision_at_k(["a", "b"], {"a"}, 5) == pytest.approx(0.2)


def test_distinct_counts_values_in_the_first_k():
    assert distinct_at_k(["Oslo", "Oslo", "Bergen", "Erlangen"], 3) == 2


def test_floor_separation_and_the_floor_that_keeps_most_relevant_scores():
    relevant, unjudged = [0.2, 0.4, 0.5, 0.6], [0.1, 0.3, 0.45]
    assert floor_separation(relevant, unjudged, 0.4) == (pytest.approx(0.75), pytest.approx(2 / 3))
    assert choose_floor(relevant, keep=0.75) == pytest.approx(0.4)
    assert choose_floor(relevant, keep=1.0) == pytest.approx(0.2)


def test_mean_interval_brackets_the_mean_and_narrows_with_more_queries():
    few = [0.0, 1.0, 0.5, 0.9, 0.2, 0.7]
    low, high = mean_interval(few)
    assert low < sum(few) / len(few) < high
    assert low >= 0.0 and high <= 1.0
    many_low, many_high = mean_interval(few * 10)  # the same spread, ten times the queries
    assert many_high - many_low < (high - low) / 2
    assert mean_interval(few) == (low, high)  # seeded: a rerun reports the same interval
    assert mean_interval([0.4, 0.4, 0.4]) == (pytest.approx(0.4), pytest.approx(0.4))
    assert mean_interval([]) == (0.0, 0.0)


def test_difference_is_paired_over_the_same_queries():
    queries = [
        EvalQuery("a1", "dev", "keyword", "search", "x", {"a": 2}),
        EvalQuery("a2", "dev", "keyword", "search", "y", {"b": 2}),
    ]
    default = {"a1": ["a"], "a2": ["z"]}  # 1.0 and 0.0
    same = difference(default, default, queries)
    assert (same.mean, same.low, same.high) == (0.0, 0.0, 0.0)
    better = difference({"a1": ["a"], "a2": ["b"]}, default, queries)  # the second query gains 1.0
    assert better.mean == pytest.approx(0.5)
    assert better.low <= better.mean <= better.high


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_eval_command_writes_a_table_on_a_tiny_index(built_index, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PRACTICE_SEARCH_INDEX", str(built_index.index))
    queries, related, out = tmp_path / "q.jsonl", tmp_path / "r.jsonl", tmp_path / "results" / "eval.md"
    translations, unmet = tmp_path / "t.jsonl", tmp_path / "u.jsonl"
    oxlo = "oxlo-business-charter-making-migrants-visible-as-a-resource-for-business-and-eco-oslo"
    mediation = "mediation-panel-a-low-threshold-mediation-service-for-complaints-on-discriminati-oslo"
    _write_jsonl(
        queries,
        [
            {
                "id": "t1",
                "split": "dev",
                "kind": "name",
                "endpoint": "search",
                "query": "OXLO Business Charter",
                "judgments": {oxlo: 2},
            },
            {
                "id": "t2",
                "split": "dev",
                "kind": "keyword",
                "endpoint": "search",
                "query": "discrimination complaints",
                "author": 2,
                "judgments": {mediation: 2, "reaching-a-point-from-which-to-take-action-in-oslo-oslo": 1},
            },
            {
                "id": "t3",
                "split": "dev",
                "kind": "paragraph",
                "endpoint": "similar",
                "query": "Our city wants refugees to find every service in one place when they arrive.",
                "judgments": {"bringing-all-inclusion-services-in-bergen-under-one-roof-bergen": 2},
            },
            {
                "id": "t4",
                "split": "test",
                "kind": "keyword",
                "endpoint": "search",
                "query": "music",
                "judgments": {"music-making-without-language-erlangen": 2},
            },
        ],
    )
    _write_jsonl(translations, [{"id": "t001", "source": "t2", "lang": "fr", "query": "plaintes pour discrimination"}])
    _write_jsonl(
        related,
        [
            {
                "id": "immigrants-council-stavanger",
                "split": "dev",
                "related": {"welcoming-internationals-to-the-city-stavanger": 1},
            }
        ],
    )

    _write_jsonl(
        unmet,
        [
            {"id": "u001", "split": "dev", "lang": "en", "query": "lifeguards at the municipal swimming pool"},
            {"id": "u002", "split": "test", "lang": "en", "query": "pothole repair"},
            {"id": "u003", "split": "dev", "lang": "fr", "source": "u001", "query": "surveillants de baignade"},
        ],
    )
    code = cli.main(
        [
            "eval",
            "--index",
            str(built_index.index),
            "--queries",
            str(queries),
            "--translations",
            str(translations),
            "--related",
            str(related),
            "--unmet",
            str(unmet),
            "--split",
            "dev",
            "--out",
            str(out),
        ]
    )

    assert code == 0
    table = out.read_text(encoding="utf-8")
    assert table in capsys.readouterr().out
    assert table.startswith("# Relevance evaluation: split `dev`")
    for heading in (
        "## Modes, per query group",
        "## Hybrid search per language",
        "## Fusion",
        "## Encoders",
        "## Related practices",
        "## Semantic floors",
        "## Unmet queries",
    ):
        assert heading in table
    report = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["encoders"] == ["minilm", "e5"]
    groups = report["groups"]
    assert {g: groups[g]["hybrid"]["n"] for g in ("search (English)", "pasted", "multilingual")} == {
        "search (English)": 2,
        "pasted": 1,
        "multilingual": 1,
    }  # t4 is in the test half
    assert set(groups["search (English)"]) == {"keyword", "semantic", "hybrid"}
    authors = {g: groups[g]["hybrid"]["n"] for g in groups if g.startswith("author ")}
    # t1 names no author (the first); the French t001 is its source t2's, the second author's
    assert authors == {"author 1: search (English)": 1, "author 2: search (English)": 1, "author 2: multilingual": 1}
    assert groups["kind: name"]["keyword"]["mrr10"] == 1.0  # the exact name is found first
    assert set(report["languages"]) == {"fr", "en (their sources)"}
    assert set(report["encoder_sets"]) >= {"minilm", "e5", "minilm+e5"}
    assert report["related"][f"MMR lambda={Settings().mmr_lambda:g} (default)"]["n"] == 1
    assert set(report["floors"]) == {"minilm", "e5"}
    unmet_rows = report["unmet"]
    assert unmet_rows["off-topic: English"] == {"n": 1, "unmet": 1.0}  # u002 is in the test half
    assert unmet_rows["off-topic: other languages"]["n"] == 1
    assert unmet_rows["judged: search (English)"]["n"] == 2
    for by_mode in groups.values():
        for scores in by_mode.values():
            low, high = scores["ndcg10_interval"]
            assert 0.0 <= low <= scores["ndcg10"] <= high <= 1.0
    assert "## Variants against the default" in table
    default_label = f"zscore kw={Settings().keyword_weight:g}"
    assert default_label in report["fusion"]
    assert default_label not in report["differences"]  # the default is what the others are measured against
    assert set(report["differences"]) == set(report["fusion"]) - {default_label}
    for by_group in report["differences"].values():
        for d in by_group.values():
            assert d["low"] <= d["mean"] <= d["high"]
    fr = report["languages"]["fr"]
    assert fr["ndcg10_interval"] == [fr["ndcg10"], fr["ndcg10"]]  # one query: nothing to resample
    assert f"| fr | 1 | {fr['ndcg10']:.3f} | {fr['ndcg10']:.3f}-{fr['ndcg10']:.3f} |" in table


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "u001", "split": "dev"', "not valid JSON"),
        ('{"id": "u001", "split": "dev", "lang": "en"}', "missing field 'query'"),
    ],
)
def test_a_bad_line_of_an_eval_file_names_the_file_and_line(tmp_path, line, message):
    path = tmp_path / "unmet.jsonl"
    path.write_text('{"id": "u000", "split": "dev", "lang": "en", "query": "pothole repair"}\n\n' + line + "\n")
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}:3: {re.escape(message)}"):
        load_off_topic(path)


def test_a_translation_of_an_unknown_query_names_the_file_and_line(tmp_path):
    queries, translations = tmp_path / "q.jsonl", tmp_path / "t.jsonl"
    _write_jsonl(queries, [{"id": "q1", "split": "dev", "kind": "keyword", "query": "roma", "judgments": {}}])
    _write_jsonl(translations, [{"id": "t1", "source": "q9", "lang": "fr", "query": "roms"}])
    with pytest.raises(ValueError, match=rf"{re.escape(str(translations))}:1: source 'q9' is not a query"):
        load_queries(queries, "all", translations)
