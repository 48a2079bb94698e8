"""Admin writes: upsert, delete, reload. They persist through the indexer, then swap the engine atomically."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path

from indexer.format import IndexLoadError
from indexer.problems import CorpusError
from indexer.updates import delete_practices, upsert_practices
from search_service.deps import StateDep
from search_service.errors import ApiError
from search_service.schemas import ADMIN_ERRORS
from search_service.security import AdminDep
from search_service.state import ServiceState

router = APIRouter(tags=["admin"], responses=ADMIN_ERRORS)

PracticeId = Annotated[str, Path(max_length=120)]


def _refresh(state: ServiceState) -> dict[str, Any]:
    engine = state.reload()
    return {"build_id": str(engine.index.build_id), "practices": len(engine.practices)}


@router.put("/practices/{practice_id}", summary="Create or replace a practice (admin)")
def put_practice(
    state: StateDep,
    _: AdminDep,
    practice_id: PracticeId,
    record: Annotated[dict[str, Any], Body(examples=[{"title": "...", "city": "...", "country": "..."}])],
) -> dict:
    """The body is a practice record (schema of data/practices.jsonl); derivable fields may be omitted."""
    if record.get("id", practice_id) != practice_id:
        raise ApiError(422, f"body id {record.get('id')!r} differs from the path id {practice_id!r}", "id")
    with state.write_lock:
        try:  # validated (and normalised like `indexer import`) by the indexer before anything is written
            upsert_practices(state.settings, [{**record, "id": practice_id}], encoders=state.encoders)
        except CorpusError as err:
            raise ApiError(422, "; ".join(f"{p.field}: {p.message}" for p in err.problems), "body") from None
        return {"id": practice_id, "status": "saved", **_refresh(state)}


@router.delete("/practices/{practice_id}", summary="Delete a practice (admin)")
def delete_practice(state: StateDep, _: AdminDep, practice_id: PracticeId) -> dict:
    with state.write_lock:
        if state.engine.get(practice_id) is None:
            raise ApiError(404, f"no practice with id {practice_id!r}", "id")
        delete_practices(state.settings, [practice_id], encoders=state.encoders)
        return {"id": practice_id, "status": "deleted", **_refresh(state)}


@router.post("/admin/reload", summary="Load the current index from disk (admin)")
def reload_index(state: StateDep, _: AdminDep) -> dict:
    """A bad index on disk is refused and the service keeps serving the previous one."""
    with state.write_lock:
        try:
            return {"status": "reloaded", **_refresh(state)}
        except IndexLoadError as err:
            raise ApiError(409, f"index not reloaded, previous index still serving: {err}") from None
