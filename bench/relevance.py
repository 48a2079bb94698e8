"""Relevance and cost of our hybrid search beside a peer (txtai), in one run on this machine.

    .venv/bin/python bench/relevance.py [--split test]

txtai's hybrid `Embeddings` (BM25 + dense, its defaults) with the same MiniLM model, over the same
texts (title, purpose, description), answers the same eval queries as our engine; both are scored
with evaluation/metrics.py. txtai is installed by this script into its own virtual environment
(bench/.txtai-venv, git-ignored), which reuses this project's PyTorch and transformers through a
.pth file instead of downloading them again. Also reports the in-process p50 of each, and ours
against the raw encode time of the slowest encoder (the goal: hybrid p50 <= 1.3x that).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.machine import machine, save_result  # noqa: E402
from evaluation.dataset import EvalQuery, load_queries  # noqa: E402
from evaluation.runner import _groups, score  # noqa: E402
from indexer.encoders import load_encoders  # noqa: E402
from indexer.progress import Progress  # noqa: E402
from indexer.updates import sync_index  # noqa: E402
from indexer.vocabulary_build import build_vocabulary  # noqa: E402
from search_service.state import load_engine  # noqa: E402
from settings import Settings  # noqa: E402

VENV = ROOT / "bench" / ".txtai-venv"
TXTAI = "txtai==9.14.0"
GROUPS = ("search (English)", "pasted", "multilingual")


def txtai_python() -> Path:
    """bench/.txtai-venv with txtai, sharing this interpreter's site-packages (torch, transformers)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        site = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        Path(site, "project-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    if subprocess.run([str(python), "-c", "import txtai"], capture_output=True).returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", TXTAI], check=True)
    return python


def of(timings: list[float], run: list[EvalQuery], among: list[EvalQuery]) -> list[float]:
    """The timings (one per query of `run`, in order) of the queries in `among`."""
    wanted = {q.id for q in among}
    return [ms for q, ms in zip(run, timings, strict=True) if q.id in wanted]


def p50(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default="test")
    args = parser.parse_args()
    settings = Settings()
    encoders = load_encoders(settings)
    sync_index(settings, encoders=encoders)
    print(build_vocabulary(settings, encoders, Progress()).summary(), file=sys.stderr)  # as scripts/serve does
    engine = load_engine(settings, encoders)
    queries = [
        q
        for q in load_queries(ROOT / "data/eval/queries.jsonl", args.split, ROOT / "data/eval/translations.jsonl")
        if q.judgments
    ]
    groups = {g: qs for g, qs in _groups(queries).items() if g in GROUPS and qs}

    ours: dict[str, list[str]] = {}
    ours_ms: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        ours[q.id] = [pid for pid, _ in engine.ranked(q.query, "hybrid", depth=50)]
        ours_ms.append((time.perf_counter() - t0) * 1000)
    encode_ms: dict[str, list[float]] = {e.name: [] for e in encoders}
    for q in queries:
        for e in encoders:
            t0 = time.perf_counter()
            e.encode_queries([q.query + " "])  # a text the engine never cached
            encode_ms[e.name].append((time.perf_counter() - t0) * 1000)

    job = {
        "model": settings.model_path,
        "corpus": str(settings.data),
        "depth": 50,
        "queries": [{"id": q.id, "text": q.query} for q in queries],
    }
    done = subprocess.run(
        [str(txtai_python()), str(ROOT / "bench" / "peer" / "txtai_worker.py")],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TOKENIZERS_PARALLELISM": "false"},
    )
    peer = json.loads(done.stdout)

    slowest = max(encode_ms, key=lambda n: statistics.median(encode_ms[n]))
    result = {
        "machine": machine(),
        "split": args.split,
        "ndcg10": {
            name: {g: round(score(runs, qs).ndcg10, 3) for g, qs in groups.items()}
            for name, runs in (("ours (hybrid)", ours), ("txtai hybrid, MiniLM", peer["ranked"]))
        },
        "p50_ms": {
            "ours (hybrid, in-process)": p50(ours_ms),
            "txtai (in-process)": p50(peer["latency_ms"]),
            **{f"raw encode: {n}": p50(v) for n, v in encode_ms.items()},
        },
        "ratio_ours_to_slowest_encoder": round(statistics.median(ours_ms) / statistics.median(encode_ms[slowest]), 2),
        # per query group: a query in another language also embeds its words for the word bridge
        "p50_ms_per_group": {
            g: {
                "ours": p50(of(ours_ms, queries, qs)),
                f"raw encode: {slowest}": p50(of(encode_ms[slowest], queries, qs)),
            }
            for g, qs in groups.items()
        },
        "slowest_encoder": slowest,
        "txtai_index_s": round(peer["index_s"], 1),
    }
    print(json.dumps(result, indent=2))
    print(f"wrote {save_result('relevance', result)}")


if __name__ == "__main__":
    main()
