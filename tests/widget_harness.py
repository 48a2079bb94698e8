"""The browser-test harness: Chromium, the real service over the widget fixture index, an embedding site.

Shared by every tests/test_widget_*.py file through tests/conftest.py (session-scoped, so the
index is built and the service started once): `browser`, `site`, `service`, `open_page`, and the
helpers `search`, `result_titles`, `result_countries`.

Chromium is Debian's (/usr/bin/chromium; scripts/test installs it when missing). Without it these
tests skip locally but fail under CI=true, so CI can never pass without running them.
"""

import json
import os
import re
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from live_server import LiveServer

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "widget_practices.jsonl"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
XSS_ID = "xss-test-record"
XSS_TITLE = "<img src=x onerror=alert(1)>"
TIMEOUT_MS = 20_000

PRACTICES = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
TITLES = {p["title"] for p in PRACTICES}
ANTI_RUMOUR_TITLES = {p["title"] for p in PRACTICES if "Anti-rumours" in p["topics"] and p["id"] != XSS_ID}


def _unavailable(reason: str) -> None:
    """Skip on a developer machine without Chromium; under CI a missing browser is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Chromium, started before the service (which asks for it) so a missing browser costs no index build."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        _unavailable(f"playwright is not installed: {err}")
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as err:  # noqa: BLE001 - any launch failure means "no browser here"
        pw.stop()
        _unavailable(f"Chromium could not be started: {str(err).splitlines()[0]}")
    yield chromium
    chromium.close()
    pw.stop()


class EmbedSite:
    """Another website, on its own loopback origin, whose pages embed the widget.

    A real second origin (not page.route on a made-up host): Chromium refuses to let a page from a
    "public" origin load loopback resources, while two loopback ports are simply two origins.
    `origin` is allowed by the service's CORS setting; `other_origin` (same server, named
    localhost) is not.
    """

    def __init__(self):
        pages: dict[str, bytes] = {}
        self.pages = pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path.split("?")[0])
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body or b"not found")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_address[1]
        self.origin = f"http://127.0.0.1:{port}"
        self.other_origin = f"http://localhost:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def page(
        self, name: str, widgets: str, script_src: str, origin: str | None = None, lang: str = "en", head: str = ""
    ) -> str:
        """Publish a bare page embedding the widget, as a city's site would; returns its URL."""
        html = (
            f"<!doctype html><html lang={lang}><head><meta charset=utf-8><title>Embed</title>{head}</head>"
            f"<body><main><h1>A city's page</h1>{widgets}</main><script src='{script_src}'></script></body></html>"
        )
        self.pages["/" + name] = html.encode()
        return f"{origin or self.origin}/{name}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def site():
    embed = EmbedSite()
    yield embed
    embed.close()


@pytest.fixture(scope="session")
def service(browser, tmp_path_factory, site):
    """Build an index from the fixture corpus and run the real service on it; yields its base URL."""
    tmp = tmp_path_factory.mktemp("widget-service")
    index = tmp / "index"
    settings = {
        "PRACTICE_SEARCH_CORS_ORIGINS": site.origin,
        # every browser test shares this service from one address: its rate limit is tested elsewhere
        "PRACTICE_SEARCH_RATE_LIMIT_PER_MINUTE": "0",
        # a cold engine on a busy 2-core machine: the first queries may take more than the default 10 s
        "PRACTICE_SEARCH_REQUEST_TIMEOUT_S": "60",
    }
    build = subprocess.run(
        [sys.executable, "-m", "indexer", "build", "--data", str(FIXTURE), "--out", str(index)],
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **settings},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, f"indexer build failed:\n{build.stderr[-3000:]}"
    with LiveServer(index, FIXTURE, tmp / "service.log", **settings) as server:
        # Warm up (encoders, word lists) so the first test does not pay for it.
        urllib.request.urlopen(server.base + "/search?q=warm+up", timeout=120).read()
        yield server.base


class Watch:
    """What a page did that it must not: dialogs, alert() calls, script errors, CSP violations."""

    def __init__(self, page):
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.csp: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("console", self._console)
        # Runs before any page script: a successful injection would call alert(), which we record.
        page.add_init_script("window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, msg):
        if "Content Security Policy" in msg.text:
            self.csp.append(msg.text)

    def alerts(self) -> list[str]:
        return self.page.evaluate("window.__alerts")


@pytest.fixture
def open_page(browser):
    """Factory: a fresh page (own context) at the given viewport; all are closed at teardown."""
    contexts = []

    def make(width=1280, height=900, bypass_csp=False):
        # bypass_csp: only for tests injecting axe-core, an inline script the demo page's CSP refuses
        ctx = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=bypass_csp)
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page, Watch(page)

    yield make
    for ctx in contexts:
        ctx.close()


def search(page, query: str, root: str = "") -> None:
    """Type a query, press Enter, and wait until its results, or a message, are shown."""
    box = page.locator(f"{root} [role=combobox]".strip())
    box.fill(query)
    box.press("Enter")  # searches at once (and marks the widget busy), so old results cannot satisfy the wait
    page.wait_for_function(
        "(root) => { const r = document.querySelector(root || '.ps-root');"
        " return !r.classList.contains('ps-loading')"
        " && (r.querySelector('.ps-result') || r.querySelector('.ps-message')); }",
        arg=root,
    )


def result_titles(page, root: str = "") -> list[str]:
    return page.locator(f"{root} .ps-result .ps-open".strip()).all_inner_texts()


def result_countries(page, root: str = "") -> list[str]:
    """Countries of the listed results, read from their "City, Country · period" line."""
    metas = page.locator(f"{root} .ps-result .ps-meta".strip()).all_inner_texts()
    return [re.split(r" · ", m)[0].rsplit(", ", 1)[-1] for m in metas]
