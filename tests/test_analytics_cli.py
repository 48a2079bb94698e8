"""`search-analytics`: the same reports in a terminal (table, JSON, CSV), reading the store the service writes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_analytics_reports import SUMMARY_ALL, seed

from analytics.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'analytics.sqlite3'}"
    seed(url).close()
    monkeypatch.setenv("PRACTICE_SEARCH_ANALYTICS_URL", url)
    return url


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_as_json_is_the_admin_api_report(store_url, capsys):
    code, out, _ = run(capsys, "summary", "--format", "json")
    assert code == 0 and json.loads(out) == SUMMARY_ALL


def test_unmet_as_a_table(store_url, capsys):
    code, out, _ = run(capsys, "unmet", "--from", "2026-11-01", "--to", "2026-11-04")
    assert code == 0
    assert out.splitlines() == [
        "query                  searches  last_day",
        "quantum spaceport      2         2026-11-04",
        "logement des migrants  1         2026-11-02",
    ]


def test_summary_as_a_table(store_url, capsys):
    code, out, _ = run(capsys, "summary", "--to", "2026-11-02")
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == ["                from: -", "                  to: 2026-11-02", "            searches: 4"]
    assert "  click_through_rate: 0.5" in lines


def test_practices_as_csv_with_titles_from_the_corpus(store_url, tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "practices.jsonl"
    corpus.write_text(json.dumps({"id": "b", "title": "Practice B"}) + "\n", encoding="utf-8")
    monkeypatch.setenv("PRACTICE_SEARCH_DATA", str(corpus))
    code, out, _ = run(capsys, "practices", "--format", "csv", "--limit", "1")
    assert code == 0 and out == "practice_id,title,shown,opened\r\nb,Practice B,4,2\r\n"


def test_an_empty_period_says_so(store_url, capsys):
    assert run(capsys, "queries", "--from", "2030-01-01") == (0, "nothing recorded in this period\n", "")


def test_a_missing_store_is_one_line_and_exit_1(tmp_path, capsys):
    missing = tmp_path / "none.sqlite3"
    code, _, err = run(capsys, "summary", "--url", f"sqlite:///{missing}")
    assert (code, err) == (
        1,
        f"search-analytics: no analytics store at {missing} (the service creates it when it runs)\n",
    )
    assert not missing.exists()


def test_a_reversed_range_is_exit_2(store_url, capsys):
    assert run(capsys, "summary", "--from", "2026-11-04", "--to", "2026-11-01") == (
        2,
        "",
        "search-analytics: --from is after --to\n",
    )


@pytest.mark.slow
def test_the_console_script_and_themes_with_the_real_encoder(store_url, tmp_path):
    exe = Path(sys.executable).with_name("search-analytics")
    done = subprocess.run(
        [str(exe), "themes", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "PRACTICE_SEARCH_ANALYTICS_URL": store_url},
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert sorted((r["searches"], r["examples"]) for r in rows) == [
        (1, ["logement des migrants"]),
        (2, ["quantum spaceport"]),
    ]
