"""The widget's state in the address (deep links, back / forward), its disjunctive filters and suggestions.

Real Chromium against the real service over the 16-practice widget fixture (tests/widget_harness.py).
"""

import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.widget_harness import PRACTICES, result_countries, result_titles, search

pytestmark = pytest.mark.browser

BY_ID = {p["id"]: p for p in PRACTICES}
BOX = "input[role=combobox]"  # the search box (the selects are comboboxes too, implicitly)


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def hash_params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).fragment)


def idle(page, root: str = ".ps-root") -> None:
    page.wait_for_function("(r) => !document.querySelector(r).classList.contains('ps-loading')", arg=root)


def only_in(page, country: str, root: str = ".ps-root") -> None:
    """Wait until the listed results are all in that country (and the widget is idle)."""
    page.wait_for_function(
        "([r, c]) => { const m = [...document.querySelectorAll(r + ' .ps-result .ps-meta')];"
        " return !document.querySelector(r).classList.contains('ps-loading') && m.length > 0"
        " && m.every(e => e.textContent.split(' · ')[0].endsWith(', ' + c)); }",
        arg=[root, country],
    )
    assert set(result_countries(page, "" if root == ".ps-root" else root)) == {country}


def listed(page) -> list[str]:
    """The result titles, once the widget is idle with results."""
    page.wait_for_function(
        "() => !document.querySelector('.ps-root.ps-loading') && document.querySelectorAll('.ps-result').length > 0"
    )
    return result_titles(page)


def option_counts(page, label: str) -> dict[str, int]:
    texts = page.get_by_label(label, exact=True).locator("option").all_inner_texts()
    return {m.group(1): int(m.group(2)) for t in texts if (m := re.fullmatch(r"(.+) \((\d+)\)", t))}


# --- deep links and history ------------------------------------------------------------------


def test_query_filters_and_opened_practice_are_in_the_address_and_back_restores_them(service, open_page):
    page, watch = open_page()
    page.goto(service + "/")
    search(page, "anti-rumour")
    assert params(page) == {"ps-q": ["anti-rumour"]}
    everywhere = listed(page)

    page.get_by_label("Country", exact=True).select_option("ES")
    page.wait_for_function("() => new URLSearchParams(location.search).get('ps-country') === 'ES'")
    only_in(page, "Spain")
    spanish = result_titles(page)

    page.locator(".ps-open").first.click()
    opened = page.locator(".ps-open").first.get_attribute("data-id")
    assert params(page) == {"ps-q": ["anti-rumour"], "ps-country": ["ES"], "ps-open": [opened]}
    page.wait_for_selector(".ps-description")

    page.go_back()  # the panel closes, the Spanish results stay
    page.wait_for_function("() => document.querySelector('.ps-detail').hidden")
    assert params(page) == {"ps-q": ["anti-rumour"], "ps-country": ["ES"]}
    assert result_titles(page) == spanish

    page.go_back()  # the country filter goes
    page.wait_for_function("() => document.querySelector('.ps-filters select').value === ''")
    idle(page)
    assert result_titles(page) == everywhere

    page.go_forward()
    page.wait_for_function("() => document.querySelector('.ps-filters select').value === 'ES'")
    idle(page)
    assert result_titles(page) == spanish
    assert not watch.errors


def test_opening_a_link_restores_query_filters_mode_and_practice(service, open_page):
    page, watch = open_page()
    practice = "anti-rumour-web-app-bilbao"
    page.goto(
        service + f"/?ps-q=anti-rumour&ps-country=ES&ps-city=Bilbao&ps-ongoing=true&ps-mode=keyword"
        f"&ps-open={practice}&other=kept"
    )
    page.wait_for_function(
        "(t) => document.querySelector('.ps-detail-title').textContent === t", arg=BY_ID[practice]["title"]
    )
    idle(page)
    assert page.locator(BOX).input_value() == "anti-rumour"
    assert page.get_by_label("Country", exact=True).input_value() == "ES"
    assert page.get_by_label("Status", exact=True).input_value() == "true"
    assert page.get_by_label("Search mode").input_value() == "keyword"
    assert page.locator(".ps-city input:checked").evaluate_all("els => els.map(e => e.value)") == ["Bilbao"]
    expected = {p["title"] for p in PRACTICES if p["city"] == "Bilbao" and p["ongoing"]}
    assert set(result_titles(page)) <= expected and result_titles(page)
    assert params(page)["other"] == ["kept"]  # the host page's own parameter is left alone
    assert not watch.errors


def test_pages_loaded_are_restored_from_the_address(service, site, open_page):
    page, _ = open_page()
    url = site.page(
        "pages.html", f"<div data-practice-search data-api='{service}' data-limit='3'></div>", service + "/widget.js"
    )
    page.goto(url)
    search(page, "migrants")
    page.locator(".ps-more").click()
    page.wait_for_function("() => document.querySelectorAll('.ps-result').length === 6")
    assert params(page) == {"ps-q": ["migrants"], "ps-page": ["2"]}
    six = result_titles(page)
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('.ps-result').length === 6")
    assert result_titles(page) == six


def test_hash_mode_leaves_the_query_string_to_the_host_page(service, site, open_page):
    page, _ = open_page()
    url = site.page(
        "hash.html",
        f"<div data-practice-search data-api='{service}' data-url-state='hash' data-url-prefix='find-'></div>",
        service + "/widget.js",
    )
    page.goto(url + "?article=7")
    search(page, "mediation")
    assert params(page) == {"article": ["7"]}
    assert hash_params(page) == {"find-q": ["mediation"]}
    page.goto(url + "?article=7#find-q=mediation&find-country=NO")
    only_in(page, "Norway")
    assert page.locator(BOX).input_value() == "mediation"


def test_url_state_off_writes_nothing(service, site, open_page):
    page, _ = open_page()
    url = site.page(
        "off.html",
        f"<div data-practice-search data-api='{service}' data-url-state='off'></div>",
        service + "/widget.js",
    )
    page.goto(url)
    entries = page.evaluate("history.length")
    search(page, "mediation")
    page.get_by_label("Country", exact=True).select_option("NO")
    only_in(page, "Norway")
    assert page.url == url
    assert page.evaluate("history.length") == entries


def test_two_widgets_keep_separate_state_in_the_address(service, site, open_page):
    page, _ = open_page()
    widgets = (
        f"<div id=left data-practice-search data-api='{service}'></div>"
        f"<div id=right data-practice-search data-api='{service}'></div>"
    )
    url = site.page("two-state.html", widgets, service + "/widget.js")
    page.goto(url)
    search(page, "anti-rumour", root="#left")
    search(page, "mediation", root="#right")
    assert params(page) == {"ps-left-q": ["anti-rumour"], "ps-right-q": ["mediation"]}
    page.goto(url + "?ps-left-q=youth&ps-right-q=refugees&ps-right-country=NO")
    idle(page, "#left")
    only_in(page, "Norway", "#right")
    assert page.locator("#left [role=combobox]").input_value() == "youth"
    assert page.locator("#right [role=combobox]").input_value() == "refugees"
    assert page.locator("#left").get_by_label("Country", exact=True).input_value() == ""
    page.go_back()
    page.wait_for_function("() => document.querySelector('#left [role=combobox]').value === 'anti-rumour'")
    assert page.locator("#right [role=combobox]").input_value() == "mediation"


# --- disjunctive filters ---------------------------------------------------------------------


def test_filters_count_like_instantsearch(service, open_page):
    """A chosen country keeps the other countries' counts; the other filters count only its practices."""
    page, _ = open_page()
    page.goto(service + "/")
    page.wait_for_function("() => document.querySelectorAll('.ps-filters select')[0].options.length > 1")
    everywhere = Counter(p["country"] for p in PRACTICES)
    assert option_counts(page, "Country") == dict(everywhere)

    page.get_by_label("Country", exact=True).select_option("ES")
    page.wait_for_function("() => document.querySelectorAll('.ps-city').length === 4")
    idle(page)
    spain = [p for p in PRACTICES if p["country"] == "Spain"]
    assert option_counts(page, "Country") == dict(everywhere)  # its own filter left out
    assert option_counts(page, "Topic") == dict(Counter(t for p in spain for t in p["topics"]))
    status = option_counts(page, "Status")
    assert status == {"Ongoing": sum(p["ongoing"] for p in spain), "Finished": sum(not p["ongoing"] for p in spain)}
    cities = page.locator(".ps-city label").all_inner_texts()
    assert cities == ["Bilbao (3)", "Barcelona (2)", "Salt (1)", "Valladolid (1)"]
    assert page.locator(".ps-status").inner_text() == f"{len(spain)} results"

    # The city list is searchable, and a chosen city narrows the results to it.
    page.get_by_label("Find a city").fill("vall")
    assert page.locator(".ps-city label").all_inner_texts() == ["Valladolid (1)"]
    page.get_by_label("Valladolid (1)").check()
    page.wait_for_function("() => document.querySelector('.ps-status').textContent === '1 result'")
    assert result_titles(page) == [p["title"] for p in spain if p["city"] == "Valladolid"]
    assert params(page) == {"ps-country": ["ES"], "ps-city": ["Valladolid"]}

    # Ongoing only
    page.get_by_label("Find a city").fill("")
    page.get_by_role("button", name="Clear filters").click()
    page.get_by_label("Status", exact=True).select_option("true")
    page.wait_for_function(
        "(n) => document.querySelector('.ps-status').textContent === n + ' results'",
        arg=sum(p["ongoing"] for p in PRACTICES),
    )
    assert params(page) == {"ps-ongoing": ["true"]}


# --- suggestions -----------------------------------------------------------------------------


def test_suggestions_are_a_combobox_driven_by_the_keyboard(service, open_page):
    page, watch = open_page()
    page.goto(service + "/")
    box = page.locator(BOX)
    assert box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("surf and", delay=40)
    listbox = page.get_by_role("listbox")
    page.wait_for_function("() => document.querySelector('.ps-option mark')?.textContent === 'Surf and'")
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    options = page.get_by_role("option")
    assert options.first.inner_text().startswith("Surf and Bodyboard boost self-trust")
    assert options.first.locator("mark").inner_text() == "Surf and"

    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active == options.first.get_attribute("id")
    assert options.first.get_attribute("aria-selected") == "true"
    box.press("Escape")  # closes the list, keeps the text
    assert box.get_attribute("aria-expanded") == "false" and listbox.is_hidden()
    assert box.input_value() == "surf and"
    assert box.get_attribute("aria-activedescendant") is None

    box.press("ArrowDown")  # reopens
    listbox.wait_for()
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    box.press("Enter")  # a title opens its practice
    practice = "surf-and-bodyboard-boost-self-trust-cascais"
    page.wait_for_function(
        "(t) => document.querySelector('.ps-detail-title').textContent === t", arg=BY_ID[practice]["title"]
    )
    assert params(page)["ps-open"] == [practice]
    assert not watch.errors


def test_a_mistyped_city_suggestion_becomes_a_filter(service, open_page):
    page, _ = open_page()
    page.goto(service + "/")
    box = page.locator(BOX)
    box.press_sequentially("Amadra", delay=40)
    option = page.get_by_role("option", name=re.compile("^Amadora"))
    option.wait_for()
    assert option.inner_text().endswith("City · 1 practice")
    option.click()
    page.wait_for_function("() => document.querySelector('.ps-status').textContent === '1 result'")
    assert box.input_value() == ""
    assert result_titles(page) == [p["title"] for p in PRACTICES if p["city"] == "Amadora"]
    assert params(page) == {"ps-city": ["Amadora"]}


def test_typing_is_never_blocked_and_suggestions_are_debounced(service, open_page):
    page, _ = open_page()
    page.goto(service + "/")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/suggest?" in r.url else None)
    text = "barcelona anti-rumour strat"
    with page.expect_response(lambda r: "/suggest?q=barcelona+anti-rumour+strat&" in r.url):
        page.locator(BOX).press_sequentially(text, delay=15)
    assert page.locator(BOX).input_value() == text
    page.get_by_role("listbox").wait_for()
    assert 1 <= len(asked) < len(text) / 2
    assert "q=barcelona+anti-rumour+strat" in asked[-1]
    assert page.get_by_role("option").first.inner_text().startswith("Barcelona Anti-Rumour Strategy")


def test_suggestions_in_french(service, site, open_page):
    page, _ = open_page()
    page.goto(
        site.page(
            "fr-suggest.html",
            f"<div data-practice-search data-api='{service}'></div>",
            service + "/widget.js",
            lang="fr",
        )
    )
    page.locator(BOX).press_sequentially("norw", delay=40)
    option = page.get_by_role("option").first
    option.wait_for()
    assert option.inner_text().replace("\n", " ") == "Norvège Pays · 5 pratiques"


# --- the same in French ----------------------------------------------------------------------


def test_french_filters_count_disjunctively_and_the_link_restores_them(service, site, open_page):
    page, watch = open_page()
    url = site.page(
        "fr-state.html", f"<div data-practice-search data-api='{service}'></div>", service + "/widget.js", lang="fr"
    )
    page.goto(url)
    page.wait_for_function("() => document.querySelectorAll('.ps-filters select')[0].options.length > 1")
    page.get_by_label("Pays", exact=True).select_option("NO")
    page.wait_for_function("() => document.querySelector('.ps-status').textContent === '5 résultats'")
    norway = [p for p in PRACTICES if p["country"] == "Norway"]
    everywhere = Counter(p["country"] for p in PRACTICES)
    french = {"Spain": "Espagne", "Norway": "Norvège", "Portugal": "Portugal"}
    page.wait_for_function("() => document.querySelectorAll('.ps-city').length === 3")
    assert option_counts(page, "Pays") == {french[c]: n for c, n in everywhere.items()}
    topics_fr = {
        "Participation": "Participation",
        "Leadership and citizenship": "Leadership et citoyenneté",
        "Governance and strategy": "Gouvernance et stratégie",
        "Welcoming newcomers": "Accueil des nouveaux arrivants",
        "Business and employment": "Entreprises et emploi",
        "International outlook": "Ouverture internationale",
        "Refugees and asylum seekers": "Réfugiés et demandeurs d’asile",
        "Education": "Éducation",
        "Anti-discrimination": "Lutte contre les discriminations",
        "Mediation and conflict resolution": "Médiation et résolution des conflits",
        "Media and communication": "Médias et communication",
        "Anti-rumours": "Anti-rumeurs",
    }
    assert option_counts(page, "Thème") == {
        topics_fr[t]: n for t, n in Counter(t for p in norway for t in p["topics"]).items()
    }
    assert page.locator(".ps-city label").all_inner_texts() == ["Bergen (2)", "Stavanger (2)", "Oslo (1)"]
    assert option_counts(page, "État") == {
        "En cours": sum(p["ongoing"] for p in norway),
        "Terminée": sum(not p["ongoing"] for p in norway),
    }
    assert params(page) == {"ps-country": ["NO"]}

    page.get_by_label("Bergen (2)").check()
    page.wait_for_function("() => document.querySelector('.ps-status').textContent === '2 résultats'")
    link = page.url
    page.go_back()
    page.wait_for_function("() => document.querySelector('.ps-status').textContent === '5 résultats'")
    assert page.locator(".ps-city input:checked").count() == 0

    other, _ = open_page()  # the link, opened by someone else
    other.goto(link)
    other.wait_for_function("() => document.querySelector('.ps-status').textContent === '2 résultats'")
    assert other.get_by_label("Pays", exact=True).input_value() == "NO"
    assert set(result_titles(other)) == {p["title"] for p in norway if p["city"] == "Bergen"}
    assert not watch.errors


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_highlights_mark_content_words_only(service, site, open_page, lang):
    page, _ = open_page()
    page.goto(
        site.page(
            f"marks-{lang}.html",
            f"<div data-practice-search data-api='{service}' data-mode='keyword'></div>",
            service + "/widget.js",
            lang=lang,
        )
    )
    search(page, "how can we fight what people say about rumours and prejudice")
    page.wait_for_selector(".ps-snippet mark")
    marks = {m.lower() for m in page.locator(".ps-snippet mark").all_inner_texts()}
    content = ("rumour", "prejud", "fight", "peopl", "say")
    assert marks and all(any(c in m for c in content) for m in marks), marks  # "anti-rumour" is one word
    assert not marks & {"how", "can", "we", "what", "about", "and"}
