"""The search API on the shipped corpus: relevance, filters, paging, facets, related practices, errors."""

import json

import pytest
from api_contract import SEARCH_RESPONSE_KEYS
from fastapi.testclient import TestClient

from search_service.app import build_app

pytestmark = pytest.mark.slow  # builds the index of the whole shipped corpus


@pytest.fixture(scope="module")
def client(full_index_settings, encoders):
    return TestClient(build_app(full_index_settings, encoders))


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["results"]]


def corpus() -> dict[str, dict]:
    with open("data/practices.jsonl", encoding="utf-8") as fh:
        return {r["id"]: r for r in map(json.loads, fh)}


# Written by reading the corpus: what an official would type for a practice, and that practice.
SMOKE = [
    ("neighbours sharing a meal together once a year", "the-big-lunch-london-lewisham"),
    ("a city charter setting out the values of integration", "the-value-of-a-city-integration-charter-erlangen"),
    ("fight hurtful words and hate speech online", "geneva-the-city-tackles-hurtful-words-geneva"),
    (
        "public libraries helping newcomers learn French",
        "the-role-of-libraries-as-drivers-of-integration-and-intercultural-interaction-sherbrooke",
    ),
    ("teach Arabic to staff of local services", "italy-learn-arabic-reggio-emilia"),
    ("mobile app to help migrants find public services", "a-welcoming-app-portuguese-network-of-intercul"),
    ("faith groups as partners in community building", "having-faith-in-lewisham-london-lewisham"),
    ("young anti-rumour agents exchange between cities", "anti-rumour-youth-exchanges-manlleu-and-barakaldo"),
    ("Stavanger immigrants council", "immigrants-council-stavanger"),
    (
        "monitoring how local media portray migrants and minorities",
        "promoting-a-positive-image-of-migrants-and-minorities-in-the-media-bergen",
    ),
]


@pytest.mark.parametrize(("query", "expected"), SMOKE)
def test_relevance_smoke(client, query, expected):
    assert expected in ids(client.get("/search", params={"q": query, "limit": 3}))


def test_result_shape(client):
    body = client.get("/search", params={"q": "intercultural mediation", "limit": 2}).json()
    assert set(body) == SEARCH_RESPONSE_KEYS
    first = body["results"][0]
    assert {"id", "title", "city", "country", "period", "topics", "purpose", "score", "snippet", "url"} <= set(first)
    snippet = first["snippet"]
    assert snippet["field"] in ("purpose", "description")
    words = [snippet["text"][a:b].lower() for a, b in snippet["highlights"]]
    assert words and all(w.startswith(("intercultur", "mediat")) for w in words)
    assert first["url"] == f"/practices/{first['id']}"


@pytest.mark.parametrize("country", ["Spain", "ES", "spain"])
def test_country_filter_fills_the_page(client, country):
    got = ids(client.get("/search", params={"q": "intercultural dialogue", "country": country, "limit": 10}))
    records = corpus()
    assert len(got) == 10
    assert all("ES" in [records[i]["country_code"], *records[i]["country_codes"]] for i in got)


def test_multi_city_practice_is_found_under_each_city(client):
    for city in ("Amadora", "Loures", "Oeiras"):
        found = ids(client.get("/search", params={"q": "", "city": city, "limit": 50}))
        assert any("amadora" in i for i in found), city


def test_multi_country_practice_is_found_under_each_country(client):
    for country in ("Israel", "Greece", "Cyprus"):
        found = ids(client.get("/search", params={"q": "youth sport", "country": country, "limit": 50}))
        assert any(i.startswith("focus-on-youth-sports") for i in found), country


def test_topic_filter(client):
    got = client.get("/search", params={"q": "schools", "topic": "Roma and Travellers", "limit": 50}).json()
    assert got["total"] > 0
    assert all("Roma and Travellers" in r["topics"] for r in got["results"])


def test_year_filter_is_overlap(client):
    got = client.get("/search", params={"q": "", "year_from": 2010, "year_to": 2011, "limit": 50}).json()
    records = corpus()
    assert got["total"] > 0
    for r in got["results"]:
        rec = records[r["id"]]
        end = rec["end_year"] or (9999 if rec["ongoing"] else rec["start_year"])
        assert rec["start_year"] <= 2011 and end >= 2010


def test_ongoing_filter(client):
    got = client.get("/search", params={"q": "youth", "ongoing": "true", "limit": 50}).json()
    assert got["results"] and all(r["ongoing"] for r in got["results"])


def test_empty_query_with_filter_browses_most_recent_first(client):
    got = client.get("/search", params={"country": "Norway", "limit": 50}).json()
    years = [r["start_year"] or 0 for r in got["results"]]
    assert got["total"] == sum(1 for r in corpus().values() if r["country_code"] == "NO")
    assert years == sorted(years, reverse=True)


@pytest.mark.parametrize("mode", ["hybrid", "semantic", "keyword"])
def test_paging_never_repeats_or_skips(client, mode):
    whole = ids(client.get("/search", params={"q": "youth participation", "mode": mode, "limit": 20}))
    pages = [
        ids(client.get("/search", params={"q": "youth participation", "mode": mode, "limit": 5, "offset": o}))
        for o in (0, 5, 10, 15)
    ]
    assert sum(pages, []) == whole
    assert len(set(whole)) == len(whole)


def test_facet_counts_equal_result_counts(client):
    params = {"q": "refugees", "topic": "Education"}
    facets = client.get("/facets", params=params).json()
    search = client.get("/search", params={**params, "limit": 1}).json()
    assert facets["total"] == search["total"]
    for entry in facets["countries"][:4]:
        narrowed = client.get("/search", params={**params, "country": entry["value"], "limit": 1}).json()
        assert narrowed["total"] == entry["count"], entry
    for entry in facets["topics"][:4]:
        both = client.get("/search", params={"q": "refugees", "topic": ["Education", entry["value"]], "limit": 1})
        assert both.json()["total"] >= entry["count"]


def test_facets_without_query_cover_the_corpus(client):
    facets = client.get("/facets").json()
    assert facets["total"] == len(corpus())
    assert {"value": "ES", "label": "Spain", "count": 45} in facets["countries"]


def test_typos_are_corrected_and_reported(client):
    body = client.get("/search", params={"q": "intercultral mediaton", "mode": "keyword"}).json()
    assert {"from": "intercultral", "to": "intercultural"} in body["corrections"]
    assert {"from": "mediaton", "to": "mediation"} in body["corrections"]
    assert body["results"] and "ediation" in body["results"][0]["title"] + body["results"][0]["purpose"]


def test_nonsense_query_says_nothing_matched_closely(client):
    body = client.get("/search", params={"q": "quantum chromodynamics lattice", "mode": "semantic"}).json()
    assert body["close_match"] is False
    assert 0 < len(body["results"]) <= 3 and not any(r["close"] for r in body["results"])


def test_get_practice_and_404(client):
    record = client.get("/practices/immigrants-council-stavanger").json()
    assert record["title"] == "Immigrants Council" and record["description"]
    missing = client.get("/practices/no-such-practice")
    assert missing.status_code == 404 and "no-such-practice" in missing.json()["detail"]


def test_similar_excludes_itself_and_caps_cities(client):
    for practice_id in list(corpus())[::7]:
        got = ids(client.get(f"/practices/{practice_id}/similar", params={"limit": 5}))
        assert practice_id not in got and len(got) == 5
        cities = [corpus()[i]["city"] for i in got]
        assert max(cities.count(c) for c in cities) <= 2, (practice_id, cities)


def test_similar_hides_near_duplicates(client):
    renamed = ("intercultural-ambassador-program-ballarat", "ballarat-multicultural-ambassadors-program-ballarat")
    assert renamed[1] not in ids(client.get(f"/practices/{renamed[0]}/similar", params={"limit": 10}))
    assert renamed[0] not in ids(client.get(f"/practices/{renamed[1]}/similar", params={"limit": 10}))


def test_similar_with_filters(client):
    got = ids(client.get("/practices/anti-rumour-web-app-bilbao/similar", params={"country": "ES", "limit": 5}))
    assert got and all(corpus()[i]["country_code"] == "ES" for i in got)


def test_similar_for_pasted_description(client):
    text = (
        "Our municipality trains volunteers who answer prejudice and false stories about newcomers in "
        "everyday conversations, with short workshops and a campaign of posters."
    )
    body = client.post("/similar", json={"text": text, "limit": 5}).json()
    topics = [t for r in body["results"] for t in r["topics"]]
    assert len(body["results"]) == 5 and "Anti-rumours" in topics


ONE_STOP = (
    "Our city opened a one-stop welcome office for newly arrived migrants and refugees. Until last year a family "
    "arriving in the city had to visit the immigration desk, the housing office, the job centre, the school "
    "registration service and the health insurance office, each in a different building and with different opening "
    "hours. Many gave up, or relied on friends who did not always know the rules. Now every service sits under one "
    "roof near the main station. A newcomer is welcomed by a guide who speaks their language, gets one appointment "
    "that covers registration, housing, schooling for the children, language courses and first steps towards a job. "
)
ANTI_RUMOUR = (
    "In a second strand of the same programme we train volunteers as anti-rumour agents. False stories about "
    "newcomers spread fast in our neighbourhoods: that they receive more benefits, take jobs, or do not want to "
    "learn the language. The agents learn the facts and how to answer prejudice calmly in everyday conversations, "
    "in shops, at the bus stop and on social media, and a poster campaign invites residents to check a rumour "
    "before passing it on. "
)


def test_a_pasted_5000_character_text_is_read_whole_and_ranked(client, monkeypatch):
    """Two initiatives in one 5,000-character paste: the first half about a one-stop welcome office, the second
    about anti-rumour agents. The encoders embed the paste as one text (its first part, within a model
    window: that bounds the cost), the results are close and led by the one-stop office, and the second half still
    moves the ranking (BM25 reads every word)."""
    text = (ONE_STOP * 4 + ANTI_RUMOUR * 6)[:4990].rsplit(" ", 1)[0] + "."
    assert 4900 <= len(text) <= 5000 and text.index(ANTI_RUMOUR) > 2000
    engine = client.app.state.service.engine
    embedded: dict[str, list[str]] = {}
    for name, encoder in engine.encoders.items():

        def spy(texts, name=name, real=encoder.encode_queries):
            embedded[name] = list(texts)
            return real(texts)

        monkeypatch.setattr(encoder, "encode_queries", spy)
    body = client.post("/similar", json={"text": text, "limit": 5}).json()
    assert set(embedded) == {"minilm", "e5"}
    window = engine.encoders["minilm"].max_tokens
    for texts in embedded.values():
        (embedded_text,) = texts  # one text, not the paste split into many
        assert text.startswith(embedded_text) and len(embedded_text) >= 500
        assert engine.encoders["minilm"].count_tokens([embedded_text])[0] <= window  # bounded cost
    assert body["close_match"] is True and len(body["results"]) == 5
    assert all(r["close"] for r in body["results"])
    assert body["results"][0]["id"] == "bringing-all-inclusion-services-in-bergen-under-one-roof-bergen"

    # the second half counts too: with it, anti-rumour practices rank higher than for the first half alone
    def first_anti_rumour(query: str) -> int:
        ranked = [pid for pid, _ in engine.ranked(query, "hybrid", depth=50)]
        return next((i for i, pid in enumerate(ranked) if "Anti-rumours" in engine.get(pid).topics), 50)

    first_half = text[: text.index(ANTI_RUMOUR)].rstrip()
    assert first_anti_rumour(text) < first_anti_rumour(first_half)


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"q": ""}, "q"),
        ({"q": "x" * 501}, "q"),
        ({"q": "a", "mode": "bogus"}, "mode"),
        ({"q": "a", "limit": 0}, "limit"),
        ({"q": "a", "limit": 1000}, "limit"),
        ({"q": "a", "topic": "Not a topic"}, "topic"),
        ({"q": "a", "country": "Atlantis"}, "country"),
        ({"q": "a", "year_from": 2020, "year_to": 2010}, "year_from"),
        ({"q": "a", "offset": -1}, "offset"),
        ({"q": "a", "unknown": 1}, "unknown"),
    ],
)
def test_invalid_parameters_are_422_naming_the_parameter(client, params, param):
    response = client.get("/search", params=params)
    assert response.status_code == 422
    body = response.json()
    assert [e["param"] for e in body["errors"]] == [param]
    assert param in body["detail"] and "Traceback" not in response.text


def test_invalid_similar_bodies(client):
    assert client.post("/similar", json={"text": "x" * 5001}).status_code == 422
    assert client.post("/similar", json={"text": "   "}).status_code == 422
    bad_json = client.post("/similar", content=b"{oops", headers={"content-type": "application/json"})
    assert bad_json.status_code == 422 and bad_json.json()["errors"][0]["param"] == "body"
    huge = client.post("/similar", content=b"x" * 200_000, headers={"content-type": "application/json"})
    assert huge.status_code == 413


def test_post_search_matches_get(client):
    params = {"q": "roma inclusion", "limit": 5}
    assert ids(client.post("/search", json=params)) == ids(client.get("/search", params=params))


def test_hybrid_falls_back_to_keyword_when_the_encoder_fails(client, monkeypatch):
    engine = client.app.state.service.engine

    def broken(*args, **kwargs):
        raise RuntimeError("model crashed")

    for encoder in engine.encoders.values():
        monkeypatch.setattr(encoder, "encode_queries", broken)
    body = client.get("/search", params={"q": "roma school mediators fallback"}).json()
    assert body["notice"] and "keyword" in body["notice"]
    assert body["results"] and body["results"][0]["topics"]


def test_health_ready_metrics(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["practices"] == len(corpus()) and ready["vectors"] > ready["practices"]
    assert ready["vocabulary_words"] >= 0  # 0 unless `indexer vocabulary` ran (tests/test_vocabulary.py)
    client.get("/search", params={"q": "youth"})
    metrics = client.get("/metrics").text
    assert 'http_requests_total{method="GET",route="/search",status="200"}' in metrics
    assert f"index_practices {float(len(corpus()))}" in metrics


def test_openapi_documents_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/search",
        "/similar",
        "/facets",
        "/practices/{practice_id}",
        "/practices/{practice_id}/similar",
        "/healthz",
        "/readyz",
    ):
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200


def test_similar_hides_a_council_published_twice(client):
    twice = (
        "limassols-intercultural-council-helps-the-city-to-handle-challenges-with-an-inte-limassol",
        "intercultural-council-of-limassol-limassol",
    )
    assert twice[1] not in ids(client.get(f"/practices/{twice[0]}/similar", params={"limit": 10}))
