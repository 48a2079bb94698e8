"""Search latency in-process vs over HTTP against a real uvicorn, throughput at concurrency 8, /similar, start-up, RSS.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/http_latency.py [--queries 100] [--concurrency 8] [--duration 30]

One run on this machine, all traffic to 127.0.0.1, bounded in count and time:

* start -> ready: from spawning `uvicorn search_service.app:create_app --factory` to the first
  200 from /readyz (model and index loaded); RSS of that process then (/proc/<pid>/status).
* per mode, concurrency 1: for each query, `engine.search` in this process (encode + rank +
  snippets, the service's own RankingConfig) and then GET /search in the service, interleaved
  so both sides see the same machine load. Every query text is used once per side: the query
  embedding and ranking caches (LRU, on both sides) never hit, so both sides pay the encoder.
  The goal is HTTP p50 / in-process p50 <= 1.3.
* concurrency 8 for --duration seconds: GET /search (hybrid), again every request a new query;
  requests/s, p50/p99 and errors (goal 0). The rate limit is turned off for this service only.
* GET /practices/{id}/similar over every practice (related practices computed at query time): p50 <= 5 ms.
* One repeated query, to show what a cache hit costs (reported apart, never mixed in).

Writes bench/results/http.json (with the raw latencies, for bench/plots.py) and prints a table.
"""

import argparse
import http.client
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.machine import machine  # noqa: E402
from evaluation.dataset import load_queries  # noqa: E402
from indexer.encoders import load_encoders  # noqa: E402
from indexer.updates import sync_index  # noqa: E402
from ranking import Mode  # noqa: E402
from search_service.state import load_engine  # noqa: E402
from settings import Settings  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402  (the one live-server helper)

MODES: tuple[Mode, ...] = ("hybrid", "semantic", "keyword")
# Appended to the judged query texts to make as many distinct, realistic queries as a run needs.
MODIFIERS = (
    "",
    "city",
    "project",
    "programme",
    "in Europe",
    "for young people",
    "for women",
    "for newcomers",
    "municipality",
    "local",
    "network",
    "strategy",
    "school",
    "neighbourhood",
    "training",
    "volunteers",
    "campaign",
    "council",
    "festival",
    "support",
    "dialogue",
    "inclusion",
    "community",
    "migrants",
    "refugees",
    "culture",
    "participation",
    "education",
    "employment",
    "public space",
)


def distinct_queries(path: Path, seed: int = 0) -> Iterator[str]:
    """Endless distinct query texts: judged search queries x modifiers, shuffled, then numbered rounds."""
    bases = [q.query for q in load_queries(path) if q.endpoint == "search"]
    combos = [f"{b} {m}".strip() for b in bases for m in MODIFIERS]
    random.Random(seed).shuffle(combos)
    yield from combos
    for round_no in itertools.count(2):
        yield from (f"{c} {round_no}" for c in combos)


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, in MiB."""
    out: dict[str, float] = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    return out


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(pct(values, 50), 2),
        "p99_ms": round(pct(values, 99), 2),
        "mean_ms": round(statistics.fmean(values), 2),
    }


class Client:
    """One keep-alive connection; `get` returns (milliseconds, status)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str, params: dict[str, str | int] | None = None) -> tuple[float, int]:
        url = path + ("?" + urllib.parse.urlencode(params) if params else "")
        t = time.perf_counter()
        try:
            self.conn.request("GET", url)
            response = self.conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            status = 0
        return (time.perf_counter() - t) * 1000, status


def concurrent_run(port: int, queries: Iterator[str], workers: int, seconds: float) -> dict:
    """`workers` threads, each a connection sending GET /search back to back until the deadline."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[int] = []
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        client = Client(port)
        while time.perf_counter() < deadline:
            with lock:
                q = next(queries)
            ms, status = client.get("/search", {"q": q, "mode": "hybrid", "limit": 10})
            with lock:
                (latencies if status == 200 else errors).append(ms if status == 200 else status)

    t = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    return {
        "concurrency": workers,
        "seconds": round(elapsed, 1),
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "requests_per_s": round((len(latencies) + len(errors)) / elapsed, 1),
        **summary(latencies or [0.0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None, help="index directory (default: PRACTICE_SEARCH_INDEX)")
    parser.add_argument("--queries", type=int, default=100, help="distinct queries per mode at concurrency 1")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of the concurrent run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "http.json")
    args = parser.parse_args()
    base = Settings()
    settings = base.model_copy(update={"index": args.index or base.index})
    encoders = load_encoders(settings)
    sync_index(settings, encoders=encoders)  # an up-to-date index before the clock starts (a no-op when current)
    engine = load_engine(settings, encoders)
    texts = distinct_queries(ROOT / "data" / "eval" / "queries.jsonl")
    log = Path(tempfile.mkstemp(prefix="bench-http-", suffix=".log")[1])
    service = LiveServer(settings.index, settings.data, log)  # rate limit off for this process only
    try:
        service.start()
        ready_s = service.ready_s
        rss_ready = proc_status(service.pid)
        client = Client(service.port)
        client.get("/search", {"q": "warm-up", "limit": 10})
        engine.search("warm-up", "hybrid", None, 10, 0)

        modes = {}
        for mode in MODES:
            local, remote, errors = [], [], 0
            for q in itertools.islice(texts, args.queries):
                t = time.perf_counter()
                engine.search(q, mode, None, 10, 0)
                local.append((time.perf_counter() - t) * 1000)
                ms, status = client.get("/search", {"q": q, "mode": mode, "limit": 10})
                remote.append(ms)
                errors += status != 200
            modes[mode] = {
                "in_process": summary(local),
                "http": summary(remote),
                "errors": errors,
                "http_over_in_process_p50": round(pct(remote, 50) / pct(local, 50), 3),
                "in_process_ms": [round(x, 3) for x in local],
                "http_ms": [round(x, 3) for x in remote],
            }

        repeated = [client.get("/search", {"q": "anti-rumour campaign", "limit": 10})[0] for _ in range(51)][1:]

        ids = [p.id for p in engine.practices]
        similar_local, similar_http, similar_errors = [], [], 0
        for pid in ids:
            t = time.perf_counter()
            engine.related_page(pid, None, 5)
            similar_local.append((time.perf_counter() - t) * 1000)
            ms, status = client.get(f"/practices/{pid}/similar", {"limit": 5})
            similar_http.append(ms)
            similar_errors += status != 200

        concurrent = concurrent_run(service.port, texts, args.concurrency, args.duration)
        rss_after = proc_status(service.pid)
    finally:
        service.stop()
    log.unlink(missing_ok=True)

    result = {
        "machine": machine(),
        "encoders": [
            {"name": e.name, "backend": e.backend, "threads": settings.threads, "model": e.model_id} for e in encoders
        ],
        "index": {"practices": len(engine.practices), "vectors": engine.index.rows},
        "caching": "every timed /search request and in-process search uses a query text not seen before by "
        "that side (embedding and ranking caches miss); `repeated_query` is the cache-hit case",
        "start_to_ready_s": round(ready_s, 2),
        "rss_mib": {
            "ready": round(rss_ready["VmRSS"], 1),
            "after_bench": round(rss_after["VmRSS"], 1),
            "peak": round(rss_after["VmHWM"], 1),
        },
        "search": modes,
        "repeated_query_http": summary(repeated),
        "similar": {"in_process": summary(similar_local), "http": summary(similar_http), "errors": similar_errors},
        "concurrent": concurrent,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"machine: {result['machine']}")
    print(f"encoders: {result['encoders']}; index: {result['index']}")
    print(f"start -> ready {result['start_to_ready_s']} s; RSS {result['rss_mib']} MiB")
    print("| mode | in-process p50 / p99 ms | HTTP p50 / p99 ms | HTTP / in-process p50 (goal <= 1.3) | errors |")
    for mode, m in modes.items():
        print(
            f"| {mode} | {m['in_process']['p50_ms']} / {m['in_process']['p99_ms']} | {m['http']['p50_ms']} / "
            f"{m['http']['p99_ms']} | {m['http_over_in_process_p50']} | {m['errors']} |"
        )
    c = concurrent
    print(
        f"concurrency {c['concurrency']} for {c['seconds']} s: {c['requests_per_s']} req/s, p50 {c['p50_ms']} ms, "
        f"p99 {c['p99_ms']} ms, {c['errors']} errors"
    )
    s = result["similar"]
    print(
        f"/practices/{{id}}/similar: HTTP p50 {s['http']['p50_ms']} ms (goal <= 5), p99 {s['http']['p99_ms']} ms; "
        f"in-process p50 {s['in_process']['p50_ms']} ms; {s['errors']} errors"
    )
    print(f"repeated query (cache hit) over HTTP: p50 {result['repeated_query_http']['p50_ms']} ms")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
