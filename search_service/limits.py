"""Limits that keep one client from hurting the others: body size (413), slow bodies (408), slow handlers (503),
and a per-client rate limit on public routes (429 with Retry-After).

Each is a plain ASGI middleware. Errors raised while FastAPI reads the body are HTTPExceptions, because
FastAPI turns any other exception from `receive` into a 400; the app's handler renders them as JSON.
"""

import asyncio
import json
import math
import time
from collections import OrderedDict

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Routes the rate limit and the handler time limit leave alone: operators' and monitors' routes.
OPERATIONS_PATHS = ("/healthz", "/readyz", "/metrics", "/admin/")
ADMIN_METHODS = ("PUT", "DELETE")  # on /practices/{id}: admin writes


def is_public(scope: Scope) -> bool:
    return scope["method"] not in ADMIN_METHODS and not scope["path"].startswith(OPERATIONS_PATHS)


async def send_error(
    send: Send, status: int, detail: str, param: str | None = None, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """The app's error shape, `{"detail", "errors"}`, for answers given before the app runs."""
    errors = [{"param": param, "message": detail}] if param else []
    body = json.dumps({"detail": detail, "errors": errors}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# After a 413 the connection is closed (uvicorn closes it when the answer says so): kept open, the server
# would go on reading and discarding whatever the client still sends, with no time limit.
CLOSE = [(b"connection", b"close")]

# A client that sends its whole body before reading the answer (urllib, most scripts) gets a broken pipe,
# not the 413, if the server closes first; so bodies up to this size are read and thrown away first.
DRAIN_MAX_BYTES = 8 * 1024 * 1024


async def drain(receive: Receive) -> None:
    """Read the body to its end without keeping it (Timeouts bounds how long this may take)."""
    more = True
    while more:
        message = await receive()
        more = message["type"] == "http.request" and message.get("more_body", False)


class BodySizeLimit:
    """Refuse bodies over `max_bytes` with 413: by Content-Length before reading, or while chunks arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = f"request body larger than {self.max_bytes} bytes"
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            if int(declared) <= DRAIN_MAX_BYTES:
                try:
                    await drain(receive)
                except HTTPException as err:  # the body stalled (408): that is the answer then
                    await send_error(send, err.status_code, str(err.detail), headers=CLOSE)
                    return
            await send_error(send, 413, detail, "body", headers=CLOSE)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, detail, headers={"Connection": "close"})
            return message

        await self.app(scope, limited_receive, send)


class Timeouts:
    """A client must send its body within `body_s` (408); a public request must be answered within `request_s` (503).

    A slow handler runs in a worker thread that cannot be interrupted: the client gets its 503 on time, the
    thread finishes in the background and its late answer is dropped. Admin writes have no handler limit,
    so a write is never reported failed while it goes on to succeed.
    """

    def __init__(self, app: ASGIApp, body_s: float, request_s: float):
        self.app, self.body_s, self.request_s = app, body_s, request_s
        self._background: set[asyncio.Task] = set()  # late handlers, referenced until they end

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        body_deadline = loop.time() + self.body_s
        body_done = False
        started = answered = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:  # later reads only wait for a disconnect
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, body_deadline - loop.time()))
            except TimeoutError:
                raise HTTPException(
                    408, f"request body not received within {self.body_s:g} s", headers={"Connection": "close"}
                ) from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        task = asyncio.ensure_future(self.app(scope, timed_receive, guarded_send))
        limit = self.request_s if is_public(scope) else None
        done, _ = await asyncio.wait({task}, timeout=limit)
        if task in done:
            task.result()
            return
        self._background.add(task)
        task.add_done_callback(self._finished)
        if not started:
            answered = True
            await send_error(send, 503, f"request not answered within {self.request_s:g} s; try again")

    def _finished(self, task: asyncio.Task) -> None:
        self._background.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved, so asyncio does not log it as never retrieved


class TokenBuckets:
    """One token bucket per client: `per_minute` a minute on average, bursts up to that; the longest-idle
    clients are forgotten past `max_clients`, so memory stays bounded whatever the addresses."""

    def __init__(self, per_minute: int, max_clients: int = 10_000):
        self.capacity, self.max_clients = float(per_minute), max_clients
        self.rate = per_minute / 60.0  # tokens per second
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, last seen)

    def _tokens(self, client: str, now: float) -> float:
        tokens, last = self.buckets.pop(client, (self.capacity, now))
        return min(self.capacity, tokens + (now - last) * self.rate)

    def _store(self, client: str, tokens: float, now: float) -> None:
        self.buckets[client] = (tokens, now)  # most recent last
        if len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)

    def take(self, client: str) -> float:
        """0 when the request may go ahead (a token is spent), else the seconds until a token is back."""
        now = time.monotonic()
        tokens = self._tokens(client, now)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self._store(client, tokens - 1 if wait == 0 else tokens, now)
        return wait

    def wait(self, client: str) -> float:
        """Like take, but spends nothing: the seconds until `client` has a token (0 if it has one)."""
        now = time.monotonic()
        tokens = self._tokens(client, now)
        self._store(client, tokens, now)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate


def client_of(scope: Scope) -> str:
    return (scope.get("client") or ("unknown", 0))[0]


def retry_after(wait: float) -> int:
    return max(1, math.ceil(wait))


class RateLimit:
    """A token bucket per client address on public routes (429 with Retry-After).

    In memory and per process: with N workers a client may get up to N times the limit (set a strict one at
    the reverse proxy). The address is the peer's, or the forwarded one from a trusted proxy only
    (client_address.py).
    """

    def __init__(self, app: ASGIApp, per_minute: int, max_clients: int = 10_000):
        self.app = app
        self.buckets = TokenBuckets(per_minute, max_clients)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.buckets.rate or not is_public(scope):
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(client_of(scope))
        if wait:
            retry = retry_after(wait)
            await send_error(
                send, 429, f"too many requests; retry after {retry} s", headers=[(b"retry-after", str(retry).encode())]
            )
            return
        await self.app(scope, receive, send)


class HeavySlots:
    """At most `slots` requests on `paths` (pasted paragraphs: two encoders over 512 tokens each) run at once;
    the rest wait in line for up to `wait_s`, then get 503 with Retry-After.

    Without a line, a burst of pastes shares the CPU fairly and every one of them, and every search sent
    meanwhile, finishes late (all 503); with it the first pastes finish on time, the rest are told to retry,
    and searches, which never wait here, stay answered.
    """

    def __init__(self, app: ASGIApp, paths: tuple[str, ...], slots: int, wait_s: float):
        self.app, self.paths, self.wait_s = app, paths, wait_s
        self.slots = asyncio.Semaphore(slots)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        try:
            await asyncio.wait_for(self.slots.acquire(), self.wait_s)
        except TimeoutError:
            await send_error(
                send,
                503,
                "too many pasted texts are being compared right now; retry in a few seconds",
                headers=[(b"retry-after", b"2")],
            )
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()
