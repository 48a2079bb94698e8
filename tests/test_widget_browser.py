"""The embeddable widget in a real browser (Chromium via Playwright) against the real service.

Why a browser: what the widget promises -- API text never parsed as HTML, keyboard use, loading
under the demo page's strict CSP, several independent widgets on one page, embedding from another
origin through CORS -- only holds or breaks when a browser runs it. The service is started with
uvicorn on a free port over an index built from a 16-record fixture (15 real practices plus one
record whose title is an HTML injection attempt).

Chromium is Debian's (/usr/bin/chromium; scripts/test installs it when missing). Without it these
tests skip locally but fail under CI=true, so CI can never pass without running them.
"""

import json
import re

import pytest
from live_server import free_port

from tests.widget_harness import (
    ANTI_RUMOUR_TITLES,
    ARTIFACTS,
    PRACTICES,
    TITLES,
    XSS_ID,
    XSS_TITLE,
    result_countries,
    result_titles,
    search,
)

pytestmark = pytest.mark.browser


def test_typed_query_shows_results_with_highlighted_snippets(service, open_page):
    page, watch = open_page()
    page.goto(service + "/")
    box = page.get_by_role("combobox", name="Search the Intercultural Cities good practices")
    assert box.get_attribute("type") == "search"
    box.press_sequentially("anti rumour campaign against prejudice", delay=20)  # typing, no Enter: debounce
    page.wait_for_selector(".ps-result")
    page.wait_for_function("() => !document.querySelector('.ps-root').classList.contains('ps-loading')")

    titles = result_titles(page)
    assert set(titles) <= TITLES
    assert set(titles[:3]) & ANTI_RUMOUR_TITLES, titles
    status = page.locator(".ps-status[role=status][aria-live=polite]").inner_text()
    assert re.fullmatch(r"\d+ results?", status), status
    assert page.locator(".ps-results").get_attribute("role") == "list"
    assert page.locator(".ps-result").first.get_attribute("role") == "listitem"

    marks = page.locator(".ps-snippet mark").all_inner_texts()
    assert marks, "no highlighted query terms in any snippet"
    stems = ("anti", "rumo", "campa", "again", "prejud")
    assert all(m.lower().startswith(stems) for m in marks), marks
    first = page.locator(".ps-result").first
    assert first.locator(".ps-meta").inner_text().count(",") >= 1  # "City, Country · period"
    assert first.locator(".ps-topic").count() >= 1
    assert first.locator(".ps-purpose").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "demo.png"), full_page=True)
    assert not watch.errors and not watch.csp and not watch.dialogs


def test_demo_page_has_intro_and_openapi_link(service, open_page):
    page, watch = open_page()
    page.goto(service + "/")
    assert "Intercultural Cities" in page.locator("h1").inner_text()
    docs = page.get_by_role("link", name="OpenAPI documentation")
    assert docs.get_attribute("href") == "/docs"
    assert page.request.get(service + "/docs").status == 200
    # Filters come from /facets, with counts.
    page.wait_for_function("() => document.querySelectorAll('.ps-filters select')[0].options.length > 1")
    countries = page.locator(".ps-filters select").first.locator("option").all_inner_texts()
    assert any(re.fullmatch(r"Spain \(\d+\)", c) for c in countries), countries
    assert page.get_by_label("Search mode").is_visible()  # the demo opts in with data-mode-switch
    assert not watch.errors and not watch.csp


def test_country_filter_leaves_only_that_country(service, open_page):
    page, _ = open_page()
    page.goto(service + "/")
    search(page, "welcoming migrants and refugees in the city")
    assert len(set(result_countries(page))) > 1, "query should match several countries before filtering"

    page.get_by_label("Country").select_option("NO")
    page.wait_for_function(
        "() => { const m = [...document.querySelectorAll('.ps-result .ps-meta')];"
        " return !document.querySelector('.ps-root.ps-loading') && m.length > 0"
        " && m.every(e => e.textContent.includes(', Norway')); }"
    )
    countries = result_countries(page)
    assert countries and set(countries) == {"Norway"}, countries
    norway = sum(1 for p in PRACTICES if p["country"] == "Norway")
    assert len(countries) <= norway


def test_opening_a_result_by_keyboard_shows_practice_and_related(service, open_page):
    page, _ = open_page()
    page.goto(service + "/")
    box = page.locator("input[role=combobox]")
    box.focus()
    page.keyboard.type("language support for newcomers")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ps-result")
    for _ in range(40):  # keyboard only: Tab from the search box until a result is focused
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('ps-open')"):
            break
    else:
        pytest.fail("Tab never reached a result")
    opener_id = page.evaluate("document.activeElement.dataset.id")
    page.keyboard.press("Enter")

    detail = page.locator(".ps-detail")
    title = detail.locator(".ps-detail-title")
    expected = next(p for p in PRACTICES if p["id"] == opener_id)
    page.wait_for_function("(t) => document.querySelector('.ps-detail-title').textContent === t", arg=expected["title"])
    assert page.evaluate("document.activeElement.classList.contains('ps-detail-title')")
    page.wait_for_selector(".ps-description")
    assert detail.locator(".ps-description").inner_text().strip()[:40] == expected["description"][:40]
    assert detail.get_attribute("role") == "region"

    related = detail.locator(".ps-related-open")
    related.first.wait_for()
    related_ids = [related.nth(i).get_attribute("data-id") for i in range(related.count())]
    assert related_ids and opener_id not in related_ids
    assert set(related_ids) <= {p["id"] for p in PRACTICES}

    # Related practices are clickable: the panel switches to the one clicked.
    target = related.first.inner_text()
    related.first.click()
    expect_title = "(t) => document.querySelector('.ps-detail-title').textContent === t"
    page.wait_for_function(expect_title, arg=target)
    page.wait_for_selector(".ps-related-open")

    page.keyboard.press("Escape")
    assert not detail.is_visible()
    assert title.count() == 0 or not title.is_visible()
    assert page.evaluate("document.activeElement.dataset.id") == opener_id, "focus should return to the result"


def test_pasted_description_returns_comparable_practices(service, open_page):
    page, _ = open_page()
    page.goto(service + "/")
    page.locator(".ps-compare summary").click()
    text = (
        "Our municipality wants to train volunteers to counter false rumours and stereotypes about migrants. "
        "We plan a communication campaign, workshops in schools and a game that debunks prejudice."
    )
    page.get_by_label("Describe your own initiative").fill(text)
    with page.expect_request(lambda r: r.url.endswith("/similar") and r.method == "POST") as req:
        page.get_by_role("button", name="Find comparable initiatives").click()
    assert json.loads(req.value.post_data)["text"] == text
    page.wait_for_function("() => /comparable practices?$/.test(document.querySelector('.ps-status').textContent)")
    titles = result_titles(page)
    assert titles and set(titles) <= TITLES
    assert set(titles[:3]) & ANTI_RUMOUR_TITLES, titles


def test_practice_titled_with_html_is_shown_as_text_and_runs_nothing(service, open_page):
    page, watch = open_page()
    page.goto(service + "/")
    search(page, "widget escaping test record")
    item = page.locator(f".ps-open[data-id='{XSS_ID}']")
    item.wait_for()
    assert item.inner_text() == XSS_TITLE  # shown literally, angle brackets and all
    item.click()
    page.wait_for_selector(".ps-description")
    assert page.locator(".ps-detail-title").inner_text() == XSS_TITLE
    assert "<script>alert(2)</script>" in page.locator(".ps-description").inner_text()
    assert "<b>as text</b>" in page.locator(".ps-detail .ps-purpose").inner_text()
    page.wait_for_timeout(500)  # give a (wrongly) created <img onerror> time to fire
    assert page.locator(".ps-root img, .ps-root script, .ps-root b").count() == 0
    assert watch.alerts() == [] and watch.dialogs == []


def test_no_close_match_says_so_and_shows_the_nearest(service, open_page):
    page, _ = open_page()
    page.goto(service + "/")
    search(page, "zxqv wurble plonk")
    message = page.locator(".ps-message").inner_text()
    assert "No close match" in message, message
    assert page.locator(".ps-result").count() >= 1


def test_more_results_appends_the_next_page(service, site, open_page):
    page, _ = open_page()
    url = site.page(
        "more.html", f"<div data-practice-search data-api='{service}' data-limit='3'></div>", service + "/widget.js"
    )
    page.goto(url)
    search(page, "migrants")
    first_page = result_titles(page)
    assert len(first_page) == 3
    more = page.locator(".ps-more")
    assert more.is_visible()
    more.click()
    page.wait_for_function("() => document.querySelectorAll('.ps-result').length > 3")
    titles = result_titles(page)
    assert titles[:3] == first_page and len(set(titles)) == len(titles)
    assert page.evaluate("document.activeElement.dataset.id")  # focus moved to the first new result


def test_unreachable_api_shows_error_with_retry(service, site, open_page):
    page, _ = open_page()
    closed = free_port()  # nothing listens there
    url = site.page(
        "unreachable.html",
        f"<div data-practice-search data-api='http://127.0.0.1:{closed}'></div>",
        service + "/widget.js",
    )
    page.goto(url)
    search(page, "anti-rumour")
    alert = page.get_by_role("alert")
    assert "could not be reached" in alert.inner_text()
    assert page.locator(".ps-result").count() == 0
    with page.expect_request(lambda r: f":{closed}/search" in r.url):
        page.get_by_role("button", name="Retry").click()
    page.get_by_role("alert").wait_for()


def test_retry_recovers_once_the_api_answers(service, open_page):
    page, _ = open_page()
    page.route(re.compile(r".*/search\?.*"), lambda route: route.abort("connectionrefused"))
    page.goto(service + "/")
    search(page, "anti-rumour")
    assert page.get_by_role("alert").is_visible()
    page.unroute(re.compile(r".*/search\?.*"))
    page.get_by_role("button", name="Retry").click()
    page.wait_for_selector(".ps-result")
    assert page.get_by_role("alert").count() == 0


def test_embedding_on_another_allowed_origin_uses_cors(service, site, open_page):
    page, watch = open_page()
    # No data-api: the API is taken from where widget.js was loaded.
    url = site.page("city-page.html", "<div data-practice-search></div>", service + "/widget.js")
    page.goto(url)
    search(page, "anti-rumour")
    assert result_titles(page)
    assert not page.get_by_label("Search mode").is_visible()  # hidden unless data-mode-switch
    assert page.evaluate("getComputedStyle(document.querySelector('.ps-root')).fontFamily").startswith("system-ui")
    assert not watch.errors


def test_origin_not_in_cors_settings_is_refused(service, site, open_page):
    page, _ = open_page()
    url = site.page("page.html", "<div data-practice-search></div>", service + "/widget.js", site.other_origin)
    page.goto(url)
    search(page, "anti-rumour")
    assert page.get_by_role("alert").is_visible()
    assert page.locator(".ps-result").count() == 0


def test_several_widgets_on_one_page_are_independent(service, site, open_page):
    page, watch = open_page()
    widgets = (
        f"<div id=a data-practice-search data-api='{service}'></div>"
        f"<div id=b data-practice-search data-api='{service}'></div>"
    )
    url = site.page("two.html", widgets, service + "/widget.js")
    page.goto(url)
    search(page, "anti-rumour", root="#a")
    assert result_titles(page, "#a")
    assert page.locator("#b .ps-result").count() == 0
    assert page.locator("#b .ps-status").inner_text() == ""

    page.locator("#b").get_by_label("Country").select_option("PT")
    search(page, "welcoming newcomers", root="#b")
    assert set(result_countries(page, "#b")) == {"Portugal"}
    assert page.locator("#a").get_by_label("Country").input_value() == ""
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), "element ids must be unique across widgets"
    assert page.locator("link[href$='widget.css']").count() == 1
    assert not watch.errors


def test_demo_page_is_usable_at_360px(service, open_page):
    page, _ = open_page(width=360, height=780)
    page.goto(service + "/")
    search(page, "anti-rumour")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no horizontal scrolling"
    page.locator(".ps-open").first.click()
    page.wait_for_selector(".ps-related-open")
    assert page.locator(".ps-detail").bounding_box()["width"] <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "demo-360.png"), full_page=False)
