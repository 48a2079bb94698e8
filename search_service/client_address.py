"""The client address the rate limits key on: X-Forwarded-For is believed only from configured proxies.

Uvicorn rewrites `scope["client"]` from X-Forwarded-For by default for loopback peers, before the app
runs, so anyone on the host (or behind a careless proxy) could take a fresh rate-limit bucket per
request by inventing a header value. The app cannot see the peer uvicorn replaced, but it can see that
a replacement happened (the client is one of the header's own entries): unless
PRACTICE_SEARCH_TRUSTED_PROXIES trusts loopback, such requests share one bucket, UNVERIFIED. With
`--no-proxy-headers` (scripts/serve), the peer is real and this middleware applies the header itself
when the peer is a trusted proxy.
"""

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import _parse_host_port, _parse_raw_hosts, _TrustedHosts

UNVERIFIED = "forwarded-unverified"
LOOPBACK = "127.0.0.1"


def forwarded_hosts(scope: Scope) -> list[str]:
    values = [v.decode("latin1") for k, v in scope.get("headers", []) if k == b"x-forwarded-for"]
    return [_parse_host_port(h)[0] for h in _parse_raw_hosts(", ".join(values))] if values else []


class ClientAddress:
    def __init__(self, app: ASGIApp, trusted_proxies: list[str]):
        self.app = app
        self.trusted = _TrustedHosts(trusted_proxies) if trusted_proxies else None

    def _client(self, scope: Scope) -> tuple[str, int] | None:
        client = scope.get("client")
        hosts = forwarded_hosts(scope)
        if not hosts or not client:
            return client
        if client[0] in hosts:  # uvicorn already replaced the peer (a loopback one) by a header value
            return client if self.trusted is not None and LOOPBACK in self.trusted else (UNVERIFIED, 0)
        if self.trusted is not None and client[0] in self.trusted:
            values = ", ".join(v.decode("latin1") for k, v in scope["headers"] if k == b"x-forwarded-for")
            host, port = self.trusted.get_trusted_client_address(values)
            return (host, port) if host else client
        return client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["client"] = self._client(scope)
        await self.app(scope, receive, send)
