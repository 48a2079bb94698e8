"""FastAPI dependencies shared by the routers."""

from typing import Annotated

from fastapi import Depends, Request

from ranking import SearchEngine
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
