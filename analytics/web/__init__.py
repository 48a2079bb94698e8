"""The HTTP side of analytics: POST /events, the admin reports and their CSV, the dashboard page.

    install(app, analytics, admin_keys=settings.admin_key_list, admin=require_admin, events_per_minute=60)

Nothing here imports the search service: the app hands in its admin-key dependency, and errors are
raised as FastAPI exceptions that the app renders in its usual `{"detail", "errors"}` shape.
"""

from collections.abc import Callable

from fastapi import FastAPI

from analytics.service import Analytics
from analytics.web import dashboard, events, reports


def install(
    app: FastAPI, analytics: Analytics, admin_keys: list[str], admin: Callable[..., None], events_per_minute: int
) -> None:
    app.state.analytics = analytics
    app.include_router(events.router(events_per_minute))
    app.include_router(reports.router(admin))
    app.include_router(dashboard.router(admin_keys))


__all__ = ["install"]
