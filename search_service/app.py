"""The ASGI app factory: `uvicorn search_service.app:create_app --factory`.

Loads the model and the index once; refuses to start, with one line on stderr, when the index is
missing, corrupt or built with another model.
"""

import sys

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from indexer.encoder import Encoder
from indexer.index import IndexLoadError
from indexer.settings import Settings
from indexer.updates import resume_pending
from search_service import errors
from search_service.limits import BodySizeLimit
from search_service.metrics import Metrics, MetricsMiddleware
from search_service.routes import admin, facets, health, practices, search, widget
from search_service.security import SecurityHeaders
from search_service.state import ServiceState, load_engine

DESCRIPTION = """Semantic search and related-practice recommendations over the Intercultural Cities
good practices. Search with `GET /search?q=...`; every error is JSON `{"detail", "errors"}`."""


def build_app(settings: Settings, encoder) -> FastAPI:
    """The app around an already-loaded encoder (tests share one encoder across apps)."""
    engine = load_engine(settings, encoder)
    metrics = Metrics()
    app = FastAPI(title="Intercultural Cities practice search", version="0.1.0", description=DESCRIPTION)
    app.state.service = ServiceState(settings=settings, encoder=encoder, engine=engine, metrics=metrics)
    app.state.metrics = metrics
    errors.install(app)
    for router in (search.router, practices.router, facets.router, health.router, admin.router, widget.router):
        app.include_router(router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origin_list, allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type"], max_age=600)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    try:
        encoder = Encoder.from_settings(settings)
        resume_pending(settings, encoder=encoder)
        return build_app(settings, encoder)
    except IndexLoadError as err:
        print(f"search_service: cannot start: {err}", file=sys.stderr)
        raise SystemExit(1) from None
