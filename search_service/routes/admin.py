"""Admin writes: upsert, delete, reload. They persist through the indexer, then swap the engine atomically.

The key is checked before the body is read (a keyless request learns nothing about what it sent), and
every way a write can fail is answered with what happened and that nothing was changed:
409 corpus missing or not the serving build's, 507 disk full, 503 not writable or another I/O error.
"""

import errno
import json
import logging
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool

from indexer.format import IndexLoadError
from indexer.problems import CorpusError
from indexer.updates import CorpusMismatch, delete_practices, upsert_practices
from search_service.deps import StateDep
from search_service.errors import UNPARSABLE, ApiError, without_paths
from search_service.schemas import ADMIN_ERRORS
from search_service.security import AdminDep
from search_service.state import ServiceState

log = logging.getLogger("search_service")
router = APIRouter(tags=["admin"], responses=ADMIN_ERRORS)

PracticeId = Annotated[str, Path(max_length=120)]
T = TypeVar("T")
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM)

PRACTICE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": "a practice record (schema of data/practices.jsonl)"},
                "example": {"title": "...", "city": "...", "country": "..."},
            }
        },
    }
}


def _refresh(state: ServiceState) -> dict[str, Any]:
    engine = state.reload()
    return {"build_id": str(engine.index.build_id), "practices": len(engine.practices)}


def _write(state: ServiceState, edit: Callable[[], T]) -> T:
    """Run an index edit under the service's write lock, turning each failure into its answer."""
    with state.write_lock:
        try:
            return edit()
        except CorpusError as err:
            problems = err.problems
            raise ApiError(422, "; ".join(f"{p.field}: {p.message}" for p in problems), problems[0].field) from None
        except CorpusMismatch as err:
            log.warning("admin write refused: %s", err)
            raise ApiError(409, str(err)) from None
        except OSError as err:
            log.warning("admin write failed, nothing changed: %s", err)
            if err.errno in NO_SPACE:
                raise ApiError(
                    507, "no space left on the disk of the index or the corpus; nothing was changed"
                ) from None
            if err.errno in NOT_WRITABLE:
                raise ApiError(
                    503, "the index directory or the corpus file is not writable by the service; nothing was changed"
                ) from None
            raise ApiError(
                503, f"I/O error while writing the index ({err.strerror or type(err).__name__}); nothing was changed"
            ) from None


async def _record(request: Request) -> dict[str, Any]:
    """The JSON object in the body, read only after the key passed (a dependency runs before this)."""
    raw = await request.body()
    try:
        record = json.loads(raw)
    except UnicodeDecodeError:
        raise ApiError(422, "body is not valid JSON (not UTF-8)", "body") from None
    except json.JSONDecodeError as err:
        raise ApiError(422, f"body is not valid JSON: {err.msg} at column {err.colno}", "body") from None
    except (RecursionError, ValueError):
        raise ApiError(422, UNPARSABLE, "body") from None
    if not isinstance(record, dict):
        raise ApiError(422, "body must be a JSON object (a practice record)", "body")
    return record


@router.put("/practices/{practice_id}", summary="Create or replace a practice (admin)", openapi_extra=PRACTICE_BODY)
async def put_practice(request: Request, state: StateDep, _: AdminDep, practice_id: PracticeId) -> dict:
    """The body is a practice record (schema of data/practices.jsonl); derivable fields may be omitted."""
    record = await _record(request)
    if record.get("id", practice_id) != practice_id:
        raise ApiError(422, f"body id {record.get('id')!r} differs from the path id {practice_id!r}", "id")

    def edit() -> dict:  # validated (and normalised like `indexer import`) by the indexer before anything is written
        upsert_practices(state.settings, [{**record, "id": practice_id}], encoders=state.encoders)
        return {"id": practice_id, "status": "saved", **_refresh(state)}

    return await run_in_threadpool(_write, state, edit)


@router.delete("/practices/{practice_id}", summary="Delete a practice (admin)")
def delete_practice(state: StateDep, _: AdminDep, practice_id: PracticeId) -> dict:
    def edit() -> dict:
        if state.engine.get(practice_id) is None:
            raise ApiError(404, f"no practice with id {practice_id!r}", "id")
        try:
            delete_practices(state.settings, [practice_id], encoders=state.encoders)
        except KeyError:
            raise ApiError(404, f"no practice with id {practice_id!r} in the corpus file", "id") from None
        except ValueError as err:
            if isinstance(err, CorpusMismatch):
                raise
            raise ApiError(409, str(err)) from None
        return {"id": practice_id, "status": "deleted", **_refresh(state)}

    return _write(state, edit)


@router.post("/admin/reload", summary="Load the current index from disk (admin)")
def reload_index(state: StateDep, _: AdminDep) -> dict:
    """A bad index on disk is refused and the service keeps serving the previous one."""
    with state.write_lock:
        try:
            return {"status": "reloaded", **_refresh(state)}
        except IndexLoadError as err:
            reason = without_paths(str(err))
            raise ApiError(409, f"index not reloaded, previous index still serving: {reason}") from None
