"""Liveness, readiness (what is loaded) and Prometheus metrics."""

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from search_service.deps import EngineDep, StateDep
from search_service.schemas import Readiness

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness, summary="The index is loaded: its build, counts and model")
def readyz(engine: EngineDep) -> Readiness:
    manifest = engine.index.manifest
    return Readiness(
        status="ready",
        build_id=str(engine.index.build_id),
        format_version=manifest.get("format_version"),
        model=",".join(e["id"] for e in manifest.get("encoders", [])),
        practices=len(engine.practices),
        vectors=engine.index.rows,
        built_at=manifest.get("built_at"),
        vocabulary_words=engine.vocabulary_words,
    )


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(state: StateDep) -> Response:
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
