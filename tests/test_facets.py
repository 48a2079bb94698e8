"""Disjunctive facets: each facet counts with every filter except its own, as InstantSearch does.

Counted over the 12-practice index fixture (7 Norwegian, 3 German, 1 Swiss, 1 Danish practice),
against a brute-force count written out here, independent of ranking/filters.py.
"""

import datetime
import json
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ranking import Filters
from search_service.app import build_app
from search_service.state import load_engine
from tests.conftest import INDEX_FIXTURE

RECORDS = [json.loads(line) for line in INDEX_FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
COUNTRIES = sorted({c for r in RECORDS for c in r["country_codes"]})
CITIES = sorted({c for r in RECORDS for c in r["cities"]})
TOPICS = sorted({t for r in RECORDS for t in r["topics"]})
THIS_YEAR = datetime.date.today().year


@pytest.fixture(scope="module")
def client(built_index, encoders):
    return TestClient(build_app(built_index.model_copy(update={"request_timeout_s": 120}), encoders))


@pytest.fixture(scope="module")
def engine(built_index, encoders):
    return load_engine(built_index, encoders)


# --- the brute force -----------------------------------------------------------------------------


def keep(r: dict, f: dict, skip: str = "") -> bool:
    """Does record r pass the filters f, leaving out the filter group `skip`?"""
    if skip != "country" and f.get("country") and not set(f["country"]) & set(r["country_codes"]):
        return False
    if skip != "city" and f.get("city") and not {c.lower() for c in f["city"]} & {c.lower() for c in r["cities"]}:
        return False
    if skip != "topic" and f.get("topic") and not set(f["topic"]) & set(r["topics"]):
        return False
    if skip != "ongoing" and f.get("ongoing") is not None and r["ongoing"] != f["ongoing"]:
        return False
    if skip != "year" and (f.get("year_from") is not None or f.get("year_to") is not None):
        if r["start_year"] is None:
            return False
        end = r["end_year"] if r["end_year"] is not None else (THIS_YEAR if r["ongoing"] else r["start_year"])
        if f.get("year_from") is not None and end < f["year_from"]:
            return False
        if f.get("year_to") is not None and r["start_year"] > f["year_to"]:
            return False
    return True


def brute_counts(records: list[dict], f: dict) -> dict[str, dict]:
    """{facet: {value: count}} with each facet's own filter left out, zero counts for chosen values."""

    def of(skip):
        return [r for r in records if keep(r, f, skip)]

    countries = Counter(c for r in of("country") for c in r["country_codes"])
    cities = Counter(c for r in of("city") for c in r["cities"])
    topics = Counter(t for r in of("topic") for t in r["topics"])
    years = Counter(r["start_year"] for r in of("year") if r["start_year"] is not None)
    ongoing = Counter(r["ongoing"] for r in of("ongoing"))
    for c in f.get("country", []):
        countries.setdefault(c, 0)
    for c in f.get("city", []):
        cities.setdefault(c, 0)
    for t in f.get("topic", []):
        topics.setdefault(t, 0)
    if f.get("ongoing") is not None:
        ongoing.setdefault(f["ongoing"], 0)
    return {
        "total": sum(1 for r in records if keep(r, f)),
        "countries": dict(countries),
        "cities": dict(cities),
        "topics": dict(topics),
        "start_years": dict(years),
        "ongoing": dict(ongoing),
    }


def as_counts(facets: dict) -> dict[str, dict]:
    return {
        "total": facets["total"],
        **{
            name: {v["value"]: v["count"] for v in facets[name]}
            for name in ("countries", "cities", "topics", "start_years", "ongoing")
        },
    }


# --- exact answers -------------------------------------------------------------------------------


def test_a_chosen_country_still_lists_the_other_countries(client):
    body = client.get("/facets", params={"country": "Norway"}).json()
    assert body == {
        "total": 7,
        "countries": [
            {"value": "NO", "label": "Norway", "count": 7},
            {"value": "DE", "label": "Germany", "count": 3},
            {"value": "CH", "label": "Switzerland", "count": 1},
            {"value": "DK", "label": "Denmark", "count": 1},
        ],
        "cities": [
            {"value": "Oslo", "label": "Oslo", "count": 3},
            {"value": "Stavanger", "label": "Stavanger", "count": 3},
            {"value": "Bergen", "label": "Bergen", "count": 1},
        ],
        "topics": [
            {"value": "Business and employment", "label": "Business and employment", "count": 3},
            {"value": "Welcoming newcomers", "label": "Welcoming newcomers", "count": 3},
            {"value": "Anti-discrimination", "label": "Anti-discrimination", "count": 2},
            {"value": "Governance and strategy", "label": "Governance and strategy", "count": 2},
            {"value": "Public services", "label": "Public services", "count": 2},
            {"value": "Cultural and civic life", "label": "Cultural and civic life", "count": 1},
            {"value": "Education", "label": "Education", "count": 1},
            {"value": "International outlook", "label": "International outlook", "count": 1},
            {"value": "Leadership and citizenship", "label": "Leadership and citizenship", "count": 1},
            {"value": "Mediation and conflict resolution", "label": "Mediation and conflict resolution", "count": 1},
            {"value": "Participation", "label": "Participation", "count": 1},
            {"value": "Refugees and asylum seekers", "label": "Refugees and asylum seekers", "count": 1},
        ],
        "start_years": [
            {"value": y, "label": str(y), "count": n}
            for y, n in ((2022, 1), (2021, 1), (2018, 1), (2016, 2), (2013, 1), (1986, 1))
        ],
        "ongoing": [{"value": True, "label": "ongoing", "count": 2}, {"value": False, "label": "finished", "count": 5}],
    }


def test_country_and_topic_narrow_each_other_but_not_themselves(client):
    body = client.get("/facets", params={"country": "DE", "topic": "Anti-discrimination"}).json()
    assert body["total"] == 1  # the Erlangen postcard campaign
    # countries: every practice about anti-discrimination, by country (the country filter left out)
    assert as_counts(body)["countries"] == {"NO": 2, "CH": 1, "DE": 1}
    # topics: every German practice, by topic (the topic filter left out)
    assert as_counts(body)["topics"] == {
        "Anti-discrimination": 1,
        "Media and communication": 1,
        "Business and employment": 1,
        "Governance and strategy": 1,
        "Leadership and citizenship": 1,
        "Cultural and civic life": 1,
        "Refugees and asylum seekers": 1,
    }
    # cities and the rest: both filters apply
    assert as_counts(body)["cities"] == {"Erlangen": 1}
    assert as_counts(body)["ongoing"] == {False: 1}


def test_a_chosen_value_without_matches_is_listed_with_zero(client):
    body = client.get("/facets", params={"country": "DK", "topic": "Education", "city": "bergen"}).json()
    assert body["total"] == 0
    assert {"value": "DK", "label": "Denmark", "count": 0} in body["countries"]
    assert {"value": "Bergen", "label": "Bergen", "count": 0} in body["cities"]
    assert {"value": "Education", "label": "Education", "count": 0} in body["topics"]


def test_facet_total_and_counts_match_the_result_list_for_a_query(client):
    params = {"q": "business", "mode": "keyword", "country": "NO"}
    facets = client.get("/facets", params=params).json()
    listed = client.get("/search", params={**params, "limit": 50}).json()
    assert facets["total"] == listed["total"] == len(listed["results"])
    everywhere = client.get("/search", params={"q": "business", "mode": "keyword", "limit": 50}).json()
    by_country = Counter(r["country_code"] for r in everywhere["results"])
    assert as_counts(facets)["countries"] == dict(by_country)
    assert as_counts(facets)["topics"] == dict(Counter(t for r in listed["results"] for t in r["topics"]))


# --- the property: random filter combinations against the brute force ---------------------------

filters_strategy = st.fixed_dictionaries(
    {},
    optional={
        "country": st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=2, unique=True),
        "city": st.lists(st.sampled_from(CITIES), min_size=1, max_size=2, unique=True),
        "topic": st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3, unique=True),
        "ongoing": st.booleans(),
        "year_from": st.integers(2010, 2024),
        "year_to": st.integers(2015, 2030),
    },
).filter(lambda f: f.get("year_from", 0) <= f.get("year_to", 9999))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(f=filters_strategy)
def test_disjunctive_counts_equal_a_brute_force_count(engine, f):
    got = engine.facets("", "hybrid", Filters(**f)).model_dump()
    assert as_counts(got) == brute_counts(RECORDS, f)
    assert got["total"] == engine.search("", "hybrid", Filters(**f), limit=50).total


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(f=filters_strategy, q=st.sampled_from(["business", "anti-discrimination", "culture", "governance"]))
def test_counts_for_a_query_equal_counts_over_its_result_lists(engine, f, q):
    """Each facet value's count = the practices with that value in the result list without the facet's filter."""
    got = engine.facets(q, "keyword", Filters(**f)).model_dump()

    def listed(filters: dict) -> list:
        return [h.practice for h in engine.search(q, "keyword", Filters(**filters), limit=50).hits]

    assert got["total"] == len(listed(f))
    own = {
        "countries": ("country",),
        "cities": ("city",),
        "topics": ("topic",),
        "start_years": ("year_from", "year_to"),
        "ongoing": ("ongoing",),
    }
    values = {
        "countries": lambda p: p.all_country_codes,
        "cities": lambda p: p.all_cities,
        "topics": lambda p: p.topics,
        "start_years": lambda p: [] if p.start_year is None else [p.start_year],
        "ongoing": lambda p: [p.ongoing],
    }
    for facet, fields in own.items():
        practices = listed({k: v for k, v in f.items() if k not in fields})
        expected = Counter(v for p in practices for v in values[facet](p))
        counts = as_counts(got)[facet]
        assert {v: n for v, n in counts.items() if n} == dict(expected), facet
