"""Admin API keys (constant-time compare) and response headers every answer carries."""

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_service.errors import ApiError
from search_service.limits import TokenBuckets, client_of, retry_after


def require_admin(request: Request, x_api_key: Annotated[str | None, Header()] = None) -> None:
    """No keys configured -> admin routes do not exist (404); a missing or wrong key -> 401/403.

    Failed attempts are limited per client (PRACTICE_SEARCH_ADMIN_FAILURES_PER_MINUTE): past the limit a
    client gets 429 with Retry-After, even with the right key, until its bucket refills, so keys cannot be
    guessed at network speed.
    """
    keys: list[str] = request.app.state.service.settings.admin_key_list
    if not keys:
        raise ApiError(404, "admin routes are disabled (set PRACTICE_SEARCH_ADMIN_KEYS to enable them)")
    failures: TokenBuckets = request.app.state.admin_failures
    client = client_of(request.scope)
    wait = failures.wait(client)
    if wait:
        retry = retry_after(wait)
        raise ApiError(
            429,
            f"too many failed admin attempts; retry after {retry} s",
            "X-API-Key",
            headers={"Retry-After": str(retry)},
        )
    if not x_api_key:
        failures.take(client)
        raise ApiError(401, "missing X-API-Key header", "X-API-Key")
    given = x_api_key.encode()
    if not any(hmac.compare_digest(given, key.encode()) for key in keys):
        failures.take(client)
        raise ApiError(403, "invalid API key", "X-API-Key")


AdminDep = Annotated[None, Depends(require_admin)]


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
            await send(message)

        await self.app(scope, receive, send_wrapper if scope["type"] == "http" else send)
