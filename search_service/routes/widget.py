"""The embeddable widget and the demo page, served with a CSP that forbids inline script.

/widget.js is static/widget.js with the translations of static/i18n/<lang>.json (one file per
language) put in place of its `/*@i18n*/ {}` placeholder, once per process: the widget needs no
second request and no build step.
"""

import functools
import json
from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parent.parent / "static"
I18N = STATIC / "i18n"
PLACEHOLDER = "/*@i18n*/ {}"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src *; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)

router = APIRouter(include_in_schema=False)


def messages() -> dict[str, dict]:
    """{language: messages} from static/i18n/*.json."""
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(I18N.glob("*.json"))}


@functools.cache
def widget_source() -> str:
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    if PLACEHOLDER not in source:
        raise RuntimeError(f"static/widget.js lacks the {PLACEHOLDER!r} placeholder for its translations")
    return source.replace(PLACEHOLDER, json.dumps(messages(), ensure_ascii=True, sort_keys=True), 1)


@router.get("/")
def demo_page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html", headers={"Content-Security-Policy": CSP})


@router.get("/widget.js")
def widget_js() -> Response:
    return Response(widget_source(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=300"})


@router.get("/widget.css")
def widget_css() -> FileResponse:
    return FileResponse(STATIC / "widget.css", media_type="text/css", headers={"Cache-Control": "public, max-age=300"})
