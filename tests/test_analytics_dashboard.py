"""The analytics dashboard and the widget's click reporting, in a real browser (Chromium via Playwright).

A person searches and opens a result in the widget on the demo page (the widget reports it through
POST /events); an admin opens /admin/analytics, types the key into the page and sees the charts drawn
from the same numbers the JSON reports give -- under the page's strict CSP, with the key sent only in
the X-API-Key header, never in a URL.

Chromium is Debian's (/usr/bin/chromium; scripts/test installs it): without it these tests skip locally
and fail under CI=true, as tests/test_widget_browser.py does; the browser is the session's (tests/widget_harness.py).
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from analytics_support import ADMIN, KEY
from live_server import LiveServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 20_000
UNMET = ["zxqv blorf quantum spaceport", "zxqv blorf quantum spaceport", "interplanetary spaceport tax"]


class CitySite:
    """Another website on its own loopback origin; `page` is whatever HTML it should serve."""

    def __init__(self) -> None:
        site = self
        self.html = b""

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(site.html)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def site():
    city = CitySite()
    yield city
    city.close()


@pytest.fixture(scope="module")
def server(browser, built_index, tmp_path_factory, site):
    tmp = tmp_path_factory.mktemp("dashboard")
    with LiveServer(
        built_index.index,
        built_index.data,
        tmp / "server.log",
        PRACTICE_SEARCH_ADMIN_KEYS=KEY,
        PRACTICE_SEARCH_ANALYTICS_URL=f"sqlite:///{tmp / 'analytics.sqlite3'}",
        PRACTICE_SEARCH_CORS_ORIGINS=site.origin,
    ) as live:
        for q in ["music", "welcoming newcomers", "music", *UNMET]:
            assert httpx.get(live.base + "/search", params={"q": q}).status_code == 200
        yield live


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on("pageerror", lambda err: problems.append(f"error: {err}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console: {msg.text} ({msg.location.get('url')})")
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    yield page, problems
    context.close()


def _report(server, name: str, **params) -> dict:
    return httpx.get(f"{server.base}/admin/analytics/{name}", params=params, headers=ADMIN).json()


def _wait_counted(server, key: str, at_least: int) -> dict:
    """Recording is batched off the request path: poll the summary until it counts what was sent."""
    for _ in range(100):
        summary = _report(server, "summary")
        if summary[key] >= at_least:
            return summary
        time.sleep(0.1)
    raise AssertionError(f"{key} never reached {at_least}: {summary}")


def test_opening_a_result_in_the_widget_is_reported(server, page):
    page, problems = page
    page.goto(server.base + "/")
    box = page.locator("input[role=combobox]")
    box.fill("music without language")
    box.press("Enter")
    first = page.locator(".ps-result .ps-open").first
    first.wait_for()
    query_id, practice_id = first.get_attribute("data-ps-query-id"), first.get_attribute("data-id")
    assert len(query_id) > 40 and first.get_attribute("data-ps-position") == "1"
    with page.expect_request(lambda r: r.url.endswith("/events")) as sent:
        first.click()
    assert sent.value.post_data_json == {"query_id": query_id, "practice_id": practice_id, "position": 1}
    assert sent.value.response().status == 204
    _wait_counted(server, "clicks", 1)
    opened = {r["practice_id"]: r["opened"] for r in _report(server, "practices", limit=50)["rows"]}
    assert opened[practice_id] == 1
    assert problems == []


def test_a_widget_embedded_on_another_site_reports_opens_through_cors(server, site, page):
    page, problems = page
    site.html = (
        f"<!doctype html><html lang=en><body><div data-practice-search data-api='{server.base}'></div>"
        f"<script src='{server.base}/widget.js'></script></body></html>"
    ).encode()
    page.goto(site.origin + "/city.html")
    box = page.locator("input[role=combobox]")
    box.fill("welcoming newcomers to the city")
    box.press("Enter")
    first = page.locator(".ps-result .ps-open").first
    first.wait_for()
    with page.expect_response(lambda r: r.url == server.base + "/events" and r.request.method == "POST") as sent:
        first.click()
    assert sent.value.status == 204
    assert sent.value.headers["access-control-allow-origin"] == site.origin
    assert problems == []


def test_the_dashboard_draws_the_reports_with_the_key_typed_in(server, page):
    page, problems = page
    _wait_counted(server, "searches", 6)
    sent_keys: list[str | None] = []
    page.on(
        "request",
        lambda r: (
            sent_keys.append(r.headers.get("x-api-key"))
            if "/admin/analytics/" in r.url and "/static/" not in r.url
            else None
        ),
    )
    response = page.goto(server.base + "/admin/analytics")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator("#da-key").get_attribute("type") == "password"
    page.fill("#da-key", KEY)
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-loaded=true]")
    summary = _report(server, "summary")
    assert page.locator(".da-tile[data-key=searches] dd").inner_text() == str(summary["searches"])
    assert page.locator(".da-tile[data-key=no_close_match] dd").inner_text() == str(summary["no_close_match"])
    timeline = _report(server, "timeline")["rows"]
    assert page.locator("#da-timeline polyline").count() == 2
    assert page.locator("#da-timeline circle").count() == 2 * len(timeline)
    themes = _report(server, "themes", limit=10)["rows"]
    assert page.locator("#da-themes .da-row").count() == len(themes) >= 1
    assert page.locator("#da-themes .da-label").all_text_contents() == [t["label"] for t in themes]
    languages = _report(server, "languages")["rows"]
    assert page.locator("#da-languages rect").count() == len(languages)
    assert page.locator("#da-unmet tbody tr").count() == len(_report(server, "unmet", limit=20)["rows"])
    assert page.locator("#da-unmet tbody td").first.inner_text() == "zxqv blorf quantum spaceport"
    assert page.locator("#da-practices .da-row").count() == min(10, len(_report(server, "practices", limit=10)["rows"]))
    assert KEY not in page.url and set(sent_keys) == {KEY} and len(sent_keys) >= 9
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "analytics-dashboard.png"), full_page=True)
    assert problems == []


def test_a_csv_download_from_the_dashboard(server, page):
    page, _ = page
    page.goto(server.base + "/admin/analytics")
    page.fill("#da-key", KEY)
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-loaded=true]")
    with page.expect_download() as download:
        page.click("button[data-report=unmet]")
    path = download.value.path()
    assert download.value.suggested_filename == "analytics-unmet.csv"
    assert Path(path).read_text(encoding="utf-8").splitlines()[0] == "query,searches,last_day"


def test_a_wrong_key_shows_why_and_no_report(server, page):
    page, _ = page
    page.goto(server.base + "/admin/analytics")
    page.fill("#da-key", "not-the-key-" + "x" * 30)
    page.click("button[type=submit]")
    page.wait_for_selector(".da-status.da-error")
    assert page.locator("#da-status").inner_text() == "The admin key was refused: invalid API key"
    assert page.locator("#da-reports").is_hidden()
