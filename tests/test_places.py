"""Places a query names (ranking/places.py): countries in English or the query's language, the corpus's cities."""

from pathlib import Path

import pytest

from indexer.corpus import load_corpus
from indexer.countries import english_names, translated_names
from ranking.places import PlaceMatcher, city_names

ROOT = Path(__file__).resolve().parent.parent
PRACTICES = load_corpus(ROOT / "data" / "practices.jsonl")


@pytest.fixture(scope="module")
def places() -> PlaceMatcher:
    return PlaceMatcher(PRACTICES)


def named_cities(places: PlaceMatcher, text: str, language: str | None) -> set[str]:
    return {PRACTICES[i].city for i in places.named(text, language).nonzero()[0]}


def in_country(code: str) -> set[str]:
    return {p.city for p in PRACTICES if code in p.all_country_codes}


def test_an_english_country_name_marks_every_practice_in_that_country(places):
    assert named_cities(places, "refugees Germany", "en") == in_country("DE")
    assert named_cities(places, "foreign residents South Korea", "en") == in_country("KR")
    assert named_cities(places, "anti-rumour work in the UK", "en") == in_country("GB")


def test_english_matches_whole_words_only(places):
    for text in ("German language courses", "Greek community", "roma mediators", "Portuguese lessons"):
        assert not places.named(text, "en").any(), text


def test_a_demonym_names_its_country_only_before_a_word_for_a_place(places):
    assert named_cities(places, "Italian cities intercultural mediation", "en") == in_country("IT")
    assert named_cities(places, "anti-rumour strategies of Spanish towns", "en") == in_country("ES")
    for text in ("Ukrainian refugees", "German lessons for migrants", "Polish community in the city", "Italian"):
        assert not places.named(text, "en").any(), text


@pytest.mark.parametrize(
    ("text", "language", "code"),
    [
        ("біженці Німеччина", "uk", "DE"),
        ("проти чуток в Іспанії", "uk", "ES"),  # locative of Іспанія
        ("Κύπρος διαπολιτισμικά δίκτυα", "el", "CY"),
        ("mujeres migrantes España", "es", "ES"),
        ("dialog międzyreligijny w Hiszpanii", "pl", "ES"),
        ("Flüchtlinge Deutschland", "de", "DE"),
        ("Storbritannien flyktingar välkomna", "sv", "GB"),  # CLDR's everyday name; ISO's is "Förenade kungariket"
        ("Integration Russland", "de", "RU"),  # ISO's: "Russische Föderation"
    ],
)
def test_a_country_named_in_the_query_language_inflected_or_not(places, text, language, code):
    assert named_cities(places, text, language) == in_country(code)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("cours de français pour les migrants", "fr"),
        ("clases de español para adultos", "es"),
        ("corsi di italiano per stranieri", "it"),
        ("курси українська мова", "uk"),
        ("Deutschkurse für Geflüchtete", "de"),
    ],
)
def test_the_language_a_course_teaches_names_no_country(places, text, language):
    assert not places.named(text, language).any()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("language support for refugees from Ukraine", "en"),
        ("Sprachkurse für Geflüchtete aus Deutschland", "de"),
        ("підтримка біженців з України", "uk"),
        ("pomoc dla uchodźców z Ukrainy", "pl"),
    ],
)
def test_a_country_people_come_from_is_not_where_to_look(places, text, language):
    assert not places.named(text, language).any()
    assert places.named("refugees in Ukraine", "en").any() and places.named("біженці в Україні", "uk").any()


def test_translations_keep_their_accents_so_words_that_only_look_alike_name_nothing(places):
    assert "Subotica" in named_cities(places, "projetos na Sérvia", "pt")
    assert not places.named("a comida servia a todos", "pt").any()


def test_cities_of_the_corpus_are_named_in_any_language_and_with_or_without_accents(places):
    assert named_cities(places, "Montreal racism discrimination", "en") == {"Montreal"}
    assert named_cities(places, "Montréal racisme discrimination", "fr") == {"Montreal"}
    assert {"Berlin", "Berlin-Neukölln"} <= named_cities(places, "Berlin youth", "en")
    assert "Lutsk (with Pavlohrad and Lublin)" in named_cities(places, "Lublin", "en")


@pytest.mark.parametrize(
    ("text", "language", "city"),
    [
        ("Осло ЛГБТ", "uk", "Oslo"),
        ("Όσλο ΛΟΑΤ", "el", "Oslo"),
        ("біженці у Сабаделі", "uk", "Sabadell"),  # declined, and ь dropped: Sabadeli
        ("Більбао проти чуток", "uk", "Bilbao"),
        ("Πάτρα πρόσφυγες", "el", "Patras"),
    ],
)
def test_a_city_written_in_another_script_is_named_by_its_transliteration(places, text, language, city):
    assert named_cities(places, text, language) == {city}


@pytest.mark.parametrize(("text", "language"), [("молодь і спорт", "uk"), ("νέοι και αθλητισμός", "el")])
def test_words_of_another_script_that_transliterate_to_no_city_name_nothing(places, text, language):
    assert not places.named(text, language).any()


def test_a_pasted_description_is_not_read_for_places(places):
    paragraph = "Our town in Germany runs a weekly language cafe for newcomers from Syria and Ukraine. " * 3
    assert len(paragraph.split()) > 30
    assert not places.named(paragraph, "en").any()
    assert places.named("language cafe Germany", "en").any()


def test_city_names_split_joined_names_and_keep_the_corpus_list():
    by_city = {p.city: p for p in PRACTICES}
    assert city_names(by_city["London-Lewisham"]) == ["London-Lewisham", "London", "Lewisham"]
    assert set(city_names(by_city["Lublin, Krakow and Wrocław"])) == {"Lublin", "Krakow", "Wrocław"}


def test_country_names_come_from_the_iso_tables_their_translations_and_cldr():
    assert {"Spain", "Kingdom of Spain"} <= english_names("ES")
    assert {"uk", "England"} & english_names("GB") and "Korea, Republic of" not in english_names("KR")
    assert "Іспанія" in translated_names("ES", "uk") and "Espanha" in translated_names("ES", "pt")
    assert {"Storbritannien", "Förenade kungariket"} <= translated_names("GB", "sv")
    assert "Νότια Κορέα" in translated_names("KR", "el")  # ISO's Greek name has a comma, so only CLDR's is left
    assert translated_names("ES", "xx") == set() and translated_names("ZZ", "uk") == set()


@pytest.mark.parametrize(
    ("text", "language", "city"),
    [
        ("Lisboa migrantes", "pt", "Lisbon"),
        ("Barcelone rumeurs", "fr", "Barcelona"),
        ("Лісабон мігранти", "uk", "Lisbon"),
        ("migranci w Lizbonie", "pl", "Lisbon"),  # locative of Lizbona
        ("mediazione interculturale Torino", "it", "Turin"),
        ("Ginevra richiedenti asilo", "it", "Geneva"),
        ("Mont-real feina per a nouvinguts", "ca", "Montreal"),  # GeoNames' "Mont-real": a hyphen parts the words
        ("Mondinsieme Реджо-Емілія", "uk", "Reggio Emilia"),
        ("Pontes Ubuntu Λισαβόνα", "el", "Lisbon"),  # spelt with omicron; GeoNames' Λισαβώνα has omega
    ],
)
def test_a_city_named_by_its_name_in_another_language(places, text, language, city):
    assert named_cities(places, text, language) == {p.city for p in PRACTICES if city in city_names(p)}


def test_another_name_that_is_also_a_common_word_names_its_city_only_with_a_capital(places):
    # "lisboa" and "landen" (Dutch: countries; London's Dutch name) are common words in wordfreq's lists
    assert named_cities(places, "Lisboa migrantes", "pt")
    assert not places.named("lisboa migrantes", "pt").any()
    assert not places.named("migranten uit andere landen", "nl").any()


def test_ordinary_words_that_geonames_lists_as_city_names_name_nothing(places):
    # GeoNames lists "Pari" for Paris, "Feira" for Santa Maria da Feira, "Luck" for Lutsk
    for text, language in (("pari opportunità", "it"), ("feira intercultural", "pt"), ("Good luck", "en")):
        assert not places.named(text, language).any(), text
