"""Dependencies and error shapes the analytics routes share."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from analytics.service import Analytics


# async on purpose: a plain `def` dependency would cost a thread-pool hop on every search
async def get_analytics(request: Request) -> Analytics:
    return request.app.state.analytics


AnalyticsDep = Annotated[Analytics, Depends(get_analytics)]


class ErrorBody(BaseModel):
    detail: str
    errors: list[dict] = Field(default_factory=list)


def error_doc(description: str) -> dict:
    return {"model": ErrorBody, "description": description}


def invalid(param: str, message: str, where: str = "query") -> RequestValidationError:
    """A 422 naming `param`, rendered by the app like any validation error."""
    return RequestValidationError([{"loc": (where, param), "msg": message, "type": "value_error"}])
