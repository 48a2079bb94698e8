"""Analytics costs: /search with recording on vs off, recording under load, and report times on a day of traffic.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/analytics.py [--queries 400] [--duration 60] [--searches 100000]
    HF_HUB_OFFLINE=1 .venv/bin/python bench/analytics.py --quick      # smoke test, shortened runs

One run on this machine, all traffic to 127.0.0.1, bounded in count and time:

* overhead: two services on the same index, one with PRACTICE_SEARCH_ANALYTICS=off, one recording into a
  fresh SQLite store. For each of --queries distinct query texts (never a cache hit), GET /search on both,
  the order alternating query by query so both see the same machine load. Goal: p50 on / p50 off <= 1.05.
* load: --duration seconds at concurrency 32 (GET /search, hybrid, a new query each time) against the
  recording service, after a 10 s warm-up. Goals: 0 errors; every answered search is recorded or counted
  as dropped (analytics_recorded_total + analytics_dropped_total in /metrics, after the writer caught up);
  RSS flat (end vs after warm-up).
* reports: --searches searches of one simulated day (the judged queries with noise: modifiers, typos,
  case and spacing, unmet off-topic queries, filters, later pages, clicks) written into a SQLite store,
  then each report timed over that day (the best of 3; themes also cold, embeddings not yet cached, with
  the real encoder). Goal: <= 1 s per report.

Prints a table and writes bench/results/analytics.json.
"""

import argparse
import http.client
import json
import os
import random
import re
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from analytics.catalog import SPECS, Catalog  # noqa: E402
from analytics.language import LanguageGuesser  # noqa: E402
from analytics.records import Click, Search, TextPolicy, to_rows  # noqa: E402
from analytics.reports import Period, Reports  # noqa: E402
from analytics.store import Store  # noqa: E402
from analytics.themes import CachedEmbed  # noqa: E402
from bench.http_latency import Client, concurrent_run, distinct_queries, proc_status  # noqa: E402
from bench.http_latency import summary as latency_summary  # noqa: E402
from bench.machine import machine, save_result  # noqa: E402
from indexer.corpus import load_corpus  # noqa: E402
from indexer.encoders import TextEncoder, load_encoders  # noqa: E402
from indexer.updates import sync_index  # noqa: E402
from settings import Settings  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402  (the one live-server helper)

QUERIES = ROOT / "data" / "eval" / "queries.jsonl"
METRIC = re.compile(
    r'^(analytics_recorded_total\{record="search"\}|analytics_dropped_total\{reason="\w+"\}|'
    r"analytics_queue_depth) (\S+)$",
    re.M,
)
OFF_TOPIC = [
    "quantum spaceport",
    "cryptocurrency mining subsidy",
    "zxqv blorf",
    "martian colony housing",
    "parking tickets appeal",
    "dog grooming licence",
    "nuclear fusion start-up",
    "tax on yachts",
    "asteroid mining jobs",
    "drone delivery permits",
    "football transfer rumours",
    "wine tasting tour",
]


class Service(LiveServer):
    """The service with the given environment (tests/live_server.py), and the analytics counters it exports."""

    def metrics(self) -> dict[str, float]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
        return {name: float(value) for name, value in METRIC.findall(text)}


def accounted(metrics: dict[str, float]) -> float:
    """Searches the service recorded or counted as dropped."""
    return sum(v for k, v in metrics.items() if k != "analytics_queue_depth")


def overhead(on: Service, off: Service, texts, n: int) -> dict:
    """Interleaved GET /search on both services, the order alternating query by query."""
    clients = {"on": Client(on.port), "off": Client(off.port)}
    times: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(20):  # warm both (first requests pay lazy initialisation)
        q = next(texts)
        for c in clients.values():
            c.get("/search", {"q": q, "limit": 10})
    for i in range(n):
        q = next(texts)
        for side in ("on", "off") if i % 2 == 0 else ("off", "on"):
            ms, status = clients[side].get("/search", {"q": q, "limit": 10})
            if status != 200:
                raise RuntimeError(f"/search answered {status}")
            times[side].append(ms)
    on_s, off_s = latency_summary(times["on"]), latency_summary(times["off"])
    return {"queries": n, "on": on_s, "off": off_s, "p50_ratio": round(on_s["p50_ms"] / off_s["p50_ms"], 3)}


def wait_caught_up(service: Service, timeout: float = 60.0) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while True:
        metrics = service.metrics()
        if metrics.get("analytics_queue_depth", 0) == 0 or time.monotonic() > deadline:
            time.sleep(0.5)  # the batch in the writer's hands
            return service.metrics()
        time.sleep(0.2)


def load(on: Service, texts, seconds: float, warmup: float) -> dict:
    concurrent_run(on.port, texts, 32, warmup)
    before = wait_caught_up(on)
    rss_warm = proc_status(on.proc.pid)["VmRSS"]
    run = concurrent_run(on.port, texts, 32, seconds)
    after = wait_caught_up(on)
    rss_end = proc_status(on.proc.pid)["VmRSS"]
    answered = run["requests"] - run["errors"]
    counted = accounted(after) - accounted(before)
    return {
        **run,
        "answered": answered,
        "recorded_or_dropped": int(counted),
        "dropped": int(
            sum(v for k, v in after.items() if "dropped" in k) - sum(v for k, v in before.items() if "dropped" in k)
        ),
        "rss_after_warmup_mib": round(rss_warm, 1),
        "rss_end_mib": round(rss_end, 1),
        "rss_growth_pct": round(100 * (rss_end - rss_warm) / rss_warm, 2),
    }


def noisy(text: str, rng: random.Random) -> str:
    """What people type: another case, extra spaces, a dropped or swapped letter, a word more."""
    words = text.split()
    if rng.random() < 0.15 and words:
        w = rng.randrange(len(words))
        word = words[w]
        if len(word) > 4:
            i = rng.randrange(1, len(word) - 1)
            dropped, swapped = word[:i] + word[i + 1 :], word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
            words[w] = dropped if rng.random() < 0.5 else swapped
    if rng.random() < 0.3:
        words.append(rng.choice(["city", "project", "for youth", "in schools", "Europe", "network", "local"]))
    text = " ".join(words)
    if rng.random() < 0.2:
        text = text.upper() if rng.random() < 0.3 else text.title()
    return ("  " + text + " ") if rng.random() < 0.1 else text


def simulated_day(n: int, ids: list[str], countries: list[str], topics: list[str], seed: int = 7):
    """n searches (and their clicks) spread over one UTC day, from the judged queries with noise."""
    rng = random.Random(seed)
    judged = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    searches = [q["query"] for q in judged if q["endpoint"] == "search"]
    pasted = [q["query"] for q in judged if q["endpoint"] != "search"]
    weights = [1 / (rank + 1) for rank in range(len(ids))]  # a few practices are shown far more often
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    for i in range(n):
        at = day + timedelta(seconds=86_400 * i / n)
        roll = rng.random()
        unmet = roll < 0.08
        kind = "pasted" if 0.08 <= roll < 0.11 else "related" if 0.11 <= roll < 0.25 else "search"
        if kind == "related":
            text, mode = rng.choice(ids), "related"
        elif kind == "pasted":
            text, mode = rng.choice(pasted), "hybrid"
        else:
            text = noisy(rng.choice(OFF_TOPIC if unmet else searches), rng)
            mode = rng.choice(["hybrid"] * 6 + ["semantic", "keyword"])
        filters = []
        if kind != "related" and rng.random() < 0.2:
            filters.append(("country", rng.choice(countries)))
        if kind != "related" and rng.random() < 0.15:
            filters.append(("topic", rng.choice(topics)))
        offset = 10 if rng.random() < 0.1 else 0
        shown = tuple(dict.fromkeys(rng.choices(ids, weights, k=3 if unmet else 10)))
        record = Search(
            id=uuid.UUID(int=rng.getrandbits(128)).hex,
            at=at,
            kind=kind,
            mode=mode,
            text=text,
            filters=tuple(filters),
            total=3 if unmet else rng.randint(10, 80),
            close_match=not unmet,
            offset=offset,
            shown=shown,
            latency_ms=rng.uniform(5, 40),
        )
        yield record
        if not unmet and rng.random() < 0.25:
            position = min(len(shown), int(rng.expovariate(0.5)) + 1)
            yield Click(record.id, at + timedelta(seconds=5), shown[position - 1], offset + position)


def reports(n: int, settings: Settings, encoder: TextEncoder, work: Path) -> dict:
    practices = load_corpus(settings.data)
    ids = [p.id for p in practices]
    countries = sorted({p.country_code for p in practices})
    topics = sorted({t for p in practices for t in p.topics})
    store = Store.open(f"sqlite:///{work / 'day.sqlite3'}")
    guesser, policy = LanguageGuesser(), TextPolicy(max_chars=200, store_pasted=False)
    started = time.perf_counter()
    batch: list = []
    for record in simulated_day(n, ids, countries, topics):
        batch.append(record)
        if len(batch) >= 5000:
            store.write(to_rows(batch, policy, guesser.guess))
            batch = []
    store.write(to_rows(batch, policy, guesser.guess))
    written_s = time.perf_counter() - started
    catalog = Catalog(
        Reports(store.engine), CachedEmbed(encoder.encode_queries), {p.id: p.title for p in practices}.get
    )
    day = Period((datetime.now(UTC) - timedelta(days=1)).date(), (datetime.now(UTC) - timedelta(days=1)).date())
    timings: dict[str, dict] = {}
    counts = catalog.run("summary", day)
    for name in SPECS:
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            catalog.run(name, day, 20)
            runs.append(time.perf_counter() - t)
        timings[name] = {"best_s": round(min(runs), 3), "first_s": round(runs[0], 3)}
    store.close()
    size = sum(f.stat().st_size for f in work.glob("day.sqlite3*"))
    return {
        "searches_simulated": n,
        "rows": {
            k: counts[k] for k in ("searches", "pasted", "related_views", "more_pages", "no_close_match", "clicks")
        },
        "write_s": round(written_s, 1),
        "store_mib": round(size / 2**20, 1),
        "per_report": timings,
        "slowest_best_s": max(t["best_s"] for t in timings.values()),
        "slowest_first_s": max(t["first_s"] for t in timings.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=400, help="distinct queries per side for the overhead")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds at concurrency 32")
    parser.add_argument("--searches", type=int, default=100_000, help="searches in the simulated day")
    parser.add_argument("--quick", action="store_true", help="smoke test: 40 queries, 5 s, 5000 searches")
    parser.add_argument("--out", default="analytics", help="bench/results/<out>.json")
    args = parser.parse_args()
    if args.quick:
        args.queries, args.duration, args.searches = 40, 5.0, 5000
    settings = Settings()
    encoders = load_encoders(settings)
    sync_index(settings, encoders=encoders)
    encoder = encoders[0]  # what the service clusters themes with
    where = machine()
    print(f"machine: {where}", flush=True)
    texts = distinct_queries(QUERIES, seed=11)
    with tempfile.TemporaryDirectory(prefix="bench-analytics-") as tmp:
        work = Path(tmp)
        on = Service(
            settings.index,
            settings.data,
            work / "on.log",
            PRACTICE_SEARCH_ANALYTICS="on",
            PRACTICE_SEARCH_ANALYTICS_URL=f"sqlite:///{work / 'on.sqlite3'}",
        ).spawn()
        off = Service(settings.index, settings.data, work / "off.log", PRACTICE_SEARCH_ANALYTICS="off").spawn()
        try:
            on.wait_ready(180), off.wait_ready(180)
            cost = overhead(on, off, texts, args.queries)
            print(
                f"overhead: p50 on {cost['on']['p50_ms']} ms / off {cost['off']['p50_ms']} ms "
                f"= {cost['p50_ratio']} (goal <= 1.05)",
                flush=True,
            )
            off.stop()  # the load run has the machine to itself
            stress = load(on, texts, args.duration, 2.0 if args.quick else 10.0)
            print(
                f"load: {stress['requests']} requests in {stress['seconds']} s at c=32, {stress['errors']} errors, "
                f"{stress['answered']} answered / {stress['recorded_or_dropped']} recorded or dropped "
                f"({stress['dropped']} dropped), RSS {stress['rss_after_warmup_mib']} -> "
                f"{stress['rss_end_mib']} MiB ({stress['rss_growth_pct']:+}%)",
                flush=True,
            )
        finally:
            on.stop(), off.stop()
        day = reports(args.searches, settings, encoder, work)
    for name, t in day["per_report"].items():
        print(f"report {name:<10} best {t['best_s']:.3f} s, first {t['first_s']:.3f} s", flush=True)
    result = {
        "machine": where,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "overhead": cost,
        "load": stress,
        "reports": day,
        "goals": {
            "p50_ratio_le_1.05": cost["p50_ratio"] <= 1.05,
            "load_errors_0": stress["errors"] == 0,
            "every_search_accounted": stress["answered"] == stress["recorded_or_dropped"],
            "reports_le_1s": day["slowest_best_s"] <= 1.0,
        },
    }
    print(json.dumps(result["goals"]))
    print(f"wrote {save_result(args.out, result)}")


if __name__ == "__main__":
    main()
