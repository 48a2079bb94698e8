"""Every benchmark in one command, one summary table with the machine stated.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/run_all.py [--quick] [--skip build,scale] [--index DIR]

Steps, each its own process (so memory and threads of one never colour another), output in
bench/results/run_all.log:

    index   `indexer build --if-stale` for the index the service and eval use (no-op when current)
    eval    `indexer eval --split dev` and `--split test`     -> eval-{dev,test}.{md,json}
    build   bench/build.py: full build throughput vs raw encoding, upsert   -> build.json
    http    bench/http_latency.py: in-process vs HTTP, concurrency 8, /similar, start-up, RSS -> http.json
    scale   bench/scale.py: HNSW over 100k synthetic practices                -> scale.json
    plots   bench/plots.py                                                    -> latency.png, quality.png

`--skip STEP,...` reuses that step's last JSON (the summary says so, with its date). `--quick`
shortens the http and scale runs for a smoke test; its numbers are not the published ones.
Writes bench/results/summary.md and summary.json, and the table in README.md (Benchmarks).
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from bench.machine import machine  # noqa: E402

STEPS = ("index", "eval", "build", "http", "scale", "plots")
DOCS = ROOT / "README.md"
START, END = "<!-- latest summary: written by bench/run_all.py -->", "<!-- end of summary -->"


def run(cmd: list[str], log: Path) -> float:
    """Run one step (stdout and stderr appended to the log); seconds taken. A failing step stops the run."""
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"\n$ {' '.join(cmd)}\n")
        fh.flush()
        t = time.perf_counter()
        code = subprocess.run(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, check=False).returncode
    if code != 0:
        raise SystemExit(f"run_all: `{' '.join(cmd)}` failed ({code}); see {log}")
    return time.perf_counter() - t


def load(name: str) -> dict[str, Any] | None:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def measured_at(name: str) -> str:
    """When a reused result was measured: its file's time, or for a file as committed (a fresh clone's files
    all carry the clone's time) the time of the commit that last changed it, which is no earlier."""
    path = RESULTS / name
    git = ["git", "-C", str(ROOT)]
    edited = subprocess.run([*git, "status", "--porcelain", "--", str(path)], capture_output=True, text=True)
    committed = subprocess.run([*git, "log", "-1", "--format=%ct", "--", str(path)], capture_output=True, text=True)
    if edited.returncode == 0 and not edited.stdout.strip() and committed.stdout.strip():
        when, how = float(committed.stdout), "committed"
    else:
        when, how = path.stat().st_mtime, "measured"
    return f"{how} {datetime.datetime.fromtimestamp(when, datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}"


def rows(results: dict[str, dict[str, Any] | None]) -> list[tuple[str, str, str]]:
    """(what, value, goal) lines of the summary, from whichever results exist."""
    out: list[tuple[str, str, str]] = []
    if ev := results.get("eval-test.json"):
        m = ev["groups"]["search (English)"] if "groups" in ev else ev["modes"]  # "modes": results of format 1
        out += [(f"test nDCG@10 {mode}", f"{m[mode]['ndcg10']:.3f}", "") for mode in ("keyword", "semantic", "hybrid")]
        out.append(
            (
                "test nDCG@10 margin: hybrid - keyword / - semantic",
                f"{m['hybrid']['ndcg10'] - m['keyword']['ndcg10']:+.3f} / "
                f"{m['hybrid']['ndcg10'] - m['semantic']['ndcg10']:+.3f}",
                "> 0 / > 0",
            )
        )
        for group in ("pasted", "multilingual"):
            if group in ev.get("groups", {}):
                out.append((f"test nDCG@10 hybrid, {group}", f"{ev['groups'][group]['hybrid']['ndcg10']:.3f}", ""))
        related = next(iter(ev["related"].values()))
        out.append(
            (
                "test related precision@5 / distinct cities@5",
                f"{related['precision5']:.3f} / {related['distinct_cities5']:.2f}",
                "",
            )
        )
    if b := results.get("build.json"):
        out += [
            ("build throughput (full, no cache)", f"{b['build_vectors_per_s']} vectors/s", ""),
            ("raw encode (every encoder), same texts", f"{b['raw_encode_vectors_per_s']} vectors/s", ""),
            *(
                [("raw encode, seconds per encoder", ", ".join(f"{k} {v} s" for k, v in b["raw_encode_s"].items()), "")]
                if "raw_encode_s" in b
                else []
            ),
            ("build / raw encode", f"{b['build_over_raw']}", ">= 0.8"),
            ("upsert one practice (median)", f"{b['upsert_one_median_s']} s", "< 1 s"),
        ]
    if h := results.get("http.json"):
        for mode, m in h["search"].items():
            out.append(
                (
                    f"search {mode} p50 / p99, in-process",
                    f"{m['in_process']['p50_ms']} / {m['in_process']['p99_ms']} ms",
                    "",
                )
            )
            out.append(
                (f"search {mode} p50 / p99, HTTP (c=1)", f"{m['http']['p50_ms']} / {m['http']['p99_ms']} ms", "")
            )
            out.append((f"search {mode} HTTP / in-process p50", f"{m['http_over_in_process_p50']}", "<= 1.3"))
        c = h["concurrent"]
        out += [
            (
                f"GET /search hybrid at concurrency {c['concurrency']}, {c['seconds']} s",
                f"{c['requests_per_s']} req/s, p50 {c['p50_ms']} ms, p99 {c['p99_ms']} ms",
                "",
            ),
            (f"errors at concurrency {c['concurrency']}", f"{c['errors']} of {c['requests']}", "0"),
            (
                "GET /practices/{id}/similar p50 / p99, HTTP",
                f"{h['similar']['http']['p50_ms']} / {h['similar']['http']['p99_ms']} ms",
                "p50 <= 5 ms",
            ),
            ("repeated query (cache hit) p50, HTTP", f"{h['repeated_query_http']['p50_ms']} ms", ""),
            ("process start -> ready", f"{h['start_to_ready_s']} s", ""),
            (
                "RSS after load / after benchmark / peak",
                f"{h['rss_mib']['ready']} / {h['rss_mib']['after_bench']} / {h['rss_mib']['peak']} MiB",
                "",
            ),
        ]
    if s := results.get("scale.json"):
        out += [
            (f"scale: {s['practices']} practices ({s['vectors']} vectors) HNSW build", f"{s['build_s']} s", ""),
            ("scale: search p50 / p95", f"{s['search_p50_ms']} / {s['search_p95_ms']} ms", "p50 <= 20 ms"),
            ("scale: recall@10 vs exact", f"{s['recall_at_10']}", ">= 0.95"),
            ("scale: loaded index RSS", f"{s['loaded_index_rss_mib']} MiB", ""),
        ]
    return out


def refresh_docs(summary: str) -> None:
    """Put the latest table between the markers in README.md, so the docs show what was measured."""
    if not DOCS.exists():
        return
    text = DOCS.read_text(encoding="utf-8")
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not (start and end):
        return
    body = summary.split("\n", 2)[2].replace("](latency.png)", "](bench/results/latency.png)")
    body = body.replace("](quality.png)", "](bench/results/quality.png)")
    DOCS.write_text(f"{head}{START}\n{body.strip()}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "models" / "index", help="index for eval and http")
    parser.add_argument("--skip", default="", help=f"comma-separated steps to reuse: {', '.join(STEPS)}")
    parser.add_argument("--quick", action="store_true", help="short http and scale runs (a smoke test)")
    parser.add_argument("--scale-practices", type=int, default=100_000)
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if unknown := skip - set(STEPS):
        parser.error(f"unknown step(s): {', '.join(sorted(unknown))}")
    py = sys.executable
    http_args = ["--queries", "30", "--duration", "10"] if args.quick else []
    scale_n = min(args.scale_practices, 10_000) if args.quick else args.scale_practices
    commands = {
        "index": [[py, "-m", "indexer", "build", "--if-stale", "--out", str(args.index)]],
        "eval": [[py, "-m", "indexer", "eval", "--index", str(args.index), "--split", s] for s in ("dev", "test")],
        "build": [[py, "bench/build.py"]],
        "http": [[py, "bench/http_latency.py", "--index", str(args.index), *http_args]],
        "scale": [[py, "bench/scale.py", "--practices", str(scale_n), "--queries", "200" if args.quick else "500"]],
        "plots": [[py, "bench/plots.py"]],
    }
    outputs = {
        "eval": ["eval-dev.json", "eval-test.json"],
        "build": ["build.json"],
        "http": ["http.json"],
        "scale": ["scale.json"],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = RESULTS / "run_all.log"
    log.write_text(f"machine: {machine()}\n", encoding="utf-8")
    host = machine()
    timings: dict[str, float] = {}
    reused: dict[str, str] = {}
    for step in STEPS:
        if step in skip:
            reused.update({name: measured_at(name) for name in outputs.get(step, []) if (RESULTS / name).exists()})
            continue
        print(f"run_all: {step} ...", flush=True)
        timings[step] = round(sum(run(cmd, log) for cmd in commands[step]), 1)

    results = {name: load(name) for names in outputs.values() for name in names}
    table = rows(results)
    sources = {
        name: (f"reused, {reused[name]}" if name in reused else "this run")
        + (f" on {r['machine']}" if r and "machine" in r else "")
        for name, r in results.items()
        if r
    }
    lines = [
        "# Benchmark summary",
        "",
        f"Machine: {host}.",
        "",
        *(
            ["**Quick run (--quick): shortened http and scale runs, not the published numbers.**", ""]
            if args.quick
            else []
        ),
        "| what | value | goal |",
        "|---|---|---|",
        *(f"| {what} | {value} | {goal} |" for what, value, goal in table),
        "",
        "Step wall times: " + ", ".join(f"{k} {v} s" for k, v in timings.items()) + ".",
        "",
        "Sources: " + "; ".join(f"`{name}` {src}" for name, src in sources.items()) + ".",
        "",
        "Plots: [latency per mode](latency.png), [quality per mode](quality.png).",
    ]
    summary = "\n".join(lines) + "\n"
    (RESULTS / "summary.md").write_text(summary, encoding="utf-8")
    (RESULTS / "summary.json").write_text(
        json.dumps(
            {
                "machine": host,
                "quick": args.quick,
                "rows": [dict(zip(("what", "value", "goal"), r, strict=True)) for r in table],
                "step_seconds": timings,
                "sources": sources,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    if not args.quick:
        refresh_docs(summary)
    print(summary)
    print(f"wrote {RESULTS / 'summary.md'} and summary.json")


if __name__ == "__main__":
    main()
