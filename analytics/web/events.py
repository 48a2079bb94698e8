"""POST /events: a person opened a result. Accepts exactly {query_id, practice_id, position}; 204.

The query id is the signed token the search response carried (analytics/query_ids.py), so a click on
something this service never showed -- a forged, altered, expired or replayed-elsewhere event -- is a
422 and is never stored. Rate limited per client (429 with Retry-After).
"""

import math
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from analytics.query_ids import MAX_TOKEN_CHARS, InvalidQueryId
from analytics.service import AnalyticsOff
from analytics.web.deps import AnalyticsDep, error_doc, invalid
from analytics.web.limit import PerClientLimit

MAX_POSITION = 10_050  # the last result a page can show (offset <= 10000, limit <= 50)


class ClickEvent(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [{"query_id": "AWlZ...", "practice_id": "immigrants-council-stavanger", "position": 2}]
        },
    )

    query_id: str = Field(
        min_length=16,
        max_length=MAX_TOKEN_CHARS,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="the query_id of the response that listed the result",
    )
    practice_id: str = Field(min_length=1, max_length=200, description="the id of the result opened")
    position: int = Field(ge=1, le=MAX_POSITION, description="its rank in that response's list, from 1")


def router(per_minute: int) -> APIRouter:
    limit = PerClientLimit(per_minute)

    async def rate_limited(request: Request) -> None:
        wait = limit.take(request.client.host if request.client else "unknown")
        if wait:
            retry = max(1, math.ceil(wait))
            raise HTTPException(429, f"too many events; retry after {retry} s", headers={"Retry-After": str(retry)})

    api = APIRouter(tags=["analytics"])

    @api.post(
        "/events",
        status_code=204,
        response_class=Response,
        summary="Report a result a person opened",
        responses={
            404: error_doc("analytics is off"),
            408: error_doc("the body did not arrive in time"),
            413: error_doc("the body is too large"),
            422: error_doc("malformed event, or not a result this service showed"),
            429: error_doc("too many events from this client"),
            503: error_doc("not answered in time"),
        },
    )
    async def post_event(
        event: ClickEvent, analytics: AnalyticsDep, _: Annotated[None, Depends(rate_limited)]
    ) -> Response:
        """The widget sends this when a person opens a result; nothing else is accepted here."""
        try:
            analytics.record_click(event.query_id, event.practice_id, event.position)
        except AnalyticsOff:
            raise HTTPException(404, "analytics is off (PRACTICE_SEARCH_ANALYTICS=off)") from None
        except InvalidQueryId as err:
            raise invalid(err.param, str(err), where="body") from None
        return Response(status_code=204)

    return api
