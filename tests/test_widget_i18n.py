"""The widget in the visitor's language: one translation file per language, chosen by data-lang or <html lang>.

The file checks run without a browser; the rest drive Chromium against the real service
(fixtures in tests/widget_harness.py).
"""

import json
import re
from pathlib import Path

import pytest

from indexer.topics import TOPICS
from search_service.routes.widget import PLACEHOLDER, widget_source
from tests.widget_harness import PRACTICES, search

I18N = Path(__file__).resolve().parents[1] / "search_service" / "static" / "i18n"
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "uk")
ENGLISH = json.loads((I18N / "en.json").read_text(encoding="utf-8"))
PLURAL_CATEGORIES = {"zero", "one", "two", "few", "many", "other"}


def messages(lang: str) -> dict:
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))


def placeholders(message) -> set[str]:
    texts = message.values() if isinstance(message, dict) else [message]
    return {name for t in texts for name in re.findall(r"\{(\w+)\}", t)}


# --- the files -------------------------------------------------------------------------------


def test_one_file_per_language_and_nothing_else():
    assert sorted(p.stem for p in I18N.glob("*.json")) == sorted(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_exists_in_every_language(lang):
    own = messages(lang)
    assert set(own) == set(ENGLISH), f"{lang}: missing {set(ENGLISH) - set(own)}, extra {set(own) - set(ENGLISH)}"
    for key, english in ENGLISH.items():
        if key == "topics":
            continue
        message = own[key]
        assert type(message) is type(english), key
        if isinstance(message, dict):  # a plural message: Intl.PluralRules categories, "other" always there
            assert "other" in message and set(message) <= PLURAL_CATEGORIES, (lang, key)
        assert all(t.strip() for t in (message.values() if isinstance(message, dict) else [message])), (lang, key)
        assert placeholders(message) == placeholders(english), (lang, key)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_topic_of_the_vocabulary_is_translated(lang):
    topics = messages(lang)["topics"]
    assert set(topics) == set(TOPICS)
    assert all(name.strip() for name in topics.values())


def test_served_widget_embeds_every_language():
    source = widget_source()
    assert PLACEHOLDER not in source
    embedded = json.loads(re.search(r"var MESSAGES = (\{.*?\});\n", source).group(1))
    assert embedded == {lang: messages(lang) for lang in LANGUAGES}


# --- in the browser --------------------------------------------------------------------------


def embed(site, service, name: str, lang: str, attrs: str = "") -> str:
    return site.page(
        name, f"<div data-practice-search data-api='{service}' {attrs}></div>", service + "/widget.js", lang=lang
    )


@pytest.mark.browser
def test_french_page_gets_a_french_widget(service, site, open_page):
    page, watch = open_page()
    page.goto(embed(site, service, "fr.html", "fr-FR"))
    box = page.get_by_role("combobox", name="Rechercher dans les bonnes pratiques des Cités interculturelles")
    assert box.get_attribute("type") == "search"
    assert box.get_attribute("placeholder") == "p. ex. cafés linguistiques"
    assert page.locator(".ps-root").get_attribute("lang") == "fr"
    page.wait_for_function("() => document.querySelector('.ps-hint').textContent.includes('16')")
    assert page.locator(".ps-hint").inner_text().startswith("Recherchez parmi 16 bonnes pratiques")
    countries = page.get_by_label("Pays").locator("option").all_inner_texts()
    assert countries[0] == "Tous les pays"
    assert "Espagne (7)" in countries and "Norvège (5)" in countries  # names from Intl.DisplayNames
    search(page, "anti-rumour toolkit for young people")
    assert re.fullmatch(r"\d+ résultats?", page.locator(".ps-status").inner_text())
    toolkit = page.locator(".ps-result", has_text="Anti-rumour toolkit for young people")
    # "Bilbao, Spain · 2017-2019" in French: country name and years for the language
    assert toolkit.locator(".ps-meta").inner_text() == "Bilbao, Espagne · 2017–2019"
    assert toolkit.locator(".ps-topic").all_inner_texts() == ["Anti-rumeurs", "Jeunesse", "Éducation"]
    ongoing = page.locator(".ps-result", has_text="Anti-Rumour Web App").locator(".ps-meta")
    assert ongoing.inner_text() == "Bilbao, Espagne · depuis 2014"
    assert not watch.errors


@pytest.mark.browser
def test_data_lang_wins_over_the_page_language(service, site, open_page):
    page, _ = open_page()
    page.goto(embed(site, service, "de.html", "fr", "data-lang='de'"))
    assert page.get_by_role("button", name="Suchen").is_visible()
    assert page.get_by_label("Land").locator("option").first.inner_text() == "Alle Länder"
    page.locator(".ps-compare summary").click()
    assert page.get_by_role("button", name="Vergleichbare Initiativen finden").is_visible()


@pytest.mark.browser
def test_ukrainian_plurals_and_unknown_languages(service, site, open_page):
    page, _ = open_page()
    page.goto(embed(site, service, "uk.html", "uk"))
    search(page, "anti-rumour")
    total = int(re.match(r"\d+", page.locator(".ps-status").inner_text()).group(0))
    forms = messages("uk")["status.results"]
    category = (
        "one"
        if total % 10 == 1 and total % 100 != 11
        else ("few" if 2 <= total % 10 <= 4 and not 12 <= total % 100 <= 14 else "many")
    )
    assert page.locator(".ps-status").inner_text() == forms[category].replace("{count}", str(total))

    page.goto(embed(site, service, "xx.html", "tlh"))  # Klingon: not offered, English it is
    assert page.locator(".ps-root").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Search", exact=True).is_visible()


@pytest.mark.browser
def test_a_query_is_sent_as_typed_in_any_language(service, site, open_page):
    page, _ = open_page()
    page.goto(embed(site, service, "es.html", "es"))
    with page.expect_request(lambda r: "/search?" in r.url) as req:
        search(page, "¿Cómo luchar contra los rumores?")
    assert "q=%C2%BFC%C3%B3mo+luchar+contra+los+rumores%3F" in req.value.url
    titles = page.locator(".ps-result .ps-open").all_inner_texts()
    assert titles and set(titles) <= {p["title"] for p in PRACTICES}
