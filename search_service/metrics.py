"""Prometheus metrics: requests and latency by route and status, index size and build."""

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ranking import SearchEngine


class Metrics:
    """One registry per app, so several apps (tests) never collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total", "Requests by route and status", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Request latency by route",
            ["method", "route"],
            buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
            registry=self.registry,
        )
        self.practices = Gauge("index_practices", "Practices in the loaded index", registry=self.registry)
        self.vectors = Gauge("index_vectors", "Vectors in the loaded index", registry=self.registry)
        self.build = Info("index_build", "The loaded index build", registry=self.registry)

    def index_loaded(self, engine: SearchEngine) -> None:
        self.practices.set(len(engine.practices))
        self.vectors.set(engine.index.rows)
        models = ",".join(e["id"] for e in engine.index.manifest.get("encoders", []))
        self.build.info({"build_id": str(engine.index.build_id), "model": models})


# Label values must come from a fixed set: every new value is a new time series, kept forever, so a client
# inventing methods or paths would grow /metrics and the process without bound.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})


def _route(scope: Scope) -> str:
    """The route's template (`/practices/{practice_id}`), never the raw path; "unmatched" for the rest."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def _method(scope: Scope) -> str:
    method = scope.get("method", "")
    return method if method in METHODS else "other"


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}
        start = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route, method = _route(scope), _method(scope)
            self.metrics.requests.labels(method, route, str(status["code"])).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - start)
