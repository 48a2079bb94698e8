"""Reports: exact counts over a known set of searches and clicks, date ranges, CSV, and admin-only access.

The data set (three days with data, one without; ids a..g are practices):

    day  record  kind     mode      query                   close  total  shown (offset)  filters          clicks
    1    s1      search   hybrid    roma mediators          yes    5      a b c           country ES       b@2 a@1
    1    s2      search   hybrid    roma mediators          yes    5      a b c
    1    s3      search   keyword   quantum spaceport       no     3      d e f                            f@3
    2    s4      search   semantic  logement des migrants   no     1      d               country FR, topic Housing
    2    s5      pasted   hybrid    (a pasted text)         yes    2      a b
    2    s6      search   hybrid    roma mediators          yes    11     g (offset 10)                    g@11
    4    s7      related  related   a                       yes    2      b c                              b@1
    4    s8      search   hybrid    (browse)                yes    0      -               country ES
    4    s9      search   hybrid    quantum spaceport       no     3      d e f
"""

import csv
import io
from datetime import UTC, date, datetime

import numpy as np
import pytest
from analytics_support import ADMIN, KEY, analytics_app, flush
from fastapi.testclient import TestClient

from analytics.catalog import SPECS, Catalog
from analytics.csvexport import to_csv
from analytics.records import Click, Search, TextPolicy, to_rows
from analytics.reports import Period, Reports
from analytics.store import Store

D1, D2, D3, D4 = date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)
PASTED = "Our city runs language cafés for newcomers"


def at(day: date, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, second, tzinfo=UTC)


def search(
    n: int,
    day: date,
    kind: str,
    mode: str,
    text: str,
    close: bool,
    total: int,
    shown: str,
    offset: int = 0,
    filters: tuple = (),
) -> Search:
    return Search(
        id=f"{n:032x}",
        at=at(day, n),
        kind=kind,
        mode=mode,
        text=text,
        filters=filters,
        total=total,
        close_match=close,
        offset=offset,
        shown=tuple(shown.split()),
        latency_ms=10.0 * n,
    )


SEARCHES = [
    search(1, D1, "search", "hybrid", "Roma  mediators", True, 5, "a b c", filters=(("country", "ES"),)),
    search(2, D1, "search", "hybrid", "roma mediators", True, 5, "a b c"),
    search(3, D1, "search", "keyword", "quantum spaceport", False, 3, "d e f"),
    search(
        4,
        D2,
        "search",
        "semantic",
        "logement des migrants",
        False,
        1,
        "d",
        filters=(("country", "FR"), ("topic", "Housing")),
    ),
    search(5, D2, "pasted", "hybrid", PASTED, True, 2, "a b"),
    search(6, D2, "search", "hybrid", "roma mediators", True, 11, "g", offset=10),
    search(7, D4, "related", "related", "a", True, 2, "b c"),
    search(8, D4, "search", "hybrid", "", True, 0, "", filters=(("country", "ES"),)),
    search(9, D4, "search", "hybrid", "quantum spaceport", False, 3, "d e f"),
]
CLICKS = [
    Click(f"{1:032x}", at(D1, 30), "b", 2),
    Click(f"{1:032x}", at(D1, 31), "a", 1),
    Click(f"{3:032x}", at(D1, 32), "f", 3),
    Click(f"{7:032x}", at(D4, 33), "b", 1),
    Click(f"{6:032x}", at(D2, 34), "g", 11),
]


def guess(text: str) -> str:
    return "und" if not text.strip() else "fr" if "logement" in text else "en"


def seed(url: str) -> Store:
    store = Store.open(url)
    store.write(to_rows([*SEARCHES, *CLICKS], TextPolicy(max_chars=200, store_pasted=False), guess))
    return store


@pytest.fixture
def catalog(tmp_path):
    store = seed(f"sqlite:///{tmp_path / 'analytics.sqlite3'}")
    yield Catalog(Reports(store.engine), embed=None, titles={"a": "Practice A", "b": "Practice B"}.get)
    store.close()


ALL = Period()
DAYS_1_2 = Period(D1, D2)

SUMMARY_ALL = {
    "report": "summary",
    "from": None,
    "to": None,
    "searches": 6,
    "pasted": 1,
    "related_views": 1,
    "more_pages": 1,
    "no_close_match": 3,
    "no_close_match_rate": 0.4286,
    "zero_results": 1,
    "zero_result_rate": 0.1429,
    "distinct_queries": 3,
    "clicks": 5,
    "searches_with_click": 2,
    "click_through_rate": 0.3333,
    "mean_latency_ms": 50.0,
}


def test_summary_counts_every_kind(catalog):
    assert catalog.run("summary", ALL) == SUMMARY_ALL


def test_summary_of_a_date_range(catalog):
    assert catalog.run("summary", DAYS_1_2) == {
        "report": "summary",
        "from": "2026-11-01",
        "to": "2026-11-02",
        "searches": 4,
        "pasted": 1,
        "related_views": 0,
        "more_pages": 1,
        "no_close_match": 2,
        "no_close_match_rate": 0.4,
        "zero_results": 0,
        "zero_result_rate": 0.0,
        "distinct_queries": 3,
        "clicks": 4,
        "searches_with_click": 2,
        "click_through_rate": 0.5,
        "mean_latency_ms": 35.0,
    }


def test_top_queries(catalog):
    assert catalog.run("queries", ALL)["rows"] == [
        {"query": "quantum spaceport", "searches": 2, "no_close_match": 2, "clicked": 1, "click_through_rate": 0.5},
        {"query": "roma mediators", "searches": 2, "no_close_match": 0, "clicked": 1, "click_through_rate": 0.5},
        {"query": "logement des migrants", "searches": 1, "no_close_match": 1, "clicked": 0, "click_through_rate": 0.0},
    ]
    assert [r["query"] for r in catalog.run("queries", ALL, limit=1)["rows"]] == ["quantum spaceport"]


def test_unmet_queries_with_counts(catalog):
    assert catalog.run("unmet", ALL) == {
        "report": "unmet",
        "from": None,
        "to": None,
        "rows": [
            {"query": "quantum spaceport", "searches": 2, "last_day": "2026-11-04"},
            {"query": "logement des migrants", "searches": 1, "last_day": "2026-11-02"},
        ],
    }
    assert catalog.run("unmet", Period(D4, D4))["rows"] == [
        {"query": "quantum spaceport", "searches": 1, "last_day": "2026-11-04"}
    ]


def test_timeline_has_every_day_with_its_rates(catalog):
    assert catalog.run("timeline", ALL)["rows"] == [
        {
            "day": "2026-11-01",
            "searches": 3,
            "no_close_match": 1,
            "no_close_match_rate": 0.3333,
            "zero_results": 0,
            "zero_result_rate": 0.0,
        },
        {
            "day": "2026-11-02",
            "searches": 2,
            "no_close_match": 1,
            "no_close_match_rate": 0.5,
            "zero_results": 0,
            "zero_result_rate": 0.0,
        },
        {
            "day": "2026-11-03",
            "searches": 0,
            "no_close_match": 0,
            "no_close_match_rate": 0.0,
            "zero_results": 0,
            "zero_result_rate": 0.0,
        },
        {
            "day": "2026-11-04",
            "searches": 2,
            "no_close_match": 1,
            "no_close_match_rate": 0.5,
            "zero_results": 1,
            "zero_result_rate": 0.5,
        },
    ]
    assert [r["day"] for r in catalog.run("timeline", Period(D3, date(2026, 11, 5)))["rows"]] == [
        "2026-11-03",
        "2026-11-04",
        "2026-11-05",
    ]


def test_searches_by_language(catalog):
    assert catalog.run("languages", ALL)["rows"] == [
        {"language": "en", "searches": 5, "no_close_match": 2, "no_close_match_rate": 0.4},
        {"language": "fr", "searches": 1, "no_close_match": 1, "no_close_match_rate": 1.0},
        {"language": "und", "searches": 1, "no_close_match": 0, "no_close_match_rate": 0.0},
    ]


def test_searches_by_filter(catalog):
    assert catalog.run("filters", ALL)["rows"] == [
        {"filter": "country", "value": "ES", "searches": 2, "no_close_match": 0, "no_close_match_rate": 0.0},
        {"filter": "country", "value": "FR", "searches": 1, "no_close_match": 1, "no_close_match_rate": 1.0},
        {"filter": "topic", "value": "Housing", "searches": 1, "no_close_match": 1, "no_close_match_rate": 1.0},
    ]
    assert [r["value"] for r in catalog.run("filters", ALL, limit=1)["rows"]] == ["ES", "Housing"]


def test_most_shown_and_most_opened_practices(catalog):
    assert catalog.run("practices", ALL, limit=3)["rows"] == [
        {"practice_id": "b", "title": "Practice B", "shown": 4, "opened": 2},
        {"practice_id": "a", "title": "Practice A", "shown": 3, "opened": 1},
        {"practice_id": "c", "title": None, "shown": 3, "opened": 0},
        {"practice_id": "f", "title": None, "shown": 2, "opened": 1},
    ]


def test_click_through_and_first_click_position_per_mode(catalog):
    assert catalog.run("clicks", ALL)["rows"] == [
        {
            "kind": "pasted",
            "mode": "hybrid",
            "searches": 1,
            "clicked": 0,
            "click_through_rate": 0.0,
            "mean_first_click_position": None,
        },
        {
            "kind": "related",
            "mode": "related",
            "searches": 1,
            "clicked": 1,
            "click_through_rate": 1.0,
            "mean_first_click_position": 1.0,
        },
        {
            "kind": "search",
            "mode": "hybrid",
            "searches": 4,
            "clicked": 1,
            "click_through_rate": 0.25,
            "mean_first_click_position": 1.0,
        },
        {
            "kind": "search",
            "mode": "keyword",
            "searches": 1,
            "clicked": 1,
            "click_through_rate": 1.0,
            "mean_first_click_position": 3.0,
        },
        {
            "kind": "search",
            "mode": "semantic",
            "searches": 1,
            "clicked": 0,
            "click_through_rate": 0.0,
            "mean_first_click_position": None,
        },
    ]


def test_unmet_themes_use_the_given_embedding(tmp_path):
    store = seed(f"sqlite:///{tmp_path / 'analytics.sqlite3'}")
    axes = {"quantum spaceport": [1.0, 0.0], "logement des migrants": [0.0, 1.0]}
    try:
        catalog = Catalog(Reports(store.engine), embed=lambda texts: np.array([axes[t] for t in texts]))
        assert catalog.run("themes", ALL)["rows"] == [
            {"label": "quantum, spaceport", "searches": 2, "queries": 1, "examples": ["quantum spaceport"]},
            {"label": "logement, migrants", "searches": 1, "queries": 1, "examples": ["logement des migrants"]},
        ]
    finally:
        store.close()


def test_a_report_as_csv(catalog):
    text = to_csv(catalog.run("queries", ALL))
    assert list(csv.reader(io.StringIO(text))) == [
        ["query", "searches", "no_close_match", "clicked", "click_through_rate"],
        ["quantum spaceport", "2", "2", "1", "0.5"],
        ["roma mediators", "2", "0", "1", "0.5"],
        ["logement des migrants", "1", "1", "0", "0.0"],
    ]
    assert list(csv.reader(io.StringIO(to_csv(catalog.run("summary", ALL))))) == [
        list(SUMMARY_ALL)[1:],
        ["" if v is None else str(v) for v in list(SUMMARY_ALL.values())[1:]],
    ]


def test_a_csv_cell_that_looks_like_a_formula_stays_text():
    report = {"report": "unmet", "rows": [{"query": '=HYPERLINK("http://x")', "searches": 1, "last_day": None}]}
    assert to_csv(report) == 'query,searches,last_day\r\n"\'=HYPERLINK(""http://x"")",1,\r\n'


# --- over HTTP: admin only, same numbers -------------------------------------------------------------


@pytest.fixture
def service(built_index, encoders, tmp_path):
    app = analytics_app(built_index, encoders, tmp_path)
    seed(app.state.analytics.url).close()
    yield app, TestClient(app)
    app.state.analytics.close()


REPORTS = ["summary", "queries", "unmet", "timeline", "themes", "languages", "filters", "practices", "clicks"]
PATHS = [*(f"/admin/analytics/{r}" for r in REPORTS), "/admin/analytics/export.csv?report=unmet"]


def test_every_report_is_served():
    assert list(SPECS) == REPORTS


@pytest.mark.parametrize("path", PATHS)
def test_reports_need_the_admin_key(service, path):
    _, client = service
    assert client.get(path).json() == {
        "detail": "missing X-API-Key header",
        "errors": [{"param": "X-API-Key", "message": "missing X-API-Key header"}],
    }
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"X-API-Key": "x" * 40}).status_code == 403
    assert client.get(path, headers=ADMIN).status_code == 200


def test_reports_do_not_exist_without_admin_keys(built_index, encoders, tmp_path):
    app = analytics_app(built_index, encoders, tmp_path, admin_keys="")
    try:
        client = TestClient(app)
        assert client.get("/admin/analytics/summary", headers=ADMIN).status_code == 404
        assert client.get("/admin/analytics").status_code == 404
    finally:
        app.state.analytics.close()


def test_the_summary_over_http(service):
    app, client = service
    flush(app)
    response = client.get("/admin/analytics/summary", headers=ADMIN)
    assert response.json() == SUMMARY_ALL
    assert response.headers["cache-control"] == "no-store"
    assert (
        client.get("/admin/analytics/summary", params={"from": "2026-11-04", "to": "2026-11-04"}, headers=ADMIN).json()[
            "searches"
        ]
        == 2
    )


def test_a_reversed_date_range_is_refused(service):
    _, client = service
    assert client.get(
        "/admin/analytics/unmet", params={"from": "2026-11-04", "to": "2026-11-01"}, headers=ADMIN
    ).json() == {
        "detail": "from: from 2026-11-04 is after to 2026-11-01",
        "errors": [{"param": "from", "message": "from 2026-11-04 is after to 2026-11-01"}],
    }


def test_the_themes_report_over_http_embeds_with_the_service_encoder(service):
    _, client = service
    rows = client.get("/admin/analytics/themes", headers=ADMIN).json()["rows"]
    assert sorted((r["searches"], r["examples"][0]) for r in rows) == [
        (1, "logement des migrants"),
        (2, "quantum spaceport"),
    ]


def test_the_csv_export_over_http(service):
    _, client = service
    response = client.get("/admin/analytics/export.csv", params={"report": "practices", "limit": 1}, headers=ADMIN)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="analytics-practices.csv"'
    assert response.text == "practice_id,title,shown,opened\r\nb,,4,2\r\n"
    assert client.get("/admin/analytics/export.csv", params={"report": "nope"}, headers=ADMIN).status_code == 422


def test_the_key_is_not_accepted_in_the_url(service):
    _, client = service
    assert client.get("/admin/analytics/summary", params={"X-API-Key": KEY, "key": KEY}).status_code == 401
