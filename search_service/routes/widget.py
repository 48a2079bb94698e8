"""The embeddable widget and the demo page, served with a CSP that forbids inline script."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parent.parent / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src *; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)

router = APIRouter(include_in_schema=False)


@router.get("/")
def demo_page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html", headers={"Content-Security-Policy": CSP})


@router.get("/widget.js")
def widget_js() -> FileResponse:
    return FileResponse(
        STATIC / "widget.js", media_type="text/javascript", headers={"Cache-Control": "public, max-age=300"}
    )


@router.get("/widget.css")
def widget_css() -> FileResponse:
    return FileResponse(STATIC / "widget.css", media_type="text/css", headers={"Cache-Control": "public, max-age=300"})
