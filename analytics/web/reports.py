"""GET /admin/analytics/<report> (JSON) and /admin/analytics/export.csv?report=<report>, admin key only.

Every report takes `from` and `to` (UTC days, both included; none = every day kept); top-N lists take
`limit`. While the store is degraded the reports answer 503; with analytics off, 404.
"""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from analytics.catalog import SPECS, Catalog
from analytics.csvexport import to_csv
from analytics.reports import Period
from analytics.service import Analytics, AnalyticsOff, StoreUnavailable
from analytics.web.deps import AnalyticsDep, error_doc, invalid

ReportName = Literal[tuple(SPECS)]  # type: ignore[valid-type]  # the report names, for export.csv's schema
NO_STORE = {"Cache-Control": "no-store"}
ERRORS: dict[int | str, dict] = {
    401: error_doc("no X-API-Key header"),
    403: error_doc("wrong X-API-Key"),
    404: error_doc("admin routes are off (no PRACTICE_SEARCH_ADMIN_KEYS) or analytics is off"),
    422: error_doc("a parameter is invalid; `errors` names it"),
    503: error_doc("the analytics store is unavailable (see the service log)"),
}


def period(
    start: Annotated[date | None, Query(alias="from", description="first UTC day, included")] = None,
    end: Annotated[date | None, Query(alias="to", description="last UTC day, included")] = None,
) -> Period:
    if start is not None and end is not None and start > end:
        raise invalid("from", f"from {start} is after to {end}")
    return Period(start, end)


PeriodDep = Annotated[Period, Depends(period)]
Limit = Annotated[int, Query(ge=1, le=1000, description="rows in a top-N list")]


def _catalog(analytics: Analytics) -> Catalog:
    try:
        return analytics.catalog()
    except AnalyticsOff:
        raise HTTPException(404, "analytics is off (PRACTICE_SEARCH_ANALYTICS=off)") from None
    except StoreUnavailable:
        raise HTTPException(503, "the analytics store is unavailable; recording is degraded (see the log)") from None


async def _run(analytics: Analytics, name: str, span: Period, limit: int) -> dict:
    catalog = _catalog(analytics)
    try:  # SQL and, for themes, the encoder: off the event loop
        return await run_in_threadpool(catalog.run, name, span, limit)
    except sa.exc.SQLAlchemyError:
        raise HTTPException(503, "the analytics store could not be read; try again") from None


def router(admin: Callable[..., None]) -> APIRouter:
    api = APIRouter(prefix="/admin/analytics", tags=["analytics"], responses=ERRORS, dependencies=[Depends(admin)])

    def add(name: str) -> None:
        spec = SPECS[name]

        async def limited(analytics: AnalyticsDep, span: PeriodDep, limit: Limit = 20) -> Response:
            return _json(await _run(analytics, name, span, limit))

        async def unlimited(analytics: AnalyticsDep, span: PeriodDep) -> Response:
            return _json(await _run(analytics, name, span, 0))

        endpoint = limited if spec.limited else unlimited

        endpoint.__doc__ = spec.description[0].upper() + spec.description[1:] + "."
        api.add_api_route(
            f"/{name}", endpoint, methods=["GET"], summary=f"Analytics: {name} (admin)", name=f"analytics_{name}"
        )

    for name in SPECS:
        add(name)

    @api.get(
        "/export.csv",
        summary="Analytics: any report as CSV (admin)",
        response_class=Response,
        responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
    )
    async def export_csv(analytics: AnalyticsDep, span: PeriodDep, report: ReportName, limit: Limit = 20) -> Response:  # type: ignore[valid-type]
        body = to_csv(await _run(analytics, report, span, limit))
        filename = f"analytics-{report}.csv"
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return api


def _json(report: dict) -> Response:
    return JSONResponse(report, headers=NO_STORE)
