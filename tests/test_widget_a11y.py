"""Accessibility and robustness of the widget: an axe-core WCAG 2.1 AA audit of every state, a keyboard-only
run through every feature, a 320 px screen, and a host page whose CSS is hostile.

axe-core comes from npm (scripts/test installs it into tests/.node, git-ignored) and is injected into
the page; the audited pages are opened with bypass_csp, since the injected script is inline.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.widget_harness import ARTIFACTS, PRACTICES, result_titles, search

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / ".node" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BOX = "input[role=combobox]"
DOCS = Path(__file__).resolve().parents[1] / "docs"
HOSTILE_CSS = """<style>
body, body * { font-size: 22px; letter-spacing: 3px; line-height: 1; color: #777; background: #ffe; margin: 12px;
    padding: 9px; border: 3px dashed red; text-transform: uppercase; float: left; width: 50%; min-width: 400px;
    box-sizing: content-box; display: inline-block; position: relative; top: 5px; opacity: 0.9; }
button { all: unset; background: black; color: black; font-size: 40px; }
li { list-style: square; display: inline; float: right; width: 10px; height: 10px; overflow: hidden; }
input, select, textarea { font-size: 8px; height: 4px; width: 10px; }
ul, h2, h3, p { display: none; }
mark { background: black; color: black; }
</style>"""


@pytest.fixture
def audit():
    """audit(page) -> axe's WCAG 2.1 A/AA violations on the whole page, as [{id, nodes}]."""
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AXE} is missing: run scripts/test (npm install axe-core)", pytrace=False)
        pytest.skip(f"{AXE} is missing: run scripts/test (npm install axe-core)")

    def run(page) -> list[dict]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        return page.evaluate(
            "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
            ".map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))",
            WCAG_AA,
        )

    return run


def idle(page) -> None:
    page.wait_for_function("() => !document.querySelector('.ps-root.ps-loading')")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_state_passes_a_wcag_21_aa_audit(service, site, open_page, audit, lang):
    page, _ = open_page(bypass_csp=True)
    if lang == "en":
        page.goto(service + "/")  # the demo page
    else:
        page.goto(
            site.page(
                f"audit-{lang}.html",
                f"<div data-practice-search data-api='{service}'></div>",
                service + "/widget.js",
                lang=lang,
            )
        )
    page.wait_for_function("() => document.querySelectorAll('.ps-filters select')[0].options.length > 1")
    found = {"start": audit(page)}

    page.locator(BOX).press_sequentially("anti", delay=30)
    page.get_by_role("listbox").wait_for()
    page.locator(BOX).press("ArrowDown")
    found["suggestions open"] = audit(page)

    search(page, "anti-rumour campaign")
    page.wait_for_selector(".ps-result")
    found["results"] = audit(page)

    page.locator(".ps-open").first.click()
    page.wait_for_selector(".ps-related-open")
    found["detail open"] = audit(page)
    page.keyboard.press("Escape")

    search(page, "zxqv wurble plonk")
    page.wait_for_selector(".ps-no-close")
    found["no close match"] = audit(page)

    page.route(re.compile(r".*/search\?.*"), lambda route: route.abort("connectionrefused"))
    search(page, "anti-rumour")
    page.get_by_role("alert").wait_for()
    found["error"] = audit(page)
    assert found == {state: [] for state in found}


def test_keyboard_only_run_through_every_feature(service, site, open_page):
    """Suggestions, search, filters (select, city list, status), a result, its related practices, closing,
    more results and the comparable-initiatives form: with Tab, arrows, Enter, Space and Escape only."""
    page, watch = open_page()
    page.goto(
        site.page(
            "keyboard.html",
            f"<div data-practice-search data-api='{service}' data-limit='3'></div>",
            service + "/widget.js",
        )
    )
    page.wait_for_function("() => document.querySelectorAll('.ps-city').length > 0")
    kb = page.keyboard

    def focused(selector: str) -> bool:
        return page.evaluate("(s) => document.activeElement.matches(s)", selector)

    def tab_to(selector: str, limit: int = 40) -> None:
        for _ in range(limit):
            kb.press("Tab")
            if focused(selector):
                return
        pytest.fail(f"Tab never reached {selector}")

    tab_to(BOX)
    kb.type("Bilb")  # a suggestion: the city, chosen with the arrows and Enter
    page.get_by_role("listbox").wait_for()
    kb.press("ArrowDown")
    assert page.locator(".ps-option-active").inner_text().startswith("Bilbao")
    kb.press("Enter")
    page.wait_for_function("() => document.querySelector('.ps-status').textContent === '3 results'")
    assert focused(BOX)

    kb.type("anti-rumour")
    kb.press("Enter")
    idle(page)
    tab_to("select[id$=-topic]")  # a select, changed with the arrow keys
    kb.press("ArrowDown")
    kb.press("ArrowDown")
    idle(page)
    chosen_topic = page.locator("select[id$=-topic]").input_value()
    assert chosen_topic
    tab_to("select[id$=-ongoing]")
    kb.press("ArrowDown")
    idle(page)
    assert page.locator("select[id$=-ongoing]").input_value() in ("true", "false")
    tab_to(".ps-city input:checked")  # Space unchecks the chosen city
    kb.press("Space")
    idle(page)
    assert page.locator(".ps-city input:checked").count() == 0

    tab_to(".ps-reset")
    kb.press("Enter")
    idle(page)
    assert page.locator("select[id$=-topic]").input_value() == ""

    tab_to(".ps-result .ps-open")
    opener = page.evaluate("document.activeElement.dataset.id")
    kb.press("Enter")
    page.wait_for_selector(".ps-related-open")
    assert focused(".ps-detail-title")
    tab_to(".ps-related-open")
    related = page.evaluate("document.activeElement.dataset.id")
    kb.press("Enter")
    page.wait_for_function("(id) => new URLSearchParams(location.search).get('ps-open') === id", arg=related)
    kb.press("Escape")
    assert page.locator(".ps-detail").is_hidden()

    page.locator(f".ps-open[data-id='{opener}']").focus()  # where focus went back after the first close
    tab_to(".ps-more")
    shown = page.locator(".ps-result").count()
    kb.press("Enter")
    page.wait_for_function("(n) => document.querySelectorAll('.ps-result').length > n", arg=shown)
    assert focused(".ps-open")  # on the first new result

    page.locator(BOX).focus()
    tab_to(".ps-compare-summary")
    kb.press("Enter")  # opens the <details>
    tab_to(".ps-textarea")
    kb.type("We train volunteers to answer rumours about migrants with facts.")
    tab_to(".ps-compare-form button")
    kb.press("Enter")
    page.wait_for_function("() => /comparable practices?$/.test(document.querySelector('.ps-status').textContent)")
    assert set(result_titles(page)) <= {p["title"] for p in PRACTICES}
    assert not watch.errors


def test_usable_at_320px(service, open_page):
    page, _ = open_page(width=320, height=700)
    page.goto(service + "/")
    search(page, "anti-rumour")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "no horizontal scrolling"
    page.locator(BOX).fill("")
    page.locator(BOX).press_sequentially("bilb", delay=30)
    page.get_by_role("listbox").wait_for()
    box = page.get_by_role("listbox").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    page.locator(BOX).press("Escape")
    page.locator(".ps-open").first.click()
    page.wait_for_selector(".ps-related-open")
    assert page.locator(".ps-detail").bounding_box()["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-320.png"), full_page=False)


STYLE_PROBES = {
    ".ps-result": ["float", "display", "margin-top", "list-style-type", "border-bottom-style"],
    ".ps-open": ["text-transform", "font-size", "color", "padding-top", "background-color"],
    ".ps-button.ps-primary": ["color", "background-color", "font-size", "padding-left"],
    ".ps-input": ["height", "font-size", "border-top-style"],
    ".ps-topic": ["display", "float", "overflow-x", "border-top-style", "font-size"],
    ".ps-snippet": ["display", "letter-spacing"],
    ".ps-mark": ["background-color", "color"],
    ".ps-status": ["display", "text-transform"],
}


def styles(page) -> dict:
    return page.evaluate(
        "(probes) => Object.fromEntries(Object.entries(probes).map(([sel, props]) => {"
        " const s = getComputedStyle(document.querySelector('.ps-root ' + sel));"
        " return [sel, Object.fromEntries(props.map(p => [p, s.getPropertyValue(p)]))]; }))",
        STYLE_PROBES,
    )


def test_hostile_host_css_does_not_break_the_widget(service, site, open_page):
    """A page styling *, button, li, input and p aggressively: the widget looks as it does on a plain page.

    (`body *` rather than `*`: a rule on html would change the page's root font size, the visitor's setting,
    which the widget's rem sizes follow; one on head would show the page's own <style> text.)"""
    pages = {}
    for name, head in (("plain", ""), ("hostile", HOSTILE_CSS)):
        page, watch = open_page(width=1000, height=900)
        page.goto(
            site.page(
                f"{name}.html",
                f"<div data-practice-search data-api='{service}'></div>",
                service + "/widget.js",
                head=head,
            )
        )
        search(page, "anti-rumour campaign")
        page.wait_for_selector(".ps-snippet .ps-mark")
        pages[name] = (page, watch)
    plain, hostile = (styles(pages[n][0]) for n in ("plain", "hostile"))
    assert hostile == plain
    page = pages["hostile"][0]
    assert result_titles(page) == result_titles(pages["plain"][0])
    assert page.locator(".ps-result").first.is_visible() and page.locator(BOX).is_visible()
    page.locator(".ps-open").first.click()  # still usable
    page.wait_for_selector(".ps-description")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-hostile-css.png"), full_page=False)
    assert not pages["hostile"][1].errors


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_readme_screenshots(service, site, open_page, lang):
    """The README's pictures of the widget, in English and in French (test-artifacts/; copied to docs/
    with UPDATE_SCREENSHOTS=1)."""
    page, _ = open_page(width=900, height=760)
    page.goto(
        site.page(
            f"shot-{lang}.html",
            f"<div data-practice-search data-api='{service}'></div>",
            service + "/widget.js",
            lang=lang,
        )
    )
    search(page, "anti-rumour" if lang == "en" else "rumeurs")
    page.wait_for_selector(".ps-result")
    page.get_by_label({"en": "Country", "fr": "Pays"}[lang], exact=True).select_option("ES")
    idle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"widget-{lang}.png"
    page.locator(".ps-root").screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, DOCS / shot.name)
