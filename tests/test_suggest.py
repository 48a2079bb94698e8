"""Type-ahead suggestions: prefix on word starts, accents and case ignored, typo-tolerant, matched part marked.

The Suggester is tested on the shipped corpus (it needs the practices only, no index); the route
on the 12-practice index fixture.
"""

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.corpus import load_corpus
from ranking.suggest import Suggester, Suggestion, normalise
from search_service.app import build_app
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester(load_corpus(CORPUS))


@pytest.fixture(scope="module")
def client(built_index, encoders):
    return TestClient(build_app(built_index.model_copy(update={"request_timeout_s": 120}), encoders))


def marked(s: Suggestion) -> str:
    ((a, b),) = s.highlight
    return s.text[a:b]


def test_normalise_folds_accents_case_and_apostrophes():
    assert normalise("Mescla’t") == ("mesclat", (0, 1, 2, 3, 4, 5, 7, 8))
    assert normalise("Anti-Rumour  Cafés")[0] == "anti rumour cafes"
    assert normalise("Portimão")[0] == "portimao"


def test_a_half_remembered_title_is_found_by_its_start(suggester):
    first = suggester.suggest("mescl", 5)[0]
    assert first == Suggestion(type="title", text="Mescla’t", id=first.id, highlight=[(0, 5)], count=None)
    assert first.id and marked(first) == "Mescl"


def test_a_mistyped_name_is_still_found(suggester):
    found = suggester.suggest("bizlagunak", 5)
    assert [s.text for s in found] == ["Bizilagunak / The Next-door family"]
    assert marked(found[0]) == "Bizilagunak"


def test_accents_and_case_do_not_matter(suggester):
    found = suggester.suggest("PORTIM", 5)
    assert (found[0].type, found[0].text, marked(found[0])) == ("city", "Portimão", "Portim")
    assert found[0].count and found[0].count >= 1
    assert all("portim" in normalise(marked(s))[0] for s in found)


def test_words_inside_a_title_match_after_those_at_its_start(suggester):
    found = suggester.suggest("lisbon", 8)
    assert (found[0].type, found[0].text) == ("city", "Lisbon")
    starts = [s.highlight[0][0] == 0 for s in found]
    assert starts == sorted(starts, reverse=True)  # all start matches first
    assert any(s.type == "title" and s.highlight[0][0] > 0 for s in found)


def test_countries_and_topics_are_suggested_with_their_counts(suggester):
    country = suggester.suggest("ukra", 3)[0]
    assert (country.type, country.text, country.id, marked(country)) == ("country", "Ukraine", "UA", "Ukra")
    topic = suggester.suggest("gender", 3)[0]
    assert (topic.type, topic.text, topic.id, marked(topic)) == ("topic", "Gender equality", None, "Gender")
    assert topic.count == sum(1 for p in load_corpus(CORPUS) if "Gender equality" in p.topics)


def test_limit_and_nonsense(suggester):
    assert len(suggester.suggest("a", 3)) == 3
    assert suggester.suggest("zzqx", 5) == []
    assert suggester.suggest("  ' - ", 5) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=100) | st.sampled_from(["ß", "İst", "ﬁl", "Ñ", "ó", "’t", "l’a", "  a  b ", "-–—"]))
def test_any_text_gets_well_formed_suggestions(suggester, q):
    found = suggester.suggest(q, 8)
    assert len(found) <= 8
    for s in found:
        ((a, b),) = s.highlight
        assert 0 <= a < b <= len(s.text)
        assert s.type in ("title", "city", "country", "topic")


def test_route_answers_json_with_marked_matches(client):
    body = client.get("/suggest", params={"q": "Erlan"}).json()
    assert body == {
        "q": "Erlan",
        "suggestions": [{"type": "city", "text": "Erlangen", "id": None, "highlight": [[0, 5]], "count": 3}],
    }
    body = client.get("/suggest", params={"q": "music mak", "limit": 1}).json()
    assert body == {
        "q": "music mak",
        "suggestions": [
            {
                "type": "title",
                "text": "Music-making without language",
                "id": "music-making-without-language-erlangen",
                "highlight": [[0, 9]],
                "count": None,
            }
        ],
    }


def test_route_is_typo_tolerant(client):
    body = client.get("/suggest", params={"q": "stavnger"}).json()
    assert body["suggestions"][0] == {
        "type": "city",
        "text": "Stavanger",
        "id": None,
        "highlight": [[0, 9]],
        "count": 3,
    }


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({}, "q"),
        ({"q": "x", "limit": 0}, "limit"),
        ({"q": "x", "limit": 21}, "limit"),
        ({"q": "x" * 101}, "q"),
        ({"q": "x", "other": 1}, "other"),
    ],
)
def test_invalid_parameters_are_422_naming_them(client, params, param):
    response = client.get("/suggest", params=params)
    assert response.status_code == 422
    assert [e["param"] for e in response.json()["errors"]] == [param]


def test_openapi_documents_suggest(client):
    route = client.get("/openapi.json").json()["paths"]["/suggest"]["get"]
    assert {p["name"] for p in route["parameters"]} == {"q", "limit"}
    assert {"200", "422"} <= set(route["responses"])
