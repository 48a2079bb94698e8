"""GET /suggest: type-ahead suggestions (titles, cities, countries, topics), typo-tolerant."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from search_service.deps import EngineDep
from search_service.schemas import PUBLIC_ERRORS, SuggestParams, SuggestResponse, json_response

router = APIRouter(tags=["search"], responses=PUBLIC_ERRORS)


@router.get(
    "/suggest",
    response_model=SuggestResponse,
    summary="Suggestions for a typed prefix",
    openapi_extra={"x-example": "/suggest?q=mescl&limit=5"},
)
def suggest(engine: EngineDep, params: Annotated[SuggestParams, Query()]) -> Response:
    """Prefix matches on word starts (accents and case ignored), then near matches for a mistyped last word.
    `highlight` marks the matched part of each `text`."""
    return json_response(SuggestResponse.from_suggestions(params.q, engine.suggest(params.q, params.limit)))
