"""`indexer validate` and `indexer import`: every problem listed with its line, all-or-nothing writes."""

import csv
import json
import os
import subprocess
import sys

import pytest

from indexer.cli import main
from indexer.corpus import load_corpus
from indexer.importer import import_file
from indexer.problems import CorpusError

with open("data/practices.jsonl", encoding="utf-8") as _fh:
    GOOD = json.loads(_fh.readline())


def write_lines(path, records):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


def problems_for(tmp_path, records):
    with pytest.raises(CorpusError) as err:
        load_corpus(write_lines(tmp_path / "bad.jsonl", records))
    return [(p.line, p.field) for p in err.value.problems]


def test_invalid_json(tmp_path):
    assert problems_for(tmp_path, [GOOD, "{not json"]) == [(2, "json")]


def test_missing_and_empty_required_fields(tmp_path):
    missing = {k: v for k, v in GOOD.items() if k != "title"}
    empty = dict(GOOD, id="other", purpose="  ")
    assert problems_for(tmp_path, [missing, empty]) == [(1, "title"), (2, "purpose")]


def test_unknown_field_topic_country(tmp_path):
    records = [dict(GOOD, colour="red"), dict(GOOD, id="b", topics=["Knitting"]), dict(GOOD, id="c", country_code="ZZ")]
    assert problems_for(tmp_path, records) == [(1, "colour"), (2, "topics"), (3, "country_code")]


def test_country_code_must_match_country(tmp_path):
    assert problems_for(tmp_path, [dict(GOOD, country_code="FR")]) == [(1, "country_code")]


def test_duplicate_id(tmp_path):
    assert problems_for(tmp_path, [GOOD, GOOD]) == [(2, "id")]


def test_years_out_of_range_and_reversed(tmp_path):
    records = [dict(GOOD, start_year=1700), dict(GOOD, id="b", start_year=2020, end_year=2010, ongoing=False)]
    assert problems_for(tmp_path, records) == [(1, "start_year"), (2, "end_year")]


def test_cli_lists_five_errors_with_lines(tmp_path, capsys):
    bad = [
        "{not json",
        {k: v for k, v in GOOD.items() if k != "title"},
        dict(GOOD, id="x-topic", topics=["Not a topic"]),
        dict(GOOD, id="x-country", country_code="ZZ", country="Atlantis"),
        dict(GOOD, id="x-years", start_year=2020, end_year=2010),
    ]
    path = write_lines(tmp_path / "bad.jsonl", bad)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    for line in range(1, 6):
        assert f"{path}:{line}:" in err
    assert "Traceback" not in err


def test_cli_summary_on_clean_file(capsys):
    assert main(["validate", "data/practices.jsonl"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("data/practices.jsonl: 305 practices") and out.endswith("0 problems")


def test_cli_missing_file_is_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "indexer", "validate", str(tmp_path / "nope.jsonl")], capture_output=True, text=True
    )
    assert result.returncode == 2 and "no such file" in result.stderr and "Traceback" not in result.stderr


def source_record(**changes):
    base = {
        k: GOOD[k] for k in ("title", "city", "country", "period", "topics", "purpose", "description", "source_url")
    }
    return dict(base, **changes)


def test_import_jsonl_merges_by_id_and_appends(tmp_path):
    into = write_lines(tmp_path / "corpus.jsonl", [GOOD])
    updated = source_record(purpose="A new purpose.")
    new = source_record(title="A second practice", city="Bergen", country="NO")
    write_lines(tmp_path / "in.jsonl", [updated, new])
    assert import_file(tmp_path / "in.jsonl", into) == (2, 1, 1)
    merged = load_corpus(into)
    assert merged[0].id == GOOD["id"] and merged[0].purpose == "A new purpose."
    assert merged[1].id == "a-second-practice-bergen" and merged[1].country == "Norway"


def test_import_json_array(tmp_path):
    (tmp_path / "in.json").write_text(json.dumps([source_record()]), encoding="utf-8")
    assert import_file(tmp_path / "in.json", tmp_path / "corpus.jsonl") == (1, 0, 1)
    assert load_corpus(tmp_path / "corpus.jsonl")[0].start_year == 1986


def test_import_csv_with_semicolon_topics(tmp_path):
    rec = source_record(title="Csv practice", country="Spain", city="Bilbao", period="2016-2020")
    with open(tmp_path / "in.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rec))
        writer.writeheader()
        writer.writerow(dict(rec, topics="Youth; sport"))
    import_file(tmp_path / "in.csv", tmp_path / "corpus.jsonl")
    got = load_corpus(tmp_path / "corpus.jsonl")[0]
    assert (got.topics, got.country_code, got.start_year, got.end_year) == (["Youth", "Sport"], "ES", 2016, 2020)


def test_import_with_errors_writes_nothing(tmp_path):
    into = write_lines(tmp_path / "corpus.jsonl", [GOOD])
    before = into.read_bytes()
    write_lines(
        tmp_path / "in.jsonl",
        [source_record(title="fine", city="Oslo", country="Norway"), source_record(topics=["Nope"]), "{broken"],
    )
    with pytest.raises(CorpusError) as err:
        import_file(tmp_path / "in.jsonl", into)
    assert sorted(p.line for p in err.value.problems) == [2, 3]
    assert into.read_bytes() == before


def test_import_failing_half_way_leaves_file_byte_identical(tmp_path, monkeypatch):
    into = write_lines(tmp_path / "corpus.jsonl", [GOOD])
    before = into.read_bytes()
    write_lines(tmp_path / "in.jsonl", [source_record(title="x", city="Oslo", country="Norway")])

    def failing_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        import_file(tmp_path / "in.jsonl", into)
    assert into.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_cli_bad_setting_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("PRACTICE_SEARCH_ENCODER_BACKEND", "bogus")
    assert main(["validate", "data/practices.jsonl"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("indexer: invalid setting: PRACTICE_SEARCH_ENCODER_BACKEND") and err.count("\n") == 1
