"""HNSW at scale: 100,000 synthetic practices, search latency, recall@10 against exact search, memory.

    .venv/bin/python bench/scale.py [--practices 100000] [--queries 500]

Vectors are synthetic (clustered, unit length, dim 384 like all-MiniLM-L6-v2): the point is the
ANN index the indexer builds above `flat_max`, built here by the same `make_index` with the
configured HNSW settings. Prints and writes bench/results/scale.json.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import machine, save_result  # noqa: E402
from indexer.vectors import index_type, make_index  # noqa: E402
from settings import Settings  # noqa: E402

DIM = 384


def clustered(n: int, centers: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors around topic centres: closer to real sentence embeddings than uniform noise.

    Centre and noise both have norm ~1, so two practices of one topic have cosine ~0.5, about
    what all-MiniLM-L6-v2 gives two practices on the same theme; 5,000 topics.
    """
    noise = rng.standard_normal((n, DIM), dtype=np.float32) * (1.0 / np.sqrt(DIM))
    x = centers[rng.integers(0, len(centers), n)] + noise
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def rss_mib() -> float:
    with open("/proc/self/status", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--vectors-per-practice", type=int, default=3, help="the shipped corpus averages 2.9")
    args = parser.parse_args()
    host = machine()  # before we load the machine ourselves
    settings = Settings()
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((5000, DIM), dtype=np.float32) / np.sqrt(DIM)
    vectors = clustered(args.practices * args.vectors_per_practice, centers, rng)
    queries = clustered(args.queries, centers, rng)

    t = time.perf_counter()
    hnsw = make_index(vectors, 0, settings.hnsw_m, settings.hnsw_ef_construction, settings.hnsw_ef_search)
    build_s = time.perf_counter() - t
    assert index_type(hnsw) == "hnsw"
    exact = faiss.IndexFlatIP(DIM)
    exact.add(vectors)
    _, truth = exact.search(queries, 10)

    with tempfile.NamedTemporaryFile(suffix=".faiss") as tmp:
        faiss.write_index(hnsw, tmp.name)
        file_mib = Path(tmp.name).stat().st_size / 2**20
        del hnsw
        before = rss_mib()
        loaded = faiss.read_index(tmp.name)
        loaded_mib = rss_mib() - before
    loaded.hnsw.efSearch = settings.hnsw_ef_search

    times, hits = [], 0
    for q, want in zip(queries, truth, strict=True):  # one query at a time, as the service searches
        t = time.perf_counter()
        _, got = loaded.search(q.reshape(1, -1), 10)
        times.append((time.perf_counter() - t) * 1000)
        hits += len(set(got[0].tolist()) & set(want.tolist()))
    times.sort()
    result = {
        "machine": host,
        "practices": args.practices,
        "vectors": len(vectors),
        "faiss_threads": faiss.omp_get_max_threads(),
        "hnsw": {
            "m": settings.hnsw_m,
            "ef_construction": settings.hnsw_ef_construction,
            "ef_search": settings.hnsw_ef_search,
        },
        "build_s": round(build_s, 1),
        "search_p50_ms": round(statistics.median(times), 3),
        "search_p95_ms": round(times[int(0.95 * (len(times) - 1))], 3),
        "recall_at_10": round(hits / (10 * len(queries)), 4),
        "index_file_mib": round(file_mib, 1),
        "loaded_index_rss_mib": round(loaded_mib, 1),
    }
    out = save_result("scale", result)
    print(f"machine: {result['machine']}")
    print(f"{args.practices} practices, {len(vectors)} vectors, HNSW {result['hnsw']}, built in {result['build_s']} s")
    print(f"search p50 {result['search_p50_ms']} ms, p95 {result['search_p95_ms']} ms (goal p50 <= 20 ms)")
    print(f"recall@10 vs exact: {result['recall_at_10']} (goal >= 0.95)")
    print(f"index file {result['index_file_mib']} MiB, loaded RSS +{result['loaded_index_rss_mib']} MiB")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
