"""GET /practices/{id} and its related practices."""

import time
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from analytics.web.deps import AnalyticsDep
from indexer.schema import Practice
from ranking import SearchEngine
from search_service.deps import EngineDep
from search_service.errors import ApiError
from search_service.schemas import (
    PUBLIC_ERRORS,
    ErrorResponse,
    FilterFields,
    PracticeOut,
    ResultItem,
    SimilarResponse,
    json_response,
)

router = APIRouter(tags=["practices"], responses={**PUBLIC_ERRORS, 404: {"model": ErrorResponse}})

PracticeId = Annotated[str, Path(max_length=200, examples=["immigrants-council-stavanger"])]


def _known(engine: SearchEngine, practice_id: str) -> Practice:
    practice = engine.get(practice_id)
    if practice is None:
        raise ApiError(404, f"no practice with id {practice_id!r}", "id")
    return practice


@router.get("/practices/{practice_id}", response_model=PracticeOut, summary="One practice, full record")
def get_practice(engine: EngineDep, practice_id: PracticeId) -> dict[str, Any]:
    practice = _known(engine, practice_id)
    return {**practice.model_dump(), "url": f"/practices/{practice.id}"}


@router.get(
    "/practices/{practice_id}/similar",
    response_model=SimilarResponse,
    summary="Related practices: similar work elsewhere, diversified, near-duplicates removed",
)
def similar_practices(
    engine: EngineDep, analytics: AnalyticsDep, practice_id: PracticeId, params: Annotated[FilterFields, Query()]
) -> Response:
    started = time.perf_counter()
    _known(engine, practice_id)
    filters = params.filters()
    page = engine.related_page(practice_id, filters, params.limit, params.offset)
    query_id = analytics.record_page("related", practice_id, "related", filters, page, params.offset, started)
    return json_response(
        SimilarResponse(
            id=practice_id,
            total=page.total,
            limit=params.limit,
            offset=params.offset,
            query_id=query_id,
            results=[ResultItem.from_hit(h) for h in page.hits],
        )
    )
