"""/suggest latency in-process on the shipped corpus: p50 / p99 of Suggester.suggest (goal p50 <= 2 ms).

    .venv/bin/python bench/suggest.py [--queries 3000] [--seed 7]

The Suggester is the object the engine builds at load (ranking/suggest.py), from the practices in
data/practices.jsonl. The queries are what people type: the first 2-10 letters from a word start
of a real title, city, country or topic (partial words included), and, for one query in five, the
same with one typo (a letter dropped, doubled or two swapped), which takes the typo-tolerant path.
Every query is timed once; repeats of the same text are allowed (as in real typing), nothing is
cached. Prints a table and writes bench/results/suggest.json.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import machine, save_result  # noqa: E402
from indexer.corpus import load_corpus  # noqa: E402
from ranking.suggest import Suggester  # noqa: E402


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def queries(texts: list[str], n: int, rng: random.Random) -> list[tuple[str, bool]]:
    out = []
    while len(out) < n:
        words = rng.choice(texts).split()
        start = rng.randrange(len(words))
        typed = " ".join(words[start:])[: rng.randint(2, 10)].strip()
        if len(typed) < 2:
            continue
        with_typo = rng.random() < 0.2 and len(typed) >= 5
        out.append((typo(typed, rng) if with_typo else typed, with_typo))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--limit", type=int, default=8)
    args = parser.parse_args()
    practices = load_corpus(ROOT / "data" / "practices.jsonl")
    t0 = time.perf_counter()
    suggester = Suggester(practices)
    build_ms = (time.perf_counter() - t0) * 1000
    texts = (
        [p.title for p in practices]
        + [c for p in practices for c in p.all_cities]
        + [p.country for p in practices]
        + [t for p in practices for t in p.topics]
    )
    rng = random.Random(args.seed)
    qs = queries(texts, args.queries, rng)
    for q, _ in qs[:50]:  # warm-up: imports, first allocations
        suggester.suggest(q, args.limit)
    times: dict[bool, list[float]] = {False: [], True: []}
    empty = 0
    for q, with_typo in qs:
        t = time.perf_counter()
        found = suggester.suggest(q, args.limit)
        times[with_typo].append((time.perf_counter() - t) * 1000)
        empty += not found
    every = times[False] + times[True]
    result = {
        "machine": machine(),
        "practices": len(practices),
        "queries": len(qs),
        "typo_queries": len(times[True]),
        "limit": args.limit,
        "build_ms": round(build_ms, 1),
        "p50_ms": round(statistics.median(every), 3),
        "p99_ms": round(pct(every, 99), 3),
        "prefix_p50_ms": round(statistics.median(times[False]), 3),
        "prefix_p99_ms": round(pct(times[False], 99), 3),
        "typo_p50_ms": round(statistics.median(times[True]), 3) if times[True] else None,
        "typo_p99_ms": round(pct(times[True], 99), 3) if times[True] else None,
        "no_suggestion": empty,
        "goal": "p50 <= 2 ms",
    }
    save_result("suggest", result)
    print(result["machine"])
    print(
        f"{len(practices)} practices, index built in {build_ms:.0f} ms; {len(qs)} queries "
        f"({len(times[True])} with a typo), limit {args.limit}"
    )
    print("| queries | p50 ms | p99 ms |\n|---|---|---|")
    print(f"| all | {result['p50_ms']} | {result['p99_ms']} |")
    print(f"| prefix | {result['prefix_p50_ms']} | {result['prefix_p99_ms']} |")
    print(f"| with a typo | {result['typo_p50_ms']} | {result['typo_p99_ms']} |")
    print(f"queries without any suggestion: {empty}")


if __name__ == "__main__":
    main()
