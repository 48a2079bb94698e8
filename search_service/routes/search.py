"""GET/POST /search and POST /similar (comparable practices for a pasted description)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from search_service.deps import EngineDep
from search_service.errors import ApiError
from search_service.paste import bounded_paste
from search_service.schemas import PUBLIC_ERRORS, SearchBody, SearchResponse, SimilarBody, json_response

router = APIRouter(tags=["search"], responses=PUBLIC_ERRORS)


def run_search(engine, params: SearchBody) -> Response:
    filters = params.filters()
    if not params.q.strip() and not filters.active:
        raise ApiError(422, "q must not be empty (give a query, or a filter to browse)", "q")
    page = engine.search(params.q, params.mode, filters, params.limit, params.offset)
    return json_response(SearchResponse.from_page(page, params.q, params.mode, params.limit, params.offset))


@router.get("/search", response_model=SearchResponse, summary="Search practices (hybrid, semantic or keyword)",
            openapi_extra={"x-example": "/search?q=migrant%20language%20support&country=Spain&limit=5"})
def search_get(engine: EngineDep, params: Annotated[SearchBody, Query()]) -> Response:
    """Most comparable practices first. Filters apply before the ranking cut-off; an empty `q` with filters
    browses the filtered practices, most recent first."""
    return run_search(engine, params)


@router.post("/search", response_model=SearchResponse, summary="Search practices (JSON body)")
def search_post(engine: EngineDep, params: SearchBody) -> Response:
    return run_search(engine, params)


@router.post("/similar", response_model=SearchResponse, summary="Practices comparable to a pasted description")
def similar_text(engine: EngineDep, body: SimilarBody) -> Response:
    """Paste a paragraph describing your own initiative (up to 5,000 characters)."""
    if not body.text.strip():
        raise ApiError(422, "text must not be blank", "text")
    filters = body.filters()
    splitter = next(iter(engine.encoders.values())).tokenizer
    text = bounded_paste(body.text, splitter, int(engine.index.manifest["passage_tokens"]),
                         engine.index.keyword.vocabulary)
    page = engine.search(text, "hybrid", filters, body.limit, body.offset)
    return json_response(SearchResponse.from_page(page, body.text, "hybrid", body.limit, body.offset))
