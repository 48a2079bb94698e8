"""Every error answer is JSON `{"detail", "errors"}`; no stack trace or file path ever reaches a client."""

import logging
import re
from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.routing import Match

log = logging.getLogger("search_service")


class ApiError(Exception):
    def __init__(self, status: int, detail: str, param: str | None = None, headers: dict[str, str] | None = None):
        self.status, self.detail, self.param, self.headers = status, detail, param, headers


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def _param(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("query", "body", "path")]
    return ".".join(parts) or "body"


def validation_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """pydantic's error dicts as `{"param", "message"}`."""
    out = []
    for err in errors:
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            message = "unknown parameter"
        param = _param(tuple(err.get("loc", ())))
        if err.get("type") == "json_invalid":
            message, param = "body is not valid JSON", "body"
        out.append({"param": param, "message": message})
    return out


def unprocessable(errors: list[dict[str, str]]) -> JSONResponse:
    detail = "; ".join(f"{e['param']}: {e['message']}" for e in errors)
    return JSONResponse(error_body(detail, errors), status_code=422)


def _flat(routes: list) -> Iterator:
    """Routes, with those of included routers (FastAPI keeps them behind an `original_router`) in place."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _flat(inner.routes)
        else:
            yield route


def allowed_methods(request: Request, first: str = "") -> str:
    """Every method some route offers on this path (Starlette's 405 lists only the first matching route's,
    `first`), HEAD wherever GET is (head.py answers it)."""
    methods = {m.strip() for m in first.split(",") if m.strip()}
    scope = {**request.scope, "method": "GET"}  # HEAD or an invented method must not change what matches
    for route in _flat(request.app.router.routes):
        match, _ = route.matches(scope)
        if match != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


PATH = re.compile(r"(?<![\w.])/(?:[^\s/]+/)+([^\s/;,)]+)")


def without_paths(text: str) -> str:
    """`/srv/index/builds/x/manifest.json` -> `manifest.json`: messages reaching a client name no paths."""
    return PATH.sub(r"\1", text)


# FastAPI answers 400 "There was an error parsing the body" when json.loads raises something other than a
# JSON syntax error: RecursionError (deep nesting) or ValueError (an integer past Python's digit limit).
UNPARSABLE = "body is not valid JSON (nested too deeply, or a number too long)"


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _request_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return unprocessable(validation_errors(list(exc.errors())))

    @app.exception_handler(ValidationError)
    async def _model_validation(request: Request, exc: ValidationError) -> JSONResponse:
        return unprocessable(validation_errors(exc.errors()))

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        errors = [{"param": exc.param, "message": exc.detail}] if exc.param else []
        return JSONResponse(error_body(exc.detail, errors), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            return unprocessable([{"param": "body", "message": "body is not valid JSON (not UTF-8)"}])
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            return unprocessable([{"param": "body", "message": UNPARSABLE}])
        headers = exc.headers
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request, (headers or {}).get("Allow", ""))}
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        return JSONResponse(error_body(detail), status_code=exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal error; the request was not completed"), status_code=500)
