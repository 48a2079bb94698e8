"""Issue 12 row 1: a burst of pasted paragraphs of made-up words must stay cheap and leave search answered.

    .venv/bin/python bench/hostile.py [--burst 40] [--concurrency 40]

Starts the service on 127.0.0.1 (the shipped index, rate limit off), then: the typo corrector alone on the
hostile texts (in-process), and over HTTP a burst of `--burst` POST /similar with 5,000 characters of
made-up words each (every one different, so no cache helps), while a normal search is sent every 0.5 s.
Reports the server's CPU seconds per hostile request, its RSS before/peak/after, the status codes and the
latency of the searches during the burst. Writes bench/results/hostile.json. Bounded: one burst, 127.0.0.1.
"""

import argparse
import json
import os
import random
import string
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from live_server import LiveServer  # noqa: E402
from machine import machine, save_result  # noqa: E402


def junk(seed: int, chars: int = 5000) -> str:
    rng = random.Random(seed)
    words = ("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(6, 12))) for _ in range(800))
    return " ".join(words)[:chars]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def request(url: str | urllib.request.Request, timeout: float = 60) -> tuple[int, float]:
    """(status, seconds); 0 when no answer came."""
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            code = r.status
    except urllib.error.HTTPError as err:
        code = err.code
    except OSError:
        code = 0
    return code, time.perf_counter() - t0


def post(base: str, path: str, body: dict, timeout: float = 60) -> tuple[int, float]:
    headers = {"Content-Type": "application/json"}
    return request(
        urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST", headers=headers), timeout
    )


def get(base: str, path: str, timeout: float = 60) -> tuple[int, float]:
    return request(base + path, timeout)


def corrector_cost() -> dict:
    """The typo corrector alone, in-process, on the shipped index's vocabulary."""
    from indexer.keyword import KeywordIndex
    from indexer.store import current_build
    from ranking.lexicon import is_real_word
    from ranking.typos import TypoCorrector

    build = current_build(ROOT / "models" / "index")
    manifest = json.loads((build / "manifest.json").read_text())
    keyword = KeywordIndex.load(build / "bm25", manifest["bm25"]["title_weight"])
    corrector = TypoCorrector(keyword.vocabulary)
    is_real_word("warm")  # the word lists load once per process (the service does it at start-up)
    out = {}
    for name, text in (
        ("paste_5000_chars", junk(1)),
        ("query_30_made_up_words", " ".join(junk(2).split()[:30])),
        ("one_5000_char_word", "q" * 5000),
    ):
        t0 = time.perf_counter()
        for _ in range(20):
            _, corrections = corrector.correct(text)
        out[name] = {"ms_per_call": round((time.perf_counter() - t0) / 20 * 1000, 3), "corrections": len(corrections)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=40)
    args = parser.parse_args()
    result: dict = {
        "machine": machine(),
        "burst": args.burst,
        "concurrency": args.concurrency,
        "corrector": corrector_cost(),
    }
    print("typo corrector:", result["corrector"])
    log = Path("/tmp") / f"hostile-{os.getpid()}.log"
    server = LiveServer(ROOT / "models" / "index", ROOT / "data" / "practices.jsonl", log).start()
    try:
        base, pid = server.base, server.pid
        for _ in range(5):
            get(base, "/search?q=roma+school+mediators")
        idle = sorted(get(base, "/search?q=intercultural+mediators+in+schools")[1] for _ in range(10))
        rss_before, cpu_before = rss_mib(pid), cpu_s(pid)
        codes: list[int] = []
        lock = threading.Lock()
        texts = [junk(100 + i) for i in range(args.burst)]
        done = threading.Event()
        peak = [rss_before]
        searches: list[tuple[int, float]] = []

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], rss_mib(pid))
                time.sleep(0.1)

        def searcher() -> None:
            while not done.is_set():
                searches.append(get(base, "/search?q=roma+school+mediators"))
                time.sleep(0.5)

        def paster() -> None:
            while True:
                with lock:
                    if not texts:
                        return
                    text = texts.pop()
                code, _ = post(base, "/similar", {"text": text, "limit": 5})
                with lock:
                    codes.append(code)

        t0 = time.perf_counter()
        helpers = [threading.Thread(target=sample), threading.Thread(target=searcher)]
        workers = [threading.Thread(target=paster) for _ in range(args.concurrency)]
        for t in helpers + workers:
            t.start()
        for t in workers:
            t.join()
        wall = time.perf_counter() - t0
        done.set()
        for t in helpers:
            t.join()
        cpu = cpu_s(pid) - cpu_before
        time.sleep(1)
        result.update(
            {
                "search_idle_p50_ms": round(idle[len(idle) // 2] * 1000, 1),
                "burst_wall_s": round(wall, 2),
                "hostile_codes": {str(c): codes.count(c) for c in sorted(set(codes))},
                "server_cpu_s_per_hostile_request": round(cpu / args.burst, 3),
                "searches_during_burst": len(searches),
                "search_codes_during_burst": sorted({c for c, _ in searches}),
                "search_max_s_during_burst": round(max((s for _, s in searches), default=0), 2),
                "rss_mib": {"before": round(rss_before, 1), "peak": round(peak[0], 1), "after": round(rss_mib(pid), 1)},
            }
        )
    finally:
        server.stop()
    print(json.dumps({k: v for k, v in result.items() if k != "corrector"}, indent=2))
    print("wrote", save_result("hostile", result))


if __name__ == "__main__":
    main()
