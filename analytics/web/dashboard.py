"""GET /admin/analytics: the dashboard page (the key is typed into the page, never put in the URL).

The page and its script carry no data: the script asks the JSON reports with the key in the X-API-Key
header. Served under a Content-Security-Policy without inline script or style, like the demo page, and
with connect-src limited to this service. Without admin keys configured the page does not exist (404),
as every admin route.
"""

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parent.parent / "static"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
FILES = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}


def router(admin_keys: list[str]) -> APIRouter:
    api = APIRouter(prefix="/admin/analytics", include_in_schema=False)

    def exists() -> None:
        if not admin_keys:
            raise HTTPException(404, "admin routes are disabled (set PRACTICE_SEARCH_ADMIN_KEYS to enable them)")

    @api.get("")
    def page() -> FileResponse:
        exists()
        return FileResponse(
            STATIC / "dashboard.html",
            media_type="text/html",
            headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"},
        )

    @api.get("/static/{name}")
    def asset(name: str) -> FileResponse:
        exists()
        if name not in FILES:
            raise HTTPException(404, "not found")
        return FileResponse(STATIC / name, media_type=FILES[name], headers={"Cache-Control": "no-cache"})

    return api
