"""Load: concurrent clients mixing search, similar, facets and practice reads against a real server.

    .venv/bin/python bench/load.py                       # 60 s, 32 clients, starts a server on models/index
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --pid 1234 --data data/practices.jsonl

Every answer is checked (status 200 and the expected JSON shape); anything else is an error. The server's
RSS is read from /proc at the end of the warm-up and at the end: a leak shows as growth after warm-up.
Client and server share the machine, so on few cores the client's own CPU use lowers the figures.
Prints a summary and writes bench/results/load.json (or --out).
"""

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import machine  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402  (the one live-server helper)

QUERIES = [
    "migrant language support",
    "anti-rumour campaign",
    "intercultural mediation in schools",
    "refugee welcome desk",
    "youth sport and inclusion",
    "hate speech online",
    "roma mediators",
    "women newcomers employment",
    "public libraries and newcomers",
    "neighbourhood festival",
    "participation of foreign residents in local politics",
    "interfaith dialogue",
    "city integration charter",
    "intercultral mediaton",
    "housing discrimination",
    "museum exhibition about migration",
    "diversity in the police",
    "school segregation",
    "welcome app for migrants",
    "sharing a meal with neighbours",
]
SIMILAR_TEXT = (
    "Our city runs free language cafés where newcomers practise the local language with volunteers, "
    "and a welcome desk that helps them find housing, work and schools."
)
# (kind, weight): most traffic is search, as on a city website
MIX = [("search", 45), ("practice", 20), ("practice_similar", 15), ("facets", 10), ("similar_text", 10)]
EXPECTED_KEY = {
    "search": "results",
    "practice": "id",
    "practice_similar": "results",
    "facets": "countries",
    "similar_text": "results",
}


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind, _ in MIX})
    errors: list[str] = field(default_factory=list)


def request_for(kind: str, rng: random.Random, ids: list[str]) -> tuple[str, str, dict]:
    """(method, path, httpx keyword arguments) of one request of this kind."""
    if kind == "search":
        params: dict = {
            "q": rng.choice(QUERIES),
            "limit": rng.choice([5, 10, 20]),
            "mode": rng.choice(["hybrid", "hybrid", "semantic", "keyword"]),
        }
        if rng.random() < 0.3:
            params["offset"] = 10
        return "GET", "/search", {"params": params}
    if kind == "practice":
        return "GET", f"/practices/{rng.choice(ids)}", {}
    if kind == "practice_similar":
        return "GET", f"/practices/{rng.choice(ids)}/similar", {"params": {"limit": 5}}
    if kind == "facets":
        return "GET", "/facets", {"params": {"q": rng.choice(QUERIES)} if rng.random() < 0.5 else {}}
    return "POST", "/similar", {"json": {"text": SIMILAR_TEXT, "limit": 5}}


async def client_loop(http: httpx.AsyncClient, seed: int, ids: list[str], deadline: float, tally: Tally) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        method, path, kwargs = request_for(kind, rng, ids)
        started = time.perf_counter()
        try:
            response = await http.request(method, path, **kwargs)
            elapsed = time.perf_counter() - started
            if response.status_code != 200 or EXPECTED_KEY[kind] not in response.json():
                tally.errors.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
                continue
        except (httpx.HTTPError, ValueError) as err:
            tally.errors.append(f"{method} {path}: {type(err).__name__} {err}")
            continue
        tally.latencies[kind].append(elapsed)


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def percentiles_ms(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"p50_ms": float("nan"), "p99_ms": float("nan")}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000, 1), "p99_ms": round(cuts[98] * 1000, 1)}


async def run(base: str, pid: int, ids: list[str], duration: float, clients: int, warmup: float) -> dict:
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        started = time.monotonic()
        deadline = started + duration
        loops = [asyncio.create_task(client_loop(http, seed, ids, deadline, tally)) for seed in range(clients)]
        await asyncio.sleep(min(warmup, duration))
        rss_warm = rss_mib(pid)
        await asyncio.gather(*loops)
        elapsed = time.monotonic() - started
        rss_end = rss_mib(pid)
    everything = [x for values in tally.latencies.values() for x in values]
    return {
        "machine": machine(),
        "duration_s": round(elapsed, 1),
        "clients": clients,
        "warmup_s": warmup,
        "requests": len(everything) + len(tally.errors),
        "errors": len(tally.errors),
        "error_examples": tally.errors[:5],
        "throughput_rps": round(len(everything) / elapsed, 1),
        **percentiles_ms(everything),
        "by_kind": {kind: {"requests": len(v), **percentiles_ms(v)} for kind, v in tally.latencies.items()},
        "rss_after_warmup_mib": round(rss_warm, 1),
        "rss_end_mib": round(rss_end, 1),
        "rss_growth_pct": round(100 * (rss_end - rss_warm) / rss_warm, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds before the first RSS reading")
    parser.add_argument("--index", type=Path, default=ROOT / "models" / "index")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "practices.jsonl", help="ids to read")
    parser.add_argument("--url", help="an already running server (then --pid is required)")
    parser.add_argument("--pid", type=int, help="its process id, for RSS")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = parser.parse_args()
    with open(args.data, encoding="utf-8") as fh:
        ids = [json.loads(line)["id"] for line in fh if line.strip()]
    server = None
    if args.url:
        if args.pid is None:
            parser.error("--url needs --pid")
        base, pid = args.url, args.pid
    else:
        # uvicorn on 127.0.0.1 with the rate limit off (one client address sends everything here)
        log = Path(tempfile.gettempdir()) / "practice-search-load.log"
        server = LiveServer(args.index, args.data, log, uvicorn_args=("--no-access-log",))
        try:
            server.start()
        except AssertionError as err:
            raise SystemExit(f"server did not start; see {log}: {str(err).splitlines()[0]}") from None
        base, pid = server.base, server.pid
    try:
        result = asyncio.run(run(base, pid, ids, args.duration, args.clients, args.warmup))
        result["practices"] = httpx.get(base + "/readyz", timeout=10).json()["practices"]
    finally:
        if server is not None:
            server.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{result['machine']}")
    print(
        f"{result['clients']} clients, {result['duration_s']} s, {result['practices']} practices: "
        f"{result['requests']} requests ({result['throughput_rps']}/s), {result['errors']} errors, "
        f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms"
    )
    for kind, stats in result["by_kind"].items():
        print(f"  {kind:17} {stats['requests']:6} requests  p50 {stats['p50_ms']} ms  p99 {stats['p99_ms']} ms")
    print(
        f"server RSS {result['rss_after_warmup_mib']} MiB after {args.warmup:g} s warm-up, "
        f"{result['rss_end_mib']} MiB at the end ({result['rss_growth_pct']:+.1f}%)"
    )
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
