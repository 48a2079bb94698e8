"""GET /facets: disjunctive counts over the result set a search with these parameters returns."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from search_service.deps import EngineDep
from search_service.schemas import PUBLIC_ERRORS, FacetsResponse, SearchBody, json_response

router = APIRouter(tags=["search"], responses=PUBLIC_ERRORS)


@router.get("/facets", response_model=FacetsResponse, summary="Counts per country, city, topic and start year")
def facets(engine: EngineDep, params: Annotated[SearchBody, Query()]) -> Response:
    """Each facet counts the practices /search would return with every filter except its own (a chosen
    country still lists the other countries); `total` is /search's total with all filters."""
    return json_response(FacetsResponse.from_facets(engine.facets(params.q, params.mode, params.filters())))
