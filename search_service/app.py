"""The ASGI app factory: `uvicorn search_service.app:create_app --factory`.

Loads the model and the index once; refuses to start, with one line on stderr, when the index is
missing, corrupt or built with another model.
"""

import logging
import os
import sys
from typing import NoReturn

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from analytics import web as analytics_web
from analytics.service import Analytics
from indexer.encoder import ModelLoadError
from indexer.encoders import TextEncoder, load_encoders
from indexer.format import IndexLoadError
from indexer.problems import CorpusError
from indexer.updates import CorpusMismatch, resume_pending
from search_service import access_log, errors
from search_service.client_address import ClientAddress
from search_service.head import HeadAsGet
from search_service.json_errors import JsonErrors
from search_service.limits import BodySizeLimit, HeavySlots, RateLimit, Timeouts, TokenBuckets
from search_service.metrics import Metrics, MetricsMiddleware
from search_service.routes import admin, facets, health, practices, search, suggest, widget
from search_service.security import SecurityHeaders, require_admin
from search_service.state import ServiceState, load_engine
from settings import Settings, SettingsError, load_settings, unknown_variables

log = logging.getLogger("search_service")

DESCRIPTION = """Semantic search and related-practice recommendations over the Intercultural Cities
good practices. Search with `GET /search?q=...`; every error is JSON `{"detail", "errors"}`."""


def build_app(settings: Settings, encoders: list[TextEncoder]) -> FastAPI:
    """The app around already-loaded encoders (tests share them across apps)."""
    engine = load_engine(settings, encoders)
    metrics = Metrics()
    # Themes are clustered on the first encoder's cosines (MiniLM: its spread suits the clustering threshold).
    analytics = Analytics.start(settings, settings.index, metrics.registry, embed=encoders[0].encode_queries)
    # redirect_slashes off: Starlette's trailing-slash redirect builds an absolute URL from the Host header
    app = FastAPI(
        title="Intercultural Cities practice search",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=analytics.lifespan,
        redirect_slashes=False,
    )
    app.state.service = ServiceState(settings=settings, encoders=encoders, engine=engine, metrics=metrics)
    app.state.admin_failures = TokenBuckets(settings.admin_failures_per_minute)
    access_log.install()
    errors.install(app)
    for router in (
        search.router,
        practices.router,
        facets.router,
        suggest.router,
        health.router,
        admin.router,
        widget.router,
    ):
        app.include_router(router)
    analytics.titles = lambda practice_id: getattr(app.state.service.engine.get(practice_id), "title", None)
    analytics_web.install(app, analytics, settings.admin_key_list, require_admin, settings.analytics_events_per_minute)
    # add_middleware wraps: the last added runs first. Limits sit inside CORS and the security headers,
    # so a 408/413/429/503 still carries them.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        HeavySlots,
        paths=("/similar",),
        slots=settings.paste_slots or default_slots(),
        wait_s=settings.request_timeout_s / 2,
    )
    app.add_middleware(Timeouts, body_s=settings.body_timeout_s, request_s=settings.request_timeout_s)
    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute)
    app.add_middleware(HeadAsGet)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin_list,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        max_age=600,
    )
    app.add_middleware(JsonErrors)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(ClientAddress, trusted_proxies=settings.trusted_proxy_list)
    return app


def default_slots() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _resume(settings: Settings, encoders: list[TextEncoder]) -> None:
    """Finish an edit a crash interrupted; if that cannot be done now (disk full, corpus path changed), say
    why in one line and serve the intact current build: the edit waits for the next start or write."""
    try:
        resume_pending(settings, encoders=encoders)
    except (OSError, CorpusMismatch) as err:
        reason = f"{err.strerror}" if isinstance(err, OSError) and err.strerror else str(err)
        print(
            f"search_service: warning: a pending index edit was not applied ({reason}); serving the current "
            "build, the edit is retried at the next start or admin write",
            file=sys.stderr,
        )


def _refuse(reason: str) -> NoReturn:
    """One line on stderr and exit 1: an operator reads the reason, not a traceback."""
    print(f"search_service: cannot start: {reason}", file=sys.stderr)
    raise SystemExit(1)


def create_app(settings: Settings | None = None) -> FastAPI:
    try:
        if settings is None:
            for warning in unknown_variables():
                print(f"search_service: warning: {warning}", file=sys.stderr)
            settings = load_settings()
    except SettingsError as err:
        _refuse(str(err))
    try:
        encoders = load_encoders(settings)
        _resume(settings, encoders)
        return build_app(settings, encoders)
    except (IndexLoadError, ModelLoadError) as err:
        _refuse(str(err).splitlines()[0])
    except CorpusError as err:
        first = err.problems[0].render(str(settings.data))
        _refuse(f"the corpus is invalid ({len(err.problems)} problem(s)), first: {first}")
    except OSError as err:
        _refuse(f"{err.strerror or type(err).__name__}: {err.filename or ''}")
