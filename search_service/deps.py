"""FastAPI dependencies shared by the routers."""

from typing import Annotated

from fastapi import Depends, Request

from indexer.search.engine import SearchEngine
from indexer.search.filters import Filters
from search_service.schemas import FilterFields
from search_service.state import ServiceState


# async on purpose: FastAPI runs a plain `def` dependency in the thread pool, a hop on every request.
async def get_state(request: Request) -> ServiceState:
    return request.app.state.service


async def get_engine(request: Request) -> SearchEngine:
    """The engine at the moment the request started; a concurrent reload does not affect it."""
    state: ServiceState = request.app.state.service
    state.follow_current()
    return state.engine


StateDep = Annotated[ServiceState, Depends(get_state)]
EngineDep = Annotated[SearchEngine, Depends(get_engine)]


def to_filters(fields: FilterFields) -> Filters:
    """Raises pydantic ValidationError (-> 422 naming the parameter): unknown country or topic, years reversed."""
    return Filters(country=fields.country, city=fields.city, topic=fields.topic, year_from=fields.year_from,
                   year_to=fields.year_to, ongoing=fields.ongoing)
